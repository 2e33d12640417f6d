"""Rich tables for people.  Imported only when output is not ``--json``."""
from __future__ import annotations

import re

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .render.numbers import FULL, Numbers


class _Console(Console):
    """Rich's Console, but a closed pipe (| head) raises BrokenPipeError, which the
    commands end quietly with exit 0, instead of Rich's own SystemExit(1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def console(stderr: bool = False) -> Console:
    # emoji=False: ':name:' in a formula or message is text (and Rich's emoji table,
    # 3 ms of start-up, is never loaded)
    return _Console(stderr=stderr, highlight=False, soft_wrap=False, emoji=False)


def num(v: float) -> str:
    """Full float64 precision, shortest round-trip form (the number formatter's)."""
    return FULL.text(v)


def one_line(text: str, limit: int = 200) -> str:
    """The formula on one line, its comments left out (they never reach a header)."""
    from .ir import strip_comments
    s = "; ".join(line.strip() for line in strip_comments(text).splitlines() if line.strip())
    return s if len(s) <= limit else s[:limit - 1] + "…"


_SIGNATURE = re.compile(r"\s*[A-Za-z_]\w*\s*\([^()]*\)\s*=(?!=)")


def header(command: str, g, point, fmt: Numbers = FULL) -> Text:
    t = Text()
    t.append(f"adcli {command}", style="bold")
    text = one_line(g.text)
    if _SIGNATURE.match(text):       # 'f(x, y) = ...' names itself
        t.append(f"   {text}\n")
    else:
        f = g.output_name(0) if len(g.outputs) == 1 else "f"
        sig = f"{f}({', '.join(g.names)})" if g.names else f
        t.append(f"   {sig} = {text}\n")
    if g.names:
        t.append("at ", style="dim")
        shown = ", ".join(f"{n} = {fmt.text(v)}" for n, v in zip(g.names, point))
        t.append(shown if len(shown) <= 200 else shown[:199] + "…")
        t.append("\n")
    return t


def sweeps_line(result, n_inputs: int, n_outputs: int) -> Text:
    ops = result.operations
    if result.mode == "forward":
        what = (f"forward mode: 1 primal sweep + {result.sweeps} tangent sweep"
                f"{'s' if result.sweeps != 1 else ''} (one per input)")
    else:
        what = (f"reverse mode: 1 primal (recording) sweep + {result.sweeps} adjoint sweep"
                f"{'s' if result.sweeps != 1 else ''} (one per output)")
    return Text(f"{what}; {plural(ops['primal'], 'elementary operation')} in the primal "
                f"sweep, {ops['derivative']:,} in the derivative sweeps", style="dim")


def plural(n: int, noun: str) -> str:
    """'1 elementary operation', '15,001 elementary operations'."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _table(*columns: str) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for k, c in enumerate(columns):
        t.add_column(c, justify="left" if k == 0 else "right", no_wrap=True)
    return t


def print_table(c: Console, t: Table) -> None:
    """Print ``t`` whole: where it is wider than the console, the console widens for
    it (long lines beat cut numbers and columns Rich would drop to make it fit)."""
    from rich.measure import Measurement
    need = Measurement.get(c, c.options.update_width(1 << 16), t).maximum
    if need <= c.width:
        c.print(t)
        return
    width = c.width
    c.width = need
    try:
        c.print(t)
    finally:
        c.width = width


def output_label(g, r: int) -> str:
    return g.output_name(r)


def print_view(items: list, c: Console | None = None) -> None:
    """Print a view (a list of renderables); tables whole, as print_table does."""
    c = c or console()
    for item in items:
        if isinstance(item, Table):
            print_table(c, item)
        else:
            c.print(item)


def eval_view(r, fmt: Numbers) -> list:
    g = r.graph
    items: list = [header("eval", g, r.point, fmt)]
    if len(r.values) == 1 and not g.vector:
        return items + [Text(f"{g.output_name(0)} = ", style="bold")
                        + Text(fmt.text(r.values[0]))]
    t = _table("output", "expression", "value")
    for k, v in enumerate(r.values):
        t.add_row(output_label(g, k), one_line(g.source(g.outputs[k]), 60), fmt.text(v))
    return items + [t]


def grad_view(r, fmt: Numbers) -> list:
    g = r.graph
    f = g.output_name(0)
    t = _table("variable", "at", f"∂{f}/∂variable")
    for name, x, d in zip(g.names, r.point, r.gradient):
        t.add_row(name, fmt.text(x), fmt.text(d))
    return [header("grad", g, r.point, fmt),
            Text(f"{f} = ", style="bold") + Text(fmt.text(r.value)),
            t, sweeps_line(r, g.n_inputs, 1)]


def jacobian_view(r, fmt: Numbers) -> list:
    g = r.graph
    t = _table("output", "value", *(f"∂/∂{n}" for n in g.names))
    for k, row in enumerate(r.jacobian):
        t.add_row(output_label(g, k), fmt.text(r.value[k]), *(fmt.text(v) for v in row))
    items = [header("jacobian", g, r.point, fmt), t]
    if r.mode_reason:
        items.append(Text(r.mode_reason, style="dim"))
    return items + [sweeps_line(r, g.n_inputs, len(g.outputs))]
