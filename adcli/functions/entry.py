"""The registry's entry type: everything adcli knows about one function, in one place.

An entry's callables take a *backend* ``m`` (see :mod:`adcli.backends.protocol`):
the same entry evaluates floats, NumPy arrays, mpmath numbers, dual numbers and
Taylor series, so engines never special-case a function.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Fn = Callable[..., Any]


@dataclass(kw_only=True, eq=False, repr=False)
class Function:
    """One function (or operator) of adcli's language.

    * ``value(m, *x)``        its value over backend ``m``;
    * ``d(m, *x, out)``       its local partials, one per argument (``out`` is the value);
    * ``rule``                how a trace prints it, e.g. ``"sin({0})"``;
    * ``partial_text``        the textbook display of each partial, e.g. ``"1 − {out}²"``;
    * ``partial_twin``        each partial in adcli's own grammar (``{0}``, ``{1}``, ``{out}``),
      which a test parses and checks against ``d``;
    * ``latex``               its LaTeX name (``\\sin``, ``\\mathrm{asinh}``), used for
      calls in printed rules;
    * ``sympy(s, *x)``        its SymPy counterpart (``s`` is the sympy module);
    * ``taylor(F, u)``        optional series rule on coefficient lists (``F`` the float
      backend); without one the Taylor backend derives the series from ``d``;
    * ``generic(m, x)``       the value over any backend from its primitives, for the
      backends that have no spelling of it (written once: sigmoid, softplus, sinc);
    * ``domain``              what a domain error says;
    * ``kink(*x)``/``convention``  where it is not differentiable, and adcli's value there;
    * ``primitive``           the backend attribute ``value`` calls (``fabs`` for abs),
      empty for the operators;
    * ``python`` / ``numpy`` / ``scipy`` / ``mpmath`` / ``c``  its names in those libraries
      (``None``: the backend writes it, or derives it from the entry).  ``adcli codegen``
      spells calls with ``c``, ``python`` and ``numpy``: a name, or a template over
      ``{0}``, ``{1}`` (``fmax(0.0, {0})``), or for C one of the helpers
      :mod:`adcli.codegen.c_gamma` writes (``adcli_digamma``); without one it uses
      ``scipy`` (Python, NumPy), else a helper generated from ``generic`` (sigmoid,
      softplus, sinc);
    * ``sample``              where the registry test samples it: ``(lo, hi)`` per argument
      (lo = hi: a constant argument), and ``sample_points``: points it also takes (the
      variable arguments of each), e.g. at a removable singularity.
    """

    name: str
    arity: int
    value: Fn
    d: Fn
    rule: str
    partial_text: tuple
    partial_twin: tuple
    sympy: Fn
    latex: str = ""
    syntax: str = ""
    taylor: Fn | None = None
    generic: Fn | None = None
    domain: str = ""
    kink: Fn | None = None
    convention: str = ""
    infix: bool = False
    primitive: str = ""
    python: str | None = None
    numpy: str | None = None
    scipy: str | None = None
    mpmath: str | None = None
    c: str | None = None
    sample: tuple = ((-3.0, 3.0),)
    sample_points: tuple = ()
    internal: bool = False

    def __post_init__(self) -> None:
        if len(self.sample) < self.arity:   # one interval for every argument
            self.sample = self.sample + self.sample[-1:] * self.arity

    def __repr__(self) -> str:
        return f"Function({self.name!r})"

    @property
    def call(self) -> str:
        """How a formula writes a call, e.g. ``"sin({0})"`` or ``"{0} + {1}"``."""
        if self.syntax:
            return self.syntax
        return f"{self.name}(" + ", ".join(f"{{{k}}}" for k in range(self.arity)) + ")"


class _Series:
    """:mod:`adcli.functions.series`, imported at the first use (by the Taylor backend):
    the entries' ``taylor`` rules name it, and importing the registry stays cheap."""

    def __getattr__(self, name: str) -> Any:
        from . import series
        value = getattr(series, name)
        setattr(self, name, value)
        return value


S = _Series()


def unary(name: str, d: Fn, text: str, twin: str, sympy: Fn, *, primitive: str = "",
          rule: str = "", **kw: Any) -> Function:
    """An entry for a named one-argument function whose value is ``m.<primitive>(x)``."""
    prim = "" if "value" in kw else (primitive or name)
    fn = kw.pop("value", None) or _caller(prim, 1)
    return Function(name=name, arity=1, value=fn, d=d, rule=rule or f"{name}({{0}})",
                    partial_text=(text,), partial_twin=(twin,), sympy=sympy,
                    primitive=prim, **{"latex": rf"\mathrm{{{name}}}", **kw})


def binary(name: str, d: Fn, texts: tuple, twins: tuple, sympy: Fn, *, primitive: str = "",
           rule: str = "", **kw: Any) -> Function:
    """An entry for a named two-argument function whose value is ``m.<primitive>(x, y)``."""
    prim = primitive or name
    return Function(name=name, arity=2, value=_caller(prim, 2), d=d,
                    rule=rule or f"{name}({{0}}, {{1}})", partial_text=texts,
                    partial_twin=twins, sympy=sympy, primitive=prim,
                    **{"latex": rf"\mathrm{{{name}}}", **kw})


def _caller(prim: str, arity: int) -> Fn:
    if arity == 1:
        def one(m: Any, x: Any) -> Any:
            return getattr(m, prim)(x)
        return one

    def two(m: Any, x: Any, y: Any) -> Any:
        return getattr(m, prim)(x, y)
    return two


# --- partials that stay accurate, as values and as dual numbers ------------------------------
# 1 − tanh², σ(1 − σ) and 1 − x² cancel where tanh or σ saturates or x nears ±1, so there
# the entries use 4σ(2x)σ(−2x), σ(x)σ(−x) and (1 − x)(1 + x), which do not.  Near 0 those in
# turn cancel in their own derivative (the product rule subtracts two terms of size 1,
# which a Hessian's dual numbers see), so there the entries keep the classic forms.  A step
# picks one per point without branching, so NumPy arrays, recorded values, duals and
# mpmath all take the same entries.  The printed rules keep the textbook forms.
def blend(m: Any, x: Any, cut: float, near: Any, far: Any) -> Any:
    """``near`` where |x| ≤ cut, ``far`` beyond."""
    w = m.step(m.fabs(x) - cut, 0.0)
    return w * far + (1.0 - w) * near


def sq(v: Any) -> Any:
    return v * v


def one_minus_sq(m: Any, x: Any) -> Any:
    return blend(m, x, 0.5, 1.0 - x * x, (1.0 - x) * (1.0 + x))
