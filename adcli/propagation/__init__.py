"""Uncertainty propagation (``adcli uncertainty``, ``adcli.uncertainty``).

* :mod:`.inputs`      the input quantities (``x=2±0.1``, ``U(a, b)``, ...) and ``--corr``;
* :mod:`.gum`         JCGM 100 first order, budget, Welch–Satterthwaite, second-order term;
* :mod:`.montecarlo`  JCGM 101 sampling, adaptive procedure, coverage interval, validation;
* :mod:`.result`      the typed result (``to_dict`` is ``--json``);
* :mod:`.show`        the Rich tables, the terminal histogram, ``--plot-file``.
"""
from __future__ import annotations

from typing import Any

from ..errors import UsageError
from .result import Uncertainty


def propagate(g: Any, inputs: Any, *, corr: Any = None, coverage: float = 0.95,
              order: int = 1, monte_carlo: bool = False, trials: int | None = None,
              seed: int | None = None, ndig: int = 2, shortest: bool = False,
              on_error: str = "fail") -> Uncertainty:
    """The uncertainty of the scalar formula ``g`` given its input quantities."""
    from . import gum
    from . import inputs as _inputs
    if len(g.outputs) != 1:
        raise UsageError("uncertainty needs a scalar formula, not a list of outputs")
    if not 0.0 < coverage < 1.0:
        raise UsageError("--coverage must be a probability between 0 and 1, e.g. 0.95")
    if order not in (1, 2):
        raise UsageError("--order must be 1 or 2")
    if on_error not in ("fail", "skip"):
        raise UsageError("--on-error must be fail or skip")
    if trials is not None and not monte_carlo:
        raise UsageError("--trials goes with --monte-carlo")
    qs = _inputs.read_inputs(inputs, list(g.names))
    r = _inputs.read_correlations(corr, qs)
    first = gum.first_order(g, qs, r, coverage)
    warnings = list(first.warnings)
    second = None
    if order == 2:
        second = gum.second_order(g, qs, first)
        warnings += _second_order_warnings(first, second, qs, r, monte_carlo)
    mc = check = None
    if monte_carlo:
        from . import montecarlo
        mc = montecarlo.run(g, qs, r, coverage=coverage, trials=trials, seed=seed, ndig=ndig,
                            shortest=shortest, on_error=on_error)
        warnings += mc.warnings
        check = montecarlo.validate(first.interval, mc, ndig)
    return Uncertainty(g, qs, r, first, second, mc, check, warnings)


def _second_order_warnings(first: Any, second: Any, qs: list, r: list, mc: bool) -> list:
    out = []
    n = len(qs)
    see = ("the Monte Carlo result is the reference" if mc
           else "run --monte-carlo for the reference result")
    if any(r[i][j] != 0.0 for i in range(n) for j in range(n) if i != j):
        out.append("the second-order term assumes uncorrelated inputs, and --corr correlates "
                   f"some: it is computed as stated but does not hold; {see}")
    odd = [q.name for q in qs if q.uncertain and q.kind != "normal"]
    if odd:
        out.append("the second-order term assumes normal inputs, and "
                   f"{', '.join(odd)} {'is' if len(odd) == 1 else 'are'} not: it is computed "
                   f"as stated but does not hold; {see}")
    if first.u == 0.0 and second.u > 0.0:
        out.append(f"u(y) is 0 at first order but {second.u:.3g} with the second-order term "
                   f"(more than 5 %): the linearization is doubtful; {see}")
    elif abs(second.u - first.u) > 0.05 * first.u:
        out.append(f"the second-order term changes u(y) by {100 * (second.u / first.u - 1):+.1f} "
                   f"% (more than 5 %): the linearization is doubtful; {see}")
    return out


__all__ = ["Uncertainty", "propagate"]
