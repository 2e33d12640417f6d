"""Dual numbers: arithmetic and every registry entry's tangent against SymPy."""
from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from adcli.backends.dual import Dual, DualMath
from adcli.backends.floats import FloatMath
from adcli.engine import ZERO, evaluate
from adcli.errors import EvalError
from adcli.parser import parse

finite = st.floats(min_value=-10, max_value=10, allow_nan=False)


def public(ns) -> set:
    return {n for n in dir(ns) if not n.startswith("_")}   # inherited names count too


def test_namespace_has_every_float_name():
    assert public(FloatMath) <= public(DualMath)


@given(finite, finite, finite, finite)
def test_arithmetic_with_floats_on_either_side(a, b, c, d):
    x, y = Dual(a, b), Dual(c, d)
    for r, (va, vb) in [(x + y, (a + c, b + d)), (x - y, (a - c, b - d)),
                        (x * y, (a * c, a * d + b * c)), (2.0 + x, (2 + a, b)),
                        (x + 2.0, (a + 2, b)), (2.0 - x, (2 - a, -b)), (x - 2.0, (a - 2, b)),
                        (3.0 * x, (3 * a, 3 * b)), (x * 3.0, (3 * a, 3 * b)),
                        (-x, (-a, -b)), (x / 4.0, (a / 4, b / 4))]:
        assert (r.a, r.b) == pytest.approx((va, vb), rel=1e-14, abs=1e-14)
    if abs(c) > 1e-3:
        q = x / y
        assert q.a == pytest.approx(a / c, rel=1e-14)
        assert q.b == pytest.approx((b * c - a * d) / (c * c), rel=1e-12, abs=1e-12)
        r = 1.0 / y
        assert (r.a, r.b) == pytest.approx((1 / c, -d / (c * c)), rel=1e-12)


def test_zero_sentinel_plus_dual():
    r = ZERO + Dual(1.5, 2.0)
    assert (r.a, r.b) == (1.5, 2.0)


def test_division_by_a_zero_dual_raises_like_floats():
    with pytest.raises(ZeroDivisionError):
        Dual(1.0, 1.0) / Dual(0.0, 1.0)
    with pytest.raises(ZeroDivisionError):
        1.0 / Dual(0.0, 1.0)


# -- every function of the language, through the engine, against SymPy ----------------
UNARY = {  # function -> a point inside its domain
    "sin": 0.7, "cos": 0.7, "tan": 0.7, "asin": 0.3, "acos": 0.3, "atan": 0.7,
    "sinh": 0.7, "cosh": 0.7, "tanh": 0.7, "asinh": 0.7, "acosh": 1.7, "atanh": 0.3,
    "exp": 0.7, "expm1": 0.7, "log": 0.7, "log1p": 0.7, "log2": 0.7, "log10": 0.7,
    "sqrt": 0.7, "cbrt": -0.7, "abs": -0.7, "relu": 0.7, "sigmoid": 0.7, "softplus": 0.7,
    "erf": 0.7, "erfc": 0.7,
}
X, Y = sp.symbols("x y", real=True)
BINARY = [("pow(x, y)", X ** Y), ("atan2(x, y)", sp.atan2(X, Y)),
          ("hypot(x, y)", sp.sqrt(X ** 2 + Y ** 2)), ("min(x, y)", sp.Min(X, Y)),
          ("max(x, y)", sp.Max(X, Y)), ("x/y", X / Y), ("x*y", X * Y), ("x - y", X - Y)]


def sympy_unary(name):
    from adcli.functions import FUNCTIONS
    return FUNCTIONS[name].sympy(sp, X)


@pytest.mark.parametrize("name,x0", UNARY.items())
def test_unary_tangent_against_sympy(name, x0):
    g = parse(f"{name}(x)")
    out = evaluate(g, [Dual(x0, 1.0)], DualMath)[g.outputs[0]]
    f = sympy_unary(name)
    x0r = sp.Rational(x0)
    assert out.a == pytest.approx(float(sp.N(f.subs(X, x0r), 30)), rel=1e-15)
    assert out.b == pytest.approx(float(sp.N(sp.diff(f, X).subs(X, x0r), 30)), rel=1e-14)


@pytest.mark.parametrize("formula,f", BINARY)
def test_binary_tangent_along_a_direction(formula, f):
    g = parse(formula)
    x0, y0, dx, dy = 1.3, 0.6, 0.7, -1.1
    out = evaluate(g, [Dual(x0, dx), Dual(y0, dy)], DualMath)[g.outputs[0]]
    sub = {X: sp.Rational(x0), Y: sp.Rational(y0)}
    want = sp.diff(f, X) * sp.Rational(dx) + sp.diff(f, Y) * sp.Rational(dy)
    assert out.b == pytest.approx(float(sp.N(want.subs(sub), 30)), rel=1e-14)


def test_pow_with_a_negative_base_and_constant_exponent():
    g = parse("x^3")
    out = evaluate(g, [Dual(-2.0, 1.0)], DualMath)[g.outputs[0]]
    assert (out.a, out.b) == (-8.0, 12.0)


def test_kinks_follow_the_core_conventions():
    assert DualMath.fabs(Dual(0.0, 1.0)).b == 0.0
    assert DualMath.relu(Dual(0.0, 1.0)).b == 0.0
    assert DualMath.fmax(Dual(1.0, 1.0), Dual(1.0, 3.0)).b == 2.0   # ½ to each


def test_floats_pass_through_unchanged():
    assert DualMath.sin(0.5) == math.sin(0.5)
    assert DualMath.pow(2.0, 3.0) == 8.0


def test_domain_errors_name_the_trace_row():
    g = parse("log(x - 3)")
    with pytest.raises(EvalError) as exc:
        evaluate(g, [Dual(1.0, 1.0)], DualMath)
    assert exc.value.row == "v₂"
    assert "log needs x > 0" in exc.value.message
    with pytest.raises(ValueError):
        DualMath.sqrt(Dual(-1.0, 1.0))


def test_isbad_sees_the_tangent():
    assert DualMath.isbad(Dual(1.0, math.inf))
    assert DualMath.isbad(math.nan)
    assert not DualMath.isbad(Dual(1.0, 2.0))
