"""`adcli check` on smooth formulas: no false `disagree` from float64 rounding, while a
wrong derivative rule is still caught.  References: SymPy at 50 digits, built here from
the formula text (test code, not user input), at the exact binary value of the point."""
from __future__ import annotations

import dataclasses
import random

import pytest
import sympy as sp

from adcli import checking as check
from adcli import functions as ops
from adcli import parser
from adcli.checking import fd
from adcli.checking.finite import dependence, straddles
from adcli.engine import evaluate, linearize
from adcli.parser import parse

# (formula, point): the audit's false disagreements and their relatives
SMOOTH = [
    ("sin(10*x)", "1.4"),
    ("sin(exp(sin(exp(sin(exp(x))))))", "0.3"),
    ("sin(exp(sin(exp(sin(exp(x))))))", "1"),
    ("sin(exp(sin(exp(sin(exp(x))))))", "2"),
    ("log(sigmoid(x))", "5"),
    ("1-tanh(x)", "4"),
    ("tanh(x)^2", "4"),
    ("exp(x1)*sin(10*x2)", "-2.436842,-2.829915"),
    ("exp(x1)*sin(10*x2)", "1.57368,-2.987364"),
    ("sin(x*y*z)+exp(z)", "-2.37435,-2.765173,-2.560839"),
    ("cos(1000*x)*x", "0.056173250053306756"),
    ("x^3 - 3*x*y^2", "0.4934199161234343,-0.48280909520298687"),
]
# seeded random points for the audit's exp(x1)*sin(10*x2)
_rng = random.Random(4)
SMOOTH += [("exp(x1)*sin(10*x2)", f"{_rng.uniform(-3, 3)!r},{_rng.uniform(-3, 3)!r}")
           for _ in range(6)]


def exact_gradient(text: str, at: str) -> list:
    g = parse(text)
    syms = sp.symbols(" ".join(g.names), real=True, seq=True)
    expr = sp.sympify(text.replace("^", "**"), locals={
        **dict(zip(g.names, syms, strict=True)), "sigmoid": lambda u: 1 / (1 + sp.exp(-u))})
    point = [sp.Rational(float(v)) for v in at.split(",")]
    subs = dict(zip(syms, point, strict=True))
    return [sp.diff(expr, s).evalf(50, subs=subs) for s in syms]


@pytest.mark.parametrize("expr, at", SMOOTH)
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_correct_ad_on_smooth_formulas_agrees(adcli, expr, at):
    r = adcli("check", expr, "--at", at, "--json")
    assert r.code == 0, r
    d = r.json
    assert d["verdict"] == "agree"
    for row, want in zip(d["rows"], exact_gradient(expr, at), strict=True):
        assert row["verdict"] == "agree" and row["fd_reliable"]
        # the AD value really is float64's derivative: within its own rounding spread
        # of the exact value, and the spread is no wider than it must be
        gap = abs(sp.Rational(row["reverse"]) - want)
        assert gap <= check.ROUNDING_FACTOR * row["ad_rounding_spread"] + \
            check.MIN_AD_ULPS * 2.3e-16 * max(abs(row["reverse"]), 1e-300) * 4
        assert row["ad_rounding_spread"] <= 1e-2 * abs(float(want))


def test_ill_conditioned_derivative_says_how_many_digits_are_left(adcli):
    r = adcli("check", "(1-cos(x))/x^2", "--at", "1e-3", "--json")
    assert r.code == 4 and r.json["verdict"] == "disagree", r     # off by far more than --rtol
    (row,) = r.json["rows"]
    want = float(exact_gradient("(1-cos(x))/x^2", "1e-3")[0])      # −x/12 + …
    assert want == pytest.approx(-1e-3 / 12, rel=1e-4)
    assert abs(row["reverse"] - want) > 1e-4 * abs(want)            # float64 loses digits here
    assert any("ill-conditioned" in w and "∂f/∂x" in w for w in r.json["warnings"])
    assert "ill-conditioned" in r.err


def test_rounding_spread_is_tiny_where_nothing_is_amplified():
    g = parse("x1*exp(-(x1^2+x2^2)/2)")
    p = [2.0, 0.5]
    base = check.FLOAT.differentiate(g, p, "reverse")[1]
    spread = check.rounding_spread(g, p, base)
    for row_s, row_b in zip(spread, base, strict=True):
        for s, b in zip(row_s, row_b, strict=True):
            assert 0 < s <= 8 * 2.3e-16 * abs(b)


def test_rounding_spread_is_reproducible():
    g = parse("sin(10*x)")
    base = check.FLOAT.differentiate(g, [1.4], "reverse")[1]
    assert check.rounding_spread(g, [1.4], base) == check.rounding_spread(g, [1.4], base)


# -- a wrong rule is still caught ----------------------------------------------------------------
def _skewed(op, rel=1e-6):
    """The op with every local partial off by ``rel`` (relative)."""
    return dataclasses.replace(op, d=lambda m, *a: tuple(p * (1 + rel) for p in op.d(m, *a)))


@pytest.mark.parametrize("name, expr, at, fd_sees_it", [
    ("sin", "sin(10*x)", "1.4", True),                            # the widened tolerance
    ("sin", "sin(exp(sin(exp(sin(exp(x))))))", "0.3", True),
    ("exp", "sin(exp(sin(exp(sin(exp(x))))))", "1", True),
    ("exp", "x1*exp(-(x1^2+x2^2)/2)", "2,0.5", True),
    ("tanh", "tanh(x)^2", "0.7", True),
    ("sqrt", "sqrt(x^2+1)-x", "3", True),
    ("mul", "exp(x1)*sin(10*x2)", "0.3,-1.2", True),
    ("pow", "x^y", "1.5,2.5", True),
    # FD's error estimate here (2e-9 on 1e-6) cannot resolve 1e-6 relative; SymPy can
    ("log", "log(x+1e6) - log(1e6)", "1", False),
])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_a_derivative_off_by_one_part_in_a_million_disagrees(adcli, monkeypatch, name, expr, at,
                                                            fd_sees_it):
    wrong = _skewed(ops.OPS[name])
    if name == "mul":
        monkeypatch.setattr(parser, "_MUL", wrong)
    elif name == "pow":
        monkeypatch.setattr(parser, "_POW", wrong)
        monkeypatch.setitem(ops.FUNCTIONS, "pow", wrong)
    else:
        monkeypatch.setitem(ops.FUNCTIONS, name, wrong)
    r = adcli("check", expr, "--at", at, "--json")
    assert r.code == 4, r
    d = r.json
    assert d["verdict"] == "disagree"
    assert any("AD and SymPy differ" in n for row in d["rows"] for n in row["notes"])
    # finite differences on their own see it where their error estimate is small enough
    fine = all(fd.ROUNDOFF_ULPS * row["fd_error_estimate"] < 0.5e-6 * abs(row["reverse"])
               for row in d["rows"] if row["reverse"])
    assert fine == fd_sees_it
    r = adcli("check", expr, "--at", at, "--json", "--symbolic-timeout", "0")
    assert r.json["verdict"] == ("disagree" if fd_sees_it else "agree"), r


# -- finite differences when intermediates cancel --------------------------------------------------
@pytest.mark.parametrize("expr, at", [
    ("log(x+1e6) - log(1e6)", "1"),
    ("log(x*y) - log(x) - log(y)", "2,3"),
    ("exp(x)-1-x", "1e-5"),
    ("sqrt(x^2+1)-x", "1000"),
])
def test_fd_round_off_sees_cancelling_intermediates(adcli, expr, at):
    r = adcli("check", expr, "--at", at, "--json", "--symbolic-timeout", "0")
    assert r.code == 0, r                                 # FD alone vouches for AD
    for row, want in zip(r.json["rows"], exact_gradient(expr, at), strict=True):
        assert row["fd_reliable"] and row["verdict"] == "agree"
        err = row["fd_error_estimate"]
        assert abs(row["finite_difference"] - float(want)) <= fd.ROUNDOFF_ULPS * err
        assert err < 1e-8                                # an estimate, not a shrug


def test_rounding_sizes_sum_intermediates_times_adjoints():
    g = parse("log(x+1e6) - log(1e6)")
    vals = evaluate(g, [1.0])
    lin = linearize(g, vals)
    deps = dependence(g)
    (s,) = check.rounding_sizes(g, vals, lin, deps)[0]
    # |x+1e6|·1/(x+1e6) + |log(x+1e6)|·1 + |f|·1; log(1e6) does not vary with x
    import math
    assert s == pytest.approx(1 + math.log(1e6 + 1) + (math.log(1e6 + 1) - math.log(1e6)),
                              rel=1e-12)


# -- finite differences across a pole or many periods ----------------------------------------------
POLES = [("1/(1-x)", "0.999999"), ("tan(x)", "1.5707963"), ("sin(x)", "1e10")]


@pytest.mark.parametrize("expr, at", POLES)
def test_fd_across_a_pole_is_unreliable_and_sympy_decides(adcli, expr, at):
    r = adcli("check", expr, "--at", at, "--json")
    assert r.code == 0, r
    (row,) = r.json["rows"]
    assert row["fd_reliable"] is False and row["verdict"] == "agree"
    assert "Richardson ratio" in " ".join(row["notes"])
    assert any("Richardson ratio" in w for w in r.json["warnings"])
    want = exact_gradient(expr, at)[0]
    assert abs(row["reverse"] - float(want)) <= 1e-14 * abs(float(want))


@pytest.mark.parametrize("expr, at", POLES)
def test_fd_across_a_pole_without_sympy_is_inconclusive(adcli, expr, at):
    r = adcli("check", expr, "--at", at, "--json", "--symbolic-timeout", "0")
    assert r.code == 3 and r.json["verdict"] == "inconclusive", r


def test_fd_alone_off_while_ad_agrees_with_sympy_is_inconclusive(adcli, monkeypatch):
    monkeypatch.setattr(fd, "RATIO_LO", float("-inf"))       # no ratio test: FD looks fine
    monkeypatch.setattr(fd, "RATIO_HI", float("inf"))
    r = adcli("check", "tan(x)", "--at", "1.5707963", "--json")
    assert r.code == 3, r
    (row,) = r.json["rows"]
    assert row["verdict"] == "inconclusive" and row["fd_reliable"]
    notes = " ".join(row["notes"])
    assert "finite difference is" in notes and "AD agrees with SymPy" in notes


# -- point kinks -----------------------------------------------------------------------------------
@pytest.mark.parametrize("expr, at", [("hypot(x,y)", "1e-7,1e-7"), ("atan2(y,x)", "1e-7,1e-7"),
                                      ("hypot(x,y)", "0,3e-6"), ("hypot(x,y)*2", "0,0")])
def test_fd_near_a_point_kink_is_unreliable(adcli, expr, at):
    r = adcli("check", expr, "--at", at, "--json")
    assert r.code == 3, r
    assert r.json["verdict"] == "inconclusive"
    assert all(row["fd_reliable"] is False for row in r.json["rows"])
    assert any("switches within the step" in w for w in r.json["warnings"])


@pytest.mark.parametrize("expr, at", [("hypot(x,y)", "1,1e-7"), ("atan2(y,x)", "1e-3,1e-3"),
                                      ("hypot(x,y)", "-2e-4,1e-7")])
def test_away_from_a_point_kink_fd_counts(adcli, expr, at):
    r = adcli("check", expr, "--at", at, "--json", "--symbolic-timeout", "0")
    assert r.code == 0, r
    assert all(row["fd_reliable"] for row in r.json["rows"])


def test_straddle_rules():
    s = straddles
    assert s([(1.0,), (-1e-9,)]) and s([(0.0,)]) and not s([(1.0,), (2.0,)])
    # a point kink: distance to (0, 0) against the spread of the samples
    assert s([(1e-7, 1e-7), (2e-5, 1e-7), (-2e-5, 1e-7)])
    assert not s([(1.0, 1e-7), (1.00002, 1e-7), (0.99998, 1e-7)])


def test_a_wrong_partial_near_a_kink_still_disagrees(adcli, monkeypatch):
    # abs switches within the FD step at 1e-7, so FD is unreliable; SymPy is not, and the
    # point is not at the kink itself, so SymPy's word decides (a wrong sin rule: disagree)
    monkeypatch.setitem(ops.FUNCTIONS, "sin", _skewed(ops.OPS["sin"]))
    r = adcli("check", "abs(x) + sin(x)", "--at", "1e-7", "--json")
    assert r.code == 4 and r.json["verdict"] == "disagree", r
    monkeypatch.undo()
    r = adcli("check", "abs(x) + sin(x)", "--at", "1e-7", "--json")   # the right rule
    assert r.code == 3 and r.json["verdict"] == "inconclusive", r
