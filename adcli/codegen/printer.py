"""Printing expressions: what the three languages share (precedence, constants, calls).

A language subclasses :class:`Printer` and says how it spells a constant, a call, a
comparison and a conditional; calls are spelled from the registry's ``c`` / ``python`` /
``numpy`` fields (a name, or a template with ``{0}``, ``{1}``), else from a helper
generated once per file from the entry's ``generic`` form, only when used.
"""
from __future__ import annotations

from ..errors import UsageError
from ..functions import REGISTRY, Function
from .expr import CodeMath, E, parts, postorder, var
from .share import share

#: primitive name (``fabs``, ``sigmoid``) -> its registry entry
PRIMITIVES: dict[str, Function] = {f.primitive: f for f in REGISTRY.values() if f.primitive}

_PREC = {"sel": 1, "cmp": 2, "+": 3, "-": 3, "*": 4, "/": 4, "neg": 5}
ATOM = 9


class Printer:
    """Expression -> text for one language; records the helpers and imports it used."""

    lang = ""
    field = ""          # the registry field with this language's spelling

    def __init__(self) -> None:
        self.helpers: dict[str, str] = {}      # helper name -> its definition (in order)
        self.imports: set[str] = set()
        self.lets: list[str] = []              # names bound inside branches (C declares them)
        self.helper_lets: list[str] = []       # the same, of the helper being written

    # -- what a language says ------------------------------------------------------
    def number(self, c: float) -> str:
        raise NotImplementedError

    def select(self, c: str, a: str, b: str) -> str:
        raise NotImplementedError

    def helper(self, name: str, temps: list[tuple[str, str]], body: str) -> str:
        """The definition of helper ``name`` of one argument ``x``: its temporaries
        (name, text), then ``body`` returned (``self.helper_lets``: the names ``body``
        binds inside branches)."""
        raise NotImplementedError

    def let(self, name: str, value: str, body: str) -> str:
        """``body`` with ``name`` bound to ``value`` first (only where ``body`` is
        evaluated: inside a branch of a conditional)."""
        raise NotImplementedError

    def spelled(self, f: Function) -> str | None:
        """This language's spelling of ``f`` (a name or a template), None if it has none."""
        return getattr(f, self.field)

    def helper_name(self, prim: str) -> str:
        return f"_{prim}"

    # -- shared --------------------------------------------------------------------
    def call(self, prim: str, args: list[str]) -> str:
        f = PRIMITIVES.get(prim)
        if f is None:
            raise UsageError(f"codegen: no {self.lang} spelling for {prim}")
        s = self.spelled(f)
        if s is None:
            if f.generic is None:
                raise UsageError(f"codegen --lang {self.lang} does not support {f.name} "
                                 f"(no {self.lang} spelling of it yet)")
            s = self.helper_name(prim)
            if s not in self.helpers:
                self.helpers[s] = ""           # placeholder: keeps recursion out
                counter = iter(range(1 << 30))
                temps, e = share(f.generic(CodeMath, var("x")), lambda: f"t{next(counter)}")
                outer, self.lets = self.lets, []
                lines = [(t, self.expr(te)) for t, te in temps]
                body = self.expr(e)
                self.helper_lets, self.lets = self.lets, outer
                self.helpers.pop(s)
                self.helpers[s] = self.helper(s, lines, body)   # after the helpers it uses
        if "{" in s:
            return "(" + s.format(*args) + ")"
        return f"{s}({', '.join(args)})"

    def expr(self, e: E) -> str:
        """Text of ``e``: iterative (a post-order walk), parenthesized by precedence."""
        out: dict[int, tuple[str, int]] = {}
        for x in postorder(e):
            out[id(x)] = self._one(x, [out[id(p)] for p in parts(x)])
        return out[id(e)][0]

    def _one(self, x: E, sub: list[tuple[str, int]]) -> tuple[str, int]:
        n = x.node
        k = n[0]
        if k == "var":
            return n[1], ATOM
        if k == "const":
            text = self.number(n[1])
            return text, (5 if text.startswith("-") else ATOM)
        if k == "call":
            return self.call(n[1], [s for s, _ in sub]), ATOM
        if k == "neg":
            s, p = sub[0]
            return "-" + (s if p > 5 else f"({s})"), 5
        if k in ("bin", "cmp"):
            op = n[1]
            prec = _PREC[op] if k == "bin" else 2
            (a, pa), (b, pb) = sub
            a = a if pa >= prec else f"({a})"
            b = b if pb > prec else f"({b})"
            return f"{a} {op} {b}", prec
        if k == "sel":
            (c, _), (a, _), (b, _) = sub
            return self.select(c, a, b), ATOM
        if k == "let":
            (value, _), (body, _) = sub
            self.lets.append(n[1])
            return self.let(n[1], value, body), ATOM
        raise ValueError(k)

