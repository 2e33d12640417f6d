"""``adcli trace``: the published traces (Baydin et al. 2018, the course notes, the
MATLAB page), checked against their numbers, SymPy and central differences."""
from __future__ import annotations

import math
import re

import pytest
import sympy as sp

BAYDIN = "ln(x1) + x1*x2 - sin(x2)"
NOTES = "x1*x2 + exp(x1*x2) - sin(x2)"
MATLAB = "x1*exp(-(x1^2+x2^2)/2)"
X1, X2 = sp.symbols("x1 x2")
SYMPY = {BAYDIN: sp.log(X1) + X1 * X2 - sp.sin(X2),
         NOTES: X1 * X2 + sp.exp(X1 * X2) - sp.sin(X2),
         MATLAB: X1 * sp.exp(-(X1 ** 2 + X2 ** 2) / 2)}
POINTS = {BAYDIN: (2, 5), NOTES: (sp.Rational(3, 2), sp.Rational(1, 2)),
          MATLAB: (2, sp.Rational(1, 2))}


def exact_gradient(formula):
    f, (a, b) = SYMPY[formula], POINTS[formula]
    return [float(sp.diff(f, v).subs({X1: a, X2: b}).evalf(30)) for v in (X1, X2)]


def exact_value(formula):
    a, b = POINTS[formula]
    return float(SYMPY[formula].subs({X1: a, X2: b}).evalf(30))


def at(formula):
    return ",".join(str(float(v)) for v in POINTS[formula])


def trace(adcli, formula, *extra):
    r = adcli("trace", formula, "--at", at(formula), "--json", *extra)
    assert r.code == 0, r
    return r.json


# -- Baydin et al. (2018), Tables 2 and 3 -------------------------------------------------------
def test_baydin_primal_rows(adcli):
    d = trace(adcli, BAYDIN)
    assert [p["id"] for p in d["primal"]] == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"]
    assert [round(p["value"], 3) for p in d["primal"]] == \
        [2, 5, 0.693, 10, -0.959, 10.693, 11.652]
    assert [p["expr"] for p in d["primal"]] == \
        ["x1", "x2", "log(v₋₁)", "v₋₁·v₀", "sin(v₀)", "v₁ + v₂", "v₄ − v₃"]
    assert d["primal"][3]["source"] == "x1*x2"
    assert d["value"] == pytest.approx(exact_value(BAYDIN), rel=1e-15)


def test_baydin_forward_sweep_for_x1_ends_at_5_5(adcli):
    d = trace(adcli, BAYDIN, "--mode", "forward", "--wrt", "x1")
    assert d["mode"] == "forward" and len(d["tangent"]) == 1 and d["adjoint"] == []
    sweep = d["tangent"][0]
    assert sweep["wrt"] == "x1" and sweep["seed"] == [1, 0]
    # Baydin Table 2, right column: 1, 0, 0.5, 5, 0, 5.5, 5.5
    assert [r["value"] for r in sweep["rows"]] == [1, 0, 0.5, 5, 0, 5.5, 5.5]
    rules = {r["lhs"]: r["rule"] for r in sweep["rows"]}
    assert rules["v̇₁"] == "v̇₋₁/v₋₁"
    assert rules["v̇₂"] == "v̇₋₁·v₀ + v₋₁·v̇₀"
    assert rules["v̇₃"] == "v̇₀·cos(v₀)"
    assert rules["v̇₅"] == "v̇₄ − v̇₃"


def test_baydin_adjoint_trace(adcli):
    d = trace(adcli, BAYDIN)
    rows = d["adjoint"]
    assert rows[0] == {"id": "v₅", "lhs": "v̄₅", "rule": "1", "value": 1, "output": 1,
                       "contributions": []}
    byid = {r["id"]: r for r in rows}
    # Baydin Table 3: v̄₄ = 1, v̄₃ = −1, v̄₂ = v̄₁ = 1, x̄1 = 5.5, x̄2 = 1.716
    assert [byid[k]["value"] for k in ("v₄", "v₃", "v₂", "v₁")] == [1, -1, 1, 1]
    assert byid["v₋₁"]["value"] == 5.5
    assert round(byid["v₀"]["value"], 3) == 1.716
    assert byid["v₀"]["rule"] == "v̄₂·v₋₁ + v̄₃·cos(v₀)"
    assert byid["v₋₁"]["rule"] == "v̄₁/v₋₁ + v̄₂·v₀"
    assert byid["v₃"]["rule"] == "−v̄₅"
    assert [r["id"] for r in rows[-2:]] == ["v₀", "v₋₁"]     # ends with the gradient
    assert d["gradient"] == pytest.approx(exact_gradient(BAYDIN), rel=1e-15)


@pytest.mark.parametrize("fmt", ["table", "markdown", "latex"])
def test_baydin_in_every_format(adcli, fmt):
    r = adcli("trace", BAYDIN, "--at", "2,5", "--format", fmt, "--precision", "4")
    assert r.code == 0, r
    for number in ["0.6931", "10.69", "-0.9589", "11.65", "1.716", "5.5"]:
        assert number in r.out, (fmt, number)
    r = adcli("trace", BAYDIN, "--at", "2,5", "-f", fmt, "-m", "forward", "--wrt", "x1")
    assert r.code == 0 and "5.5" in r.out


def test_baydin_markdown_rows(adcli):
    out = adcli("trace", BAYDIN, "--at", "2,5", "-f", "markdown", "--precision", "4").out
    assert "| v₁ | log(v₋₁) | `ln(x1)` | 0.6931 |" in out
    assert "| v̄₀ | v̄₂·v₋₁ + v̄₃·cos(v₀) | 1.716 |" in out
    assert "|---|---|---|---:|" in out


def test_baydin_table_rows(adcli):
    out = adcli("trace", BAYDIN, "--at", "2,5", "--precision", "4").out
    assert re.search(r"v₃\s+sin\(v₀\)\s+sin\(x2\)\s+-0\.9589", out)
    assert re.search(r"v̄₀\s+v̄₂·v₋₁ \+ v̄₃·cos\(v₀\)\s+1\.716", out)
    assert "∂f/∂x1 = 5.5" in out and "reverse mode wins" in out


# -- LaTeX: compiles as is (checked structurally when no compiler is installed) ---------------
def _latex_checks(tex: str, n_rows: int) -> None:
    assert tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}") >= 2
    body = re.sub(r"\\[{}]", "", "\n".join(ln for ln in tex.splitlines()
                                           if not ln.startswith("%")))
    depth = 0
    for ch in body:
        depth += ch == "{"
        depth -= ch == "}"
        assert depth >= 0
    assert depth == 0
    for line in tex.splitlines():
        if line.startswith("%"):
            continue
        assert line.count("$") % 2 == 0, line
        assert line.isascii(), line
    data = [ln for ln in tex.splitlines() if ln.endswith(r"\\") and "multicolumn" not in ln
            and not ln.startswith(r"\textit{")]          # column headers (issue 12 §6)
    assert len(data) == n_rows


def test_latex_structure(adcli):
    tex = adcli("trace", BAYDIN, "--at", "2,5", "-f", "latex").out
    _latex_checks(tex, 7 + 7)
    assert r"$v_{3}$ & $= \sin(v_{0})$ & \texttt{sin(x2)} & $-0.9589242746631385$\\" in tex
    assert r"$\bar{v}_{0}$ & $= \bar{v}_{2} \cdot v_{-1} + \bar{v}_{3} \cdot \cos(v_{0})$" in tex


def test_latex_escapes_and_templates(adcli):
    f = "sqrt(x)^2 + x_1 + cbrt(x) + erf(x)/3 + abs(x) + 1e-7*x"
    tex = adcli("trace", f, "--at", "2,1", "-f", "latex", "-m", "forward").out
    rows = len(adcli("trace", f, "--at", "2,1", "--json").json["primal"])
    _latex_checks(tex, 3 * rows)      # primal + one tangent sweep per input
    assert r"\texttt{sqrt(x)\^{}2}" in tex and r"\mathit{x\_1}" in tex
    assert r"\sqrt{v_{-1}}" in tex and r"\sqrt[3]{" in tex and r"\sqrt{\pi}" in tex
    assert r"10^{-7}" in tex


@pytest.mark.skipif(not __import__("shutil").which("pdflatex"), reason="no pdflatex")
def test_latex_compiles(adcli, tmp_path):  # pragma: no cover - needs TeX
    import subprocess
    tex = adcli("trace", NOTES, "--at", "1.5,0.5", "-f", "latex").out
    doc = tmp_path / "t.tex"
    doc.write_text("\\documentclass{article}\\begin{document}\n" + tex + "\\end{document}\n")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", doc.name],
                   cwd=tmp_path, check=True, capture_output=True)


# -- The course notes: x1·x2 is shared ------------------------------------------------------------
def test_notes_shared_subexpression(adcli):
    d = trace(adcli, NOTES)
    assert len(d["primal"]) == 7
    assert [p["source"] for p in d["primal"]].count("x1*x2") == 1
    byid = {r["id"]: r for r in d["adjoint"]}
    # v₁ = x1·x2 feeds exp and the sum: its adjoint sums two contributions
    assert byid["v₁"]["rule"] == "v̄₃·v₃ + v̄₄"
    assert byid["v₁"]["value"] == pytest.approx(1 + math.exp(0.75), rel=1e-15)
    # the notes' v̄₂ (our v̄₀, x2) = v̄₃·v₁ + v̄₄·cos(v₂) in their numbering
    assert byid["v₀"]["rule"] == "v̄₁·v₋₁ + v̄₂·cos(v₀)"
    assert byid["v₋₁"]["rule"] == "v̄₁·v₀"
    assert d["gradient"] == pytest.approx(exact_gradient(NOTES), rel=1e-14)


def test_notes_forward_rules(adcli):
    d = trace(adcli, NOTES, "-m", "forward", "--wrt", "x1")
    rules = [r["rule"] for r in d["tangent"][0]["rows"]]
    assert rules == ["1", "0", "v̇₋₁·v₀ + v₋₁·v̇₀", "v̇₀·cos(v₀)", "v̇₁·v₃",
                     "v̇₁ + v̇₃", "v̇₄ − v̇₂"]
    assert d["tangent"][0]["derivative"] == pytest.approx(exact_gradient(NOTES)[0])


# -- The MATLAB page: two forward traversals, one reverse -----------------------------------------
def test_matlab_sweeps(adcli):
    fwd = trace(adcli, MATLAB, "--mode", "forward")
    rev = trace(adcli, MATLAB)
    assert [s["wrt"] for s in fwd["tangent"]] == ["x1", "x2"]
    assert len({r["output"] for r in rev["adjoint"]}) == 1
    assert fwd["cost"]["forward"]["sweeps"] == 2 and fwd["cost"]["reverse"]["sweeps"] == 1
    for d in (fwd, rev):
        assert d["gradient"] == pytest.approx(exact_gradient(MATLAB), rel=1e-14)
    # the constant 2 prints as a literal and has no row of its own
    assert len(fwd["primal"]) == 2 + 7
    assert "v̇₋₁·2·v₋₁" in [r["rule"] for r in fwd["tangent"][0]["rows"]]


# -- tangent and adjoint values agree with grad and with references ----------------------------
FORMULAS = [
    ("x1*exp(-(x1^2+x2^2)/2)", "2,0.5"),
    ("atan2(y, x) + hypot(x, y)*tanh(x/y)", "1.5,-0.7"),
    ("x^y + log1p(x)/sqrt(y) - cbrt(x*y)", "1.3,2.1"),
    ("c = a*b; d = sin(c); d*c + c/(a - 3)", "0.4,1.7"),
    ("sigmoid(w1*x + w2) - softplus(-x) + erf(w1)", "0.3,-1.2,0.8"),
]


@pytest.mark.parametrize("formula, point", FORMULAS)
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_trace_matches_grad(adcli, formula, point, mode):
    d = adcli("trace", formula, "--at", point, "--mode", mode, "--json").json
    g = adcli("grad", formula, "--at", point, "--mode", mode, "--json").json
    assert d["gradient"] == g["gradient"] and d["value"] == g["value"]
    if mode == "forward":
        assert [s["derivative"] for s in d["tangent"]] == g["gradient"]
    else:
        n = len(d["variables"])
        assert [r["value"] for r in d["adjoint"][-n:]][::-1] == g["gradient"]


@pytest.mark.parametrize("formula, point", FORMULAS)
def test_tangent_rows_are_central_differences(adcli, formula, point):
    """Every v̇ᵢ of the sweep for input j is ∂vᵢ/∂xⱼ: compare with the primal rows
    of the traces at x ± h·eⱼ (same formula, so the same rows)."""
    base = [float(v) for v in point.split(",")]
    d = adcli("trace", formula, "--at", point, "-m", "forward", "--json").json
    h = 1e-6
    for j, sweep in enumerate(d["tangent"]):
        vals = []
        for sign in (1, -1):
            p = list(base)
            p[j] += sign * h
            r = adcli("trace", formula, "--at", ",".join(map(repr, p)), "--json").json
            vals.append([row["value"] for row in r["primal"]])
        for row, up, down in zip(sweep["rows"], *vals, strict=True):
            want = (up - down) / (2 * h)
            assert row["value"] == pytest.approx(want, rel=1e-6, abs=1e-7)


def test_direction_is_a_jvp(adcli):
    d = trace(adcli, MATLAB, "--direction", "1,0.5")
    assert d["mode"] == "forward" and d["tangent"][0]["wrt"] is None
    assert d["tangent"][0]["seed"] == [1, 0.5]
    g = exact_gradient(MATLAB)
    assert d["tangent"][0]["derivative"] == pytest.approx(g[0] + 0.5 * g[1], rel=1e-14)
    assert d["gradient"] == pytest.approx(g, rel=1e-14)


# -- vector formulas ----------------------------------------------------------------------------
def test_vector_forward_and_reverse(adcli):
    f = "[r*cos(t), r*sin(t), 3]"
    fwd = adcli("trace", f, "--at", "2,0.5", "-m", "forward", "--json").json
    rev = adcli("trace", f, "--at", "2,0.5", "--json").json
    ref = [[math.cos(0.5), -2 * math.sin(0.5)], [math.sin(0.5), 2 * math.cos(0.5)], [0, 0]]
    assert len(fwd["tangent"]) == 2
    assert sorted({r["output"] for r in rev["adjoint"]}) == [1, 2, 3]
    for d in (fwd, rev):
        assert d["value"] == pytest.approx([2 * math.cos(0.5), 2 * math.sin(0.5), 3])
        for row, want in zip(d["gradient"], ref, strict=True):
            assert row == pytest.approx(want, rel=1e-15)
    one = adcli("trace", f, "--at", "2,0.5", "--output", "2", "--json").json
    assert one["value"] == pytest.approx(2 * math.sin(0.5))
    assert one["gradient"] == pytest.approx(ref[1])
    assert {r["output"] for r in one["adjoint"]} == {2}
    assert one["adjoint"][0]["lhs"] == "v̄₄" and one["adjoint"][0]["rule"] == "1"


# -- inactive rows, ascii, limits, scale ----------------------------------------------------------
def test_constant_subexpressions_fold_out_of_the_sweeps(adcli):
    """2*3 is one constant 6 (issue 12 §4): no inactive row with v̇ = 0 remains."""
    d = adcli("trace", "2*3 + x", "--at", "1", "-m", "forward", "--json").json
    rows = d["tangent"][0]["rows"]
    assert [(r["lhs"], r["rule"], r["value"]) for r in rows] == \
        [("v̇₀", "1", 1), ("v̇₁", "v̇₀", 1)]
    assert d["primal"][1]["expr"] == "v₀ + 6" or d["primal"][1]["expr"] == "6 + v₀"
    d = adcli("trace", "2*3 + x", "--at", "1", "--json").json
    assert [r["lhs"] for r in d["adjoint"]] == ["v̄₁", "v̄₀"]


def test_ascii(adcli):
    for fmt in ("table", "markdown"):
        for mode in ("forward", "reverse"):
            r = adcli("trace", NOTES, "--at", "1.5,0.5", "--ascii", "-f", fmt, "-m", mode)
            assert r.code == 0 and r.out.isascii(), r
    out = adcli("trace", BAYDIN, "--at", "2,5", "--ascii").out
    assert "vbar0" in out and "vbar2*v-1 + vbar3*cos(v0)" in out
    d = adcli("trace", BAYDIN, "--at", "2,5", "--ascii", "--json").json
    assert d["primal"][2]["id"] == "v1" and d["adjoint"][-1]["lhs"] == "vbar-1"


def _chain(n: int) -> str:
    return " + ".join(f"x{k % 7 + 1}*sin(x{(k * 3) % 7 + 1} + {k})" for k in range(n))


@pytest.mark.slow
def test_limit_shortens_tables(adcli):
    f = _chain(100)            # 400 rows
    point = ",".join(str(0.1 * k) for k in range(1, 8))
    out = adcli("trace", f, "--at", point).out
    assert "rows not shown" in out and "--limit 0" in out
    assert "v₃₉₉" in out                                # the last rows stay visible
    short = adcli("trace", f, "--at", point, "--limit", "10", "-f", "markdown").out
    assert "rows not shown" in short
    assert short.count("\n| v₋") + short.count("\n| v₁") < 30
    full = adcli("trace", f, "--at", point, "--limit", "0").out
    assert "rows not shown" not in full


@pytest.mark.slow
def test_15000_node_trace_is_complete_as_json(adcli):
    f = _chain(3750)           # 7 inputs, 14,999 operations
    point = ",".join(str(0.1 * k) for k in range(1, 8))
    d = adcli("trace", f, "--at", point, "--json").json
    assert len(d["primal"]) == 7 + 14999 == len(d["adjoint"])
    x = [0.1 * k for k in range(1, 8)]
    ref = [0.0] * 7
    for k in range(3750):       # d/dx of Σ x_a·sin(x_b + k), by hand
        a, b = k % 7, (k * 3) % 7
        ref[a] += math.sin(x[b] + k)
        ref[b] += x[a] * math.cos(x[b] + k)
    assert d["gradient"] == pytest.approx(ref, rel=1e-10)
    assert all(len(p["source"]) <= 200 for p in d["primal"])


@pytest.mark.slow
def test_deep_nesting(adcli):
    f = "sin(" * 10000 + "x" + ")" * 10000
    d = adcli("trace", f, "--at", "0.5", "--json").json
    assert len(d["primal"]) == 10001
    v, dv = 0.5, 1.0
    for _ in range(10000):
        v, dv = math.sin(v), dv * math.cos(v)
    assert d["value"] == pytest.approx(v) and d["gradient"] == pytest.approx([dv])


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, code, words", [
    (["x+y", "--at", "1,2", "--wrt", "z"], 2, "unknown variable 'z'"),
    (["x+y", "--at", "1,2", "--wrt", "x", "--mode", "reverse"], 2, "forward-mode"),
    (["x+y", "--at", "1,2", "--wrt", "x", "--direction", "1,0"], 2, "not both"),
    (["[x, y]", "--at", "1,2", "--output", "3"], 2, "2 outputs"),
    (["x+y"], 2, "--at"),
    (["x+y", "--at", "1,2", "--direction", "1"], 2, "--direction"),
    (["log(x)", "--at", "-1"], 1, "log needs x > 0"),
    (["x+*y", "--at", "1,2"], 2, ""),
])
def test_errors(adcli, argv, code, words):
    r = adcli("trace", *argv, "--json")
    assert r.code == code, r
    assert words in r.err and "Traceback" not in r.err
    assert "error" in r.json
