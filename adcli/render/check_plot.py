"""``adcli check --plot``: the finite-difference error against the step h, log-log, beside
AD's error, drawn with text (no plotting library)."""
from __future__ import annotations

import math

from rich.text import Text

from ..tables import output_label
from .check_table import console

# -- the error-versus-step plot ------------------------------------------------------------------
MARKS = "●○◆◇▲△"
WIDTH, HEIGHT = 64, 18


def _log(v: float) -> float:
    return math.log10(max(v, 1e-300))


def _ranges(curves) -> tuple:
    xs = [_log(h) for c in curves for h, _ in c.points]
    ys = [_log(e) for c in curves for _, e in c.points if e > 0] + \
         [_log(c.ad_error) for c in curves]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    return x0, max(x1, x0 + 1), y0, max(y1, y0 + 1)


def _grid(curves, x0, x1, y0, y1) -> tuple:
    grid = [[" "] * WIDTH for _ in range(HEIGHT)]

    def col(x):
        return min(WIDTH - 1, max(0, round((x - x0) / (x1 - x0) * (WIDTH - 1))))

    def line(y):
        return min(HEIGHT - 1, max(0, round((y1 - y) / (y1 - y0) * (HEIGHT - 1))))

    for c in curves:
        ad = line(_log(c.ad_error))
        for x in range(WIDTH):
            if grid[ad][x] == " ":
                grid[ad][x] = "┈"
    for k, c in enumerate(curves):
        for h, e in c.points:
            grid[line(_log(e) if e > 0 else y0)][col(_log(h))] = MARKS[k % len(MARKS)]
    return grid, col


def plot_lines(g, curves) -> list:
    """The picture as lines of text: FD error against h, log-log, with the AD level."""
    curves = [c for c in curves if c.points]
    if not curves:
        return ["(no finite differences could be taken: every step leaves the domain)"]
    x0, x1, y0, y1 = _ranges(curves)
    grid, col = _grid(curves, x0, x1, y0, y1)
    lines = ["error of the central difference against the step h (log-log)"]
    for r, cells in enumerate(grid):
        y = y1 - r * (y1 - y0) / (HEIGHT - 1)
        label = f"1e{round(y):+03d}" if r in (0, HEIGHT // 2, HEIGHT - 1) else ""
        lines.append(f"{label:>6} │" + "".join(cells))
    lines.append(" " * 7 + "└" + "─" * WIDTH)
    ticks = [" "] * WIDTH
    for c in curves:
        if c.chosen_h:
            ticks[col(_log(c.chosen_h))] = "▲"
    lines.append(" " * 8 + "".join(ticks))
    lines.append(" " * 8 + f"h = 1e{x0:+03d}".ljust(WIDTH - 9) + f"1e{x1:+03d}")
    for k, c in enumerate(curves):
        name = f"∂{output_label(g, c.output)}/∂{g.names[c.variable]}"
        lines.append(f"  {MARKS[k % len(MARKS)]} {name}: |central FD − {c.reference}|")
    lines.append("  ┈ AD: |AD − SymPy| (flat: no step, no truncation; at least ½ ULP shown)")
    lines.append("  ▲ the step adcli chose, h = ε^(1/3)·max(1, |x|): to its right truncation "
                 "error (∝ h²) dominates, to its left round-off (∝ ε/h)")
    return lines


def print_plot(g, curves, stderr: bool = False) -> None:
    c = console(stderr)
    for line in plot_lines(g, curves):
        c.print(Text(line))
