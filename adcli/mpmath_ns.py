"""``--digits N``: the op table's ``m.<name>`` over mpmath numbers.

The same rows and the same engines as float64, with every operation done by
mpmath at N significant digits plus a few guard digits, and the results shown
to N digits.  Domain errors raise exactly what :mod:`math` raises
(ValueError, ZeroDivisionError, OverflowError), so engine errors still name
the trace row; where mpmath would answer with a complex number (log(−1),
sqrt(−1), asin(2), ...) this namespace raises ValueError instead.

Constants keep their decimal meaning (``0.1`` is one tenth, not the float64
nearest to it; ``pi`` is π to the working precision), and ``--at`` values are
re-evaluated at the working precision (``--at 2/3``).

Imported only under ``--digits``: mpmath comes with SymPy.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import mpmath
from mpmath import mp, mpf

from .render.numbers import GUARD

MAX_DIGITS = 100_000
_HUGE = mpf(10) ** 6       # |log(result)| beyond this: an overflow, not a computation


#: mpmath's precision is one setting for the whole process: whoever changes it
#: holds this lock until it is set back (re-entrant: a formatter inside a computation).
_PRECISION = threading.RLock()


@contextlib.contextmanager
def working_precision(digits: int) -> Iterator[None]:
    """mpmath at ``digits`` + guard significant digits, one thread at a time."""
    with _PRECISION, mpmath.workdps(digits + GUARD):
        yield


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


class MpMath:
    """mpmath numbers at the current working precision."""

    RANGE = "the range --digits allows (about 10^±434,294)"   # |log| ≤ _HUGE

    sin = _wrap(mpmath.sin)
    cos = _wrap(mpmath.cos)
    tan = _wrap(mpmath.tan)
    atan = _wrap(mpmath.atan)
    tanh = _wrap(mpmath.tanh)
    asinh = _wrap(mpmath.asinh)
    cbrt = staticmethod(lambda x: mpmath.sign(x) * mpmath.cbrt(abs(x)))  # the real root
    erf = _wrap(mpmath.erf)
    erfc = _wrap(mpmath.erfc)
    fabs = _wrap(mpmath.fabs)
    hypot = _wrap(mpmath.hypot)
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
    def dpowx(x, y):
        return y * MpMath.pow(x, y - 1) if y != 0 else mpf(0)

    @staticmethod
    def powlog(o, x):
        if x > 0:
            return o * mpmath.log(x)
        if x == 0:
            return mpf(0) if o == 0 else mpmath.ninf
        return mpmath.nan  # as FloatMath: NaN, rejected only if y is active

    @staticmethod
    def relu(x):
        return x if x > 0 else mpf(0)

    @staticmethod
    def fmin(x, y):
        return min(x, y)

    @staticmethod
    def fmax(x, y):
        return max(x, y)

    @staticmethod
    def sigmoid(x):
        if x >= 0:
            return 1 / (1 + MpMath.exp(-x))
        z = MpMath.exp(x)
        return z / (1 + z)

    @staticmethod
    def softplus(x):
        return mpmath.log1p(MpMath.exp(-abs(x))) + (max(0, x))

    @staticmethod
    def step(x, at0):
        return mpf(1) if x > 0 else (mpf(0) if x < 0 else mpf(at0))

    @staticmethod
    def sign(x):
        return mpf(1) if x > 0 else (mpf(-1) if x < 0 else mpf(0))

    @staticmethod
    def div0(a, b):
        return a / b if b != 0 else mpf(0)


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
    """Constant node -> its exact value: the literal as written, ±pi, ±e."""
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
                out[i] = mpf(repr(g.const[i]))
            if float(out[i]) != g.const[i]:   # hash-consed with another spelling
                out[i] = mpf(repr(g.const[i]))
    return out


def point_values(text: str, names: list, option: str = "--at") -> list:
    """``--at`` at the working precision: each value a constant expression.

    The float parse validates (same messages as without --digits); each value
    is then evaluated again with mpmath, so ``2/3`` and ``pi/6`` keep every digit.
    """
    import re

    from .point import parse_point, split_top
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
    return [_constant(by_name[n], f) for n, f in zip(names, floats)]


def _constant(src: str, approx: float):
    from .parser import parse
    g = parse(src.strip())
    vals = evaluate_graph(g, [])
    v = vals[g.outputs[0]]
    return v if v is not None else mpf(repr(approx))


def evaluate_graph(g, point) -> list:
    """The primal sweep at the working precision (raises EvalError naming the row)."""
    from .engine import evaluate
    return evaluate(g, point, namespace(g))


def differentiate_graph(g, point, mode: str):
    """engine.differentiate at the working precision: (values, rows, sweeps, ops, warnings)."""
    from .engine import differentiate
    res = differentiate(g, point, mode, namespace(g))
    rows = [[v if isinstance(v, mpf) else mpf(v) for v in row] for row in res.derivative]
    return res.value, rows, res.sweeps, res.operations, res.warnings


# -- output -------------------------------------------------------------------------------------
def text(v, digits: int) -> str:
    """``v`` to ``digits`` significant digits: :func:`adcli.render.numbers.digits_text`."""
    from .render.numbers import digits_text
    return digits_text(v, digits)


def plain(message: str, digits: int | None = None) -> str:
    """Engine text with mpmath's reprs (``mpf('−0.5')``) written as numbers
    (``−0.5``), to ``digits`` significant digits if given."""
    import re

    def number(m) -> str:
        if digits is None:
            return m.group(1)
        with working_precision(digits):
            v = mpf(m.group(1).replace("−", "-"))
        return text(v, digits).replace("-", "−")
    return re.sub(r"mpf\('([^']*)'\)", number, message)


class Shown(float):
    """A float that prints as its N-digit text, for the float-based table renderers.

    Kept for the trace and check renderers; the commands of the pipeline write
    numbers with :class:`adcli.render.numbers.Numbers` instead."""

    text: str
    integral: bool
    whole: int

    def __new__(cls, value, digits: int):
        obj = float.__new__(cls, float(value))
        obj.text = text(value, digits)
        obj.integral = bool(mpmath.isint(value)) and abs(value) < 2 ** 53
        obj.whole = int(value) if obj.integral else 0
        return obj

    def __int__(self) -> int:
        return self.whole

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def __eq__(self, other):
        return self.integral and float.__eq__(self, other)

    __hash__ = float.__hash__
