"""``adcli check``: every partial derivative by four methods, with a verdict for CI."""
from __future__ import annotations

from typing import Annotated

import typer

from ..common import Digits, Expr, Json, Vars, errors, load, print_warnings
from .trace import AtOpt, PointsOpt, refuse_points

Against = Annotated[str | None, typer.Option(
    "--against",
    help="A hand-derived derivative to check, in adcli's syntax over the same variables: "
         "one formula for f(x), a list '\\[df/dx1, df/dx2, ...]' for a gradient; for a "
         "vector formula every output's partials in turn, or one bracketed row per output "
         "('\\[\\[df1/dx, df1/dy], \\[df2/dx, df2/dy]]').",
    metavar="FORMULA", show_default=False)]
Samples = Annotated[int | None, typer.Option(
    "--samples", "-k", min=0, max=100_000,
    help="With --against: also check at K random points within 10 % of P "
         "(±0.1·max(1,|x|) per variable), so a formula right at P only by chance still fails.",
    show_default=False)]
Seed = Annotated[int | None, typer.Option(
    "--seed", help="With --against --samples: the random seed (default 0).", show_default=False)]
Rtol = Annotated[float | None, typer.Option(
    "--rtol", min=0.0,
    help="With --against: relative tolerance between your formula and AD (default 1e-9; "
         "under --digits N, 10^(3−N) when that is smaller).", show_default=False)]
Timeout = Annotated[float, typer.Option(
    "--symbolic-timeout", min=0.0,
    help="Seconds SymPy may take (the worker is killed after that; the rows it did not "
         "finish say so). 0 skips SymPy.", metavar="SECONDS")]
SymDigits = Annotated[int, typer.Option(
    "--symbolic-digits", min=30, max=1000,
    help="Significant digits of SymPy's value at the point.", metavar="N")]
Plot = Annotated[bool, typer.Option(
    "--plot",
    help="Draw the finite-difference error against the step h on log-log axes, with the "
         "AD error for comparison (to stderr under --json).")]
Precision = Annotated[int | None, typer.Option(
    "--precision", min=1, max=17,
    help="Show numbers with N significant digits in the tables (default: every digit "
         "computed; JSON is always full).", metavar="N", show_default=False)]


def check_cmd(expr: Expr, at: AtOpt = None, against: Against = None, samples: Samples = None,
              seed: Seed = None, rtol: Rtol = None, symbolic_timeout: Timeout = 10.0,
              symbolic_digits: SymDigits = 30, digits: Digits = None, plot: Plot = False,
              variables: Vars = None, as_json: Json = False, precision: Precision = None,
              points: PointsOpt = None) -> None:
    """Check every partial derivative of EXPR at a point by forward AD, reverse AD,
    central finite differences and SymPy, side by side, with a verdict.

    Methods: forward and reverse AD (float64); a central difference with step
    h = ε^(1/3)·max(1,|x|) per variable, its Richardson extrapolation and an
    error estimate |D(h) − D(2h)|/3 + round-off 4ε·S/h, where S = Σ|vᵢ|·|∂f/∂vᵢ|
    over the trace (so cancelling intermediates count); SymPy's derivative of
    the formula (built from adcli's trace, never from your text) at the
    point's exact binary value, to 30+ digits.

    Tolerances: forward and reverse AD must agree to a few ULPs (8, or 2·√L
    for a trace of L active operations), counted at the larger of the values
    and of Σ|chain-rule terms|. AD and SymPy must agree to that, or to 4 × AD's
    rounding spread if more: the largest change of the derivative over 8
    seeded re-runs with every intermediate value and rounded local partial
    moved by up to ±1 ULP, since the derivative can amplify the rounding of
    the primal values (sin(10*x)). The finite difference must be within 4 ×
    its error estimate of AD, and counts only when reliable: no kink (abs,
    relu, min, max switching; hypot, atan2 nearer (0,0) than the step) within
    its steps, and the Richardson ratio (D(2h)−D(4h))/(D(h)−D(2h)) within
    [2, 8] (≈ 4) whenever truncation dominates. Disagree needs AD to miss a
    reliable reference; a finite difference that alone is off while AD and
    SymPy agree gives inconclusive.

    With --digits N, forward and reverse AD and the finite differences are
    computed by mpmath at N significant digits (the step for ε = 10^-N), SymPy
    to at least N + 10 digits, and the ULPs above become units of 10^-N
    (relative); JSON then carries the numbers as strings.

    --precision N shows the numbers in the tables to N significant digits
    (the verdict and JSON do not change).

    Exit codes: 0 agree; 1 disagree (or the formula cannot be evaluated);
    2 bad usage, formula or point; 3 inconclusive (a kink, a finite difference
    alone off, or no reliable reference).

    Examples: adcli check 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5
              adcli check 'x^2*sin(x)' --at 1.3 --against '2*x*sin(x) + x^2*cos(x)'
              adcli check 'x1*x2 + sin(x1)' --at 1,2 --against '\\[x2 + cos(x1), x1]' -k 20
              adcli check 'tanh(3*x)' --at 0.2 --plot
              adcli check 'x1*exp(-(x1^2+x2^2)/2)' --at 2,1/2 --digits 50
    """
    from ..checking import EXIT, numbers
    with errors(as_json):
        refuse_points("check", points)
        g = load(expr, variables)
        _options(against, samples, seed, rtol, digits, plot)
        nums = numbers(digits)
        report, point = _run(g, at, against, samples or 0, seed or 0, _rtol(rtol, digits),
                             symbolic_digits, symbolic_timeout, plot, nums)
        _show(g, point, report, as_json, plot, precision)
        print_warnings(report.warnings)
        if report.against is not None:
            from ..checking import failure_lines
            _say(failure_lines(g, report.against, nums=nums))
        code = EXIT[report.verdict]
    raise typer.Exit(code)


def _run(g, at, against, samples, seed, rtol, symbolic_digits, timeout, plot, nums) -> tuple:
    """(report, point); engine errors under --digits show numbers, not mpf reprs."""
    from ..checking import check, check_against, curves, worst
    from ..errors import AdcliError
    try:
        with nums.precision():
            point = _point(g, at, nums.digits)
        report = check(g, point, digits=symbolic_digits, timeout=timeout, nums=nums)
        if against is not None:
            report.against = check_against(g, point, against, samples, seed, rtol, nums)
            report.verdict = worst([report.verdict, report.against.verdict])
    except AdcliError as exc:
        exc.message = nums.plain(exc.message)
        exc.args = (exc.message,)
        raise
    if plot:
        report.curves = curves(g, point, report)
    return report, point


def _options(against, samples, seed, rtol, digits, plot) -> None:
    """Options that would do nothing are mistakes: say so (exit 2) rather than ignore them."""
    from ..errors import UsageError
    if against is None:
        given = [name for name, v in (("--samples", samples), ("--seed", seed),
                                      ("--rtol", rtol)) if v is not None]
        if given:
            raise UsageError(f"{' and '.join(given)} only go{'es' if len(given) == 1 else ''} "
                             "with --against FORMULA (they check your hand-derived "
                             "derivative at random points near P); give --against, or drop "
                             f"{'it' if len(given) == 1 else 'them'}")
    elif seed is not None and not samples:
        raise UsageError("--seed picks the random points of --samples K; give --samples too")
    if digits is not None and plot:
        raise UsageError("--plot shows float64's round-off against the step; it does not go "
                         "with --digits")


def _rtol(rtol, digits):
    if rtol is not None:
        return rtol
    if digits is None:
        return 1e-9
    import mpmath

    from ..mpmath_ns import working_precision
    with working_precision(digits):
        return min(mpmath.mpf("1e-9"), mpmath.mpf(10) ** (3 - digits))


def _say(lines: list) -> None:
    import sys
    for line in lines:
        sys.stderr.write(f"adcli: {line}\n")


def _point(g, at: str | None, digits: int | None = None) -> list:
    from ..errors import UsageError
    at = at if at is not None else g.default_at      # a formula file's "# at:" line
    if at is None and g.names:
        raise UsageError(f"missing the point: give --at ({','.join(g.names)})")
    if digits is not None:
        from ..mpmath_ns import point_values
        return point_values(at or "", g.names)
    from ..point import parse_point
    return parse_point(at or "", g.names)


def _show(g, point, report, as_json: bool, plot: bool, precision: int | None) -> None:
    if as_json:
        from ..jsonout import emit
        from ..render.check_json import report_json
        emit(report_json(g, point, report))
        if plot:
            from ..render.check_table import print_plot
            print_plot(g, report.curves, stderr=True)
        return
    from ..render.check_table import print_check, print_plot
    print_check(g, point, report, sig=precision)
    if plot:
        print_plot(g, report.curves)


def register(app) -> None:
    app.command("check")(check_cmd)
