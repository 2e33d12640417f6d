"""Input quantities of ``adcli uncertainty``: ``x=2±0.1``, ``N()``, ``U()``, ``T()``, ``t()``.

Each input is a probability distribution (JCGM 101 §6.4); its expectation is the
estimate and its standard deviation the standard uncertainty.  A plain number is
a constant.  Values are constant expressions (``pi/4``), read by
:func:`adcli.point.constant`, never ``eval``ed.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..point import constant, split_top

_NAMED = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)\s*=(?!=)(.*)\Z", re.S)
_CALL = re.compile(r"\s*(N|U|T|t)\s*\((.*)\)\s*\Z", re.S)
_KINDS = {"N": ("normal", 2, "N(mean, u)"), "U": ("rectangular", 2, "U(a, b)"),
          "T": ("triangular", 2, "T(a, b)"), "t": ("t", 3, "t(mean, s, nu)")}


@dataclass
class Quantity:
    """One input: its distribution, estimate (expectation) and standard uncertainty."""

    name: str
    kind: str                 # normal, rectangular, triangular, t, constant
    estimate: float
    u: float                  # standard uncertainty (0 for a constant)
    params: tuple = ()        # (a, b) for U and T, (mean, s, nu) for t
    dof: float = math.inf     # degrees of freedom (t only)

    @property
    def uncertain(self) -> bool:
        return self.kind != "constant"

    def describe(self) -> str:
        if self.kind == "normal":
            return f"N({self.estimate:g}, {self.u:g})"
        if self.kind == "constant":
            return "constant"
        letter = {"rectangular": "U", "triangular": "T", "t": "t"}[self.kind]
        return f"{letter}({', '.join(f'{p:g}' for p in self.params)})"


def _bad(name: str, why: str) -> UsageError:
    return UsageError(f"--at: {name}: {why}")


def quantity(name: str, spec: Any) -> Quantity:
    """The quantity ``name`` from its text (``2±0.1``, ``U(1, 2)``, ``3``) or a number."""
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return Quantity(name, "constant", float(spec), 0.0)
    if not isinstance(spec, str):
        raise _bad(name, f"expected text such as '2±0.1' or a number, not "
                         f"{type(spec).__name__}")
    text = spec.strip()
    if "±" in text:
        left, _, right = text.partition("±")
        if "±" in right:
            raise _bad(name, f"'{text}' has more than one '±'")
        return _normal(name, _num(name, left), _num(name, right))
    m = _CALL.match(text)
    if m is None:
        return Quantity(name, "constant", _num(name, text), 0.0)
    letter, inner = m.group(1), m.group(2)
    kind, arity, form = _KINDS[letter]
    args = [p for _, p in split_top(inner)] if inner.strip() else []
    if len(args) != arity:
        raise _bad(name, f"{form} takes {arity} values, got {len(args)}")
    vals = [_num(name, a) for a in args]
    if letter == "N":
        return _normal(name, vals[0], vals[1])
    if letter == "t":
        mean, s, nu = vals
        if s < 0:
            raise _bad(name, f"the scale s of t(mean, s, nu) must be ≥ 0, not {s:g}")
        if not nu > 2:
            raise _bad(name, f"t(mean, s, nu) needs nu > 2 for a finite standard uncertainty "
                             f"s·√(ν/(ν−2)), not {nu:g}")
        return Quantity(name, "t", mean, s * math.sqrt(nu / (nu - 2)), (mean, s, nu), nu)
    a, b = vals
    if not b > a:
        raise _bad(name, f"{form} needs b > a, got a = {a:g}, b = {b:g}")
    if letter == "U":
        return Quantity(name, kind, (a + b) / 2, (b - a) / (2 * math.sqrt(3)), (a, b))
    return Quantity(name, kind, (a + b) / 2, (b - a) / (2 * math.sqrt(6)), (a, b))


def _normal(name: str, mean: float, u: float) -> Quantity:
    if u < 0:
        raise _bad(name, f"a standard uncertainty must be ≥ 0, not {u:g}")
    return Quantity(name, "normal", mean, u, (mean, u))


def _num(name: str, text: str) -> float:
    v = constant(text, f"--at ({name})")
    if not math.isfinite(v):
        raise _bad(name, f"'{text.strip()}' is not finite")
    return v


def read_inputs(spec: Any, names: list) -> list:
    """One :class:`Quantity` per formula input, in input order.

    ``spec`` is the CLI's text (``"L=1±0.002, T=U(2, 2.1)"``) or a mapping name ->
    text or number (the Python API).
    """
    if spec is None:
        raise UsageError("give the input quantities with --at, e.g. --at 'x=2±0.1, y=U(1, 3)'")
    if isinstance(spec, str):
        pairs = []
        for _, piece in split_top(spec) if spec.strip() else []:
            m = _NAMED.match(piece)
            if m is None:
                raise UsageError(f"--at: '{piece.strip()}' is not name=value; give each input "
                                 "by name, e.g. --at 'L=1.000±0.002, T=U(2.0, 2.1)'")
            pairs.append((m.group(1), m.group(2)))
    elif isinstance(spec, Mapping):
        pairs = list(spec.items())
    else:
        raise UsageError("inputs must be text such as 'x=2±0.1' or a dict name -> value")
    given: dict = {}
    for name, value in pairs:
        if name in given:
            raise UsageError(f"--at: '{name}' is given twice")
        if name not in names:
            raise UsageError(f"--at: '{name}' has a value but the formula does not use it; the "
                             f"inputs are {', '.join(names) or 'none'}")
        given[name] = quantity(name, value)
    missing = [n for n in names if n not in given]
    if missing:
        raise UsageError(f"--at: no value or distribution for {', '.join(missing)}")
    return [given[n] for n in names]


def read_correlations(specs: Any, quantities: list) -> list:
    """The correlation matrix (a list of rows) from ``--corr "x1,x2=0.3"`` options.

    A coefficient outside [−1, 1], an unknown or constant name, and a matrix that
    is not positive semi-definite are errors.
    """
    n = len(quantities)
    index = {q.name: k for k, q in enumerate(quantities)}
    r = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    items = _corr_items(specs)
    for names, value in items:
        where = f"--corr '{','.join(names)}={value}'"
        if len(names) != 2:
            raise UsageError(f"{where}: name two inputs, e.g. --corr 'x1,x2=0.3'")
        for nm in names:
            if nm not in index:
                raise UsageError(f"{where}: unknown name '{nm}'; the inputs are "
                                 f"{', '.join(index) or 'none'}")
            if not quantities[index[nm]].uncertain:
                raise UsageError(f"{where}: '{nm}' is a constant; only uncertain inputs "
                                 "correlate")
        i, j = index[names[0]], index[names[1]]
        if i == j:
            raise UsageError(f"{where}: an input's correlation with itself is 1")
        rho = value if isinstance(value, float) else constant(str(value), "--corr")
        if not -1.0 <= rho <= 1.0:
            raise UsageError(f"{where}: a correlation coefficient must be in [−1, 1], "
                             f"not {rho:g}")
        r[i][j] = r[j][i] = rho
    if items:
        _check_psd(r, quantities)
    return r


def _corr_items(specs: Any) -> list:
    if specs is None:
        return []
    if isinstance(specs, Mapping):   # API: {("x1", "x2"): 0.3} or {"x1,x2": 0.3}
        out = []
        for key, v in specs.items():
            names = key if isinstance(key, tuple) else tuple(s.strip() for s in key.split(","))
            out.append((names, float(v)))
        return out
    if isinstance(specs, str):
        specs = [specs]
    out = []
    for spec in specs:
        for piece in _split_corr(spec):
            left, eq, right = piece.rpartition("=")
            if not eq or not left.strip():
                raise UsageError(f"--corr: '{piece.strip()}' is not 'x1,x2=coefficient'")
            out.append((tuple(s.strip() for s in left.split(",")), right.strip()))
    return out


def _split_corr(spec: str) -> list:
    """'x1,x2=0.3; x1,x3=-0.2' -> ['x1,x2=0.3', 'x1,x3=-0.2'] (';' separates pairs)."""
    return [p for p in spec.split(";") if p.strip()]


def _check_psd(r: list, quantities: list) -> None:
    import numpy as np
    w = np.linalg.eigvalsh(np.array(r))
    if w.min() < -1e-12:
        raise UsageError("--corr: the correlation matrix is not positive semi-definite "
                         f"(its smallest eigenvalue is {w.min():.3g}): these coefficients "
                         "cannot hold together")
