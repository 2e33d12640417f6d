"""The float backend :class:`FloatMath`: the registry's ``m.<name>`` over float64.

Functions come from each entry's ``python`` spelling (``math.sin``), else its SciPy
spelling (``scipy.special.digamma``, imported at the first call), else its ``generic``
form; the helpers (``step``, ``div0``, …) are :mod:`adcli.backends.protocol`'s.  What
is written here is what needs Python's own float rules.  Domain errors raise
ValueError, overflow OverflowError, as :mod:`math` does, so the engine names the row.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..functions import REGISTRY
from .protocol import Registered, install_generic, install_helpers


def _cbrt(x: float) -> float:
    r = abs(x) ** (1.0 / 3.0)
    if r:  # one Newton step makes the fallback correctly rounded in practice
        r = r - (r * r * r - abs(x)) / (3.0 * r * r)
    return math.copysign(r, x)


def scipy_scalar(name: str) -> Callable[..., float]:
    """scipy.special.<name> on floats, raising as :mod:`math` does: ValueError at a pole
    or where the value is undefined, OverflowError where it is too large."""
    def fn(*args: float) -> float:
        import numpy as np
        import scipy.special as sp
        with np.errstate(all="ignore"):
            v = float(getattr(sp, name)(*args))
        if v - v != 0.0 and all(a - a == 0.0 for a in args):
            x = args[-1]
            if math.isnan(v) or (x <= 0.0 and x == math.floor(x)):
                raise ValueError("math domain error")
            raise OverflowError("math range error")
        return v
    fn.__name__ = name
    return fn


class FloatMath(metaclass=Registered):
    """float64 via :mod:`math`. Domain errors raise ValueError, overflow OverflowError."""

    LN2 = math.log(2.0)
    LN10 = math.log(10.0)
    TWO_OVER_SQRTPI = 2.0 / math.sqrt(math.pi)
    isfinite = staticmethod(math.isfinite)
    cbrt = staticmethod(getattr(math, "cbrt", _cbrt))

    @staticmethod
    def isbad(v: float) -> bool:
        return v - v != 0.0

    @staticmethod
    def primal(v: float) -> float:
        return v

    @staticmethod
    def const(c: float) -> float:
        return c

    @staticmethod
    def pow(x: float, y: float) -> float:
        return math.pow(x, y)

    @staticmethod
    def relu(x: float) -> float:
        return max(0.0, x)

    @staticmethod
    def fmin(x: float, y: float) -> float:
        return min(x, y)

    @staticmethod
    def fmax(x: float, y: float) -> float:
        return max(x, y)

    @staticmethod
    def floor(x: float) -> float:
        return float(math.floor(x))

    @staticmethod
    def ceil(x: float) -> float:
        return float(math.ceil(x))


def _spelled(f: Any) -> Any:
    if f.python and f.python.startswith("math."):
        fn = getattr(math, f.python[5:], None)
        if fn is not None:
            return fn
    if f.scipy:
        return scipy_scalar(f.scipy)
    return None


for _f in REGISTRY.values():
    if _f.primitive and _f.primitive not in vars(FloatMath):
        _fn = _spelled(_f)
        if _fn is not None:
            setattr(FloatMath, _f.primitive, staticmethod(_fn))
install_generic(FloatMath, REGISTRY.values())
install_helpers(FloatMath)


class FloatParts:
    """What the namespaces of numbers built from float64 parts (dual numbers, Taylor
    series) share: float64's constants, constants as plain floats, and ``isfinite`` from
    their own ``isbad``."""

    LN2 = FloatMath.LN2
    LN10 = FloatMath.LN10
    TWO_OVER_SQRTPI = FloatMath.TWO_OVER_SQRTPI
    isbad: Callable[[Any], bool]

    @staticmethod
    def const(c: float) -> float:
        return c

    @classmethod
    def isfinite(cls, v: Any) -> bool:
        return not cls.isbad(v)
