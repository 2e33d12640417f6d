"""The one number formatter every renderer takes.

Three ways a number is written:

* a float64, as the shortest text that reads back as the same float
  (:func:`float_text`: integers without ``.0``);
* an mpmath number under ``--digits N``, to N significant digits
  (:func:`digits_text`);
* either of them rounded for display under ``--precision P``: P significant
  digits (at most 17 for a float64, at most N under ``--digits N``).

``--precision`` only changes tables and traces, never JSON: :meth:`Numbers.json`
ignores it.  mpmath is imported only when an mpmath number is written.

Every number a person or a JSON reader sees is written here: tables, traces,
graphs, headers, and the numbers inside error and warning messages
(:func:`working_text`, called where the message is built).
"""
from __future__ import annotations

from typing import Any

#: Extra working digits of mpmath under --digits: the last shown digit stays right.
GUARD = 10


def is_mp(v: Any) -> bool:
    """An mpmath real (``mpf``)."""
    return hasattr(v, "_mpf_")


def float_text(v: float) -> str:
    """Shortest text that reads back as the same float; integers without '.0'."""
    if v == int(v) and abs(v) < 1e16:
        return str(int(v)) if v or str(v)[0] != "-" else "-0"
    return repr(v)


def digits_text(v: Any, digits: int) -> str:
    """``v`` to ``digits`` significant digits (trailing zeros dropped), as
    float64 output writes exponents (``3e-30``)."""
    import mpmath

    from ..backends.mpmath import working_precision
    with working_precision(digits):
        s = mpmath.nstr(v if is_mp(v) else mpmath.mpf(v), digits, min_fixed=-5,
                        max_fixed=digits)
    s = s.replace(".0e", "e")          # 3.0e-30 -> 3e-30, as float64 output prints it
    return s.removesuffix(".0")


def value_text(v: Any, sig: int | None = None) -> str:
    """Shortest round-trip text, or ``sig`` significant digits (an mpmath
    number: ``sig`` digits, default 17)."""
    if is_mp(v):
        return digits_text(v, sig or 17)
    if sig is None:
        return float_text(v)
    return float_text(float(f"{v:.{sig}g}"))


def working_text(v: Any) -> str:
    """A number in a message, written where the message is built: a float64 as
    :func:`float_text`; an mpmath number to the digits asked for (the working
    precision of the computation that raises, less the guard digits)."""
    if is_mp(v):
        import mpmath
        return digits_text(v, max(1, mpmath.mp.dps - GUARD))
    return value_text(v)


class Numbers:
    """How a command writes its numbers: ``digits`` (mpmath results, N
    significant digits) and ``precision`` (display rounding)."""

    __slots__ = ("digits", "precision")

    def __init__(self, digits: int | None = None, precision: int | None = None):
        self.digits, self.precision = digits, precision

    def text(self, v: Any) -> str:
        """For tables: full precision, or rounded to ``precision`` digits."""
        if self.digits is not None:
            sig = self.digits if self.precision is None else min(self.precision, self.digits)
            return digits_text(v, sig)
        if self.precision is None:
            return value_text(v)
        return value_text(v, min(self.precision, 17))

    def json(self, v: Any) -> Any:
        """For JSON: the float itself, or (under --digits) the N-digit string."""
        if self.digits is None:
            return v
        return digits_text(v, self.digits)

    def json_list(self, vs: Any) -> list:
        return [self.json(v) for v in vs]

    def json_rows(self, rows: Any) -> list:
        return [[self.json(v) for v in row] for row in rows]


FULL = Numbers()
