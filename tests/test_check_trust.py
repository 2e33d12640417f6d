"""`check` must never pass a wrong number (issue 11, items 1, 5, 6): the cancellation
battery against SymPy at 50 digits built here from the formula's text, the exit codes,
and --against's margins."""
from __future__ import annotations

import mpmath
import pytest
import sympy as sp

x = sp.Symbol("x", real=True)

# formulas that cancel at small arguments, in adcli's syntax and as SymPy expressions
BATTERY = [
    ("(exp(x)-1-x)/x^2", (sp.exp(x) - 1 - x) / x ** 2, ["1e-6", "1e-4", "1e-2"]),
    ("(1-cos(x))/x^2", (1 - sp.cos(x)) / x ** 2, ["1e-5", "1e-3", "0.1"]),
    ("(sqrt(1+x)-1)/x", (sp.sqrt(1 + x) - 1) / x, ["1e-8", "1e-5", "0.5"]),
    ("log(1+x)/x", sp.log(1 + x) / x, ["1e-10", "1e-6", "0.3"]),
    ("(tan(x)-sin(x))/x^3", (sp.tan(x) - sp.sin(x)) / x ** 3, ["1e-4", "1e-2", "0.2"]),
]
CASES = [(text, expr, at) for text, expr, ats in BATTERY for at in ats]


def _exact(expr, at: str, decimal: bool = False):
    """d expr/dx at the point's exact binary value (--digits: its decimal value), 50 digits."""
    p = sp.Rational(at) if decimal else sp.Rational(float(at))
    return sp.diff(expr, x).evalf(50, subs={x: p})


@pytest.mark.slow
@pytest.mark.parametrize("text, expr, at", CASES)
def test_cancellation_battery_never_agrees_on_a_wrong_value(adcli, text, expr, at):
    r = adcli("check", text, "--at", at, "--json")
    (row,) = r.json["rows"]
    want = _exact(expr, at)
    rel = abs(sp.Float(row["reverse"], 30) - want) / abs(want)
    if row["verdict"] == "agree":
        assert r.code == 0
        assert rel <= 1e-9, (text, at, rel)          # --rtol's default: the stated tolerance
    else:
        assert r.code == 4 and row["verdict"] == "disagree", r
        assert rel > 1e-9
        note = " ".join(row["notes"])
        assert "at trace row v" in note and "--digits" in note


@pytest.mark.slow
@pytest.mark.parametrize("text, expr, at", CASES)
def test_cancellation_battery_agrees_under_digits_40(adcli, text, expr, at):
    r = adcli("check", text, "--at", at, "--json", "--digits", "40")
    assert r.code == 0 and r.json["verdict"] == "agree", r
    (row,) = r.json["rows"]
    with mpmath.workdps(60):
        got, exact = mpmath.mpf(row["reverse"]), mpmath.mpf(str(_exact(expr, at, decimal=True)))
        # within --rtol's 1e-9, and far beyond what float64 could give
        assert abs(got - exact) <= abs(exact) * mpmath.mpf(10) ** -25


@pytest.mark.parametrize("text, at, row_name", [
    ("(exp(x)-1-x)/x^2", "1e-6", "v₄"),
    ("(1-cos(x))/x^2", "1e-5", "v₃"),
])
def test_issue_cases_disagree_and_name_the_cancelling_row(adcli, text, at, row_name):
    r = adcli("check", text, "--at", at)
    assert r.code == 4
    assert "verdict: disagree" in r.out
    assert f"cancellation at trace row {row_name}" in r.out and "--digits 30" in r.out
    d = adcli("check", text, "--at", at, "--digits", "30")
    assert d.code == 0 and "verdict: agree" in d.out
    assert "agrees at 30 digits" in d.out and f"trace row {row_name}" in d.out


def test_a_row_that_cancels_to_exactly_zero_is_named_not_an_internal_error(adcli):
    # reverse mode adds 1 + (-1) + 1e-20 for x's adjoint: 0, against the exact 1e-20
    # (the condition estimate of v₁ = x − x = 0 is infinite)
    r = adcli("check", "x - x + 1e-20*x", "--at", "0.3")
    assert r.code == 4 and "internal" not in r.err, r
    assert "trace row v₁ (it cancels to exactly 0" in r.out
    assert adcli("check", "x - x + 1e-20*x", "--at", "0.3", "--digits", "30").code == 0


def test_readme_sin_10x_still_agrees_by_the_rounding_spread(adcli):
    r = adcli("check", "sin(10*x)", "--at", "1.4", "--json")
    assert r.code == 0, r
    (row,) = r.json["rows"]
    assert row["diffs"]["ad_symbolic_ulps"] > 8    # beyond the ULP rule: the spread
    want = sp.diff(sp.sin(10 * x), x).evalf(40, subs={x: sp.Rational(1.4)})
    assert abs(sp.Float(row["reverse"], 30) - want) <= 1e-9 * abs(want)


def test_a_tighter_rtol_caps_the_spread(adcli):
    """sin(10*x) at 1.4 passes only by the spread: an --rtol below its error disagrees."""
    r = adcli("check", "sin(10*x)", "--at", "1.4", "--rtol", "1e-17", "--json")
    assert r.code == 4 and r.json["verdict"] == "disagree", r


# -- item 5: exit codes ---------------------------------------------------------------------
@pytest.mark.parametrize("argv, code", [
    (["x^2*sin(x)", "--at", "1.3"], 0),                               # agree
    (["exp(x)", "--at", "1e200"], 1),                                 # evaluation error
    (["x^2", "--at", "1", "--nope"], 2),                              # usage
    (["abs(x)", "--at", "0"], 3),                                     # inconclusive: a kink
    (["x^2", "--at", "3", "--against", "2*x + 1e-6"], 4),             # disagree
])
def test_exit_codes(adcli, argv, code):
    assert adcli("check", *argv).code == code


def test_exit_codes_are_documented_in_help(adcli):
    text = " ".join(adcli("check", "--help").out.split())
    for words in ("0 agree", "1 the formula cannot be evaluated", "2 bad usage",
                  "3 inconclusive", "4 disagree"):
        assert words in text, words


# -- item 6: --against prints each entry's margin -----------------------------------------------
def test_against_rearrangement_agrees_inside_its_margin(adcli):
    r = adcli("check", "x^2*sin(x)", "--at", "1.3", "--against", "x*(2*sin(x) + x*cos(x))",
              "-k", "20", "--json")
    assert r.code == 0 and r.json["against_verdict"] == "agree", r
    entries = r.json["against"]
    assert len(entries) == 21
    for e in entries:
        # the margin is |got − expected| / (rtol · size); recompute it from the numbers
        assert e["margin"] <= 1 and e["tolerance"] >= 1e-9 * abs(e["expected"])
        assert e["margin"] == pytest.approx(abs(e["got"] - e["expected"]) / e["tolerance"])
    table = adcli("check", "x^2*sin(x)", "--at", "1.3", "--against", "x*(2*sin(x) + x*cos(x))")
    assert "margin" in table.out and "≤ 1 inside" in table.out


def test_against_off_by_one_part_in_a_million_disagrees_outside_its_margin(adcli):
    r = adcli("check", "x^2*sin(x)", "--at", "1.3", "--against",
              "(2*x*sin(x) + x^2*cos(x))*(1 + 1e-6)", "--json")
    assert r.code == 4 and r.json["against_verdict"] == "disagree", r
    (e,) = r.json["against"]
    assert e["margin"] == pytest.approx(1e3, rel=1e-3)      # 1e-6 relative / rtol 1e-9
    table = adcli("check", "x^2*sin(x)", "--at", "1.3", "--against",
                  "(2*x*sin(x) + x^2*cos(x))*(1 + 1e-6)")
    line = next(t for t in table.out.splitlines() if "WRONG" in t)
    assert " 1e+03 " in line and "margin" in table.out
    assert "1e+03 × tol, OUTSIDE" in table.err


# -- layouts --------------------------------------------------------------------------------------
def test_quiet_is_one_line_and_the_exit_code(adcli):
    r = adcli("check", "x1*exp(-(x1^2+x2^2)/2)", "--at", "2,0.5", "--quiet")
    assert r.code == 0 and r.err == ""
    (line,) = r.out.splitlines()
    assert line.startswith("agree: 2/2 partials, max rel. diff ")
    worst = float(line.rsplit(" ", 1)[1])
    # the largest relative difference is the finite difference's, ~1e-11 (float64 FD)
    assert 1e-12 < worst < 1e-9
    bad = adcli("check", "(1-cos(x))/x^2", "--at", "1e-5", "-q")
    assert bad.code == 4 and bad.out.startswith("disagree: 0/1 partial,")
    assert len(bad.out.splitlines()) == 1 and bad.err == ""


@pytest.mark.parametrize("argv", [["--quiet", "--json"], ["--details", "--quiet"],
                                  ["--details", "--json"], ["--quiet", "--plot"]])
def test_layout_options_one_at_a_time(adcli, argv):
    r = adcli("check", "x^2", "--at", "3", *argv)
    assert r.code == 2 and "give one" in r.err


def test_piped_output_has_no_trailing_padding(adcli):
    for extra in ([], ["--details"], ["--against", "2*x*sin(x) + x^2*cos(x)"]):
        r = adcli("check", "x^2*sin(x)", "--at", "1.3", *extra)
        assert r.code == 0
        assert all(line == line.rstrip() for line in r.out.splitlines()), extra


# -- check --points -------------------------------------------------------------------------
def test_check_points_csv_one_verdict_per_point(adcli, tmp_path):
    import csv
    import io
    f = tmp_path / "p.csv"
    f.write_text("x,y\n1,2\n0.5,-1\n")
    r = adcli("check", "x*exp(y)", "--points", str(f))
    assert r.code == 0, r
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert [row["verdict"] for row in rows] == ["agree", "agree"]
    assert [float(row["x"]) for row in rows] == [1.0, 0.5]
    assert all(row["agree"] == row["partials"] == "2" for row in rows)
    assert r.err == "adcli: check: 2 points: 2 agree\n"


def test_check_points_jsonl_worst_verdict_is_the_exit_code(adcli, tmp_path):
    import json
    f = tmp_path / "p.jsonl"
    f.write_text('{"x": 1e-6}\n{"x": 0.1}\n{"x": -1}\n')
    r = adcli("check", "(exp(x)-1-x)/x^2 + log(x)", "--points", str(f), "--json")
    lines = [json.loads(t) for t in r.out.splitlines()]
    assert [d["verdict"] for d in lines] == ["disagree", "agree", "error"]
    assert "at trace row v" in lines[0]["note"] and "log" in lines[2]["note"]
    assert r.code == 4                                # disagree beats the evaluation error
    assert "1 agree, 1 error (row 3), 1 disagree (row 1)" in r.err
    f.write_text('{"x": 0.1}\n{"x": -1}\n')
    assert adcli("check", "(exp(x)-1-x)/x^2 + log(x)", "--points", str(f)).code == 1


def test_check_points_out_file_csv_and_jsonl(adcli, tmp_path):
    import json
    f = tmp_path / "p.csv"
    f.write_text("x\n0.1\n-1\n1e-6\n")
    expr = "(exp(x)-1-x)/x^2 + log(x)"
    # CSV: the same lines stdout would carry, in the file; the summary stays on stderr
    out = tmp_path / "v.csv"
    r = adcli("check", expr, "--points", str(f), "--out-file", str(out))
    assert r.code == 4 and r.out == "" and "1 disagree (row 3)" in r.err
    lines = out.read_text().splitlines()
    assert lines[0] == "x,verdict,agree,partials,max_rel_diff,note"
    assert [ln.split(",")[:2] for ln in lines[1:]] == [["0.1", "agree"], ["-1", "error"],
                                                       ["1e-06", "disagree"]]
    assert out.read_text() == adcli("check", expr, "--points", str(f)).out
    # JSON Lines by the extension, with or without --json
    for extra in ([], ["--json"]):
        js = tmp_path / "v.jsonl"
        assert adcli("check", expr, "--points", str(f), "-o", str(js), *extra).code == 4
        rows = [json.loads(t) for t in js.read_text().splitlines()]
        assert [(d["point"], d["verdict"]) for d in rows] == [
            ([0.1], "agree"), ([-1.0], "error"), ([1e-6], "disagree")]
    # what cannot be: Parquet verdicts, --json into CSV, the input itself, one point
    for argv, why in ((["-o", str(tmp_path / "v.parquet")], ".csv or .jsonl"),
                      (["-o", str(out), "--json"], "drop --json"),
                      (["-o", str(f)], "destroy the input")):
        r = adcli("check", expr, "--points", str(f), *argv)
        assert r.code == 2 and why in r.err, argv
    r = adcli("check", "x^2", "--at", "1", "-o", str(out))
    assert r.code == 2 and "verdict lines of --points" in r.err


def test_check_points_refuses_one_point_options(adcli, tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("x\n1\n")
    for extra in (["--at", "1"], ["--quiet"], ["--details"], ["--digits", "30"]):
        r = adcli("check", "x^2", "--points", str(f), *extra)
        assert r.code == 2 and "--points" in r.err, extra


@pytest.mark.parametrize("text, at, code", [
    ("floor(x)", "1", 3), ("ceil(x)*x", "2", 3), ("sign(x)*x", "0", 3),   # at a jump: no derivative
    ("floor(x)*x", "1.5", 0),                  # between jumps: d/dx = floor(1.5) = 1
])
def test_jumps_of_floor_ceil_sign_are_inconclusive_only_at_the_jump(adcli, text, at, code):
    r = adcli("check", text, "--at", at, "--json")
    assert r.code == code, r
    if code == 0:
        assert r.json["rows"][0]["reverse"] == 1.0
