"""`adcli check --digits N`: AD, finite differences and SymPy at N digits, checked against
SymPy built here (exact decimal constants, exact point) at N + 10 digits."""
from __future__ import annotations

import mpmath
import sympy as sp

MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def _run(adcli, *argv):
    r = adcli("check", *argv, "--json")
    return r, r.json


def _n_digits(ref, digits: int) -> str:
    """SymPy's value correctly rounded to ``digits`` digits, as adcli prints it."""
    from adcli.render.numbers import digits_text
    with mpmath.workdps(digits + 20):
        return digits_text(mpmath.mpf(str(ref)), digits)


def test_matlab_example_agrees_in_all_fifty_digits(adcli):
    r, d = _run(adcli, MATLAB, "--at", "2,0.5", "--digits", "50")
    assert r.code == 0, r
    assert d["verdict"] == "agree" and d["digits"] == 50 and d["point"] == ["2", "0.5"]
    x1, x2 = sp.symbols("x1 x2", real=True)
    f = x1 * sp.exp(-(x1 ** 2 + x2 ** 2) / 2)
    at = {x1: 2, x2: sp.Rational(1, 2)}
    for row, v in zip(d["rows"], (x1, x2), strict=True):
        ref = sp.diff(f, v).evalf(60, subs=at)
        want = _n_digits(ref, 50)
        assert row["forward"] == want and row["reverse"] == want        # all 50 digits
        assert row["symbolic"] == want
        assert len(row["symbolic_digits"].lstrip("-0.").replace(".", "")) >= 60
        with mpmath.workdps(80):
            got, exact = mpmath.mpf(row["reverse"]), mpmath.mpf(str(ref))
            assert abs(got - exact) <= abs(exact) * mpmath.mpf(10) ** -49 / 2
            # the finite difference at 50 digits: close, within its estimate, far
            # better than float64 could do, and not equal
            fdv, err = mpmath.mpf(row["finite_difference"]), mpmath.mpf(row["fd_error_estimate"])
            assert abs(fdv - exact) <= 4 * err and err < mpmath.mpf(10) ** -30
            assert fdv != got
        assert row["verdict"] == "agree" and row["fd_reliable"]
    assert isinstance(d["value"], str) and all(isinstance(x["forward"], str) for x in d["rows"])


def test_decimal_constants_and_exact_points_reach_sympy(adcli):
    # 0.1 is one tenth and 1/3 is a third at 40 digits: with float64's 0.1 SymPy would
    # differ from AD in the 17th digit and the check would fail
    r, d = _run(adcli, "sin(0.1*x) + pi*x", "--at", "1/3", "--digits", "40")
    assert r.code == 0, r
    x = sp.Symbol("x", real=True)
    ref = sp.diff(sp.sin(x / 10) + sp.pi * x, x).evalf(60, subs={x: sp.Rational(1, 3)})
    assert d["rows"][0]["reverse"] == _n_digits(ref, 40)


def test_an_ill_conditioned_derivative_is_right_with_digits(adcli):
    # float64 keeps 2 digits of this derivative (test_check_rounding); mpmath's guard
    # digits keep ~28 of 30 here, and the check says how many
    r, d = _run(adcli, "(1-cos(x))/x^2", "--at", "1e-3", "--digits", "30")
    assert r.code == 0, r
    x = sp.Symbol("x", real=True)
    ref = sp.diff((1 - sp.cos(x)) / x ** 2, x).evalf(60, subs={x: sp.Rational(1, 1000)})
    with mpmath.workdps(60):
        got, exact = mpmath.mpf(d["rows"][0]["reverse"]), mpmath.mpf(str(ref))
        assert abs(got - exact) <= abs(exact) * mpmath.mpf(10) ** -25
        assert abs(got - exact) > abs(exact) * mpmath.mpf(10) ** -30
    assert any("ill-conditioned" in w and "of the 30 digits" in w for w in d["warnings"])
    r, d = _run(adcli, "(1-cos(x))/x^2", "--at", "1e-3", "--digits", "50")
    assert d["rows"][0]["reverse"][:30] == _n_digits(ref, 50)[:30]


def test_a_wrong_rule_disagrees_under_digits(adcli, monkeypatch):
    import dataclasses

    from adcli import functions as ops
    exp = ops.OPS["exp"]
    monkeypatch.setitem(ops.FUNCTIONS, "exp", dataclasses.replace(     # off in the 35th digit
        exp, d=lambda m, x, o: tuple(p * (1 + mpmath.mpf(10) ** -35) for p in exp.d(m, x, o))))
    r, d = _run(adcli, MATLAB, "--at", "2,0.5", "--digits", "50")
    assert r.code == 4 and d["verdict"] == "disagree", r
    assert all(any("AD and SymPy differ" in n for n in row["notes"]) for row in d["rows"])


def test_error_under_digits_names_the_trace_row(adcli):
    r, d = _run(adcli, "log(x)", "--at", "-1", "--digits", "30")
    assert r.code == 1
    msg = d["error"]["message"]
    assert "v₁ = log(v₀)" in msg and "log needs x > 0" in msg and "mpf(" not in msg
    assert d["error"]["row"] == "v₁"


def test_against_under_digits(adcli):
    r, d = _run(adcli, "x^2*sin(x)", "--at", "1/3", "--digits", "40",
                "--against", "2*x*sin(x) + x^2*cos(x)", "--samples", "3")
    assert r.code == 0, r
    assert d["against_verdict"] == "agree" and len(d["against"]) == 4
    assert all(isinstance(e["got"], str) and e["got"] == e["expected"] for e in d["against"])
    r, d = _run(adcli, "x^2*sin(x)", "--at", "1/3", "--digits", "40",
                "--against", "2*x*sin(x) + x^2*cos(x) + 1e-30")
    assert r.code == 4 and d["against_verdict"] == "disagree"     # float64 could not see it


def test_table_under_digits(adcli):
    r = adcli("check", MATLAB, "--at", "2,0.5", "--digits", "50")
    assert r.code == 0, r
    assert "SymPy (50 digits)" in r.out and "verdict: agree" in r.out
    assert "-0.35829890480015885398763084283564423245144765494327" in r.out


def test_plot_does_not_go_with_digits(adcli):
    r = adcli("check", "exp(x)", "--at", "1", "--digits", "30", "--plot")
    assert r.code == 2 and "--plot" in r.err


def test_negative_points_keep_their_sign_in_sympy(adcli):
    r, d = _run(adcli, "x^3 + sin(y)", "--at", "-1/3,-2", "--digits", "30")
    assert r.code == 0, r
    x, y = sp.symbols("x y", real=True)
    at = {x: sp.Rational(-1, 3), y: -2}
    for row, v in zip(d["rows"], (x, y), strict=True):
        want = _n_digits(sp.diff(x ** 3 + sp.sin(y), v).evalf(50, subs=at), 30)
        assert row["symbolic"] == want and row["reverse"] == want
