"""--digits N: every printed digit against SymPy's evalf at the same precision."""
from __future__ import annotations

import re

import mpmath
import pytest
import sympy as sp
from sympy_reference import SAMPLES, to_sympy

from adcli.parser import parse
from adcli.point import split_top

MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def reference(text: str, at: str, digits: int):
    """SymPy, built node by node from the formula with exact decimal constants,
    at an exact point (``2/3`` stays 2/3): values and Jacobian, evalf(digits)."""
    g = parse(text)
    syms, exprs = to_sympy(g, decimal=True)
    values = [sp.sympify(p.replace("^", "**"), locals={"pi": sp.pi, "e": sp.E}, rational=True)
              for _, p in split_top(at)]
    subs = dict(zip(syms, values, strict=True))
    vals = [sp.N(f.subs(subs), digits + 10) for f in exprs]
    jac = [[sp.N(sp.diff(f, s).subs(subs), digits + 10) for s in syms] for f in exprs]
    return g, vals, jac


def same_digits(ours: str, ref, digits: int) -> bool:
    """Our N-digit text is the reference correctly rounded to N digits."""
    with mpmath.workdps(digits + 20):
        r = mpmath.mpf(str(ref))
        o = mpmath.mpf(ours)
        if r == 0:
            return abs(o) < mpmath.mpf(10) ** (-digits)
        return abs(o - r) <= abs(r) * mpmath.mpf(10) ** (1 - digits) / 2 * 1.0001


def test_matlab_example_fifty_digits_exactly(adcli):
    d = adcli("grad", MATLAB, "--at", "2,1/2", "--digits", "50", "--json").json
    x1, x2 = sp.symbols("x1 x2")
    f = x1 * sp.exp(-(x1 ** 2 + x2 ** 2) / 2)
    at = {x1: 2, x2: sp.Rational(1, 2)}
    assert d["digits"] == 50 and d["point"] == ["2", "0.5"]
    assert d["value"] == str(sp.N(f.subs(at), 50))
    assert d["gradient"] == [str(sp.N(sp.diff(f, v).subs(at), 50)) for v in (x1, x2)]
    # strings, so no digit is lost in JSON
    assert all(isinstance(v, str) for v in d["gradient"])


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_samples_match_sympy_to_fifty_digits(adcli, path, mode):
    text = path.read_text()
    at = re.search(r"^# at: (.*)$", text, re.MULTILINE).group(1)
    g, vals, jac = reference(text, at, 50)
    d = adcli("jacobian", "@" + str(path), "--at", at, "--digits", "50", "--mode", mode,
              "--json").json
    assert len(d["value"]) == len(vals)
    for ours, ref in zip(d["value"], vals, strict=True):
        assert same_digits(ours, ref, 50), (ours, ref)
    for row, ref_row in zip(d["jacobian"], jac, strict=True):
        for ours, ref in zip(row, ref_row, strict=True):
            assert same_digits(ours, ref, 50), (ours, ref)
    e = adcli("eval", "@" + str(path), "--at", at, "--digits", "50", "--json").json
    shown = e["value"] if g.vector else [e["value"]]
    assert all(same_digits(o, r, 50) for o, r in zip(shown, vals, strict=True))


def test_decimal_constants_are_exact(adcli):
    # 0.1 is one tenth, not the float64 next to it
    d = adcli("eval", "x + 0.1", "--at", "1e-30", "--digits", "40", "--json").json
    assert d["value"] == "0.100000000000000000000000000001"


def test_table_prints_the_digits(adcli):
    r = adcli("eval", "sqrt(x)", "--at", "2", "--digits", "60")
    assert r.code == 0
    assert str(sp.N(sp.sqrt(2), 60)) in r.out


@pytest.mark.parametrize("args, needle", [
    (["eval", "log(x)", "--at", "-1"], "v₁ = log(v₀)"),
    (["eval", "sqrt(x)", "--at", "-2"], "sqrt needs x ≥ 0"),
    (["eval", "asin(x)", "--at", "2"], "asin needs"),
    (["eval", "x^0.5", "--at", "-1"], "domain error"),
    (["eval", "1/x", "--at", "0"], "division by zero"),
    (["eval", "exp(exp(exp(x)))", "--at", "3"], "overflow"),
])
def test_domain_errors_name_the_row(adcli, args, needle):
    # mpmath would answer log(-1) with a complex number; adcli reports the row
    r = adcli(*args, "--digits", "30", "--json")
    assert r.code == 1, r
    assert r.json["error"]["type"] == "evaluation" and needle in r.json["error"]["message"]


def test_digits_is_not_for_points(adcli, tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("x\n1\n")
    r = adcli("grad", "x^2", "--points", str(p), "--digits", "20")
    assert r.code == 2 and "--digits" in r.err


# -- trace --digits: every row of the trace ---------------------------------------------------
X1, X2 = sp.symbols("x1 x2")


def norm(text: str) -> str:
    """'4.000…0' and '4' are the same 50 digits: drop trailing zeros of a fraction."""
    if "e" in text or "." not in text:
        return text
    return text.rstrip("0").rstrip(".")


def exact(source: str, at: dict, digits: int) -> str:
    """SymPy's own parse of a row's source text, evalf(digits) at an exact point."""
    expr = sp.sympify(source.replace("^", "**"), locals={"x1": X1, "x2": X2, "ln": sp.log})
    return norm(str(sp.N(expr.subs(at), digits)))


def gradient(formula: str, at: dict, digits: int) -> list:
    f = sp.sympify(formula.replace("^", "**"), locals={"x1": X1, "x2": X2, "ln": sp.log})
    return [norm(str(sp.N(sp.diff(f, v).subs(at), digits))) for v in (X1, X2)]


MATLAB_AT = {X1: 2, X2: sp.Rational(1, 2)}


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_trace_matlab_fifty_digits_match_sympy(adcli, mode):
    d = adcli("trace", MATLAB, "--at", "2,1/2", "--digits", "50", "--mode", mode,
              "--json").json
    assert d["digits"] == 50 and d["point"] == ["2", "0.5"]
    assert len(d["primal"]) == 9
    for row in d["primal"]:
        assert isinstance(row["value"], str)
        assert norm(row["value"]) == exact(row["source"], MATLAB_AT, 50), row
    want = gradient(MATLAB, MATLAB_AT, 50)
    assert [norm(v) for v in d["gradient"]] == want
    assert d["value"] == exact(MATLAB, MATLAB_AT, 50)
    assert len(d["value"].lstrip("-0.")) == 50          # 50 significant digits, all shown
    if mode == "forward":
        # every tangent v̇ᵢ of the sweep for x_j is ∂(row i's source)/∂x_j
        for j, (sweep, x) in enumerate(zip(d["tangent"], (X1, X2), strict=True)):
            assert sweep["seed"] == (["1", "0"] if j == 0 else ["0", "1"])
            assert norm(sweep["derivative"]) == want[j]
            for row, primal in zip(sweep["rows"], d["primal"], strict=True):
                src = sp.sympify(primal["source"].replace("^", "**"),
                                 locals={"x1": X1, "x2": X2})
                ref = norm(str(sp.N(sp.diff(src, x).subs(MATLAB_AT), 50)))
                assert norm(row["value"]) == ref, (row, ref)
    else:
        n = len(d["variables"])
        assert [norm(r["value"]) for r in d["adjoint"][-n:]][::-1] == want


@pytest.mark.parametrize("fmt", ["table", "markdown", "latex"])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_trace_formats_print_every_digit(adcli, fmt, mode):
    r = adcli("trace", MATLAB, "--at", "2,1/2", "--digits", "50", "-f", fmt, "-m", mode)
    assert r.code == 0, r
    f = X1 * sp.exp(-(X1 ** 2 + X2 ** 2) / 2)
    for v in [f, sp.exp(-(X1 ** 2 + X2 ** 2) / 2), sp.diff(f, X1), sp.diff(f, X2)]:
        assert str(sp.N(v.subs(MATLAB_AT), 50)) in r.out, (fmt, v)
    assert "50 significant digits" in r.out
    assert "mpf" not in r.out


BAYDIN = "ln(x1) + x1*x2 - sin(x2)"
BAYDIN_AT = {X1: 2, X2: 5}


def test_trace_baydin_thirty_digits(adcli):
    """Baydin et al. (2018), Tables 2 and 3, at 30 digits: the primal rows, the
    tangent sweep for x1 (1, 0, 0.5, 5, 0, 5.5, 5.5) and the adjoints."""
    d = adcli("trace", BAYDIN, "--at", "2,5", "--digits", "30", "--json").json
    assert d["digits"] == 30
    for row in d["primal"]:
        assert norm(row["value"]) == exact(row["source"], BAYDIN_AT, 30), row
    assert d["primal"][2]["value"] == "0.693147180559945309417232121458"    # ln 2
    byid = {r["id"]: r["value"] for r in d["adjoint"]}
    assert [byid[k] for k in ("v₅", "v₄", "v₃", "v₂", "v₁", "v₋₁")] == \
        ["1", "1", "-1", "1", "1", "5.5"]
    assert norm(byid["v₀"]) == norm(str(sp.N(2 - sp.cos(5), 30)))          # 1.716…
    assert [norm(v) for v in d["gradient"]] == gradient(BAYDIN, BAYDIN_AT, 30)
    fwd = adcli("trace", BAYDIN, "--at", "2,5", "--digits", "30", "-m", "forward",
                "--wrt", "x1", "--json").json
    assert [r["value"] for r in fwd["tangent"][0]["rows"]] == \
        ["1", "0", "0.5", "5", "0", "5.5", "5.5"]
    tex = adcli("trace", BAYDIN, "--at", "2,5", "--digits", "30", "-f", "latex").out
    assert "$0.693147180559945309417232121458$" in tex and tex.count("$") % 2 == 0


def test_trace_digits_keeps_the_exact_point_and_direction(adcli):
    d = adcli("trace", "x*y", "--at", "2/3,pi", "--digits", "40", "--direction", "1/3,0",
              "--json").json
    third = str(sp.N(sp.Rational(1, 3), 40))
    assert d["tangent"][0]["seed"] == [third, "0"]
    assert d["tangent"][0]["derivative"] == str(sp.N(sp.pi / 3, 40))
    assert d["value"] == str(sp.N(2 * sp.pi / 3, 40))


def test_trace_digits_errors_and_warnings_show_numbers(adcli):
    r = adcli("trace", "log(x)", "--at", "-1/3", "--digits", "30", "--json")
    assert r.code == 1 and r.json["error"]["row"] == "v₁"
    assert "v₀ = −0.333333333333333333333333333333," in r.json["error"]["message"]
    r = adcli("trace", "max(x, y)", "--at", "1/3,1/3", "--digits", "20", "--json")
    assert r.code == 0 and "mpf" not in r.err and "mpf" not in r.out
    assert "0.33333333333333333333" in r.json["warnings"][0]


def test_digits_errors_show_the_asked_digits_and_range(adcli):
    # (1/3 alone is folded into a constant; x/3 is a row computed at 30 digits)
    r = adcli("eval", "(-8)^(x/3)", "--at", "1", "--digits", "30", "--json")
    assert r.code == 1 and "v₁ = 0.333333333333333333333333333333," in r.json["error"]["message"]
    r = adcli("eval", "exp(x)", "--at", "1e7", "--digits", "30", "--json")
    msg = r.json["error"]["message"]
    assert r.code == 1 and "overflow" in msg and "float64" not in msg and "--digits" in msg


def test_digits_exponents_print_like_float64(adcli):
    assert adcli("eval", "x*1e-30", "--at", "3", "--digits", "20", "--json").json["value"] \
        == "3e-30"


def test_digits_cbrt_of_a_negative_number_is_the_real_root(adcli):
    d = adcli("grad", "cbrt(x)", "--at", "-2", "--digits", "30", "--json").json
    assert d["value"] == "-1.25992104989487316476721060728"
    assert d["gradient"] == ["0.20998684164914552746120176788"]   # 1/(3·2^(2/3))
