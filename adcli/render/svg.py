"""The computational graph as a standalone SVG (``adcli graph --format svg``), laid out
in Python by :mod:`adcli.render.layout`: no Graphviz needed.

The same labels and overlays as DOT (:mod:`adcli.render.graphviz`): nodes carry
their id, definition and value (``--mode reverse``: the adjoint v̄; ``forward``:
the tangent v̇), edges their local partial (and contribution).  Text is real
``<text>``, so it can be searched and edited.  Every text the HTML page steps
through carries ``data-k`` (``p3``: node 3's value, ``o3``: its overlay, ``e5`` /
``c5``: edge 5's partial / contribution) and every node and edge a ``data-node``
/ ``data-edge``, so :mod:`adcli.render.html` embeds this same drawing.
"""
from __future__ import annotations

import unicodedata
from html import escape

from ..tables import one_line
from . import contribution_text, edge_text, node_value, overlay_text
from .layout import Box, layered

FONT = 14.0        # node text
EDGE_FONT = 12.0   # edge labels
LINE = 1.3         # line height, in font sizes
TITLE = 30.0       # room for the title above the drawing
FAMILY = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"

_FILL = {"input": "#dbeafe", "operation": "#ffffff", "constant": "none"}


def text_width(text: str, size: float) -> float:
    """An estimate of ``text``'s width in a sans-serif font (combining accents take none)."""
    n = sum(0 if unicodedata.combining(ch) else 1 for ch in text)
    return 0.62 * size * n


def _x(text: str) -> str:
    return escape(text, quote=True)


def node_lines(n, sig: int | None, ascii: bool, mode: str | None) -> list:
    """[(text, data key)] of a node: its label, its value, its overlay."""
    lines = [(n.label, "")]
    value = node_value(n, sig)
    if value is not None:
        lines.append((f"= {value}", f"p{n.node}"))
    extra = overlay_text(n, mode, sig, ascii)
    if extra:
        lines.append((extra, f"o{n.node}"))
    return lines


def edge_lines(k: int, e, sig: int | None, ascii: bool, mode: str | None) -> list:
    if e.value is None:
        return []
    lines = [(edge_text(e, sig, ascii), f"e{k}")]
    extra = contribution_text(e, mode, sig, ascii)
    if extra:
        lines.append((extra, f"c{k}"))
    return lines


def _size(lines: list, size: float, kind: str) -> tuple:
    w = max((text_width(t, size) for t, _ in lines), default=size) + (20 if kind != "constant"
                                                                        else 6)
    h = len(lines) * size * LINE + (12 if kind != "constant" else 2)
    if kind == "operation":                       # the ellipse around the text box
        return w * 1.18, h * 1.3
    if kind == "output":
        d = max(w, h) + 8
        return d, d
    return w, h


def svg(g, nodes: list, edges: list, sig: int | None = None, ascii: bool = False,
        mode: str | None = None, rankdir: str = "LR", prefix: str = "adcli",
        standalone: bool = True) -> str:
    """The drawing; ``prefix`` makes its ids unique in a page that shows several."""
    keys, sizes, kinds, texts = [], [], [], []
    for n in nodes:
        lines = node_lines(n, sig, ascii, mode)
        keys.append(n.key)
        sizes.append(_size(lines, FONT if n.kind != "constant" else EDGE_FONT, n.kind))
        kinds.append(n.kind)
        texts.append(lines)
    pairs, label_sizes, elines = [], [], []
    for k, e in enumerate(edges):
        lines = edge_lines(k, e, sig, ascii, mode)
        pairs.append((e.src_key, str(e.dst)))
        elines.append(lines)
        label_sizes.append((max((text_width(t, EDGE_FONT) for t, _ in lines), default=0.0),
                            len(lines) * EDGE_FONT * LINE))
    outs = []
    for n in nodes:
        for f in n.outputs:
            outs.append((f"out_{f}", n.key, f))
            keys.append(f"out_{f}")
            sizes.append(_size([(f, "")], FONT, "output"))
            kinds.append("output")
            texts.append([(f, "")])
            pairs.append((n.key, f"out_{f}"))
            label_sizes.append((0.0, 0.0))
    pull = {n.key for n in nodes if n.kind == "constant"}
    lay = layered(keys, sizes, pairs, label_sizes, rankdir, pull)
    top = TITLE if standalone else 0.0
    width, height = lay.width, lay.height + top
    out = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>')
    out.append(f'<svg xmlns="http://www.w3.org/2000/svg" class="adcli-graph" '
               f'width="{width:.0f}" height="{height:.0f}" '
               f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FAMILY}">')
    out.append(f'<title>{_x(one_line(g.text, 120))}</title>')
    out.append(f'<defs><marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
               'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto">'
               '<path d="M0,0 L10,5 L0,10 z" class="arrowhead" fill="#333"/></marker></defs>')
    if standalone:
        out.append(f'<text class="title" x="{width / 2:.1f}" y="20" text-anchor="middle" '
                   f'font-size="15" fill="#111">{_x(one_line(g.text, 120))}</text>')
    out.append(f'<g transform="translate(0,{top:.0f})">')
    nkind = dict(zip(keys, kinds))
    for k, (src, dst) in enumerate(pairs):
        out.append(_edge(k, edges[k] if k < len(edges) else None, lay.routes[k],
                         lay.boxes[src], lay.boxes[dst], nkind[src], nkind[dst],
                         elines[k] if k < len(edges) else [], lay.labels[k], prefix))
    for key, kind, lines, node in zip(keys, kinds, texts, list(nodes) + [None] * len(outs)):
        out.append(_node(key, kind, lines, lay.boxes[key], node))
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _clip(box: Box, kind: str, toward: tuple) -> tuple:
    """Where the line from ``box``'s centre towards ``toward`` leaves its shape."""
    dx, dy = toward[0] - box.x, toward[1] - box.y
    if dx == 0 and dy == 0:
        return box.x, box.y
    hw, hh = box.w / 2, box.h / 2
    if kind in ("operation", "output"):
        t = 1 / ((dx / hw) ** 2 + (dy / hh) ** 2) ** 0.5
    else:
        t = min(hw / abs(dx) if dx else float("inf"), hh / abs(dy) if dy else float("inf"))
    t = min(t, 1.0)
    return box.x + dx * t, box.y + dy * t


def _edge(k: int, e, route: list, src: Box, dst: Box, skind: str, dkind: str,
          lines: list, at: tuple, prefix: str) -> str:
    pts = list(route)
    pts[0] = _clip(src, skind, pts[1])
    pts[-1] = _clip(dst, dkind, pts[-2])
    d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    tag = f' data-edge="{k}" data-src="{e.src}" data-dst="{e.dst}"' if e is not None else ""
    parts = [f'<g class="edge"{tag}><path d="{d}" fill="none" stroke="#555" '
             f'stroke-width="1.3" marker-end="url(#{prefix}-arrow)"/>']
    if lines:
        y0 = at[1] - (len(lines) - 1) * EDGE_FONT * LINE / 2 + EDGE_FONT * 0.35
        for j, (t, key) in enumerate(lines):
            parts.append(f'<text x="{at[0]:.1f}" y="{y0 + j * EDGE_FONT * LINE:.1f}" '
                         f'data-k="{key}" text-anchor="middle" font-size="{EDGE_FONT:.0f}" '
                         'fill="#1f2937" stroke="#ffffff" stroke-width="3" '
                         f'paint-order="stroke">{_x(t)}</text>')
    parts.append("</g>")
    return "".join(parts)


def _node(key: str, kind: str, lines: list, b: Box, n) -> str:
    tag = f' data-node="{n.node}"' if n is not None else ""
    cls = f"node {kind}" + (" output" if n is not None and n.outputs else "")
    parts = [f'<g class="{cls}"{tag}>']
    if kind == "operation":
        parts.append(f'<ellipse cx="{b.x:.1f}" cy="{b.y:.1f}" rx="{b.w / 2:.1f}" '
                     f'ry="{b.h / 2:.1f}" fill="{_FILL[kind]}" stroke="#333" '
                     'stroke-width="1.5"/>')
    elif kind == "input":
        parts.append(f'<rect x="{b.x - b.w / 2:.1f}" y="{b.y - b.h / 2:.1f}" '
                     f'width="{b.w:.1f}" height="{b.h:.1f}" rx="8" fill="{_FILL[kind]}" '
                     'stroke="#333" stroke-width="1.5"/>')
    elif kind == "output":
        parts.append(f'<circle cx="{b.x:.1f}" cy="{b.y:.1f}" r="{b.w / 2:.1f}" fill="none" '
                     'stroke="#333" stroke-width="1.5"/><circle cx="{:.1f}" cy="{:.1f}" '
                     'r="{:.1f}" fill="none" stroke="#333" stroke-width="1.5"/>'
                     .format(b.x, b.y, b.w / 2 - 4))
    if n is not None and n.outputs and kind != "constant":   # an output: a double border
        if kind == "operation":
            parts.append(f'<ellipse cx="{b.x:.1f}" cy="{b.y:.1f}" rx="{b.w / 2 + 4:.1f}" '
                         f'ry="{b.h / 2 + 4:.1f}" fill="none" stroke="#333" '
                         'stroke-width="1.2"/>')
        else:
            parts.append(f'<rect x="{b.x - b.w / 2 - 4:.1f}" y="{b.y - b.h / 2 - 4:.1f}" '
                         f'width="{b.w + 8:.1f}" height="{b.h + 8:.1f}" rx="10" fill="none" '
                         'stroke="#333" stroke-width="1.2"/>')
    size = EDGE_FONT if kind == "constant" else FONT
    y0 = b.y - (len(lines) - 1) * size * LINE / 2 + size * 0.35
    for j, (t, k) in enumerate(lines):
        data = f' data-k="{k}"' if k else ""
        weight = ' font-weight="bold"' if j == 0 and kind != "constant" else ""
        parts.append(f'<text x="{b.x:.1f}" y="{y0 + j * size * LINE:.1f}"{data}{weight} '
                     f'text-anchor="middle" font-size="{size:.0f}" fill="#111">{_x(t)}</text>')
    parts.append("</g>")
    return "".join(parts)


def too_many(count: int, max_nodes: int) -> str:
    """Why a graph of ``count`` drawn nodes is not drawn ("" when it is)."""
    if count <= max_nodes:
        return ""
    return f"the graph has {count:,} nodes, more than --max-nodes {max_nodes:,}"


def drawing(g, nodes: list, edges: list, sig: int | None = None, ascii: bool = False,
            mode: str | None = None, rankdir: str = "LR", max_nodes: int = 200) -> str:
    """``graph --format svg``: the standalone drawing, or a usage error above ``max_nodes``."""
    why = too_many(len(nodes), max_nodes)
    if why:
        from ..errors import UsageError
        raise UsageError(f"{why}: a drawing that large cannot be read (raise --max-nodes N, "
                         "or use --format dot or json)")
    return svg(g, nodes, edges, sig, ascii, mode, rankdir)
