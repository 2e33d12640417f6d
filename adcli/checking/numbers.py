"""The numbers a check computes with: float64, or mpmath at N significant digits.

Each class says what a "ULP" is, how to jitter a value by a fraction of one,
how to show (:mod:`adcli.render.numbers`) and read a number, and which engine
differentiates: the rest of the check is written once over either.  Messages
need no mending: the engine writes their numbers to the working digits.
"""
from __future__ import annotations

import contextlib
import math

from ..backends.floats import FloatMath
from ..engine import differentiate
from ..render.numbers import GUARD, digits_text, float_text
from . import fd


class FloatNumbers:
    """float64 throughout; ULPs are float64's."""

    digits = None
    eps = fd.EPS

    @staticmethod
    def precision():
        return contextlib.nullcontext()

    @staticmethod
    def namespace(g):
        return FloatMath

    @staticmethod
    def unit(x) -> float:
        return math.ulp(abs(x))

    @staticmethod
    def text(v) -> str:
        return float_text(v)

    @staticmethod
    def value(text: str) -> float:
        return float(text)

    @staticmethod
    def finite(v) -> bool:
        return math.isfinite(v)

    @staticmethod
    def jitter(v, u: float):
        return v + u * math.ulp(v) if v != 0.0 and v - v == 0.0 else v

    @staticmethod
    def distance(a, text: str) -> float:
        """|a − value(text)| computed exactly, then rounded."""
        import mpmath
        with mpmath.workdps(60):
            return float(abs(mpmath.mpf(a) - mpmath.mpf(text)))

    @staticmethod
    def json(v):
        return v if v is None or math.isfinite(v) else None

    @staticmethod
    def differentiate(g, point, mode: str) -> tuple:
        res = differentiate(g, point, mode)
        return res.value, res.derivative, res.warnings


class DigitNumbers:
    """mpmath at N significant digits (plus guard digits); a "ULP" is 10⁻ᴺ relative."""

    def __init__(self, digits: int):
        self.digits = digits

    @property
    def eps(self):
        import mpmath
        return mpmath.mpf(10) ** -self.digits

    def precision(self):
        from ..backends.mpmath import working_precision
        return working_precision(self.digits)

    @staticmethod
    def namespace(g):
        from ..backends.mpmath import namespace
        return namespace(g)

    def unit(self, x):
        import mpmath
        return self.eps * (abs(x) or mpmath.mpf(10) ** -(self.digits + 300))

    def text(self, v) -> str:
        return digits_text(v, self.digits)

    @staticmethod
    def value(text: str):
        import mpmath
        return mpmath.mpf(text)

    @staticmethod
    def finite(v) -> bool:
        import mpmath
        return bool(mpmath.isfinite(v))

    def jitter(self, v, u: float):
        import mpmath
        return v * (1 + mpmath.mpf(u) * mpmath.mpf(10) ** -(self.digits + GUARD))

    def distance(self, a, text: str):
        import mpmath
        return abs(a - mpmath.mpf(text))

    def json(self, v):
        return None if v is None else self.text(v)

    @staticmethod
    def differentiate(g, point, mode: str) -> tuple:
        from ..backends.mpmath import differentiate_graph
        values, jac, _, _, warnings = differentiate_graph(g, point, mode)
        return values, jac, warnings


FLOAT = FloatNumbers()

#: The numbers of a check: FLOAT, or DigitNumbers(N) under --digits N.
Numbers = FloatNumbers | DigitNumbers


def numbers(digits: int | None) -> Numbers:
    return FLOAT if digits is None else DigitNumbers(digits)
