"""--digits N: every printed digit against SymPy's evalf at the same precision."""
from __future__ import annotations

import pathlib
import re

import mpmath
import pytest
import sympy as sp

from adcli.ops import CONSTANTS
from adcli.parser import parse
from adcli.point import split_top

SAMPLES = sorted((pathlib.Path(__file__).parent.parent / "samples").glob("*.txt"))
MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def reference(text: str, at: str, digits: int):
    """SymPy, built node by node from the formula with exact decimal constants,
    at an exact point (``2/3`` stays 2/3): values and Jacobian, evalf(digits)."""
    g = parse(text)
    syms = [sp.Symbol(n, real=True) for n in g.names]
    expr = [None] * g.n_nodes
    for i in range(g.n_nodes):
        if i < g.n_inputs:
            expr[i] = syms[i]
        elif g.op[i] is None:
            c = g.const[i]
            expr[i] = sp.pi if abs(c) == CONSTANTS["pi"] else sp.E if abs(c) == CONSTANTS["e"] \
                else sp.Rational(repr(c))
            if c < 0 and abs(c) in CONSTANTS.values():
                expr[i] = -expr[i]
        else:
            expr[i] = g.op[i].sympy(sp, *[expr[a] for a in g.args[i]])
    values = [sp.sympify(p.replace("^", "**"), locals={"pi": sp.pi, "e": sp.E}, rational=True)
              for _, p in split_top(at)]
    subs = dict(zip(syms, values))
    vals = [sp.N(expr[o].subs(subs), digits + 10) for o in g.outputs]
    jac = [[sp.N(sp.diff(expr[o], s).subs(subs), digits + 10) for s in syms]
           for o in g.outputs]
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
def test_samples_match_sympy_to_fifty_digits(adcli, path, mode):
    text = path.read_text()
    at = re.search(r"^# at: (.*)$", text, re.M).group(1)
    g, vals, jac = reference(text, at, 50)
    d = adcli("jacobian", "@" + str(path), "--at", at, "--digits", "50", "--mode", mode,
              "--json").json
    assert len(d["value"]) == len(vals)
    for ours, ref in zip(d["value"], vals):
        assert same_digits(ours, ref, 50), (ours, ref)
    for row, ref_row in zip(d["jacobian"], jac):
        for ours, ref in zip(row, ref_row):
            assert same_digits(ours, ref, 50), (ours, ref)
    e = adcli("eval", "@" + str(path), "--at", at, "--digits", "50", "--json").json
    shown = e["value"] if g.vector else [e["value"]]
    assert all(same_digits(o, r, 50) for o, r in zip(shown, vals))


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
