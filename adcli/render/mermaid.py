"""The computational graph as a Mermaid flowchart, the way course notes draw it."""
from __future__ import annotations

from . import contribution_text, edge_text, node_value, overlay_text

_ENTITIES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "|": "#124;"}


def text(label: str) -> str:
    """A label inside Mermaid's quotes: markup characters as entity codes."""
    return "".join(_ENTITIES.get(ch, ch) for ch in label.replace("\n", " "))


def _shape(kind: str, outputs: list, label: str) -> str:
    if kind == "input":
        return f'(["{label}"])'
    if outputs:
        return f'[["{label}"]]'
    if kind == "constant":
        return f'("{label}")'
    return f'["{label}"]'


def mermaid(g, nodes: list, edges: list, sig: int | None = None,
            ascii: bool = False, mode: str | None = None, rankdir: str = "LR") -> str:
    """``mode``: the overlay (reverse: v̄ per node and contribution per edge; forward: v̇)."""
    lines = [f"flowchart {rankdir}"]
    for n in nodes:
        label = text(n.label)
        value = node_value(n, sig)
        if value is not None:
            label += f"<br/>= {text(value)}"
        extra = overlay_text(n, mode, sig)
        if extra:
            label += f"<br/>{text(extra)}"
        lines.append(f"    n{n.key}{_shape(n.kind, n.outputs, label)}")
    for e in edges:
        if e.value is not None:
            lab = text(edge_text(e, sig, ascii))
            extra = contribution_text(e, mode, sig)
            if extra:
                lab += f"<br/>{text(extra)}"
            lines.append(f'    n{e.src_key} -->|"{lab}"| n{e.dst}')
        else:
            lines.append(f"    n{e.src_key} --> n{e.dst}")
    for n in nodes:
        for f in n.outputs:
            lines += [f'    out_{f}(("{f}"))', f"    n{n.key} --> out_{f}"]
    lines += ["    classDef input fill:#dbeafe,stroke:#1e40af",
              "    classDef output fill:#dcfce7,stroke:#166534"]
    ins = [f"n{n.key}" for n in nodes if n.kind == "input"]
    outs = [f"n{n.key}" for n in nodes if n.outputs]
    if ins:
        lines.append(f"    class {','.join(ins)} input")
    if outs:
        lines.append(f"    class {','.join(outs)} output")
    return "\n".join(lines) + "\n"
