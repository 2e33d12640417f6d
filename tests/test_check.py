"""`adcli check` as a user runs it: verdicts, exit codes, --against, kinks, swell, JSON."""
from __future__ import annotations

import dataclasses
import math

import mpmath
import pytest

from adcli import functions as ops

MATLAB = "x1*exp(-(x1^2+x2^2)/2)"
BAYDIN = "ln(x1) + x1*x2 - sin(x2)"
ROW_KEYS = {"variable", "forward", "reverse", "finite_difference", "fd_error_estimate",
            "symbolic", "symbolic_expression", "max_rel_diff"}


def _check(adcli, *argv):
    r = adcli("check", *argv, "--json")
    return r, r.json


# -- the published examples ------------------------------------------------------------------
def test_matlab_example_agrees(adcli):
    r, d = _check(adcli, MATLAB, "--at", "2,0.5")
    assert r.code == 0, r
    assert d["verdict"] == "agree" and d["command"] == "check"
    # MATLAB's page: ∂f/∂x1 = (1 − x1²)·e^(−(x1²+x2²)/2), ∂f/∂x2 = −x1·x2·e^(...) at (2, 1/2)
    published = [-3 * math.exp(-2.125), -math.exp(-2.125)]
    for row, want in zip(d["rows"], published, strict=True):
        assert ROW_KEYS <= set(row) and "output" not in row
        assert abs(row["forward"] - want) <= 1e-15 and abs(row["reverse"] - want) <= 1e-15
        assert row["finite_difference"] != row["reverse"]                 # close, not exact
        assert abs(row["finite_difference"] - want) < 1e-9
        assert abs(row["finite_difference"] - want) <= 4 * row["fd_error_estimate"]
        assert row["verdict"] == "agree" and row["fd_reliable"]
    assert d["rows"][0]["symbolic_expression"] == \
        "-x1^2*exp(-x1^2/2 - x2^2/2) + exp(-x1^2/2 - x2^2/2)"


def test_matlab_symbolic_value_has_thirty_digits(adcli):
    _, d = _check(adcli, MATLAB, "--at", "2,0.5")
    with mpmath.workdps(50):
        exact = [-3 * mpmath.exp(mpmath.mpf("-2.125")), -mpmath.exp(mpmath.mpf("-2.125"))]
        for row, want in zip(d["rows"], exact, strict=True):
            got = mpmath.mpf(row["symbolic_digits"])
            assert abs(got - want) <= abs(want) * mpmath.mpf(10) ** -29
            assert len(row["symbolic_digits"].lstrip("-0.").replace(".", "")) >= 30


def test_baydin_example_agrees(adcli):
    r, d = _check(adcli, BAYDIN, "--at", "2,5")
    assert r.code == 0, r
    assert d["verdict"] == "agree"
    # Baydin et al., table 2/3: ∂f/∂x1 = 1/x1 + x2 = 5.5, ∂f/∂x2 = x1 − cos(x2) = 1.716
    dx1, dx2 = d["rows"]
    assert dx1["forward"] == dx1["reverse"] == 5.5
    assert abs(dx2["reverse"] - (2 - math.cos(5))) <= 1e-15
    assert round(dx2["reverse"], 3) == 1.716
    for row in d["rows"]:
        assert 0 < abs(row["finite_difference"] - row["reverse"]) < 1e-8
    assert dx1["symbolic_expression"] == "x2 + 1/x1"
    assert dx2["symbolic_expression"] == "x1 - cos(x2)"


def test_jacobian_rows_name_their_output(adcli):
    r, d = _check(adcli, "[r*cos(t), r*sin(t)]", "--at", "r=2,t=pi/6")
    assert r.code == 0 and d["verdict"] == "agree"
    assert [(row["output"], row["variable"]) for row in d["rows"]] == \
        [(1, "r"), (1, "t"), (2, "r"), (2, "t")]
    t = math.pi / 6
    want = [math.cos(t), -2 * math.sin(t), math.sin(t), 2 * math.cos(t)]
    for row, w in zip(d["rows"], want, strict=True):
        assert row["reverse"] == pytest.approx(w, rel=1e-15, abs=1e-15)


def test_table_output(adcli):
    r = adcli("check", MATLAB, "--at", "2,0.5")
    assert r.code == 0, r
    for word in ("forward AD", "reverse AD", "central FD", "SymPy", "∂f/∂x1",
                 "-0.35829890480015886", "expression swell", "verdict: agree"):
        assert word in r.out


# -- disagreement -------------------------------------------------------------------------------
def test_a_wrong_ad_rule_is_caught(adcli, monkeypatch):
    """Break sin's local partial: SymPy and finite differences both disagree with AD."""
    wrong = dataclasses.replace(ops.OPS["sin"], d=lambda m, x, o: (m.sin(x),))
    monkeypatch.setitem(ops.FUNCTIONS, "sin", wrong)
    r, d = _check(adcli, BAYDIN, "--at", "2,5")
    assert r.code == 4
    assert d["verdict"] == "disagree"
    assert [row["verdict"] for row in d["rows"]] == ["agree", "disagree"]
    notes = " ".join(d["rows"][1]["notes"])
    assert "SymPy" in notes and "finite difference" in notes
    table = adcli("check", BAYDIN, "--at", "2,5")
    assert table.code == 4 and "disagree" in table.out


# -- kinks ----------------------------------------------------------------------------------------
def test_abs_at_zero_is_not_a_plain_agree(adcli):
    r, d = _check(adcli, "abs(x)", "--at", "0")
    assert r.code == 3
    assert d["verdict"] == "inconclusive"
    assert d["rows"][0]["fd_reliable"] is False
    assert any("v₁ = |v₀|" in w and "not differentiable" in w for w in d["warnings"])
    assert "v₁ = |v₀|" in r.err


@pytest.mark.parametrize("expr, at", [("abs(x) + x^2", "1e-7"), ("relu(x - 1)", "1.000001"),
                                      ("min(x, y)*3", "1,1.000001"),
                                      ("max(x, 2*y)", "2,1")])
def test_near_a_kink_finite_differences_are_unreliable(adcli, expr, at):
    r, d = _check(adcli, expr, "--at", at)
    assert r.code == 3, r
    assert d["verdict"] == "inconclusive"
    assert any(row["fd_reliable"] is False for row in d["rows"])
    assert any("switches within the step" in w for w in d["warnings"])


def test_away_from_the_kink_abs_agrees(adcli):
    r, d = _check(adcli, "abs(x) + max(x, y)", "--at", "-0.5,0.25")
    assert r.code == 0 and d["verdict"] == "agree"


# -- swell ----------------------------------------------------------------------------------------
def test_nested_formula_swells_symbolically(adcli):
    six = "sin(exp(sin(exp(sin(exp(x*y))))))"
    _, d = _check(adcli, six, "--at", "0.3,0.2")
    s = d["swell"]
    assert set(s) == {"expression_ops", "symbolic_ops", "symbolic_cse_ops", "trace_ops"}
    assert s["symbolic_ops"] > s["trace_ops"]
    assert s["symbolic_cse_ops"] < s["symbolic_ops"]
    assert s["expression_ops"] == 7
    assert d["verdict"] == "agree"


# -- --against ------------------------------------------------------------------------------------
def test_against_correct_derivative(adcli):
    r, d = _check(adcli, "x^2*sin(x)", "--at", "1.3", "--against", "2*x*sin(x) + x^2*cos(x)")
    assert r.code == 0, r
    assert d["against_verdict"] == "agree"
    (entry,) = d["against"]
    assert entry["expected"] == pytest.approx(2 * 1.3 * math.sin(1.3) + 1.69 * math.cos(1.3),
                                              rel=1e-15)
    assert entry["got"] == pytest.approx(entry["expected"], rel=1e-15)


def test_against_wrong_derivative_names_the_entry(adcli):
    r, d = _check(adcli, "x^2*sin(x)", "--at", "1.3", "--against", "2*x*sin(x)")
    assert r.code == 4
    assert d["against_verdict"] == "disagree" and d["verdict"] == "disagree"
    assert d["against"][0]["agree"] is False
    assert "∂f/∂x is wrong at P" in r.err
    assert str(d["against"][0]["got"]) in r.err


def test_against_gradient_list_names_the_wrong_entry(adcli):
    r, d = _check(adcli, BAYDIN, "--at", "2,5", "--against", "[1/x1 + x2, x1 + cos(x2)]")
    assert r.code == 4
    bad = [e["variable"] for e in d["against"] if not e["agree"]]
    assert bad == ["x2"]
    assert "∂f/∂x2 is wrong" in r.err and "∂f/∂x1 is wrong" not in r.err


def test_against_right_at_p_only_fails_with_samples(adcli):
    lucky = "2*x*sin(x) + x^2*cos(x) + (x - 1.3)"
    r = adcli("check", "x^2*sin(x)", "--at", "1.3", "--against", lucky, "--symbolic-timeout", "0")
    assert r.code == 0, r
    r, d = _check(adcli, "x^2*sin(x)", "--at", "1.3", "--against", lucky, "--samples", "8",
                  "--seed", "7", "--symbolic-timeout", "0")
    assert r.code == 4
    wrong = [e for e in d["against"] if not e["agree"]]
    assert wrong and all(e["sample"] > 0 and e["point"] != [1.3] for e in wrong)
    assert "is wrong at (x = " in r.err
    # the same seed gives the same points
    again = adcli("check", "x^2*sin(x)", "--at", "1.3", "--against", lucky, "--samples", "8",
                  "--seed", "7", "--symbolic-timeout", "0", "--json").json
    assert [e["point"] for e in again["against"]] == [e["point"] for e in d["against"]]


def test_against_samples_with_a_correct_gradient(adcli):
    r, d = _check(adcli, MATLAB, "--at", "2,0.5", "--against",
                  "[(1 - x1^2)*exp(-(x1^2+x2^2)/2), -x1*x2*exp(-(x1^2+x2^2)/2)]",
                  "--samples", "20")
    assert r.code == 0, r
    assert len(d["against"]) == 2 * 21 and all(e["agree"] for e in d["against"])


@pytest.mark.parametrize("against, message", [("[x2, x1, 1]", "needs 2 entries"),
                                              ("x2 + z", "'z', which is not a variable"),
                                              ("x2 +", "ends too early")])
def test_against_usage_errors(adcli, against, message):
    r = adcli("check", "x1*x2", "--at", "1,2", "--against", against, "--json")
    assert r.code == 2
    assert message in r.json["error"]["message"]


# -- the symbolic step ----------------------------------------------------------------------------
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_symbolic_timeout_keeps_the_other_columns(adcli):
    prog = "; ".join(["a0 = x"] + [f"a{k} = sin(a{k-1})*cos(a{k-1} + y)" for k in range(1, 30)])
    r, d = _check(adcli, prog + "; a29", "--at", "0.1,0.2", "--symbolic-timeout", "0.3")
    assert d["symbolic"]["state"] == "timeout"
    assert r.code == 0, r                 # finite differences still vouch for AD
    for row in d["rows"]:
        assert row["symbolic"] is None and "timed out" in row["notes"]
        assert row["forward"] is not None and row["finite_difference"] is not None
    assert d["swell"]["symbolic_ops"] is None and d["swell"]["trace_ops"] > 0
    assert "--symbolic-timeout" in r.err


def test_symbolic_can_be_skipped(adcli):
    r, d = _check(adcli, MATLAB, "--at", "2,0.5", "--symbolic-timeout", "0")
    assert r.code == 0 and d["symbolic"]["state"] == "skipped"


def test_fd_outside_the_domain_leaves_sympy_as_reference(adcli):
    r, d = _check(adcli, "sqrt(x)", "--at", "1e-9")
    assert r.code == 0, r
    row = d["rows"][0]
    assert row["finite_difference"] is None and "leaves the domain" in row["notes"][0]
    assert row["symbolic"] == pytest.approx(0.5 / math.sqrt(1e-9), rel=1e-15)


def test_no_reference_at_all_is_inconclusive(adcli):
    r, d = _check(adcli, "sqrt(x)", "--at", "1e-9", "--symbolic-timeout", "0")
    assert r.code == 3 and d["verdict"] == "inconclusive"


# -- --plot ---------------------------------------------------------------------------------------
def test_plot_in_the_terminal(adcli):
    r = adcli("check", "tanh(3*x)", "--at", "0.2", "--plot")
    assert r.code == 0
    assert "log-log" in r.out and "●" in r.out and "▲" in r.out


def test_plot_data_under_json(adcli):
    r, d = _check(adcli, "exp(x)", "--at", "1", "--plot")
    (curve,) = d["plot"]
    errors = dict(zip(curve["h"], curve["error"], strict=True))
    best = min(errors.values())
    assert errors[min(errors)] > 100 * best and errors[max(errors)] > 100 * best   # V shape
    assert curve["ad_error"] < 1e-15
    assert "log-log" in r.err


# -- usage -----------------------------------------------------------------------------------------
def test_errors_and_help(adcli):
    assert adcli("check", "x*y").code == 2
    r = adcli("check", "x+", "--at", "1", "--json")
    assert r.code == 2 and r.json["error"]["type"] == "parse"
    r = adcli("check", "log(x)", "--at", "-1", "--json")
    assert r.code == 1 and "log" in r.json["error"]["message"]
    assert adcli("check", "3").code == 2
    help_text = adcli("check", "--help").out
    for word in ("Exit codes", "inconclusive", "ULP", "error estimate", "--against",
                 "--symbolic-timeout"):
        assert word in help_text


# -- options that would do nothing -----------------------------------------------------------------
@pytest.mark.parametrize("argv, words", [
    (["--samples", "5"], ["--samples", "--against"]),
    (["--seed", "3"], ["--seed", "--against"]),
    (["-k", "5", "--seed", "3"], ["--samples and --seed", "--against"]),
    (["--against", "[x2, x1]", "--seed", "3"], ["--seed", "--samples"]),
])
def test_options_without_their_purpose_are_usage_errors(adcli, argv, words):
    r = adcli("check", "x1*x2", "--at", "1,2", *argv, "--json")
    assert r.code == 2, r
    msg = r.json["error"]["message"]
    assert r.json["error"]["type"] == "usage" and all(w in msg for w in words)


# -- --against: nested Jacobians, formulas that fail -----------------------------------------------
POLAR = "[r*cos(t), r*sin(t)]"


def test_against_nested_jacobian_row_by_row(adcli):
    r, d = _check(adcli, POLAR, "--at", "2,0.5", "--against",
                  "[[cos(t), -r*sin(t)], [sin(t), r*cos(t)]]")
    assert r.code == 0, r
    assert d["against_verdict"] == "agree"
    got = [(e["output"], e["variable"], e["got"]) for e in d["against"]]
    assert got == [(1, "r", math.cos(0.5)), (1, "t", -2 * math.sin(0.5)),
                   (2, "r", math.sin(0.5)), (2, "t", 2 * math.cos(0.5))]
    r, d = _check(adcli, POLAR, "--at", "2,0.5", "--against",
                  "[[cos(t), -r*sin(t)], [sin(t), r*cos(t) + 1]]")
    assert r.code == 4 and "∂f2/∂t is wrong at P" in r.err


@pytest.mark.parametrize("against, message", [
    ("[[cos(t), -r*sin(t)], [sin(t)]]", "row 2 has 1 entries"),
    ("[[cos(t), -r*sin(t)]]", "it has 1 rows"),
    ("[[cos(t), -r*sin(t)], sin(t), r*cos(t)]", "one bracketed row per output"),
])
def test_against_nested_shape_errors(adcli, against, message):
    r = adcli("check", POLAR, "--at", "2,0.5", "--against", against, "--json")
    assert r.code == 2, r
    assert message in r.json["error"]["message"]


def test_against_formula_that_cannot_be_evaluated_is_a_failing_entry(adcli):
    r, d = _check(adcli, "sqrt(x)", "--at", "1", "--against", "1/(2*sqrt(x-1))")
    assert r.code == 4, r
    assert d["verdict"] == "disagree" and d["against_verdict"] == "disagree"
    (entry,) = d["against"]
    assert entry["got"] is None and entry["agree"] is False
    assert entry["expected"] == 0.5 and "division by zero" in entry["error"]
    # the rest of the check is still there
    assert d["rows"][0]["reverse"] == 0.5 and d["rows"][0]["verdict"] == "agree"
    assert "your formula cannot be evaluated at P: division by zero" in r.err
    table = adcli("check", "sqrt(x)", "--at", "1", "--against", "1/(2*sqrt(x-1))")
    assert table.code == 4 and "cannot be evaluated" in table.out
    assert "reverse AD" in table.out and "verdict: disagree" in table.out


# -- SymPy's zeros ---------------------------------------------------------------------------------
@pytest.mark.parametrize("expr, at, note", [
    ("cosh(x)^2 - sinh(x)^2", "0.4", ""),                      # SymPy's derivative is 0
    ("atan(x) + atan(1/x)", "2", "cancels to 0"),              # 0 only after cancellation
])
def test_a_symbolic_zero_prints_as_zero(adcli, expr, at, note):
    r, d = _check(adcli, expr, "--at", at)
    assert r.code == 0, r
    (row,) = d["rows"]
    assert row["symbolic_digits"] == "0" and row["symbolic"] == 0.0
    assert abs(row["reverse"]) <= 1e-15
    assert note in " ".join(row["notes"])
    assert "0.e" not in adcli("check", expr, "--at", at).out


@pytest.mark.parametrize("formula, at", [("hypot(x,1)", "1e160"), ("hypot(x,y)", "1e200,1e200"),
                                         ("atan2(y,x)", "1e100,1e200")])
def test_check_at_huge_values_is_no_internal_error(adcli, formula, at):
    r = adcli("check", formula, "--at", at, "--json")
    assert r.code in (0, 3) and r.json["verdict"] in ("agree", "inconclusive"), r


# -- --precision N: digits shown in the tables, never in JSON ----------------------------------
def _table_cells(out: str, partial: str) -> list:
    line = next(ln for ln in out.splitlines() if ln.startswith(partial))
    return line.split()


@pytest.mark.parametrize("sig", [3, 6])
def test_precision_rounds_the_table(adcli, monkeypatch, sig):
    import sympy as sp
    monkeypatch.setenv("COLUMNS", "250")
    x1, x2 = sp.symbols("x1 x2")
    f = x1 * sp.exp(-(x1 ** 2 + x2 ** 2) / 2)
    r = adcli("check", MATLAB, "--at", "2,0.5", "--precision", str(sig))
    assert r.code == 0, r
    for var in (x1, x2):
        exact = sp.diff(f, var).subs({x1: 2, x2: sp.Rational(1, 2)}).evalf(30)
        want = float(f"{float(exact):.{sig}g}")
        cells = _table_cells(r.out, f"∂f/∂{var}")
        fwd, rev, fd, sym = float(cells[1]), float(cells[2]), float(cells[3]), float(cells[6])
        assert fwd == rev == fd == sym == want
        assert len(cells[2].lstrip("-").replace(".", "").lstrip("0")) <= sig


def test_precision_under_digits(adcli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    r = adcli("check", "exp(x)", "--at", "1", "--digits", "40", "--precision", "8",
              "--symbolic-timeout", "0")
    assert r.code in (0, 3), r
    cells = _table_cells(r.out, "∂f/∂x")
    assert cells[1] == cells[2] == "2.7182818"         # e to 8 digits (mpmath: 2.718281828…)


def test_precision_leaves_json_alone(adcli):
    full = adcli("check", BAYDIN, "--at", "2,5", "--json", "--symbolic-timeout", "0")
    short = adcli("check", BAYDIN, "--at", "2,5", "--json", "--precision", "3",
                  "--symbolic-timeout", "0")
    assert full.code == short.code == 0
    assert full.json == short.json


def test_precision_is_checked(adcli):
    r = adcli("check", BAYDIN, "--at", "2,5", "--precision", "0")
    assert r.code == 2 and "--precision" in r.err
