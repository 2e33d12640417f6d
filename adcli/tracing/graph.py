"""The computational graph: nodes and edges, with values and local partials at a point.

Values are float64, or under ``--digits`` the mpmath numbers of the namespace
the engine computed with (the renderers show them to N digits)."""
from __future__ import annotations

from dataclasses import dataclass

from ..backends.floats import FloatMath
from ..engine import ZERO, adjoint_sweep, evaluate, linearize, tangent_sweep
from ..ir import Graph
from .model import numbers_for
from .text import Labels, Style, kinks, out_name, positions


@dataclass
class GNode:
    node: int
    id: str              # v₃, or the literal of a constant
    kind: str            # input, constant, operation
    label: str           # "v₃ = v₁·v₂", "v₋₁ = x1", "2"
    op: str | None    # op name
    value: float | None  # or an mpmath number under --digits
    outputs: list        # output names this node is ("f", "f1", ...)
    key: str = ""        # unique per drawn node: "3", or "2c5_1" for constant 2's use by row 5
    overlay: object = None   # --mode reverse: v̄ (adjoint); --mode forward: v̇ (tangent)
    overlay_label: str = ""  # the overlay's name in the style: v̄₃, u̇₀, vbar3


@dataclass
class GEdge:
    src: int
    dst: int
    pos: int             # argument position
    partial: str         # ∂dst/∂src as text ("" for an inactive argument)
    value: float | None
    src_key: str = ""    # the drawn source node (a constant's own per-use node)
    contribution: object = None   # reverse: v̄_dst·∂dst/∂src; forward: ∂dst/∂src·v̇_src
    contribution_label: str = ""  # that product in the style: v̄₃·∂v₃/∂v₀, ∂u₂/∂u₋₁·u̇₋₁
    contribution_short: str = ""  # beside the partial's own label (∂ = …): v̄₃·∂, ∂·u̇₋₁


def graph_model(g: Graph, point: list | None, style: Style | None = None,
                m=FloatMath, mode: str | None = None, seed: list | None = None) -> tuple:
    """Nodes and edges of the computational graph; values and partials if ``point``.

    ``m`` is the engine's number namespace (float64, or
    :func:`adcli.backends.mpmath.namespace` under ``--digits`` with ``point`` in its
    numbers); values stay in its numbers.  ``mode`` "reverse" overlays each
    node's adjoint v̄ (one sweep from the single output) and each edge's
    contribution v̄ᵢ·∂vᵢ/∂vⱼ; "forward" each node's tangent v̇ (inputs seeded
    with ``seed``) and each edge's term ∂vᵢ/∂vⱼ·v̇ⱼ.  Constants are one node per
    use (keys ``<node>c<row>_<position>``), so a shared 2 does not fan out.
    """
    style = style or Style()
    num = numbers_for(m)
    vals = lin = over = None
    if point is not None:
        vals = evaluate(g, point, m)
        lin = linearize(g, vals, m)
        if mode == "reverse":
            over = adjoint_sweep(g, lin, g.outputs[0], num(1.0))
        elif mode == "forward":
            over = tangent_sweep(g, lin, seed)
    lab = Labels(g, style, kinks(g, vals, lin, m) if lin is not None else None)
    outs: dict = {}
    for r, o in enumerate(g.outputs):
        outs.setdefault(o, []).append(out_name(g, r))
    nodes, edges = [], []

    def shown(v):
        return None if v is None else num(v)
    ids = lab.bar if mode == "reverse" else lab.dot
    d = "d" if style.ascii else "∂"
    for i in range(g.n_nodes):
        value = None if vals is None else num(vals[i])
        if g.op[i] is None and i >= g.n_inputs:
            if outs.get(i):                      # a constant output: drawn once, as itself
                nodes.append(GNode(i, lab.var[i], "constant", lab.var[i], None, value,
                                   outs[i], str(i)))
            continue
        kind = "input" if i < g.n_inputs else "operation"
        nodes.append(GNode(i, lab.var[i], kind, f"{lab.var[i]} = {lab.definition(i)}",
                           g.fn(i).name if g.op[i] else None, value, outs.get(i, []),
                           str(i), None if over is None else shown(over[i]),
                           "" if over is None else ids[i]))
        if g.op[i] is None:
            continue
        partials = dict(zip(positions(g, i), lin.pairs[i])) if lin is not None else {}
        for pos, a in enumerate(g.args[i]):
            text = lab.partial_text(i, pos) if g.active[a] else ""
            p = partials.get(pos)
            key = str(a)
            if g.op[a] is None and a >= g.n_inputs:      # a constant: its own node here
                key = f"{a}c{i}_{pos}"
                nodes.append(GNode(a, lab.var[a], "constant", lab.var[a], None,
                                   None if vals is None else num(vals[a]), [], key))
            contribution, product, short = None, "", ""
            if over is not None and p is not None:
                t = over[i] * p[1] if mode == "reverse" else p[1] * over[a]
                contribution = num(t) if t is not ZERO else num(0.0)
                partial = f"{d}{lab.var[i]}/{d}{lab.var[a]}"
                if mode == "reverse":
                    product, short = (f"{ids[i]}{style.times}{partial}",
                                      f"{ids[i]}{style.times}{d}")
                else:
                    product, short = (f"{partial}{style.times}{ids[a]}",
                                      f"{d}{style.times}{ids[a]}")
            edges.append(GEdge(a, i, pos, text, None if p is None else num(p[1]), key,
                               contribution, product, short))
    return nodes, edges
