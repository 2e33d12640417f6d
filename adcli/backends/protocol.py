"""What a backend provides: the :class:`Backend` protocol, and the helpers written once over it.

A *backend* ``m`` is a number namespace: the registry's entries (:mod:`adcli.functions`)
call ``m.<name>`` and use ``+ − × ÷``, and the engines never special-case a backend.
Each backend module builds its function set from the registry (:func:`missing` names
what it lacks), with a few primitives of its own where a function needs the number
type's own code (e.g. ``math.pow``'s rules, NumPy's ``out=``).

The piecewise helpers below are written once here, over ``m.primal`` (the float a value
stands for) and ``m.const``.  Backends whose values have no per-point primal (NumPy
arrays, recorded values: ``primal`` is None) keep their own vectorized forms.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ..functions.entry import Function


class Backend(Protocol):
    """The attributes the registry's entries and the engines use (a sketch, not all names:
    every entry's ``primitive`` is an attribute too, e.g. ``sin``, ``gamma``)."""

    LN2: Any
    LN10: Any
    TWO_OVER_SQRTPI: Any
    isbad: Callable[[Any], bool] | None     # True for inf/NaN (None: the caller checks)
    primal: Callable[[Any], Any] | None     # the float a value stands for (None: skip)

    def const(self, c: float) -> Any: ...
    def step(self, x: Any, at0: float) -> Any: ...
    def sign(self, x: Any) -> Any: ...
    def div0(self, a: Any, b: Any) -> Any: ...
    def dpowx(self, x: Any, y: Any) -> Any: ...
    def powlog(self, o: Any, x: Any) -> Any: ...
    def exp(self, x: Any) -> Any: ...
    def log1p(self, x: Any) -> Any: ...
    def fabs(self, x: Any) -> Any: ...
    def relu(self, x: Any) -> Any: ...
    def fmin(self, x: Any, y: Any) -> Any: ...
    def fmax(self, x: Any, y: Any) -> Any: ...
    def pow(self, x: Any, y: Any) -> Any: ...


class Registered(type):
    """The metaclass of the backends: their functions are installed from the registry when
    the module loads, so a type checker cannot list them; any other name is an error."""

    def __getattr__(cls, name: str) -> Any:
        raise AttributeError(f"{cls.__name__} has no {name!r}")


# -- the piecewise helpers, once, for backends with a primal --------------------------------
def step(m: Any, x: Any, at0: float) -> Any:
    """1 for x > 0, 0 for x < 0, ``at0`` at 0 (its derivative is 0 wherever it has one)."""
    p = m.primal(x)
    return m.const(1.0 if p > 0.0 else (0.0 if p < 0.0 else at0))


def sign(m: Any, x: Any) -> Any:
    """−1, 0 or 1 (0 at 0)."""
    p = m.primal(x)
    return m.const(1.0 if p > 0.0 else (-1.0 if p < 0.0 else 0.0))


def div0(m: Any, a: Any, b: Any) -> Any:
    """a/b, or 0 where b = 0 (the named convention at kinks)."""
    return a / b if m.primal(b) != 0.0 else m.const(0.0)


def dpowx(m: Any, x: Any, y: Any) -> Any:
    """∂(x^y)/∂x = y·x^(y−1), exactly 0 when y is the constant 0; inf rather than an
    exception where it is infinite (x = 0, y < 1): the engine then errs only if x depends
    on the inputs (0^y with y active is fine)."""
    p = m.primal(y)
    if p is y and p == 0.0:
        return m.const(0.0)
    try:
        return y * m.pow(x, y - 1.0)
    except (ValueError, ZeroDivisionError):
        return math.inf
    except OverflowError:
        return math.copysign(math.inf, p)


def powlog(m: Any, o: Any, x: Any) -> Any:
    """∂(x^y)/∂y = x^y·log x: 0 at 0^y = 0, −∞ at 0^0, NaN for x < 0."""
    a = m.primal(x)
    if a > 0.0:
        return o * m.log(x)
    if a == 0.0:  # 0^y = 0 for y > 0; at 0^0 = 1 the slope in y is −∞
        return m.const(0.0) if m.primal(o) == 0.0 else -math.inf
    return math.nan


HELPERS: dict[str, Callable[..., Any]] = {"step": step, "sign": sign, "div0": div0,
                                          "dpowx": dpowx, "powlog": powlog}


def install_helpers(cls: Any) -> None:
    """Give ``cls`` the helpers above bound to itself (those it does not define)."""
    for name, fn in HELPERS.items():
        if name not in vars(cls):
            setattr(cls, name, staticmethod(_bind(fn, cls)))


def install_generic(cls: Any, entries: Iterable[Function]) -> None:
    """``cls.<primitive>`` from each entry's ``generic`` form, where ``cls`` has none."""
    for f in entries:
        generic = f.generic
        if generic is not None and f.primitive and not hasattr(cls, f.primitive):
            setattr(cls, f.primitive, staticmethod(_bind(generic, cls)))


def _bind(fn: Callable[..., Any], m: Any) -> Callable[..., Any]:
    def bound(*args: Any) -> Any:
        return fn(m, *args)
    bound.__name__ = fn.__name__
    return bound


def missing(cls: Any, entries: Iterable[Function]) -> list:
    """The primitives of ``entries`` that ``cls`` lacks (a registry test asks for none)."""
    return [f.primitive for f in entries if f.primitive and not hasattr(cls, f.primitive)]
