"""``adcli trace --accumulate steps``: one row per contribution, in the order a reverse
sweep adds it, against Baydin et al. (2018) Table 3 as printed and against SymPy."""
from __future__ import annotations

import json
import math

import sympy as sp
from typer.testing import CliRunner

from adcli.cli import app

runner = CliRunner()
BAYDIN = ["ln(x1) + x1*x2 - sin(x2)", "--at", "2,5"]

# Baydin, Pearlmutter, Radul & Siskind (2018), Table 3 (reverse mode), as printed:
# the adjoint, the contribution it adds, the value (3 decimals).
TABLE3 = [
    ("v̄₅", "1", 1.0),
    ("v̄₄", "v̄₅", 1.0),
    ("v̄₃", "−v̄₅", -1.0),
    ("v̄₁", "v̄₄", 1.0),
    ("v̄₂", "v̄₄", 1.0),
    ("v̄₀", "v̄₃·cos(v₀)", -0.284),
    ("v̄₋₁", "v̄₂·v₀", 5.0),
    ("v̄₀", "v̄₀ + v̄₂·v₋₁", 1.716),
    ("v̄₋₁", "v̄₋₁ + v̄₁/v₋₁", 5.5),
]


def _json(*args: str) -> dict:
    res = runner.invoke(app, ["trace", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _table_rows(out: str, start: str) -> list:
    lines = out.splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith(start))
    rows = []
    for line in lines[k + 3:]:
        if not line.strip() or line.startswith("  "):
            break
        rows.append(line)
    return rows


def test_baydin_table3_row_for_row():
    res = runner.invoke(app, ["trace", *BAYDIN, "--accumulate", "steps"])
    assert res.exit_code == 0, res.output
    rows = _table_rows(res.stdout, "Adjoint trace")
    assert len(rows) == len(TABLE3)
    for line, (lhs, rule, value) in zip(rows, TABLE3, strict=True):
        cells = line.split(None, 1)
        assert cells[0] == lhs
        assert cells[1].startswith(rule + "  ") or cells[1].startswith(rule + " "), line
        assert round(float(line.split()[-1]), 3) == value, line


def test_default_stays_the_sum():
    res = runner.invoke(app, ["trace", *BAYDIN])
    rows = _table_rows(res.stdout, "Adjoint trace")
    assert [r.split()[0] for r in rows] == ["v̄₅", "v̄₄", "v̄₃", "v̄₂", "v̄₁", "v̄₀", "v̄₋₁"]
    assert "partial" not in res.stdout


def test_baydin_json_contributions_in_sweep_order():
    d = _json(*BAYDIN)
    rows = {r["id"]: r for r in d["adjoint"]}
    v0 = rows["v₀"]["contributions"]
    assert [c["from"] for c in v0] == ["v₃", "v₂"]
    assert math.isclose(v0[0]["partial"], math.cos(5.0), rel_tol=1e-15)
    assert math.isclose(v0[0]["value"], -math.cos(5.0), rel_tol=1e-15)
    assert round(v0[0]["running"], 3) == -0.284
    assert v0[1]["partial"] == 2.0 and v0[1]["value"] == 2.0
    assert round(v0[1]["running"], 3) == 1.716
    assert v0[-1]["running"] == rows["v₀"]["value"]
    assert rows["v₅"]["contributions"] == []


def test_course_notes_shared_node_against_sympy():
    """x1·x2 (v₁) gets 1 from the sum and exp(x1·x2) from the exponential: 1 + 2.117."""
    x1, x2, w = sp.symbols("x1 x2 w")
    outer = w + sp.exp(w) - sp.sin(x2)          # f with the shared node w = x1·x2 cut out
    at = {x1: sp.Rational(3, 2), x2: sp.Rational(1, 2), w: sp.Rational(3, 4)}
    via_sum = sp.diff(w, w)                      # through v₃ = v₁ + v₂ ... the "+" path
    via_exp = sp.diff(sp.exp(w), w).subs(at)
    total = sp.diff(outer, w).subs(at)
    d = _json("x1*x2 + exp(x1*x2) - sin(x2)", "--at", "1.5,0.5")
    node = next(r for r in d["adjoint"] if r["id"] == "v₁")
    got = node["contributions"]
    assert len(got) == 2
    assert math.isclose(got[0]["value"], float(via_sum), rel_tol=1e-15)
    assert math.isclose(got[1]["value"], float(via_exp), rel_tol=1e-15)
    assert math.isclose(got[1]["running"], float(total), rel_tol=1e-15)
    assert round(got[0]["value"], 3) == 1 and round(got[1]["value"], 3) == 2.117
    assert round(got[1]["running"], 3) == 3.117


def test_forward_terms_against_sympy():
    """Each v̇ᵢ's terms v̇ⱼ·∂vᵢ/∂vⱼ: v̇₂ = v̇₋₁·v₀ + v̇₀·v₋₁ in the x2 sweep at (2, 5)."""
    d = _json(*BAYDIN, "--mode", "forward", "--wrt", "x2")
    rows = {r["id"]: r for r in d["tangent"][0]["rows"]}
    terms = rows["v₂"]["contributions"]
    assert [t["from"] for t in terms] == ["v₋₁", "v₀"]
    assert [t["partial"] for t in terms] == [5.0, 2.0]
    assert [t["value"] for t in terms] == [0.0, 2.0]
    x1, x2 = sp.symbols("x1 x2")
    f = sp.log(x1) + x1 * x2 - sp.sin(x2)
    last = rows["v₅"]["contributions"][-1]["running"]
    assert math.isclose(last, float(sp.diff(f, x2).subs({x1: 2, x2: 5})), rel_tol=1e-15)


def test_steps_in_markdown_and_latex():
    md = runner.invoke(app, ["trace", *BAYDIN, "--accumulate", "steps", "-f", "markdown"])
    assert "| v̄₀ | v̄₀ + v̄₂·v₋₁ | 2 | 1.7163378145367738 |" in md.stdout
    tex = runner.invoke(app, ["trace", *BAYDIN, "--accumulate", "steps", "-f", "latex"])
    assert tex.exit_code == 0, tex.output
    assert r"$\bar{v}_{0}$ & $= \bar{v}_{0} + \bar{v}_{2} \cdot v_{-1}$ & $2$" in tex.stdout


def test_steps_under_digits_keep_digits():
    d = _json(*BAYDIN, "--digits", "30", "--accumulate", "steps")
    v0 = next(r for r in d["adjoint"] if r["id"] == "v₀")["contributions"]
    import mpmath
    with mpmath.workdps(40):
        want = mpmath.mpf(2) - mpmath.cos(5)
        assert abs(mpmath.mpf(v0[-1]["running"]) - want) < mpmath.mpf(10) ** -28


def test_bad_accumulate_is_a_usage_error():
    res = runner.invoke(app, ["trace", *BAYDIN, "--accumulate", "each"])
    assert res.exit_code == 2
