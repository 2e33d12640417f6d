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

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

# A constant's label is the one number formatter's float64 text (importable as fmt_number).
from .render.numbers import float_text as fmt_number

if TYPE_CHECKING:
    from .functions import Function as Op

Span = tuple[int, int]           # (start, end) in the formula's text

_SUB = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")


def subscript(k: int) -> str:
    return str(k).translate(_SUB)



def ints(n: int = 0, fill: int = 0) -> array:
    """A flat array of ``n`` C ints (4 bytes each where a list holds an 8-byte pointer to a
    28-byte int object)."""
    return array("i", [fill]) * n


class Args(Sequence[tuple[int, ...]]):
    """Per node, its argument indices, as ``g.args[i]`` tuples; stored flat: ``a0[i]`` and
    ``a1[i]`` (-1 where the node has fewer arguments; every function has at most two).

    A million-node graph keeps 8 bytes a node here, not a tuple and its ints (~110 bytes);
    the engine's loops read ``a0`` and ``a1`` directly."""

    __slots__ = ("a0", "a1")

    def __init__(self, a0: array, a1: array) -> None:
        self.a0, self.a1 = a0, a1

    @classmethod
    def of(cls, rows: Sequence[tuple[int, ...]]) -> Args:
        if isinstance(rows, Args):
            return rows
        a0, a1 = ints(len(rows), -1), ints(len(rows), -1)
        for i, r in enumerate(rows):
            if len(r) > 2:
                raise ValueError("a node has at most two arguments")
            if r:
                a0[i] = r[0]
                if len(r) == 2:
                    a1[i] = r[1]
        return cls(a0, a1)

    def __len__(self) -> int:
        return len(self.a0)

    @overload
    def __getitem__(self, i: int) -> tuple[int, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[int, ...]]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self.a0)))]
        a = self.a0[i]
        if a < 0:
            return ()
        b = self.a1[i]
        return (a,) if b < 0 else (a, b)

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        for a, b in zip(self.a0, self.a1):
            yield () if a < 0 else (a,) if b < 0 else (a, b)

    def __eq__(self, other: object) -> bool:      # as the list of tuples it stands for
        if isinstance(other, Args):
            return self.a0 == other.a0 and self.a1 == other.a1
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]   # mutable, as a list


class Spans(Sequence[Span]):
    """Per node, ``(start, end)`` of its first occurrence in the text; stored flat."""

    __slots__ = ("start", "end")

    def __init__(self, start: array, end: array) -> None:
        self.start, self.end = start, end

    @classmethod
    def of(cls, rows: Sequence[Span]) -> Spans:
        if isinstance(rows, Spans):
            return rows
        return cls(array("i", [s for s, _ in rows]), array("i", [e for _, e in rows]))

    def __len__(self) -> int:
        return len(self.start)

    @overload
    def __getitem__(self, i: int) -> Span: ...
    @overload
    def __getitem__(self, i: slice) -> list[Span]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(zip(self.start[i], self.end[i]))
        return (self.start[i], self.end[i])

    def __iter__(self) -> Iterator[Span]:
        return zip(self.start, self.end)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spans):
            return self.start == other.start and self.end == other.end
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Graph:
    text: str                       # the formula as given
    op: list[Op | None]             # per node: its operation, None for inputs and constants
    args: Args                      # per node: its argument indices (all smaller than it)
    const: list[float | None]       # per node: the value of a constant, None otherwise
    names: list[str]                # input names, in input order
    outputs: list[int]              # output node indices
    vector: bool                    # written as [a, b, ...]
    spans: Spans                    # per node: where its first occurrence is in ``text``
    bound: dict[int, str] = field(default_factory=dict)   # node -> name it was bound to
    first_op: int = 0
    active: list[bool] = field(default_factory=list)      # per node: depends on an input?
    out_label: str | None = None    # a program's output label (g, c, ...); None: f, f1, f2...
    default_at: str | None = None   # a file's "# at: 2,5" line: the point when --at is absent

    def __post_init__(self) -> None:   # lists of tuples are accepted, and stored flat
        self.args = Args.of(self.args)
        self.spans = Spans.of(self.spans)

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


def _counting_sort(rows: array, key: array, top: int) -> array:
    """``rows`` stably sorted by ``key[row]`` (0 … top): linear, and flat."""
    first = ints(top + 2)
    for i in rows:
        first[key[i] + 1] += 1
    for k in range(1, top + 2):
        first[k] += first[k - 1]
    out = ints(len(rows))
    for i in rows:
        k = key[i]
        out[first[k]] = i
        first[k] += 1
    return out


def _schedule(nodes_op: Sequence[Op | None], nodes_args: Args, live: bytearray,
              stmt: Sequence[int] | None = None) -> array:
    """Live equations in statement order (``stmt``: per node, the program statement
    that made it), and within a statement by level (1 + the highest level of their
    arguments), creation order within a level.

    Any topological order is correct; this one is the order of the published
    traces (Baydin et al.'s ln(x1) + x1·x2 − sin(x2) computes sin(x2) before
    the sum; a program's rows follow its statements), and it is linear: a
    counting sort on the level, then a stable one on the statement.
    """
    a0, a1 = nodes_args.a0, nodes_args.a1
    level = ints(len(nodes_op))
    rows = array("i")
    top = 0
    for i, op in enumerate(nodes_op):
        if op is None or not live[i]:
            continue
        lv = level[a0[i]]
        b = a1[i]
        if b >= 0 and level[b] > lv:
            lv = level[b]
        lv += 1
        level[i] = lv
        rows.append(i)
        if lv > top:
            top = lv
    by_level = rows if top == len(rows) else _counting_sort(rows, level, top)  # a chain: sorted
    if stmt is None:
        return by_level
    last = max((stmt[i] for i in by_level), default=0)
    if not last:
        return by_level
    return _counting_sort(by_level, array("i", stmt), last)


def build_graph(text: str, nodes_op: Sequence[Op | None], nodes_args: Args,
                nodes_const: Mapping[int, float], input_names: dict[int, str],
                outputs: Sequence[int], vector: bool, spans: Spans, bound: dict[int, str],
                order: Sequence[str] | None, stmt: Sequence[int] | None = None,
                out_label: str | None = None) -> Graph:
    """Prune dead equations and lay out the nodes as inputs, constants, equations.

    ``nodes_const`` maps each constant node to its value, in node order;
    ``input_names`` maps builder node -> name for every input the parse made;
    ``order`` is the input order (every name, possibly more); None means
    natural sort order.
    """
    n = len(nodes_op)
    a0, a1 = nodes_args.a0, nodes_args.a1
    live = bytearray(n)
    for o in outputs:
        live[o] = 1
    for i in range(n - 1, -1, -1):
        if live[i] and nodes_op[i] is not None:
            live[a0[i]] = 1
            b = a1[i]
            if b >= 0:
                live[b] = 1

    by_name = {name: node for node, name in input_names.items()}
    names = list(order) if order is not None else sorted(by_name, key=natural_key)
    remap = ints(n, -1)
    for k, name in enumerate(names):
        node = by_name.get(name)
        if node is not None:
            remap[node] = k
    consts = [i for i in nodes_const if live[i]]     # (made, so keyed, in node order)
    first_op = len(names) + len(consts)
    for k, i in enumerate(consts, len(names)):
        remap[i] = k
    rows = _schedule(nodes_op, nodes_args, live, stmt)
    for k, i in enumerate(rows, first_op):
        remap[i] = k
    new_op: list[Op | None] = [None] * first_op + [nodes_op[i] for i in rows]
    new_const: list[float | None] = [None] * len(names)
    new_const += [nodes_const[i] for i in consts]
    new_const += [None] * len(rows)
    new_a0 = ints(first_op, -1) + array("i", [remap[a0[i]] for i in rows])
    new_a1 = ints(first_op, -1) + array("i", [remap[a1[i]] if a1[i] >= 0 else -1
                                              for i in rows])
    start, end = spans.start, spans.end
    new_start = ints(len(names)) + array("i", [start[i] for i in consts])
    new_end = ints(len(names)) + array("i", [end[i] for i in consts])
    new_start += array("i", [start[i] for i in rows])
    new_end += array("i", [end[i] for i in rows])
    active = [False] * len(new_op)
    active[:len(names)] = [True] * len(names)
    for i in range(first_op, len(new_op)):
        b = new_a1[i]
        if active[new_a0[i]] or (b >= 0 and active[b]):
            active[i] = True
    new_bound = {remap[k]: v for k, v in bound.items() if remap[k] >= first_op}
    return Graph(text=text, op=new_op, args=Args(new_a0, new_a1), const=new_const,
                 names=names, outputs=[remap[o] for o in outputs], vector=vector,
                 spans=Spans(new_start, new_end), bound=new_bound, first_op=first_op,
                 active=active, out_label=out_label)
