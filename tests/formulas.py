"""A small seeded generator of random formulas covering every registry function (tests)."""
from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adcli.functions import REGISTRY

VARS = ("x", "y", "z")
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


def _leaf(rng: random.Random) -> str:
    if rng.random() < 0.75:
        return rng.choice(VARS)
    return repr(rng.choice((0.5, 2.0, 3.0, 1.5, 0.25)))


def random_formula(rng: random.Random, depth: int = 3, must: str | None = None) -> str:
    """A formula of nesting ``depth``; ``must`` (a registry name) is its outermost call."""
    names = [f.name for f in REGISTRY.values() if not f.internal]
    stack: list = [(depth, must)]
    out: list[str] = []
    # iterative: build a postfix list of (name, arity) / leaves, then assemble
    post: list = []
    while stack:
        d, name = stack.pop()
        if d == 0 and name is None:
            post.append(("leaf", _leaf(rng)))
            continue
        name = name or rng.choice(names)
        f = REGISTRY[name]
        post.append(("op", name))
        if name == "polygamma":
            stack.append((0, None))
            post.append(("leaf!", repr(float(rng.choice((0, 1, 2))))))
            continue
        for _ in range(f.arity):
            stack.append((max(d - 1 - rng.randrange(2), 0), None))
    for kind, item in reversed(post):
        if kind != "op":
            out.append(item)
            continue
        f = REGISTRY[item]
        args = [out.pop() for _ in range(f.arity)]
        if item in _INFIX:
            out.append(f"({args[0]} {_INFIX[item]} {args[1]})")
        elif item == "neg":
            out.append(f"(-{args[0]})")
        elif item == "pow":
            out.append(f"({args[0]})^({args[1]})")
        else:
            out.append(f"{item}({', '.join(args)})")
    return out[0]


def battery(seed: int, count: int) -> list[str]:
    """``count`` formulas, each registry function the outer call of some of them."""
    rng = random.Random(seed)
    names = [f.name for f in REGISTRY.values() if not f.internal]
    return [random_formula(rng, 3, names[k % len(names)]) for k in range(count)]


# -- the property tests' generator: every registry function, inside its domain -----------------
#
# A formula is drawn TOGETHER with its point, so each call's arguments can be put where the
# registry samples that function (``Function.sample``): an argument whose value at the point
# lies outside the interval is shifted there, ``f(g + c)`` with ``c`` a literal.  A kinked
# function (one with a ``kink`` predicate: abs, relu, sign, floor, ceil, min, max, hypot,
# atan2) gets its arguments at least MARGIN from any kink: arguments are drawn off the
# GRID, and the registry's own predicate must be false at the arguments snapped to it.
#
# The SymPy reference is built from the same tree by REFERENCE below, written here
# independently of adcli's parser, IR and of the registry's ``sympy`` field: SymPy's own
# function where it has one (sinh, asinh, erf, gamma: SymPy's exp-form of sinh made its
# derivatives take minutes), else the textbook definition (sec = 1/cos, sigmoid =
# 1/(1 + e^-x), log2 = log/log 2, ...), and for a kinked function the smooth branch the
# point lies on (abs(u) -> u or -u, min(a, b) -> a or b, floor(u) -> the constant).
# Literals and points enter SymPy as the exact rationals of their float64 values, so the
# reference is the exact function of what adcli reads.
GRID = 0.25
MAX_SIZE = 120      # a program's expanded outputs (a *= a doubles them) stay this small
MARGIN = 0.05
CONSTANTS = (0.25, 0.5, 1.5, 2.0, 3.0)


def _branch(v: float, pos, neg):
    return pos if v > 0 else neg


def _sinc(s, a, v: float):
    """sin(a)/a; near 0 (where the argument may be exactly 0) its Taylor series to a^24,
    whose remainder is below 1e-40 there."""
    if abs(v) >= 0.01:
        return s.sin(a) / a
    return sum((-1) ** k * a ** (2 * k) / s.factorial(2 * k + 1) for k in range(13))


#: name -> (sympy module, argument expressions, argument values) -> SymPy expression.
#: One entry per registry name: a new registry entry without one fails the coverage test.
REFERENCE: dict = {
    "add": lambda s, a, v: a[0] + a[1],
    "sub": lambda s, a, v: a[0] - a[1],
    "mul": lambda s, a, v: a[0] * a[1],
    "div": lambda s, a, v: a[0] / a[1],
    "neg": lambda s, a, v: -a[0],
    "pow": lambda s, a, v: a[0] ** a[1],
    "sin": lambda s, a, v: s.sin(a[0]),
    "cos": lambda s, a, v: s.cos(a[0]),
    "tan": lambda s, a, v: s.sin(a[0]) / s.cos(a[0]),
    "asin": lambda s, a, v: s.asin(a[0]),
    "acos": lambda s, a, v: s.acos(a[0]),
    "atan": lambda s, a, v: s.atan(a[0]),
    "atan2": lambda s, a, v: s.atan2(a[0], a[1]),
    "sec": lambda s, a, v: 1 / s.cos(a[0]),
    "csc": lambda s, a, v: 1 / s.sin(a[0]),
    "cot": lambda s, a, v: s.cos(a[0]) / s.sin(a[0]),
    "sinh": lambda s, a, v: s.sinh(a[0]),
    "cosh": lambda s, a, v: s.cosh(a[0]),
    "tanh": lambda s, a, v: s.tanh(a[0]),
    "asinh": lambda s, a, v: s.asinh(a[0]),
    "acosh": lambda s, a, v: s.acosh(a[0]),
    "atanh": lambda s, a, v: s.atanh(a[0]),
    "exp": lambda s, a, v: s.exp(a[0]),
    "expm1": lambda s, a, v: s.exp(a[0]) - 1,
    "log": lambda s, a, v: s.log(a[0]),
    "log1p": lambda s, a, v: s.log(1 + a[0]),
    "log2": lambda s, a, v: s.log(a[0]) / s.log(2),
    "log10": lambda s, a, v: s.log(a[0]) / s.log(10),
    "sqrt": lambda s, a, v: s.sqrt(a[0]),
    "cbrt": lambda s, a, v: _branch(v[0], a[0] ** s.Rational(1, 3), -(-a[0]) ** s.Rational(1, 3)),
    "abs": lambda s, a, v: _branch(v[0], a[0], -a[0]),
    "relu": lambda s, a, v: _branch(v[0], a[0], s.Integer(0)),
    "min": lambda s, a, v: a[0] if v[0] < v[1] else a[1],
    "max": lambda s, a, v: a[0] if v[0] > v[1] else a[1],
    "hypot": lambda s, a, v: s.sqrt(a[0] ** 2 + a[1] ** 2),
    "sign": lambda s, a, v: s.Integer(_branch(v[0], 1, -1)),
    "floor": lambda s, a, v: s.Integer(math.floor(v[0])),
    "ceil": lambda s, a, v: s.Integer(math.ceil(v[0])),
    "sigmoid": lambda s, a, v: 1 / (1 + s.exp(-a[0])),
    "softplus": lambda s, a, v: s.log(1 + s.exp(a[0])),
    "erf": lambda s, a, v: s.erf(a[0]),
    "erfc": lambda s, a, v: 1 - s.erf(a[0]),
    "sinc": lambda s, a, v: _sinc(s, a[0], v[0]),
    "gamma": lambda s, a, v: s.gamma(a[0]),
    "lgamma": lambda s, a, v: s.log(_branch(math.gamma(v[0]), s.gamma(a[0]), -s.gamma(a[0]))),
    "digamma": lambda s, a, v: s.polygamma(0, a[0]),
    "polygamma": lambda s, a, v: s.polygamma(int(v[0]), a[1]),
}


@dataclass
class Expr:
    """A generated (sub)formula: adcli's text, SymPy's expression, its value at the point."""

    text: str
    sym: Any
    value: float
    size: int = 1       # nodes of ``sym`` as a tree (a program's names expanded)


class Chooser:
    """The generator's source of choices: ``draw`` is Hypothesis's (in a composite
    strategy, so failures shrink) or None for a seeded ``random.Random``."""

    def __init__(self, draw: Callable | None = None, rng: random.Random | None = None):
        self._draw, self._rng = draw, rng

    def choice(self, seq):
        seq = list(seq)
        if self._draw is not None:
            from hypothesis import strategies as st
            return self._draw(st.sampled_from(seq))
        return self._rng.choice(seq)

    def uniform(self, lo: float, hi: float) -> float:
        if self._draw is not None:
            from hypothesis import strategies as st
            return self._draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
        return self._rng.uniform(lo, hi)

    def coin(self, p: float) -> bool:
        return self.uniform(0.0, 1.0) < p


class Rejected(Exception):
    """The drawn formula is unusable (a non-finite value); the caller draws another."""


class Generator:
    """Random formulas and programs over ``names`` at ``point``, with their SymPy twins."""

    def __init__(self, chooser: Chooser, n_vars: int = 3, lo: float = -2.0, hi: float = 2.0):
        import sympy
        self.s = sympy
        self.ch = chooser
        self.names = list(VARS[:n_vars])
        self.symbols = [sympy.Symbol(n, real=True) for n in self.names]
        self.point = [self._round(chooser.uniform(lo, hi)) for _ in self.names]
        # the point as 60-digit Floats (exactly its float64 values): SymPy raises exact
        # rationals to rational powers exactly, which hung an example for minutes
        self.subs = {x: sympy.Float(p, 60) for x, p in zip(self.symbols, self.point, strict=True)}
        self.inputs = [Expr(n, x, p) for n, x, p in zip(self.names, self.symbols, self.point,
                                                         strict=True)]
        self.used: set = set()
        #: how much the formula may amplify a relative error: the product over its calls of
        #: their condition numbers (of f and of its partials, see _condition; a shift of a
        #: value v to t, |v/t|): a difference of k ulp in an inner function becomes about
        #: k·amplification ulp of the result or its derivatives
        self.amplification = 1.0

    @staticmethod
    def _round(v: float) -> float:
        return float(f"{v:.6g}")    # short literals: a failure reads well

    # -- pieces ---------------------------------------------------------------------------
    def const(self, v: float) -> Expr:
        return Expr(repr(float(v)), self.s.Rational(float(v)), float(v))

    def leaf(self, leaves: list) -> Expr:
        if self.ch.coin(0.8):
            return self.ch.choice(leaves)
        return self.const(self.ch.choice(CONSTANTS))

    def value(self, sym) -> float:
        v = sym.evalf(30, subs=self.subs)
        try:
            out = float(v)
        except TypeError as exc:            # complex or symbolic: not usable
            raise Rejected(str(v)) from exc
        if not math.isfinite(out) or abs(out) > 1e6:
            raise Rejected(str(v))
        return out

    def target(self, lo: float, hi: float) -> float:
        """A value inside (lo, hi), at least MARGIN off the GRID."""
        m = 0.05 * (hi - lo)
        lo, hi = lo + m, hi - m
        ks = range(math.ceil(lo / GRID), math.floor(hi / GRID) + 1)
        while True:
            t = self.ch.choice(ks) * GRID + self.ch.choice((-1, 1)) * self.ch.uniform(
                MARGIN, GRID / 2 - MARGIN / 2)
            if lo <= t <= hi:
                return self._round(t)

    def shift(self, e: Expr, t: float) -> Expr:
        """``e`` moved to the value ``t`` by adding a literal (a constant: ``t`` itself)."""
        if not e.sym.free_symbols:
            return self.const(t)
        c = t - e.value
        self.amplification *= min(1e6, max(1.0, abs(e.value) / max(abs(t), 1e-300)))
        text = f"({e.text} + {c!r})" if c >= 0 else f"({e.text} - {-c!r})"
        sym = e.sym + self.s.Rational(c)
        return Expr(text, sym, self.value(sym), e.size + 1)

    def place(self, name: str, args: list, only: int | None = None) -> list:
        """The arguments of ``name``, each inside the registry's sample interval (and away
        from kinks); ``only`` restricts the moves to one argument (a compound assignment)."""
        f = REGISTRY[name]
        movable = [k for k in range(f.arity) if f.sample[k][0] != f.sample[k][1]
                   and (only is None or k == only)]
        for k in range(f.arity):
            lo, hi = f.sample[k]
            if lo == hi:                     # a constant argument (polygamma's order)
                args[k] = self.const(lo)
        if f.sample_points and only is None and self.ch.coin(0.2):
            # one of the points the registry also samples (sinc at 0, gamma at -1.5, ...)
            pt = self.ch.choice(f.sample_points)
            out = [self.shift(a, pt[movable.index(k)]) if k in movable else a
                   for k, a in enumerate(args)]
            if f.kink is None or not f.kink(*(a.value for a in out)):
                return out
        for attempt in range(20):
            out = list(args)
            for k in movable:
                lo, hi = f.sample[k]
                m = 0.05 * (hi - lo)
                v = out[k].value
                off = abs(v - round(v / GRID) * GRID) < MARGIN
                if attempt or not lo + m <= v <= hi - m or (f.kink and off):
                    out[k] = self.shift(out[k], self.target(lo, hi))
            if f.kink is None or not f.kink(*(round(a.value / GRID) * GRID for a in out)):
                return out
        raise Rejected(f"{name}: no point off its kinks")

    def call(self, name: str, args: list) -> Expr:
        return self.apply(name, self.place(name, args))

    def apply(self, name: str, args: list) -> Expr:
        """``name`` called on ``args`` as they are."""
        f = REGISTRY[name]
        text = f.call.format(*(a.text for a in args))
        if not any(a.sym.free_symbols for a in args):
            # constant: one literal, as adcli folds it (sinc(x - x) is sinc(0)); computed
            # over 40-digit Floats, since SymPy simplifies exact powers such as
            # (3/2)^(k/2^52) by factoring
            flo = [self.s.Float(a.value, 40) for a in args]
            return self.const(self.value(REFERENCE[name](self.s, flo, [a.value for a in args])))
        sym = REFERENCE[name](self.s, [a.sym for a in args], [a.value for a in args])
        self.used.add(name)
        size = 1 + sum(a.size for a in args)
        if size > MAX_SIZE:                  # SymPy's derivatives would swell
            raise Rejected(f"{size} nodes")
        out = Expr(text, sym, self.value(sym), size)
        self.amplification *= self._condition(name, args, out.value)
        return out

    def _condition(self, name: str, args: list, value: float) -> float:
        """max(1, the call's condition numbers at its arguments' values, capped at 1e6):
        of f, Σ_k |a_k·∂f/∂a_k / f|, and of its first and second partials (a Hessian's
        entries are made of them), |a·∂²f/∂a² / ∂f/∂a| and |a·∂³f/∂a³ / ∂²f/∂a²|."""
        s = self.s
        vals = [a.value for a in args]
        dummies = [s.Dummy() for _ in args]
        at = {d: s.Float(v, 30) for d, v in zip(dummies, vals, strict=True)}
        f = REFERENCE[name](s, dummies, vals)
        worst, total = 1.0, 0.0
        for d, a in zip(dummies, args, strict=True):
            if not a.sym.free_symbols:
                continue
            ds = [value]
            g = f
            for _ in range(3):
                g = s.diff(g, d)
                ds.append(float(g.evalf(30, subs=at)))
            total += abs(a.value * ds[1])
            for lo, hi in ((ds[1], ds[2]), (ds[2], ds[3])):
                if hi:
                    worst = max(worst, abs(a.value * hi / lo) if lo else 1e6)
        if total:
            worst = max(worst, total / abs(value) if value else 1e6)
        return min(1e6, worst)

    # -- formulas and programs ----------------------------------------------------------------
    def formula(self, depth: int = 3, leaves: list | None = None, must: str | None = None) -> Expr:
        """A random formula of nesting ``depth`` (``must``: its outermost function)."""
        leaves = leaves or self.inputs
        if must is None and (depth <= 0 or self.ch.coin(0.25)):
            return self.leaf(leaves)
        name = must or self.ch.choice(NAMES)
        kids = [self.formula(depth - 1, leaves) for _ in range(REGISTRY[name].arity)]
        return self.call(name, kids)

    def program(self, statements: int = 4, outputs: int = 1) -> tuple:
        """``(text, [Expr per output])``: statements over a, b, c with rebinding and
        compound assignments (``+= -= *= /= ^=``), then the output (a list when
        ``outputs`` > 1), or none: the last statement's name is the output."""
        env: dict = {}
        lines = []
        for _ in range(statements):
            name = self.ch.choice(("a", "b", "c"))
            leaves = self.inputs + list(env.values())
            ops = ["="]
            if name in env:
                ops += ["+=", "-=", "*=", "/="]
                lo, hi = REGISTRY["pow"].sample[0]
                if lo + 0.05 * (hi - lo) <= env[name].value <= hi - 0.05 * (hi - lo):
                    ops.append("^=")        # the base is the name itself: no shift
            op = self.ch.choice(ops)
            rhs = self.formula(2, leaves)
            if op == "=":
                new = rhs
            else:
                fn = {"+=": "add", "-=": "sub", "*=": "mul", "/=": "div", "^=": "pow"}[op]
                args = self.place(fn, [env[name], rhs], only=1)
                rhs, new = args[1], self.apply(fn, args)
            lines.append(f"{name} {op} {rhs.text}")
            env[name] = Expr(name, new.sym, new.value, new.size)
        if outputs == 1 and self.ch.coin(0.3):   # ends in a statement: its name is the output
            return "; ".join(lines), [env[name]]
        leaves = self.inputs + 2 * list(env.values())     # mostly the program's names
        outs = [self.formula(2, leaves) for _ in range(outputs)]
        if outputs > 1:
            lines.append("[" + ", ".join(o.text for o in outs) + "]")
        else:
            lines.append(outs[0].text)
        return "; ".join(lines), outs


NAMES = sorted(REGISTRY)


def reachable(name: str, seed: int = 0) -> Expr:
    """A formula whose outermost call is ``name`` (the coverage test's witness)."""
    for k in range(50):
        gen = Generator(Chooser(rng=random.Random(seed + k)))
        try:
            return gen.formula(2, must=name)
        except Rejected:
            continue
    raise AssertionError(f"the generator cannot build {name}")
