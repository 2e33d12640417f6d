"""The IR: a flat, topologically ordered list of equations (a Wengert list).

Node ``i`` is one of

* an input      (``op[i] is None``, ``i < n_inputs``),
* a constant    (``op[i] is None``, ``n_inputs <= i < first_op``),
* an equation   ``v_i = op[i](args[i]...)`` for ``i >= first_op``;

and every argument index is smaller than the node's own, so a single loop in
list order evaluates it and a single loop in reverse order differentiates it.
Identical subexpressions are one node (hash-consing in the builder).

Display numbering follows Baydin et al.: inputs are v₋ₙ₊₁ … v₀ and equations
v₁ … vₗ; constants print as their literal.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# A constant's label is the one number formatter's float64 text (importable as fmt_number).
from .render.numbers import float_text as fmt_number

if TYPE_CHECKING:
    from .functions import Function as Op

Span = tuple[int, int]           # (start, end) in the formula's text

_SUB = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")


def subscript(k: int) -> str:
    return str(k).translate(_SUB)



@dataclass
class Graph:
    text: str                       # the formula as given
    op: list[Op | None]             # per node: its operation, None for inputs and constants
    args: list[tuple[int, ...]]     # per node: its argument indices (all smaller than it)
    const: list[float | None]       # per node: the value of a constant, None otherwise
    names: list[str]                # input names, in input order
    outputs: list[int]              # output node indices
    vector: bool                    # written as [a, b, ...]
    spans: list[Span]               # per node: where its first occurrence is in ``text``
    bound: dict[int, str] = field(default_factory=dict)   # node -> name it was bound to
    first_op: int = 0
    active: list[bool] = field(default_factory=list)      # per node: depends on an input?
    out_label: str | None = None    # a program's output label (g, c, ...); None: f, f1, f2...
    default_at: str | None = None   # a file's "# at: 2,5" line: the point when --at is absent

    @property
    def expression(self) -> str:
        """The formula as given, without its comments (headers, titles, JSON)."""
        return strip_comments(self.text)

    # -- sizes ------------------------------------------------------------------
    @property
    def n_inputs(self) -> int:
        return len(self.names)

    @property
    def n_nodes(self) -> int:
        return len(self.op)

    @property
    def n_ops(self) -> int:
        return len(self.op) - self.first_op

    @property
    def n_active_ops(self) -> int:
        a = self.active
        return sum(1 for i in range(self.first_op, len(a)) if a[i])

    # -- display ------------------------------------------------------------------
    def output_name(self, r: int) -> str:
        """Output r's label: f (f1, f2, ... for vectors), or a program's own output name
        (``g`` for a program ending in ``g += 10.0/f``); never one of its variables."""
        if self.out_label is not None and len(self.outputs) == 1:
            return self.out_label
        return "f" if len(self.outputs) == 1 else f"f{r + 1}"

    def number(self, i: int) -> int:
        """Baydin's index of node i (inputs ≤ 0, equations ≥ 1)."""
        if i < self.n_inputs:
            return i - self.n_inputs + 1
        return i - self.first_op + 1

    def fn(self, i: int) -> Op:
        """The operation of equation row i (inputs and constants have none)."""
        op = self.op[i]
        if op is None:
            raise ValueError(f"node {i} is an input or a constant, not an equation")
        return op

    def label(self, i: int, ascii: bool = False) -> str:
        value = self.const[i]
        if value is not None:            # a constant prints as its literal
            return fmt_number(value)
        k = self.number(i)
        return f"v{k}" if ascii else "v" + subscript(k)

    def definition(self, i: int, ascii: bool = False) -> str:
        """``log(v₂)`` for an equation, the variable name for an input."""
        op = self.op[i]
        if op is None:
            return self.names[i] if i < self.n_inputs else self.label(i)
        labels = [self._operand(a, ascii) for a in self.args[i]]
        return op.rule.format(*labels)

    def _operand(self, a: int, ascii: bool) -> str:
        lab = self.label(a, ascii)
        return f"({lab})" if lab.startswith("-") else lab

    def source(self, i: int) -> str:
        """The source text of the node's first occurrence, outer parentheses dropped."""
        if i < self.n_inputs:
            return self.names[i]
        s, e = self.spans[i]
        return strip_parens(self.text[s:e].strip())


def strip_comments(text: str) -> str:
    """``text`` without ``# ...`` comments and the lines they leave empty (``#`` starts
    a comment anywhere in the language: it has no strings)."""
    lines = (line.split("#", 1)[0].rstrip() for line in text.splitlines())
    return "\n".join(line for line in lines if line.strip())


def strip_parens(s: str) -> str:
    while len(s) >= 2 and s[0] == "(" and s[-1] == ")":
        depth = 0
        for k, ch in enumerate(s):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and k < len(s) - 1:
                return s
        s = s[1:-1].strip()
    return s


def natural_key(name: str) -> list[tuple[int, str, int]]:
    """``x2`` sorts before ``x10``."""
    key: list[tuple[int, str, int]] = []
    num = ""
    text = ""
    for ch in name:
        if ch.isdigit():
            if text:
                key.append((0, text, 0))
                text = ""
            num += ch
        else:
            if num:
                key.append((1, "", int(num)))
                num = ""
            text += ch
    if text:
        key.append((0, text, 0))
    if num:
        key.append((1, "", int(num)))
    return key


def _schedule(nodes_op: Sequence[Op | None], nodes_args: Sequence[tuple[int, ...]],
              live: bytearray, stmt: Sequence[int] | None = None) -> list[int]:
    """Live equations in statement order (``stmt``: per node, the program statement
    that made it), and within a statement by level (1 + the highest level of their
    arguments), creation order within a level.

    Any topological order is correct; this one is the order of the published
    traces (Baydin et al.'s ln(x1) + x1·x2 − sin(x2) computes sin(x2) before
    the sum; a program's rows follow its statements), and it is linear: a
    counting sort on the level, then a stable one on the statement.
    """
    level = [0] * len(nodes_op)
    buckets: list[list[int]] = []
    for i, op in enumerate(nodes_op):
        if op is None or not live[i]:
            continue
        lv = 1 + max(level[a] for a in nodes_args[i])
        level[i] = lv
        while len(buckets) < lv:
            buckets.append([])
        buckets[lv - 1].append(i)
    by_level = [i for bucket in buckets for i in bucket]
    if stmt is None or not any(stmt[i] for i in by_level):
        return by_level
    statements: list[list[int]] = [[] for _ in range(max(stmt[i] for i in by_level) + 1)]
    for i in by_level:
        statements[stmt[i]].append(i)
    return [i for group in statements for i in group]


def build_graph(text: str, nodes_op: Sequence[Op | None],
                nodes_args: Sequence[tuple[int, ...]], nodes_const: Sequence[float | None],
                input_names: dict[int, str], outputs: Sequence[int], vector: bool,
                spans: Sequence[Span], bound: dict[int, str],
                order: Sequence[str] | None, stmt: Sequence[int] | None = None,
                out_label: str | None = None) -> Graph:
    """Prune dead equations and lay out the nodes as inputs, constants, equations.

    ``input_names`` maps builder node -> name for every input the parse made;
    ``order`` is the input order (every name, possibly more); None means
    natural sort order.
    """
    n = len(nodes_op)
    live = bytearray(n)
    for o in outputs:
        live[o] = 1
    for i in range(n - 1, -1, -1):
        if live[i] and nodes_op[i] is not None:
            for a in nodes_args[i]:
                live[a] = 1

    by_name = {name: node for node, name in input_names.items()}
    names = list(order) if order is not None else sorted(by_name, key=natural_key)
    remap = [-1] * n
    new_op: list[Op | None] = []
    new_args: list[tuple[int, ...]] = []
    new_const: list[float | None] = []
    new_spans: list[Span] = []
    for name in names:
        node = by_name.get(name)
        if node is not None:
            remap[node] = len(new_op)
        new_op.append(None)
        new_args.append(())
        new_const.append(None)
        new_spans.append((0, 0))
    for i in range(n):
        if live[i] and nodes_op[i] is None and i not in input_names:
            remap[i] = len(new_op)
            new_op.append(None)
            new_args.append(())
            new_const.append(nodes_const[i])
            new_spans.append(spans[i])
    first_op = len(new_op)
    for i in _schedule(nodes_op, nodes_args, live, stmt):
        remap[i] = len(new_op)
        new_op.append(nodes_op[i])
        new_args.append(tuple(remap[a] for a in nodes_args[i]))
        new_const.append(None)
        new_spans.append(spans[i])
    active = [False] * len(new_op)
    for k in range(len(names)):
        active[k] = True
    for i in range(first_op, len(new_op)):
        for a in new_args[i]:
            if active[a]:
                active[i] = True
                break
    new_bound = {remap[k]: v for k, v in bound.items() if remap[k] >= first_op}
    return Graph(text=text, op=new_op, args=new_args, const=new_const, names=names,
                 outputs=[remap[o] for o in outputs], vector=vector, spans=new_spans,
                 bound=new_bound, first_op=first_op, active=active, out_label=out_label)
