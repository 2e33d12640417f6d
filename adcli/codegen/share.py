"""Shared subexpressions: computed once, into a temporary, instead of printed twice.

A registry partial or helper may use one subexpression twice (sigmoid's ``e^−|x|``, the
Hessian's reuse of a call's own value, tanh's 1 − t·t inside a branch); the expression is a
DAG, and printing it as a tree would compute that node twice.  :func:`share` computes each
such node once.  Where it is computed depends on where it is needed:

* everywhere (outside any branch of a conditional): a temporary before the statement;
* only inside one branch of a conditional: a ``let`` node at that branch,
  ``("let", name, value, body)``, which binds it there and only there (C's comma operator,
  Python's ``:=``), because outside the branch it may be undefined or raise (Python's
  ``math.log`` of a negative number).

Across statements, :class:`PrimalReuse` numbers values: a derivative expression that a
primal row (or, in the Hessian, any earlier line assigned once) already computed is that
row's name.  The operations are the same, so the results are too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .expr import E, const, parts, postorder, sub, var, with_parts

if TYPE_CHECKING:
    from .emit import Stmt

_Region = tuple  # (parent region, the branch's root node id, depth); () is "always computed"


def share(e: E, fresh, only: set[int] | None = None) -> tuple[list[tuple[str, E]], E]:
    """(temporaries in order, the expression over them); ``fresh()`` names a temporary;
    ``only``: the ids of the nodes that may be shared (default: all)."""
    refs: dict[int, int] = {}
    order = postorder(e)
    for x in order:                               # how many nodes use each one
        for c in parts(x):
            refs[id(c)] = refs.get(id(c), 0) + 1
    region = _regions(e, order)
    lets: dict[int, list[tuple[str, E]]] = {}     # branch root -> its bindings, in order
    temps: list[tuple[str, E]] = []
    new: dict[int, E] = {}
    for x in order:
        y = with_parts(x, [new[id(c)] for c in parts(x)])
        if parts(x) and x is not e and refs.get(id(x), 0) > 1 and x.node[0] != "cmp" \
                and (only is None or id(x) in only):
            r = region[id(x)]
            if not r:
                name = fresh()
                temps.append((name, y))
                y = var(name)
            elif r[1] != id(x):
                name = fresh()
                lets.setdefault(r[1], []).append((name, y))
                y = var(name)
        for name, value in reversed(lets.pop(id(x), [])):
            y = E(("let", name, value, y))
        new[id(x)] = y
    return temps, new[id(e)]


def _regions(e: E, order: list[E]) -> dict[int, _Region]:
    """Each node's region: the innermost branch of a conditional that every use of it is
    inside (``()``: computed whatever the conditions), parents first."""
    region: dict[int, _Region] = {id(e): ()}
    for x in reversed(order):
        r = region[id(x)]
        kids = parts(x)
        for k, c in enumerate(kids):
            inner = (r, id(c), r[2] + 1 if r else 1) if x.node[0] == "sel" and k else r
            region[id(c)] = inner if id(c) not in region else _common(region[id(c)], inner)
    return region


def _common(a: _Region, b: _Region) -> _Region:
    while a is not b:
        if not a or not b:
            return ()
        if a[2] >= b[2]:
            a = a[0]
        else:
            b = b[0]
    return a


def share_row(partials: list[E], fresh) -> tuple[list[tuple[str, E]], list[E]]:
    """The local partials of one trace row, with what they share computed once: a
    subexpression two partials both use (atan2's hypot), and the tie rule of min and max,
    whose second partial is one minus the first (see :func:`complement`)."""
    partials = complement(partials)
    temps, joined = share(E(("call", "", tuple(partials))), fresh)
    return temps, list(joined.node[2])


def _step_arg(p: E) -> E | None:
    """z of ``step(z, ½)`` as :func:`adcli.codegen.expr.step` builds it, else None."""
    n = p.node
    if n[0] != "sel" or n[1].node[:2] != ("cmp", ">") or not n[2].is_const(1.0):
        return None
    m = n[3].node
    if m[0] != "sel" or m[1].node[:2] != ("cmp", "<") or not m[2].is_const(0.0) \
            or not m[3].is_const(0.5) or m[1].node[2] is not n[1].node[2]:
        return None
    z = n[1].node[2]
    return z if z.node[:2] == ("bin", "-") else None


def complement(partials: list[E]) -> list[E]:
    """``step(b − a, ½)`` beside ``step(a − b, ½)`` (min's and max's partials) as
    ``1 − step(a − b, ½)``: exact, since b − a is −(a − b) and the step takes 0, ½ or 1."""
    out = list(partials)
    steps = [_step_arg(p) if isinstance(p, E) else None for p in out]
    for i, zi in enumerate(steps):
        for j in range(i):
            zj = steps[j]
            if zi is not None and zj is not None and zi.node[2] is zj.node[3] \
                    and zi.node[3] is zj.node[2]:
                out[i] = sub(const(1.0), out[j])
                steps[i] = None
                break
    return out


class PrimalReuse:
    """A derivative subexpression that is a primal row's expression, operation for
    operation (``x·e^y``'s adjoint ``vbar1 * v1`` with ``vbar1`` folded to ``v_m1`` is the
    row ``v3 = v_m1 * v1``), becomes that row's name: the same value, not computed again.
    Primal names are assigned once, so the match is exact; + and * match either way round
    (IEEE addition and multiplication commute)."""

    def __init__(self, rows: dict[int, Stmt]):
        self.numbers: dict[tuple, int] = {}   # hash-consing: flat keys, however deep
        self.table: dict[int, tuple[int, str]] = {}
        for i in sorted(rows):
            self.register(i, rows[i])

    def register(self, i: int, st: Stmt) -> None:
        """Statement ``st`` (at position ``i``) may be reused: its name is assigned once,
        as are the names it reads.  Its name is then numbered as its value is (value
        numbering: ``v1 * s0`` with ``s0 = digamma(v_m1)`` is ``v1 * digamma(v_m1)``)."""
        k = self._walk(st.expr, None)[0]
        self.table.setdefault(k, (i, st.name))
        self.numbers.setdefault(("var", st.name), k)

    def __call__(self, e: E, upto: int | None = None) -> E:
        """``e`` over the primal rows (those up to row ``upto`` only, if given)."""
        return self._walk(e, upto)[1]

    def _key(self, x: E, kids: list[int]) -> tuple:
        n = x.node
        if n[0] == "var":
            return ("var", n[1])
        if n[0] == "const":
            return ("const", repr(n[1]))
        if n[0] == "bin" and n[1] in "+*":
            kids = sorted(kids)
        return (n[0], n[1] if n[0] in ("bin", "cmp", "call") else "", *kids)

    def _walk(self, e: E, upto: int | None) -> tuple[int, E]:
        num: dict[int, int] = {}
        new: dict[int, E] = {}
        for x in postorder(e):
            kids = parts(x)
            k = self.numbers.setdefault(self._key(x, [num[id(c)] for c in kids]),
                                        len(self.numbers))
            num[id(x)] = k
            hit = self.table.get(k) if kids else None
            if hit is not None and (upto is None or hit[0] <= upto):
                new[id(x)] = var(hit[1])
            else:
                new[id(x)] = with_parts(x, [new[id(c)] for c in kids])
        return num[id(e)], new[id(e)]


def reuse_statements(stmts: list[Stmt]) -> None:
    """:class:`PrimalReuse` over a whole straight-line program (the Hessian's): an
    expression that an earlier statement computed is that statement's name, where both
    only read names assigned once (an adjoint accumulated twice has two values)."""
    assigned: dict[str, int] = {}
    for st in stmts:
        assigned[st.name] = assigned.get(st.name, 0) + 1
    reuse = PrimalReuse({})
    for i, st in enumerate(stmts):
        st.expr = reuse(st.expr)
        reads = (x.node[1] for x in postorder(st.expr) if x.kind == "var")
        if assigned[st.name] == 1 and all(assigned.get(v, 0) <= 1 for v in reads):
            reuse.register(i, st)
