"""SymPy references for a parsed formula, built node by node from the registry's
``sympy`` column: shared by the engine, higher-order and --digits tests.

SymPy differentiates the expressions itself, so the references are independent of
adcli's partials, sweeps and dual numbers.
"""
from __future__ import annotations

import pathlib
import re

import sympy as sp

from adcli.functions import CONSTANTS
from adcli.parser import parse
from adcli.point import parse_point

SAMPLES = sorted((pathlib.Path(__file__).parent.parent / "samples").glob("*.txt"))


def sample(path: pathlib.Path) -> tuple:
    """(graph, point) of a sample file: its formula at its own ``# at:`` line."""
    text = path.read_text()
    at = re.search(r"^# at: (.*)$", text, re.MULTILINE).group(1)
    g = parse(text)
    return g, parse_point(at, g.names)


def constant(c: float, decimal: bool = False):
    """A constant node: ±π and ±e by name; else the float64 exactly (``decimal``: the
    decimal literal it was written as, as --digits reads it)."""
    if abs(c) == CONSTANTS["pi"]:
        return sp.pi if c > 0 else -sp.pi
    if abs(c) == CONSTANTS["e"]:
        return sp.E if c > 0 else -sp.E
    return sp.Rational(repr(c)) if decimal else sp.Rational(c)


def to_sympy(g, decimal: bool = False) -> tuple:
    """(input symbols, one SymPy expression per output); one loop, no recursion."""
    syms = [sp.Symbol(n, real=True) for n in g.names]
    expr: list = [None] * g.n_nodes
    for i in range(g.n_nodes):
        if i < g.n_inputs:
            expr[i] = syms[i]
        elif g.op[i] is None:
            expr[i] = constant(g.const[i], decimal)
        else:
            expr[i] = g.op[i].sympy(sp, *[expr[a] for a in g.args[i]])
    return syms, [expr[o] for o in g.outputs]


def num(e, syms, point, digits: int = 30) -> float:
    # evalf(subs=) substitutes numerically; .subs() would build exact powers such as
    # Rational^Rational of 53-bit fractions, which SymPy factors for minutes
    return float(e.evalf(digits, subs={s: sp.Rational(v)
                                       for s, v in zip(syms, point, strict=True)}))


def sympy_jacobian(g, point) -> list:
    """∂fᵣ/∂xⱼ at ``point`` (float64 inputs, exactly), evaluated at 30 digits."""
    syms, fs = to_sympy(g)
    return [[num(sp.diff(f, s), syms, point) for s in syms] for f in fs]


def sympy_hessian(g, point) -> list:
    syms, (f,) = to_sympy(g)
    return [[num(sp.diff(f, a, b), syms, point) for b in syms] for a in syms]
