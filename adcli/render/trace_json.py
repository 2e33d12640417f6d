"""The trace and the graph as strict JSON (always complete: --limit does not apply)."""
from __future__ import annotations

from ..jsonout import common
from ..tracing import SOURCE_CAP
from .numbers import FULL, Numbers

_plain = FULL.json


def _numbers(digits: int | None):
    """How a value goes into JSON: as it is, or under --digits as an N-digit string."""
    return Numbers(digits).json


def _row(r, num=_plain, ids=None) -> dict:
    out = {"id": r.id, "lhs": r.lhs, "rule": r.rule, "value": num(r.value)}
    if ids is not None:
        out["contributions"] = [_step(st, num, ids) for st in r.contributions]
    return out


def _step(st, num, ids) -> dict:
    """One contribution: from which node, its local partial, its term, the running sum."""
    return {"from": ids[st.src], "partial": num(st.partial), "value": num(st.term),
            "running": num(st.running)}


def _primal(tr, num=_plain) -> list:
    g, out = tr.g, []
    for r, src in zip(tr.primal, tr.sources):
        i = r.node
        item = {"id": r.id, "name": g.bound.get(i), "expr": r.rule, "source": src,
                "value": num(r.value),
                "op": g.op[i].name if g.op[i] is not None else None}
        if i < g.n_inputs:
            item["input"] = g.names[i]
        else:
            item["span"] = list(g.spans[i])
        out.append(item)
    return out


def _one_or_all(tr, items: list):
    return items[0] if not tr.g.vector or tr.selected else items


def trace_payload(tr) -> dict:
    """The trace's JSON; under --digits every number of the computation is a
    string of ``digits`` significant digits, and a ``"digits"`` key says so."""
    num = _numbers(tr.digits)
    out = common("trace", tr.g, [num(v) for v in tr.point])
    if tr.digits is not None:
        out["digits"] = tr.digits
    out["mode"] = tr.mode
    out["outputs"] = [_out_id(tr, r) for r in tr.outputs]
    out["primal"] = _primal(tr, num)
    ids = _ids(tr)
    out["accumulate"] = tr.accumulate
    out["tangent"] = [{"wrt": sw.wrt, "seed": [num(v) for v in sw.seed],
                       "rows": [_row(r, num, ids) for r in sw.rows],
                       "derivative": _one_or_all(tr, [num(v) for v in sw.result])}
                      for sw in tr.tangent]
    out["adjoint"] = [dict(_row(r, num, ids), output=sw.output) for sw in tr.adjoint
                      for r in sw.rows]
    out["value"] = _one_or_all(tr, [num(v) for v in tr.value])
    out["gradient"] = _one_or_all(tr, [[num(v) for v in row] for row in tr.gradient])
    out["cost"] = tr.cost
    out["source_cap"] = SOURCE_CAP
    out["warnings"] = tr.warnings
    return out


def _ids(tr) -> dict:
    """node -> its id in the trace (v₂), for the ``from`` of contributions."""
    ids = {r.node: r.id for r in tr.primal}
    for sw in tr.adjoint:
        ids.update((r.node, r.id) for r in sw.rows)
    return ids


def _out_id(tr, r: int) -> dict:
    """Output r: its number, name and id (v₄, or a constant's literal), and whether it
    is constant (its adjoint rows are then all 0 and none of them is seeded with 1)."""
    k = tr.outputs.index(r)
    return {"output": r + 1, "name": tr.g.output_name(r),
            "id": tr.out_labels[k], "constant": tr.constant[k]}


def graph_payload(g, point, nodes: list, edges: list, digits: int | None = None,
                  mode: str | None = None) -> dict:
    """The graph's JSON; under --digits its numbers (the point too) are N-digit
    strings, and a ``"digits"`` key says so.  ``mode``: nodes gain ``adjoint``
    (reverse) or ``tangent`` (forward) and its ``…_label`` (v̄₃, u̇₀ under --symbol u),
    edges ``contribution`` and ``contribution_label`` (v̄₃·∂v₃/∂v₀)."""
    num = _numbers(digits)
    out = common("graph", g, [num(v) for v in point] if point is not None else [])
    if digits is not None:
        out["digits"] = digits
    if mode is not None:
        out["mode"] = mode
    what = "adjoint" if mode == "reverse" else "tangent"
    out["nodes"] = []
    for n in nodes:
        item = {"id": n.id, "key": n.key, "kind": n.kind, "label": n.label, "op": n.op,
                "value": None if n.value is None else num(n.value), "outputs": n.outputs}
        if mode is not None and n.kind != "constant":
            item[what] = None if n.overlay is None else num(n.overlay)
            item[what + "_label"] = n.overlay_label or None          # v̄₃, u̇₀ (--symbol)
        out["nodes"].append(item)
    ids = {n.node: n.id for n in nodes}
    out["edges"] = []
    for e in edges:
        item = {"from": ids[e.src], "from_key": e.src_key, "to": ids[e.dst],
                "argument": e.pos, "partial": e.partial or None,
                "value": None if e.value is None else num(e.value)}
        if mode is not None:
            item["contribution"] = None if e.contribution is None else num(e.contribution)
            item["contribution_label"] = e.contribution_label or None   # v̄₃·∂v₃/∂v₀
        out["edges"].append(item)
    return out
