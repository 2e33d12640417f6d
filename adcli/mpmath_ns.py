"""``--digits N``: mpmath numbers at N digits: the point, constants and the working precision.

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

from .backends.mpmath import MpMath
from .render.numbers import GUARD

MAX_DIGITS = 100_000


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
    from .errors import AdcliError
    from .parser import parse
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
    return [_constant(by_name.get(n, "0"), f) for n, f in zip(names, floats)]


def _constant(src: str, approx: float):
    from .parser import parse
    g = parse(src.strip(), fold=False)
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
