"""``adcli check``: every partial derivative by four methods, with a verdict for CI."""
from __future__ import annotations

from typing import Annotated

import typer

from ..common import (
           Digits,
           Expr,
           InputFormat,
           InputFormatOpt,
           Json,
           OutFile,
           Points,
           Vars,
           errors,
           load,
           print_warnings,
)
from .trace import AtOpt

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
    help="Relative tolerance (default 1e-9): AD's rounding spread never lets AD and "
         "SymPy differ by more than this; --against compares your formula with AD to it "
         "(there, under --digits N, 10^(3−N) when that is smaller).", show_default=False)]
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
Details = Annotated[bool, typer.Option(
    "--details",
    help="One card per partial with every comparison (ULPs, tolerances, FD error in "
         "estimates, Richardson, step h) instead of the one-row-per-partial table.")]
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q",
    help="Print one line ('agree: 2/2 partials, max rel. diff 4.8e-11') and set the exit "
         "code: for scripts.")]
Precision = Annotated[int | None, typer.Option(
    "--precision", min=1, max=17,
    help="Show numbers with N significant digits in the tables (default: every digit "
         "computed; JSON is always full).", metavar="N", show_default=False)]


def check_cmd(expr: Expr, at: AtOpt = None, against: Against = None, samples: Samples = None,
              seed: Seed = None, rtol: Rtol = None, symbolic_timeout: Timeout = 10.0,
              symbolic_digits: SymDigits = 30, digits: Digits = None, plot: Plot = False,
              variables: Vars = None, as_json: Json = False, precision: Precision = None,
              details: Details = False, quiet: Quiet = False, points: Points = None,
              input_format: InputFormatOpt = InputFormat.auto,
              out_file: OutFile = None) -> None:
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
    the primal values (sin(10*x)). That widening never goes beyond --rtol
    (default 1e-9) relative to SymPy's value: a formula that cancels in
    float64 disagrees, and the note names the trace row vₖ that cancels,
    with its condition estimate (try --digits 30). The finite difference must be within 4 ×
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

    Output: one table, a row per partial (forward AD, reverse AD, central
    FD ± error, SymPy, the relative differences fwd−rev, AD−SymPy, FD−AD, the
    row's verdict), then SymPy's expressions, the expression swell and the
    verdict. --details gives one card per partial with every comparison;
    --quiet one line and the exit code. --precision N shows the numbers in
    the tables to N significant digits (the verdict and JSON do not change).

    --points FILE checks every point of a CSV or JSON Lines file: one line
    per point (CSV: the point, verdict, agree, partials, max_rel_diff, note;
    JSON Lines under --json), a summary on stderr, and the exit code of the
    worst: disagree 4, an evaluation error 1, inconclusive 3, else 0.
    --out-file FILE writes those lines to FILE (.csv, or .jsonl for JSON Lines).

    Exit codes: 0 agree; 1 the formula cannot be evaluated (as in every
    command); 2 bad usage, formula or point; 3 inconclusive (a kink, a finite
    difference alone off, or no reliable reference); 4 disagree.

    Examples: adcli check 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5
              adcli check 'x^2*sin(x)' --at 1.3 --against '2*x*sin(x) + x^2*cos(x)'
              adcli check 'x1*x2 + sin(x1)' --at 1,2 --against '\\[x2 + cos(x1), x1]' -k 20
              adcli check 'tanh(3*x)' --at 0.2 --plot
              adcli check 'x1*exp(-(x1^2+x2^2)/2)' --at 2,1/2 --digits 50
              adcli check 'sin(x)*exp(y)' --points pts.csv > verdicts.csv
              adcli check 'sin(x)*exp(y)' --points pts.csv -o verdicts.jsonl
    """
    from ..checking import EXIT, numbers
    with errors(as_json):
        g = load(expr, variables)
        if points is not None:
            _options(against, None, seed, rtol, digits, plot)
            code = _many(g, points, at, input_format, against, samples, rtol, digits, plot,
                         details, quiet, symbolic_timeout, symbolic_digits, as_json, out_file)
            raise typer.Exit(code)
        if out_file is not None:
            from ..errors import UsageError
            raise UsageError("--out-file writes the verdict lines of --points; one point's "
                             "check goes to stdout (redirect it, or use --json)")
        _options(against, samples, seed, rtol, digits, plot)
        _layout(details, quiet, as_json, plot)
        nums = numbers(digits)
        report, point = _run(g, at, against, samples or 0, seed or 0, _rtol(rtol, digits),
                             symbolic_digits, symbolic_timeout, plot, nums,
                             1e-9 if rtol is None else rtol)
        if quiet:
            print(report.summary_line())
            raise typer.Exit(EXIT[report.verdict])
        _show(g, point, report, as_json, plot, precision, details)
        print_warnings(report.warnings)
        if report.against is not None:
            from ..checking import failure_lines
            _say(failure_lines(g, report.against, nums=nums))
        code = EXIT[report.verdict]
    raise typer.Exit(code)


def _run(g, at, against, samples, seed, rtol, symbolic_digits, timeout, plot, nums,
         cap=1e-9) -> tuple:
    """(report, point)."""
    from ..checking import check, check_against, curves, worst
    with nums.precision():
        point = _point(g, at, nums.digits)
    report = check(g, point, digits=symbolic_digits, timeout=timeout, nums=nums, rtol=cap)
    if against is not None:
        report.against = check_against(g, point, against, samples, seed, rtol, nums)
        report.verdict = worst([report.verdict, report.against.verdict])
    if plot:
        report.curves = curves(g, point, report)
    return report, point


def _options(against, samples, seed, rtol, digits, plot) -> None:
    """Options that would do nothing are mistakes: say so (exit 2) rather than ignore them."""
    from ..errors import UsageError
    if against is None:
        given = [name for name, v in (("--samples", samples), ("--seed", seed))
                 if v is not None]
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


def _many(g, points, at, input_format, against, samples, rtol, digits, plot, details, quiet,
          timeout, symbolic_digits, as_json, out_file=None) -> int:
    """check --points: a verdict line per point, the summary on stderr; the worst exit."""
    from ..checking.many import POINT_EXIT, POINT_ORDER, check_points, summary
    from ..errors import UsageError
    from ..render.check_points import write_points
    given = [n for n, v in (("--at", at), ("--samples", samples), ("--digits", digits),
                            ("--plot", plot or None), ("--details", details or None),
                            ("--quiet", quiet or None)) if v is not None]
    if given:
        raise UsageError(f"check --points writes one verdict line per point; it does not go "
                         f"with {' or '.join(given)}")
    verdicts = check_points(g, points, getattr(input_format, "value", input_format),
                            against=against, rtol=1e-9 if rtol is None else rtol,
                            timeout=timeout, digits=symbolic_digits)
    if out_file is None:
        counts, first, n = write_points(g, verdicts, as_json)
    else:
        counts, first, n = _to_file(g, verdicts, as_json, out_file, points)
    worst_rows = {v: first[v] for v in ("disagree", "error", "inconclusive") if v in first}
    _say([summary(counts, n, worst_rows)])
    worst = max(counts, key=POINT_ORDER.__getitem__, default="agree")
    return POINT_EXIT[worst]


def _to_file(g, verdicts, as_json: bool, out_file: str, points: str) -> tuple:
    """check --points --out-file: the verdict lines in FILE, CSV or JSON Lines by its
    extension (a verdict line is text: Parquet and Arrow are for --points' numbers)."""
    from ..batch.sinks import open_text, out_file_format
    from ..errors import UsageError
    from ..render.check_points import write_points
    fmt = out_file_format(out_file, points, as_json)
    if fmt not in ("csv", "jsonl"):
        raise UsageError(f"check --points writes verdict lines: --out-file takes a .csv or "
                         f".jsonl file, not {fmt}")
    with open_text(out_file) as fh:
        return write_points(g, verdicts, fmt == "jsonl", fh)


def _layout(details: bool, quiet: bool, as_json: bool, plot: bool) -> None:
    """--details, --quiet and --json each choose the whole output: one at a time."""
    from ..errors import UsageError
    chosen = [n for n, v in (("--details", details), ("--quiet", quiet), ("--json", as_json))
              if v]
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} each choose the whole output; give one")
    if quiet and plot:
        raise UsageError("--quiet prints one line; --plot draws a picture: give one")


def _rtol(rtol, digits):
    if rtol is not None:
        return rtol
    if digits is None:
        return 1e-9
    import mpmath

    from ..backends.mpmath import working_precision
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
        from ..backends.mpmath import point_values
        return point_values(at or "", g.names)
    from ..point import parse_point
    return parse_point(at or "", g.names)


def _show(g, point, report, as_json: bool, plot: bool, precision: int | None,
          details: bool = False) -> None:
    if as_json:
        from ..jsonout import emit
        from ..render.check_json import report_json
        emit(report_json(g, point, report))
        if plot:
            from ..render.check_plot import print_plot
            print_plot(g, report.curves, stderr=True)
        return
    from ..render.check_plot import print_plot
    from ..render.check_table import print_check
    print_check(g, point, report, sig=precision, details=details)
    if plot:
        print_plot(g, report.curves)


def register(app) -> None:
    app.command("check")(check_cmd)
