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


def _checked(fn, bad, error=ValueError):
    """``fn``, raising what :mod:`math` raises where ``bad(x)`` (mpmath would answer
    with a complex number, or work for ever on a huge exponent)."""
    text = "math range error" if error is OverflowError else "math domain error"

    def checked(x):
        if bad(x):
            raise error(text)
        return fn(x)
    return checked


_log = _checked(mpmath.log, lambda x: x <= 0)
_exp = _checked(mpmath.exp, lambda x: x > _HUGE, OverflowError)


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

    asin = staticmethod(_checked(mpmath.asin, lambda x: abs(x) > 1))
    acos = staticmethod(_checked(mpmath.acos, lambda x: abs(x) > 1))
    atan2 = staticmethod(mpmath.atan2)
    sinh = staticmethod(_checked(mpmath.sinh, lambda x: abs(x) > _HUGE, OverflowError))
    cosh = staticmethod(_checked(mpmath.cosh, lambda x: abs(x) > _HUGE, OverflowError))
    acosh = staticmethod(_checked(mpmath.acosh, lambda x: x < 1))
    atanh = staticmethod(_checked(mpmath.atanh, lambda x: abs(x) >= 1))
    exp = staticmethod(_exp)
    log = staticmethod(_log)
    expm1 = staticmethod(_checked(mpmath.expm1, lambda x: x > _HUGE, OverflowError))
    log1p = staticmethod(_checked(mpmath.log1p, lambda x: x <= -1))
    sqrt = staticmethod(_checked(mpmath.sqrt, lambda x: x < 0))

    @staticmethod
    def log2(x):
        return _log(x) / mpmath.ln2

    @staticmethod
    def log10(x):
        return _log(x) / mpmath.ln10

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
