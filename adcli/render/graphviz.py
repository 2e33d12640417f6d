"""The computational graph in Graphviz DOT (``adcli graph --format dot``)."""
from __future__ import annotations

from ..tables import one_line
from . import edge_text, node_value


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_SHAPE = {"input": 'shape=box, style="rounded,filled", fillcolor="#dbeafe"',
          "constant": "shape=plaintext",
          "operation": "shape=ellipse"}


def dot(g, nodes: list, edges: list, sig: int | None = None, ascii: bool = False) -> str:
    lines = ["digraph adcli {", "  rankdir=LR;",
             f"  label={quote(one_line(g.text, 120))}; labelloc=t;",
             '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];']
    for n in nodes:
        value = node_value(n, sig)
        label = n.label if value is None else f"{n.label}\n= {value}"
        attrs = _SHAPE[n.kind]
        if n.outputs:
            attrs += ", peripheries=2"
        lines.append(f"  n{n.node} [label={quote(label)}, {attrs}];")
    for e in edges:
        attrs = ""
        if e.value is not None:
            attrs = f" [label={quote(edge_text(e, sig, ascii))}]"
        lines.append(f"  n{e.src} -> n{e.dst}{attrs};")
    for n in nodes:
        for f in n.outputs:
            lines.append(f'  out_{f} [label={quote(f)}, shape=doublecircle];')
            lines.append(f"  n{n.node} -> out_{f};")
    return "\n".join(lines + ["}"]) + "\n"
