"""The trace and the graph as strict JSON (always complete: --limit does not apply)."""
from __future__ import annotations

from ..jsonout import common
from ..trace import SOURCE_CAP


def _row(r) -> dict:
    return {"id": r.id, "lhs": r.lhs, "rule": r.rule, "value": r.value}


def _primal(tr) -> list:
    g, out = tr.g, []
    for r, src in zip(tr.primal, tr.sources):
        i = r.node
        item = {"id": r.id, "expr": r.rule, "source": src, "value": r.value,
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
    out = common("trace", tr.g, tr.point)
    out["mode"] = tr.mode
    out["outputs"] = [_out_id(tr, r) for r in tr.outputs]
    out["primal"] = _primal(tr)
    out["tangent"] = [{"wrt": sw.wrt, "seed": sw.seed, "rows": [_row(r) for r in sw.rows],
                       "derivative": _one_or_all(tr, sw.result)} for sw in tr.tangent]
    out["adjoint"] = [dict(_row(r), output=sw.output) for sw in tr.adjoint for r in sw.rows]
    out["value"] = _one_or_all(tr, tr.value)
    out["gradient"] = _one_or_all(tr, tr.gradient)
    out["cost"] = tr.cost
    out["source_cap"] = SOURCE_CAP
    out["warnings"] = tr.warnings
    return out


def _out_id(tr, r: int) -> dict:
    node = tr.g.outputs[r]
    lab = tr.style.var(tr.g.number(node)) if tr.g.op[node] is not None or \
        node < tr.g.n_inputs else tr.style.number(tr.g.const[node])
    return {"output": r + 1, "name": "f" if len(tr.g.outputs) == 1 else f"f{r + 1}",
            "id": lab}


def graph_payload(g, point, nodes: list, edges: list) -> dict:
    out = common("graph", g, point if point is not None else [])
    out["nodes"] = [{"id": n.id, "kind": n.kind, "label": n.label, "op": n.op,
                     "value": n.value, "outputs": n.outputs} for n in nodes]
    ids = [n.id for n in nodes]
    out["edges"] = [{"from": ids[e.src], "to": ids[e.dst], "argument": e.pos,
                     "partial": e.partial or None, "value": e.value} for e in edges]
    return out
