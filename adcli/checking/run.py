"""The check itself: every partial by forward AD, reverse AD, finite differences and
SymPy, compared (see :mod:`adcli.checking` for the rules)."""
from __future__ import annotations

from ..engine import Linearization, evaluate, linearize
from ..errors import UsageError
from ..tracing.cost import cost
from .cancellation import worst_cancellation
from .finite import dependence, fd_rows, feeding
from .model import Report, Row
from .numbers import FLOAT
from .rounding import conditioning_warnings, magnitude, rounding_sizes, rounding_spread
from .verdict import DEFAULT_RTOL, ad_ulps, compare, worst


# -- SymPy ----------------------------------------------------------------------------------------
def _symbolic_rows(g, point, rows, digits, timeout):
    from ..symbolic import compute
    sym = compute(g, point, digits=digits, timeout=timeout)
    for row in rows:
        got = sym.rows.get((row.output, row.variable))
        if got is None:
            row.symbolic_note = {"timeout": "timed out", "skipped": "skipped"}.get(
                sym.state, sym.message or "not computed")
            continue
        row.symbolic_text, row.symbolic_digits, row.symbolic_note = got
    return sym


def trace_ops(g, lin: Linearization) -> int:
    """Primal equations plus adjoint contributions (one adjoint sweep per output)."""
    contributions = cost(g, lin, len(g.outputs))["local_partials"]
    return g.n_ops + len(g.outputs) * contributions


# -- the check ---------------------------------------------------------------------------------
def _ad_rows(g, point, nums, warnings: list) -> tuple:
    """(rows with AD values, magnitude bounds and rounding spreads; values; vals; lin)."""
    _, fwd, _ = nums.differentiate(g, point, "forward")
    values, rev, warns = nums.differentiate(g, point, "reverse")
    warnings.extend(warns)
    m = nums.namespace(g)
    vals = evaluate(g, point, m)
    lin = linearize(g, vals, m)
    scale = magnitude(g, lin)
    spread = rounding_spread(g, point, rev, nums)
    rows = [Row(r, j, fwd[r][j], rev[r][j], scale[r][j],
                None if spread is None else spread[r][j], at_kink=bool(lin.warnings))
            for r in range(len(g.outputs)) for j in range(g.n_inputs)]
    return rows, values, vals, lin


def check(g, point: list, *, digits: int = 30, timeout: float = 10.0, nums=FLOAT,
          rtol=DEFAULT_RTOL) -> Report:
    """Every partial by forward AD, reverse AD, finite differences and SymPy.

    ``nums``: FLOAT, or ``numbers(N)`` for mpmath at N digits (then ``point``
    holds mpmath numbers and SymPy is asked for at least N + 10 digits).  ``rtol``: the
    rounding spread never lets AD and SymPy differ by more than this, relative.
    """
    if g.n_inputs == 0:
        raise UsageError("the formula has no variables: there is no derivative to check")
    warnings: list = []
    with nums.precision():
        rows, values, vals, lin = _ad_rows(g, point, nums, warnings)
        deps = dependence(g)
        noise = rounding_sizes(g, vals, lin, deps)
        fd_rows(g, point, vals, rows, warnings, nums, noise, deps, feeding(g, lin))
    sym_digits = digits if nums.digits is None else max(digits, nums.digits + 10)
    sym = _symbolic_rows(g, point, rows, sym_digits, timeout)
    ulps = ad_ulps(len(lin.order))
    with nums.precision():
        for row in rows:
            if row.symbolic_digits is not None:
                row.symbolic_value = nums.value(row.symbolic_digits)
            compare(row, ulps, nums, rtol)
    cancel = worst_cancellation(g, vals, lin)
    _explain(rows, cancel, nums)
    warnings.extend(conditioning_warnings(g, rows, nums))
    if sym.state in ("timeout", "error", "unavailable"):
        warnings.append(f"symbolic step: {sym.message}")
    swell = {"expression_ops": g.n_ops, "symbolic_ops": sym.raw_ops,
             "symbolic_cse_ops": sym.cse_ops, "trace_ops": trace_ops(g, lin)}
    return Report(rows, values, warnings, worst(r.verdict for r in rows), ulps, swell,
                  sym.state, sym.message, nums=nums, rtol=rtol, cancellation=cancel)


NAMED_CONDITION = 100.0    # a disagreement names a cancelling row this ill-conditioned
DIGITS_NOTE_CONDITION = 1e4   # --digits says it made the difference past this condition


def _explain(rows, cancel, nums) -> None:
    """Name the cancellation behind an AD/SymPy disagreement; under --digits, say when the
    extra digits are what made a cancelling formula agree."""
    if cancel is None or cancel.condition < NAMED_CONDITION:
        return
    where = cancel.cause()
    for row in rows:
        if nums.digits is None and row.verdict == "disagree" and "symbolic" in row.bad:
            row.reasons.append(f"cause: {where}; AD is the exact derivative of the rounded "
                               "program, not of the formula: --digits 30 computes it with "
                               "enough digits")
        elif (nums.digits is not None and row.verdict == "agree"
              and cancel.condition >= DIGITS_NOTE_CONDITION):
            row.reasons.append(f"agrees at {nums.digits} digits; in float64 this formula "
                               f"suffers {where}, so check it with --digits")
