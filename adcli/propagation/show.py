"""The terminal view of ``adcli uncertainty``: result, budget, Monte Carlo, histogram,
and ``--plot-file`` (matplotlib, the optional ``plot`` extra, imported only here)."""
from __future__ import annotations

import math
from typing import Any

from ..errors import UsageError

#: Significant digits of the tables (JSON is always complete).
SHOWN = 6


def _n(v: float, sig: int) -> str:
    return f"{v:.{sig}g}"


def view(res: Any, precision: int | None = None) -> list:
    from rich.text import Text

    from ..tables import _table, header
    sig = precision or SHOWN
    g, gum = res.graph, res.gum
    items: list = [header("uncertainty", g, [q.estimate for q in res.quantities])]
    t = _table("", "value")
    t.add_row("y = f(x)", _n(gum.value, sig))
    t.add_row("u(y)", _n(gum.u, sig))
    k_note = "normal" if math.isinf(gum.dof) else f"t, ν_eff = {gum.dof:.3g}"
    t.add_row(f"k ({k_note})", _n(gum.k, sig))
    t.add_row(f"U = k·u ({100 * gum.coverage:g} %)", _n(gum.expanded, sig))
    lo, hi = gum.interval
    t.add_row("coverage interval", f"[{_n(lo, sig)}, {_n(hi, sig)}]")
    if res.second is not None:
        t.add_row("u(y), second order", _n(res.second.u, sig))
        t.add_row("second-order term", _n(res.second.term, sig))
    items += [Text("GUM, first order (JCGM 100)", style="bold"), t]
    b = _table("input", "distribution", "estimate", "u(xᵢ)", "cᵢ = ∂f/∂xᵢ", "|cᵢ|·u(xᵢ)",
               "share %")
    kinds = {q.name: q.describe() for q in res.quantities}
    for row in res.budget:
        b.add_row(row["variable"], kinds[row["variable"]], _n(row["estimate"], sig),
                  _n(row["standard_uncertainty"], sig), _n(row["sensitivity"], sig),
                  _n(row["contribution"], sig), f"{row['percent']:.1f}")
    items += [Text("\nUncertainty budget", style="bold"), b]
    if res.correlation_terms:
        c = _table("inputs", "r", "2·cᵢ·cⱼ·r·uᵢ·uⱼ", "share %")
        u2 = gum.u ** 2
        for row in res.correlation_terms:
            c.add_row(", ".join(row["variables"]), _n(row["coefficient"], 4),
                      _n(row["term"], sig), f"{100 * row['term'] / u2:.1f}" if u2 else "")
        items += [Text("\nCorrelation terms", style="bold"), c]
    if res.mc is not None:
        mc = res.mc
        m = _table("", "value")
        m.add_row("trials", f"{mc.trials:,}" + (" (adaptive)" if mc.adaptive else ""))
        if mc.failed:
            m.add_row("failed draws", f"{mc.failed:,}")
        m.add_row("mean", _n(mc.mean, sig))
        m.add_row("u(y)", _n(mc.u, sig))
        kind = "shortest" if mc.shortest else "symmetric"
        m.add_row(f"coverage interval ({kind})",
                  f"[{_n(mc.interval[0], sig)}, {_n(mc.interval[1], sig)}]")
        items += [Text("\nMonte Carlo (JCGM 101)", style="bold"), m]
        v = res.check
        items.append(Text(
            f"GUM validated: {'yes' if v['validated'] else 'no'}  "
            f"(d_low = {v['d_low']:.2g}, d_high = {v['d_high']:.2g}, "
            f"δ = {v['tolerance']:.2g})\n"))
        items.append(Text(histogram(mc.values, gum.value, gum.u)))
    return items


def print_uncertainty(res: Any, precision: int | None = None) -> None:
    from ..tables import print_view
    print_view(view(res, precision))


def histogram(values: Any, y: float, u: float, bins: int = 24, width: int = 50) -> str:
    """The Monte Carlo output as horizontal bars, one per bin; '│' marks the height the
    GUM normal N(y, u²) gives that bin."""
    import numpy as np
    lo, hi = np.quantile(values, [0.0005, 0.9995])
    if not hi > lo:
        return f"  all values are {lo:.6g}\n"
    counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
    expect = np.zeros(bins)
    if u > 0:
        from statistics import NormalDist
        cdf = NormalDist(y, u).cdf
        expect = np.array([cdf(edges[k + 1]) - cdf(edges[k]) for k in range(bins)]) * len(values)
    top = max(counts.max(), expect.max())
    lines = ["  Monte Carlo histogram (█) with the GUM normal (│)"]
    for k in range(bins):
        n = int(round(width * counts[k] / top))
        bar = list("█" * n + " " * (width + 1 - n))
        mark = int(round(width * expect[k] / top))
        if u > 0:
            bar[min(mark, width)] = "│"
        mid = (edges[k] + edges[k + 1]) / 2
        lines.append(f"  {mid:>12.6g} {''.join(bar)}")
    return "\n".join(lines) + "\n"


def plot_file(res: Any, path: str) -> None:
    """The histogram and the GUM normal as a PNG or SVG, by matplotlib (lazy)."""
    if res.mc is None:
        raise UsageError("--plot-file draws the Monte Carlo histogram: add --monte-carlo")
    if not path.lower().endswith((".png", ".svg")):
        raise UsageError(f"--plot-file: '{path}' must end in .png or .svg")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ModuleNotFoundError:
        raise UsageError("--plot-file needs matplotlib, which is not installed: "
                         "pip install 'adcli[plot]'") from None
    import numpy as np
    gum, mc = res.gum, res.mc
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(mc.values, bins=80, density=True, color="#9ab", label="Monte Carlo")
    xs = np.linspace(mc.values[0], mc.values[-1], 400)
    if gum.u > 0:
        density = np.exp(-0.5 * ((xs - gum.value) / gum.u) ** 2) / (gum.u * math.sqrt(2 * math.pi))
        ax.plot(xs, density, color="#c33", label="GUM normal")
    for x in mc.interval:
        ax.axvline(x, color="#333", linestyle="--", linewidth=0.8)
    ax.set_xlabel(res.graph.text)
    ax.legend()
    try:
        fig.savefig(path)
    except OSError as exc:
        raise UsageError(f"--plot-file: cannot write '{path}': {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
