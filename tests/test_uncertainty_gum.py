"""adcli uncertainty, GUM first and second order, against independent references:
the `uncertainties` package (first order, with and without correlations), SymPy's
exact derivatives plugged into the GUM's second-order formula, Student's t by SciPy."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

import adcli
from adcli.parser import parse
from adcli.propagation import propagate

unc = pytest.importorskip("uncertainties")
from uncertainties import umath  # noqa: E402

NAMES = ["x1", "x2", "x3", "x4"]
UNARY = [("sin", umath.sin), ("cos", umath.cos), ("exp", lambda a: umath.exp(a / 3)),
         ("tanh", umath.tanh), ("sqrt1", lambda a: umath.sqrt(1 + a ** 2)),
         ("log2", lambda a: umath.log(2 + umath.sin(a))), ("atan", umath.atan)]
TEXT = {"sin": "sin({})", "cos": "cos({})", "exp": "exp(({})/3)", "tanh": "tanh({})",
        "sqrt1": "sqrt(1 + ({})^2)", "log2": "log(2 + sin({}))", "atan": "atan({})"}


def random_formula(rng: random.Random, depth: int = 3):
    """(adcli text, a function of the ufloats by name) of a random formula."""
    if depth == 0 or rng.random() < 0.25:
        if rng.random() < 0.15:
            c = round(rng.uniform(0.5, 3.0), 3)
            return repr(c), lambda v, c=c: c
        name = rng.choice(NAMES)
        return name, lambda v, name=name: v[name]
    k = rng.random()
    if k < 0.35:
        key, fn = rng.choice(UNARY)
        t, f = random_formula(rng, depth - 1)
        return TEXT[key].format(t), lambda v, f=f, fn=fn: fn(f(v))
    (ta, fa), (tb, fb) = random_formula(rng, depth - 1), random_formula(rng, depth - 1)
    op = rng.choice("+-*/^")
    if op == "/":   # a denominator that is never near 0
        return f"({ta})/(1 + ({tb})^2)", lambda v, fa=fa, fb=fb: fa(v) / (1 + fb(v) ** 2)
    if op == "^":   # a positive base
        return f"(1 + ({ta})^2)^0.7", lambda v, fa=fa: (1 + fa(v) ** 2) ** 0.7
    ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
    return f"({ta}) {op} ({tb})", lambda v, fa=fa, fb=fb, o=ops[op]: o(fa(v), fb(v))


def random_correlation(rs: np.random.RandomState, n: int) -> np.ndarray:
    A = rs.normal(size=(n, n + 1))
    C = A @ A.T
    d = np.sqrt(np.diag(C))
    return C / np.outer(d, d)


def _close(got: float, want: float, rtol: float = 1e-12) -> bool:
    return abs(got - want) <= rtol * max(abs(want), 1e-300)


@pytest.mark.parametrize("correlated", [False, True], ids=["independent", "correlated"])
def test_first_order_equals_the_uncertainties_package_on_100_random_formulas(correlated):
    rng, rs = random.Random(15), np.random.RandomState(15)
    checked = 0
    while checked < 100:
        text, f = random_formula(rng)
        g = parse(text)
        if not g.names:
            continue
        n = len(g.names)
        means = [rng.uniform(0.5, 2.0) for _ in g.names]
        us = [rng.uniform(0.001, 0.1) for _ in g.names]
        R = random_correlation(rs, n) if correlated and n > 1 else np.eye(n)
        xs = (unc.correlated_values_norm(list(zip(means, us, strict=True)), R) if correlated
              else [unc.ufloat(m, u) for m, u in zip(means, us, strict=True)])
        y = f(dict(zip(g.names, xs, strict=True)))
        inputs = {nm: f"{m!r}±{u!r}" for nm, m, u in zip(g.names, means, us, strict=True)}
        corr = {(g.names[i], g.names[j]): float(R[i, j])
                for i in range(n) for j in range(i + 1, n)}
        r = propagate(g, inputs, corr=corr or None)
        assert _close(r.value, y.nominal_value, 1e-13), text
        assert _close(r.standard_uncertainty, y.std_dev), (text, r.standard_uncertainty,
                                                          y.std_dev)
        if not correlated:
            by_name = {row["variable"]: row for row in r.budget}
            for nm, x in zip(g.names, xs, strict=True):
                want = y.derivatives.get(x, 0.0)
                assert abs(by_name[nm]["sensitivity"] - want) <= 1e-12 * max(1.0, abs(want))
        checked += 1


def test_budget_rows_sorted_by_share_and_percent_sums_to_100():
    r = adcli.uncertainty("4*pi^2*L/T^2", inputs="L=1.000±0.002, T=2.007±0.005")
    rows = r.budget
    assert [row["variable"] for row in rows] == ["T", "L"]
    assert math.isclose(sum(row["percent"] for row in rows), 100.0, rel_tol=1e-12)
    # by hand: c_L = 4π²/T², c_T = −8π²L/T³
    cL, cT = 4 * math.pi ** 2 / 2.007 ** 2, -8 * math.pi ** 2 / 2.007 ** 3
    assert math.isclose(rows[1]["sensitivity"], cL, rel_tol=1e-15)
    assert math.isclose(rows[0]["sensitivity"], cT, rel_tol=1e-15)
    assert math.isclose(rows[0]["contribution"], abs(cT) * 0.005, rel_tol=1e-15)
    u = math.hypot(cL * 0.002, cT * 0.005)
    assert math.isclose(r.standard_uncertainty, u, rel_tol=1e-15)
    assert math.isclose(r.coverage_factor, 1.959963984540054, rel_tol=1e-12)
    assert math.isclose(r.expanded_uncertainty, 1.959963984540054 * u, rel_tol=1e-12)


def test_correlation_terms_listed():
    r = adcli.uncertainty("x + y", inputs={"x": "1±0.3", "y": "2±0.4"}, corr={"x,y": 0.5})
    (row,) = r.correlation_terms
    assert row["variables"] == ["x", "y"] and row["coefficient"] == 0.5
    assert math.isclose(row["term"], 2 * 0.5 * 0.3 * 0.4, rel_tol=1e-15)
    assert math.isclose(r.standard_uncertainty, math.sqrt(0.09 + 0.16 + 0.12), rel_tol=1e-15)


@pytest.mark.slow   # the first SciPy import (Student's t) takes about a second
def test_distributions_give_their_standard_deviations():
    r = adcli.uncertainty("a + b + c + d", inputs="a=U(1.1, 1.3), b=T(0, 6), c=t(2, 0.5, 5), d=7")
    rows = {row["variable"]: row for row in r.budget}
    assert math.isclose(rows["a"]["standard_uncertainty"], 0.2 / math.sqrt(12), rel_tol=1e-14)
    assert math.isclose(rows["a"]["estimate"], 1.2, rel_tol=1e-15)
    assert math.isclose(rows["b"]["standard_uncertainty"], 6 / math.sqrt(24), rel_tol=1e-14)
    assert math.isclose(rows["c"]["standard_uncertainty"], 0.5 * math.sqrt(5 / 3), rel_tol=1e-14)
    assert "d" not in rows and math.isclose(r.value, 1.2 + 3 + 2 + 7, rel_tol=1e-15)


def test_welch_satterthwaite_with_t_inputs():
    from scipy.stats import t
    r = adcli.uncertainty("2*x + y", inputs="x=t(1, 0.1, 4), y=0±0.05")
    ux, uy = 0.1 * math.sqrt(4 / 2), 0.05
    u = math.sqrt((2 * ux) ** 2 + uy ** 2)
    nu = u ** 4 / ((2 * ux) ** 4 / 4)
    assert math.isclose(r.gum.dof, nu, rel_tol=1e-12)
    assert math.isclose(r.coverage_factor, t.ppf(0.975, nu), rel_tol=1e-10)
    d = r.to_dict()
    assert math.isclose(d["effective_degrees_of_freedom"], nu, rel_tol=1e-12)


SECOND = [("x*y", "x=2±0.3, y=3±0.4"),
          ("exp(x)*sin(y)", "x=0.5±0.2, y=1.1±0.3"),
          ("x^2/y + log(z)*x", "x=1.5±0.1, y=2±0.3, z=3±0.5"),
          ("4*pi^2*L/T^2", "L=1±0.2, T=2±0.3")]


@pytest.mark.parametrize("text, inputs", SECOND)
def test_second_order_term_equals_sympy_exact_derivatives(text, inputs):
    import sympy as sp
    r = adcli.uncertainty(text, inputs=inputs, order=2)
    names = r.graph.names
    syms = sp.symbols(names)
    expr = sp.sympify(text.replace("^", "**"), locals=dict(zip(names, syms, strict=True)))
    pt = {s: sp.Rational(repr(q.estimate)) for s, q in zip(syms, r.quantities, strict=True)}
    u2 = [sp.Rational(repr(q.u)) ** 2 for q in r.quantities]
    term = 0
    for i, xi in enumerate(syms):
        for j, xj in enumerate(syms):
            hij = sp.diff(expr, xi, xj).subs(pt)
            tijj = sp.diff(expr, xi, xj, xj).subs(pt)
            ci = sp.diff(expr, xi).subs(pt)
            term += (hij ** 2 / 2 + ci * tijj) * u2[i] * u2[j]
    want = float(sp.N(term, 30))
    assert math.isclose(r.second.term, want, rel_tol=1e-10, abs_tol=1e-300), (r.second.term, want)
    assert math.isclose(r.second.u, math.sqrt(r.standard_uncertainty ** 2 + want), rel_tol=1e-10)


def test_second_order_warnings():
    big = adcli.uncertainty("x*y", inputs="x=0±1, y=0±1", order=2)
    assert any("more than 5 %" in w for w in big.warnings)   # u1 = 0, handled
    small = adcli.uncertainty("x*y", inputs="x=10±0.1, y=20±0.1", order=2)
    assert small.warnings == []
    corr = adcli.uncertainty("x*y", inputs="x=10±0.1, y=20±0.1", order=2, corr={"x,y": 0.2})
    assert any("uncorrelated" in w for w in corr.warnings)
    rect = adcli.uncertainty("x*y", inputs="x=U(9, 11), y=20±0.1", order=2)
    assert any("normal inputs" in w and "x" in w for w in rect.warnings)
    lin = adcli.uncertainty("x*y", inputs="x=1±0.5, y=1±0.5", order=2)
    assert any("linearization is doubtful" in w for w in lin.warnings)
