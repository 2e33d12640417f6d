"""The command × option matrix (issue 10 §2): every cell works or is a clear usage error.

Commands: eval, grad, jacobian, hessian, jvp, vjp, hvp, derivative, trace, graph, check.
Options: --at, --points, --digits, --json, --precision, --vars.  A cell that works exits 0;
a cell that makes no sense exits 2 with a message that names the option and says why (never
"No such option", never a traceback).  Some cells are also checked for their numbers
against SymPy / mpmath, independently of adcli.
"""
from __future__ import annotations

import csv
import io
import json

import mpmath
import pytest
import sympy as sp

X, Y = sp.symbols("x y")
AT = "1/3,2"                      # exact: 1/3 is computed at every precision asked for
EXACT = {X: sp.Rational(1, 3), Y: 2}

# command -> (formula, extra arguments, the SymPy expression(s))
BASE = {
    "eval": ("x*y + sin(x)", [], X * Y + sp.sin(X)),
    "grad": ("x*y + sin(x)", [], X * Y + sp.sin(X)),
    "jacobian": ("[x*y, sin(x)*y]", [], [X * Y, sp.sin(X) * Y]),
    "hessian": ("x*y^3 + sin(x)", [], X * Y**3 + sp.sin(X)),
    "jvp": ("[x*y, sin(x)*y]", ["--direction", "1,-1"], [X * Y, sp.sin(X) * Y]),
    "vjp": ("[x*y, sin(x)*y]", ["--cotangent", "1,-1"], [X * Y, sp.sin(X) * Y]),
    "hvp": ("x*y^3 + sin(x)", ["--direction", "1,-1"], X * Y**3 + sp.sin(X)),
    "derivative": ("sin(x)*y", ["--direction", "1,-1", "--order", "3"], sp.sin(X) * Y),
    "trace": ("x*y + sin(x)", [], X * Y + sp.sin(X)),
    "graph": ("x*y + sin(x)", [], X * Y + sp.sin(X)),
    "check": ("x*y + sin(x)", [], X * Y + sp.sin(X)),
}
POINTWISE = ["eval", "grad", "jacobian", "hessian", "jvp", "vjp", "hvp", "derivative"]
MODELS = ["trace", "graph"]          # check --points: a verdict line per point
COMMANDS = POINTWISE + MODELS
OPTIONS = ["--at", "--points", "--digits", "--json", "--precision", "--vars"]

def _points(tmp_path) -> str:
    p = tmp_path / "points.csv"
    p.write_text("x,y\n0.5,2\n1,-1\n-2,0.25\n")
    return str(p)


def args_for(command: str, option: str, tmp_path) -> list:
    formula, extra, _ = BASE[command]
    at = ["--at", AT]
    if option == "--at":
        return [command, formula, *at, *extra]
    if option == "--points":
        return [command, formula, "--points", _points(tmp_path), *extra]
    if option == "--digits":
        return [command, formula, *at, *extra, "--digits", "30"]
    if option == "--json":
        return [command, formula, *at, *extra, "--json"]
    if option == "--precision":
        return [command, formula, *at, *extra, "--precision", "4"]
    return [command, formula, *at, *extra, "--vars", "x,y"]


def expected_usage_error(command: str, option: str) -> bool:
    """The cells that make no sense: many points for a one-point model (trace, graph)."""
    return command in MODELS and option == "--points"


CELLS = [(c, o) for c in COMMANDS for o in OPTIONS]


@pytest.mark.parametrize("command,option", CELLS)
def test_every_cell_works_or_says_why(adcli, tmp_path, command, option):
    r = adcli(*args_for(command, option, tmp_path))
    assert "Traceback" not in r.err and "internal error" not in r.err, r
    if expected_usage_error(command, option):
        assert r.code == 2, r
        assert option in r.err and "No such option" not in r.err, r
        return
    assert r.code == 0, r
    if option == "--json":
        assert json.loads(r.out)["command"] in (command, "graph")


# -- numbers in a few cells, against SymPy at high precision -------------------------------------
def close(ours, ref, digits: int = 14) -> bool:
    with mpmath.workdps(60):
        o, r = mpmath.mpf(str(ours)), mpmath.mpf(str(sp.N(ref, 50)))
        return abs(o - r) <= max(abs(r), 1) * mpmath.mpf(10) ** (1 - digits)


def grad_of(expr) -> list:
    return [sp.diff(expr, v) for v in (X, Y)]


def test_grad_digits_thirty_digits_match_sympy(adcli):
    d = adcli(*args_for("grad", "--digits", None), "--json").json
    f = BASE["grad"][2]
    assert d["digits"] == 30 and close(d["value"], f.subs(EXACT), 30)
    for ours, ref in zip(d["gradient"], grad_of(f), strict=True):
        assert close(ours, ref.subs(EXACT), 30)


def test_hessian_and_hvp_digits_match_sympy(adcli):
    f = BASE["hessian"][2]
    H = sp.hessian(f, (X, Y)).subs(EXACT)
    d = adcli("hessian", BASE["hessian"][0], "--at", AT, "--digits", "40", "--json").json
    for i in range(2):
        for j in range(2):
            assert close(d["hessian"][i][j], H[i, j], 40)
    d = adcli("hvp", BASE["hvp"][0], "--at", AT, "--direction", "1,-1", "--digits", "40",
              "--json").json
    Hv = H * sp.Matrix([1, -1])
    assert all(close(d["hvp"][i], Hv[i], 40) for i in range(2))


def test_jvp_vjp_digits_match_sympy(adcli):
    fs = BASE["jvp"][2]
    J = sp.Matrix(fs).jacobian((X, Y)).subs(EXACT)
    d = adcli("jvp", BASE["jvp"][0], "--at", AT, "--direction", "1,-1", "--digits", "35",
              "--json").json
    Jv = J * sp.Matrix([1, -1])
    assert all(close(d["jvp"][i], Jv[i], 35) for i in range(2))
    d = adcli("vjp", BASE["vjp"][0], "--at", AT, "--cotangent", "1,-1", "--digits", "35",
              "--json").json
    wJ = sp.Matrix([[1, -1]]) * J
    assert all(close(d["vjp"][i], wJ[i], 35) for i in range(2))


def _rows(out: str) -> list:
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("command", ["jvp", "vjp", "hvp", "derivative"])
def test_new_points_cells_match_sympy_at_every_point(adcli, tmp_path, command):
    """--points on jvp/vjp/hvp/derivative: the direction/cotangent given once serves
    every point; each JSON Lines record is that point's --json object."""
    formula, extra, f = BASE[command]
    r = adcli(command, formula, "--points", _points(tmp_path), *extra, "--json")
    assert r.code == 0, r
    records = [json.loads(line) for line in r.out.splitlines()]
    assert len(records) == 3
    for rec in records:
        at = dict(zip((X, Y), rec["point"], strict=True))
        if command == "jvp":
            ref = sp.Matrix(f).jacobian((X, Y)).subs(at) * sp.Matrix([1, -1])
            assert all(close(a, b) for a, b in zip(rec["jvp"], ref, strict=True))
        elif command == "vjp":
            ref = sp.Matrix([[1, -1]]) * sp.Matrix(f).jacobian((X, Y)).subs(at)
            assert all(close(a, b) for a, b in zip(rec["vjp"], ref, strict=True))
        elif command == "hvp":
            ref = sp.hessian(f, (X, Y)).subs(at) * sp.Matrix([1, -1])
            assert all(close(a, b) for a, b in zip(rec["hvp"], ref, strict=True))
        else:   # derivatives of t -> f(x + t, y - t) at t = 0
            t = sp.Symbol("t")
            line = f.subs({X: at[X] + t, Y: at[Y] - t}, simultaneous=True)
            ref = [sp.diff(line, t, k).subs(t, 0) for k in range(4)]
            assert all(close(a, b, 12) for a, b in zip(rec["derivatives"], ref, strict=True))
        single = adcli(command, formula, "--at", ",".join(map(repr, rec["point"])), *extra,
                       "--json").json
        assert single == rec
    csv_out = adcli(command, formula, "--points", _points(tmp_path), *extra)
    assert csv_out.code == 0 and len(_rows(csv_out.out)) == 3


def test_precision_rounds_tables_only(adcli):
    full = adcli("grad", "x*y + sin(x)", "--at", AT, "--json").json
    assert adcli("grad", "x*y + sin(x)", "--at", AT, "--json", "--precision", "3").json == full
    table = adcli("grad", "x*y + sin(x)", "--at", AT, "--precision", "3").out
    ref = sp.N((X * Y + sp.sin(X)).subs(EXACT), 3)
    assert f"f = {float(ref):.3g}" in table
    assert repr(full["value"]) not in table


def test_precision_under_digits_rounds_the_mpmath_numbers(adcli):
    out = adcli("eval", "sqrt(x)", "--at", "2", "--digits", "50", "--precision", "12").out
    assert "f = 1.41421356237" in out and "1.414213562373095" not in out


def test_vars_orders_the_inputs(adcli):
    d = adcli("grad", "x*y + sin(x)", "--at", "2,1/3", "--vars", "y,x", "--json").json
    assert d["variables"] == ["y", "x"]
    f = BASE["grad"][2]
    ref = [sp.diff(f, v).subs(EXACT) for v in (Y, X)]
    assert all(close(a, b) for a, b in zip(d["gradient"], ref, strict=True))


@pytest.mark.parametrize("command", POINTWISE)
def test_digits_with_points_is_a_usage_error(adcli, tmp_path, command):
    formula, extra, _ = BASE[command]
    r = adcli(command, formula, "--points", _points(tmp_path), *extra, "--digits", "20")
    assert r.code == 2 and "--digits" in r.err and "--points" in r.err, r


@pytest.mark.parametrize("command", POINTWISE)
def test_precision_with_points_is_a_usage_error(adcli, tmp_path, command):
    formula, extra, _ = BASE[command]
    r = adcli(command, formula, "--points", _points(tmp_path), *extra, "--precision", "3")
    assert r.code == 2 and "--precision" in r.err and "--points" in r.err, r


@pytest.mark.parametrize("text, ref", [
    ("sin(x)*exp(x) + sqrt(x)", lambda x: mpmath.sin(x) * mpmath.exp(x) + mpmath.sqrt(x)),
    ("gamma(x) + sinc(x)", lambda x: mpmath.gamma(x) + mpmath.sin(x) / x),
    ("atanh(x)^2/(1+x)", lambda x: mpmath.atanh(x) ** 2 / (1 + x)),
])
def test_derivative_digits_against_mpmath_at_60_digits(adcli, text, ref):
    r = adcli("derivative", text, "--at", "0.3", "--order", "5", "--digits", "40", "--json")
    assert r.code == 0, r
    with mpmath.workdps(60):
        x0 = mpmath.mpf(3) / 10       # the exact point: --digits reads 0.3 as 3/10
        for k, got in enumerate(r.json["derivatives"]):
            want = mpmath.diff(ref, x0, k)
            assert abs(mpmath.mpf(got) - want) <= abs(want) * mpmath.mpf(10) ** -38, k


def test_derivative_digits_above_order_8_says_why(adcli):
    r = adcli("derivative", "sin(x)", "--at", "1", "--digits", "30", "--order", "9")
    assert r.code == 2 and "--order 8" in r.err and "nested dual" in r.err
