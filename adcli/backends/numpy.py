"""The NumPy backend :class:`NumpyMath`: the registry's ``m.<name>`` over float64 arrays.

Same attribute names as :class:`adcli.backends.floats.FloatMath`, so the same entries
evaluate a whole batch of points at once.  Functions come from each entry's ``numpy``
spelling (a ufunc), else its SciPy spelling (``scipy.special``, imported at the first
call), else its ``generic`` form.  Differences from FloatMath:

* nothing raises: a domain error gives NaN and an overflow ±inf, as NumPy
  does.  ``isbad`` and ``primal`` are None, which tells the engines not to
  check values one by one; the batch driver (:mod:`adcli.batch`) finds the
  non-finite results afterwards and re-runs those points with floats, which
  names the trace row.  Call it under ``np.errstate(all="ignore")``.
* every function takes an optional ``out=`` array, so a precompiled batch
  sweep can work in place in buffers that stay in cache.

The piecewise helpers (``step``, ``div0``, ``dpowx``, ``powlog``) are written here
rather than taken from :mod:`adcli.backends.protocol`: the generic forms branch on one
value's primal, which an array of points does not have; these mask instead, in place.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..functions import REGISTRY
from .protocol import Registered


def _pow(x, y, out=None):
    # x^2 as x·x, correctly rounded (glibc's pow, hence math.pow, misrounds
    # about 1 x² in 1,000 by 1 ulp: a batch result may differ from --at there)
    if isinstance(y, float) and y == 2.0:
        return np.multiply(x, x, out=out)
    return np.power(x, y, out=out)


def _step(x, at0, out=None):
    """1 for x > 0, 0 for x < 0, ``at0`` at 0 (NaN stays NaN)."""
    r = np.sign(x, out=out)           # -1, 0, 1 (NaN for NaN)
    r = np.add(r, 1.0, out=r)         # 0, 1, 2
    r = np.multiply(r, 0.5, out=r)    # 0, ½, 1
    if at0 != 0.5:
        r[x == 0.0] = at0
    return r


def _div0(a, b, out=None):
    """a/b, and 0 where b = 0."""
    zero = np.equal(b, 0.0)
    r = np.divide(a, b, out=out)
    if zero.any():
        if np.ndim(r) == 0:
            return 0.0
        r[zero] = 0.0
    return r


def _dpowx(x, y, out=None):
    """y·x^(y−1), exactly 0 where y = 0."""
    if isinstance(y, float):
        if y == 0.0:
            return _fill(x, 0.0, out)
        if y == 2.0:
            return np.multiply(x, 2.0, out=out)
        r = np.power(x, y - 1.0, out=out)
        return np.multiply(r, y, out=r)
    r = np.power(x, np.subtract(y, 1.0), out=out)
    r = np.multiply(r, y, out=r)
    return np.where(np.equal(y, 0.0), 0.0, r) if out is None else _put(r, np.equal(y, 0.0), 0.0)


def _powlog(o, x, out=None):
    """x^y·log x: 0 at x = 0 < y, −inf at 0^0, NaN for x < 0."""
    r = np.log(x, out=out)             # -inf at 0, NaN below
    r = np.multiply(r, o, out=r)       # NaN at 0^y = 0 (0·−inf): the limit is 0
    return _put(r, np.equal(x, 0.0) & np.equal(o, 0.0), 0.0)


def _put(r, mask, value):
    if np.ndim(r) == 0:
        return value if mask else r
    if mask.any():
        r[mask] = value
    return r


def _fill(like, value, out=None):
    if out is None:
        return np.full(np.shape(like), value)
    out.fill(value)
    return out


def _relu(x, out=None):
    return np.maximum(x, 0.0, out=out)


def _const(c):
    return c


def _into(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with an ``out=`` that receives a copy (for kernels without one)."""
    def kernel(*args: Any, out: Any = None) -> Any:
        r = fn(*args)
        if out is None:
            return r
        out[...] = r
        return out
    kernel.__name__ = getattr(fn, "__name__", "kernel")
    return kernel


def _scipy(name: str) -> Callable[..., Any]:
    """scipy.special.<name>, imported at the first call (SciPy loads only when used)."""
    def kernel(*args: Any, out: Any = None) -> Any:
        import scipy.special as sp
        fn = getattr(sp, name)
        if isinstance(fn, np.ufunc):
            return fn(*args, out=out)
        return _into(fn)(*args, out=out)
    kernel.__name__ = name
    return kernel


class NumpyMath(metaclass=Registered):
    """float64 arrays via NumPy ufuncs; every function accepts ``out=``."""

    isfinite = np.isfinite
    relu = staticmethod(_relu)
    sign = np.sign
    step = staticmethod(_step)
    div0 = staticmethod(_div0)
    pow = staticmethod(_pow)
    dpowx = staticmethod(_dpowx)
    powlog = staticmethod(_powlog)
    const = staticmethod(_const)
    isbad = None   # the batch driver checks results itself
    primal = None  # no per-value kink tests (the driver tests kinks vectorized)
    LN2 = math.log(2.0)
    LN10 = math.log(10.0)
    TWO_OVER_SQRTPI = 2.0 / math.sqrt(math.pi)

    # Python operators the entries use, as out= kernels for compiled sweeps
    add = np.add
    subtract = np.subtract
    multiply = np.multiply
    divide = np.divide
    negative = np.negative


def _generic(fn: Callable[..., Any]) -> Callable[..., Any]:
    return _into(lambda *args: fn(NumpyMath, *args))


for _f in REGISTRY.values():
    _p = _f.primitive
    if not _p or _p in vars(NumpyMath):
        continue
    if _f.numpy:
        setattr(NumpyMath, _p, getattr(np, _f.numpy))
    elif _f.scipy:
        setattr(NumpyMath, _p, staticmethod(_scipy(_f.scipy)))
    elif _f.generic is not None:
        setattr(NumpyMath, _p, staticmethod(_generic(_f.generic)))
