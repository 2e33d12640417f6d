"""Number namespaces: what the op table's rows call as ``m.<name>``.

A namespace supplies the elementary functions plus a few helpers that keep
the rows free of Python comparisons, so the same rows work on floats here and
on other number types (NumPy arrays, mpmath, dual numbers) elsewhere:

* ``step(x, at0)``   1 for x > 0, 0 for x < 0, ``at0`` at 0;
* ``sign(x)``        with sign(0) = 0;
* ``div0(a, b)``     a/b, or 0 when b = 0 (the named convention at kinks);
* ``dpowx(x, y)``    ∂(x^y)/∂x = y·x^(y−1), exactly 0 when y = 0;
* ``powlog(o, x)``   ∂(x^y)/∂y = x^y·log x: 0 at 0^y = 0, −∞ at 0^0, NaN for x < 0;
* ``isbad(v)``       True for inf/NaN (None: the caller checks instead);
* ``primal(v)``      the float a value stands for (for kink tests; None: skip);
* ``const(c)``       a float constant as this namespace's number.
"""
from __future__ import annotations

import math

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


def _cbrt(x: float) -> float:
    r = abs(x) ** (1.0 / 3.0)
    if r:  # one Newton step makes the fallback correctly rounded in practice
        r = r - (r * r * r - abs(x)) / (3.0 * r * r)
    return math.copysign(r, x)


def _sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class FloatMath:
    """float64 via :mod:`math`. Domain errors raise ValueError, overflow OverflowError."""

    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    tan = staticmethod(math.tan)
    asin = staticmethod(math.asin)
    acos = staticmethod(math.acos)
    atan = staticmethod(math.atan)
    atan2 = staticmethod(math.atan2)
    sinh = staticmethod(math.sinh)
    cosh = staticmethod(math.cosh)
    tanh = staticmethod(math.tanh)
    asinh = staticmethod(math.asinh)
    acosh = staticmethod(math.acosh)
    atanh = staticmethod(math.atanh)
    exp = staticmethod(math.exp)
    expm1 = staticmethod(math.expm1)
    log = staticmethod(math.log)
    log1p = staticmethod(math.log1p)
    log2 = staticmethod(math.log2)
    log10 = staticmethod(math.log10)
    sqrt = staticmethod(math.sqrt)
    cbrt = staticmethod(getattr(math, "cbrt", _cbrt))
    fabs = staticmethod(math.fabs)
    hypot = staticmethod(math.hypot)
    erf = staticmethod(math.erf)
    erfc = staticmethod(math.erfc)
    isfinite = staticmethod(math.isfinite)

    @staticmethod
    def isbad(v: float) -> bool:
        return v - v != 0.0

    @staticmethod
    def primal(v: float) -> float:
        return v

    @staticmethod
    def const(c: float) -> float:
        return c
    sigmoid = staticmethod(_sigmoid)
    LN2 = _LN2
    LN10 = _LN10
    TWO_OVER_SQRTPI = 2.0 / math.sqrt(math.pi)

    @staticmethod
    def pow(x: float, y: float) -> float:
        return math.pow(x, y)

    @staticmethod
    def relu(x: float) -> float:
        return x if x > 0.0 else 0.0

    @staticmethod
    def fmin(x: float, y: float) -> float:
        return x if x <= y else y

    @staticmethod
    def fmax(x: float, y: float) -> float:
        return x if x >= y else y

    @staticmethod
    def softplus(x: float) -> float:
        return math.log1p(math.exp(-abs(x))) + (x if x > 0.0 else 0.0)

    @staticmethod
    def step(x: float, at0: float) -> float:
        return 1.0 if x > 0.0 else (0.0 if x < 0.0 else at0)

    @staticmethod
    def sign(x: float) -> float:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)

    @staticmethod
    def div0(a: float, b: float) -> float:
        return a / b if b != 0.0 else 0.0

    @staticmethod
    def dpowx(x: float, y: float) -> float:
        # inf rather than an exception where it is infinite (x = 0, y < 1): the engine
        # then errs only if x depends on the inputs (0^y with y active is fine)
        if y == 0.0:
            return 0.0
        try:
            return y * math.pow(x, y - 1.0)
        except (ValueError, ZeroDivisionError):
            return math.inf
        except OverflowError:
            return math.copysign(math.inf, y)

    @staticmethod
    def powlog(o: float, x: float) -> float:
        if x > 0.0:
            return o * math.log(x)
        if x == 0.0:  # 0^y = 0 for y > 0; at 0^0 = 1 the slope in y is −∞
            return 0.0 if o == 0.0 else -math.inf
        return math.nan
