"""Every registry entry, against SymPy (30 digits) and central differences.

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
from adcli.functions import OPS
from adcli.parser import parse

INFIX = {"add": "x + y", "sub": "x - y", "mul": "x*y", "div": "x/y", "neg": "-x", "pow": "x^y"}

# Sampling domain per op: one (lo, hi) interval per argument (lo = hi: a constant argument).
# The entry's own ``sample`` unless a narrower or wider one is set here.
_CHOSEN = {
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
DOMAINS = {**{name: list(f.sample) for name, f in OPS.items()}, **_CHOSEN}


def formula(name: str) -> str:
    if name in INFIX:
        return INFIX[name]
    args = [repr(float(lo)) if lo == hi else v
            for v, (lo, hi) in zip("xy", DOMAINS[name], strict=False)]  # unary: x only
    return f"{name}({', '.join(args)})"


def variables(name: str) -> list:
    return [v for v, (lo, hi) in zip("xy", DOMAINS[name], strict=False) if lo != hi]


def points(name: str, k: int = 6):
    rng = random.Random(name)
    for _ in range(k):
        pt = [rng.uniform(lo, hi) for lo, hi in DOMAINS[name] if lo != hi]
        if name in ("abs", "relu") and rng.random() < 0.5:
            pt = [-p for p in pt]
        if name in ("min", "max") and abs(pt[0] - pt[1]) < 0.1:
            pt[1] += 0.5
        yield pt


def sympy_reference(name: str, pt):
    xs = sp.symbols("x y", real=True)[: len(variables(name))]
    it = iter(xs)
    expr = OPS[name].sympy(sp, *[sp.Rational(lo) if lo == hi else next(it)
                                 for lo, hi in DOMAINS[name]])
    subs = {s: sp.Rational(v) for s, v in zip(xs, pt, strict=True)}   # exact float64 inputs
    value = sp.N(expr.subs(subs), 30)
    partials = []
    for s in xs:
        d = sp.diff(expr, s)
        if d.has(sp.Derivative):   # SymPy leaves floor' unevaluated: mpmath differentiates
            with mpmath.workdps(30):
                f = sp.lambdify(s, expr.subs({t: v for t, v in subs.items() if t != s}),
                                "mpmath")
                partials.append(mpmath.diff(f, mpmath.mpf(subs[s].p) / subs[s].q))
        else:
            partials.append(sp.N(d.subs(subs), 30))
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
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_op_value_and_partials_match_sympy(name):
    g = parse(formula(name), variables=variables(name))
    for pt in points(name):
        ref_value, ref_partials = sympy_reference(name, pt)
        for mode in ("forward", "reverse"):
            res = differentiate(g, pt, mode)
            assert close(res.value[0], ref_value, 4e-15, 1e-300), (name, pt, res.value, ref_value)
            for got, want in zip(res.derivative[0], ref_partials, strict=True):
                assert close(got, want, 3e-14, 1e-15), (name, mode, pt, got, want)


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_partials_match_central_differences(name):
    g = parse(formula(name), variables=variables(name))
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


# Far tails and edges of each function's domain, where a partial computed from the
# output (1 − tanh², σ(1 − σ), expm1 + 1) or through x² (asinh, acosh) loses digits.
TAILS = {
    "sigmoid": [20, 40, -40, -700, 700], "tanh": [10, 20, -15, 300, 1e-8],
    "expm1": [-20, -40, 30, 1e-10], "softplus": [-40, 40, -700, 700],
    "asin": [0.9999999999, -0.9999999999, 1 - 2 ** -40],
    "acos": [0.9999999999, -0.9999999999, 1 - 2 ** -40],
    "atanh": [0.9999999, -0.99999999, 1e-12], "erf": [5, -5, 20], "erfc": [5, -5, 20],
    "exp": [-700, 700], "log1p": [-0.999999, 1e-10, 1e300], "log": [1e-300, 1e300],
    "sqrt": [1e-300, 1e300], "cbrt": [1e-300, -1e300], "sinh": [700, -700],
    "cosh": [700, -700], "atan": [1e10, -1e150], "asinh": [1e10, -1e200, 1e-10],
    "acosh": [1e10, 1e200, 1 + 2 ** -30], "log2": [1e-300, 1e300], "log10": [1e-300, 1e300],
    "tan": [1.5707963267948, -1.57079632679], "sin": [1e10, 1e-10], "cos": [1e10, 3.14159],
}


def strict_partial(name: str, x: float) -> float:
    """SymPy's derivative at x to 30 digits, failing rather than guessing: plain
    evalf returns 0.e-160 for 1 − tanh(300)² (the truth is 1.06e-260)."""
    s = sp.Symbol("x", real=True)
    d = sp.diff(OPS[name].sympy(sp, s), s)
    return float(d.evalf(n=30, subs={s: sp.Rational(x)}, strict=True, maxn=2000))


@pytest.mark.parametrize("name, x", [(n, x) for n, xs in TAILS.items() for x in xs])
def test_partials_keep_full_precision_in_the_tails(name, x):
    want = strict_partial(name, x)
    g = parse(f"{name}(x)")
    for mode in ("forward", "reverse"):
        got = differentiate(g, [float(x)], mode).derivative[0][0]
        assert close(got, want, 4e-15, 0.0), (name, x, mode, got, want)


@pytest.mark.parametrize("y, x", [(1e154, 1e154), (1e-160, 2e-160), (1e-300, 1e-300),
                                  (-3e200, 1e199), (2.0, -3.0)])
def test_atan2_partials_at_extreme_magnitudes(y, x):
    # x² + y² over- or underflows there; the partials are −y/r², x/r² with r = hypot(y, x)
    with mpmath.workdps(40):
        r2 = mpmath.mpf(x) ** 2 + mpmath.mpf(y) ** 2
        want = [float(mpmath.mpf(x) / r2), float(-mpmath.mpf(y) / r2)]
    g = parse("atan2(y, x)", variables=["y", "x"])
    for mode in ("forward", "reverse"):
        got = differentiate(g, [y, x], mode).derivative[0]
        assert all(close(a, b, 4e-16, 0.0)
                   for a, b in zip(got, want, strict=True)), (mode, got, want)
