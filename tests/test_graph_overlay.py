"""``adcli graph --mode reverse|forward`` (issue 12 §5): adjoints/tangents per node and
contributions per edge in DOT, Mermaid and JSON, against Baydin et al. Table 3 and SymPy;
--rankdir, 4 significant digits, per-use constants, and micrograd's width with dot -Tpng."""
from __future__ import annotations

import math
import pathlib
import re
import shutil
import struct
import subprocess

import pytest
import sympy as sp

BAYDIN = ["ln(x1) + x1*x2 - sin(x2)", "--at", "2,5"]
MICROGRAD = str(pathlib.Path(__file__).parent.parent / "samples" / "micrograd.txt")


def test_reverse_overlay_json_against_table3(adcli):
    d = adcli("graph", *BAYDIN, "--mode", "reverse", "--json").json
    adj = {n["id"]: n["adjoint"] for n in d["nodes"]}
    # Baydin et al. Table 3: x̄1 = v̄₋₁ = 5.5, x̄2 = v̄₀ = 1.716, v̄₃ = −1
    assert adj["v₋₁"] == 5.5 and round(adj["v₀"], 3) == 1.716 and adj["v₃"] == -1
    edge = {(e["from"], e["to"]): e for e in d["edges"]}
    assert round(edge[("v₀", "v₃")]["contribution"], 3) == -0.284      # v̄₃·∂v₃/∂v₀
    assert edge[("v₀", "v₂")]["contribution"] == 2.0                    # v̄₂·∂v₂/∂v₀
    # contributions into a node sum to its adjoint
    for n in d["nodes"]:
        into = [e["contribution"] for e in d["edges"] if e["from"] == n["id"]]
        if into:
            assert math.isclose(sum(into), n["adjoint"], rel_tol=1e-15)


def test_forward_overlay_against_sympy(adcli):
    d = adcli("graph", *BAYDIN, "--mode", "forward", "--wrt", "x1", "--json").json
    x1, x2 = sp.symbols("x1 x2")
    at = {x1: 2, x2: 5}
    want = {"v₁": sp.diff(sp.log(x1), x1), "v₂": sp.diff(x1 * x2, x1),
            "v₅": sp.diff(sp.log(x1) + x1 * x2 - sp.sin(x2), x1)}
    tan = {n["id"]: n["tangent"] for n in d["nodes"]}
    for k, expr in want.items():
        assert math.isclose(tan[k], float(expr.subs(at)), rel_tol=1e-15)
    assert all("contribution" in e for e in d["edges"])


def test_overlays_in_dot_and_mermaid(adcli):
    dot = adcli("graph", *BAYDIN, "--mode", "reverse").out
    assert 'label="v₀ = x2\\n= 5\\nv\u0304₀ = 1.716"' in dot
    assert 'label="∂ = cos(v₀) = 0.2837\\nv\u0304₃·∂ = -0.2837"' in dot
    mmd = adcli("graph", *BAYDIN, "--mode", "forward", "--wrt", "x1", "-f", "mermaid").out
    assert "v\u0307₅ = 5.5" in mmd and "∂·v\u0307₋₁ = 5" in mmd


# Baydin et al. Table 3 under the MATLAB page's letter: every overlay label says u
@pytest.mark.parametrize("mode, extra", [("reverse", []), ("forward", ["--wrt", "x1"])])
def test_overlay_labels_honour_symbol(adcli, mode, extra):
    args = ["graph", *BAYDIN, "--mode", mode, *extra, "--symbol", "u"]
    mark = "\u0304" if mode == "reverse" else "\u0307"
    for fmt in ("dot", "mermaid"):
        out = adcli(*args, "-f", fmt).out
        assert "v" + mark not in out and "v₀" not in out, (fmt, out)
        if mode == "reverse":    # v̄₀ = 2 − cos 5 = 1.716; v̄₃·∂v₃/∂v₀ = −cos 5
            assert f"u{mark}₀ = 1.716" in out and f"u{mark}₃·∂ = -0.2837" in out
        else:                    # v̇₅ = 1/2 + 5 = 5.5; ∂v₂/∂v₋₁·v̇₋₁ = x2 = 5
            assert f"u{mark}₅ = 5.5" in out and f"∂·u{mark}₋₁ = 5" in out
    d = adcli(*args, "--json").json
    what = "adjoint" if mode == "reverse" else "tangent"
    labels = {n["id"]: n[what + "_label"] for n in d["nodes"] if n["kind"] != "constant"}
    assert labels["u₀"] == f"u{mark}₀" and labels["u₋₁"] == f"u{mark}₋₁"
    edge = {(e["from"], e["to"]): e for e in d["edges"]}
    want = f"u{mark}₃·∂u₃/∂u₀" if mode == "reverse" else f"∂u₃/∂u₀·u{mark}₀"
    assert edge[("u₀", "u₃")]["contribution_label"] == want
    asc = adcli(*args, "--ascii").out
    assert ("ubar0 = 1.716" if mode == "reverse" else "udot5 = 5.5") in asc


def test_rankdir_and_precision(adcli):
    assert "rankdir=TB;" in adcli("graph", *BAYDIN, "--rankdir", "TB").out
    assert adcli("graph", *BAYDIN, "--rankdir", "TB", "-f", "mermaid").out.startswith(
        "flowchart TB")
    assert '= 11.65"' in adcli("graph", *BAYDIN).out
    assert "= 11.652071455223084" in adcli("graph", *BAYDIN, "--precision", "17").out


def test_constants_one_node_per_use(adcli):
    out = adcli("graph", "2*x + 2*y + x^2", "--at", "1,1").out
    twos = re.findall(r'^  (n\d+c\d+_\d) \[label="2"', out, re.MULTILINE)
    assert len(twos) == 3 and len(set(twos)) == 3
    for key in twos:
        assert len(re.findall(rf"^  {key} -> ", out, re.MULTILINE)) == 1


def test_overlay_usage_errors(adcli):
    r = adcli("graph", "ln(x1) + x1*x2 - sin(x2)", "--mode", "reverse", "--json")
    assert r.code == 2 and "--at" in r.json["error"]["message"]
    assert adcli("graph", *BAYDIN, "--mode", "forward").code == 2           # which input?
    assert adcli("graph", "[x, x*x]", "--at", "1", "--mode", "reverse").code == 2
    assert adcli("graph", *BAYDIN, "--mode", "forward", "--wrt", "z").code == 2


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("extra", [[], ["--mode", "reverse"]])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_micrograd_dot_fits_a_page(adcli, tmp_path, extra):
    src = adcli("graph", "@" + MICROGRAD, *extra).out
    png = subprocess.run(["dot", "-Tpng"], input=src.encode(), capture_output=True,
                         check=True).stdout
    width, height = struct.unpack(">II", png[16:24])
    assert width <= 1600, (width, height)
