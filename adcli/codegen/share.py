"""Shared subexpressions: computed once, into a temporary, instead of printed twice.

A registry partial or helper may use one subexpression twice (sigmoid's ``e^−|x|``, the
Hessian's reuse of a call's own value); the expression is a DAG, and printing it as a tree
would compute that node twice.  :func:`share` hoists such nodes into temporaries.  Only
nodes computed unconditionally are hoisted (not those reached only through a branch of a
conditional, which may be undefined where the branch is not taken), and the operations
are the same, so the results are too.
"""
from __future__ import annotations

from .expr import E, const, parts, sub, var


def share(e: E, fresh) -> tuple[list[tuple[str, E]], E]:
    """(temporaries in order, the expression over them); ``fresh()`` names a temporary."""
    refs: dict[int, int] = {}
    eager: set[int] = {id(e)}
    order: list[E] = []
    seen: set[int] = set()
    stack: list[tuple[E, bool]] = [(e, False)]
    while stack:                                  # post-order, counting references
        x, done = stack.pop()
        if done:
            order.append(x)
            continue
        if id(x) in seen:
            continue
        seen.add(id(x))
        stack.append((x, True))
        kids = parts(x)
        for c in kids:
            refs[id(c)] = refs.get(id(c), 0) + 1
            stack.append((c, False))
    for x in reversed(order):                     # parents first: what is always computed
        if id(x) in eager:
            kids = parts(x)
            eager.update(id(c) for c in (kids[:1] if x.node[0] == "sel" else kids))
    temps: list[tuple[str, E]] = []
    new: dict[int, E] = {}
    for x in order:
        kids = parts(x)
        n = x.node
        if kids:
            repl = [new[id(c)] for c in kids]
            if any(r is not c for r, c in zip(repl, kids, strict=True)):
                if n[0] == "call":
                    y = E(("call", n[1], tuple(repl)))
                elif n[0] in ("bin", "cmp"):
                    y = E((n[0], n[1], repl[0], repl[1]))
                else:
                    y = E((n[0], *repl))
            else:
                y = x
        else:
            y = x
        if kids and x is not e and refs.get(id(x), 0) > 1 and id(x) in eager \
                and n[0] != "cmp":
            name = fresh()
            temps.append((name, y))
            y = var(name)
        new[id(x)] = y
    return temps, new[id(e)]


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
