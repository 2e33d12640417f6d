"""``--at`` and friends: a point, or a vector, given on the command line.

``2,0.5`` lists values in input order; ``x1=2,x2=0.5`` names them.  Each value
may be a constant expression (``pi/4``, ``1e-3``, ``sqrt(2)``), parsed by the
same grammar and evaluated by the same engine, so nothing is ever ``eval``ed.
"""
from __future__ import annotations

import re

from .errors import AdcliError, PointError

_NAMED = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)\s*=(?!=)(.*)\Z", re.S)


def split_top(text: str) -> list[tuple[int, str]]:
    """Split on commas outside parentheses; keep each piece's offset."""
    parts: list[tuple[int, str]] = []
    depth, start = 0, 0
    for k, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append((start, text[start:k]))
            start = k + 1
    parts.append((start, text[start:]))
    return parts


def constant(text: str, option: str = "--at") -> float:
    """The float value of a constant expression such as ``pi/4``."""
    from .engine import evaluate
    from .parser import parse
    src = text.strip()
    if not src:
        raise PointError(f"{option}: a value is empty")
    try:
        g = parse(src)
    except AdcliError as exc:
        raise PointError(f"{option}: {src!r} is not a number or constant expression: "
                         f"{exc.message}", detail=exc.detail) from None
    if g.names:
        raise PointError(f"{option}: {src!r} is not a number or constant expression "
                         f"(it uses {', '.join(g.names)})")
    if len(g.outputs) != 1:
        raise PointError(f"{option}: {src!r} must be one number, not a list")
    try:
        return evaluate(g, [])[g.outputs[0]]
    except AdcliError as exc:
        raise PointError(f"{option}: {src!r} cannot be evaluated: {exc.message}") from None


#: Vectors whose unnamed entries are 0 when the others are named (a direction, a cotangent):
#: ``--direction x1=1`` is (1, 0), ``--cotangent f2=1`` is (0, 1).
ZERO_FILLED = ("--direction", "--cotangent")


def parse_point(text: str, names: list[str], option: str = "--at") -> list[float]:
    """Values for ``names`` from ``2,0.5`` or ``x1=2,x2=0.5``."""
    if names:
        plural = "s" if len(names) != 1 else ""
        expected = (f"expected {len(names)} value{plural} for {', '.join(names)}, e.g. "
                    f"{option} {','.join('1' for _ in names)} or "
                    f"{option} {','.join(n + '=1' for n in names)}")
    else:
        expected = "expected no values (the formula has no inputs)"
    text = text.strip()
    if text.startswith("(") and text.endswith(")") or text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    pieces = [] if not text else split_top(text)
    named = [m for _, p in pieces if (m := _NAMED.match(p)) is not None]
    if named and len(named) != len(pieces):
        raise PointError(f"{option}: give every value by name or none by name; {expected}")
    if named:
        values: dict[str, float] = {}
        for m in named:
            name = m.group(1)
            if name not in names:
                raise PointError(f"{option}: unknown variable '{name}'; {expected}")
            if name in values:
                raise PointError(f"{option}: '{name}' is given twice")
            values[name] = constant(m.group(2), option)
        missing = [n for n in names if n not in values]
        if missing and option in ZERO_FILLED:      # --direction x1=1: ẋ2 = 0
            return [values.get(n, 0.0) for n in names]
        if missing:
            raise PointError(f"{option}: no value for {', '.join(missing)}; {expected}")
        return [values[n] for n in names]
    if len(pieces) != len(names):
        raise PointError(f"{option}: got {len(pieces)} value{'s' if len(pieces) != 1 else ''}"
                         f", {expected}")
    return [constant(p, option) for _, p in pieces]
