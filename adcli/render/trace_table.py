"""The trace as Rich tables for the terminal (``adcli trace``, the default format)."""
from __future__ import annotations

from typing import Optional

from rich import box
from rich.table import Table
from rich.text import Text

from ..tables import console, header
from ..trace import cost_lines
from . import clip, digits_note, omitted_note, out_name, seed_text, shown_point, value_text, \
    words

SOURCE_WIDTH = 40


def _table(tr, *columns: str) -> Table:
    t = Table(box=box.ASCII2 if tr.style.ascii else box.SIMPLE_HEAD, show_edge=False,
              pad_edge=False, safe_box=True)
    for c in columns:
        if c == "value":
            t.add_column(c, justify="right", no_wrap=True)
        elif c == "source":
            t.add_column(c, justify="left", no_wrap=True, overflow="ellipsis")
        else:
            t.add_column(c, justify="left", overflow="fold")
    return t


def _rows(tr, t: Table, rows: list, limit: int, cells) -> Optional[str]:
    head, omitted, tail = clip(rows, limit)
    for r in head:
        t.add_row(*cells(r))
    if omitted:
        t.add_row(*([words(tr, "⋮")] * len(t.columns)))
        for r in tail:
            t.add_row(*cells(r))
        return words(tr, omitted_note(omitted))
    return None


def _short(src: str) -> str:
    return src if len(src) <= SOURCE_WIDTH else src[:SOURCE_WIDTH - 3] + "..."


def print_trace(tr, limit: int, sig: Optional[int] = None) -> None:
    c = console()
    c.print(header("trace", tr.g, shown_point(tr)))
    if tr.digits is not None:
        c.print(Text(digits_note(tr), style="dim"))
    notes = []
    c.print(Text("Primal trace", style="bold"))
    t = _table(tr, "id", "definition", "source", "value")
    src = dict(zip((r.node for r in tr.primal), tr.sources))
    notes.append(_rows(tr, t, tr.primal, limit, lambda r: (
        r.id, r.rule, _short(src[r.node]), value_text(r.value, sig))))
    _note_after(c, tr, t, notes[-1])
    for sw in tr.tangent:
        c.print(Text(words(tr, f"Tangent trace {sw.label}, seed ẋ = {seed_text(tr, sw)}"),
                     style="bold"))
        t = _table(tr, "tangent", "rule", "value")
        _note_after(c, tr, t, _rows(tr, t, sw.rows, limit, lambda r: (
            r.lhs, r.rule, value_text(r.value, sig))))
        c.print(Text("  " + words(tr, _tangent_result(tr, sw, sig)), style="bold"))
    for sw in tr.adjoint:
        first = sw.rows[0].lhs if sw.rows else ""
        c.print(Text(f"Adjoint trace for {out_name(tr, sw.output - 1)}, "
                     f"from {first} = 1 (reverse order)", style="bold"))
        t = _table(tr, "adjoint", "rule", "value")
        _note_after(c, tr, t, _rows(tr, t, sw.rows, limit, lambda r: (
            r.lhs, r.rule, value_text(r.value, sig))))
        _print_gradient(c, tr, sw.output - 1, sw.result, limit, sig, "  ")
    if tr.mode == "forward" and len(tr.tangent) > 1:
        for k, r in enumerate(tr.outputs):
            _print_gradient(c, tr, r, tr.gradient[k], limit, sig)
    c.print(Text("Cost", style="bold"))
    for line in cost_lines(tr.cost):
        c.print(Text("  " + line, style="dim"))


def _note(c, note) -> None:
    if note:
        c.print(Text(note, style="italic"))


def _note_after(c, tr, t, note) -> None:
    _print_table(c, tr, t)
    _note(c, note)


def _print_table(c, tr, t: Table) -> None:
    """Under --digits the console widens rather than cut a long number."""
    if tr.digits is None:
        c.print(t)
        return
    from rich.measure import Measurement
    width = c.width
    c.width = max(width, Measurement.get(c, c.options.update_width(1 << 16), t).maximum)
    try:
        c.print(t)
    finally:
        c.width = width


def _tangent_result(tr, sw, sig) -> str:
    d = "∂" if sw.wrt is not None else "d"
    parts = []
    for k, r in enumerate(tr.outputs):
        what = f"{d}{out_name(tr, r)}/{d}{sw.wrt}" if sw.wrt else f"∇{out_name(tr, r)}·ẋ"
        parts.append(f"{what} = {value_text(sw.result[k], sig)}")
    return ", ".join(parts)


def _gradient(tr, r: int, grad: list, sig) -> str:
    f = out_name(tr, r)
    return "gradient: " + ", ".join(
        f"∂{f}/∂{name} = {value_text(v, sig)}" for name, v in zip(tr.g.names, grad))


def _print_gradient(c, tr, r: int, grad: list, limit: int, sig, indent: str = "") -> None:
    """One line for a few inputs, a table for many."""
    if len(grad) <= 4:
        c.print(Text(indent + words(tr, _gradient(tr, r, grad, sig)), style="bold"))
        return
    f = out_name(tr, r)
    c.print(Text(indent + f"gradient of {f}:", style="bold"))
    t = _table(tr, "variable", "value")
    t.columns[-1].header = words(tr, f"∂{f}/∂variable")
    _note_after(c, tr, t, _rows(tr, t, list(zip(tr.g.names, grad)), limit, lambda p: (
        p[0], value_text(p[1], sig))))
