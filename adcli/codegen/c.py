"""C99: one function over ``<math.h>`` only (``cc -std=c99 -Wall -Wextra -Werror -pedantic``)."""
from __future__ import annotations

import math

from ..functions import Function
from .c_gamma import HELPERS
from .emit import Program
from .frame import Frame, signature_names
from .printer import Printer


class CPrinter(Printer):
    lang = "c"
    field = "c"

    def number(self, c: float) -> str:
        if math.isnan(c):
            return "NAN"
        if math.isinf(c):
            return "INFINITY" if c > 0 else "-INFINITY"
        return repr(c)

    def select(self, c: str, a: str, b: str) -> str:
        return f"({c} ? {a} : {b})"

    def spelled(self, f: Function) -> str | None:
        s = f.c
        if s in HELPERS:             # a helper <math.h> lacks (digamma): written once
            for name in (*HELPERS[s][1], s):
                self.helpers.setdefault(name, HELPERS[name][0])
        return s

    def helper_name(self, prim: str) -> str:
        return f"adcli_{prim}"

    def helper(self, name: str, temps: list[tuple[str, str]], body: str) -> str:
        lines = "".join(f"    const double {t} = {text};\n" for t, text in temps)
        lets = self.helper_lets
        decl = f"    double {', '.join(lets)};\n" if lets else ""
        return (f"static inline double {name}(double x)\n{{\n{decl}{lines}"
                f"    return {body};\n}}\n")

    def let(self, name: str, value: str, body: str) -> str:
        return f"({name} = {value}, {body})"      # the comma operator: in this order


def render(prog: Program, frame: Frame) -> str:
    p = CPrinter()
    n_out = len(prog.g.outputs)
    names = signature_names(prog, frame.name)
    body: list[str] = ["    (void)" + a + ";" for a in names.params]   # none unused
    for j, v in enumerate(prog.inputs):
        body.append(f"    const double {v} = x[{j}];")
    extra = {"jvp": ("v", "xdot", prog.g.n_inputs), "vjp": ("w", "w", n_out)}.get(prog.what)
    if extra:
        arr, pre, k = extra
        body += [f"    const double {pre}{j} = {arr}[{j}];" for j in range(k)]
    declared: set[str] = set()
    for s in prog.stmts:
        text = p.expr(s.expr)
        decl = "" if s.name in declared else "double "
        declared.add(s.name)
        body.append(f"    {decl}{s.name} = {text};  /* {s.comment} */")
    res = prog.results
    ret = ""
    if prog.what == "value":
        if prog.g.vector:
            body += [f"    y[{r}] = {p.expr(e)};" for r, e in enumerate(res["value"])]
        else:
            ret = p.expr(res["value"][0])
    elif prog.what in ("grad", "hessian"):
        body += [f"    grad[{j}] = {p.expr(e)};" for j, e in enumerate(res["jac"][0])]
        if prog.what == "hessian":
            n = prog.g.n_inputs
            body += [f"    hess[{i * n + j}] = {p.expr(e)};"
                     for i, row in enumerate(res["hess"]) for j, e in enumerate(row)]
        ret = p.expr(res["value"][0])
    else:
        body += [f"    y[{r}] = {p.expr(e)};" for r, e in enumerate(res["value"])]
        if prog.what == "jacobian":
            n = prog.g.n_inputs
            body += [f"    jac[{r * n + j}] = {p.expr(e)};"
                     for r, row in enumerate(res["jac"]) for j, e in enumerate(row)]
        else:
            key = "jv" if prog.what == "jvp" else "vjp"
            body += [f"    {key}[{j}] = {p.expr(e)};" for j, e in enumerate(res[key])]
    if ret:
        body.append(f"    return {ret};")
    if p.lets:                                    # bound inside branches: declared first
        body.insert(len(names.params), f"    double {', '.join(p.lets)};")
    rtype = "double" if ret else "void"
    params = ", ".join(("const double *" if k < names.n_const else "double *") + a
                       for k, a in enumerate(names.params))
    head = "/*\n" + "\n".join(f" * {line}" for line in frame.header(prog)) + "\n */\n"
    helpers = "".join(h + "\n" for h in p.helpers.values())
    return (f"{head}#include <math.h>\n\n{helpers}{rtype} {names.name}({params})\n{{\n"
            + "\n".join(body) + "\n}\n")
