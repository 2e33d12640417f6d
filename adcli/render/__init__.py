"""Renderers: one module per text format.

``trace_table`` (Rich), ``markdown``, ``latex``, ``trace_json`` for traces;
``graphviz`` (DOT) and ``mermaid`` for computational graphs.  The helpers
here are the few things every trace format shares: shortening long tables
and writing a value at a chosen precision.
"""
from __future__ import annotations

from dataclasses import replace

from .numbers import value_text

DEFAULT_LIMIT = 200
#: A rule longer than this (characters) is shortened in tables: its first terms
#: up to RULE_HEAD characters, a gap that counts the terms left out, its last term.
RULE_WIDTH = 120
RULE_HEAD = 40
GAP = "… ({:,} more terms) …"


def clip(rows: list, limit: int) -> tuple:
    """(head, omitted, tail): at most ``limit`` rows (0 = all). The last row (the
    output, or the last adjoint of the gradient) always stays."""
    if limit <= 0 or len(rows) <= limit:
        return rows, 0, []
    tail = max(1, limit // 4)
    head = limit - tail
    return rows[:head], len(rows) - limit, rows[len(rows) - tail:]


_SEPS = (" + ", " − ", " - ")


def term_cuts(rule: str) -> list:
    """Positions of the `` + `` / `` − `` that separate a rule's terms (outside brackets)."""
    cuts, depth = [], 0
    for k, ch in enumerate(rule):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == " " and depth == 0 and rule[k:k + 3] in _SEPS:
            cuts.append(k)
    return cuts


def shorten_rule(rule: str, limit: int, gap: str = GAP) -> tuple:
    """(text, terms left out): a long rule as its first terms, ``gap`` and its last term,
    ``v̄₁·v₀ + … (9,996 more terms) … + v̄₁₅₀₀₀·v₁₄₉₉₉``. Short rules, and every rule
    under --limit 0, stay whole."""
    if limit <= 0 or len(rule) <= RULE_WIDTH:
        return rule, 0
    cuts = term_cuts(rule)
    keep = [c for c in cuts if c <= RULE_HEAD] or cuts[:1]
    omitted = len(cuts) - len(keep)
    if omitted < 2:
        return rule, 0
    return f"{rule[:keep[-1]]} + {gap.format(omitted)}{rule[cuts[-1]:]}", omitted


def page(rows: list, limit: int, gap: str = GAP) -> tuple:
    """(head, omitted, tail, shortened): the rows a table shows, long rules shortened."""
    head, omitted, tail = clip(rows, limit)
    shortened = 0
    shown = []
    for part in (head, tail):
        out = []
        for r in part:
            text, cut = shorten_rule(r.rule, limit, gap) if hasattr(r, "rule") else ("", 0)
            if cut:
                shortened += 1
                r = replace(r, rule=text)
            out.append(r)
        shown.append(out)
    return shown[0], omitted, shown[1], shortened


def table_notes(omitted: int, shortened: int) -> list:
    """The lines under a shortened table: rows left out, rules shortened."""
    notes = []
    if omitted:
        notes.append(f"… {omitted:,} rows not shown (--limit 0 shows all; --json is complete)")
    if shortened:
        notes.append(f"… {shortened:,} long rule{'s' if shortened != 1 else ''} shortened "
                     "to first and last terms (--limit 0 shows all)")
    return notes


def point_text(tr, sep: str = ", ", name=str) -> str:
    """"x1 = 2, x2 = 0.5": the trace's point, to N digits under --digits N."""
    return sep.join(f"{name(n)} = {tr.style.numbers.text(v)}"
                    for n, v in zip(tr.g.names, tr.point))


def seed_text(tr, sweep) -> str:
    """"ẋ = (1, 0)" in the trace's style."""
    s = tr.style
    return "(" + ", ".join(s.number(v) for v in sweep.seed) + ")"


def digits_note(tr) -> str:
    """A line saying how the numbers were computed (empty without --digits)."""
    if tr.digits is None:
        return ""
    return f"computed with mpmath at {tr.digits} significant digits (--digits {tr.digits})"


def out_name(tr, r: int) -> str:
    return tr.g.output_name(r)


def output_label(tr, r: int) -> str:
    """The id of output r (0-based) in the trace's style: v₄, or a constant's literal."""
    return tr.out_labels[tr.outputs.index(r)]


def constant_text(tr, r: int, label: str | None = None) -> str:
    """Why output r has no adjoint trace: "output 2 is the constant 2, so its
    derivative is 0". ``label``: the output's id as the format writes it."""
    label = output_label(tr, r) if label is None else label
    f = f"output {r + 1}" if len(tr.g.outputs) > 1 else tr.g.output_name(r)
    if tr.g.op[tr.g.outputs[r]] is None:
        return f"{f} is the constant {label}, so its derivative is 0"
    return f"{f} = {label} does not depend on the inputs, so its derivative is 0"


def adjoint_title(tr, sw) -> str:
    """"Adjoint trace for f, from v̄₅ = 1 (reverse order)", or why it is all zeros."""
    f = out_name(tr, sw.output - 1)
    if sw.constant:
        return f"Adjoint trace for {f}: {constant_text(tr, sw.output - 1)}"
    return f"Adjoint trace for {f}, from {sw.rows[0].lhs} = 1 (reverse order)"


def tangent_title(tr, sw) -> str:
    return f"Tangent trace {sw.label}, seed ẋ = {seed_text(tr, sw)}"


NO_INPUTS = "no inputs: the formula is constant, so there is nothing to differentiate"


def values_text(tr, sig: int | None = None) -> str:
    """"f = 5", or "f1 = 2, f2 = 3" for a vector formula."""
    return ", ".join(f"{out_name(tr, r)} = {value_text(v, sig)}"
                     for r, v in zip(tr.outputs, tr.value))


_PLAIN = str.maketrans({"∂": "d", "∇": "grad ", "⋮": ":", "…": "...", "·": "*", "−": "-",
                        "ẋ": "xdot", "≤": "<=", "≥": ">="})


def words(tr, text: str) -> str:
    """Titles and notes in the trace's style (plain ASCII under --ascii)."""
    return text.translate(_PLAIN) if tr.style.ascii else text


def node_value(node, sig: int | None = None) -> str | None:
    """A graph node's value line, or None: without --at, and for a numeric constant,
    whose label already is its value (π and e do get one)."""
    from ..tracing import NAMED
    if node.value is None or (node.kind == "constant" and abs(node.value) not in NAMED):
        return None
    return value_text(node.value, sig)


#: Significant digits of graph labels unless --precision or --digits says otherwise.
GRAPH_DIGITS = 4


def overlay_text(node, mode: str | None, sig: int | None = None, ascii: bool = False) -> str:
    """``v̄₀ = 1.716`` (reverse) or ``u̇₃ = 5.5`` (forward, --symbol u), "" without one.
    (``ascii`` is kept for callers: the label is already in the graph's style.)"""
    if mode is None or node.overlay is None:
        return ""
    return f"{node.overlay_label} = {value_text(node.overlay, sig)}"


def contribution_text(edge, mode: str | None, sig: int | None = None,
                      ascii: bool = False) -> str:
    """An edge's contribution under its partial's line (``∂ = cos(v₀) = 0.2837``):
    ``v̄₃·∂ = −0.284`` (reverse), ``∂·v̇₋₁ = 5`` (forward), in the graph's style
    (--symbol, --ascii: ``ascii`` is kept for callers).  JSON spells the product out
    (``v̄₃·∂v₃/∂v₀``)."""
    if mode is None or edge.contribution is None:
        return ""
    return f"{edge.contribution_short} = {value_text(edge.contribution, sig)}"


def edge_text(edge, sig: int | None = None, ascii: bool = False) -> str:
    """``∂ = cos(v₀) = 0.284`` (``∂ = 1`` when the partial is a literal)."""
    d = "d" if ascii else "∂"
    value = value_text(edge.value, sig)
    literal = edge.partial.replace("−", "-").replace("½", "0.5")
    try:
        float(literal)
    except ValueError:
        return f"{d} = {edge.partial} = {value}"
    return f"{d} = {value}"
