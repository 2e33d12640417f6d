"""adcli from Python: the CLI's commands as functions returning typed results.

    >>> import adcli
    >>> r = adcli.grad("x1*exp(-(x1^2+x2^2)/2)", at=[2, 0.5])
    >>> r.value, r.gradient
    (0.23886593653343924, [-0.35829890480015886, -0.11943296826671962])

Every function takes the formula (text, or a :class:`Formula`) and the point
``at``: a sequence in input order, a dict by name, or the CLI's text
(``"x1=2,x2=0.5"``).  ``digits=N`` computes with mpmath at N significant
digits; ``points=X`` (a NumPy array, one row per point) gives arrays.  The
result's ``to_dict()`` is the CLI's ``--json`` object.  Errors raise
subclasses of :class:`adcli.AdcliError` with the CLI's messages.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .arrays import Many, run_many
from .errors import AdcliError, UsageError
from .pipeline import Request, run
from .results import Result

Vars = str | Sequence[str] | None


class Formula:
    """A formula parsed once, to evaluate and differentiate many times.

    >>> f = Formula("x1*exp(-(x1^2+x2^2)/2)")
    >>> f.variables
    ['x1', 'x2']
    >>> f.grad(at={"x1": 2, "x2": 0.5}).gradient
    [-0.35829890480015886, -0.11943296826671962]
    """

    def __init__(self, text: str, vars: Vars = None):
        from .common import split_names
        from .parser import parse
        names = vars if vars is None or isinstance(vars, str) else ",".join(vars)
        self.text = text
        self.graph = parse(text, split_names(names))
        self.compiled = False

    def compile(self) -> Formula:
        """This formula with ``points=`` (evaluate, grad, jacobian, hessian) on a compiled C
        kernel, as ``--points --compile``: each kernel is compiled with the system C
        compiler at its first use and cached on disk, so later runs only load it.  Same
        numbers as NumPy's to 16 ulps; without a compiler, NumPy (a RuntimeWarning says so).

        >>> f = Formula("x1*exp(-(x1^2+x2^2)/2)").compile()
        >>> f.grad(points=[[2, 0.5], [1, 1]]).gradient.shape
        (2, 2)
        """
        import copy
        twin = copy.copy(self)
        twin.compiled = True
        return twin

    @property
    def variables(self) -> list:
        return list(self.graph.names)

    def __repr__(self) -> str:
        return f"Formula({self.text!r}){'.compile()' if self.compiled else ''}"

    def _ask(self, command: str, at: Any, points: Any, digits: int | None, on_error: str,
             **options: Any) -> Any:
        req = Request(command, self.graph, at, digits=digits, compiled=self.compiled, **options)
        if points is not None:
            if at is not None:
                raise UsageError("give either at= (one point) or points= (many), not both")
            return run_many(req, points, on_error)
        return run(req)

    def evaluate(self, at: Any = None, *, points: Any = None, digits: int | None = None,
                 on_error: str = "fail") -> Any:
        """The value (a list for a formula ``[f1, f2, ...]``)."""
        return self._ask("eval", at, points, digits, on_error)

    def grad(self, at: Any = None, *, mode: str = "reverse", points: Any = None,
             digits: int | None = None, on_error: str = "fail") -> Any:
        """Value and gradient of a scalar formula; ``mode`` is "reverse" or "forward"."""
        return self._ask("grad", at, points, digits, on_error, mode=_mode(mode, False))

    def grad_frame(self, df: Any, *, mode: str = "reverse", on_error: str = "fail") -> Any:
        """Value and gradient at every row of a pandas DataFrame whose columns name the
        variables: a DataFrame with the CLI's columns (``x1, x2, value, d/dx1, d/dx2``)
        and ``df``'s index, the same numbers as ``adcli grad --points``.  A row that is
        not finite numbers, or fails to evaluate, raises (``on_error="fail"``) or is
        left out (``"skip"``).  Made for Dask's ``ddf.map_partitions(f.grad_frame)``.
        Needs pandas (``pip install 'adcli[big]'``).
        """
        from .batch.frames import grad_frame
        return grad_frame(Request("grad", self.graph, None, mode=_mode(mode, False)), df,
                          on_error)

    def jacobian(self, at: Any = None, *, mode: str = "auto", points: Any = None,
                 digits: int | None = None, on_error: str = "fail") -> Any:
        """Values and Jacobian; ``mode`` "auto" picks forward when inputs ≤ outputs."""
        return self._ask("jacobian", at, points, digits, on_error, mode=_mode(mode, True))

    def hessian(self, at: Any = None, *, points: Any = None, digits: int | None = None,
                on_error: str = "fail") -> Any:
        """Value, gradient and Hessian (forward-over-reverse) of a scalar formula."""
        return self._ask("hessian", at, points, digits, on_error)

    def jvp(self, at: Any = None, direction: Any = None, *, points: Any = None,
            digits: int | None = None, on_error: str = "fail") -> Any:
        """J·v in one forward sweep."""
        return self._ask("jvp", at, points, digits, on_error, direction=direction)

    def vjp(self, at: Any = None, cotangent: Any = None, *, points: Any = None,
            digits: int | None = None, on_error: str = "fail") -> Any:
        """wᵀ·J in one reverse sweep (w = 1 for a scalar formula)."""
        return self._ask("vjp", at, points, digits, on_error, cotangent=cotangent)

    def hvp(self, at: Any = None, direction: Any = None, *, points: Any = None,
            digits: int | None = None, on_error: str = "fail") -> Any:
        """H·v and the gradient, without building H."""
        return self._ask("hvp", at, points, digits, on_error, direction=direction)

    def derivative(self, at: Any = None, *, order: int = 1, direction: Any = None,
                   points: Any = None, on_error: str = "fail") -> Any:
        """f, f′, …, f⁽ᵏ⁾ (Taylor mode), along ``direction`` for several variables."""
        if not 0 <= order <= 100:
            raise UsageError("order must be between 0 and 100")
        return self._ask("derivative", at, points, None, on_error, order=order,
                         direction=direction)

    def trace(self, at: Any = None, *, mode: str = "reverse", wrt: str | None = None,
              direction: Any = None, output: int | None = None,
              digits: int | None = None) -> Trace:
        """The evaluation trace (the model of ``adcli trace``); ``output`` is 1-based."""
        from .pipeline import need_at, read_point, working
        from .tracing import build, style_for
        g = self.graph
        need_at(g, at)
        if wrt is not None and wrt not in g.names:
            raise UsageError(f"--wrt: unknown variable '{wrt}'; the inputs are "
                             f"{', '.join(g.names) or 'none'}")
        if output is not None and not 1 <= output <= len(g.outputs):
            raise UsageError(f"--output must be between 1 and {len(g.outputs)}")
        with working(digits):
            point = read_point(at, g.names, digits)
            v = None if direction is None else read_point(direction, g.names, digits,
                                                          "--direction")
            extra: dict = {}
            if digits is not None:
                from .backends.mpmath import namespace
                extra = {"m": namespace(g), "digits": digits}
            tr = build(g, point, mode, wrt=wrt, direction=v,
                       output=None if output is None else output - 1, style=style_for(False),
                       **extra)
        return Trace(tr)

    def check(self, at: Any = None, *, digits: int | None = None,
              symbolic_digits: int = 30, timeout: float = 10.0,
              rtol: float | None = None) -> Check:
        """Every partial by forward AD, reverse AD, finite differences and SymPy.

        ``rtol`` (``--rtol``): how far, relative to SymPy's value, AD's rounding allowance
        may ever reach (default 1e-9)."""
        from . import checking
        from .pipeline import need_at, read_point, working
        g = self.graph
        need_at(g, at)
        nums = checking.numbers(digits)
        with working(digits):
            point = read_point(at, g.names, digits)
        report = checking.check(g, point, digits=symbolic_digits, timeout=timeout, nums=nums,
                                rtol=checking.DEFAULT_RTOL if rtol is None else rtol)
        return Check(g, point, report)


def _mode(mode: str, auto: bool) -> str:
    allowed = ("auto", "forward", "reverse") if auto else ("forward", "reverse")
    if mode not in allowed:
        raise UsageError(f"mode must be one of {', '.join(allowed)}, not {mode!r}")
    return mode


class _Shown:
    """A model rendered by a function that prints (trace, check): captured as text."""

    def _print(self) -> None:
        raise NotImplementedError

    def text(self) -> str:
        import contextlib
        import io
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            self._print()
        return buf.getvalue()

    def show(self) -> None:
        self._print()

    def __rich__(self) -> Any:
        from rich.text import Text
        return Text(self.text())

    def _repr_html_(self) -> str:
        import html
        return f"<pre style=\"font-family:monospace\">{html.escape(self.text())}</pre>"


class Trace(_Shown):
    """The evaluation trace; ``to_dict()`` is ``adcli trace --json``."""

    def __init__(self, model: Any):
        self.model = model
        self.warnings = list(model.warnings)

    def to_dict(self) -> dict:
        from .render.trace_json import trace_payload
        return trace_payload(self.model)

    def _print(self) -> None:
        from .render.trace_table import print_trace
        print_trace(self.model, 200, None)

    def _repr_html_(self) -> str:
        """Jupyter: the page of ``adcli trace --format html``, its script and style scoped
        to this output (click it, then ←/→ step through the sweeps)."""
        from .render.html import trace_page
        return trace_page(self.model, standalone=False)


class Check(_Shown):
    """The check report; ``to_dict()`` is ``adcli check --json``."""

    def __init__(self, g: Any, point: list, report: Any):
        self.graph, self.point, self.report = g, point, report
        self.verdict = report.verdict

    def to_dict(self) -> dict:
        from .render.check_json import report_json
        return report_json(self.graph, self.point, self.report)

    def _print(self) -> None:
        from .render.check_table import print_check
        print_check(self.graph, self.point, self.report)


def _formula(formula: str | Formula, vars: Vars) -> Formula:
    if isinstance(formula, Formula):
        if vars is not None:
            raise UsageError("vars= goes with a formula's text, not with a Formula")
        return formula
    if not isinstance(formula, str):
        raise UsageError(f"the formula must be text or a Formula, not {type(formula).__name__}")
    return Formula(formula, vars)


# -- the functions: one per command ------------------------------------------------------------
def evaluate(formula: str | Formula, at: Any = None, *, points: Any = None,
             digits: int | None = None, vars: Vars = None, on_error: str = "fail") -> Any:
    """``adcli eval``: the value of ``formula`` at ``at`` (or at every row of ``points``)."""
    return _formula(formula, vars).evaluate(at, points=points, digits=digits, on_error=on_error)


def grad(formula: str | Formula, at: Any = None, *, mode: str = "reverse",
         points: Any = None, digits: int | None = None, vars: Vars = None,
         on_error: str = "fail") -> Any:
    """``adcli grad``: value and gradient."""
    return _formula(formula, vars).grad(at, mode=mode, points=points, digits=digits,
                                        on_error=on_error)


def jacobian(formula: str | Formula, at: Any = None, *, mode: str = "auto",
             points: Any = None, digits: int | None = None, vars: Vars = None,
             on_error: str = "fail") -> Any:
    """``adcli jacobian``: values and Jacobian."""
    return _formula(formula, vars).jacobian(at, mode=mode, points=points, digits=digits,
                                            on_error=on_error)


def hessian(formula: str | Formula, at: Any = None, *, points: Any = None,
            digits: int | None = None, vars: Vars = None, on_error: str = "fail") -> Any:
    """``adcli hessian``: value, gradient and Hessian."""
    return _formula(formula, vars).hessian(at, points=points, digits=digits, on_error=on_error)


def jvp(formula: str | Formula, at: Any = None, direction: Any = None, *,
        points: Any = None, digits: int | None = None, vars: Vars = None,
        on_error: str = "fail") -> Any:
    """``adcli jvp``: J·v."""
    return _formula(formula, vars).jvp(at, direction, points=points, digits=digits,
                                       on_error=on_error)


def vjp(formula: str | Formula, at: Any = None, cotangent: Any = None, *,
        points: Any = None, digits: int | None = None, vars: Vars = None,
        on_error: str = "fail") -> Any:
    """``adcli vjp``: wᵀ·J."""
    return _formula(formula, vars).vjp(at, cotangent, points=points, digits=digits,
                                       on_error=on_error)


def hvp(formula: str | Formula, at: Any = None, direction: Any = None, *,
        points: Any = None, digits: int | None = None, vars: Vars = None,
        on_error: str = "fail") -> Any:
    """``adcli hvp``: H·v and the gradient."""
    return _formula(formula, vars).hvp(at, direction, points=points, digits=digits,
                                       on_error=on_error)


def derivative(formula: str | Formula, at: Any = None, *, order: int = 1,
               direction: Any = None, points: Any = None, vars: Vars = None,
               on_error: str = "fail") -> Any:
    """``adcli derivative``: f, f′, …, f⁽ᵏ⁾."""
    return _formula(formula, vars).derivative(at, order=order, direction=direction,
                                              points=points, on_error=on_error)


def trace(formula: str | Formula, at: Any = None, *, mode: str = "reverse",
          wrt: str | None = None, direction: Any = None, output: int | None = None,
          digits: int | None = None, vars: Vars = None) -> Trace:
    """``adcli trace``: the evaluation trace."""
    return _formula(formula, vars).trace(at, mode=mode, wrt=wrt, direction=direction,
                                         output=output, digits=digits)


def check(formula: str | Formula, at: Any = None, *, digits: int | None = None,
          symbolic_digits: int = 30, timeout: float = 10.0, rtol: float | None = None,
          vars: Vars = None) -> Check:
    """``adcli check``: every partial by four methods, with a verdict."""
    return _formula(formula, vars).check(at, digits=digits, symbolic_digits=symbolic_digits,
                                         timeout=timeout, rtol=rtol)


def uncertainty(formula: str | Formula, inputs: Any = None, *, corr: Any = None,
                coverage: float = 0.95, order: int = 1, monte_carlo: bool = False,
                trials: int | None = None, seed: int | None = None, ndig: int = 2,
                shortest: bool = False, on_error: str = "fail", vars: Vars = None) -> Any:
    """``adcli uncertainty``: GUM result and budget, ``order=2`` term, Monte Carlo.

    ``inputs`` maps each name to ``"2±0.1"``, ``"U(1, 3)"``, ``"T(a, b)"``,
    ``"t(mean, s, nu)"`` or a number (a constant), or is the CLI's text;
    ``corr`` maps ``("x1", "x2")`` to a coefficient.

        >>> r = uncertainty("x*y", inputs={"x": "2±0.1", "y": "3±0.2"})
        >>> round(r.standard_uncertainty, 6)
        0.5
    """
    from .propagation import propagate
    g = _formula(formula, vars).graph
    return propagate(g, inputs, corr=corr, coverage=coverage, order=order,
                     monte_carlo=monte_carlo, trials=trials, seed=seed, ndig=ndig,
                     shortest=shortest, on_error=on_error)


__all__ = ["AdcliError", "Formula", "Many", "Result", "check", "derivative", "evaluate", "grad",
           "hessian", "hvp", "jacobian", "jvp", "trace", "uncertainty", "vjp"]
