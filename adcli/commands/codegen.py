"""``adcli codegen``: standalone derivative source code in C, Python or NumPy.

Thin: read the options, generate (:mod:`adcli.codegen`), print the code or its JSON.
"""
from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..common import Expr, Json, Mode, Vars, errors, load, print_warnings


class Lang(str, Enum):
    c = "c"
    python = "python"
    numpy = "numpy"


class What(str, Enum):
    value = "value"
    grad = "grad"
    jacobian = "jacobian"
    hessian = "hessian"
    jvp = "jvp"
    vjp = "vjp"


LangOpt = Annotated[Lang, typer.Option(
    "--lang", "-l", case_sensitive=False,
    help="c (C99, <math.h> only), python (standard library; scipy.special for the gamma "
         "family) or numpy (vectorized: each x[i] may be an array).")]
WhatOpt = Annotated[What, typer.Option(
    "--what", "-w", case_sensitive=False,
    help="value; grad (scalar formulas); jacobian (row-major, m x n); hessian (value, "
         "gradient and the n x n Hessian, forward over reverse; scalar formulas); "
         "jvp (J*v, an extra direction argument v); vjp (w^T*J, an extra cotangent argument w).")]
ModeOpt = Annotated[Mode | None, typer.Option(
    "--mode", "-m", case_sensitive=False,
    help="reverse (default; one adjoint sweep per output) or forward (one tangent sweep "
         "per input). jvp is always forward, vjp reverse.", show_default=False)]
NameOpt = Annotated[str, typer.Option(
    "--name", "-n", help="The function's base name: f gives f, f_grad, f_jacobian, f_jvp, "
                         "f_vjp.")]


def codegen_cmd(expr: Expr, lang: LangOpt = Lang.c, what: WhatOpt = What.grad,
                mode: ModeOpt = None, name: NameOpt = "f", variables: Vars = None,
                as_json: Json = False) -> None:
    """Source code for EXPR's value and derivatives: C, Python or NumPy, generated from
    the trace (one assignment per trace row, no AD library needed).

    The header gives the input order and the operation counts of the value code and of
    the derivative code, with their ratio.

    Examples: adcli codegen 'ln(x1) + x1*x2 - sin(x2)' --lang c > f.c
              adcli codegen @samples/matlab.txt --lang python --name gauss
              adcli codegen '\\[x*y, sin(x)]' --lang numpy --what jacobian --mode forward
    """
    with errors(as_json):
        from ..codegen import generate
        g = load(expr, variables)
        m = (mode.value if mode else
             "forward" if what is What.jvp else "reverse")
        out = generate(g, lang.value, what.value, m, name)
        if as_json:
            from ..jsonout import emit
            emit({"command": "codegen", "expression": g.text, "variables": list(g.names),
                  "warnings": out.warnings, "language": out.language, "what": what.value, "mode": m,
                  "code": out.code, "outputs": out.outputs,
                  "operations": {**out.operations, "value": out.value_operations}})
        else:
            print_warnings(out.warnings)
            sys.stdout.write(out.code)


def register(app: typer.Typer) -> None:
    app.command("codegen")(codegen_cmd)
