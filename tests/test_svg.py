"""``adcli graph --format svg`` (issue 13): a standalone SVG laid out in Python, no Graphviz.

The drawing parses as XML; every node's label and value, every edge's partial and (with
--mode reverse) every adjoint are real <text>, with values checked against hand-derived
partials of Baydin et al.'s example; --rankdir turns the layers; the layout has no
crossings where none are needed, no recursion on a 10,000-deep chain, and 200 nodes lay
out well under a second."""
from __future__ import annotations

import math
import pathlib
import time
import xml.etree.ElementTree as ET

import pytest

from adcli.render.layout import layered

SVG = "{http://www.w3.org/2000/svg}"
BAYDIN = ["ln(x1) + x1*x2 - sin(x2)", "--at", "2,5"]
MICROGRAD = str(pathlib.Path(__file__).parent.parent / "samples" / "micrograd.txt")


def texts(svg: str) -> list:
    root = ET.fromstring(svg.encode())
    return ["".join(t.itertext()) for t in root.iter(SVG + "text")]


def g4(v: float) -> str:
    """A value as the graph labels print it (4 significant digits), computed here."""
    s = f"{float(f'{v:.4g}'):.15g}"
    return s


def test_baydin_reverse_svg_has_every_label_value_and_adjoint(adcli):
    r = adcli("graph", *BAYDIN, "--mode", "reverse", "--format", "svg")
    assert r.code == 0, r
    t = texts(r.out)
    x1, x2 = 2.0, 5.0
    # every node: its label (as the JSON graph names it) and its value, as <text>
    nodes = adcli("graph", *BAYDIN, "--json").json["nodes"]
    for n in nodes:
        assert n["label"] in t
    values = {"v₁": math.log(x1), "v₂": x1 * x2, "v₃": math.sin(x2),
              "v₄": math.log(x1) + x1 * x2, "v₅": math.log(x1) + x1 * x2 - math.sin(x2)}
    for v in values.values():
        assert f"= {g4(v)}" in t
    # adjoints: ∂f/∂x1 = 1/x1 + x2 = 5.5, ∂f/∂x2 = x1 − cos x2 = 1.716 (by hand)
    assert "v̄₋₁ = 5.5" in t and f"v̄₀ = {g4(x1 - math.cos(x2))}" in t
    # edges: ∂v₃/∂v₀ = cos(x2) and its contribution v̄₃·cos(x2) = −cos(5)
    assert f"∂ = cos(v₀) = {g4(math.cos(x2))}" in t
    assert f"v̄₃·∂ = {g4(-math.cos(x2))}" in t
    assert t.count("f") >= 1 and "ln(x1) + x1*x2 - sin(x2)" in t   # output node, title


def test_micrograd_svg_has_every_node_label_and_value(adcli):
    # every node of the JSON graph (same model) is drawn with its label and its value
    r = adcli("graph", "@" + MICROGRAD, "--mode", "reverse", "--format", "svg")
    t = texts(r.out)
    d = adcli("graph", "@" + MICROGRAD, "--mode", "reverse", "--json").json
    for n in d["nodes"]:
        assert n["label"] in t, n
        if n["kind"] != "constant":
            assert f"= {g4(n['value'])}" in t, n
            assert f"{n['adjoint_label']} = {g4(n['adjoint'])}" in t, n
    # micrograd's README: ∂g/∂a = 138.8338, ∂g/∂b = 645.5773 (4 digits on the graph)
    adj = {n["id"]: n.get("adjoint_label") for n in d["nodes"]}
    assert f"{adj['v₋₁']} = 138.8" in t and f"{adj['v₀']} = 645.6" in t


def test_svg_without_point_and_ascii(adcli):
    r = adcli("graph", "x*y + sin(x)", "--format", "svg", "--ascii")
    t = texts(r.out)
    assert "v1 = v-1*v0" in t and "v2 = sin(v-1)" in t
    assert not any(s.startswith("= ") for s in t)       # no point: no values


def _centres(svg: str, rankdir_axis: int) -> dict:
    """Node data-node -> its first shape's centre coordinate along one axis."""
    root = ET.fromstring(svg.encode())
    out = {}
    for g in root.iter(SVG + "g"):
        if "node" in g.get("class", "").split() and g.get("data-node") is not None:
            shape = next(iter(g))
            if shape.tag == SVG + "ellipse":
                c = (float(shape.get("cx")), float(shape.get("cy")))
            else:
                c = (float(shape.get("x")) + float(shape.get("width")) / 2,
                     float(shape.get("y")) + float(shape.get("height")) / 2)
            out[int(g.get("data-node"))] = c[rankdir_axis]
    return out


@pytest.mark.parametrize("rankdir,axis", [("LR", 0), ("TB", 1)])
def test_rankdir_puts_each_result_after_its_arguments(adcli, rankdir, axis):
    r = adcli("graph", *BAYDIN, "--format", "svg", "--rankdir", rankdir)
    at = _centres(r.out, axis)
    # Baydin: v₋₁, v₀ (nodes 0, 1) first; v₅ (node 6) last, along the rank axis
    assert at[0] < at[2] < at[5] < at[6] and at[1] < at[4] < at[6]


def test_constants_are_nodes_and_constant_output(adcli):
    t = texts(adcli("graph", "2*x + x^3", "--at", "1", "--format", "svg").out)
    assert "2" in t and "3" in t           # per-use constant nodes
    t = texts(adcli("graph", "pi", "--format", "svg").out)
    assert "π" in t


def test_max_nodes_refuses_a_large_drawing(adcli):
    r = adcli("graph", "+".join(f"sin(x*{k})" for k in range(1, 80)), "--format", "svg")
    assert r.code == 2 and "--max-nodes 200" in r.err and "Traceback" not in r.err
    r = adcli("graph", "x*y + sin(x)", "--format", "svg", "--max-nodes", "3")
    assert r.code == 2 and "more than --max-nodes 3" in r.err
    r = adcli("graph", "x*y + sin(x)", "--format", "svg", "--max-nodes", "3", "--json")
    assert r.code == 0 and r.json["nodes"]          # JSON is not a drawing: no limit


def crossings(lay, edges: list) -> int:
    """Edge crossings between consecutive layers (real edges of one layer span only)."""
    pos = {k: i for row in lay.order for i, k in enumerate(row)}
    layer = {k: li for li, row in enumerate(lay.order) for k in row}
    segs = [(pos[a], pos[b], layer[a]) for a, b in edges if layer[b] == layer[a] + 1]
    n = 0
    for i, (a1, b1, l1) in enumerate(segs):
        for a2, b2, l2 in segs[i + 1:]:
            if l1 == l2 and (a1 - a2) * (b1 - b2) < 0:
                n += 1
    return n


def test_barycenter_sweeps_undo_crossings():
    # two chains a->c, b->d listed crosswise in layer 1: the sweeps straighten them
    keys = ["a", "b", "d", "c"]
    edges = [("a", "c"), ("b", "d")]
    lay = layered(keys, [(20, 10)] * 4, edges)
    assert crossings(lay, edges) == 0
    # and a ladder of 30 rungs with its second layer reversed
    n = 30
    keys = [f"t{i}" for i in range(n)] + [f"u{i}" for i in reversed(range(n))]
    edges = [(f"t{i}", f"u{i}") for i in range(n)]
    lay = layered(keys, [(20, 10)] * (2 * n), edges)
    assert crossings(lay, edges) == 0


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_layout_is_a_loop_not_a_recursion():
    # a 10,000-deep chain (far past Python's recursion limit) lays out in layers 0..9999
    n = 10_000
    keys = [str(i) for i in range(n)]
    lay = layered(keys, [(10, 10)] * n, [(str(i), str(i + 1)) for i in range(n - 1)])
    assert lay.layers == n and lay.boxes["9999"].x > lay.boxes["0"].x


def test_nodes_never_overlap_and_long_edges_bend_through_layers(adcli):
    # micrograd's program: 25 operations, edges that skip layers
    from adcli.commands.trace import _graph_point
    from adcli.render.svg import svg
    from adcli.tracing import graph_model
    g, point, _ = _graph_point("@" + MICROGRAD, None, None, False)
    nodes, edges = graph_model(g, point, mode="reverse")
    out = svg(g, nodes, edges, 4, mode="reverse", rankdir="TB")
    root = ET.fromstring(out.encode())
    boxes = []
    for grp in root.iter(SVG + "g"):
        if "node" in grp.get("class", "").split():
            s = next(iter(grp))
            if s.tag == SVG + "ellipse":
                cx, cy, rx, ry = (float(s.get(k)) for k in ("cx", "cy", "rx", "ry"))
                boxes.append((cx - rx, cy - ry, cx + rx, cy + ry))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    paths = [p.get("d") for p in root.iter(SVG + "path") if p.get("d", "").count("L") > 1]
    assert paths                  # some edges pass through dummy nodes (polylines)


def _random_dag(n: int, seed: int) -> tuple:
    import random
    rnd = random.Random(seed)
    keys = [f"n{i}" for i in range(n)]
    edges = []
    for i in range(2, n):
        for j in rnd.sample(range(max(0, i - 12), i), k=min(2, i)):
            edges.append((keys[j], keys[i]))
    return keys, edges


def test_sweeps_reduce_crossings_and_count_them_right():
    keys, edges = _random_dag(300, 3)
    sizes = [(40, 20)] * len(keys)
    plain = layered(keys, sizes, edges, sweeps=0)
    swept = layered(keys, sizes, edges)
    assert swept.crossings < plain.crossings / 2, (plain.crossings, swept.crossings)
    # the Fenwick count against a plain pairwise count, on a small layout with labels
    keys, edges = _random_dag(40, 4)
    lay = layered(keys, [(40, 20)] * len(keys), edges, [(30, 10)] * len(edges), sweeps=0)
    pts = [[(round(x, 6), round(y, 6)) for x, y in r] for r in lay.routes]
    segs = [(r[k], r[k + 1]) for r in pts for k in range(len(r) - 1)]
    n = 0
    for i, (a1, b1) in enumerate(segs):
        for a2, b2 in segs[i + 1:]:
            if a1[0] == a2[0] and b1[0] == b2[0] and (a1[1] - a2[1]) * (b1[1] - b2[1]) < 0:
                n += 1
    assert n == lay.crossings


def test_200_nodes_lay_out_well_under_a_second():
    keys, edges = _random_dag(200, 1)
    t = time.perf_counter()
    lay = layered(keys, [(120, 50)] * len(keys), edges, [(90, 14)] * len(edges))
    assert time.perf_counter() - t < 1.0
    assert len(lay.boxes) == 200


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_2000_nodes_measured():
    keys, edges = _random_dag(2000, 2)
    t = time.perf_counter()
    layered(keys, [(120, 50)] * len(keys), edges, [(90, 14)] * len(edges))
    took = time.perf_counter() - t
    print(f"2000-node layout: {took:.2f} s")
    assert took < 10.0
