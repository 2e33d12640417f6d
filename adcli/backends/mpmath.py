"""``--digits N``: the mpmath backend :class:`MpMath` (the registry's ``m.<name>`` over
mpmath numbers), the working precision, and the point and constants at it.

Every operation is done by mpmath at the current working precision.  Domain errors
raise exactly what :mod:`math` raises (ValueError, ZeroDivisionError, OverflowError),
so engine errors still name the trace row; where mpmath would answer with a complex
number (log(−1), sqrt(−1), asin(2), ...) this backend raises ValueError instead.
Functions come from each entry's ``mpmath`` spelling, else its ``generic`` form;
what is written here needs a domain check of its own.  The helpers (``step``, …)
are :mod:`adcli.backends.protocol`'s.

Every operation is done by mpmath at N significant digits plus a few guard digits
(:func:`working_precision`).  Constants keep their decimal meaning (``0.1`` is one
tenth, not the float64 nearest to it; ``pi`` is π to the working precision), and
``--at`` values are re-evaluated at the working precision (``--at 2/3``):
:func:`namespace`, :func:`point_values`.  Numbers are written by
:mod:`adcli.render.numbers` (N digits).

Imported only under ``--digits``.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import mpmath
from mpmath import mp, mpf

from ..functions import REGISTRY
from ..render.numbers import GUARD
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


# -- the working precision ----------------------------------------------------------------------
#: mpmath's precision is one setting for the whole process: whoever changes it
#: holds this lock until it is set back (re-entrant: a formatter inside a computation).
_PRECISION = threading.RLock()


@contextlib.contextmanager
def working_precision(digits: int) -> Iterator[None]:
    """mpmath at ``digits`` + guard significant digits, one thread at a time."""
    with _PRECISION, mpmath.workdps(digits + GUARD):
        yield


def namespace(g=None):
    """MpMath with its constants at the current working precision; with a
    graph, its constants keep their exact decimal (or π, e) values."""
    ns: Any = type("MpMathAt", (MpMath,), {})
    if g is not None:
        table = {repr(g.const[i]): v for i, v in constant_values(g).items()}
        ns.const = staticmethod(lambda c: table.get(repr(c)) or MpMath.const(c))
    ns.LN2 = +mpmath.ln2
    ns.LN10 = +mpmath.ln10
    ns.TWO_OVER_SQRTPI = 2 / mpmath.sqrt(mpmath.pi)
    return ns


# -- the graph's constants and the point, at full precision ------------------------------------
def constant_values(g) -> dict:
    """Constant node -> its exact value: the literal as written, ±pi, ±e, or a folded
    constant subexpression (``-1/2``, ``pi/4``) computed again from its text."""
    out = {}
    for i in range(g.n_inputs, g.first_op):
        text = g.source(i).replace(" ", "")
        sign = -1 if text.startswith("-") else 1
        core = text.lstrip("+-")
        if core == "pi":
            out[i] = sign * +mp.pi
        elif core == "e":
            out[i] = sign * +mp.e
        else:
            try:
                out[i] = mpf(text)
            except (ValueError, TypeError):
                out[i] = _folded(text, g.const[i])
                if abs(out[i] - g.const[i]) <= 4e-16 * abs(g.const[i]):
                    continue                 # the float fold rounded (pi/6): keep the exact
            if float(out[i]) != g.const[i]:   # hash-consed with another spelling
                out[i] = mpf(repr(g.const[i]))
    return out


def _folded(text: str, approx: float):
    """A folded constant's value at the working precision, from its source text parsed
    without folding (its constants are then literals)."""
    from ..errors import AdcliError
    from ..parser import parse
    try:
        g = parse(text, fold=False)
        if g.n_inputs:
            return mpf(repr(approx))
        return evaluate_graph(g, [])[g.outputs[0]]
    except AdcliError:
        return mpf(repr(approx))


def point_values(text: str, names: list, option: str = "--at") -> list:
    """``--at`` at the working precision: each value a constant expression.

    The float parse validates (same messages as without --digits); each value
    is then evaluated again with mpmath, so ``2/3`` and ``pi/6`` keep every digit.
    """
    import re

    from ..point import parse_point, split_top
    floats = parse_point(text, names, option)
    t = text.strip()
    if t.startswith("(") and t.endswith(")") or t.startswith("[") and t.endswith("]"):
        t = t[1:-1]
    pieces = [p for _, p in split_top(t)] if t else []
    named = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)\s*=(?!=)(.*)\Z", re.DOTALL)
    by_name = {}
    for k, p in enumerate(pieces):
        mt = named.match(p)
        if mt:
            by_name[mt.group(1)] = mt.group(2)
        else:
            by_name[names[k]] = p
    return [_constant(by_name.get(n, "0"), f) for n, f in zip(names, floats)]


def _constant(src: str, approx: float):
    from ..parser import parse
    g = parse(src.strip(), fold=False)
    vals = evaluate_graph(g, [])
    v = vals[g.outputs[0]]
    return v if v is not None else mpf(repr(approx))


def evaluate_graph(g, point) -> list:
    """The primal sweep at the working precision (raises EvalError naming the row)."""
    from ..engine import evaluate
    return evaluate(g, point, namespace(g))


def differentiate_graph(g, point, mode: str):
    """engine.differentiate at the working precision: (values, rows, sweeps, ops, warnings)."""
    from ..engine import differentiate
    res = differentiate(g, point, mode, namespace(g))
    rows = [[v if isinstance(v, mpf) else mpf(v) for v in row] for row in res.derivative]
    return res.value, rows, res.sweeps, res.operations, res.warnings
