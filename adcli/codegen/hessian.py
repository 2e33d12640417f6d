"""Second order: the Hessian code is forward mode over the reverse-mode gradient code.

The gradient program (:func:`adcli.codegen.emit.build`) is straight-line, so its tangent
with respect to each input is one more statement per statement, in the same order, each
derivative taken from the registry's own partials (``d`` over :class:`CodeMath`).  The
result is made exactly symmetric as :func:`adcli.higher.hessian` makes it: (Hᵢⱼ + Hⱼᵢ)/2.
"""
from __future__ import annotations

from .emit import Program, Stmt, _ident, _prune, build
from .expr import (
    CodeMath,
    E,
    add,
    const,
    div,
    mul,
    neg,
    parts,
    postorder,
    select,
    sub,
    var,
    with_parts,
)
from .printer import PRIMITIVES
from .share import reuse_statements, share


def tangent(e: E, tan: dict[str, E]) -> E | None:
    """d e along the seeded direction (None: structurally zero), iteratively."""
    memo: dict[int, E | None] = {}
    stack: list[tuple[E, bool]] = [(e, False)]
    while stack:
        x, done = stack.pop()
        if id(x) in memo:
            continue
        n = x.node
        k = n[0]
        if k == "var":
            memo[id(x)] = tan.get(n[1])
            continue
        if k in ("const", "cmp"):
            memo[id(x)] = None
            continue
        ops = parts(x)
        if not done:
            stack.append((x, True))
            stack.extend((p, False) for p in ops)
            continue
        d = [memo[id(p)] for p in ops]
        memo[id(x)] = _rule(x, ops, d)
    return memo[id(e)]


def _rule(x: E, ops: list[E], d: list[E | None]) -> E | None:
    n = x.node
    k = n[0]
    if all(t is None for t in d):
        return None
    if k == "neg":
        return neg(d[0]) if d[0] is not None else None
    if k == "sel":
        return select(n[1], d[1] or const(0.0), d[2] or const(0.0))
    if k == "bin":
        a, b = ops
        da, db = d
        op = n[1]
        if op in "+-":
            if db is None:
                return da
            if da is None:
                return db if op == "+" else neg(db)
            return add(da, db) if op == "+" else sub(da, db)
        if op == "*":
            terms = [mul(da, b) if da is not None else None, mul(a, db) if db is not None else None]
        else:  # (a/b)' = a'/b − (a/b)·b'/b
            terms = [div(da, b) if da is not None else None,
                     neg(div(mul(x, db), b)) if db is not None else None]
        return _sum(terms)
    f = PRIMITIVES[n[1]]                          # a call: the registry's partials
    partials = f.d(CodeMath, *ops, x)
    return _sum([mul(p if isinstance(p, E) else const(p), t) if t is not None else None
                 for p, t in zip(partials, d, strict=True)])


def _sum(terms: list[E | None]) -> E | None:
    s = None
    for t in terms:
        if t is not None:
            s = t if s is None else add(s, t)
    return s


def _shared(s: Stmt, ts: list[E], fresh) -> tuple[list[Stmt], Stmt, list[E]]:
    """A statement and its tangents share what the product and chain rules reuse (gamma's
    ``v1 * digamma(v0)`` and its tangent ``vdot1 * digamma(v0) + v1 * polygamma(1, v0)``):
    those subexpressions of the statement become temporaries before it, and the statement's
    whole value, in the tangents, its name."""
    top = s.expr
    mine = {id(x) for x in postorder(top)}
    whole = var(s.name)
    ts = [_replace(t, top, whole) for t in ts]
    temps, joined = share(E(("call", "", (top, *ts))), fresh, mine)
    new = list(joined.node[2])
    return ([Stmt(name, e, f"shared by {s.name} and its tangents", s.phase)
             for name, e in temps], Stmt(s.name, new[0], s.comment, s.phase), new[1:])


def _replace(e: E, old: E, new: E) -> E:
    """``e`` with the node ``old`` (by identity) replaced by ``new``."""
    out: dict[int, E] = {}
    for x in postorder(e):
        out[id(x)] = new if x is old else with_parts(x, [out[id(c)] for c in parts(x)])
    return out[id(e)]


def _dot(name: str, wrt: str) -> str:
    head = "vbardot" + name[4:] if name.startswith("vbar") else \
        "vdot" + name[1:] if name.startswith("v") else name + "dot"
    return f"{head}_{wrt}"


def build_hessian(g, ieee: bool = False) -> Program:
    """Value, gradient and Hessian of a scalar formula (one tangent sweep per input);
    ``ieee``: as :func:`~adcli.codegen.emit.build`'s."""
    prog = build(g, "grad", "reverse", hoist=False, ieee=ieee)
    n = g.n_inputs
    wrts = [_ident(v) for v in g.names]
    tans: list[dict[str, E]] = [{prog.inputs[j]: const(1.0)} for j in range(n)]
    stmts: list[Stmt] = []
    counter = iter(range(1 << 62))
    for s in prog.stmts:
        lines: list[tuple[int, E]] = []           # (input, tangent) needing a line
        for j in range(n):
            t = tangent(s.expr, tans[j])
            if t is None:
                tans[j].pop(s.name, None)
            elif t.kind in ("var", "const"):
                tans[j][s.name] = t
            else:
                lines.append((j, t))
        if lines:
            temps, s, ts = _shared(s, [t for _, t in lines], lambda: f"s{next(counter)}")
            stmts += temps
            lines = [(j, t) for (j, _), t in zip(lines, ts, strict=True)]
        stmts.append(s)
        for j, t in lines:
            tn = _dot(s.name, wrts[j])
            stmts.append(Stmt(tn, t, f"d({s.name})/d{g.names[j]}", "derivative"))
            tans[j][s.name] = var(tn)
    grad = prog.results["jac"][0]
    rows = [[tangent(grad[i], tans[j]) or const(0.0) for i in range(n)] for j in range(n)]
    hess = [[const(0.0)] * n for _ in range(n)]
    for i in range(n):
        hess[i][i] = rows[i][i]
        for j in range(i + 1, n):
            a, b = rows[i][j], rows[j][i]
            hess[i][j] = hess[j][i] = a if a.node == b.node else div(add(a, b), const(2.0))
    reuse_statements(stmts)
    prog.stmts[:] = stmts
    prog.what = "hessian"
    prog.results["hess"] = hess
    prog.results["hess_rows"] = rows    # unsymmetrized, for the batch kernel's asymmetry
    return _prune(prog)
