"""The computational graph in Graphviz DOT (``adcli graph --format dot``)."""
from __future__ import annotations

from ..tables import one_line
from . import contribution_text, edge_text, node_value, overlay_text


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_SHAPE = {"input": 'shape=box, style="rounded,filled", fillcolor="#dbeafe"',
          "constant": "shape=plaintext, fontsize=9, width=0, height=0, margin=0.02",
          "operation": "shape=ellipse"}


def dot(g, nodes: list, edges: list, sig: int | None = None, ascii: bool = False,
        mode: str | None = None, rankdir: str = "LR") -> str:
    """``mode``: the overlay (reverse: v̄ per node and contribution per edge; forward: v̇)."""
    lines = ["digraph adcli {", f"  rankdir={rankdir};",
             f"  label={quote(one_line(g.text, 120))}; labelloc=t;",
             '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];']
    for n in nodes:
        value = node_value(n, sig)
        label = n.label if value is None else f"{n.label}\n= {value}"
        extra = overlay_text(n, mode, sig)
        if extra:
            label += "\n" + extra
        attrs = _SHAPE[n.kind]
        if n.outputs:
            attrs += ", peripheries=2"
        lines.append(f"  n{n.key} [label={quote(label)}, {attrs}];")
    for e in edges:
        attrs = ""
        if e.value is not None:
            text = edge_text(e, sig, ascii)
            extra = contribution_text(e, mode, sig)
            attrs = f" [label={quote(text + (chr(10) + extra if extra else ''))}]"
        lines.append(f"  n{e.src_key} -> n{e.dst}{attrs};")
    for n in nodes:
        for f in n.outputs:
            lines.append(f'  out_{f} [label={quote(f)}, shape=doublecircle];')
            lines.append(f"  n{n.key} -> out_{f};")
    return "\n".join(lines + ["}"]) + "\n"
