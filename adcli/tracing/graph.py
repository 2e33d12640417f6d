"""The computational graph: nodes and edges, with values and local partials at a point.

Values are float64, or under ``--digits`` the mpmath numbers of the namespace
the engine computed with (the renderers show them to N digits)."""
from __future__ import annotations

from dataclasses import dataclass

from ..backends.floats import FloatMath
from ..engine import evaluate, linearize
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


@dataclass
class GEdge:
    src: int
    dst: int
    pos: int             # argument position
    partial: str         # ∂dst/∂src as text ("" for an inactive argument)
    value: float | None


def graph_model(g: Graph, point: list | None, style: Style | None = None,
                m=FloatMath) -> tuple:
    """Nodes and edges of the computational graph; values and partials if ``point``.

    ``m`` is the engine's number namespace (float64, or
    :func:`adcli.mpmath_ns.namespace` under ``--digits`` with ``point`` in its
    numbers); values stay in its numbers.
    """
    style = style or Style()
    num, _ = numbers_for(m)
    vals = lin = None
    if point is not None:
        vals = evaluate(g, point, m)
        lin = linearize(g, vals, m)
    lab = Labels(g, style, kinks(g, vals, lin, m) if lin is not None else None)
    outs: dict = {}
    for r, o in enumerate(g.outputs):
        outs.setdefault(o, []).append(out_name(g, r))
    nodes, edges = [], []
    for i in range(g.n_nodes):
        if g.op[i] is None and i >= g.n_inputs:
            kind, label = "constant", lab.var[i]
        else:
            kind = "input" if i < g.n_inputs else "operation"
            label = f"{lab.var[i]} = {lab.definition(i)}"
        nodes.append(GNode(i, lab.var[i], kind, label, g.fn(i).name if g.op[i] else None,
                           None if vals is None else num(vals[i]), outs.get(i, [])))
        if g.op[i] is None:
            continue
        partials = dict(zip(positions(g, i), lin.pairs[i])) if lin is not None else {}
        for pos, a in enumerate(g.args[i]):
            text = lab.partial_text(i, pos) if g.active[a] else ""
            p = partials.get(pos)
            edges.append(GEdge(a, i, pos, text, None if p is None else num(p[1])))
    return nodes, edges
