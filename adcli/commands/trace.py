"""``adcli trace`` and ``adcli graph``: evaluation traces and computational graphs.

Thin commands: read the options, build the trace (:mod:`adcli.tracing`) and hand
it to one renderer (:mod:`adcli.render`).
"""
from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ..common import Digits, Expr, Json, Mode, Vars, errors, load, print_warnings
from ..render import DEFAULT_LIMIT, RULE_WIDTH


class TraceFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    latex = "latex"
    json = "json"
    html = "html"


class Accumulate(str, Enum):
    sum = "sum"
    steps = "steps"


class Rankdir(str, Enum):
    LR = "LR"
    TB = "TB"


class GraphFormat(str, Enum):
    dot = "dot"
    mermaid = "mermaid"
    json = "json"
    svg = "svg"


AtOpt = Annotated[str | None, typer.Option(
    "--at", "-a",
    help="The point: values in input order ('2,5') or by name ('x1=2,x2=5'); constant "
         "expressions such as pi/4 work.", show_default=False)]
TraceModeOpt = Annotated[Mode | None, typer.Option(
    "--mode", "-m", case_sensitive=False,
    help="reverse (default): the adjoint trace, one sweep per output. forward: the tangent "
         "traces, one sweep per input (the default with --wrt or --direction).",
    show_default=False)]
WrtOpt = Annotated[str | None, typer.Option(
    "--wrt", help="Forward mode: show only the sweep seeded with this input (ẋ = eᵢ).",
    metavar="VAR", show_default=False)]
DirectionOpt = Annotated[str | None, typer.Option(
    "--direction",
    help="Forward mode: one sweep seeded with this direction (a JVP), e.g. '1,0.5' or "
         "'x1=1,x2=0.5'.", metavar="V", show_default=False)]
OutputOpt = Annotated[int | None, typer.Option(
    "--output", "-o", min=1,
    help="Vector formulas: trace output k only (1-based); reverse mode then takes one "
         "adjoint sweep.", metavar="K", show_default=False)]
AsciiOpt = Annotated[bool, typer.Option(
    "--ascii", help="Plain ASCII labels (v-1, vdot3, vbar3) and table borders.")]
LimitOpt = Annotated[int, typer.Option(
    "--limit", min=0,
    help="Longest table shown (rows per trace). Longer traces keep their first and last "
         f"rows, and rules longer than {RULE_WIDTH} characters their first and last terms, "
         "with a note. 0 shows everything; --json is always complete.", metavar="N")]
PrecisionOpt = Annotated[int | None, typer.Option(
    "--precision", min=1, max=17,
    help="Show values with N significant digits in tables (default: full float64 "
         "precision, or the N digits of --digits N; JSON is always full).", metavar="N",
    show_default=False)]
PointsOpt = Annotated[str | None, typer.Option(
    "--points", "-p", hidden=True, metavar="FILE", show_default=False,
    help="Not taken here: the command works at one point (--at); the usage error says why.")]

#: Why a command does not take --points (it works at one point).
NO_POINTS = {
    "trace": "trace does not take --points: a trace shows every sweep at one point; give "
             "that point with --at (for many points use eval, grad, jacobian or hessian "
             "with --points)",
    "graph": "graph does not take --points: it draws the formula once, with the values at "
             "one point (--at) if given (for many points use eval, grad, jacobian or "
             "hessian with --points)",
    "check": "check --points is not yet supported: check one point at a time with --at "
             "(checking many points at once is planned for a later version)",
}


def refuse_points(command: str, points: str | None) -> None:
    """--points on a one-point command: a usage error (exit 2) that says why."""
    if points is not None:
        from ..errors import UsageError
        raise UsageError(NO_POINTS[command])
AccumulateOpt = Annotated[Accumulate, typer.Option(
    "--accumulate", case_sensitive=False,
    help="sum (default): one row per derivative, its rule the whole sum. steps: one row per "
         "contribution in the order the sweep adds it (v̄₀ = v̄₃·cos(v₀), then v̄₀ = v̄₀ + "
         "v̄₂·v₋₁, as in Baydin et al.'s Table 3), with its local partial and the running "
         "sum; in forward mode each v̇ᵢ's terms v̇ⱼ·∂vᵢ/∂vⱼ.")]
SymbolOpt = Annotated[str, typer.Option(
    "--symbol",
    help="The letter the rows are numbered with: v (default, Baydin et al.: v₋₁, v̇₃, v̄₃) "
         "or e.g. u (the MATLAB page: u₋₁ … u₆).", metavar="LETTER")]
GraphModeOpt = Annotated[Mode | None, typer.Option(
    "--mode", "-m", case_sensitive=False,
    help="Overlay a sweep (needs --at): reverse puts each node's adjoint v̄ beside its "
         "value and each edge's contribution v̄ᵢ·∂vᵢ/∂vⱼ; forward (with --wrt) each "
         "node's tangent v̇ and each edge's term ∂vᵢ/∂vⱼ·v̇ⱼ.", show_default=False)]
GraphWrtOpt = Annotated[str | None, typer.Option(
    "--wrt", help="--mode forward: the input the tangent sweep is seeded with (ẋ = eᵢ).",
    metavar="VAR", show_default=False)]
RankdirOpt = Annotated[Rankdir | None, typer.Option(
    "--rankdir", case_sensitive=False,
    help="Layout direction: LR (left to right) or TB (top to bottom). Default: LR, or TB "
         "for graphs more than 8 operations deep (they fit a page's width).",
    show_default=False)]
GraphPrecisionOpt = Annotated[int | None, typer.Option(
    "--precision", min=1, max=17,
    help="Significant digits in node and edge labels (default 4, or the N of --digits N; "
         "JSON is always full).", metavar="N", show_default=False)]
MaxNodesOpt = Annotated[int, typer.Option(
    "--max-nodes", min=1, metavar="N",
    help="--format html (trace) or svg (graph): draw graphs of at most N nodes; above "
         "that the trace page shows the tables only, and graph refuses the SVG.")]
TraceFormatOpt = Annotated[TraceFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="table (Rich, for the terminal), markdown or latex (to paste into notes), json, "
         "html (a self-contained page that steps through the sweeps on the graph: "
         "adcli trace EXPR --at P --format html > page.html).")]
GraphFormatOpt = Annotated[GraphFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="dot (Graphviz: pipe into 'dot -Tsvg'), mermaid (a flowchart, as in course "
         "notes), json, or svg (a standalone drawing laid out by adcli: no Graphviz).")]


def trace_cmd(expr: Expr, at: AtOpt = None, mode: TraceModeOpt = None, wrt: WrtOpt = None,
              direction: DirectionOpt = None, output: OutputOpt = None,
              variables: Vars = None, fmt: TraceFormatOpt = TraceFormat.table,
              as_json: Json = False, ascii: AsciiOpt = False, limit: LimitOpt = DEFAULT_LIMIT,
              precision: PrecisionOpt = None, digits: Digits = None,
              points: PointsOpt = None, accumulate: AccumulateOpt = Accumulate.sum,
              symbol: SymbolOpt = "v",
              max_nodes: MaxNodesOpt = 200) -> None:
    """The evaluation trace of EXPR at a point: primal values, then the tangent
    (forward mode) or adjoint (reverse mode) trace with every rule and value,
    then the gradient and what each mode costs on this formula.

    Examples: adcli trace 'ln(x1) + x1*x2 - sin(x2)' --at 2,5
              adcli trace 'ln(x1) + x1*x2 - sin(x2)' --at 2,5 --mode forward --wrt x1
              adcli trace 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5 --direction 1,0
              adcli trace '\\[r*cos(t), r*sin(t)]' --at 2,pi/6 --output 2
              adcli trace 'x1*x2 + exp(x1*x2) - sin(x2)' --at 1.5,0.5 --format latex
              adcli trace 'x1*exp(-(x1^2+x2^2)/2)' --at 2,1/2 --digits 50
              adcli trace 'ln(x1) + x1*x2 - sin(x2)' --at 2,5 --accumulate steps
              adcli trace 'x1*exp(-1/2*(x1^2+x2^2))' --at 2,1/2 --symbol u
              adcli trace @samples/baydin.txt --format html > baydin.html

    With --digits N every value, tangent and adjoint is computed by mpmath at N
    significant digits and shown to N digits (JSON: as strings).
    """
    as_json = as_json or fmt == TraceFormat.json
    with errors(as_json):
        refuse_points("trace", points)
        g, point, at = _graph_point(expr, at, variables, required=True)
        chosen = _mode(mode, wrt, direction)
        vector = _direction(g, direction)
        r = _output(g, output)
        if wrt is not None and wrt not in g.names:
            from ..errors import UsageError
            raise UsageError(f"--wrt: unknown variable '{wrt}'; the inputs are "
                             f"{', '.join(g.names) or 'none'}")
        style = _style(fmt, as_json, ascii, _symbol(symbol))
        options = {"wrt": wrt, "output": r, "style": style, "accumulate": accumulate.value}
        if digits is None:
            from ..tracing import build
            tr = build(g, point, chosen, direction=vector, **options)
            _render(tr, fmt, as_json, limit, precision, max_nodes)
        else:
            tr = _trace_digits(g, at or "", direction, chosen, digits, options)
            _render(tr, fmt, as_json, limit, precision or digits, max_nodes)
        print_warnings(tr.warnings)


def _trace_digits(g, at: str, direction: str | None, mode: str, digits: int, options):
    """The trace computed by mpmath at ``digits`` significant digits: the point,
    the direction and the formula's constants keep every digit (2/3, pi/6, 0.1)."""
    from ..backends.mpmath import namespace, point_values, working_precision
    from ..tracing import build
    with working_precision(digits):
        point = point_values(at, g.names)
        vector = None if direction is None else \
            point_values(direction, g.names, option="--direction")
        return build(g, point, mode, direction=vector, m=namespace(g), digits=digits,
                     **options)


def _style(fmt, as_json: bool, ascii: bool, symbol: str = "v"):
    from ..tracing import style_for
    if fmt == TraceFormat.latex and not as_json:
        from ..render.latex import LatexStyle
        return LatexStyle(symbol)
    return style_for(ascii, symbol)


def _symbol(symbol: str) -> str:
    """--symbol: one letter (it is followed by subscripts and accents)."""
    if len(symbol) != 1 or not symbol.isascii() or not symbol.isalpha():
        from ..errors import UsageError
        raise UsageError(f"--symbol {symbol!r}: give one letter, such as v or u")
    return symbol


def _render(tr, fmt, as_json: bool, limit: int, precision, max_nodes: int = 200) -> None:
    import sys
    if fmt == TraceFormat.html and not as_json:
        from ..render.html import trace_page
        sys.stdout.write(trace_page(tr, limit, precision, max_nodes))
    elif as_json:
        from ..jsonout import emit
        from ..render.trace_json import trace_payload
        emit(trace_payload(tr))
    elif fmt == TraceFormat.markdown:
        from ..render.markdown import trace_markdown
        sys.stdout.write(trace_markdown(tr, limit, precision))
    elif fmt == TraceFormat.latex:
        from ..render.latex import trace_latex
        sys.stdout.write(trace_latex(tr, limit, precision))
    else:
        from ..render.trace_table import print_trace
        print_trace(tr, limit, precision)


def graph_cmd(expr: Expr, at: AtOpt = None, variables: Vars = None,
              fmt: GraphFormatOpt = GraphFormat.dot, as_json: Json = False,
              ascii: AsciiOpt = False, precision: GraphPrecisionOpt = None,
              digits: Digits = None, points: PointsOpt = None,
              symbol: SymbolOpt = "v", mode: GraphModeOpt = None, wrt: GraphWrtOpt = None,
              rankdir: RankdirOpt = None, max_nodes: MaxNodesOpt = 200) -> None:
    """The computational graph of EXPR: one node per elementary operation,
    edges from arguments to results, inputs and outputs marked. With --at,
    nodes carry their values and edges their local partial derivatives.

    Examples: adcli graph 'ln(x1) + x1*x2 - sin(x2)' --at 2,5 | dot -Tsvg > trace.svg
              adcli graph 'x1*x2 + exp(x1*x2) - sin(x2)' --format mermaid
              adcli graph 'x1*exp(-(x1^2+x2^2)/2)' --at 2,1/2 --digits 30
              adcli graph 'ln(x1) + x1*x2 - sin(x2)' --at 2,5 --mode reverse
              adcli graph 'ln(x1) + x1*x2 - sin(x2)' --at 2,5 --mode forward --wrt x1
              adcli graph @samples/micrograd.txt --mode reverse --rankdir TB
              adcli graph @samples/baydin.txt --mode reverse --format svg > baydin.svg

    With --digits N the values and partials are computed by mpmath at N
    significant digits and shown to N digits (JSON: as strings).
    """
    as_json = as_json or fmt == GraphFormat.json
    with errors(as_json):
        import sys
        refuse_points("graph", points)
        g, point, at = _graph_point(expr, at, variables, required=False)
        overlay = _overlay(g, point, mode, wrt)
        point, nodes, edges = _graph(g, point, at, digits, ascii, _symbol(symbol), overlay)
        from ..render import GRAPH_DIGITS
        from ..render.layout import rankdir_for
        sig = precision or digits or GRAPH_DIGITS
        how = None if overlay is None else overlay[0]
        side = rankdir.value if rankdir is not None else rankdir_for(g)
        if as_json:
            from ..jsonout import emit
            from ..render.trace_json import graph_payload
            emit(graph_payload(g, point, nodes, edges, digits, how))
        elif fmt == GraphFormat.svg:
            from ..render.svg import drawing
            sys.stdout.write(drawing(g, nodes, edges, sig, ascii, how, side, max_nodes))
        elif fmt == GraphFormat.mermaid:
            from ..render.mermaid import mermaid
            sys.stdout.write(mermaid(g, nodes, edges, sig, ascii, how, side))
        else:
            from ..render.graphviz import dot
            sys.stdout.write(dot(g, nodes, edges, sig, ascii, how, side))


def _overlay(g, point, mode, wrt: str | None):
    """(mode, seed name) of graph --mode, checked; None without --mode."""
    from ..errors import UsageError
    if mode is None:
        if wrt is not None:
            raise UsageError("--wrt seeds the forward overlay: give it with --mode forward")
        return None
    if point is None:
        raise UsageError(f"graph --mode {mode.value} overlays a sweep at a point: give --at")
    if mode.value == "reverse":
        if wrt is not None:
            raise UsageError("--wrt seeds a forward sweep; it does not go with --mode reverse")
        if len(g.outputs) != 1:
            raise UsageError("graph --mode reverse overlays one adjoint sweep: the formula "
                             f"has {len(g.outputs)} outputs (draw one output at a time)")
        return ("reverse", None)
    if wrt is None:
        if len(g.names) != 1:
            raise UsageError("graph --mode forward needs --wrt VAR: the input the tangent "
                             f"sweep is seeded with ({', '.join(g.names) or 'none'})")
        wrt = g.names[0]
    if wrt not in g.names:
        raise UsageError(f"--wrt: unknown variable '{wrt}'; the inputs are "
                         f"{', '.join(g.names) or 'none'}")
    return ("forward", wrt)


def _graph(g, point: list | None, at: str | None, digits: int | None,
           ascii: bool, symbol: str = "v", overlay: tuple | None = None) -> tuple:
    """(point, nodes, edges): float64, or under --digits mpmath at N digits from the exact
    point (2/3, pi/6 keep every digit)."""
    from ..tracing import graph_model, style_for
    if digits is None:
        return (point, *graph_model(g, point, style_for(ascii, symbol),
                                    **_sweep(g, overlay, 1.0, 0.0)))
    if point is None:
        from ..errors import UsageError
        raise UsageError("graph --digits N computes the values at the point; without --at "
                         "the graph has none: give --at, or drop --digits")
    from ..backends.mpmath import namespace, point_values, working_precision
    with working_precision(digits):
        exact = point_values(at or "", g.names)
        m = namespace(g)
        return (exact, *graph_model(g, exact, style_for(ascii, symbol), m=m,
                                    **_sweep(g, overlay, m.const(1.0), m.const(0.0))))


def _sweep(g, overlay: tuple | None, one, zero) -> dict:
    """graph_model's mode and seed for the overlay."""
    if overlay is None:
        return {}
    mode, wrt = overlay
    seed = None if wrt is None else [one if n == wrt else zero for n in g.names]
    return {"mode": mode, "seed": seed}


# -- option checks ------------------------------------------------------------------------------
def _graph_point(expr: str, at: str | None, variables: str | None, required: bool):
    from ..errors import UsageError
    from ..point import parse_point
    g = load(expr, variables)
    at = at if at is not None else g.default_at     # a formula file's "# at:" line
    if at is None:
        if required and g.names:
            raise UsageError(f"Missing option '--at': give the point ({','.join(g.names)}), "
                             f"e.g. --at {','.join('1' for _ in g.names)}")
        return g, ([] if not g.names else None), None
    return g, parse_point(at, g.names), at


def _mode(mode, wrt: str | None, direction: str | None) -> str:
    from ..errors import UsageError
    if wrt is not None and direction is not None:
        raise UsageError("give either --wrt (one input) or --direction (a JVP), not both")
    if wrt is not None or direction is not None:
        if mode is not None and mode.value == "reverse":
            opt = "--wrt" if wrt is not None else "--direction"
            raise UsageError(f"{opt} seeds a forward-mode sweep; it does not go with "
                             "--mode reverse")
        return "forward"
    return mode.value if mode is not None else "reverse"


def _direction(g, direction: str | None):
    if direction is None:
        return None
    from ..point import parse_point
    return parse_point(direction, g.names, option="--direction")


def _output(g, output: int | None):
    if output is None:
        return None
    from ..errors import UsageError
    m = len(g.outputs)
    if output > m:
        raise UsageError(f"--output {output}: the formula has {m} output"
                         f"{'s' if m != 1 else ''} (choose 1" + (f" to {m})" if m > 1 else ")"))
    return output - 1


def register(app) -> None:
    app.command("trace")(trace_cmd)
    app.command("graph")(graph_cmd)
