"""Shared subexpressions: computed once, into a temporary, instead of printed twice.

A registry partial or helper may use one subexpression twice (sigmoid's ``e^−|x|``, the
Hessian's reuse of a call's own value); the expression is a DAG, and printing it as a tree
would compute that node twice.  :func:`share` hoists such nodes into temporaries.  Only
nodes computed unconditionally are hoisted (not those reached only through a branch of a
conditional, which may be undefined where the branch is not taken), and the operations
are the same, so the results are too.
"""
from __future__ import annotations

from .expr import E, parts, var


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
