"""``adcli codegen``: standalone derivative source code (C, Python, NumPy) from the trace.

:func:`generate` builds the program once (:mod:`adcli.codegen.emit`, over the IR and its
symbolic linearization) and prints it in one language (one module per language).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UsageError
from ..ir import Graph

LANGS = ("c", "python", "numpy")


@dataclass
class Generated:
    language: str
    code: str
    outputs: list[str]            # what the function returns or writes, in order
    operations: dict[str, int]    # {"primal": .., "derivative": ..}
    value_operations: int
    warnings: list[str] = field(default_factory=list)   # also in the code's header


def generate(g: Graph, lang: str = "c", what: str = "grad", mode: str = "reverse",
             name: str = "f") -> Generated:
    """Source code computing ``what`` of formula ``g`` in language ``lang``."""
    from . import c, numpy, python
    from .emit import WHATS, build
    from .frame import Frame, value_operations
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r} (choose one of {', '.join(LANGS)})")
    if what not in WHATS:
        raise UsageError(f"unknown --what {what!r} (choose one of {', '.join(WHATS)})")
    if not name.isidentifier() or not name.isascii():
        raise UsageError(f"--name {name!r} is not a valid function name")
    if what in ("grad", "hessian") and g.vector:
        raise UsageError(f"--what {what} needs a scalar formula; this one has "
                         f"{len(g.outputs)} outputs (use --what jacobian, jvp or vjp)")
    if what == "jvp" and mode == "reverse":
        mode = "forward"
    if what == "vjp" and mode == "forward":
        raise UsageError("--what vjp is reverse mode (use --what jvp for forward mode)")
    if what == "hessian":
        from .hessian import build_hessian
        prog = build_hessian(g)
    else:
        prog = build(g, what, mode)
    printer = {"c": c.render, "python": python.render, "numpy": numpy.render}[lang]
    code = printer(prog, Frame(name, g.text, [f"Warning: {w}" for w in prog.warnings]))
    return Generated(lang, code, OUTPUTS[what][g.vector], prog.operations(),
                     value_operations(prog), prog.warnings)


#: What the generated function gives, in order (C: the return value, then the arrays it
#: writes; Python and NumPy: the tuple it returns), for scalar and vector formulas.
OUTPUTS: dict[str, tuple[list[str], list[str]]] = {
    "value": (["value"], ["y"]),
    "grad": (["value", "grad"], []),
    "hessian": (["value", "grad", "hess"], []),
    "jacobian": (["y", "jac"], ["y", "jac"]),
    "jvp": (["y", "jv"], ["y", "jv"]),
    "vjp": (["y", "vjp"], ["y", "vjp"]),
}
