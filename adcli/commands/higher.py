"""jvp, vjp, hessian, hvp and derivative: the commands of :mod:`adcli.higher`."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..common import At, Expr, InputFormat, InputFormatOpt, Json, OnError, OnErrorOpt, Points, \
    Vars, errors, load, need_point, print_warnings

Direction = Annotated[Optional[str], typer.Option(
    "--direction",
    help="The direction v, one value per variable in input order ('1,0') or by name "
         "('x1=1,x2=0'); constant expressions such as pi/4 work.",
    metavar="V", show_default=False)]
Cotangent = Annotated[Optional[str], typer.Option(
    "--cotangent",
    help="The cotangent w, one value per output ('1,-2', or 'f1=1,f2=-2'); "
         "default 1 for a scalar formula.",
    metavar="W", show_default=False)]
Order = Annotated[int, typer.Option(
    "--order", "-k", min=0, max=100,
    help="The highest order k: prints f, f′, …, f⁽ᵏ⁾ (0 ≤ k ≤ 100).")]

def _graph_and_point(expr: str, at: Optional[str], variables: Optional[str]):
    from ..errors import UsageError
    from ..point import parse_point
    g = load(expr, variables)
    if at is None and g.names:
        raise UsageError(f"missing the point: give --at ({','.join(g.names)})")
    return g, parse_point(at or "", g.names)


def _vector(text: Optional[str], names: list, option: str, what: str) -> list:
    from ..errors import UsageError
    from ..point import parse_point
    if not names:
        raise UsageError(f"the formula has no variables: there is nothing to differentiate "
                         f"and nothing for {option} to give values for")
    if text is None:
        example = ",".join("1" if k == 0 else "0" for k in range(len(names)))
        raise UsageError(f"missing {what}: give {option} with one value for each of "
                         f"{', '.join(names)}, e.g. {option} {example}")
    return parse_point(text, names, option=option)


def _scalar(g, command: str, hint: str) -> None:
    from ..errors import UsageError
    if len(g.outputs) > 1:
        raise UsageError(f"the formula has {len(g.outputs)} outputs; '{command}' needs a "
                         f"scalar formula. {hint}")


def _outputs(g) -> list:
    from ..tables import output_label
    return [output_label(g, r) for r in range(len(g.outputs))]


def _emit(command: str, g, point, **keys) -> None:
    from ..jsonout import common, emit
    out = common(command, g, point)
    out.update(keys)
    emit(out)


def jvp_cmd(expr: Expr, at: At = None, direction: Direction = None, variables: Vars = None,
            as_json: Json = False) -> None:
    """Jacobian-vector product J·v in one forward sweep.

    EXPR may be scalar or a list of outputs \\[f1, f2, ...]; J is never built:
    one tangent sweep seeded with v gives J·v.

    Examples: adcli jvp '\\[r*cos(t), r*sin(t)]' --at 2,pi/6 --direction 1,0
              adcli jvp 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5 --direction x1=1,x2=1 --json
    """
    from ..higher import jvp
    with errors(as_json):
        g, point = _graph_and_point(expr, at, variables)
        v = _vector(direction, g.names, "--direction", "the direction v")
        res = jvp(g, point, v)
        if as_json:
            vector = g.vector
            _emit("jvp", g, point, direction=v, value=res.value if vector else res.value[0],
                  jvp=res.product if vector else res.product[0], sweeps=res.sweeps,
                  warnings=res.warnings)
        else:
            from ..render.higher_table import print_jvp
            print_jvp(g, point, v, res)
        print_warnings(res.warnings)


def vjp_cmd(expr: Expr, at: At = None, cotangent: Cotangent = None, variables: Vars = None,
            as_json: Json = False) -> None:
    """Vector-Jacobian product wᵀ·J in one reverse sweep.

    EXPR may be scalar or a list of outputs \\[f1, f2, ...]; one adjoint sweep
    seeded with w over the outputs gives wᵀ·J (for a scalar EXPR, w = 1 gives
    the gradient).

    Examples: adcli vjp '\\[r*cos(t), r*sin(t)]' --at 2,pi/6 --cotangent 1,-1
              adcli vjp 'x1*x2*x3' --at 1/2,2/3,3/4 --json
    """
    from ..higher import vjp
    with errors(as_json):
        g, point = _graph_and_point(expr, at, variables)
        names = _outputs(g)
        if cotangent is None and len(names) == 1:
            w = [1.0]
        else:
            w = _vector(cotangent, names, "--cotangent", "the cotangent w")
        res = vjp(g, point, w)
        if as_json:
            _emit("vjp", g, point, cotangent=w,
                  value=res.value if g.vector else res.value[0], vjp=res.product,
                  sweeps=res.sweeps, warnings=res.warnings)
        else:
            from ..render.higher_table import print_vjp
            print_vjp(g, point, w, res)
        print_warnings(res.warnings)


def hessian_cmd(expr: Expr, at: At = None, variables: Vars = None, as_json: Json = False,
                points: Points = None, input_format: InputFormatOpt = InputFormat.auto,
                on_error: OnErrorOpt = OnError.fail) -> None:
    """Value, gradient and Hessian of a scalar EXPR at a point (--at) or many (--points).

    Forward-over-reverse mode: one reverse sweep over dual numbers per input,
    each carrying tangents. The Hessian printed is exactly symmetric. With
    --points, the CSV columns are value, d/dx…, then d2/dxdy… row by row.

    Examples: adcli hessian 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5
              adcli hessian '(1 - x)^2 + 100*(y - x^2)^2' --at -1.2,1 --json
              adcli hessian 'x1*exp(-(x1^2+x2^2)/2)' --points points.csv > hessians.csv
    """
    from ..higher import hessian
    with errors(as_json):
        need_point(at, points, expr=expr)
        if points is not None:
            g = load(expr, variables)
            _scalar(g, "hessian", "Differentiate one output at a time.")
            return _hessian_points(g, points, as_json, input_format, on_error)
        g, point = _graph_and_point(expr, at, variables)
        _scalar(g, "hessian", "Differentiate one output at a time.")
        res = hessian(g, point)
        if as_json:
            _emit("hessian", g, point, **_hessian_keys(res))
        else:
            from ..render.higher_table import print_hessian
            print_hessian(g, point, res)
        print_warnings(res.warnings)


def _hessian_keys(res) -> dict:
    """hessian's JSON keys after the common ones (one point, or a line of --points)."""
    return dict(value=res.value, gradient=res.gradient, hessian=res.hessian, symmetric=True,
                asymmetry=res.asymmetry, method="forward-over-reverse", sweeps=res.sweeps,
                warnings=res.warnings)


def _hessian_points(g, points: str, as_json: bool, input_format, on_error) -> None:
    """--points: the forward-over-reverse sweeps recorded once and replayed
    over chunks of points with NumPy (:mod:`adcli.batch`); a point the replay
    flags (non-finite, a kink) goes through the float ``hessian`` instead.
    Streamed with the same rows, --on-error and formats as grad."""
    from ..errors import UsageError
    from ..higher import Hessian, hessian
    try:
        from ..batch import Layout, run_points
    except ImportError:
        raise UsageError("--points needs NumPy: pip install numpy "
                         "(or pip install 'adcli[batch]')") from None
    from ..jsonout import common
    names, n = g.names, g.n_inputs

    def one(point):
        res = hessian(g, point)
        flat = [res.value, *res.gradient]
        for row in res.hessian:
            flat.extend(row)
        return flat + [res.asymmetry], res.warnings

    def make(point, res, warnings):
        hess = [list(res[1 + n + i * n:1 + n + (i + 1) * n]) for i in range(n)]
        out = common("hessian", g, point)
        out.update(_hessian_keys(Hessian(res[0], list(res[1:1 + n]), hess, res[-1], n,
                                         list(warnings))))
        return out

    columns = ["value"] + [f"d/d{x}" for x in names] + \
        [f"d2/d{a}d{b}" for a in names for b in names]
    lay = Layout(columns, make, json_only=["asymmetry"])
    run_points("hessian", g, points, as_json=as_json, input_format=input_format.value,
               on_error=on_error.value, lay=lay, one=one)


def hvp_cmd(expr: Expr, at: At = None, direction: Direction = None, variables: Vars = None,
            as_json: Json = False) -> None:
    """Hessian-vector product H·v of a scalar EXPR, without building H.

    One forward-over-reverse sweep over dual numbers x + v·ε gives H·v and
    the gradient.

    Examples: adcli hvp '(1 - x)^2 + 100*(y - x^2)^2' --at -1.2,1 --direction 1,0
              adcli hvp 'x1*x2*x3' --at 1/2,2/3,3/4 --direction 1,1,1 --json
    """
    from ..higher import hvp
    with errors(as_json):
        g, point = _graph_and_point(expr, at, variables)
        _scalar(g, "hvp", "Differentiate one output at a time.")
        v = _vector(direction, g.names, "--direction", "the direction v")
        res = hvp(g, point, v)
        if as_json:
            _emit("hvp", g, point, direction=v, value=res.value[0], gradient=res.gradient,
                  hvp=res.product, sweeps=res.sweeps, warnings=res.warnings)
        else:
            from ..render.higher_table import print_hvp
            print_hvp(g, point, v, res)
        print_warnings(res.warnings)


def derivative_cmd(expr: Expr, at: At = None, order: Order = 1, direction: Direction = None,
                   variables: Vars = None, as_json: Json = False) -> None:
    """Derivatives f(x0), f′(x0), …, f⁽ᵏ⁾(x0) of a one-variable EXPR.

    Taylor mode: one sweep over truncated Taylor series of degree k (the cost
    grows like k², not 2ᵏ). With --direction, a formula of several variables
    is differentiated along the line t ↦ f(x0 + t·v).

    Examples: adcli derivative 'tanh(x)' --at 2 --order 3
              adcli derivative '1/(1+x^2)' --at 0.5 --order 10 --json
              adcli derivative 'x*y' --at 1,2 --direction 1,1 --order 2
    """
    from ..errors import UsageError
    from ..higher import derivatives
    with errors(as_json):
        g, point = _graph_and_point(expr, at, variables)
        _scalar(g, "derivative", "Differentiate one output at a time.")
        v = None
        if direction is not None:
            v = _vector(direction, g.names, "--direction", "the direction v")
        elif len(g.names) > 1:
            raise UsageError(f"'derivative' needs a one-variable formula, and this one has "
                             f"{len(g.names)} ({', '.join(g.names)}). Give --direction to "
                             "differentiate along a line, or use 'adcli hessian'.")
        res = derivatives(g, point, order, v)
        if as_json:
            keys = {"direction": v} if v is not None else {}
            _emit("derivative", g, point, **keys, order=order, value=res.value,
                  derivatives=res.derivatives, warnings=res.warnings)
        else:
            from ..render.higher_table import print_derivatives
            print_derivatives(g, point, v, res)
        print_warnings(res.warnings)


def register(app) -> None:
    app.command("jvp")(jvp_cmd)
    app.command("vjp")(vjp_cmd)
    app.command("hessian")(hessian_cmd)
    app.command("hvp")(hvp_cmd)
    app.command("derivative")(derivative_cmd)
