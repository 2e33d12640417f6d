"""``adcli trace --format html``: one self-contained page that steps through the sweeps.

The page is the graph (:mod:`adcli.render.svg`, laid out in Python) beside the
primal, tangent and adjoint tables, and a list of steps: the primal sweep row
by row, then each tangent sweep row by row (``--mode forward``) or each
contribution v̄ₖ = v̄ₖ + v̄ᵢ·∂vᵢ/∂vₖ of the adjoint sweep, with the running sum
at shared nodes (the trace's ``--accumulate steps`` data).  Every step says
which texts of the graph and the tables it reveals or changes (``data-k``
keys); the script (``page/page.js``, beside this module) replays the steps up
to the current one.  CSS and script are inlined, the steps are JSON in a
``<script type="application/json">`` (every ``<`` escaped): no request leaves the page.

The same fragment is the API trace's ``_repr_html_`` (``standalone=False``):
every id carries a unique prefix, the CSS is scoped to its root and the
script to its root element, so several traces share one notebook.
"""
from __future__ import annotations

import hashlib
import itertools
import json
from html import escape
from pathlib import Path

from ..tables import one_line
from . import GRAPH_DIGITS, clip, out_name, point_text, table_notes
from .numbers import value_text

PAGE = Path(__file__).with_name("page")
_count = itertools.count(1)


def asset(name: str) -> str:
    """A page asset (``page.css``, ``page.js``), read from the package."""
    return (PAGE / name).read_text(encoding="utf-8")


def _x(text: str) -> str:
    return escape(str(text), quote=True)


class _Page:
    """The steps and tables of one trace, built together so their keys agree."""

    def __init__(self, tr, sig: int, nodes: list, edges: list, mode: str | None,
                 limit: int = 0):
        self.tr, self.sig, self.mode, self.limit = tr, sig, mode, limit
        self.names = {n.node: n.overlay_label for n in nodes if n.overlay_label}   # v̄₃, u̇₀
        self.edges = edges
        self.steps: list = []
        self.rows = 0
        self.into: dict = {}                 # node -> the edges into it
        self.between: dict = {}              # (src, dst) -> its edges, in argument order
        for k, e in enumerate(edges):
            self.into.setdefault(e.dst, []).append(k)
            self.between.setdefault((e.src, e.dst), []).append(k)
        self.overlays = [f"o{i}" for i in range(tr.g.n_nodes)]
        self.contribs = [f"c{k}" for k in range(len(edges))]

    def num(self, v) -> str:
        return value_text(v, self.sig)

    def row_key(self) -> str:
        self.rows += 1
        return f"R{self.rows}"

    def step(self, title: str, eq: str, row: str | None, node: int | None = None,
             edges: list | None = None, sets: dict | None = None) -> None:
        s = dict(sets or {})
        if row is not None:
            s[row] = True
        self.steps.append({"t": title, "eq": eq, "r": row, "n": node, "e": edges or [],
                           "set": s})

    def overlay(self, i: int, v) -> str:
        """Node i's overlay in the graph's style: ``v̄₀ = 1.716`` (as the SVG's)."""
        return f"{self.names.get(i, '')} = {self.num(v)}" if self.mode else ""

    def contribution(self, k: int, v) -> str:
        """Edge k's contribution beside its partial: ``v̄₃·∂ = −0.2837`` (as the SVG's)."""
        return f"{self.edges[k].contribution_short} = {self.num(v)}" if self.mode else ""

    def reset(self) -> dict:
        """A new sweep: every overlay and contribution of the last one hidden."""
        return dict.fromkeys(self.overlays + self.contribs)


def _table(p: _Page, caption: str, head: list, body: list, cls: str) -> str:
    """``body``: [(row key or "", [cells])], at most ``p.limit`` rows (0: all): the first
    and the last, with a row that says how many are left out.  Cells that are not text
    are numbers, written only for the rows shown."""
    out = [f'<table class="{cls}"><caption>{_x(caption)}</caption><thead><tr>']
    out += [f"<th>{_x(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    first, omitted, last = clip(body, p.limit)
    if omitted:
        gap = ["…", table_notes(omitted, 0)[0]] + [""] * (len(head) - 2)
        first = first + [("", gap)] + last
    for key, cells in first:
        attr = f' data-k="{key}"' if key else ""
        out.append(f"<tr{attr}>" + "".join(
            f"<td>{_x(c if isinstance(c, str) else p.num(c))}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _primal(p: _Page, live: bool) -> str:
    tr, body = p.tr, []
    named = bool(tr.g.bound)                  # a program: which variable each row binds
    for r, src in zip(tr.primal, tr.sources):
        key = p.row_key() if live else ""
        name = [tr.g.bound.get(r.node, "")] if named else []
        body.append((key, [r.id, *name, r.rule, src, r.value]))
        if live:
            value = p.num(r.value)
            sets: dict = {f"p{r.node}": f"= {value}"}
            sets.update((f"e{k}", True) for k in p.into.get(r.node, []))
            p.step("Primal sweep", f"{r.lhs} = {r.rule} = {value}", key, r.node,
                   p.into.get(r.node, []), sets)
    head = ["id", "name", "definition", "source", "value"] if named else \
        ["id", "definition", "source", "value"]
    return _table(p, "Primal trace", head, body, "primal")


def _tangent(p: _Page, sw, live: bool) -> str:
    tr, body = p.tr, []
    title = f"Tangent sweep {sw.label}"
    first = True
    for r in sw.rows:
        key = p.row_key() if live else ""
        body.append((key, [r.lhs, r.rule, r.value]))
        if not live:
            continue
        sets = p.reset() if first else {}
        first = False
        sets[f"o{r.node}"] = p.overlay(r.node, r.value)
        edges = []
        for st in r.contributions:
            ks = p.between.get((st.src, st.node), [])
            k = next((k for k in ks if k not in edges), None)
            if k is not None:
                edges.append(k)
                sets[f"c{k}"] = p.contribution(k, st.term)
        p.step(title, f"{r.lhs} = {r.rule} = {p.num(r.value)}", key, r.node, edges, sets)
    if live:
        outs = ", ".join(f"{out_name(tr, r)}: {p.num(v)}" for r, v in zip(tr.outputs, sw.result))
        p.step(title, f"{sw.label} {outs}" if sw.wrt else outs, None)
    return _table(p, f"{title}, seed ẋ = ({', '.join(p.num(v) for v in sw.seed)})",
                  ["tangent", "rule", "value"], body, "tangent")


def _bar(tr, name: str) -> str:
    if tr.style.ascii:
        return f"{name}bar"
    return name[0] + "\u0304" + name[1:]


def _adjoint(p: _Page, sw, live: bool) -> str:
    tr, g, body = p.tr, p.tr.g, []
    f = out_name(tr, sw.output - 1)
    title = f"Adjoint sweep for {f}"
    seed = sw.rows[0]
    key = p.row_key() if live else ""
    body.append((key, [seed.lhs, seed.rule, "", seed.value]))
    if live:
        sets = p.reset()
        sets[f"o{seed.node}"] = p.overlay(seed.node, seed.value)
        p.step(title, f"{seed.lhs} = {seed.rule}", key, seed.node, [], sets)
    used: dict = {}
    for st in sw.steps:
        key = p.row_key() if live else ""
        body.append((key, [st.lhs, st.rule, st.partial, st.running]))
        if not live:
            continue
        ks = p.between.get((st.node, st.src), [])
        n = used.get((st.node, st.src), 0)
        used[(st.node, st.src)] = n + 1
        edges = ks[n:n + 1]
        sets = {f"o{st.node}": p.overlay(st.node, st.running)}
        sets.update((f"c{k}", p.contribution(k, st.term)) for k in edges)
        p.step(title, f"{st.lhs} = {st.rule} = {p.num(st.running)}", key, st.node, edges, sets)
    grad = [f"∂{f}/∂{name} = {_bar(tr, name)} = {p.num(v)}"
            for name, v in zip(g.names, sw.result)]
    gkey = ""
    if live and grad:
        gkey = p.row_key()
        p.step(f"Gradient of {f}", "   ".join(grad), gkey)
    caption = f"Adjoint trace for {f}, one contribution at a time (reverse order)"
    if sw.constant:
        caption = f"Adjoint trace for {f}: it does not depend on the inputs"
    attr = f' data-k="{gkey}"' if gkey else ""
    return _table(p, caption, ["adjoint", "rule", "∂", "value"], body, "adjoint") + \
        f'<p class="gradient"{attr}>{_x("; ".join(grad))}</p>'


def _graph(tr, prefix: str, sig: int, max_nodes: int, rankdir: str | None) -> tuple:
    """(svg or "", nodes, edges, the overlay's mode, why there is no graph)."""
    from ..tracing import graph_model
    from .svg import svg, too_many
    g = tr.g
    why = too_many(g.n_nodes, max_nodes)
    if why:
        return "", [], [], None, why
    mode = tr.mode if (tr.adjoint or tr.tangent) else None
    extra: dict = {"mode": mode}
    if mode == "forward":
        extra["seed"] = tr.tangent[0].seed
    if tr.digits is not None:        # the trace's numbers: mpmath at its digits
        from ..backends.mpmath import namespace, working_precision
        with working_precision(tr.digits):
            nodes, edges = graph_model(g, tr.point, tr.style, m=namespace(g), **extra)
    else:
        nodes, edges = graph_model(g, tr.point, tr.style, **extra)
    why = too_many(len(nodes), max_nodes)
    if why:
        return "", [], [], None, why
    from .layout import rankdir_for
    side = rankdir or rankdir_for(g)        # as adcli graph draws it
    return (svg(g, nodes, edges, sig, tr.style.ascii, mode, side, prefix, standalone=False),
            nodes, edges, mode, "")


def trace_page(tr, limit: int = 200, precision: int | None = None, max_nodes: int = 200,
               standalone: bool = True, rankdir: str | None = None) -> str:
    """The page (``standalone``) or the notebook fragment of the trace ``tr``."""
    sig = precision or tr.digits or GRAPH_DIGITS
    text = one_line(tr.g.text, 200)
    prefix = "adcli-" + hashlib.sha1(f"{text}{tr.mode}{tr.point}".encode()).hexdigest()[:8] + \
        f"-{next(_count)}"
    drawing, nodes, edges, mode, why = _graph(tr, prefix, sig, max_nodes, rankdir)
    live = not why
    p = _Page(tr, sig, nodes, edges, mode, limit)
    tables = [_primal(p, live)]
    tables += [_tangent(p, sw, live) for sw in tr.tangent]
    tables += [_adjoint(p, sw, live) for sw in tr.adjoint]
    at = point_text(tr)
    head = (f'<header><h1>{_x(text)}</h1><p class="at">{"at " + _x(at) if at else "no inputs"}'
            f' · {_x(tr.mode)} mode</p></header>')
    controls = ""
    if live:
        controls = ('<nav class="controls" aria-label="steps">'
                    '<button data-go="home" title="first step (Home)">|◀</button>'
                    '<button data-go="prev" title="previous step (←)">◀</button>'
                    '<span class="counter" aria-live="polite"></span>'
                    '<button data-go="next" title="next step (→)">▶</button>'
                    '<button data-go="end" title="last step (End)">▶|</button>'
                    '<button data-go="theme" class="theme" title="light / dark">◐ dark</button>'
                    '</nav><div class="stage"><div class="what"></div>'
                    '<div class="equation"></div></div>')
    note = f'<p class="note">{_x(why[0].upper() + why[1:])}, so this page shows the ' \
        'tables only (--max-nodes N draws larger graphs).</p>' if why else ""
    data = json.dumps({"steps": p.steps, "standalone": standalone}, ensure_ascii=False,
                      separators=(",", ":")).replace("<", "\\u003c")   # never "</script>"
    body = (f'<div class="adcli-trace" id="{prefix}" tabindex="0">{head}{controls}{note}'
            f'<main><div class="graph">{drawing}</div>'
            f'<div class="tables">{"".join(tables)}</div></main>'
            f'<style>{asset("page.css")}</style>'
            f'<script type="application/json" class="adcli-data">{data}</script>'
            f'<script>{asset("page.js")}\nwindow.adcliTracePage('
            f'document.getElementById("{prefix}"));</script></div>')
    if not standalone:
        return body
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>adcli trace: {_x(text)}</title></head>\n<body>{body}</body></html>\n')

