"""The NumPy number namespace: the op table's ``m.<name>`` over float64 arrays.

Same attribute names as :class:`adcli.numbers.FloatMath`, so the same rows
evaluate a whole batch of points at once.  Differences from FloatMath:

* nothing raises: a domain error gives NaN and an overflow ±inf, as NumPy
  does.  ``isbad`` and ``primal`` are None, which tells the engines not to
  check values one by one; the batch driver (:mod:`adcli.batch`) finds the
  non-finite results afterwards and re-runs those points with floats, which
  names the trace row.  Call it under ``np.errstate(all="ignore")``.
* every function takes an optional ``out=`` array, so a precompiled batch
  sweep can work in place in buffers that stay in cache.

Imported only under ``--points``: NumPy is an optional dependency.
"""
from __future__ import annotations

import math

import numpy as np

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


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


def _fmin(x, y, out=None):
    # FloatMath: x if x <= y else y  (a NaN argument -> the result is not finite
    # or the float engine raised earlier; minimum keeps NaN)
    return np.minimum(x, y, out=out)


def _fmax(x, y, out=None):
    return np.maximum(x, y, out=out)


def _sign(x, out=None):
    return np.sign(x, out=out)


def _sigmoid(x, out=None):
    """1/(1 + e^−x), without overflow for large |x|."""
    z = np.exp(-np.abs(x))                       # in (0, 1]
    pos = np.greater_equal(x, 0.0)
    num = np.where(pos, 1.0, z)
    r = np.add(z, 1.0, out=out)
    return np.divide(num, r, out=r)


def _softplus(x, out=None):
    r = np.abs(x)
    r = np.negative(r, out=r)
    r = np.exp(r, out=r)
    r = np.log1p(r, out=r)
    return np.add(r, np.maximum(x, 0.0), out=out if out is not None else r)


_erf_scalar = np.frompyfunc(math.erf, 1, 1)
_erfc_scalar = np.frompyfunc(math.erfc, 1, 1)


def _erf(x, out=None):
    # NumPy has no erf; math.erf per element is exact but slow (a known cost)
    r = np.asarray(_erf_scalar(x), dtype=float)
    if out is None:
        return r
    out[...] = r
    return out


def _erfc(x, out=None):
    r = np.asarray(_erfc_scalar(x), dtype=float)
    if out is None:
        return r
    out[...] = r
    return out


def _const(c):
    return c


class NumpyMath:
    """float64 arrays via NumPy ufuncs; every function accepts ``out=``."""

    sin = np.sin
    cos = np.cos
    tan = np.tan
    asin = np.arcsin
    acos = np.arccos
    atan = np.arctan
    atan2 = np.arctan2
    sinh = np.sinh
    cosh = np.cosh
    tanh = np.tanh
    asinh = np.arcsinh
    acosh = np.arccosh
    atanh = np.arctanh
    exp = np.exp
    expm1 = np.expm1
    log = np.log
    log1p = np.log1p
    log2 = np.log2
    log10 = np.log10
    sqrt = np.sqrt
    cbrt = np.cbrt
    fabs = np.fabs
    hypot = np.hypot
    isfinite = np.isfinite
    erf = staticmethod(_erf)
    erfc = staticmethod(_erfc)
    sigmoid = staticmethod(_sigmoid)
    softplus = staticmethod(_softplus)
    relu = staticmethod(_relu)
    fmin = staticmethod(_fmin)
    fmax = staticmethod(_fmax)
    sign = staticmethod(_sign)
    step = staticmethod(_step)
    div0 = staticmethod(_div0)
    pow = staticmethod(_pow)
    dpowx = staticmethod(_dpowx)
    powlog = staticmethod(_powlog)
    const = staticmethod(_const)
    isbad = None   # the batch driver checks results itself
    primal = None  # no per-value kink tests (the driver tests kinks vectorized)
    LN2 = _LN2
    LN10 = _LN10
    TWO_OVER_SQRTPI = 2.0 / math.sqrt(math.pi)

    # Python operators the rows use, as out= kernels for compiled sweeps
    add = np.add
    subtract = np.subtract
    multiply = np.multiply
    divide = np.divide
    negative = np.negative
