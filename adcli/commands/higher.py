"""jvp, vjp, hessian, hvp and derivative: the commands of :mod:`adcli.higher`."""
from __future__ import annotations

from typing import Annotated

import typer

from ..common import (
    At,
    Compile,
    DaskOpt,
    Digits,
    Expr,
    InputFormat,
    InputFormatOpt,
    Json,
    OnError,
    OnErrorOpt,
    OutFile,
    Points,
    Precision,
    Vars,
    deliver,
    errors,
    load,
    need_point,
)

Direction = Annotated[str | None, typer.Option(
    "--direction",
    help="The direction v, one value per variable in input order ('1,0') or by name "
         "('x1=1,x2=0'); constant expressions such as pi/4 work. With --points, the same "
         "v at every point.",
    metavar="V", show_default=False)]
Cotangent = Annotated[str | None, typer.Option(
    "--cotangent",
    help="The cotangent w, one value per output ('1,-2', or 'f1=1,f2=-2'); "
         "default 1 for a scalar formula. With --points, the same w at every point.",
    metavar="W", show_default=False)]
Order = Annotated[int, typer.Option(
    "--order", "-k", min=0, max=100,
    help="The highest order k: prints f, f′, …, f⁽ᵏ⁾ (0 ≤ k ≤ 100).")]

def _answer(command: str, expr: str, at, variables, as_json: bool, points, digits,
            precision, input_format, on_error, out_file=None, dask=None,
            **options) -> None:
    from ..pipeline import Request
    with errors(as_json):
        need_point(at, points, digits, expr, precision, options.get("compiled", False))
        req = Request(command, load(expr, variables), at, digits=digits, **options)
        deliver(req, points, as_json, precision, input_format, on_error, out_file, dask)


def jvp_cmd(expr: Expr, at: At = None, direction: Direction = None, variables: Vars = None,
            as_json: Json = False, points: Points = None,
            input_format: InputFormatOpt = InputFormat.auto,
            on_error: OnErrorOpt = OnError.fail, digits: Digits = None,
            precision: Precision = None, out_file: OutFile = None,
            dask: DaskOpt = None) -> None:
    """Jacobian-vector product J·v in one forward sweep.

    EXPR may be scalar or a list of outputs \\[f1, f2, ...]; J is never built:
    one tangent sweep seeded with v gives J·v.

    Examples: adcli jvp '\\[r*cos(t), r*sin(t)]' --at 2,pi/6 --direction 1,0
              adcli jvp 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5 --direction x1=1,x2=1 --json
    """
    _answer("jvp", expr, at, variables, as_json, points, digits, precision, input_format,
            on_error, out_file=out_file, dask=dask, direction=direction)


def vjp_cmd(expr: Expr, at: At = None, cotangent: Cotangent = None, variables: Vars = None,
            as_json: Json = False, points: Points = None,
            input_format: InputFormatOpt = InputFormat.auto,
            on_error: OnErrorOpt = OnError.fail, digits: Digits = None,
            precision: Precision = None, out_file: OutFile = None,
            dask: DaskOpt = None) -> None:
    """Vector-Jacobian product wᵀ·J in one reverse sweep.

    EXPR may be scalar or a list of outputs \\[f1, f2, ...]; one adjoint sweep
    seeded with w over the outputs gives wᵀ·J (for a scalar EXPR, w = 1 gives
    the gradient).

    Examples: adcli vjp '\\[r*cos(t), r*sin(t)]' --at 2,pi/6 --cotangent 1,-1
              adcli vjp 'x1*x2*x3' --at 1/2,2/3,3/4 --json
    """
    _answer("vjp", expr, at, variables, as_json, points, digits, precision, input_format,
            on_error, out_file=out_file, dask=dask, cotangent=cotangent)


def hessian_cmd(expr: Expr, at: At = None, variables: Vars = None, as_json: Json = False,
                points: Points = None, input_format: InputFormatOpt = InputFormat.auto,
                on_error: OnErrorOpt = OnError.fail, digits: Digits = None,
                precision: Precision = None, out_file: OutFile = None,
            dask: DaskOpt = None, compile: Compile = False) -> None:
    """Value, gradient and Hessian of a scalar EXPR at a point (--at) or many (--points).

    Forward-over-reverse mode: one reverse sweep over dual numbers per input,
    each carrying tangents. The Hessian printed is exactly symmetric. With
    --points, the CSV columns are value, d/dx…, then d2/dxdy… row by row.

    Examples: adcli hessian 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5
              adcli hessian '(1 - x)^2 + 100*(y - x^2)^2' --at -1.2,1 --json
              adcli hessian 'x1*exp(-(x1^2+x2^2)/2)' --points points.csv > hessians.csv
              adcli hessian 'x1*exp(-(x1^2+x2^2)/2)' -p p.csv --compile > h.csv
    """
    _answer("hessian", expr, at, variables, as_json, points, digits, precision, input_format,
            on_error, out_file=out_file, dask=dask, compiled=compile)


def hvp_cmd(expr: Expr, at: At = None, direction: Direction = None, variables: Vars = None,
            as_json: Json = False, points: Points = None,
            input_format: InputFormatOpt = InputFormat.auto,
            on_error: OnErrorOpt = OnError.fail, digits: Digits = None,
            precision: Precision = None, out_file: OutFile = None,
            dask: DaskOpt = None) -> None:
    """Hessian-vector product H·v of a scalar EXPR, without building H.

    One forward-over-reverse sweep over dual numbers x + v·ε gives H·v and
    the gradient.

    Examples: adcli hvp '(1 - x)^2 + 100*(y - x^2)^2' --at -1.2,1 --direction 1,0
              adcli hvp 'x1*x2*x3' --at 1/2,2/3,3/4 --direction 1,1,1 --json
    """
    _answer("hvp", expr, at, variables, as_json, points, digits, precision, input_format,
            on_error, out_file=out_file, dask=dask, direction=direction)


def derivative_cmd(expr: Expr, at: At = None, order: Order = 1, direction: Direction = None,
                   variables: Vars = None, as_json: Json = False, points: Points = None,
                   input_format: InputFormatOpt = InputFormat.auto,
                   on_error: OnErrorOpt = OnError.fail, digits: Digits = None,
                   precision: Precision = None, out_file: OutFile = None,
            dask: DaskOpt = None) -> None:
    """Derivatives f(x0), f′(x0), …, f⁽ᵏ⁾(x0) of a one-variable EXPR.

    Taylor mode: one sweep over truncated Taylor series of degree k (the cost
    grows like k², not 2ᵏ). With --direction, a formula of several variables
    is differentiated along the line t ↦ f(x0 + t·v).

    Examples: adcli derivative 'tanh(x)' --at 2 --order 3
              adcli derivative '1/(1+x^2)' --at 0.5 --order 10 --json
              adcli derivative 'x*y' --at 1,2 --direction 1,1 --order 2
    """
    _answer("derivative", expr, at, variables, as_json, points, digits, precision,
            input_format, on_error, out_file=out_file, dask=dask, direction=direction,
            order=order)


def register(app) -> None:
    app.command("jvp")(jvp_cmd)
    app.command("vjp")(vjp_cmd)
    app.command("hessian")(hessian_cmd)
    app.command("hvp")(hvp_cmd)
    app.command("derivative")(derivative_cmd)
