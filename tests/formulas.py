"""A small seeded generator of random formulas covering every registry function (tests)."""
from __future__ import annotations

import random

from adcli.functions import REGISTRY

VARS = ("x", "y", "z")
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


def _leaf(rng: random.Random) -> str:
    if rng.random() < 0.75:
        return rng.choice(VARS)
    return repr(rng.choice((0.5, 2.0, 3.0, 1.5, 0.25)))


def random_formula(rng: random.Random, depth: int = 3, must: str | None = None) -> str:
    """A formula of nesting ``depth``; ``must`` (a registry name) is its outermost call."""
    names = [f.name for f in REGISTRY.values() if not f.internal]
    stack: list = [(depth, must)]
    out: list[str] = []
    # iterative: build a postfix list of (name, arity) / leaves, then assemble
    post: list = []
    while stack:
        d, name = stack.pop()
        if d == 0 and name is None:
            post.append(("leaf", _leaf(rng)))
            continue
        name = name or rng.choice(names)
        f = REGISTRY[name]
        post.append(("op", name))
        if name == "polygamma":
            stack.append((0, None))
            post.append(("leaf!", repr(float(rng.choice((0, 1, 2))))))
            continue
        for _ in range(f.arity):
            stack.append((max(d - 1 - rng.randrange(2), 0), None))
    for kind, item in reversed(post):
        if kind != "op":
            out.append(item)
            continue
        f = REGISTRY[item]
        args = [out.pop() for _ in range(f.arity)]
        if item in _INFIX:
            out.append(f"({args[0]} {_INFIX[item]} {args[1]})")
        elif item == "neg":
            out.append(f"(-{args[0]})")
        elif item == "pow":
            out.append(f"({args[0]})^({args[1]})")
        else:
            out.append(f"{item}({', '.join(args)})")
    return out[0]


def battery(seed: int, count: int) -> list[str]:
    """``count`` formulas, each registry function the outer call of some of them."""
    rng = random.Random(seed)
    names = [f.name for f in REGISTRY.values() if not f.internal]
    return [random_formula(rng, 3, names[k % len(names)]) for k in range(count)]
