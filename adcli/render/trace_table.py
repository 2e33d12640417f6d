"""The trace as Rich tables for the terminal (``adcli trace``, the default format).

Every piece of text reaches Rich as a :class:`rich.text.Text`, never as a
markup string: rules such as ``v̄₃·[v₂ > 0]`` and formulas such as ``[x, y]``
print literally.
"""
from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from ..tables import console, header, print_table
from ..tracing import cost_lines, shown_rows
from . import (
    GAP,
    NO_INPUTS,
    adjoint_title,
    digits_note,
    out_name,
    page,
    table_notes,
    tangent_title,
    value_text,
    values_text,
    words,
)

SOURCE_WIDTH = 40


def _table(tr, *columns: str) -> Table:
    """Ids, definitions and values keep their line; the source column gives way first."""
    t = Table(box=box.ASCII2 if tr.style.ascii else box.SIMPLE_HEAD, show_edge=False,
              pad_edge=False, safe_box=True)
    for c in columns:
        head = Text(c)
        if c in ("value", "partial"):
            t.add_column(head, justify="right", no_wrap=True)
        elif c == "source":   # wraps as a column, so Rich narrows it first; cells ellipsize
            t.add_column(head, justify="left", overflow="ellipsis")
        elif c == "definition":
            t.add_column(head, justify="left", no_wrap=True, overflow="fold")
        elif c == "rule":
            t.add_column(head, justify="left", overflow="fold", min_width=20)
        else:
            t.add_column(head, justify="left", no_wrap=True)
    return t


def _rows(tr, t: Table, rows: list, limit: int, cells) -> list:
    """Add the rows a table shows; return its notes (what it left out)."""
    head, omitted, tail, shortened = page(rows, limit, words(tr, GAP))
    for r in head:
        t.add_row(*map(_text, cells(r)))
    if omitted:
        t.add_row(*(Text(words(tr, "⋮")) for _ in t.columns))
    for r in tail:
        t.add_row(*map(_text, cells(r)))
    return [words(tr, note) for note in table_notes(omitted, shortened)]


def _text(cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def _source(src: str) -> Text:
    """One line, cut with an ellipsis where the column ends."""
    src = src if len(src) <= SOURCE_WIDTH else src[:SOURCE_WIDTH - 3] + "..."
    return Text(src, no_wrap=True, overflow="ellipsis")


def _line(c, tr, text: str, style: str = "bold", indent: str = "") -> None:
    c.print(Text(indent + words(tr, text), style=style))


def print_trace(tr, limit: int, sig: int | None = None) -> None:
    c = console()
    c.print(header("trace", tr.g, tr.point, tr.style.numbers))
    if tr.digits is not None:
        c.print(Text(digits_note(tr), style="dim"))
    _line(c, tr, "Primal trace")
    if tr.primal:
        src = dict(zip((r.node for r in tr.primal), tr.sources))
        if tr.g.bound:                   # a program: which variable each row binds
            t = _table(tr, "id", "name", "definition", "source", "value")
            _note_after(c, tr, t, _rows(tr, t, tr.primal, limit, lambda r: (
                r.id, tr.g.bound.get(r.node, ""), r.rule, _source(src[r.node]),
                value_text(r.value, sig))))
        else:
            t = _table(tr, "id", "definition", "source", "value")
            _note_after(c, tr, t, _rows(tr, t, tr.primal, limit, lambda r: (
                r.id, r.rule, _source(src[r.node]), value_text(r.value, sig))))
    else:
        _line(c, tr, "no elementary operations", "italic", "  ")
    if not tr.g.n_inputs:
        _line(c, tr, values_text(tr, sig), indent="  ")
        _line(c, tr, NO_INPUTS, "italic", "  ")
    for sw in tr.tangent:
        _line(c, tr, tangent_title(tr, sw))
        _sweep_table(c, tr, sw, "tangent", limit, sig)
        _line(c, tr, _tangent_result(tr, sw, sig), indent="  ")
    for sw in tr.adjoint:
        _line(c, tr, adjoint_title(tr, sw))
        if not sw.constant:
            _sweep_table(c, tr, sw, "adjoint", limit, sig)
        _print_gradient(c, tr, sw.output - 1, sw.result, limit, sig, "  ")
    if tr.mode == "forward" and len(tr.tangent) > 1:
        for k, r in enumerate(tr.outputs):
            _print_gradient(c, tr, r, tr.gradient[k], limit, sig, "  ")
    _line(c, tr, "Cost")
    for line in cost_lines(tr.cost, tr.scope):
        _line(c, tr, line, "dim", "  ")


def _sweep_table(c, tr, sw, what: str, limit: int, sig) -> None:
    """A sweep's rule table; under --accumulate steps one row per contribution, with
    its local partial and the running sum."""
    if tr.accumulate == "steps":
        t = _table(tr, what, "rule", "partial", "value")
        _note_after(c, tr, t, _rows(tr, t, shown_rows(tr, sw), limit, lambda r: (
            r.lhs, r.rule, "" if r.partial is None else value_text(r.partial, sig),
            value_text(r.value, sig))))
        return
    t = _table(tr, what, "rule", "value")
    _note_after(c, tr, t, _rows(tr, t, sw.rows, limit, lambda r: (
        r.lhs, r.rule, value_text(r.value, sig))))


def _note_after(c, tr, t, notes: list) -> None:
    _print_table(c, tr, t)
    for note in notes:
        c.print(Text(note, style="italic"))


def _print_table(c, tr, t: Table) -> None:
    """Under --digits the console widens rather than cut a long number; otherwise the
    source column gives way first (with an ellipsis)."""
    if tr.digits is None:
        c.print(t)
    else:
        print_table(c, t)


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
        _line(c, tr, _gradient(tr, r, grad, sig), indent=indent)
        return
    f = out_name(tr, r)
    _line(c, tr, f"gradient of {f}:", indent=indent)
    t = _table(tr, "variable", "value")
    t.columns[-1].header = Text(words(tr, f"∂{f}/∂variable"))
    _note_after(c, tr, t, _rows(tr, t, list(zip(tr.g.names, grad)), limit, lambda p: (
        p[0], value_text(p[1], sig))))
