"""The mpmath backend :class:`MpMath`: the registry's ``m.<name>`` over mpmath numbers.

Every operation is done by mpmath at the current working precision.  Domain errors
raise exactly what :mod:`math` raises (ValueError, ZeroDivisionError, OverflowError),
so engine errors still name the trace row; where mpmath would answer with a complex
number (log(−1), sqrt(−1), asin(2), ...) this backend raises ValueError instead.
Functions come from each entry's ``mpmath`` spelling, else its ``generic`` form;
what is written here needs a domain check of its own.  The helpers (``step``, …)
are :mod:`adcli.backends.protocol`'s.

Imported only under ``--digits``.
"""
from __future__ import annotations

import mpmath
from mpmath import mpf

from ..functions import REGISTRY
from .protocol import Registered, install_generic, install_helpers

_HUGE = mpf(10) ** 6       # |log(result)| beyond this: an overflow, not a computation


def _real(v):
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            raise ValueError("math domain error")
        v = v.real
    if not mpmath.isfinite(v):
        raise ValueError("math domain error")
    return v


def _wrap(fn):
    return staticmethod(lambda *x: _real(fn(*x)))


def _log(x):
    if x <= 0:
        raise ValueError("math domain error")
    return mpmath.log(x)


def _exp(x):
    if x > _HUGE:
        raise OverflowError("math range error")
    return mpmath.exp(x)


class MpMath(metaclass=Registered):
    """mpmath numbers at the current working precision."""

    RANGE = "the range --digits allows (about 10^±434,294)"   # |log| ≤ _HUGE

    cbrt = staticmethod(lambda x: mpmath.sign(x) * mpmath.cbrt(abs(x)))  # the real root
    @staticmethod
    def isbad(v) -> bool:  # functions raise; only powlog's NaN can get here
        return not mpmath.isfinite(v)

    LN2 = None         # set per precision by the property-like helpers below
    LN10 = None
    TWO_OVER_SQRTPI = None

    @staticmethod
    def primal(v):
        return v

    @staticmethod
    def const(c):
        return mpf(repr(c)) if isinstance(c, float) else mpf(c)

    @staticmethod
    def isfinite(v):
        return bool(mpmath.isfinite(v))

    @staticmethod
    def asin(x):
        if abs(x) > 1:
            raise ValueError("math domain error")
        return mpmath.asin(x)

    @staticmethod
    def acos(x):
        if abs(x) > 1:
            raise ValueError("math domain error")
        return mpmath.acos(x)

    @staticmethod
    def atan2(y, x):
        return mpmath.atan2(y, x)

    @staticmethod
    def sinh(x):
        if abs(x) > _HUGE:
            raise OverflowError("math range error")
        return mpmath.sinh(x)

    @staticmethod
    def cosh(x):
        if abs(x) > _HUGE:
            raise OverflowError("math range error")
        return mpmath.cosh(x)

    @staticmethod
    def acosh(x):
        if x < 1:
            raise ValueError("math domain error")
        return mpmath.acosh(x)

    @staticmethod
    def atanh(x):
        if abs(x) >= 1:
            raise ValueError("math domain error")
        return mpmath.atanh(x)

    exp = staticmethod(_exp)
    log = staticmethod(_log)

    @staticmethod
    def expm1(x):
        if x > _HUGE:
            raise OverflowError("math range error")
        return mpmath.expm1(x)

    @staticmethod
    def log1p(x):
        if x <= -1:
            raise ValueError("math domain error")
        return mpmath.log1p(x)

    @staticmethod
    def log2(x):
        return _log(x) / mpmath.ln2

    @staticmethod
    def log10(x):
        return _log(x) / mpmath.ln10

    @staticmethod
    def sqrt(x):
        if x < 0:
            raise ValueError("math domain error")
        return mpmath.sqrt(x)

    @staticmethod
    def pow(x, y):
        """math.pow's rules: ValueError for x < 0 with a non-integer y and for
        0 to a negative power; OverflowError for a result too large to hold."""
        if x == 0:
            if y < 0:
                raise ValueError("math domain error")
            return mpf(1) if y == 0 else mpf(0)
        if x < 0 and y != int(y):
            raise ValueError("math domain error")
        if y == 0 or x == 1:
            return mpf(1)
        if abs(y * mpmath.log(abs(x))) > _HUGE:
            raise OverflowError("math range error")
        return _real(mpmath.power(x, y))

    @staticmethod
    def lgamma(x):
        """log|Γ(x)|: the real part of mpmath's loggamma, real for x < 0 too."""
        return _real(mpmath.re(mpmath.loggamma(x)))

    @staticmethod
    def polygamma(n, x):
        if n < 0 or n != int(n):
            raise ValueError("math domain error")
        return _real(mpmath.polygamma(int(n), x))
    @staticmethod
    def relu(x):
        return x if x > 0 else mpf(0)

    @staticmethod
    def fmin(x, y):
        return min(x, y)

    @staticmethod
    def fmax(x, y):
        return max(x, y)


for _f in REGISTRY.values():
    if _f.primitive and _f.mpmath and _f.primitive not in vars(MpMath):
        setattr(MpMath, _f.primitive, _wrap(getattr(mpmath, _f.mpmath)))
install_generic(MpMath, REGISTRY.values())
install_helpers(MpMath)
