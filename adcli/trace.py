"""Evaluation traces: the primal, tangent and adjoint rows of a formula, with values.

The numbers come from the engine (:func:`~adcli.engine.evaluate`,
:func:`~adcli.engine.linearize`, :func:`~adcli.engine.tangent_sweep`,
:func:`~adcli.engine.adjoint_sweep`); this module only writes down *which*
rule produced each number, from the registry entry's ``rule`` and ``partial_text``
templates:

* tangent  v̇ᵢ = Σⱼ v̇ⱼ·∂vᵢ/∂vⱼ over the active arguments j of row i;
* adjoint  v̄ⱼ = Σᵢ v̄ᵢ·∂vᵢ/∂vⱼ over the children i of node j.

Text comes out in a :class:`Style` (Unicode, ASCII; LaTeX lives with its
renderer), so every format prints the same rules.  All loops run over the
Wengert list; nothing recurses.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .engine import ZERO, adjoint_sweep, evaluate, linearize, tangent_sweep
from .ir import Graph, fmt_number, subscript
from .backends.floats import FloatMath

SOURCE_CAP = 200          # longest source text a row carries (JSON keeps the span too)
_PH = re.compile(r"\{(\d|out)\}")


# -- styles: how ids, numbers and op templates print -------------------------------------------
class Style:
    """Unicode, as in the textbooks: v₋₁, v̇₃, v̄₃, ·, −."""

    ascii = False
    minus = "−"
    times = "·"

    def var(self, k: int) -> str:
        return "v" + subscript(k)

    def dot(self, k: int) -> str:
        return "v\u0307" + subscript(k)

    def bar(self, k: int) -> str:
        return "v\u0304" + subscript(k)

    def number(self, v: float) -> str:
        return fmt_number(v).replace("-", "−")

    def name(self, name: str) -> str:
        return name

    def template(self, tpl: str) -> str:
        return tpl


class AsciiStyle(Style):
    """Plain ASCII: v-1, vdot3, vbar3, *, -."""

    ascii = True
    minus = "-"
    times = "*"
    _MAP = str.maketrans({"−": "-", "·": "*", "²": "^2", "√": "sqrt", "∛": "cbrt",
                          "σ": "sigmoid", "π": "pi", "≤": "<=", "≥": ">=", "½": "0.5"})

    def var(self, k: int) -> str:
        return f"v{k}"

    def dot(self, k: int) -> str:
        return f"vdot{k}"

    def bar(self, k: int) -> str:
        return f"vbar{k}"

    def number(self, v: float) -> str:
        return fmt_number(v)

    def template(self, tpl: str) -> str:
        return tpl.translate(self._MAP)


def style_for(ascii: bool) -> Style:
    return AsciiStyle() if ascii else Style()


# -- templates: constants folded in, then classified as a factor --------------------------------
#: Constants that print by name (π is translated per style: pi, \pi).
NAMED = {math.pi: "π", math.e: "e"}


def _literal(v: float) -> str:
    """A constant operand as rule text: ``2``, ``(−1)``, ``π``, ``(−e)``."""
    name = NAMED.get(abs(v))
    if name is None:
        name = fmt_number(abs(v)).replace("-", "−")
    return f"(−{name})" if v < 0 else name


_NUM = r"[0-9][0-9.]*(?:e[+−]?[0-9]+)?"
_DIFF = re.compile(rf"\(\(?(−?{_NUM})\)?−({_NUM})\)")
_POWN = re.compile(rf"\^\(({_NUM})\)")
_POW0 = re.compile(r"^1·\{\d\}\^0$")
_POW1 = re.compile(r"\^1(?![0-9.])")


def _fold(tpl: str) -> str:
    """``2·{0}^(2−1)`` -> ``2·{0}``, ``(−1)·{0}^((−1)−1)`` -> ``(−1)·{0}^(−2)``:
    arithmetic on literals done once, for reading (partials only)."""
    def diff(m):
        a = float(m.group(1).replace("−", "-"))
        b = float(m.group(2).replace("−", "-"))
        return "(" + fmt_number(a - b).replace("-", "−") + ")"
    tpl = _DIFF.sub(diff, tpl)
    tpl = _POWN.sub(r"^\1", tpl)
    if _POW0.match(tpl):          # x^1: 1·x^0 is 1
        return "1"
    return _POW1.sub("", tpl).replace("·log(e)", "")


@lru_cache(maxsize=4096)
def prepared(tpl: str, consts: tuple, fold: bool = True) -> str:
    """The template with constant operands written as literals (``consts[k]`` or None);
    ``fold`` also does the arithmetic on literals (for partials, not definitions)."""
    def put(m):
        key = m.group(1)
        if key != "out" and consts[int(key)] is not None:
            return _literal(consts[int(key)])
        return m.group(0)
    text = _PH.sub(put, tpl)
    return _fold(text) if fold else text


def _top_level_sum(t: str) -> bool:
    depth = 0
    for k, ch in enumerate(t):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and ch in "+−" and 0 < k and t[k - 1] == " ":
            return True
    return False


_NEGLIT = re.compile(rf"\(−({_NUM}|π|e|½)\)(?=·|$)")


@lru_cache(maxsize=4096)
def factor(tpl: str) -> tuple:
    """How a local partial multiplies a tangent or adjoint: (negated, kind, rest).

    kind is ``one`` (the partial is ±1), ``div`` (it is ±1/rest) or ``mul``.
    """
    neg = tpl.startswith("−")
    rest = tpl[1:] if neg else tpl
    m = _NEGLIT.match(rest)
    if m:                                   # (−1)·x -> −x, (−2)·x -> −2·x
        neg, rest = not neg, m.group(1) + rest[m.end(1) + 1:]
    if rest.startswith("1·"):
        rest = rest[2:]
    if rest == "1":
        return neg, "one", ""
    if rest.startswith("1/"):
        return neg, "div", rest[2:]
    if _top_level_sum(rest):
        rest = f"({rest})"
    return neg, "mul", rest


def fill(tpl: str, labels: tuple, out: str) -> str:
    return _PH.sub(lambda m: out if m.group(1) == "out" else labels[int(m.group(1))], tpl)


# -- labels of nodes ---------------------------------------------------------------------------
class Labels:
    """Per-node text in one style, computed once.

    ``kinks`` maps a row where its op is not differentiable (a tie of max, relu
    at 0) to the values of its local partials there, by argument position: the
    rule then prints the convention's number (``v̄₁·½``), not a formula that
    reads differently (``[v₀ > v₋₁]`` is 0 at a tie).
    """

    def __init__(self, g: Graph, style: Style, kinks: Optional[dict] = None):
        self.g, self.s = g, style
        self.kinks = kinks or {}
        self.var = [""] * g.n_nodes
        self.dot = [""] * g.n_nodes
        self.bar = [""] * g.n_nodes
        for i in range(g.n_nodes):
            if g.op[i] is None and i >= g.n_inputs:
                self.var[i] = self.constant(g.const[i])
                continue
            k = g.number(i)
            self.var[i], self.dot[i], self.bar[i] = style.var(k), style.dot(k), style.bar(k)
        self._tcache: dict = {}

    def constant(self, v: float) -> str:
        """A constant node: its literal, or its name (π, e) in the style."""
        if abs(v) in NAMED:
            return self.s.template(_literal(v))
        lit = self.s.number(v)
        return f"({lit})" if v < 0 else lit

    def _consts(self, i: int) -> tuple:
        g = self.g
        return tuple(g.const[a] if g.op[a] is None and a >= g.n_inputs else None
                     for a in g.args[i])

    def styled(self, tpl: str, i: int, fold: bool = True) -> str:
        key = (tpl, self._consts(i), fold)
        t = self._tcache.get(key)
        if t is None:
            t = self._tcache[key] = self.s.template(prepared(*key))
        return t

    def definition(self, i: int) -> str:
        g = self.g
        if g.op[i] is None:
            return self.s.name(g.names[i]) if i < g.n_inputs else self.var[i]
        labels = tuple(self.var[a] for a in g.args[i])
        return fill(self.styled(g.op[i].rule, i, fold=False), labels, self.var[i])

    def _kink(self, i: int, pos: int) -> Optional[str]:
        """The partial's number at a kink, as a literal template (None elsewhere)."""
        at = self.kinks.get(i)
        if at is None or pos not in at:
            return None
        v = float(at[pos])
        return "½" if v == 0.5 else _literal(v)

    def partial_text(self, i: int, pos: int) -> str:
        """∂vᵢ/∂(argument pos) written out, e.g. ``cos(v₀)``."""
        g = self.g
        kink = self._kink(i, pos)
        if kink is not None:
            return self.s.template(kink)
        labels = tuple(self.var[a] for a in g.args[i])
        return fill(self.styled(g.op[i].partial_text[pos], i), labels, self.var[i])

    def partial(self, i: int, pos: int) -> tuple:
        """(negated, kind, text) of ∂vᵢ/∂(argument pos)."""
        g = self.g
        kink = self._kink(i, pos)
        if kink is not None:
            neg, kind, rest = factor(kink)
            return neg, kind, self.s.template(rest)
        key = (g.op[i].partial_text[pos], self._consts(i))
        neg, kind, rest = factor(prepared(*key))
        labels = tuple(self.var[a] for a in g.args[i])
        return neg, kind, fill(self.s.template(rest), labels, self.var[i])


def kinks(g: Graph, vals, lin, m=FloatMath) -> dict:
    """{row: {argument position: local partial}} for the rows at a kink of their op."""
    out: dict = {}
    primal = m.primal or (lambda v: v)
    for i in lin.order:
        op = g.op[i]
        if op.kink is not None and op.kink(*[primal(vals[a]) for a in g.args[i]]):
            out[i] = {pos: p for pos, (_, p) in zip(_positions(g, i), lin.pairs[i])}
    return out


def term(s: Style, neg: bool, kind: str, rest: str, sv: str, after: bool = False) -> tuple:
    """One summand: the tangent/adjoint ``sv`` times a partial; ``after`` puts sv last."""
    if kind == "one":
        return neg, sv
    if kind == "div":
        return neg, f"{sv}/{rest}"
    return neg, (f"{rest}{s.times}{sv}" if after else f"{sv}{s.times}{rest}")


def join(s: Style, terms: list) -> str:
    if not terms:
        return "0"
    out = []
    for k, (neg, text) in enumerate(terms):
        if k == 0:
            out.append(s.minus + text if neg else text)
        else:
            out.append((f" {s.minus} " if neg else " + ") + text)
    return "".join(out)


# -- the trace -----------------------------------------------------------------------------------
@dataclass
class Row:
    node: int
    id: str          # v₃ (the primal id, in every trace)
    lhs: str         # v₃, v̇₃ or v̄₃
    rule: str        # right-hand side: v₋₁·v₀, v̇₋₁·v₀ + v₋₁·v̇₀, ...
    value: float


@dataclass
class Sweep:
    label: str                       # "∂/∂x1", "direction (1, 0.5)", "output f"
    rows: list
    wrt: Optional[str] = None        # tangent sweeps: the input name
    seed: Optional[list] = None      # tangent sweeps: ẋ
    output: Optional[int] = None     # adjoint sweeps: 1-based output number
    result: list = field(default_factory=list)   # tangents of the outputs / the gradient
    constant: bool = False           # adjoint sweeps: the output does not depend on the inputs


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
    digits: Optional[int] = None     # --digits: values are mpmath numbers shown to N digits
    out_labels: list = field(default_factory=list)  # per selected output: v₄, or 2, π
    constant: list = field(default_factory=list)    # per selected output: no input reaches it
    scope: str = ""                  # what the trace leaves out of the cost summary


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


def _positions(g: Graph, i: int) -> list:
    """Argument positions of row i's local partials, aligned with ``lin.pairs[i]``."""
    return [p for p, a in enumerate(g.args[i]) if g.active[a]]


def tangent_rules(g: Graph, lin, lab: Labels) -> dict:
    """v̇ᵢ's rule for every active equation (the same in every sweep)."""
    s, rules = lab.s, {}
    for i in lin.order:
        args, terms = g.args[i], []
        for pos in _positions(g, i):
            neg, kind, rest = lab.partial(i, pos)
            after = pos == 1 and kind == "mul" and rest == lab.var[args[0]]
            terms.append(term(s, neg, kind, rest, lab.dot[args[pos]], after))
        rules[i] = join(s, terms)
    return rules


def children(g: Graph, lin) -> list:
    """children[j] = [(i, pos), ...]: the rows that use node j, in list order."""
    kids: list = [[] for _ in range(g.n_nodes)]
    for i in lin.order:
        for pos in _positions(g, i):
            kids[g.args[i][pos]].append((i, pos))
    return kids


def reaching(g: Graph, lin, out: int) -> bytearray:
    """Nodes whose value reaches ``out`` through active rows."""
    reach = bytearray(g.n_nodes)
    reach[out] = 1
    for i in reversed(lin.order):
        if reach[i]:
            for k, _ in lin.pairs[i]:
                reach[k] = 1
    return reach


def adjoint_rows(g: Graph, lin, lab: Labels, kids: list, out: int, adj, num=float) -> list:
    s, rows = lab.s, []
    reach = reaching(g, lin, out)
    order = [i for i in reversed(lin.order) if reach[i]] + \
        list(range(g.n_inputs - 1, -1, -1))
    if out >= g.n_inputs and g.op[out] is None:
        order = list(range(g.n_inputs - 1, -1, -1))
    for j in order:
        terms = [(False, "1")] if j == out else []
        for i, pos in kids[j]:
            if reach[i]:
                neg, kind, rest = lab.partial(i, pos)
                terms.append(term(s, neg, kind, rest, lab.bar[i]))
        rows.append(Row(j, lab.var[j], lab.bar[j], join(s, terms), num(adj[j])))
    return rows


def tangent_rows(g: Graph, lab: Labels, rules: dict, seed: list, tan, num=float,
                 shown=None) -> list:
    """``shown``: the seed as the rules print it (default ``seed``)."""
    s, rows = lab.s, []
    shown = seed if shown is None else shown
    for i in range(g.n_nodes):
        if i < g.n_inputs:
            rule = s.number(shown[i])
        elif g.op[i] is None:
            continue
        else:
            rule = rules.get(i, "0")  # inactive rows: constant, zero tangent
        rows.append(Row(i, lab.var[i], lab.dot[i], rule, num(tan[i])))
    return rows


def cost(g: Graph, lin, n_out: int) -> dict:
    n, active = g.n_inputs, len(lin.order)
    rev_sweeps = n_out if n else 0          # nothing to differentiate without inputs
    fwd, rev = n * active, rev_sweeps * active
    return {
        "inputs": n, "outputs": n_out, "primal_operations": g.n_ops,
        "active_operations": active,
        "local_partials": sum(len(lin.pairs[i]) for i in lin.order),
        "forward": {"sweeps": n, "operations": fwd},
        "reverse": {"sweeps": rev_sweeps, "operations": rev},
        "cheaper": "reverse" if rev < fwd else "forward" if fwd < rev else "same",
    }


def cost_lines(c: dict, scope: str = "") -> list:
    """The cost summary in sentences (the same words in every format).

    ``scope`` says what the trace shows when it is less than the whole formula
    (--output, --wrt, --direction): the cost is always the whole formula's.
    """
    def plural(k, word):
        return f"{k:,} {word}{'' if k == 1 else 's'}"
    n, m = c["inputs"], c["outputs"]
    active = c["active_operations"]
    lines = [f"for the whole formula (this trace shows {scope} only)"] if scope else []
    lines.append(f"primal sweep: {plural(c['primal_operations'], 'elementary operation')} "
                 f"({active:,} {'depends' if active == 1 else 'depend'} on the inputs)")
    if n == 0:
        return lines + ["forward and reverse mode: no derivative sweeps (no inputs)"]
    lines += [
        f"forward mode: {plural(c['forward']['sweeps'], 'tangent sweep')} (one per input) "
        f"= {plural(c['forward']['operations'], 'derivative operation')}",
        f"reverse mode: {plural(c['reverse']['sweeps'], 'adjoint sweep')} (one per output) "
        f"= {plural(c['reverse']['operations'], 'derivative operation')}",
    ]
    if c["cheaper"] == "same":
        why = f"{plural(n, 'input')} and {plural(m, 'output')}: both modes cost the same here"
    elif c["cheaper"] == "reverse":
        why = (f"reverse mode wins: {plural(n, 'input')} > {plural(m, 'output')}; "
               "one adjoint sweep gives a gradient")
    else:
        why = (f"forward mode wins: {plural(n, 'input')} < {plural(m, 'output')}; "
               "a tangent sweep gives a Jacobian column")
    return lines + [why]


def scope_text(g: Graph, wrt: Optional[str], direction, output) -> str:
    """What a trace shows when it is less than the whole formula ("" when it is all)."""
    parts = []
    if output is not None and len(g.outputs) > 1:
        parts.append(f"output {output + 1}")
    if wrt is not None and g.n_inputs > 1:
        parts.append(f"the sweep for {wrt}")
    if direction is not None:
        parts.append("one JVP sweep")
    return " and ".join(parts)


def build(g: Graph, point: list, mode: str = "reverse", *, wrt: Optional[str] = None,
          direction: Optional[list] = None, output: Optional[int] = None,
          style: Optional[Style] = None, m=FloatMath, digits: Optional[int] = None) -> Trace:
    """The whole trace at ``point``; ``output`` is a 0-based output position or None.

    ``m`` is the number namespace the engine computes with (float64 by
    default; :func:`adcli.mpmath_ns.namespace` under ``--digits``, with
    ``point`` and ``direction`` in its numbers and ``digits`` the significant
    digits to show).  The trace then holds that namespace's numbers.
    """
    style = style or Style()
    num, shown = _numbers(m, digits)
    vals = evaluate(g, point, m)
    lin = linearize(g, vals, m)
    lab = Labels(g, style, kinks(g, vals, lin, m))
    primal, sources = _primal(g, vals, lab)
    outs = list(range(len(g.outputs))) if output is None else [output]
    nodes = [g.outputs[r] for r in outs]
    n = g.n_inputs
    one = num(1.0)
    tangent, adjoint = [], []
    grads: Optional[list] = None
    if mode == "forward":
        rules = tangent_rules(g, lin, lab)
        for label, name, seed in _seeds(g, wrt, direction, one, shown):
            tan = tangent_sweep(g, lin, seed)
            tangent.append(Sweep(label, tangent_rows(g, lab, rules, seed, tan, num,
                                                     [shown(v) for v in seed]),
                                 wrt=name, seed=[num(v) for v in seed],
                                 result=[num(tan[o]) for o in nodes]))
        if wrt is None and direction is None:
            grads = [[sw.result[r] for sw in tangent] for r in range(len(nodes))]
    kids = children(g, lin) if mode == "reverse" else None
    if grads is None:
        grads = []
        for r, o in zip(outs, nodes):
            adj = adjoint_sweep(g, lin, o, one)
            grads.append([num(a) for a in adj[:n]])
            if mode == "reverse" and n:
                adjoint.append(Sweep(f"output {_out_name(g, r)}",
                                     adjoint_rows(g, lin, lab, kids, o, adj, num),
                                     output=r + 1, result=grads[-1],
                                     constant=not g.active[o]))
    return Trace(g, list(point), mode, outs, primal, sources, tangent, adjoint,
                 [num(vals[o]) for o in nodes], grads, cost(g, lin, len(g.outputs)),
                 lin.warnings, style, output is not None, digits,
                 [lab.var[o] for o in nodes], [not g.active[o] for o in nodes],
                 scope_text(g, wrt, direction, output))


def _numbers(m, digits: Optional[int]) -> tuple:
    """(num, shown): a value as the trace keeps it, and as rule text prints it."""
    if m is FloatMath:
        return float, _same
    if digits is None:
        return m.const, _same
    from .mpmath_ns import Shown
    return m.const, lambda v: Shown(v, digits)


def _same(v):
    return v


def _out_name(g: Graph, r: int) -> str:
    return "f" if len(g.outputs) == 1 else f"f{r + 1}"


def _seeds(g: Graph, wrt: Optional[str], direction: Optional[list], one=1.0,
           shown=_same):
    n = g.n_inputs
    if direction is not None:
        text = ", ".join(fmt_number(shown(v)) for v in direction)
        yield f"direction ({text})", None, list(direction)
        return
    for j, name in enumerate(g.names):
        if wrt is not None and name != wrt:
            continue
        seed = [ZERO] * n
        seed[j] = one
        yield f"∂/∂{name}", name, seed


# -- the computational graph ---------------------------------------------------------------------
@dataclass
class GNode:
    node: int
    id: str              # v₃, or the literal of a constant
    kind: str            # input, constant, operation
    label: str           # "v₃ = v₁·v₂", "v₋₁ = x1", "2"
    op: Optional[str]    # op name
    value: Optional[float]
    outputs: list        # output names this node is ("f", "f1", ...)


@dataclass
class GEdge:
    src: int
    dst: int
    pos: int             # argument position
    partial: str         # ∂dst/∂src as text ("" for an inactive argument)
    value: Optional[float]


def graph_model(g: Graph, point: Optional[list], style: Optional[Style] = None) -> tuple:
    """Nodes and edges of the computational graph; values and partials if ``point``."""
    style = style or Style()
    vals = lin = None
    if point is not None:
        vals = evaluate(g, point)
        lin = linearize(g, vals)
    lab = Labels(g, style, kinks(g, vals, lin) if lin is not None else None)
    outs: dict = {}
    for r, o in enumerate(g.outputs):
        outs.setdefault(o, []).append(_out_name(g, r))
    nodes, edges = [], []
    for i in range(g.n_nodes):
        if g.op[i] is None and i >= g.n_inputs:
            kind, label = "constant", lab.var[i]
        else:
            kind = "input" if i < g.n_inputs else "operation"
            label = f"{lab.var[i]} = {lab.definition(i)}"
        nodes.append(GNode(i, lab.var[i], kind, label, g.op[i].name if g.op[i] else None,
                           None if vals is None else float(vals[i]), outs.get(i, [])))
        if g.op[i] is None:
            continue
        partials = dict(zip(_positions(g, i), lin.pairs[i])) if lin is not None else {}
        for pos, a in enumerate(g.args[i]):
            text = lab.partial_text(i, pos) if g.active[a] else ""
            p = partials.get(pos)
            edges.append(GEdge(a, i, pos, text, None if p is None else float(p[1])))
    return nodes, edges
