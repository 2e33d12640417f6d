"""A typed result (:mod:`adcli.results`) as the CLI's table: on the terminal,
as a Rich renderable, or as HTML for Jupyter."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .numbers import Numbers


def _views() -> dict:
    from ..tables import eval_view, grad_view, jacobian_view
    table: dict[str, Callable] = {"eval": eval_view, "grad": grad_view,
                                  "jacobian": jacobian_view}
    return table


def view(result: Any, fmt: Numbers) -> list:
    """The renderables of ``result``'s table."""
    first = _views().get(result.command)
    if first is not None:
        return first(result, fmt)
    from . import higher_table
    return {"hessian": higher_table.hessian_view, "jvp": higher_table.jvp_view,
            "vjp": higher_table.vjp_view, "hvp": higher_table.hvp_view,
            "derivative": higher_table.derivatives_view}[result.command](result, fmt)


def render(result: Any, fmt: Numbers, console: Any | None = None) -> None:
    """Print ``result``'s table (to the terminal unless ``console`` is given)."""
    from ..tables import print_view
    print_view(view(result, fmt), console)


def renderable(result: Any, fmt: Numbers) -> Any:
    """``__rich__``: the table as one Rich renderable."""
    from rich.console import Group
    return Group(*view(result, fmt))


def html(result: Any, fmt: Numbers) -> str:
    """``_repr_html_``: the table, recorded by Rich as HTML."""
    from io import StringIO

    from rich.console import Console
    c = Console(record=True, file=StringIO(), width=120, highlight=False, soft_wrap=False,
                emoji=False)
    render(result, fmt, c)
    return c.export_html(inline_styles=True, code_format="<pre style=\"font-family:monospace\">"
                         "{code}</pre>")


#: Rows of a many-point result shown in a notebook or a Rich console.
SHOWN_ROWS = 20


def many_view(many: Any) -> list:
    """Results at many points as the CSV of ``--points`` shows them: the inputs, then
    the kind's columns, one row per point (the first SHOWN_ROWS), failed points marked."""
    from rich.text import Text

    from ..tables import _table, header
    g, kind, keys = many.request.graph, many._kind(), many.keys
    columns = kind.columns(g, **keys)
    t = _table(*g.names, *columns) if g.names else _table("point", *columns)
    failed = {k: exc for k, exc in many.errors}
    fmt = Numbers()
    n = len(many.X)
    for k in range(min(n, SHOWN_ROWS)):
        xs = [fmt.text(x) for x in many.X[k].tolist()] or [str(k + 1)]
        if k in failed:
            t.add_row(*xs, "error", *[""] * (len(columns) - 1))   # the message: .errors
        else:
            t.add_row(*xs, *(fmt.text(y) for y in many.Y[:len(columns), k].tolist()))
    title = header(many.request.command, g, [])
    items: list = [Text(title.plain.split("\n")[0]), t]
    if n > SHOWN_ROWS:
        items.append(Text(f"… {n - SHOWN_ROWS:,} more points", style="dim"))
    return items


def many_renderable(many: Any) -> Any:
    from rich.console import Group
    return Group(*many_view(many))


def many_html(many: Any) -> str:
    from io import StringIO

    from rich.console import Console

    from ..tables import print_view
    c = Console(record=True, file=StringIO(), width=120, highlight=False, soft_wrap=False,
                emoji=False)
    print_view(many_view(many), c)
    return c.export_html(inline_styles=True, code_format="<pre style=\"font-family:monospace\">"
                         "{code}</pre>")
