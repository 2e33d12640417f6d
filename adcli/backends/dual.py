"""Dual numbers a + b·ε (ε² = 0) and their number namespace :class:`DualMath`.

A dual number carries a value ``a`` and one directional derivative ``b``.
Pushed through :func:`adcli.engine.evaluate` it gives forward mode; pushed
through ``linearize`` + ``adjoint_sweep`` it gives *forward-over-reverse*:
every adjoint is then a dual number whose ``b`` part is a Hessian-vector
product.  The engines do not know: they only call ``m.<name>`` and use
``+ - * /``, and plain floats mix freely with duals on either side (nodes that
do not depend on the seeded direction stay floats and cost nothing extra).

The elementary functions are not restated here: each is derived from its
registry entry (:mod:`adcli.functions`), value by
:class:`~adcli.backends.floats.FloatMath` and tangent by the entry's local partials,
so the conventions at kinks (abs, relu, min, max,
hypot, atan2, x^y) are the core's.  Domain errors raise what :mod:`math`
raises (ValueError, ZeroDivisionError, OverflowError), so the engines still
name the trace row.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..functions import REGISTRY
from .floats import FloatMath, FloatParts
from .protocol import Registered, install_helpers


class Dual:
    """``a + b·ε``.  Comparisons and ``float()`` look at the value ``a`` only."""

    __slots__ = ("a", "b")

    def __init__(self, a: float, b: float = 0.0):
        self.a = a
        self.b = b

    # -- arithmetic (a float on either side is a dual with b = 0) ---------------
    def __add__(self, o):
        if type(o) is Dual:
            return Dual(self.a + o.a, self.b + o.b)
        return Dual(self.a + o, self.b)

    __radd__ = __add__

    def __sub__(self, o):
        if type(o) is Dual:
            return Dual(self.a - o.a, self.b - o.b)
        return Dual(self.a - o, self.b)

    def __rsub__(self, o):
        return Dual(o - self.a, -self.b)

    def __mul__(self, o):
        if type(o) is Dual:
            return Dual(self.a * o.a, self.a * o.b + self.b * o.a)
        return Dual(self.a * o, self.b * o)

    __rmul__ = __mul__

    def __truediv__(self, o):
        if type(o) is Dual:
            q = self.a / o.a
            return Dual(q, (self.b - q * o.b) / o.a)
        return Dual(self.a / o, self.b / o)

    def __rtruediv__(self, o):
        q = o / self.a
        return Dual(q, -q * self.b / self.a)

    def __neg__(self):
        return Dual(-self.a, -self.b)

    def __pos__(self):
        return self

    def __abs__(self):
        return DualMath.fabs(self)

    # -- comparisons and conversions: by value, for messages and kink tests -----
    def __eq__(self, o):
        return self.a == (o.a if type(o) is Dual else o)

    def __ne__(self, o):
        return not self == o

    def __lt__(self, o):
        return self.a < (o.a if type(o) is Dual else o)

    def __le__(self, o):
        return self.a <= (o.a if type(o) is Dual else o)

    def __gt__(self, o):
        return self.a > (o.a if type(o) is Dual else o)

    def __ge__(self, o):
        return self.a >= (o.a if type(o) is Dual else o)

    def __hash__(self):
        return hash(self.a)

    def __bool__(self):
        return bool(self.a)

    def __float__(self):
        return float(self.a)

    def __int__(self):
        return int(self.a)

    def __repr__(self) -> str:
        return f"Dual({self.a!r}, {self.b!r})"


def value(v) -> float:
    """The value part of a dual, or the float itself."""
    return v.a if type(v) is Dual else v


def tangent(v) -> float:
    """The ε part of a dual; 0 for a float."""
    return v.b if type(v) is Dual else 0.0


def _zero(v) -> bool:
    """v is the constant 0 (a recorded or array value is never known to be)."""
    return isinstance(v, (int, float)) and v == 0.0


def unary_over(m, fname: str, d: Callable):
    """m.<fname> on duals whose parts are numbers of namespace ``m``: the value from m,
    the tangent from the entry's partial ``d`` over m (DualMath: m = FloatMath)."""
    f = getattr(m, fname)

    def fn(x):
        if type(x) is not Dual:
            return f(x)
        a = x.a
        fa = f(a)
        if _zero(x.b):
            return Dual(fa, 0.0)
        return Dual(fa, d(m, a, fa)[0] * x.b)
    fn.__name__ = fname
    return fn


def binary_over(m, fname: str, d: Callable):
    f = getattr(m, fname)

    def fn(x, y):
        if type(x) is not Dual and type(y) is not Dual:
            return f(x, y)
        a, xb = (x.a, x.b) if type(x) is Dual else (x, 0.0)
        c, yb = (y.a, y.b) if type(y) is Dual else (y, 0.0)
        fa = f(a, c)
        if _zero(xb) and _zero(yb):
            return Dual(fa, 0.0)
        d0, d1 = d(m, a, c, fa)
        t = 0.0
        if not _zero(xb):
            t = d0 * xb
        if not _zero(yb):   # skip ∂/∂y·0: x^y's ∂/∂y is NaN for x < 0 and a constant y
            t = t + d1 * yb
        return Dual(fa, t)
    fn.__name__ = fname
    return fn


def lifted(m) -> dict:
    """Every registry function with a primitive, on duals over namespace ``m``."""
    out: dict[str, Any] = {}
    for f in REGISTRY.values():
        if f.primitive:
            over = unary_over if f.arity == 1 else binary_over
            out[f.primitive] = over(m, f.primitive, f.d)
    return out


class DualMath(FloatParts, metaclass=Registered):
    """The number namespace for :class:`Dual` (same names as FloatMath)."""

    @staticmethod
    def isbad(v) -> bool:
        if type(v) is Dual:
            return v.a - v.a != 0.0 or v.b - v.b != 0.0
        return v - v != 0.0

    @staticmethod
    def primal(v) -> float:
        return v.a if type(v) is Dual else v

    # The piecewise helpers (step, sign, div0, dpowx, powlog) are protocol.py's: their
    # derivative is 0 wherever they are differentiable, so they look at the value only.


install_helpers(DualMath)
for _name, _fn in lifted(FloatMath).items():
    if _name not in vars(DualMath):
        setattr(DualMath, _name, staticmethod(_fn))
