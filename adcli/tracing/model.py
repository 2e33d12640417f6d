"""The trace model: the primal, tangent and adjoint rows of a formula at a point, with
the rule that produced each number (:func:`build`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..backends.floats import FloatMath
from ..engine import ZERO, adjoint_sweep, evaluate, linearize, tangent_sweep
from ..ir import Graph
from ..render.numbers import FULL, Numbers
from .cost import cost
from .text import Labels, Style, join, kinks, out_name, positions, term

SOURCE_CAP = 200          # longest source text a row carries (JSON keeps the span too)


# -- the trace -----------------------------------------------------------------------------------
@dataclass
class Row:
    node: int
    id: str          # v₃ (the primal id, in every trace)
    lhs: str         # v₃, v̇₃ or v̄₃
    rule: str        # right-hand side: v₋₁·v₀, v̇₋₁·v₀ + v₋₁·v̇₀, ...
    value: float
    contributions: list = field(default_factory=list)   # Steps that summed to ``value``
    partial: object = None   # --accumulate steps: the step's local partial (None: a seed row)


@dataclass
class Step:
    """One contribution to a derivative, as a sweep adds it.

    Adjoint: v̄ₖ += v̄ᵢ·∂vᵢ/∂vₖ (``node`` k, ``src`` i); tangent: v̇ᵢ gets
    v̇ⱼ·∂vᵢ/∂vⱼ (``node`` i, ``src`` j).  ``rule`` is the step as the textbooks
    write it (``v̄₀ + v̄₂·v₋₁``), ``term`` the contribution and ``running`` the
    sum so far.
    """
    node: int
    src: int
    lhs: str
    rule: str
    partial: float
    term: float
    running: float


@dataclass
class Sweep:
    label: str                       # "∂/∂x1", "direction (1, 0.5)", "output f"
    rows: list
    wrt: str | None = None        # tangent sweeps: the input name
    seed: list | None = None      # tangent sweeps: ẋ
    output: int | None = None     # adjoint sweeps: 1-based output number
    result: list = field(default_factory=list)   # tangents of the outputs / the gradient
    constant: bool = False           # adjoint sweeps: the output does not depend on the inputs
    steps: list = field(default_factory=list)    # every contribution, in sweep order


@dataclass
class Trace:
    g: Graph
    point: list
    mode: str
    outputs: list                    # selected output positions (0-based)
    primal: list                     # Rows
    sources: list                    # per primal row
    tangent: list                    # Sweeps
    adjoint: list                    # Sweeps
    value: list                      # per selected output
    gradient: list                   # per selected output, n partials
    cost: dict
    warnings: list
    style: Style
    selected: bool = False           # --output chose one output of a vector formula
    digits: int | None = None     # --digits: values are mpmath numbers shown to N digits
    out_labels: list = field(default_factory=list)  # per selected output: v₄, or 2, π
    constant: list = field(default_factory=list)    # per selected output: no input reaches it
    scope: str = ""                  # what the trace leaves out of the cost summary
    accumulate: str = "sum"          # "steps": tables show one row per contribution


def shown_rows(tr: Trace, sw: Sweep) -> list:
    """The rows a table shows for one sweep: ``sw.rows``, or under ``--accumulate steps``
    the seed rows then one row per contribution, in sweep order, valued by its running
    sum and carrying its local partial."""
    if tr.accumulate != "steps":
        return sw.rows
    if sw.output is not None:          # adjoint: v̄_out = 1, then the steps
        seeds = sw.rows[:1]
    else:                              # tangent: the inputs' seeds, then the steps
        seeds = [r for r in sw.rows if r.node < tr.g.n_inputs]
    return seeds + [Row(st.node, st.lhs, st.lhs, st.rule, st.running, partial=st.partial)
                    for st in sw.steps]


def _primal(g: Graph, vals, lab: Labels) -> tuple:
    rows, sources = [], []
    for i in range(g.n_nodes):
        if g.op[i] is None and i >= g.n_inputs:
            continue  # constants print as literals
        rows.append(Row(i, lab.var[i], lab.var[i], lab.definition(i), vals[i]))
        sources.append(source(g, i))
    return rows, sources


def source(g: Graph, i: int) -> str:
    """The node's source text, at most SOURCE_CAP characters (linear even for deep nests)."""
    if i < g.n_inputs:
        return g.names[i]
    s, e = g.spans[i]
    if e - s > SOURCE_CAP:
        return " ".join(g.text[s:s + SOURCE_CAP - 1].split()) + "…"
    return " ".join(g.source(i).split())


def tangent_rules(g: Graph, lin, lab: Labels) -> dict:
    """v̇ᵢ's rule for every active equation (the same in every sweep)."""
    s, rules = lab.s, {}
    for i in lin.order:
        args, terms = g.args[i], []
        for pos in positions(g, i):
            neg, kind, rest = lab.partial(i, pos)
            after = pos == 1 and kind == "mul" and rest == lab.var[args[0]]
            terms.append(term(s, neg, kind, rest, lab.dot[args[pos]], after))
        rules[i] = join(s, terms)
    return rules


def adjoint_sweep_rows(g: Graph, lin, lab: Labels, out: int, seed, num=float) -> tuple:
    """(v̄ of every node, the adjoint rows, the steps): one engine adjoint sweep from
    v̄_out = seed.

    The sweep reports each contribution v̄ₖ += v̄ᵢ·∂vᵢ/∂vₖ; row k's rule sums the
    rows i that contributed, in list order (v̄ₖ = Σᵢ v̄ᵢ·∂vᵢ/∂vₖ), and its
    ``contributions`` are those steps in sweep order.  Rows that do not reach
    ``out`` get no adjoint row; every input gets one.
    """
    calls: list = []

    def record(i: int, k: int, partial, t) -> None:
        calls.append((i, k, partial, t))
    adj = adjoint_sweep(g, lin, out, seed, on_contribution=record)
    steps = adjoint_steps(g, lab, calls, out, seed, num)
    users: list = [[] for _ in range(g.n_nodes)]      # contributing rows, last first
    for st in steps:
        u = users[st.node]
        if not u or u[-1] != st.src:                 # x·x: one row, two contributions
            u.append(st.src)
    rows = adjoint_rows(g, lin, lab, users, out, adj, num)
    by_node: list = [[] for _ in range(g.n_nodes)]
    for st in steps:
        by_node[st.node].append(st)
    for r in rows:
        r.contributions = by_node[r.node]
    return adj, rows, steps


def adjoint_steps(g: Graph, lab: Labels, calls: list, out: int, seed, num=float) -> list:
    """The engine's contributions (i, k, ∂vᵢ/∂vₖ, term) as :class:`Step` rows: the
    first to reach v̄ₖ reads v̄ₖ = v̄ᵢ·∂vᵢ/∂vₖ, later ones v̄ₖ = v̄ₖ + v̄ᵢ·∂vᵢ/∂vₖ."""
    s = lab.s
    running: dict = {out: seed}
    steps: list = []
    prev, nth = -1, 0
    for i, k, p, t in calls:
        nth = nth + 1 if i == prev else 0            # the nth active argument of row i
        prev = i
        neg, kind, rest = lab.partial(i, positions(g, i)[nth])
        piece = term(s, neg, kind, rest, lab.bar[i])
        if k in running:
            total = running[k] + t
            rule = join(s, [(False, lab.bar[k]), piece])
        else:
            total = t
            rule = join(s, [piece])
        running[k] = total
        steps.append(Step(k, i, lab.bar[k], rule, num(p), num(t), num(total)))
    return steps


def adjoint_rows(g: Graph, lin, lab: Labels, users: list, out: int, adj, num=float) -> list:
    """The adjoint rows of one sweep; ``users[k]``: the rows that added to v̄ₖ, last first."""
    s, rows = lab.s, []
    inputs = list(range(g.n_inputs - 1, -1, -1))
    if out >= g.n_inputs and g.op[out] is None:
        order = inputs
    else:
        order = [i for i in reversed(lin.order) if i == out or users[i]] + inputs
    for j in order:
        terms = [(False, "1")] if j == out else []
        for i in reversed(users[j]):
            for pos in positions(g, i):
                if g.args[i][pos] == j:
                    neg, kind, rest = lab.partial(i, pos)
                    terms.append(term(s, neg, kind, rest, lab.bar[i]))
        rows.append(Row(j, lab.var[j], lab.bar[j], join(s, terms), num(adj[j])))
    return rows


def tangent_terms(g: Graph, lin, lab: Labels, tan, num=float) -> dict:
    """{row i: its Steps v̇ᵢ ← v̇ⱼ·∂vᵢ/∂vⱼ, in argument order} for one tangent sweep."""
    s, out = lab.s, {}
    for i in lin.order:
        steps: list = []
        total = None
        for pos, (j, p) in zip(positions(g, i), lin.pairs[i]):
            t = p * tan[j]
            total = t if total is None else total + t
            neg, kind, rest = lab.partial(i, pos)
            piece = term(s, neg, kind, rest, lab.dot[j])
            rule = join(s, [piece]) if not steps else join(s, [(False, lab.dot[i]), piece])
            steps.append(Step(i, j, lab.dot[i], rule, num(p), num(t), num(total)))
        out[i] = steps
    return out


def tangent_rows(g: Graph, lab: Labels, rules: dict, seed: list, tan, num=float) -> list:
    """The tangent rows of one sweep: an input's rule is its seed, as the style writes it."""
    s, rows = lab.s, []
    for i in range(g.n_nodes):
        if i < g.n_inputs:
            rule = s.number(seed[i])
        elif g.op[i] is None:
            continue
        else:
            rule = rules.get(i, "0")  # inactive rows: constant, zero tangent
        rows.append(Row(i, lab.var[i], lab.dot[i], rule, num(tan[i])))
    return rows


def scope_text(g: Graph, wrt: str | None, direction, output) -> str:
    """What a trace shows when it is less than the whole formula ("" when it is all)."""
    parts = []
    if output is not None and len(g.outputs) > 1:
        parts.append(f"output {output + 1}")
    if wrt is not None and g.n_inputs > 1:
        parts.append(f"the sweep for {wrt}")
    if direction is not None:
        parts.append("one JVP sweep")
    return " and ".join(parts)


def build(g: Graph, point: list, mode: str = "reverse", *, wrt: str | None = None,
          direction: list | None = None, output: int | None = None,
          style: Style | None = None, m=FloatMath, digits: int | None = None,
          accumulate: str = "sum") -> Trace:
    """The whole trace at ``point``; ``output`` is a 0-based output position or None.

    ``m`` is the number namespace the engine computes with (float64 by
    default; :func:`adcli.backends.mpmath.namespace` under ``--digits``, with
    ``point`` and ``direction`` in its numbers and ``digits`` the significant
    digits to show: the style then writes its numbers to ``digits``).  The trace
    holds that namespace's numbers.
    """
    style = (style or Style()).with_digits(digits)
    num = numbers_for(m)
    vals = evaluate(g, point, m)
    lin = linearize(g, vals, m)
    lab = Labels(g, style, kinks(g, vals, lin, m))
    primal, sources = _primal(g, vals, lab)
    outs = list(range(len(g.outputs))) if output is None else [output]
    nodes = [g.outputs[r] for r in outs]
    n = g.n_inputs
    one = num(1.0)
    tangent, adjoint = [], []
    grads: list | None = None
    if mode == "forward":
        rules = tangent_rules(g, lin, lab)
        for label, name, seed in _seeds(g, wrt, direction, one, style.numbers):
            tan = tangent_sweep(g, lin, seed)
            rows = tangent_rows(g, lab, rules, seed, tan, num)
            terms = tangent_terms(g, lin, lab, tan, num)
            for row in rows:
                row.contributions = terms.get(row.node, [])
            tangent.append(Sweep(label, rows, wrt=name, seed=[num(v) for v in seed],
                                 result=[num(tan[o]) for o in nodes],
                                 steps=[st for row in rows for st in row.contributions]))
        if wrt is None and direction is None:
            grads = [[sw.result[r] for sw in tangent] for r in range(len(nodes))]
    if grads is None:
        grads = []
        for r, o in zip(outs, nodes):
            if mode == "reverse" and n:
                adj, rows, steps = adjoint_sweep_rows(g, lin, lab, o, one, num)
                grads.append([num(a) for a in adj[:n]])
                adjoint.append(Sweep(f"output {out_name(g, r)}", rows, output=r + 1,
                                     result=grads[-1], constant=not g.active[o],
                                     steps=steps))
            else:
                grads.append([num(a) for a in adjoint_sweep(g, lin, o, one)[:n]])
    return Trace(g, list(point), mode, outs, primal, sources, tangent, adjoint,
                 [num(vals[o]) for o in nodes], grads, cost(g, lin, len(g.outputs)),
                 lin.warnings, style, output is not None, digits,
                 [lab.var[o] for o in nodes], [not g.active[o] for o in nodes],
                 scope_text(g, wrt, direction, output), accumulate)


def numbers_for(m):
    """A value as the trace keeps it: a float64, or the namespace's number."""
    return float if m is FloatMath else m.const


def _seeds(g: Graph, wrt: str | None, direction: list | None, one=1.0,
           numbers: Numbers = FULL):
    n = g.n_inputs
    if direction is not None:
        text = ", ".join(numbers.text(v) for v in direction)
        yield f"direction ({text})", None, list(direction)
        return
    for j, name in enumerate(g.names):
        if wrt is not None and name != wrt:
            continue
        seed = [ZERO] * n
        seed[j] = one
        yield f"∂/∂{name}", name, seed
