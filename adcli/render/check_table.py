"""``adcli check`` for people: the methods side by side (Rich), and the --plot picture.

Imported only when the output is not ``--json`` (the plot also goes to stderr
under ``--json``).  The plot is drawn here with text, so it needs no plotting
library.
"""
from __future__ import annotations

import os
import re

from rich import box
from rich.console import Console, Group
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .. import tables
from ..checking import FD_FACTOR, ROUNDING_FACTOR
from ..tables import header, one_line, output_label
from .numbers import Numbers, float_text, value_text

VERDICT_STYLE = {"agree": "bold green", "disagree": "bold red", "inconclusive": "bold yellow"}
EXPR_LIMIT = 300


class Unpadded:
    """A file that drops the spaces Rich pads lines with (pipes and files get none)."""

    _PAD = re.compile(r"[ \t]+(?=\n)")

    def __init__(self, file):
        self.file = file

    def write(self, text: str) -> int:
        return self.file.write(self._PAD.sub("", text))

    def flush(self) -> None:
        self.file.flush()

    def isatty(self) -> bool:
        return False


def console(stderr: bool = False) -> Console:
    c = tables.console(stderr)
    if not c.is_terminal:
        if not os.environ.get("COLUMNS"):
            c.width = max(c.width, 160)    # files and pipes: whole numbers, not ellipses
        c.file = Unpadded(c.file)          # type: ignore[assignment]
    return c


def partial_name(g, row) -> str:
    f = output_label(g, row.output)
    return f"∂{f}/∂{g.names[row.variable]}"


def _formatter(report, sig: int | None = None):
    """Numbers as text: shortest float64 round trip, or N digits under --digits N; ``sig``
    (--precision) significant digits if given."""
    if sig is None:
        return report.nums.text
    return lambda v: value_text(v, sig)


def _cell(text: str, row, method: str) -> Text:
    return Text(text, style="bold red" if method in row.bad else "")


def _fd_cell(row, num) -> Text:
    if row.fd is None:
        return Text("—", style="dim")
    text = f"{num(row.finite_difference)} ± {float(row.fd_error):.1e}"
    if not row.fd_reliable or row.fd_suspect:
        return Text(text + " ⚠", style="yellow")
    return _cell(text, row, "fd")


def _sym_cell(row, num, exact: bool) -> Text:
    """SymPy's value: all its digits (``exact``), or as the other numbers show."""
    if row.symbolic_digits is None:
        return Text(row.symbolic_note or "—", style="dim")
    shown = row.symbolic_digits if exact else num(row.symbolic_value)
    return _cell(shown, row, "symbolic")


def _verdict(row) -> Text:
    return Text(row.verdict, style=VERDICT_STYLE[row.verdict])


def _g(v, fmt: str = ".3g") -> str:
    return "—" if v is None else format(float(v), fmt)


def _methods(row, num, digits, sig=None, exact: bool = True) -> list:
    """(column name, cell) for the methods, in table order; ``exact``: SymPy's value with
    all its digits when the numbers are float64's and --precision is not given."""
    return [("forward AD", _cell(num(row.forward), row, "forward")),
            ("reverse AD", _cell(num(row.reverse), row, "reverse")),
            ("central FD ± error", _fd_cell(row, num)),
            ("SymPy (high precision)" if digits is None else f"SymPy ({digits} digits)",
             _sym_cell(row, num, exact and digits is None and sig is None))]


def _differences(row, num) -> list:
    """(column name, text) for the differences, in table order."""
    d = row.diffs
    return [("fwd vs rev (ULP)", _g(d.get("forward_reverse_ulps"))),
            ("AD vs SymPy (ULP)", _g(d.get("ad_symbolic_ulps"))),
            ("AD tolerance (ULP)", _g(d.get("ad_symbolic_tolerance_ulps"))),
            ("|FD − AD| / est.", _g(d.get("fd_ad_in_estimates"))),
            ("FD rel. error", _g(d.get("fd_ad_rel"), ".2e")),
            ("Richardson", "—" if row.fd_richardson is None else num(row.fd_richardson)),
            ("Richardson ratio", _g(d.get("fd_richardson_ratio"))),
            ("step h", _g(None if row.fd is None else row.fd.h, ".3g")),
            ("max rel. diff", _g(d.get("max_rel_diff"), ".2e"))]


def _rel_columns(row) -> list:
    """(column name, text): the relative differences of the default table."""
    d = row.diffs
    return [("fwd−rev", _g(d.get("forward_reverse_rel"), ".1e")),
            ("AD−SymPy", _g(d.get("ad_symbolic_rel"), ".1e")),
            ("FD−AD", _g(d.get("fd_ad_rel"), ".1e"))]


def summary_table(g, report, sig: int | None = None, exact: bool = True) -> Table:
    """The default layout: one row per partial, the methods, their relative differences and
    the row's verdict; ``exact``: SymPy with all its digits (else as the others show)."""
    num, digits = _formatter(report, sig), report.digits
    t = _wide("derivatives (rel. diffs: |a − b| / max(|a|, |b|))")
    first = report.rows[0]
    methods = [k for k, _ in _methods(first, num, digits, sig)]
    rels = [k for k, _ in _rel_columns(first)]
    for k, name in enumerate(["partial"] + methods + rels + ["verdict"]):
        t.add_column(name, justify="left" if k in (0, len(methods) + len(rels) + 1)
                     else "right", no_wrap=True)
    for row in report.rows:
        cells = [c for _, c in _methods(row, num, digits, sig, exact)]
        t.add_row(partial_name(g, row), *cells, *(v for _, v in _rel_columns(row)),
                  _verdict(row))
    return t


def _wide(title: str) -> Table:
    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                 title=title, title_justify="left", title_style="bold")


def row_block(g, row, report, sig: int | None = None) -> Padding:
    """One partial as a key/value list: for terminals too narrow for the wide tables."""
    num, digits = _formatter(report, sig), report.digits
    t = Table.grid(padding=(0, 2))
    t.add_column(style="dim", no_wrap=True)
    t.add_column(overflow="fold")
    for key, cell in _methods(row, num, digits, sig):
        t.add_row(key, cell)
    for key, text in _differences(row, num):
        t.add_row(key, text)
    title = Text(partial_name(g, row) + "  ", style="bold") + _verdict(row)
    return Padding(Group(title, Padding(t, (0, 0, 0, 2))), (0, 0, 1, 0))


def fits(c: Console, table: Table) -> bool:
    """True when the table's widest rendering fits the console (nothing cut)."""
    wide = c.options.update(width=1_000_000)
    return Measurement.get(c, wide, table).maximum <= c.width


def _notes(g, report) -> Text:
    t = Text()
    for row in report.rows:
        for note in [row.fd_note] * bool(row.fd_note) + row.reasons:
            t.append(f"  {partial_name(g, row)}: ", style="bold")
            t.append(note + "\n", style="yellow" if row.verdict != "disagree" else "red")
    return t


def _expressions(g, report) -> Text:
    t = Text("SymPy's derivatives (in adcli's syntax)\n", style="bold")
    for row in report.rows:
        expr = row.symbolic_text if row.symbolic_text is not None else row.symbolic_note or "—"
        if len(expr) > EXPR_LIMIT:
            expr = expr[:EXPR_LIMIT - 1] + f"… ({len(expr):,} characters; --json has all)"
        t.append(f"  {partial_name(g, row)} = ")
        t.append(expr + "\n", style="" if row.symbolic_text is not None else "dim")
    return t


def _swell(report) -> Text:
    s = report.swell
    show = {k: ("—" if v is None else f"{v:,}") for k, v in s.items()}
    return Text(f"expression swell (operation counts): formula {show['expression_ops']}, "
                f"SymPy derivative {show['symbolic_ops']}, after cse "
                f"{show['symbolic_cse_ops']}, adcli primal + adjoint trace "
                f"{show['trace_ops']}", style="dim")


def _margin(e) -> str:
    m = e.margin
    return "—" if m is None else ("exact" if m == 0 else f"{m:.2g}")


def _against(g, ag, num=float_text) -> list:
    out: list = []
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
              title=Text(f"--against {one_line(ag.text, 80)}"), title_justify="left",
              title_style="bold")
    for k, name in enumerate(("partial", "point", "expected (AD)", "got", "margin", "")):
        t.add_column(name, justify="left" if k in (0, 1, 5) else "right", no_wrap=True)
    shown = [e for e in ag.entries if e.sample == 0] + \
        [e for e in ag.failures if e.sample != 0][:10]
    for e in shown:
        f = output_label(g, e.output)
        mark = "ok" if e.agree else ("kink" if e.at_kink else "WRONG")
        style = "" if e.agree else ("yellow" if e.at_kink else "bold red")
        got = "cannot be evaluated" if e.got is None else num(e.got)
        t.add_row(f"∂{f}/∂{g.names[e.variable]}", "P" if e.sample == 0 else f"#{e.sample}",
                  num(e.expected), Text(got, style=style), Text(_margin(e), style=style),
                  Text(mark, style=style))
    out.append(t)
    samples = {e.sample: e.point for e in shown if e.sample != 0}
    if samples:
        out.append(Text("; ".join(f"#{k}: " + ", ".join(f"{n} = {num(x)}" for n, x in
                                                         zip(g.names, p))
                                  for k, p in samples.items()), style="dim"))
    more = len([e for e in ag.failures if e.sample != 0]) - 10
    where = ("at P only (--samples K adds K random points near it)" if ag.points == 1 else
             f"at {ag.points} points (P and {ag.points - 1} random "
             f"point{'s' if ag.points != 2 else ''} near it)")
    note = (f"checked {where}"
            f"{f', {ag.skipped} outside the domain skipped' if ag.skipped else ''}; "
            f"relative tolerance {float(ag.rtol):g}; margin = |got − expected| / "
            "tolerance, ≤ 1 inside" + (f"; {more} more failures in --json" if more > 0 else ""))
    out.append(Text(note, style="dim"))
    out.append(Text("against: ") + Text(ag.verdict, style=VERDICT_STYLE[ag.verdict]))
    return out


def _derivatives(c: Console, g, report, sig: int | None, details: bool) -> None:
    """One table (SymPy with every digit if that fits, else as the others show), or with
    ``details`` or when no table fits, one card per partial."""
    if not details:
        for exact in (True, False):
            table = summary_table(g, report, sig, exact)
            if fits(c, table):
                c.print(table)
                c.print()
                return
    c.print(Text("derivatives", style="bold"))
    for row in report.rows:
        c.print(row_block(g, row, report, sig))


def print_check(g, point, report, c: Console | None = None, sig: int | None = None,
                details: bool = False) -> None:
    """The check for people; ``sig`` (--precision): significant digits of the numbers;
    ``details``: one card per partial with every comparison."""
    c = c or console()
    c.print(header("check", g, point, Numbers(report.digits)))
    _derivatives(c, g, report, sig, details)
    if any(row.reasons or row.fd_note for row in report.rows):
        c.print(Text("notes", style="bold"))
        c.print(_notes(g, report))
    c.print(_expressions(g, report))
    c.print(_swell(report))
    unit = "ULPs" if report.digits is None else f"units of 10^-{report.digits}"
    c.print(Text(f"tolerances: AD and SymPy within {report.ad_ulps} {unit}, or "
                 f"{ROUNDING_FACTOR:g} × AD's rounding spread if more (at most --rtol "
                 f"{float(report.rtol):.3g} relative); finite differences "
                 f"within {FD_FACTOR:g} × their error estimate", style="dim"))
    if report.against is not None:
        for part in _against(g, report.against, _formatter(report, sig)):
            c.print(part)
    c.print(Text("verdict: ", style="bold") + Text(report.verdict,
                                                   style=VERDICT_STYLE[report.verdict]))
