"""The trace as Markdown (GitHub-flavoured pipe tables) to paste into notes."""
from __future__ import annotations

from ..tables import one_line
from ..tracing import cost_lines, shown_rows
from . import (
    GAP,
    NO_INPUTS,
    adjoint_title,
    digits_note,
    out_name,
    page,
    point_text,
    table_notes,
    tangent_title,
    value_text,
    values_text,
    words,
)

_CELL = str.maketrans({"\\": "\\\\", "|": "\\|", "*": "\\*", "_": "\\_"})


def cell(text: str) -> str:
    """Table cell text: pipes and emphasis marks escaped."""
    return text.translate(_CELL)


def code(text: str) -> str:
    """A code span in a table cell (only the pipe needs escaping there)."""
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def _table(tr, columns: list, rows: list, limit: int, cells) -> list:
    out = ["| " + " | ".join(columns) + " |",
           "|" + "|".join("---:" if c in ("value", "partial") else "---" for c in columns) + "|"]
    head, omitted, tail, shortened = page(rows, limit, words(tr, GAP))
    for r in head:
        out.append("| " + " | ".join(cells(r)) + " |")
    if omitted:
        out.append("| " + " | ".join(words(tr, "⋮") for _ in columns) + " |")
    out.extend("| " + " | ".join(cells(r)) + " |" for r in tail)
    for note in table_notes(omitted, shortened):
        out += ["", "*" + cell(words(tr, note)) + "*"]
    return out + [""]


def trace_markdown(tr, limit: int, sig: int | None = None) -> str:
    g = tr.g
    at = point_text(tr, name=cell)
    lines = [f"**Trace of** {code(one_line(g.text))}" + (f" at {at}" if at else "")
             + f" ({tr.mode} mode)", ""]
    if tr.digits is not None:
        lines += [f"*{digits_note(tr)}*", ""]
    lines += ["### Primal trace", ""]
    src = dict(zip((r.node for r in tr.primal), tr.sources))
    if tr.primal and g.bound:            # a program: which variable each row binds
        lines += _table(tr, ["id", "name", "definition", "source", "value"], tr.primal, limit,
                        lambda r: (cell(r.id), cell(g.bound.get(r.node, "")), cell(r.rule),
                                   code(src[r.node]), value_text(r.value, sig)))
    elif tr.primal:
        lines += _table(tr, ["id", "definition", "source", "value"], tr.primal, limit,
                        lambda r: (cell(r.id), cell(r.rule), code(src[r.node]),
                                   value_text(r.value, sig)))
    else:
        lines += ["*no elementary operations*", ""]
    if not g.n_inputs:
        lines += [cell(values_text(tr, sig)), "", f"*{NO_INPUTS}*", ""]
    for sw in tr.tangent:
        lines += [cell(words(tr, "### " + tangent_title(tr, sw))), ""]
        lines += _rule_table(tr, "tangent", sw, limit, sig)
        lines += [", ".join(f"{words(tr, _d(tr, r, sw))} = {value_text(v, sig)}"
                            for r, v in zip(tr.outputs, sw.result)), ""]
    for sw in tr.adjoint:
        f = out_name(tr, sw.output - 1)
        lines += [cell(words(tr, "### " + adjoint_title(tr, sw))), ""]
        if not sw.constant:
            lines += _rule_table(tr, "adjoint", sw, limit, sig)
        lines += [_gradient(tr, f, sw.result, sig), ""]
    if tr.mode == "forward" and len(tr.tangent) > 1:
        for k, r in enumerate(tr.outputs):
            lines += [_gradient(tr, out_name(tr, r), tr.gradient[k], sig), ""]
    lines += ["### Cost", ""] + [f"- {cell(words(tr, line))}"
                                 for line in cost_lines(tr.cost, tr.scope)]
    return "\n".join(lines) + "\n"


def _rule_table(tr, what: str, sw, limit: int, sig) -> list:
    if tr.accumulate == "steps":
        return _table(tr, [what, "rule", "partial", "value"], shown_rows(tr, sw), limit,
                      lambda r: (cell(r.lhs), cell(r.rule),
                                 "" if r.partial is None else value_text(r.partial, sig),
                                 value_text(r.value, sig)))
    return _table(tr, [what, "rule", "value"], sw.rows, limit,
                  lambda r: (cell(r.lhs), cell(r.rule), value_text(r.value, sig)))


def _d(tr, r: int, sw) -> str:
    f = out_name(tr, r)
    return f"∂{f}/∂{cell(sw.wrt)}" if sw.wrt else f"∇{f}·ẋ"


def _gradient(tr, f: str, grad: list, sig) -> str:
    return words(tr, "**gradient:** " + ", ".join(
        f"∂{f}/∂{cell(n)} = {value_text(v, sig)}" for n, v in zip(tr.g.names, grad)))
