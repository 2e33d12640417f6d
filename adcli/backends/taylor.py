"""Truncated Taylor series and their number namespace :class:`TaylorMath`.

A :class:`Taylor` holds the normalized coefficients c₀ … c_k of
t ↦ v(x₀ + t·v̇): cⱼ = v⁽ʲ⁾/j!.  Pushed through :func:`adcli.engine.evaluate`
with ``m = TaylorMath``, the series of the input gives the series of every
node, so one sweep yields f(x₀), f′(x₀), …, f⁽ᵏ⁾(x₀) (Taylor mode,
Griewank & Walther, *Evaluating Derivatives*, ch. 13).

Every operation costs O(k²): products are Cauchy products, quotients and
square roots are solved coefficient by coefficient, and each elementary
function y = φ(u) uses y′ = φ′(u)·u′, i.e.

    yₘ = (1/m) Σⱼ₌₁..ₘ j·uⱼ·gₘ₋ⱼ        with g the series of φ′(u),

where g is either a series computed first (atan: 1/(1+u²)) or grows with y
(exp: g = y, tan: g = 1 + y², tanh: g = 1 − y², sigmoid: g = y(1 − y)).
Nothing is nested k deep, so the cost is polynomial in k, not exponential.

Values are float64 and domain errors raise what :mod:`math` raises, so the
engine names the trace row.  Where a derivative of some order does not exist
(x^2.5 at 0 beyond order 2) the operation raises ValueError.  At kinks the
core's conventions hold (|x|, relu: derivative 0; min/max at a tie: ½ each;
hypot, atan2 at (0, 0): 0), except where the function is in fact smooth
along the series (|x²| at 0 is x², to every order).
"""
from __future__ import annotations

import math
from collections.abc import Callable

from ..functions import REGISTRY
from ..functions import series as S
from .floats import FloatMath, FloatParts
from .protocol import Registered, install_helpers


class Taylor:
    """A truncated Taylor series: ``c[j]`` is the j-th derivative over j!."""

    __slots__ = ("c",)

    def __init__(self, c: list):
        self.c = c

    @property
    def degree(self) -> int:
        return len(self.c) - 1

    def derivatives(self) -> list:
        """f, f′, …, f⁽ᵏ⁾: the coefficients times j!."""
        out, fact = [], 1.0
        for j, c in enumerate(self.c):
            if j:
                fact *= j
            out.append(c * fact)
        return out

    # -- arithmetic (a float on either side is a constant series) ---------------
    def __add__(self, o):
        if type(o) is Taylor:
            return Taylor([a + b for a, b in zip(self.c, o.c)])
        c = self.c[:]
        c[0] = c[0] + o
        return Taylor(c)

    __radd__ = __add__

    def __sub__(self, o):
        if type(o) is Taylor:
            return Taylor([a - b for a, b in zip(self.c, o.c)])
        c = self.c[:]
        c[0] = c[0] - o
        return Taylor(c)

    def __rsub__(self, o):
        c = [-a for a in self.c]
        c[0] = o - self.c[0]
        return Taylor(c)

    def __mul__(self, o):
        if type(o) is Taylor:
            return Taylor(S.mul(self.c, o.c))
        return Taylor([a * o for a in self.c])

    __rmul__ = __mul__

    def __truediv__(self, o):
        if type(o) is Taylor:
            return Taylor(S.div(self.c, o.c))
        return Taylor([a / o for a in self.c])

    def __rtruediv__(self, o):
        return Taylor(S.div(S.const(o, len(self.c)), self.c))

    def __neg__(self):
        return Taylor([-a for a in self.c])

    def __pos__(self):
        return self

    def __abs__(self):
        return TaylorMath.fabs(self)

    # -- comparisons and conversions: by value, for messages and kink tests -----
    def __eq__(self, o):
        return self.c[0] == (o.c[0] if type(o) is Taylor else o)

    def __ne__(self, o):
        return not self == o

    def __lt__(self, o):
        return self.c[0] < (o.c[0] if type(o) is Taylor else o)

    def __le__(self, o):
        return self.c[0] <= (o.c[0] if type(o) is Taylor else o)

    def __gt__(self, o):
        return self.c[0] > (o.c[0] if type(o) is Taylor else o)

    def __ge__(self, o):
        return self.c[0] >= (o.c[0] if type(o) is Taylor else o)

    def __hash__(self):
        return hash(self.c[0])

    def __bool__(self):
        return bool(self.c[0])

    def __float__(self):
        return float(self.c[0])

    def __int__(self):
        return int(self.c[0])

    def __repr__(self) -> str:
        return f"Taylor({self.c!r})"


def variable(x0: float, k: int, direction: float = 1.0) -> Taylor:
    """The series of an input x₀ + t·direction, to degree k."""
    c = [0.0] * (k + 1)
    c[0] = x0
    if k:
        c[1] = direction
    return Taylor(c)


# -- series of values: a float is a constant series ------------------------------------
def _series(x, n: int) -> list:
    return x.c if type(x) is Taylor else S.const(x, n)


def _degree_of(*xs) -> int:
    for x in xs:
        if type(x) is Taylor:
            return len(x.c)
    return 0


# -- the namespace -------------------------------------------------------------------
def _pick(x, y, smaller: bool):
    """min (smaller) or max of two values, one of them a series at least."""
    n = _degree_of(x, y)
    a, b = _series(x, n), _series(y, n)
    s = S.sign_along([p - q for p, q in zip(a, b)])   # sign of x − y near t = 0
    if s == 0.0 and S.lead([p - q for p, q in zip(a, b)]) < n:
        out = [(p + q) / 2.0 for p, q in zip(a, b)]   # a tie that splits: ½ each
        out[0] = a[0]
        return Taylor(out)
    take_a = (s <= 0.0) if smaller else (s >= 0.0)
    return Taylor(a[:] if take_a else b[:])


class TaylorMath(FloatParts, metaclass=Registered):
    """The number namespace for :class:`Taylor` (same names as FloatMath)."""

    @staticmethod
    def isbad(v) -> bool:
        if type(v) is Taylor:
            return any(c - c != 0.0 for c in v.c)
        return v - v != 0.0

    @staticmethod
    def primal(v) -> float:
        return v.c[0] if type(v) is Taylor else v

    @staticmethod
    def pow(x, y):
        if type(x) is not Taylor and type(y) is not Taylor:
            return FloatMath.pow(x, y)
        n = _degree_of(x, y)
        b = _series(y, n)
        a = _series(x, n)
        if S.lead(b[1:]) == n - 1:                  # a constant exponent
            return Taylor(S.pow_const(a, b[0]))
        if a[0] <= 0.0:
            if a[0] < 0.0:
                raise ValueError("x^y with x < 0 and a varying y")
            raise ValueError("x^y: the derivative along y is undefined at x = 0")
        w = S.mul(b, S.log(a, math.log(a[0]), a[0]))
        y = S.exp(w, math.exp(w[0]))
        y[0] = math.pow(a[0], b[0])
        return Taylor(y)

    @staticmethod
    def atan2(y, x):
        if type(x) is not Taylor and type(y) is not Taylor:
            return FloatMath.atan2(y, x)
        n = _degree_of(x, y)
        a, b = _series(y, n), _series(x, n)
        z0 = math.atan2(a[0], b[0])
        if n == 1 or (a[0] == 0.0 and b[0] == 0.0):   # the convention at (0, 0)
            return Taylor(S.const(z0, n))
        r = [p + q for p, q in zip(S.sq(a[:n - 1]), S.sq(b[:n - 1]))]
        da = [(j + 1) * a[j + 1] for j in range(n - 1)]
        db = [(j + 1) * b[j + 1] for j in range(n - 1)]
        num = [p - q for p, q in zip(S.mul(b[:n - 1], da), S.mul(a[:n - 1], db))]
        w = S.div(num, r)                             # z′ = (x·y′ − y·x′)/(x² + y²)
        return Taylor([z0] + [w[m - 1] / m for m in range(1, n)])

    @staticmethod
    def hypot(x, y):
        if type(x) is not Taylor and type(y) is not Taylor:
            return FloatMath.hypot(x, y)
        n = _degree_of(x, y)
        a, b = _series(x, n), _series(y, n)
        r0 = math.hypot(a[0], b[0])
        if r0 == 0.0:                                 # the convention at (0, 0)
            return Taylor(S.const(0.0, n))
        return Taylor(S.sqrt([p + q for p, q in zip(S.sq(a), S.sq(b))], r0))

    @staticmethod
    def fmin(x, y):
        if type(x) is not Taylor and type(y) is not Taylor:
            return FloatMath.fmin(x, y)
        return _pick(x, y, True)

    @staticmethod
    def fmax(x, y):
        if type(x) is not Taylor and type(y) is not Taylor:
            return FloatMath.fmax(x, y)
        return _pick(x, y, False)

    # The piecewise helpers (step, sign, div0, dpowx, powlog) are protocol.py's.


def _ruled(name: str, rule: Callable) -> Callable:
    """m.<name>: FloatMath on floats, the entry's series rule on Taylor series."""
    f = getattr(FloatMath, name)

    def fn(x):
        if type(x) is not Taylor:
            return f(x)
        return Taylor(rule(FloatMath, x.c))
    fn.__name__ = name
    return fn


#: Series already derived, by function and point: (inputs, output coefficients).  The
#: derivation asks for the same series one degree longer at each step (and so do the partials
#: it evaluates, e.g. digamma's ψ′ needs ψ″ one degree shorter): continuing a stored prefix
#: instead of starting again keeps order k at O(k³) rather than exponential.
_DONE: dict = {}
_DONE_MAX = 256


def _derived(name: str, d: Callable) -> Callable:
    """m.<name> on Taylor series from the entry's partials alone: y′ = Σᵢ φᵢ′(u)·uᵢ′, so
    yₘ = (1/m) Σᵢ Σⱼ₌₁..ₘ j·uᵢⱼ·gᵢ,ₘ₋ⱼ with gᵢ the series of ∂φ/∂uᵢ, which ``d`` gives when
    evaluated over TaylorMath on the series truncated to degree m − 1 (degree by degree)."""
    f = getattr(FloatMath, name)

    def fn(*xs):
        if all(type(x) is not Taylor for x in xs):
            return f(*xs)
        n = _degree_of(*xs)
        us = [_series(x, n) for x in xs]
        active = tuple(k for k, u in enumerate(us) if S.lead(u[1:]) < n - 1)
        key = (name, active, tuple(u[0] for u in us))
        y = _continued(key, us) or [f(*[u[0] for u in us])]
        for m in range(len(y), n):
            lower = [Taylor(u[:m]) if k in active and m > 1 else u[0] for k, u in enumerate(us)]
            ds = d(TaylorMath, *lower, Taylor(y[:m]) if m > 1 else y[0])
            total: list[float] = []
            for k in active:
                g = _series(ds[k], m)
                total.extend(j * us[k][j] * g[m - j] for j in range(1, m + 1))
            y.append(math.fsum(total) / m)
        if len(_DONE) >= _DONE_MAX:
            _DONE.clear()
        _DONE[key] = (us, y[:])
        return Taylor(y[:n])
    fn.__name__ = name
    return fn


def _continued(key: tuple, us: list) -> list:
    """The stored output for ``key``, as far as its inputs agree with ``us``."""
    done = _DONE.get(key)
    if done is None:
        return []
    old, y = done
    m = min(len(y), len(us[0]))
    for a, b in zip(old, us):
        while m > 1 and a[:m] != b[:m]:
            m -= 1
    return y[:m] if m > 1 else []


install_helpers(TaylorMath)
for _f in REGISTRY.values():
    if _f.primitive and _f.primitive not in vars(TaylorMath):
        _fn = _ruled(_f.primitive, _f.taylor) if _f.taylor else _derived(_f.primitive, _f.d)
        setattr(TaylorMath, _f.primitive, staticmethod(_fn))
