"""Truncated Taylor series: every function's coefficients against SymPy."""
from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp

from adcli.backends.floats import FloatMath
from adcli.backends.taylor import Taylor, TaylorMath, variable
from adcli.engine import evaluate
from adcli.errors import EvalError
from adcli.higher import derivatives
from adcli.parser import parse

X, Y = sp.symbols("x y", real=True)
ORDER = 6


def public(ns) -> set:
    return {n for n in dir(ns) if not n.startswith("_")}   # inherited names count too


def test_namespace_has_every_float_name():
    assert public(FloatMath) <= public(TaylorMath)


def taylor_derivatives(formula: str, point, direction, k: int = ORDER) -> list:
    g = parse(formula)
    seeded = [variable(x, k, v) for x, v in zip(point, direction, strict=True)]
    out = evaluate(g, seeded, TaylorMath)[g.outputs[0]]
    return out.derivatives()


def sympy_derivatives(f, point, direction, k: int = ORDER) -> list:
    """dʲ/dtʲ f(x₀ + t·v) at t = 0, at 30 digits."""
    t = sp.Symbol("t", real=True)
    syms = [X, Y][:len(point)]
    line = f.subs({s: sp.Rational(x) + t * sp.Rational(v)
                   for s, x, v in zip(syms, point, direction, strict=True)}, simultaneous=True)
    out = []
    for _ in range(k + 1):
        out.append(float(sp.N(line.subs(t, 0), 30)))
        line = sp.diff(line, t)
    return out


def close(got, want, rel=1e-12):
    scale = max(1.0, *(abs(w) for w in want))
    assert got == pytest.approx(want, rel=rel, abs=rel * scale)


UNARY = [  # (formula, sympy, point)
    ("sin(x)", sp.sin(X), 0.7), ("cos(x)", sp.cos(X), 0.7), ("tan(x)", sp.tan(X), 0.7),
    ("asin(x)", sp.asin(X), 0.3), ("acos(x)", sp.acos(X), 0.3), ("atan(x)", sp.atan(X), 0.7),
    ("sinh(x)", sp.sinh(X), 0.7), ("cosh(x)", sp.cosh(X), 0.7), ("tanh(x)", sp.tanh(X), 0.7),
    ("asinh(x)", sp.asinh(X), 0.7), ("acosh(x)", sp.acosh(X), 1.7),
    ("atanh(x)", sp.atanh(X), 0.3), ("exp(x)", sp.exp(X), 0.7),
    ("expm1(x)", sp.exp(X) - 1, 0.7), ("log(x)", sp.log(X), 0.7),
    ("log1p(x)", sp.log(1 + X), 0.7), ("log2(x)", sp.log(X, 2), 0.7),
    ("log10(x)", sp.log(X, 10), 0.7), ("sqrt(x)", sp.sqrt(X), 0.7),
    ("cbrt(x)", sp.cbrt(X), 0.7), ("cbrt(x)", -sp.cbrt(-X), -0.7),
    ("abs(x)", -X, -0.7), ("relu(x)", X, 0.7), ("relu(x)", sp.Integer(0), -0.7),
    ("sigmoid(x)", 1 / (1 + sp.exp(-X)), 0.7), ("softplus(x)", sp.log(1 + sp.exp(X)), 0.7),
    ("erf(x)", sp.erf(X), 0.7), ("erfc(x)", sp.erfc(X), 0.7),
    ("x^3", X ** 3, -2.0), ("x^-1.5", X ** sp.Rational(-3, 2), 0.7), ("2^x", 2 ** X, 0.7),
    ("x^x", X ** X, 0.7), ("1/(1+x^2)", 1 / (1 + X ** 2), 0.5),
    ("exp(sin(x))/x", sp.exp(sp.sin(X)) / X, 1.3),
]


@pytest.mark.parametrize("formula,f,x0", UNARY)
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_unary_against_sympy(formula, f, x0):
    close(taylor_derivatives(formula, [x0], [1.0]), sympy_derivatives(f, [x0], [1.0]))


BINARY = [
    ("pow(x, y)", X ** Y), ("atan2(x, y)", sp.atan2(X, Y)), ("atan2(y, x)", sp.atan2(Y, X)),
    ("hypot(x, y)", sp.sqrt(X ** 2 + Y ** 2)), ("min(x, y)", sp.Min(X, Y)),
    ("max(x, y)", sp.Max(X, Y)), ("x/y", X / Y), ("x*y - y/x", X * Y - Y / X),
]


@pytest.mark.parametrize("formula,f", BINARY)
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_binary_along_a_line(formula, f):
    p, v = [1.3, 0.6], [0.7, -1.1]
    close(taylor_derivatives(formula, p, v), sympy_derivatives(f, p, v))


# -- at kinks and at 0: exact where smooth, the core's convention where not ----------
@pytest.mark.parametrize("formula,want", [
    ("abs(x^2)", [0.0, 0.0, 2.0, 0.0]),       # smooth: |x²| = x²
    ("abs(x)", [0.0, 0.0, 0.0, 0.0]),         # kink: d/dx |x| = 0 by convention
    ("relu(x^2)", [0.0, 0.0, 2.0, 0.0]),
    ("relu(-x^2)", [0.0, 0.0, 0.0, 0.0]),
    ("max(x, 0)", [0.0, 0.5, 0.0, 0.0]),      # a tie: ½ to each argument
    ("min(x^2, 0)", [0.0, 0.0, 0.0, 0.0]),
    ("x^3", [0.0, 0.0, 0.0, 6.0]),
    ("x^2.5", None),                          # f‴(0) is infinite
    ("hypot(x, 0)", [0.0, 0.0, 0.0, 0.0]),    # (0, 0): 0 by convention
])
def test_at_zero(formula, want):
    if want is None:
        with pytest.raises(EvalError):
            taylor_derivatives(formula, [0.0], [1.0], 3)
    else:
        assert taylor_derivatives(formula, [0.0], [1.0], 3) == want


def test_x_to_the_2_5_at_zero_up_to_order_2():
    assert taylor_derivatives("x^2.5", [0.0], [1.0], 2) == [0.0, 0.0, 0.0]


def test_order_zero_is_the_value():
    assert taylor_derivatives("sin(x)", [0.7], [1.0], 0) == [math.sin(0.7)]


def test_high_order_is_polynomial_and_accurate():
    """Order 40 of a nest of functions: naive nested forward mode would need 2⁴⁰ terms."""
    got = taylor_derivatives("exp(sin(x))", [0.5], [1.0], 40)
    with mpmath.workdps(50):
        want = mpmath.taylor(lambda x: mpmath.exp(mpmath.sin(x)), mpmath.mpf(0.5), 40)
        want = [float(w * mpmath.factorial(j)) for j, w in enumerate(want)]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_arithmetic_with_floats_on_either_side():
    x = variable(2.0, 3)
    assert (1.0 / x).c == pytest.approx([0.5, -0.25, 0.125, -0.0625])
    assert (3.0 - x).c == [1.0, -1.0, 0.0, 0.0]
    assert (x * 2.0 + 1.0).c == [5.0, 2.0, 0.0, 0.0]
    assert (0.0 + x).c == x.c


def test_domain_errors_raise_like_math():
    with pytest.raises(ValueError):
        TaylorMath.log(variable(-1.0, 3))
    with pytest.raises(ZeroDivisionError):
        1.0 / variable(0.0, 3)


def test_derivatives_of_a_constant_series():
    assert Taylor([2.0, 0.0, 0.0]).derivatives() == [2.0, 0.0, 0.0]


# Near ±1 (asin, acos) and at huge |x| (asinh, acosh: u² overflows) the series keep full
# precision; references are closed forms in mpmath at 60 digits.
FIRST = {"asin": lambda x: 1 / mpmath.sqrt(1 - x * x),
         "acos": lambda x: -1 / mpmath.sqrt(1 - x * x),
         "asinh": lambda x: 1 / mpmath.sqrt(x * x + 1),
         "acosh": lambda x: 1 / mpmath.sqrt(x * x - 1)}


@pytest.mark.parametrize("name, x", [("asin", 0.999999), ("asin", -0.9999999999),
                                     ("acos", 0.999999), ("asin", 0.3), ("asinh", 1e200),
                                     ("asinh", -3e160), ("acosh", 1e300), ("acosh", 1.5),
                                     ("asinh", 0.7)])
def test_taylor_first_and_second_coefficients_at_the_edges(name, x):
    with mpmath.workdps(60):
        d1 = FIRST[name](mpmath.mpf(x))
        d2 = mpmath.diff(FIRST[name], mpmath.mpf(x)) if abs(x) < 1e6 else None
    got = derivatives(parse(f"{name}(x)"), [x], 2).derivatives
    assert got[1] == pytest.approx(float(d1), rel=4e-15, abs=0)
    if d2 is not None:
        assert got[2] == pytest.approx(float(d2), rel=1e-12, abs=0)


def test_a_derived_series_to_high_order_is_fast_and_right():
    """digamma and polygamma have no series rule: their series come from the registry's
    partials (ψ′ needs ψ″ one degree shorter, and so on).  Continuing the stored prefixes
    keeps order 60 quick (it was exponential: order 20 took seconds).  The k-th derivative
    of digamma is polygamma(k, x) exactly."""
    import time
    g = parse("digamma(x)")
    t = time.perf_counter()
    res = derivatives(g, [2.5], 60)
    assert time.perf_counter() - t < 5.0
    for k in (0, 1, 7, 30, 60):
        with mpmath.workdps(40):
            want = mpmath.polygamma(k, mpmath.mpf(2.5))
        assert res.derivatives[k] == pytest.approx(float(want), rel=1e-11), k
