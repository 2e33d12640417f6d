"""Expressions for generated code: a backend whose numbers are expression nodes.

The registry's entries run over :class:`CodeMath` exactly as they run over floats, so a
row's value ``op.value(m, *x)`` and its partials ``op.d(m, *x, out)`` come back as small
expression trees over the trace's variable names.  The generated code therefore performs
the float engine's own arithmetic, operation by operation, and rounds as it does.

Folding is minimal and exact in float64: constants combine, ``+ 0``, ``* 1`` and ``/ 1``
drop, ``* -1`` becomes a negation, and the registry's ``blend`` (``w·far + (1 − w)·near``
with ``w`` a step) becomes one conditional expression.
"""
from __future__ import annotations

import math
from typing import Any

# An expression node: kind, then its parts.
#   ("var", name) ("const", c) ("bin", "+"|"-"|"*"|"/", a, b) ("neg", a)
#   ("call", primitive, (args...)) ("cmp", ">"|"<"|">="|"=="|"!=", a, b)
#   ("sel", cond, a, b)
#   ("let", name, value, body): body, with name bound to value (see adcli.codegen.share)


class E:
    """An expression node with the arithmetic the registry's entries use."""

    __slots__ = ("node",)

    def __init__(self, node: tuple):
        self.node = node

    def __repr__(self) -> str:
        return f"E{self.node!r}"

    @property
    def kind(self) -> str:
        return self.node[0]

    def is_const(self, c: float | None = None) -> bool:
        return self.node[0] == "const" and (c is None or self.node[1] == c)

    def __add__(self, o: Any) -> E:
        return add(self, lift(o))

    def __radd__(self, o: Any) -> E:
        return add(lift(o), self)

    def __sub__(self, o: Any) -> E:
        return sub(self, lift(o))

    def __rsub__(self, o: Any) -> E:
        return sub(lift(o), self)

    def __mul__(self, o: Any) -> E:
        return mul(self, lift(o))

    def __rmul__(self, o: Any) -> E:
        return mul(lift(o), self)

    def __truediv__(self, o: Any) -> E:
        return div(self, lift(o))

    def __rtruediv__(self, o: Any) -> E:
        return div(lift(o), self)

    def __neg__(self) -> E:
        return neg(self)


def parts(x: E) -> list[E]:
    """The operands of a node, in order (a conditional's: condition, then, else)."""
    n = x.node
    k = n[0]
    if k in ("var", "const"):
        return []
    if k == "call":
        return list(n[2])
    if k in ("bin", "cmp", "let"):
        return [n[2], n[3]]
    return list(n[1:])


def postorder(e: E) -> list[E]:
    """Every node of ``e`` once, operands before the nodes that use them (a loop, no
    recursion: formulas nest 10⁴ deep)."""
    order: list[E] = []
    seen: set[int] = set()
    stack: list[tuple[E, bool]] = [(e, False)]
    while stack:
        x, done = stack.pop()
        if done:
            order.append(x)
        elif id(x) not in seen:
            seen.add(id(x))
            kids = parts(x)
            if kids:
                stack.append((x, True))
                stack.extend((c, False) for c in kids if id(c) not in seen)
            else:
                order.append(x)
    return order


def with_parts(x: E, kids: list[E]) -> E:
    """``x`` over new operands ``kids`` (``x`` itself if they are its own)."""
    if all(a is b for a, b in zip(kids, parts(x), strict=True)):
        return x
    n = x.node
    if n[0] == "call":
        return E(("call", n[1], tuple(kids)))
    if n[0] in ("bin", "cmp", "let"):
        return E((n[0], n[1], *kids))
    return E((n[0], *kids))


def lift(v: Any) -> E:
    if isinstance(v, E):
        return v
    return E(("const", float(v)))


def const(c: float) -> E:
    return E(("const", float(c)))


def var(name: str) -> E:
    return E(("var", name))


def _cv(e: E) -> float | None:
    return e.node[1] if e.node[0] == "const" else None


def add(a: E, b: E) -> E:
    ca, cb = _cv(a), _cv(b)
    if ca is not None and cb is not None:
        return const(ca + cb)
    if cb == 0.0:
        return a
    if ca == 0.0:
        return b
    sel = _blend(a, b) or _blend(b, a)
    if sel is not None:
        return sel
    if b.kind == "neg":
        return E(("bin", "-", a, b.node[1]))
    return E(("bin", "+", a, b))


def sub(a: E, b: E) -> E:
    ca, cb = _cv(a), _cv(b)
    if ca is not None and cb is not None:
        return const(ca - cb)
    if cb == 0.0:
        return a
    if ca == 0.0 and not (ca is not None and math.copysign(1.0, ca) < 0):
        return neg(b)
    if b.kind == "neg":
        return E(("bin", "+", a, b.node[1]))
    return E(("bin", "-", a, b))


def mul(a: E, b: E) -> E:
    ca, cb = _cv(a), _cv(b)
    if ca is not None and cb is not None:
        return const(ca * cb)
    if cb == 1.0:
        return a
    if ca == 1.0:
        return b
    if cb == -1.0:
        return neg(a)
    if ca == -1.0:
        return neg(b)
    return E(("bin", "*", a, b))


def div(a: E, b: E) -> E:
    ca, cb = _cv(a), _cv(b)
    if ca is not None and cb is not None and cb != 0.0:
        return const(ca / cb)
    if cb == 1.0:
        return a
    if cb == -1.0:
        return neg(a)
    return E(("bin", "/", a, b))


def neg(a: E) -> E:
    ca = _cv(a)
    if ca is not None:
        return const(-ca)
    if a.kind == "neg":
        return a.node[1]
    return E(("neg", a))


def scale(b: E, p: E, p_first: bool = False) -> E:
    """``b·p`` (``p·b`` if ``p_first``) for an adjoint or tangent ``b`` and a local
    partial ``p``, cheaper where the partial's form allows: ``b·(1/d)`` is ``b/d`` (one
    rounding instead of two), and ``b·(−q)`` is ``−(b·q)``, whose negation then folds into
    the sum it joins."""
    negate = False
    while p.kind == "neg":
        negate, p = not negate, p.node[1]
    n = p.node
    if n[0] == "bin" and n[1] == "/" and n[2].is_const(1.0):
        r = div(b, n[3])
    elif n[0] == "bin" and n[1] == "/" and n[2].kind == "neg":
        negate, r = not negate, scale(b, div(n[2].node[1], n[3]), p_first)
    else:
        r = mul(p, b) if p_first else mul(b, p)
    return neg(r) if negate else r


def cmp(op: str, a: E, b: E) -> E:
    return E(("cmp", op, a, b))


def select(cond: E, a: E, b: E) -> E:
    return E(("sel", cond, a, b))


def call(name: str, *args: Any) -> E:
    ops = tuple(lift(a) for a in args)
    if name == "pow" and ops[1].is_const(1.0):     # x^1 is x, exactly
        return ops[0]
    return E(("call", name, ops))


# -- steps and the blend pattern ------------------------------------------------------
def step(z: E, at0: float) -> E:
    """1 for z > 0, 0 for z < 0, ``at0`` at 0, as a conditional expression."""
    zero = const(0.0)
    if at0 == 0.0:
        return E(("sel", cmp(">", z, zero), const(1.0), zero))
    if at0 == 1.0:
        return E(("sel", cmp(">=", z, zero), const(1.0), zero))
    return E(("sel", cmp(">", z, zero), const(1.0),
              E(("sel", cmp("<", z, zero), zero, const(at0)))))


def _is_step(w: E) -> bool:
    n = w.node
    return n[0] == "sel" and n[2].is_const(1.0) and n[3].is_const(0.0)


def _split(x: E) -> tuple[E, E] | None:
    """``w·a`` (or ``w`` itself) -> (w, a) for a step w with at0 of 0 or 1."""
    if _is_step(x):
        return x, const(1.0)
    n = x.node
    if n[0] == "bin" and n[1] == "*":
        if _is_step(n[2]):
            return n[2], n[3]
        if _is_step(n[3]):
            return n[3], n[2]
    return None


def _blend(x: E, y: E) -> E | None:
    """``w·a + (1 − w)·b`` -> ``w ? a : b`` (exact: the other term is 0·b)."""
    wx = _split(x)
    if wx is None:
        return None
    n = y.node
    if n[0] != "bin" or n[1] not in "*-":
        return None
    pairs = ((y, const(1.0)),) if n[1] == "-" else ((n[2], n[3]), (n[3], n[2]))
    for one_minus, b in pairs:
        m = one_minus.node
        if m[0] == "bin" and m[1] == "-" and m[2].is_const(1.0) and m[3] is wx[0]:
            return select(wx[0].node[1], wx[1], b)
    return None


# -- the backend --------------------------------------------------------------------
class _Calls(type):
    """Any other attribute is a call to the primitive of that name (``m.sin(x)``)."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)

        def fn(*args: Any) -> E:
            return call(name, *args)
        return fn


class CodeMath(metaclass=_Calls):
    """The registry's ``m`` over expression nodes (see the module docstring)."""

    LN2 = const(math.log(2.0))
    LN10 = const(math.log(10.0))
    TWO_OVER_SQRTPI = const(2.0 / math.sqrt(math.pi))
    isbad = None
    primal = None

    @staticmethod
    def const(c: float) -> E:
        return const(c)

    @staticmethod
    def step(x: Any, at0: float) -> E:
        return step(lift(x), at0)

    @staticmethod
    def sign(x: Any) -> E:
        return call("sign", x)

    @staticmethod
    def div0(a: Any, b: Any) -> E:
        a, b = lift(a), lift(b)
        if _cv(b) not in (None, 0.0):
            return div(a, b)
        n = a.node      # div0(div0(x, b), b): one test of b (atan2's (x/r)/r)
        if n[0] == "sel" and n[1].node[:2] == ("cmp", "!=") and n[1].node[2] is b \
                and n[1].node[3].is_const(0.0) and n[3].is_const(0.0):
            return select(n[1], div(n[2], b), const(0.0))
        return select(cmp("!=", b, const(0.0)), div(a, b), const(0.0))

    @staticmethod
    def dpowx(x: Any, y: Any) -> E:
        y = lift(y)
        if y.is_const(0.0):
            return const(0.0)
        return mul(y, call("pow", x, sub(y, const(1.0))))

    @staticmethod
    def powlog(o: Any, x: Any) -> E:
        o, x = lift(o), lift(x)
        cx = _cv(x)
        if cx is not None and cx > 0.0:
            return mul(o, call("log", x))
        zero = const(0.0)
        at0 = select(cmp("==", o, zero), zero, const(-math.inf))
        return select(cmp(">", x, zero), mul(o, call("log", x)),
                      select(cmp("==", x, zero), at0, const(math.nan)))
