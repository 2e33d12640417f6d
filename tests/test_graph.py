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
    nodes = re.findall(r"^  n(\d+) \[label=", out, re.M)
    edges = re.findall(r"^  n(\d+) -> n(\d+)", out, re.M)
    assert len(nodes) == 7                    # 2 inputs + 5 operations
    assert len(edges) == 1 + 2 + 1 + 2 + 2    # log, mul, sin, add, sub
    assert out.count("shape=box") == 2        # inputs marked
    assert "peripheries=2" in out and 'out_f [label="f", shape=doublecircle]' in out
    assert "label=\"v₂ = v₋₁·v₀\"" in out and "= 10" not in out  # no values without --at


def test_dot_values_and_partials(adcli):
    out = adcli("graph", BAYDIN, "--at", "2,5").out
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
    out = adcli("graph", NOTES, "--format", "mermaid", "--at", "1.5,0.5").out
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
