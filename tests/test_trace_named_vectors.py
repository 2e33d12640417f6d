"""Named vectors (issue 12 §6): ``--direction x1=1`` and ``--cotangent f2=1`` mean 0 for
the entries they leave out; values against SymPy's Jacobian."""
from __future__ import annotations

import json
import math

import sympy as sp
from typer.testing import CliRunner

from adcli.cli import app

runner = CliRunner()
F = "[x1*x2, x1+sin(x2)]"


def _jac():
    x1, x2 = sp.symbols("x1 x2")
    f = sp.Matrix([x1 * x2, x1 + sp.sin(x2)])
    return f.jacobian([x1, x2]).subs({x1: 2, x2: 3})


def _json(*args: str) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_direction_named_entries_zero_fill():
    j = _jac()
    d = _json("jvp", F, "--at", "2,3", "--direction", "x2=1")
    assert d["direction"] == [0, 1]
    for got, want in zip(d["jvp"], [j[0, 1], j[1, 1]], strict=True):
        assert math.isclose(got, float(want), rel_tol=1e-15)
    t = _json("trace", F, "--at", "2,3", "--direction", "x2=1")
    assert t["tangent"][0]["seed"] == [0, 1]


def test_cotangent_named_entries_zero_fill():
    j = _jac()
    d = _json("vjp", F, "--at", "2,3", "--cotangent", "f2=1")
    assert d["cotangent"] == [0, 1]
    for got, want in zip(d["vjp"], [j[1, 0], j[1, 1]], strict=True):
        assert math.isclose(got, float(want), rel_tol=1e-15)


def test_at_still_needs_every_value():
    res = runner.invoke(app, ["grad", "x1*x2", "--at", "x1=1"])
    assert res.exit_code == 2 and "no value for x2" in res.output
