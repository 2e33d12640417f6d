"""Programs keep their shape (issue 12 §2): rows follow statements, a ``name`` per row
(rebindings c₂, c₃), augmented assignment, output labels that never collide with the
program's own names; micrograd's README program against its published numbers and SymPy."""
from __future__ import annotations

import json
import math
import pathlib

import pytest
import sympy as sp
from typer.testing import CliRunner

from adcli.cli import app

runner = CliRunner()
MICROGRAD = str(pathlib.Path(__file__).parent.parent / "samples" / "micrograd.txt")


def _json(*args: str) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _micrograd_sympy():
    """micrograd's README program, statement by statement, in SymPy (relu = Max(0, x))."""
    a, b = sp.symbols("a b", real=True)
    relu = lambda x: sp.Max(0, x)   # noqa: E731
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + relu(b + a)
    d += 3 * d + relu(b - a)
    e = c - d
    f = e ** 2
    g = f / sp.Rational(2)
    g += 10 / f
    return a, b, g


def test_micrograd_published_numbers():
    """README: g.data 24.7041, a.grad 138.8338, b.grad 645.5773 (printed to 4 decimals)."""
    d = _json("grad", "@" + MICROGRAD, "--at", "-4,2")
    assert f"{d['value']:.4f}" == "24.7041"
    assert [f"{v:.4f}" for v in d["gradient"]] == ["138.8338", "645.5773"]
    a, b, g = _micrograd_sympy()
    at = {a: -4, b: 2}
    assert math.isclose(d["value"], float(g.subs(at)), rel_tol=1e-14)
    for got, v in zip(d["gradient"], (a, b), strict=True):
        assert math.isclose(got, float(sp.diff(g, v).subs(at)), rel_tol=1e-13)


def test_micrograd_rows_follow_the_statements():
    d = _json("trace", "@" + MICROGRAD, "--at", "-4,2")
    names = [r["name"] for r in d["primal"] if r["name"]]
    assert names == ["c", "d", "c₂", "c₃", "d₂", "d₃", "e", "f", "g", "g₂"]
    src = [r["source"] for r in d["primal"]]
    assert src.index("-a") > src.index("a*b + b**3")       # statement 4 after statement 2
    assert d["outputs"][0]["name"] == "g"                  # ends with g += 10.0/f
    assert d["primal"][-1]["name"] == "g₂"
    out = runner.invoke(app, ["trace", "@" + MICROGRAD, "--at", "-4,2"]).stdout
    assert "Adjoint trace for g," in out
    assert any(line.split()[:2] == ["id", "name"] for line in out.splitlines() if line)


def test_single_formula_rows_unchanged():
    d = _json("trace", "ln(x1) + x1*x2 - sin(x2)", "--at", "2,5")
    assert [r["source"] for r in d["primal"]][2:] == \
        ["ln(x1)", "x1*x2", "sin(x2)", "ln(x1) + x1*x2", "ln(x1) + x1*x2 - sin(x2)"]
    assert all(r["name"] is None for r in d["primal"])


@pytest.mark.parametrize("op, sym", [("+=", lambda c, e: c + e), ("-=", lambda c, e: c - e),
                                     ("*=", lambda c, e: c * e), ("/=", lambda c, e: c / e),
                                     ("^=", lambda c, e: c ** e), ("**=", lambda c, e: c ** e)])
def test_augmented_assignment_against_sympy(op, sym):
    x, y = sp.symbols("x y", positive=True)
    c = x * y + 1
    want = sym(c, sp.sin(x) + 2)
    at = {x: sp.Rational(3, 2), y: sp.Rational(1, 2)}
    d = _json("grad", f"c = x*y + 1; c {op} sin(x) + 2", "--at", "1.5,0.5")
    assert d["variables"] == ["x", "y"]
    assert math.isclose(d["value"], float(want.subs(at)), rel_tol=1e-14)
    for got, v in zip(d["gradient"], (x, y), strict=True):
        assert math.isclose(got, float(sp.diff(want, v).subs(at)), rel_tol=1e-13)


def test_output_labels_never_collide():
    d = _json("trace", "f = x*y; f + 1", "--at", "2,3")
    label = d["outputs"][0]["name"]
    assert label not in ("f", "x", "y") and d["value"] == 7
    d = _json("trace", "c = x*2; c", "--at", "2")          # a bare name labels itself
    assert d["outputs"][0]["name"] == "c"
    d = _json("trace", "x*2", "--at", "2")
    assert d["outputs"][0]["name"] == "f"


def test_augmented_needs_a_binding():
    res = runner.invoke(app, ["grad", "c += x", "--at", "1"])
    assert res.exit_code == 2 and "c = ..." in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["grad", "x += 1; x", "--at", "1", "--json"])
    assert res.exit_code == 2 and "error" in json.loads(res.stdout)
