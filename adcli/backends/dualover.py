"""Dual numbers over any number namespace: :class:`~adcli.backends.dual.Dual` parts that are
not floats.

:class:`adcli.backends.dual.DualMath` is the dual-number namespace over floats (its
values come from :class:`~adcli.backends.floats.FloatMath`, and a domain error
raises).  :func:`dual_over` builds the same namespace over another one
``m``, e.g. the recording namespace of :mod:`adcli.batch`, so that
``evaluate`` + ``linearize`` + ``adjoint_sweep`` over ``Dual(x, v)`` record a
forward-over-reverse sweep (H·v) that replays over arrays of points.

The :class:`~adcli.backends.dual.Dual` class itself is reused: its arithmetic only
uses ``+ − × ÷`` on its parts.  Each function is derived from its registry
entry as DualMath derives it, value by ``m`` and tangent by the entry's local
partials over ``m``, in the same order of operations, so with NumPy kernels
the results match DualMath's to the last bits the kernels agree on.  What
differs is what cannot branch on a value:

* a part is known to be zero only if it is the float 0.0 (a recorded value
  never is), so ``∂/∂y·0`` is skipped only for a constant y;
* ``div0`` returns 0 through ``m.div0`` instead of testing b = 0;
* ``dpowx`` and ``powlog`` on duals are the smooth formulas y·x^(y−1) and
  x^y·log x; at x ≤ 0 (or y = 0 with x = 0) they give NaN or ±inf where
  DualMath returns 0 or raises.  ``isbad`` is None: the caller flags
  non-finite results and recomputes those points with DualMath.

So ``m`` should be a namespace that does not raise (NumPy, the recorder):
over FloatMath, ``powlog`` of a dual x < 0 would raise where DualMath gives
NaN.  Elsewhere ``dual_over(FloatMath)`` and DualMath agree bit for bit.
"""
from __future__ import annotations

from .dual import Dual, _zero, lifted, value
from .protocol import Registered


def dual_over(m):
    """The dual-number namespace whose parts are numbers of namespace ``m``."""
    ns = {"LN2": m.LN2, "LN10": m.LN10, "TWO_OVER_SQRTPI": m.TWO_OVER_SQRTPI,
          "isbad": None, "primal": None,
          "const": staticmethod(m.const)}   # constants at the parts' own precision
    for name, fn in lifted(m).items():
        ns[name] = staticmethod(fn)
    D = Registered("DualOver", (), ns)

    # piecewise helpers: their derivative is 0 wherever they are differentiable.  Not
    # protocol.py's: m's values have no primal to branch on, so these lift m's own
    # (vectorized) helpers onto the dual parts
    def step(x, at0):
        return m.step(value(x), at0)

    def sign(x):
        return m.sign(value(x))

    def div0(a, b):
        """a/b as Dual division does it, and 0 (both parts) where b = 0."""
        if type(b) is not Dual:
            if type(a) is not Dual:
                return m.div0(a, b)
            return Dual(m.div0(a.a, b), m.div0(a.b, b))
        if type(a) is Dual:
            q = m.div0(a.a, b.a)
            return Dual(q, m.div0(a.b - q * b.b, b.a))
        q = m.div0(a, b.a)
        return Dual(q, m.div0(-q * b.b, b.a))

    def dpowx(x, y):
        if type(x) is not Dual and type(y) is not Dual:
            return m.dpowx(x, y)
        if _zero(y):
            return 0.0
        return y * D.pow(x, y - 1.0)

    def powlog(o, x):
        if type(o) is not Dual and type(x) is not Dual:
            return m.powlog(o, x)
        return o * D.log(x)

    for fn in (step, sign, div0, dpowx, powlog):
        setattr(D, fn.__name__, staticmethod(fn))
    return D
