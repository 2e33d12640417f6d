"""Python: one function over the standard library (``scipy.special`` for the gamma family)."""
from __future__ import annotations

import math

from .emit import Program
from .frame import Frame, signature_names
from .printer import Printer

_CBRT = '''try:
    from math import cbrt as _cbrt
except ImportError:  # Python 3.10
    def _cbrt(x):
        r = abs(x) ** (1.0 / 3.0)
        if r:
            r = r - (r * r * r - abs(x)) / (3.0 * r * r)
        return math.copysign(r, x)
'''


class PyPrinter(Printer):
    lang = "python"
    field = "python"
    module = "math"

    def number(self, c: float) -> str:
        if math.isnan(c):
            return f"{self.module}.nan"
        if math.isinf(c):
            return f"{self.module}.inf" if c > 0 else f"-{self.module}.inf"
        return repr(c)

    def select(self, c: str, a: str, b: str) -> str:
        return f"({a} if {c} else {b})"

    def helper(self, name: str, temps: list[tuple[str, str]], body: str) -> str:
        lines = "".join(f"    {t} = {text}\n" for t, text in temps)
        return f"def {name}(x):\n{lines}    return {body}\n"

    def let(self, name: str, value: str, body: str) -> str:
        return f"({name} := {value}, {body})[1]"  # a tuple is evaluated left to right

    def spelled(self, f) -> str | None:
        s = getattr(f, self.field)
        if s == "math.cbrt":
            self.helpers.setdefault("_cbrt", _CBRT)
            return "_cbrt"
        if s is None and f.scipy:
            self.imports.add("scipy.special")
            return f"scipy.special.{f.scipy}"
        return s


def lines(prog: Program, frame: Frame, p: PyPrinter, indent: str = "    ") -> tuple:
    """The function's signature, body lines and returned expression (Python and NumPy)."""
    names = signature_names(prog, frame.name)
    params = [a for a in names.params[:names.n_const]]
    body = [f"{indent}{v} = x[{j}]" for j, v in enumerate(prog.inputs)]
    extra = {"jvp": ("v", "xdot", prog.g.n_inputs),
             "vjp": ("w", "w", len(prog.g.outputs))}.get(prog.what)
    if extra:
        arr, pre, k = extra
        body += [f"{indent}{pre}{j} = {arr}[{j}]" for j in range(k)]
    for s in prog.stmts:
        body.append(f"{indent}{s.name} = {p.expr(s.expr)}  # {s.comment}")
    return names.name, params, body


def results(prog: Program, show) -> str:
    res = prog.results
    val = res["value"]
    y = "[" + ", ".join(show(e) for e in val) + "]"
    if prog.what == "value":
        return y if prog.g.vector else show(val[0])
    if prog.what == "grad":
        return f"{show(val[0])}, [" + ", ".join(show(e) for e in res["jac"][0]) + "]"
    if prog.what == "hessian":
        rows = ", ".join("[" + ", ".join(show(e) for e in r) + "]" for r in res["hess"])
        return f"{show(val[0])}, [" + ", ".join(show(e) for e in res["jac"][0]) + f"], [{rows}]"
    if prog.what == "jacobian":
        rows = ", ".join("[" + ", ".join(show(e) for e in r) + "]" for r in res["jac"])
        return f"{y}, [{rows}]"
    key = "jv" if prog.what == "jvp" else "vjp"
    return f"{y}, [" + ", ".join(show(e) for e in res[key]) + "]"


def render(prog: Program, frame: Frame) -> str:
    p = PyPrinter()
    name, params, body = lines(prog, frame, p)
    ret = results(prog, p.expr)
    notes = ["Uses scipy.special (the gamma family)."] if "scipy.special" in p.imports else []
    head = '"""' + "\n".join(frame.header(prog) + notes) + '\n"""\n'
    imports = "import math\n" + "".join(f"import {m}\n" for m in sorted(p.imports))
    helpers = "".join("\n\n" + h for h in p.helpers.values())
    return (f"{head}{imports}{helpers}\n\ndef {name}({', '.join(params)}):\n"
            + "\n".join(body) + f"\n    return {ret}\n")
