"""Constant folding (issue 12 §4): the MATLAB page's six rows u₁ … u₆, ``--symbol u``,
and folded constants that keep every digit under ``--digits``."""
from __future__ import annotations

import json
import math

import mpmath
import sympy as sp
from typer.testing import CliRunner

from adcli.cli import app
from adcli.engine import evaluate
from adcli.parser import parse

runner = CliRunner()
MATLAB = "x1*exp(-1/2*(x1^2+x2^2))"       # the page's own form, at x1 = 2, x2 = 1/2


def _json(*args: str) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _matlab_rows() -> list:
    """The page's u₁ … u₆ (u₁ = u₋₁², u₂ = u₀², u₃ = u₁ + u₂, u₄ = −½·u₃, u₅ = exp(u₄),
    u₆ = u₅·u₋₁), evaluated by SymPy at (2, 1/2)."""
    um1, u0 = sp.Integer(2), sp.Rational(1, 2)
    u1 = um1 ** 2
    u2 = u0 ** 2
    u3 = u1 + u2
    u4 = -sp.Rational(1, 2) * u3
    u5 = sp.exp(u4)
    u6 = u5 * um1
    return [u1, u2, u3, u4, u5, u6]


def test_matlab_six_rows_with_symbol_u():
    d = _json("trace", MATLAB, "--at", "2,1/2", "--symbol", "u")
    ops = [r for r in d["primal"] if "input" not in r]
    assert [r["id"] for r in ops] == ["u₁", "u₂", "u₃", "u₄", "u₅", "u₆"]
    assert [r["id"] for r in d["primal"] if "input" in r] == ["u₋₁", "u₀"]
    for row, want in zip(ops, _matlab_rows(), strict=True):
        assert math.isclose(row["value"], float(want), rel_tol=1e-15), row
    assert ops[3]["expr"] == "(−0.5)·u₃"
    assert ops[5]["expr"] in ("u₋₁·u₅", "u₅·u₋₁")
    grad = [sp.diff(sp.Symbol("a") * sp.exp(-(sp.Symbol("a") ** 2 + sp.Symbol("b") ** 2) / 2),
                    v).subs({"a": 2, "b": sp.Rational(1, 2)}) for v in sp.symbols("a b")]
    for got, want in zip(d["gradient"], grad, strict=True):
        assert math.isclose(got, float(want), rel_tol=1e-15)


def test_matlab_sample_runs_bare_with_six_rows():
    d = _json("trace", "@samples/matlab.txt", "--at", "2,0.5", "--symbol", "u")
    assert len([r for r in d["primal"] if "input" not in r]) == 6


def test_symbol_in_tables_and_latex():
    out = runner.invoke(app, ["trace", MATLAB, "--at", "2,0.5", "--symbol", "u",
                              "--mode", "reverse"]).stdout
    assert "u\u0304₆" in out and "u₄" in out and "v₁" not in out
    tex = runner.invoke(app, ["trace", MATLAB, "--at", "2,0.5", "--symbol", "u", "-f",
                              "latex"]).stdout
    assert r"\bar{u}_{6}" in tex and "v_{" not in tex
    bad = runner.invoke(app, ["trace", MATLAB, "--at", "2,0.5", "--symbol", "uu"])
    assert bad.exit_code == 2 and "one letter" in bad.output


def test_baydin_numbering_is_kept():
    d = _json("trace", "ln(x1) + x1*x2 - sin(x2)", "--at", "2,5")
    assert [r["id"] for r in d["primal"]] == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"]


def test_folded_value_is_the_unfolded_float64_value():
    for text in ("x*(1/3) + pi/4", "exp(-1/2)*x - 2^0.5", "sin(pi/6)*x + log(10)/3"):
        folded, plain = parse(text), parse(text, fold=False)
        assert folded.n_ops < plain.n_ops
        assert evaluate(folded, [0.7])[folded.outputs[0]] == \
            evaluate(plain, [0.7])[plain.outputs[0]]


def test_one_third_stays_a_third_at_50_digits():
    d = _json("grad", "1/3*x + pi/6*x^2", "--at", "1", "--digits", "50")
    with mpmath.workdps(60):
        want_f = mpmath.mpf(1) / 3 + mpmath.pi / 6
        want_g = mpmath.mpf(1) / 3 + mpmath.pi / 3
        got_f = mpmath.mpf(d["value"] if isinstance(d["value"], str) else d["value"][0])
        got_g = d["gradient"]
        got_g = mpmath.mpf(got_g[0] if isinstance(got_g, list) else got_g)
        assert abs(got_f - want_f) < mpmath.mpf(10) ** -48
        assert abs(got_g - want_g) < mpmath.mpf(10) ** -48


def test_unfoldable_constants_still_report_at_their_row():
    res = runner.invoke(app, ["eval", "log(-1)*x", "--at", "1", "--json"])
    assert res.exit_code == 1 and "v₁" in json.loads(res.stdout)["error"]["message"]


def test_deep_constant_nest_folds_without_recursion():
    text = "(" * 10000 + "1" + "+1)" * 10000 + "*x"
    g = parse(text)
    assert g.n_ops == 1 and evaluate(g, [2.0])[g.outputs[0]] == 20002.0
