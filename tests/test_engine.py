"""Forward and reverse mode against published numbers, SymPy and each other."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sympy_reference import SAMPLES, sample, sympy_jacobian

from adcli.engine import differentiate, evaluate
from adcli.errors import AdcliError, EvalError
from adcli.parser import parse


# -- published numbers, exactly ----------------------------------------------------------
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_matlab_example(mode):
    res = differentiate(parse("x1*exp(-(x1^2+x2^2)/2)"), [2.0, 0.5], mode)
    assert res.value == [0.23886593653343924]
    assert res.derivative == [[-0.35829890480015886, -0.11943296826671962]]
    assert res.sweeps == (2 if mode == "forward" else 1)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_baydin_example(mode):
    res = differentiate(parse("ln(x1) + x1*x2 - sin(x2)"), [2.0, 5.0], mode)
    assert res.value == [11.652071455223084]
    assert res.derivative == [[5.5, 1.7163378145367738]]


def test_baydin_primal_trace_values():
    g = parse("ln(x1) + x1*x2 - sin(x2)")
    vals = evaluate(g, [2.0, 5.0])
    assert [round(v, 3) for v in vals] == [2, 5, 0.693, 10, -0.959, 10.693, 11.652]


def test_speelpenning_gradient():
    g = parse("x1*x2*x3")
    res = differentiate(g, [0.5, 2 / 3, 0.75], "reverse")
    assert res.derivative[0] == pytest.approx([0.5, 0.375, 1 / 3], rel=1e-15)


def test_chain_rule_post_example():
    # f(x) = exp(-x^2), f'(x) = exp(-x^2)·(-2x)
    x = 0.7
    res = differentiate(parse("exp(-x^2)"), [x], "forward")
    assert res.derivative[0][0] == pytest.approx(math.exp(-x * x) * (-2 * x), rel=1e-15)


# -- every sample: forward == reverse == SymPy --------------------------------------------
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_samples_forward_equals_reverse_equals_sympy(path):
    g, point = sample(path)
    fwd = differentiate(g, point, "forward")
    rev = differentiate(g, point, "reverse")
    ref = sympy_jacobian(g, point)
    for rf, rr, rs in zip(fwd.derivative, rev.derivative, ref, strict=True):
        assert rf == pytest.approx(rr, rel=1e-14, abs=1e-15)
        assert rr == pytest.approx(rs, rel=1e-13, abs=1e-15)
    assert fwd.sweeps == g.n_inputs and rev.sweeps == len(g.outputs)


def test_jacobian_sweeps():
    g = parse("[x*y*z, x + y + z]")
    assert differentiate(g, [1.0, 2.0, 3.0], "forward").sweeps == 3
    res = differentiate(g, [1.0, 2.0, 3.0], "reverse")
    assert res.sweeps == 2
    assert res.derivative == [[6.0, 3.0, 2.0], [1.0, 1.0, 1.0]]


def test_reverse_cost_is_one_sweep_whatever_n():
    n = 500
    g = parse("+".join(f"sin(x{i})*x{i + 1}" for i in range(n)))
    point = [0.1 * (i % 7) for i in range(n + 1)]
    rev = differentiate(g, point, "reverse")
    assert rev.sweeps == 1 and rev.operations["derivative"] == g.n_ops
    assert rev.derivative[0][1] == pytest.approx(math.cos(0.1) * 0.2 + math.sin(0.0), rel=1e-15)


# -- conventions at non-differentiable points ---------------------------------------------
@pytest.mark.parametrize("text, point, grad, needle", [
    ("abs(x)", [0.0], [0.0], "abs is not differentiable at 0"),
    ("relu(x)", [0.0], [0.0], "relu is not differentiable at 0"),
    ("max(x, y)", [1.0, 1.0], [0.5, 0.5], "½ to each argument"),
    ("min(x, y)", [2.0, 2.0], [0.5, 0.5], "½ to each argument"),
    ("hypot(x, y)", [0.0, 0.0], [0.0, 0.0], "hypot is not differentiable"),
])
def test_kinks_use_the_named_convention_and_warn(text, point, grad, needle):
    for mode in ("forward", "reverse"):
        res = differentiate(parse(text), point, mode)
        assert res.derivative[0] == grad
        assert len(res.warnings) == 1 and needle in res.warnings[0]
        assert res.warnings[0].startswith("v₁ = ")


def test_x_pow_y_at_zero_base():
    res = differentiate(parse("x^y"), [0.0, 2.0], "reverse")
    assert res.derivative[0] == [0.0, 0.0]           # d/dy = 0, not NaN
    res = differentiate(parse("x^y"), [0.0, 1.0], "reverse")
    assert res.derivative[0] == [1.0, 0.0]


def test_zero_base_to_an_active_power():
    # 0^y: ∂/∂y = 0 by the stated convention; ∂/∂x is infinite but x is a constant
    res = differentiate(parse("0^y"), [0.5], "reverse")
    assert res.value == [0.0] and res.derivative == [[0.0]]
    with pytest.raises(EvalError, match="infinite"):
        differentiate(parse("x^0.5"), [0.0], "reverse")


def test_negative_base_integer_exponent():
    res = differentiate(parse("x^3"), [-2.0], "reverse")
    assert res.value == [-8.0] and res.derivative == [[12.0]]
    assert evaluate(parse("(-2)^3"), [])[-1] == -8.0


# -- evaluation errors name the trace row ------------------------------------------------------
@pytest.mark.parametrize("text, point, row, needle", [
    ("log(x)", [-1.0], "v₁", "log needs x > 0"),
    ("x + log(x - 3)", [1.0], "v₂", "v₂ = log(v₁) with v₁ = −2"),
    ("1/x", [0.0], "v₁", "division by zero"),
    ("asin(x)", [1.5], "v₁", "asin needs −1 ≤ x ≤ 1"),
    ("acos(2*x)", [1.0], "v₂", "acos needs"),
    ("x^0.5", [-2.0], "v₁", "domain error"),
    ("exp(x)", [1000.0], "v₁", "overflow"),
    ("9^9^9^9*x", [1.0], "v₁", "overflow"),  # 9^9 folds; 9^387420489 stays
    ("10^400*x", [1.0], "v₁", "overflow"),
    ("x*1e308*10", [1.0], "v₂", "overflow"),
    ("sqrt(x)", [0.0], "v₁", "derivative ∂v₁/∂v₀ is infinite"),
    ("atanh(x)", [1.0], "v₁", "atanh needs"),
])
def test_evaluation_errors_name_the_row(text, point, row, needle):
    with pytest.raises(EvalError) as info:
        differentiate(parse(text), point, "reverse")
    assert info.value.row == row
    assert needle in info.value.message
    assert "trace row" in info.value.message


def test_derivative_overflow_is_an_error():
    with pytest.raises(EvalError, match="overflows"):
        differentiate(parse("exp(x^2)"), [26.6], "forward")


# -- scale --------------------------------------------------------------------------------------
def test_deep_nesting_differentiates():
    depth = 10_000
    g = parse("sin(" * depth + "x" + ")" * depth)
    fwd = differentiate(g, [0.5], "forward")
    rev = differentiate(g, [0.5], "reverse")
    # independent: iterate the chain rule by hand in a loop
    x, d = 0.5, 1.0
    for _ in range(depth):
        d *= math.cos(x)
        x = math.sin(x)
    assert rev.value[0] == x and rev.derivative[0][0] == pytest.approx(d, rel=1e-12)
    assert fwd.derivative[0][0] == pytest.approx(d, rel=1e-12)


@pytest.mark.slow
def test_hundred_thousand_node_formula():
    n = 1000
    terms = "+".join(f"x{i % n}*x{(i * 7 + 1) % n}*{i + 1}e-4" for i in range(51_000))
    g = parse(terms)
    assert g.n_ops >= 100_000
    point = [1.0 + 0.001 * i for i in range(n)]
    res = differentiate(g, point, "reverse")
    # independent gradient of the same sum of products, term by term
    grad = [0.0] * n
    names = g.names
    idx = {name: k for k, name in enumerate(names)}
    for i in range(51_000):
        a, b, c = idx[f"x{i % n}"], idx[f"x{(i * 7 + 1) % n}"], float(f"{i + 1}e-4")
        grad[a] += c * point[b]
        grad[b] += c * point[a]
    assert res.derivative[0] == pytest.approx(grad, rel=1e-12)


# -- hypothesis: random formulas from the grammar ------------------------------------------------
UNARY = ["sin", "cos", "exp", "tanh", "atan", "sigmoid", "softplus", "erf", "asinh", "cbrt",
         "log1p", "sqrt", "log", "expm1", "cosh", "sinh", "erfc"]
BINARY = ["+", "-", "*", "/"]
FUNCS2 = ["hypot", "atan2", "pow"]


def formulas():
    leaf = st.sampled_from(["x", "y", "z", "2", "0.5", "3", "pi", "1.5e-1"])

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(UNARY), children).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(children, st.sampled_from(BINARY), children).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(FUNCS2), children, children).map(
                lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            children.map(lambda c: f"-{c}"),
            children.map(lambda c: f"({c})^2"),
        )
    return st.recursive(leaf, extend, max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(), st.lists(st.floats(0.2, 2.0), min_size=3, max_size=3))
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_random_formulas_forward_equals_reverse_equals_sympy(text, point):
    g = parse(text, variables=["x", "y", "z"])
    try:
        fwd = differentiate(g, point, "forward")
        rev = differentiate(g, point, "reverse")
    except AdcliError:
        assume(False)
    assert fwd.value == rev.value
    scale = max(1.0, max(abs(v) for v in rev.derivative[0]))
    assert fwd.derivative[0] == pytest.approx(rev.derivative[0], rel=1e-12, abs=1e-12 * scale)
    ref = sympy_jacobian(g, point)[0]
    assume(all(math.isfinite(v) for v in ref))
    assert rev.derivative[0] == pytest.approx(ref, rel=1e-9, abs=1e-9 * scale)
