"""``adcli graph``: DOT and Mermaid computational graphs."""
from __future__ import annotations

import math
import re
import shutil
import subprocess

import pytest

BAYDIN = "ln(x1) + x1*x2 - sin(x2)"
NOTES = "x1*x2 + exp(x1*x2) - sin(x2)"


def test_dot_structure(adcli):
    r = adcli("graph", BAYDIN)
    assert r.code == 0, r
    out = r.out
    assert out.startswith("digraph adcli {") and out.rstrip().endswith("}")
    assert out.count("{") == out.count("}")
    nodes = re.findall(r"^  n(\d+) \[label=", out, re.MULTILINE)
    edges = re.findall(r"^  n(\d+) -> n(\d+)", out, re.MULTILINE)
    assert len(nodes) == 7                    # 2 inputs + 5 operations
    assert len(edges) == 1 + 2 + 1 + 2 + 2    # log, mul, sin, add, sub
    assert out.count("shape=box") == 2        # inputs marked
    assert "peripheries=2" in out and 'out_f [label="f", shape=doublecircle]' in out
    assert "label=\"v₂ = v₋₁·v₀\"" in out and "= 10" not in out  # no values without --at


def test_dot_values_and_partials(adcli):
    out = adcli("graph", BAYDIN, "--at", "2,5", "--precision", "17").out
    assert 'label="v₅ = v₄ − v₃\\n= 11.652071455223084"' in out
    assert f'label="∂ = cos(v₀) = {math.cos(5.0)!r}"' in out
    assert 'label="∂ = 1/v₋₁ = 0.5"' in out and 'label="∂ = -1"' in out


def test_graph_json_partials(adcli):
    d = adcli("graph", BAYDIN, "--at", "2,5", "--json").json
    assert [n["kind"] for n in d["nodes"]].count("input") == 2
    assert [n["outputs"] for n in d["nodes"]][-1] == ["f"]
    partial = {(e["from"], e["to"]): e["value"] for e in d["edges"]}
    assert partial[("v₋₁", "v₂")] == 5 and partial[("v₀", "v₂")] == 2
    assert partial[("v₀", "v₃")] == pytest.approx(math.cos(5.0), rel=1e-15)
    assert partial[("v₋₁", "v₁")] == 0.5


def test_mermaid_like_the_course_notes(adcli):
    out = adcli("graph", NOTES, "--format", "mermaid", "--at", "1.5,0.5", "--precision",
                "17").out
    lines = out.splitlines()
    assert lines[0] == "flowchart LR"
    nodes = [ln for ln in lines if re.match(r"    n\d+[\[(]", ln)]
    assert len(nodes) == 7                    # the notes' 7 primal variables
    edges = [ln for ln in lines if "-->" in ln and "out_" not in ln]
    assert len(edges) == 8
    assert '    n2 -->|"∂ = v₃ = 2.117000016612675"| n4' in lines
    assert "    class n0,n1 input" in lines and "    class n6 output" in lines


def test_mermaid_escapes(adcli):
    out = adcli("graph", "abs(x) + max(x, 1)", "-f", "mermaid", "--at", "2").out
    assert "#124;v₀#124;" in out and "|v" not in out.replace('-->|"', "")
    assert "#gt;" in out                      # [v₀ > 1] in an edge label


def test_graph_ascii(adcli):
    for fmt in ("dot", "mermaid"):
        r = adcli("graph", BAYDIN, "--at", "2,5", "-f", fmt, "--ascii")
        assert r.code == 0 and r.out.isascii(), r


def test_graph_errors(adcli):
    r = adcli("graph", "x+", "--json")
    assert r.code == 2 and "error" in r.json
    r = adcli("graph", "log(x)", "--at", "0", "--json")
    assert r.code == 1 and r.json["error"]["type"] == "evaluation"


@pytest.mark.slow
def test_graph_of_100000_nodes(adcli):
    f = " + ".join(f"x{k % 5 + 1}*exp(-x{k % 3 + 1}/{k + 1})" for k in range(20000))
    r = adcli("graph", f, "--at", "0.1,0.2,0.3,0.4,0.5")
    assert r.code == 0
    assert r.out.count(" -> ") > 100000


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz is not installed")
def test_dot_renders(adcli):  # pragma: no cover - needs Graphviz
    out = adcli("graph", NOTES, "--at", "1.5,0.5").out
    subprocess.run(["dot", "-Tsvg"], input=out.encode(), check=True, capture_output=True)


# -- graph --digits N: values and partials by mpmath, from the exact point ------------------------
MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def _sympy_matlab():
    import sympy as sp
    x1, x2 = sp.symbols("x1 x2")
    at = {x1: 2, x2: sp.Rational(1, 2)}
    e = sp.exp(-(x1 ** 2 + x2 ** 2) / 2)
    return x1 * e, e, at


def test_graph_digits_match_sympy(adcli):
    import mpmath
    f, e, at = _sympy_matlab()
    d = adcli("graph", MATLAB, "--at", "2,1/2", "--digits", "50", "--json").json
    assert d["digits"] == 50 and d["point"] == ["2", "0.5"]
    (out,) = [n for n in d["nodes"] if n["outputs"] == ["f"]]
    with mpmath.workdps(60):
        want = mpmath.mpf(str(f.subs(at).evalf(60)))
        assert abs(mpmath.mpf(out["value"]) - want) <= 1e-49 * abs(want)
        # ∂(x1·e)/∂x1 = e: the edge from x1 into the output
        (edge,) = [x for x in d["edges"] if x["to"] == out["id"] and x["from"] == "v₋₁"]
        want_e = mpmath.mpf(str(e.subs(at).evalf(60)))
        assert abs(mpmath.mpf(edge["value"]) - want_e) <= 1e-49 * abs(want_e)
    assert len(out["value"].replace("-", "").replace(".", "").lstrip("0")) == 50


def test_graph_digits_keep_the_exact_point(adcli):
    # float64's 1/3 is 0.33333333333333331…; mpmath evaluates '1/3' at 40 digits
    d = adcli("graph", "x", "--at", "1/3", "--digits", "40", "--json").json
    assert d["nodes"][0]["value"] == "0." + "3" * 40


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_graph_digits_text_formats(adcli, fmt):
    out = adcli("graph", "x*pi", "--at", "1/3", "--digits", "25", "-f", fmt).out
    assert "0." + "3" * 25 in out
    assert "3.141592653589793238462643" in out          # π to 25 digits (mpmath.pi)
    short = adcli("graph", "x*pi", "--at", "1/3", "--digits", "25", "--precision", "5",
                  "-f", fmt).out
    assert "0.33333" in short and "0.333333" not in short and "3.1416" in short


def test_graph_digits_need_a_point(adcli):
    r = adcli("graph", "x^2", "--digits", "30")
    assert r.code == 2 and "without --at" in r.err and "Traceback" not in r.err


def test_graph_digits_errors_show_numbers(adcli):
    r = adcli("graph", "log(x - 1/3)", "--at", "1/3", "--digits", "30")
    assert r.code == 1 and "mpf(" not in r.err and "domain error" in r.err


# -- one-point commands and --points --------------------------------------------------------------
@pytest.mark.parametrize("argv, words", [
    (["trace", "x^2", "--at", "1", "--points", "p.csv"], "a trace shows every sweep at one point"),
    (["trace", "x^2", "-p", "p.csv"], "a trace shows every sweep at one point"),
    (["graph", "x^2", "--points", "p.csv"], "it draws the formula once"),
    (["graph", "x^2", "--points", "p.csv", "--json"], "it draws the formula once"),
])
def test_one_point_commands_refuse_points(adcli, argv, words):
    r = adcli(*argv)
    assert r.code == 2, r
    assert words in r.err and "--at" in r.err and "No such option" not in r.err
