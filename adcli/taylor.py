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

from .numbers import FloatMath


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
            return Taylor(_mul(self.c, o.c))
        return Taylor([a * o for a in self.c])

    __rmul__ = __mul__

    def __truediv__(self, o):
        if type(o) is Taylor:
            return Taylor(_div(self.c, o.c))
        return Taylor([a / o for a in self.c])

    def __rtruediv__(self, o):
        return Taylor(_div(_const(o, len(self.c)), self.c))

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


# -- coefficient-list kernels, O(k²) ------------------------------------------------
def _const(x: float, n: int) -> list:
    c = [0.0] * n
    c[0] = x
    return c


def _mul(a: list, b: list) -> list:
    n = len(a)
    return [math.fsum(a[j] * b[m - j] for j in range(m + 1)) for m in range(n)]


def _div(a: list, b: list) -> list:
    """q with q·b = a: qₘ = (aₘ − Σⱼ₌₀..ₘ₋₁ qⱼ·bₘ₋ⱼ)/b₀ (ZeroDivisionError when b₀ = 0)."""
    q: list = []
    b0 = b[0]
    for m in range(len(a)):
        s = a[m] - math.fsum(q[j] * b[m - j] for j in range(m))
        q.append(s / b0)
    return q


def _sqrt(u: list, y0: float) -> list:
    """y with y² = u and y(0) = y0 ≠ 0: yₘ = (uₘ − Σⱼ₌₁..ₘ₋₁ yⱼ·yₘ₋ⱼ)/(2y₀)."""
    y = [y0]
    for m in range(1, len(u)):
        s = u[m] - math.fsum(y[j] * y[m - j] for j in range(1, m))
        y.append(s / (2.0 * y0))
    return y


def _solve(u: list, y0: float, g_at) -> list:
    """y with y′ = g·u′, where ``g_at(y, m)`` gives gₘ from y₀ … yₘ."""
    y = [y0]
    g = [g_at(y, 0)]
    k = len(u) - 1
    for m in range(1, k + 1):
        y.append(math.fsum(j * u[j] * g[m - j] for j in range(1, m + 1)) / m)
        if m < k:
            g.append(g_at(y, m))
    return y


def _integrate(u: list, y0: float, g: list) -> list:
    """y with y′ = g·u′ for a known series g."""
    return _solve(u, y0, lambda y, m: g[m])


def _square_sum(y: list, m: int) -> float:
    return math.fsum(y[i] * y[m - i] for i in range(m + 1))


def _lead(c: list) -> int:
    """Index of the first non-zero coefficient (len(c) if there is none)."""
    for j, v in enumerate(c):
        if v != 0.0:
            return j
    return len(c)


def _sign_along(c: list) -> float:
    """The sign of the series near t = 0 where it is smooth; 0 at a kink.

    A series starting at an odd power (t, t³, …) changes sign at t = 0: a
    kink of |u|, relu(u), min and max, where the core's convention applies.
    """
    p = _lead(c)
    if p == len(c) or p % 2:
        return 0.0
    return 1.0 if c[p] > 0.0 else -1.0


def _series(x, n: int) -> list:
    return x.c if type(x) is Taylor else _const(x, n)


def _degree_of(*xs) -> int:
    for x in xs:
        if type(x) is Taylor:
            return len(x.c)
    return 0


def _pow_const(u: list, r: float) -> list:
    """uʳ for a constant exponent r."""
    n = len(u)
    if r == 0.0:
        return _const(1.0, n)
    if u[0] != 0.0:
        return _pow_rec(u, r, math.pow(u[0], r))
    if r == int(r) and r > 0.0:
        return _pow_int(u, int(r))
    p = _lead(u)
    if p == n:
        return _const(math.pow(0.0, r), n)     # 0^r: ValueError for r < 0, as math does
    if r > 0.0 and p * r > n - 1:
        return _const(0.0, n)                  # every coefficient up to degree k vanishes
    raise ValueError("x^y: a derivative of this order is infinite or undefined at x = 0")


def _pow_rec(u: list, r: float, y0: float) -> list:
    """y = uʳ with y(0) = y0, u₀ ≠ 0, from u·y′ = r·y·u′:
    yₘ = Σⱼ₌₀..ₘ₋₁ (r(m−j) − j)·uₘ₋ⱼ·yⱼ / (m·u₀)."""
    y = [y0]
    u0 = u[0]
    for m in range(1, len(u)):
        s = math.fsum((r * (m - j) - j) * u[m - j] * y[j] for j in range(m))
        y.append(s / (m * u0))
    return y


def _pow_int(u: list, e: int) -> list:
    """uᵉ by repeated squaring, for u₀ = 0 (exact, O(k² log e))."""
    result = _const(1.0, len(u))
    base = u
    while True:
        if e & 1:
            result = _mul(result, base)
        e >>= 1
        if not e:
            return result
        if _lead(base) >= len(u):
            return _const(0.0, len(u))
        base = _mul(base, base)


def _exp(u: list, y0: float) -> list:
    return _solve(u, y0, lambda y, m: y[m])


def _sincos(u: list, hyperbolic: bool = False) -> tuple:
    """sin and cos (or sinh and cosh) together: each is the other's derivative."""
    u0 = u[0]
    if hyperbolic:
        s, c, sg = [math.sinh(u0)], [math.cosh(u0)], 1.0
    else:
        s, c, sg = [math.sin(u0)], [math.cos(u0)], -1.0
    for m in range(1, len(u)):
        s.append(math.fsum(j * u[j] * c[m - j] for j in range(1, m + 1)) / m)
        c.append(sg * math.fsum(j * u[j] * s[m - j] for j in range(1, m + 1)) / m)
    return s, c


def _log(u: list, y0: float, w0: float) -> list:
    """log of w = (w₀, u₁, u₂, …), y₀ given: yₘ = (uₘ − (1/m)Σⱼ₌₁..ₘ₋₁ j·yⱼ·uₘ₋ⱼ)/w₀."""
    y = [y0]
    for m in range(1, len(u)):
        s = u[m] - math.fsum(j * y[j] * u[m - j] for j in range(1, m)) / m
        y.append(s / w0)
    return y


# -- the namespace -------------------------------------------------------------------
def _unary(name: str, series):
    """m.<name>: FloatMath on floats, ``series(u.c)`` on Taylor series."""
    f = getattr(FloatMath, name)

    def fn(x):
        if type(x) is not Taylor:
            return f(x)
        return Taylor(series(x.c))
    fn.__name__ = name
    return staticmethod(fn)


def _rsqrt(u: list) -> list:
    """1/√u."""
    return _div(_const(1.0, len(u)), _sqrt(u, math.sqrt(u[0])))


def _sq(u: list) -> list:
    return _mul(u, u)


def _affine(u: list, a: float, b: float) -> list:
    """a + b·u."""
    c = [b * x for x in u]
    c[0] = c[0] + a
    return c


def _neg(u: list) -> list:
    return [-x for x in u]


def _tan(u):
    return _solve(u, math.tan(u[0]), lambda y, m: (m == 0) + _square_sum(y, m))


def _tanh(u):
    # g₀ = 1 − y₀² cancels once tanh saturates: 4σ(2u₀)σ(−2u₀) is the same number
    g0 = 4.0 * FloatMath.sigmoid(2.0 * u[0]) * FloatMath.sigmoid(-2.0 * u[0])
    return _solve(u, math.tanh(u[0]), lambda y, m: g0 if m == 0 else -_square_sum(y, m))


def _sigmoid(u):
    # likewise g₀ = y₀ − y₀² = σ(u₀)σ(−u₀)
    g0 = FloatMath.sigmoid(u[0]) * FloatMath.sigmoid(-u[0])
    return _solve(u, FloatMath.sigmoid(u[0]),
                  lambda y, m: g0 if m == 0 else y[m] - _square_sum(y, m))


def _asin_d(u):      # 1/√(1 − u²); near ±1 as 1/√((1 − u)(1 + u)), which does not cancel
    if abs(u[0]) > 0.5:
        return _rsqrt(_mul(_affine(u, 1.0, -1.0), _affine(u, 1.0, 1.0)))
    return _rsqrt(_affine(_sq(u), 1.0, -1.0))


def _scaled(u, f):
    """(1/s)·f(u/s, 1/s) with s = max(1, |u₀|): f's u² cannot overflow (asinh at 1e200)."""
    s = max(1.0, abs(u[0]))
    return [c / s for c in f([c / s for c in u], 1.0 / s)]


def _atanh_d(u):     # 1/((1 − u)(1 + u))
    return _div(_const(1.0, len(u)), _mul(_affine(u, 1.0, -1.0), _affine(u, 1.0, 1.0)))


def _erf_d(u):       # 2/√π · exp(−u²)
    w = _neg(_sq(u))
    return [FloatMath.TWO_OVER_SQRTPI * c for c in _exp(w, math.exp(w[0]))]


_SERIES = {
    "exp": lambda u: _exp(u, math.exp(u[0])),
    "expm1": lambda u: [math.expm1(u[0])] + _exp(u, math.exp(u[0]))[1:],
    "log": lambda u: _log(u, math.log(u[0]), u[0]),
    "log1p": lambda u: _log(u, math.log1p(u[0]), 1.0 + u[0]),
    "log2": lambda u: [math.log2(u[0])] + [c / FloatMath.LN2 for c in
                                          _log(u, math.log(u[0]), u[0])[1:]],
    "log10": lambda u: [math.log10(u[0])] + [c / FloatMath.LN10 for c in
                                            _log(u, math.log(u[0]), u[0])[1:]],
    "sqrt": lambda u: _sqrt(u, math.sqrt(u[0])),
    "cbrt": lambda u: _pow_rec(u, 1.0 / 3.0, FloatMath.cbrt(u[0])) if u[0] else _cbrt0(u),
    "sin": lambda u: _sincos(u)[0],
    "cos": lambda u: _sincos(u)[1],
    "sinh": lambda u: _sincos(u, True)[0],
    "cosh": lambda u: _sincos(u, True)[1],
    "tan": _tan,
    "tanh": _tanh,
    "sigmoid": _sigmoid,
    "asin": lambda u: _integrate(u, math.asin(u[0]), _asin_d(u)),
    "acos": lambda u: _integrate(u, math.acos(u[0]), _neg(_asin_d(u))),
    "atan": lambda u: _integrate(u, math.atan(u[0]),
                                 _div(_const(1.0, len(u)), _affine(_sq(u), 1.0, 1.0))),
    "asinh": lambda u: _integrate(u, math.asinh(u[0]), _scaled(
        u, lambda w, t: _rsqrt(_affine(_sq(w), t * t, 1.0)))),            # 1/√(u² + 1)
    "acosh": lambda u: _integrate(u, math.acosh(u[0]), _scaled(
        u, lambda w, t: _rsqrt(_mul(_affine(w, -t, 1.0), _affine(w, t, 1.0))))),  # 1/√(u²−1)
    "atanh": lambda u: _integrate(u, math.atanh(u[0]), _atanh_d(u)),
    "erf": lambda u: _integrate(u, math.erf(u[0]), _erf_d(u)),
    "erfc": lambda u: _integrate(u, math.erfc(u[0]), _neg(_erf_d(u))),
    "softplus": lambda u: _integrate(u, FloatMath.softplus(u[0]), _sigmoid(u)),
    "fabs": lambda u: [abs(u[0])] + [_sign_along(u) * c for c in u[1:]],
    "relu": lambda u: [FloatMath.relu(u[0])] + [c * (_sign_along(u) > 0.0) for c in u[1:]],
}


def _cbrt0(u: list) -> list:
    if _lead(u) == len(u):
        return _const(0.0, len(u))
    # ∛ at 0 of a non-constant series: the first derivative is already infinite
    raise ZeroDivisionError("cbrt: infinite derivative at 0")


def _pick(x, y, smaller: bool):
    """min (smaller) or max of two values, one of them a series at least."""
    n = _degree_of(x, y)
    a, b = _series(x, n), _series(y, n)
    s = _sign_along([p - q for p, q in zip(a, b)])   # sign of x − y near t = 0
    if s == 0.0 and _lead([p - q for p, q in zip(a, b)]) < n:
        out = [(p + q) / 2.0 for p, q in zip(a, b)]   # a tie that splits: ½ each
        out[0] = a[0]
        return Taylor(out)
    take_a = (s <= 0.0) if smaller else (s >= 0.0)
    return Taylor(a[:] if take_a else b[:])


class TaylorMath:
    """The number namespace for :class:`Taylor` (same names as FloatMath)."""

    LN2 = FloatMath.LN2
    LN10 = FloatMath.LN10
    TWO_OVER_SQRTPI = FloatMath.TWO_OVER_SQRTPI

    @staticmethod
    def isbad(v) -> bool:
        if type(v) is Taylor:
            return any(c - c != 0.0 for c in v.c)
        return v - v != 0.0

    @staticmethod
    def isfinite(v) -> bool:
        return not TaylorMath.isbad(v)

    @staticmethod
    def primal(v) -> float:
        return v.c[0] if type(v) is Taylor else v

    @staticmethod
    def const(c: float) -> float:
        return c

    @staticmethod
    def pow(x, y):
        if type(x) is not Taylor and type(y) is not Taylor:
            return FloatMath.pow(x, y)
        n = _degree_of(x, y)
        b = _series(y, n)
        a = _series(x, n)
        if _lead(b[1:]) == n - 1:                  # a constant exponent
            return Taylor(_pow_const(a, b[0]))
        if a[0] <= 0.0:
            if a[0] < 0.0:
                raise ValueError("x^y with x < 0 and a varying y")
            raise ValueError("x^y: the derivative along y is undefined at x = 0")
        w = _mul(b, _log(a, math.log(a[0]), a[0]))
        y = _exp(w, math.exp(w[0]))
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
            return Taylor(_const(z0, n))
        r = [p + q for p, q in zip(_sq(a[:n - 1]), _sq(b[:n - 1]))]
        da = [(j + 1) * a[j + 1] for j in range(n - 1)]
        db = [(j + 1) * b[j + 1] for j in range(n - 1)]
        num = [p - q for p, q in zip(_mul(b[:n - 1], da), _mul(a[:n - 1], db))]
        w = _div(num, r)                             # z′ = (x·y′ − y·x′)/(x² + y²)
        return Taylor([z0] + [w[m - 1] / m for m in range(1, n)])

    @staticmethod
    def hypot(x, y):
        if type(x) is not Taylor and type(y) is not Taylor:
            return FloatMath.hypot(x, y)
        n = _degree_of(x, y)
        a, b = _series(x, n), _series(y, n)
        r0 = math.hypot(a[0], b[0])
        if r0 == 0.0:                                 # the convention at (0, 0)
            return Taylor(_const(0.0, n))
        return Taylor(_sqrt([p + q for p, q in zip(_sq(a), _sq(b))], r0))

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

    # Piecewise helpers: their derivatives are 0 wherever they are differentiable.
    @staticmethod
    def step(x, at0: float) -> float:
        return FloatMath.step(TaylorMath.primal(x), at0)

    @staticmethod
    def sign(x) -> float:
        return FloatMath.sign(TaylorMath.primal(x))

    @staticmethod
    def div0(a, b):
        return a / b if TaylorMath.primal(b) != 0.0 else 0.0

    @staticmethod
    def dpowx(x, y):
        if type(y) is not Taylor and y == 0.0:
            return 0.0
        return y * TaylorMath.pow(x, y - 1.0)

    @staticmethod
    def powlog(o, x):
        a = TaylorMath.primal(x)
        if a > 0.0:
            return o * TaylorMath.log(x)
        if a == 0.0:
            return 0.0 if TaylorMath.primal(o) == 0.0 else -math.inf
        return math.nan


for _name, _series_fn in _SERIES.items():
    setattr(TaylorMath, _name, _unary(_name, _series_fn))
del _name, _series_fn
