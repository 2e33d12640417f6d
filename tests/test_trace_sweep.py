"""The engine's adjoint sweep with a per-contribution hook (what ``adcli trace`` and
``adcli check`` build on): the contributions add up to SymPy's gradient, and the hook
changes no number."""
from __future__ import annotations

import pytest
import sympy as sp

from adcli.engine import adjoint_sweep, evaluate, linearize
from adcli.parser import parse

CASES = [
    ("x*x + sin(x*y)", {"x": sp.Rational(3, 2), "y": sp.Rational(-1, 3)}),
    ("ln(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5}),
    ("x1*exp(-(x1^2+x2^2)/2)", {"x1": 2, "x2": sp.Rational(1, 2)}),
    ("c = x*y; c*c + exp(c) - y", {"x": sp.Rational(1, 4), "y": sp.Rational(7, 5)}),
]


def _sympy_gradient(text: str, names: list, at: dict) -> list:
    syms = {n: sp.Symbol(n) for n in names}
    body = text.split(";")[-1].strip()
    if ";" in text:                        # one assignment: substitute it
        name, rhs = (s.strip() for s in text.split(";")[0].split("="))
        expr = sp.sympify(body, locals=syms).subs(sp.Symbol(name),
                                                  sp.sympify(rhs, locals=syms))
    else:
        expr = sp.sympify(body.replace("ln(", "log("), locals=syms)
    point = {syms[n]: v for n, v in at.items()}
    return [sp.diff(expr, syms[n]).subs(point).evalf(40) for n in names]


@pytest.mark.parametrize("text, at", CASES)
def test_contributions_add_up_to_sympy_gradient(text, at):
    g = parse(text)
    point = [float(at[n]) for n in g.names]
    vals = evaluate(g, point)
    lin = linearize(g, vals)
    seen = []
    adj = adjoint_sweep(g, lin, g.outputs[0],
                        on_contribution=lambda i, k, p, t: seen.append((i, k, p, t)))
    want = _sympy_gradient(text, g.names, at)
    for j, w in enumerate(want):
        total = sum(t for _, k, _, t in seen if k == j)
        assert total == pytest.approx(float(w), rel=1e-13, abs=1e-15)
        assert adj[j] == pytest.approx(float(w), rel=1e-13, abs=1e-15)
    # every contribution is v̄ᵢ·∂vᵢ/∂vₖ, rows from last to first
    rows = [i for i, _, _, _ in seen]
    assert rows == sorted(rows, reverse=True)
    for i, k, p, t in seen:
        assert t == adj[i] * p
        assert (k, p) in lin.pairs[i]


@pytest.mark.parametrize("text, at", CASES)
def test_hook_changes_no_number(text, at):
    g = parse(text)
    vals = evaluate(g, [float(at[n]) for n in g.names])
    lin = linearize(g, vals)
    plain = adjoint_sweep(g, lin, g.outputs[0])
    hooked = adjoint_sweep(g, lin, g.outputs[0], on_contribution=lambda *a: None)
    assert hooked == plain


def test_square_contributes_twice_from_one_row():
    # x*x: one row, two contributions 3 + 3 = d(x²)/dx at 3
    g = parse("x*x")
    vals = evaluate(g, [3.0])
    lin = linearize(g, vals)
    seen = []
    adjoint_sweep(g, lin, g.outputs[0], on_contribution=lambda *a: seen.append(a))
    assert [(k, t) for _, k, _, t in seen] == [(0, 3.0), (0, 3.0)]


def test_trace_adjoint_rule_sums_both_contributions(adcli):
    r = adcli("trace", "x*x", "--at", "3", "--json")
    assert r.code == 0, r
    rows = {row["id"]: row for row in r.json["adjoint"]}
    assert rows["v₀"]["value"] == 6.0
    assert rows["v₀"]["rule"] == "v̄₁·v₀ + v̄₁·v₀"
