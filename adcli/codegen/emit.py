"""The shared emitter: a trace (the IR and its symbolic linearization) -> straight-line code.

The result is a :class:`Program`, a list of assignments in the order the trace computes
them, named as the trace names its rows (``v_m1``, ``v3``, ``vbar3``, ``vdot3_x1``), each
with the trace rule and the source text it came from.  Language modules
(:mod:`adcli.codegen.c`, ``python``, ``numpy``) only print it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..engine import Linearization, adjoint_sweep, linearize
from ..ir import Graph
from .expr import CodeMath, E, add, const, parts, scale, var
from .share import PrimalReuse, share, share_row

WHATS = ("value", "grad", "jacobian", "hessian", "jvp", "vjp")
COUNTED = frozenset(("bin", "neg", "call", "cmp", "sel"))


@dataclass
class Stmt:
    name: str
    expr: E
    comment: str = ""
    phase: str = "primal"           # primal | derivative


@dataclass
class Program:
    g: Graph
    what: str
    mode: str
    stmts: list[Stmt]
    results: dict[str, list]         # "value", "grad", "jac" (rows), "jv", "vjp": E's
    inputs: list[str] = field(default_factory=list)   # x[i] -> these names
    warnings: list[str] = field(default_factory=list)
    value_ops: int | None = None     # the value-only code's operations, once counted
    ieee: bool = False               # keep b·0 terms (NaN where b is infinite), as the engine

    def operations(self) -> dict[str, int]:
        ops = {"primal": 0, "derivative": 0}
        for s in self.stmts:
            ops[s.phase] += count(s.expr)
        return ops


def count(e: E) -> int:
    """Operations in an expression (each arithmetic operation, call or conditional is one)."""
    n, stack = 0, [e]
    while stack:
        x = stack.pop()
        node = x.node
        if node[0] in COUNTED:
            n += 1
        stack.extend(parts(x))
    return n


def vname(g: Graph, i: int) -> str:
    """The trace's ASCII name of node i: v_m1, v0, v3."""
    k = g.number(i)
    return f"v_m{-k}" if k < 0 else f"v{k}"


def _ascii(text: str) -> str:
    for a, b in (("·", "*"), ("−", "-"), ("√", "sqrt "), ("∛", "cbrt "), ("σ", "sigmoid"),
                 ("²", "^2"), ("*/", "* /"), ("\n", " ")):
        text = text.replace(a, b)
    return text.encode("ascii", "replace").decode()


def build(g: Graph, what: str = "grad", mode: str = "reverse", hoist: bool = True,
          ieee: bool = False) -> Program:
    """The program computing ``what`` (see :data:`WHATS`) in ``mode``.  ``ieee`` keeps the
    contributions through a structural zero partial (floor's, ceil's, sign's) as the engine
    computes them, b·0, which is NaN where b is infinite: the batch kernel needs the
    engine's flagged points; readable code drops them."""
    n = g.n_inputs
    vals: list = [None] * g.n_nodes
    stmts: list[Stmt] = []
    names = [vname(g, i) for i in range(g.n_nodes)]
    for i in range(n):
        vals[i] = var(names[i])
    for i in range(n, g.first_op):
        vals[i] = const(g.const[i] or 0.0)
    rows: dict[int, Stmt] = {}
    for i in range(g.first_op, g.n_nodes):
        v = g.fn(i).value(CodeMath, *[vals[a] for a in g.args[i]])
        src = g.source(i)
        src = src if len(src) <= 50 else src[:47] + "..."
        rows[i] = Stmt(names[i], v, _ascii(f"{g.definition(i, ascii=True)}   from `{src}`"))
        vals[i] = var(names[i])
    outs = [vals[o] for o in g.outputs]
    results: dict[str, list] = {"value": outs}
    prog = Program(g, what, mode, stmts, results, names[:n], ieee=ieee)
    if what == "value":
        stmts.extend(rows[i] for i in sorted(rows))
        return _prune(prog, hoist)
    lin = linearize(g, vals, CodeMath)
    prog.warnings.extend(_undefined(g, lin))
    if mode == "forward" and what in ("grad", "jacobian", "jvp"):
        _forward(g, lin, rows, names, vals, prog)
    elif what in ("grad", "jacobian", "vjp"):
        stmts.extend(rows[i] for i in sorted(rows))
        _reverse(g, lin, names, prog, PrimalReuse(rows))
    else:
        raise ValueError(f"{what} has no {mode} mode")
    return _prune(prog, hoist)


def _share_partials(g: Graph, lin: Linearization, names: list) -> dict[int, list[Stmt]]:
    """Each row's partials with what they share computed once (:func:`share_row`): the
    rows' pairs are rewritten over the temporaries, returned per row (``d3_s0``, …) to be
    written before the row's first contribution."""
    pending: dict[int, list[Stmt]] = {}
    rewritten = lin.pairs = list(lin.pairs)   # a copy of the flat pairs, rewritten below
    for i in lin.order:
        pairs = rewritten[i]
        if len(pairs) < 2:
            continue
        counter = iter(range(1 << 30))
        temps, ps = share_row([p if isinstance(p, E) else const(p) for _, p in pairs],
                              lambda i=i, c=counter: f"d{names[i][1:]}_s{next(c)}")
        rewritten[i] = tuple((k, p) for (k, _), p in zip(pairs, ps, strict=True))
        if temps:
            pending[i] = [Stmt(t, e, f"shared by the partials of {_label(g, i)}",
                               "derivative") for t, e in temps]
    return pending


def _undefined(g: Graph, lin: Linearization) -> list[str]:
    """A partial that is NaN wherever it is taken (polygamma's in its integer order): the
    code computes NaN there, and says so."""
    out = []
    for i in lin.order:
        for pos, (k, p) in enumerate(lin.pairs[i]):
            c = p.node[1] if isinstance(p, E) and p.kind == "const" else p
            if isinstance(c, float) and c != c:
                out.append(f"{g.fn(i).name} has no derivative in its argument {pos + 1} "
                           f"(`{_ascii(g.source(k))}`), at trace row {_label(g, i)}: "
                           "the generated derivatives through it are NaN")
    return out


def _label(g: Graph, i: int) -> str:
    return _ascii(g.label(i, ascii=True))


def _forward(g: Graph, lin: Linearization, rows: dict, names: list, vals: list,
             prog: Program) -> None:
    n = g.n_inputs
    seeds: list[tuple[str, list[E | None]]]
    if prog.what == "jvp":
        seeds = [("", [var(f"xdot{j}") for j in range(n)])]
    else:
        seeds = [(f"_{_ident(g.names[j])}", [const(1.0) if k == j else None for k in range(n)])
                 for j in range(n)]
    tans: list[list] = [list(s) + [None] * (g.n_nodes - n) for _, s in seeds]
    active = set(lin.order)
    reuse = PrimalReuse(rows)
    pending = _share_partials(g, lin, names)
    for i in range(g.first_op, g.n_nodes):
        prog.stmts.append(rows[i])
        if i not in active:
            continue
        prog.stmts.extend(pending.get(i, ()))
        pairs = list(lin.pairs[i])
        if len(seeds) > 1:      # a partial used by several sweeps: computed once
            for idx, (k, p) in enumerate(pairs):
                p = p if isinstance(p, E) else const(p)
                users = sum(tan[k] is not None for tan in tans)
                if p.kind not in ("var", "const") and users > 1:
                    dn = f"d{names[i][1:]}_{names[k][1:].lstrip('_')}"
                    prog.stmts.append(Stmt(dn, p, f"d{_label(g, i)}/d{_label(g, k)}",
                                           "derivative"))
                    p = var(dn)
                pairs[idx] = (k, p)
        for (suffix, _), tan in zip(seeds, tans, strict=True):
            s = None
            for k, p in pairs:
                t = tan[k]
                if t is not None:
                    pe = p if isinstance(p, E) else const(p)
                    if pe.is_const(0.0) and not prog.ieee:   # a structural zero: dropped
                        continue
                    term = scale(t, pe, p_first=True)
                    s = term if s is None else add(s, term)
            if s is not None:
                s = reuse(s, upto=i)
                tn = f"vdot{names[i][1:]}{suffix}"
                rule = " + ".join(f"d{_label(g, i)}/d{_label(g, k)} * vdot{_label(g, k)[1:]}"
                                  for k, _ in pairs if tan[k] is not None)
                if s.kind in ("var", "const"):     # nothing to compute: no line
                    tan[i] = s
                    continue
                prog.stmts.append(Stmt(tn, s, rule, "derivative"))
                tan[i] = var(tn)
    outs = g.outputs
    rowsj = [[_zero(tan[o]) for tan in tans] for o in outs]
    if prog.what == "jvp":
        prog.results["jv"] = [r[0] for r in rowsj]
    else:
        prog.results["jac"] = rowsj


def _zero(e: E | None) -> E:
    return const(0.0) if e is None else e


def _ident(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name)


def _reverse(g: Graph, lin: Linearization, names: list, prog: Program,
             reuse: PrimalReuse) -> None:
    n, outs = g.n_inputs, g.outputs
    if prog.what == "vjp":
        sweeps = [("", list(outs), [var(f"w{r}") for r in range(len(outs))])]
    else:
        many = len(outs) > 1
        sweeps = [(f"_o{r + 1}" if many else "", [o], [const(1.0)])
                  for r, o in enumerate(outs)]
    rows = []
    pending = _share_partials(g, lin, names)
    for suffix, nodes, seed in sweeps:
        bars: dict[int, E] = {}
        folded: dict[int, str] = {}       # contributions folded into a later line
        for o, s in zip(nodes, seed, strict=True):
            bars[o] = s if o not in bars else add(bars[o], s)
        for o in dict.fromkeys(nodes):
            if bars[o].kind != "const":
                bn = f"vbar{names[o][1:]}{suffix}"
                prog.stmts.append(Stmt(bn, bars[o], f"seed of {_label(g, o)}", "derivative"))
                bars[o] = var(bn)

        def hook(i: int, k: int, p: object, t: object, bars: dict = bars,
                 suffix: str = suffix, folded: dict = folded) -> None:
            pe = p if isinstance(p, E) else const(float(p))  # type: ignore[arg-type]
            prog.stmts.extend(pending.pop(i, ()))     # the row's shared partial factors
            # a structural zero (floor's partial, an adjoint only zeros reached) contributes
            # nothing: dropped, as symbolic zeros are, rather than computed as b*0
            zero = (pe.is_const(0.0) and not prog.ieee) or bars[i].is_const(0.0)
            term = const(0.0) if zero else scale(bars[i], pe)
            bn = f"vbar{names[k][1:]}{suffix}"
            rule = f"vbar{_label(g, k)[1:]} += vbar{_label(g, i)[1:]} * " \
                   f"d{_label(g, i)}/d{_label(g, k)}"
            expr = reuse(term if k not in bars else add(bars[k], term))
            if expr.kind in ("var", "const"):      # nothing to compute: no line
                bars[k] = expr
                folded[k] = rule
                return
            if k in folded:
                rule = f"{folded.pop(k)}; {rule}"
            prog.stmts.append(Stmt(bn, expr, rule, "derivative"))
            bars[k] = var(bn)

        adjoint_sweep(g, lin, nodes if prog.what == "vjp" else nodes[0],
                      seed if prog.what == "vjp" else 1.0, on_contribution=hook)
        rows.append([bars.get(j, const(0.0)) for j in range(n)])
    if prog.what == "vjp":
        prog.results["vjp"] = rows[0]
    else:
        prog.results["jac"] = rows


def _prune(prog: Program, hoist: bool = True) -> Program:
    """Drop assignments no result needs (walking backwards; the list is straight-line)."""
    need: set[str] = set()
    for es in prog.results.values():
        for e in (x for row in es for x in (row if isinstance(row, list) else [row])):
            need.update(_vars(e))
    kept = []
    for s in reversed(prog.stmts):
        if s.name in need:
            kept.append(s)
            need.update(_vars(s.expr))
    kept.reverse()
    prog.stmts[:] = _hoisted(kept) if hoist else kept
    return prog


def _hoisted(stmts: list[Stmt]) -> list[Stmt]:
    """Each statement's shared subexpressions as temporaries ``t0``, ``t1``, … before it."""
    out: list[Stmt] = []
    counter = iter(range(1 << 62))

    def fresh() -> str:
        return f"t{next(counter)}"
    for s in stmts:
        temps, e = share(s.expr, fresh)
        out.extend(Stmt(name, t, f"shared by {s.name}", s.phase) for name, t in temps)
        out.append(Stmt(s.name, e, s.comment, s.phase) if e is not s.expr else s)
    return out


def _vars(e: E) -> list[str]:
    out, stack = [], [e]
    while stack:
        x = stack.pop()
        if x.node[0] == "var":
            out.append(x.node[1])
        else:
            stack.extend(parts(x))
    return out
