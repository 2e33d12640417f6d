"""Every row of the op table, against SymPy (30 digits) and central differences.

One parametrized test per op: its value and each local partial, through both
engines, at points drawn from that op's own domain (autograd's check_grads,
JAX's lax_autodiff_test).
"""
from __future__ import annotations

import math
import random

import mpmath
import pytest
import sympy as sp

from adcli.engine import differentiate
from adcli.ops import OPS
from adcli.parser import parse

INFIX = {"add": "x + y", "sub": "x - y", "mul": "x*y", "div": "x/y", "neg": "-x", "pow": "x^y"}

# Sampling domain per op: one (lo, hi) interval per argument.
DOMAINS = {
    "add": [(-3, 3), (-3, 3)], "sub": [(-3, 3), (-3, 3)], "mul": [(-3, 3), (-3, 3)],
    "div": [(-3, 3), (0.5, 3)], "neg": [(-3, 3)], "pow": [(0.3, 3), (-2.5, 2.5)],
    "sin": [(-4, 4)], "cos": [(-4, 4)], "tan": [(-1.4, 1.4)],
    "asin": [(-0.95, 0.95)], "acos": [(-0.95, 0.95)], "atan": [(-5, 5)],
    "atan2": [(-3, 3), (0.2, 3)],
    "sinh": [(-3, 3)], "cosh": [(-3, 3)], "tanh": [(-3, 3)],
    "asinh": [(-5, 5)], "acosh": [(1.05, 5)], "atanh": [(-0.95, 0.95)],
    "exp": [(-5, 5)], "expm1": [(-2, 2)], "log": [(0.05, 10)], "log1p": [(-0.9, 5)],
    "log2": [(0.05, 10)], "log10": [(0.05, 10)], "sqrt": [(0.05, 10)], "cbrt": [(-8, 8)],
    "abs": [(0.1, 5)], "relu": [(0.1, 5)], "min": [(-3, 3), (-3, 3)], "max": [(-3, 3), (-3, 3)],
    "hypot": [(-3, 3), (0.1, 3)],
    "sigmoid": [(-6, 6)], "softplus": [(-6, 6)], "erf": [(-2.5, 2.5)], "erfc": [(-2.5, 2.5)],
}


def formula(name: str) -> str:
    if name in INFIX:
        return INFIX[name]
    return f"{name}(x)" if OPS[name].arity == 1 else f"{name}(x, y)"


def points(name: str, k: int = 6):
    rng = random.Random(name)
    for _ in range(k):
        pt = [rng.uniform(lo, hi) for lo, hi in DOMAINS[name]]
        if name in ("abs", "relu") and rng.random() < 0.5:
            pt = [-p for p in pt]
        if name in ("min", "max") and abs(pt[0] - pt[1]) < 0.1:
            pt[1] += 0.5
        yield pt


def sympy_reference(name: str, pt):
    xs = sp.symbols("x y", real=True)[: OPS[name].arity]
    expr = OPS[name].sympy(sp, *xs)
    subs = {s: sp.Rational(v) for s, v in zip(xs, pt)}   # exact float64 inputs
    value = sp.N(expr.subs(subs), 30)
    partials = [sp.N(sp.diff(expr, s).subs(subs), 30) for s in xs]
    return float(value), [float(p) for p in partials]


def central(name: str, pt, j: int) -> float:
    g = parse(formula(name))
    mpmath.mp.dps = 30
    h = 1e-6 * max(1.0, abs(pt[j]))
    up, dn = list(pt), list(pt)
    up[j] += h
    dn[j] -= h
    fu = differentiate(g, up, "reverse").value[0]
    fd = differentiate(g, dn, "reverse").value[0]
    return (fu - fd) / (up[j] - dn[j])


def close(a: float, b: float, rel: float, abs_: float = 1e-300) -> bool:
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


def test_every_op_has_a_domain():
    assert set(DOMAINS) == set(OPS)


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_value_and_partials_match_sympy(name):
    g = parse(formula(name), variables=["x", "y"][: OPS[name].arity])
    for pt in points(name):
        ref_value, ref_partials = sympy_reference(name, pt)
        for mode in ("forward", "reverse"):
            res = differentiate(g, pt, mode)
            assert close(res.value[0], ref_value, 4e-15, 1e-300), (name, pt, res.value, ref_value)
            for got, want in zip(res.derivative[0], ref_partials):
                assert close(got, want, 3e-14, 1e-15), (name, mode, pt, got, want)


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_partials_match_central_differences(name):
    g = parse(formula(name), variables=["x", "y"][: OPS[name].arity])
    for pt in points(name, 3):
        res = differentiate(g, pt, "reverse")
        for j, got in enumerate(res.derivative[0]):
            fd = central(name, pt, j)
            assert close(got, fd, 1e-6, 1e-8), (name, pt, j, got, fd)


def test_ln_is_log():
    g = parse("ln(x)")
    assert differentiate(g, [2.0], "reverse").value[0] == math.log(2.0)


def test_pow_function_is_the_operator():
    a = differentiate(parse("pow(x, y)"), [1.7, 2.3], "reverse")
    b = differentiate(parse("x^y"), [1.7, 2.3], "reverse")
    assert a.value == b.value and a.derivative == b.derivative
    assert a.value[0] == pytest.approx(1.7 ** 2.3, rel=1e-15)
