"""Renderers: one module per text format.

``trace_table`` (Rich), ``markdown``, ``latex``, ``trace_json`` for traces;
``graphviz`` (DOT) and ``mermaid`` for computational graphs.  The helpers
here are the few things every trace format shares: shortening long tables
and writing a value at a chosen precision.
"""
from __future__ import annotations

from typing import Optional

DEFAULT_LIMIT = 200


def clip(rows: list, limit: int) -> tuple:
    """(head, omitted, tail): at most ``limit`` rows (0 = all), the last ones kept."""
    if limit <= 0 or len(rows) <= limit:
        return rows, 0, []
    tail = limit // 4
    head = limit - tail
    return rows[:head], len(rows) - limit, rows[len(rows) - tail:] if tail else []


def omitted_note(omitted: int) -> str:
    return f"… {omitted:,} rows not shown (--limit 0 shows all; --json is complete)"


def value_text(v, sig: Optional[int] = None) -> str:
    """Shortest round-trip text, or ``sig`` significant digits (an mpmath
    number, under --digits: ``sig`` digits, default 17)."""
    if hasattr(v, "_mpf_"):
        from ..mpmath_ns import text
        return text(v, sig or 17)
    from ..ir import fmt_number
    if sig is None:
        return fmt_number(v)
    return fmt_number(float(f"{v:.{sig}g}"))


def shown(tr, v):
    """A number of the trace for the style's ``number`` (and ``num``): under
    --digits a float that prints as its N-digit text."""
    if tr.digits is None:
        return v
    from ..mpmath_ns import Shown
    return Shown(v, tr.digits)


def shown_point(tr) -> list:
    return [shown(tr, v) for v in tr.point]


def seed_text(tr, sweep) -> str:
    """"ẋ = (1, 0)" in the trace's style."""
    s = tr.style
    return "(" + ", ".join(s.number(shown(tr, v)) for v in sweep.seed) + ")"


def digits_note(tr) -> str:
    """A line saying how the numbers were computed (empty without --digits)."""
    if tr.digits is None:
        return ""
    return f"computed with mpmath at {tr.digits} significant digits (--digits {tr.digits})"


def out_name(tr, r: int) -> str:
    return "f" if len(tr.g.outputs) == 1 else f"f{r + 1}"


_PLAIN = str.maketrans({"∂": "d", "∇": "grad ", "⋮": ":", "…": "...", "·": "*", "−": "-",
                        "ẋ": "xdot", "≤": "<=", "≥": ">="})


def words(tr, text: str) -> str:
    """Titles and notes in the trace's style (plain ASCII under --ascii)."""
    return text.translate(_PLAIN) if tr.style.ascii else text


def edge_text(edge, sig: Optional[int] = None, ascii: bool = False) -> str:
    """``∂ = cos(v₀) = 0.284`` (``∂ = 1`` when the partial is a literal)."""
    d = "d" if ascii else "∂"
    value = value_text(edge.value, sig)
    literal = edge.partial.replace("−", "-")
    try:
        float(literal)
    except ValueError:
        return f"{d} = {edge.partial} = {value}"
    return f"{d} = {value}"
