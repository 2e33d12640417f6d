"""NumPy: the Python function, vectorized: each ``x[i]`` may be an array, and it broadcasts."""
from __future__ import annotations

from .emit import Program
from .frame import Frame
from .python import PyPrinter, lines, results


class NpPrinter(PyPrinter):
    lang = "numpy"
    field = "numpy"
    module = "np"

    def select(self, c: str, a: str, b: str) -> str:
        return f"np.where({c}, {a}, {b})"

    def spelled(self, f) -> str | None:
        s = f.numpy
        if s is None:
            if f.scipy:
                self.imports.add("scipy.special")
                return f"scipy.special.{f.scipy}"
            return None
        return s if s.startswith("np.") else f"np.{s}"


def render(prog: Program, frame: Frame) -> str:
    p = NpPrinter()
    name, params, body = lines(prog, frame, p, indent="        ")
    ret = results(prog, lambda e: f"_b({p.expr(e)})")
    notes = ["Uses scipy.special (the gamma family)."] if "scipy.special" in p.imports else []
    head = '"""' + "\n".join(frame.header(prog) + notes) + '\n"""\n'
    imports = "import numpy as np\n" + "".join(f"import {m}\n" for m in sorted(p.imports))
    helpers = "".join("\n\n" + h for h in p.helpers.values())
    shape = "np.broadcast_shapes(*(np.shape(a) for a in x))" if prog.g.n_inputs else "()"
    return (f"{head}{imports}{helpers}\n\ndef {name}({', '.join(params)}):\n"
            f"    zero = np.zeros({shape})\n\n"
            "    def _b(a):   # every result has the inputs' broadcast shape\n"
            "        return zero + a\n\n"
            "    with np.errstate(all=\"ignore\"):   # both branches of np.where are computed\n"
            + "\n".join(body) + f"\n        return {ret}\n")
