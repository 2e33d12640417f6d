"""``--against``: a hand-derived derivative compared with reverse AD at the point and at
random points nearby."""
from __future__ import annotations

import random
from dataclasses import dataclass

from ..engine import evaluate, linearize
from ..errors import EvalError, ParseError, UsageError
from .numbers import FLOAT
from .rounding import magnitude

SAMPLE_RADIUS = 0.1      # --samples: x ± 10 %·max(1, |x|)


@dataclass
class Entry:
    output: int
    variable: int
    point: list
    expected: float          # reverse AD
    got: float | None     # the hand-derived formula (None: it cannot be evaluated)
    agree: bool
    at_kink: bool
    sample: int              # 0 = the point itself, k = k-th random point
    error: str = ""          # why the formula cannot be evaluated there
    tolerance: float = 0.0   # rtol × max(|expected|, |got|, magnitude bound M)

    @property
    def margin(self) -> float | None:
        """|got − expected| / tolerance: ≤ 1 inside (0.001: a thousand times inside),
        > 1 outside; None when the formula cannot be evaluated."""
        if self.got is None:
            return None
        d = abs(self.got - self.expected)
        if d == 0:
            return 0.0
        return float(d / self.tolerance) if self.tolerance else float("inf")


def margin_text(e: Entry) -> str:
    """The margin for people: ``1.2e-05 × tol, inside`` / ``3.4e+02 × tol, OUTSIDE``."""
    m = e.margin
    if m is None:
        return "—"
    if m == 0:
        return "exact"
    return f"{m:.2g} × tol, {'inside' if m <= 1 else 'OUTSIDE'}"


@dataclass
class Against:
    text: str
    entries: list
    verdict: str
    points: int
    skipped: int
    rtol: float

    @property
    def failures(self) -> list:
        return [e for e in self.entries if not e.agree and not e.at_kink]


def _where(g, e: Entry, nums) -> str:
    if e.sample == 0:
        return "at P"
    return "at (" + ", ".join(f"{n} = {_repr(x, nums)}" for n, x in zip(g.names, e.point)) + ")"


def _repr(v, nums) -> str:
    return nums.text(v)


def failure_lines(g, ag: Against, limit: int = 5, nums=FLOAT) -> list:
    """Where a hand-derived derivative is wrong: entry, point, by how much."""
    lines, told = [], set()
    for e in ag.failures:
        if e.got is None:
            if e.sample not in told:      # one line per point: the whole formula fails there
                told.add(e.sample)
                lines.append(f"--against: your formula cannot be evaluated {_where(g, e, nums)}:"
                             f" {e.error}")
            continue
        f = "f" if len(g.outputs) == 1 else f"f{e.output + 1}"
        rel = float(abs(e.got - e.expected) / max(abs(e.expected), abs(e.got)))
        lines.append(f"--against: ∂{f}/∂{g.names[e.variable]} is wrong {_where(g, e, nums)}: "
                     f"AD gives {_repr(e.expected, nums)}, the formula gives "
                     f"{_repr(e.got, nums)} (off by {float(e.got - e.expected):.3g}, "
                     f"relative {rel:.3g}; {margin_text(e)})")
    if len(lines) > limit:
        more = len(lines) - limit
        lines = lines[:limit] + [f"--against: {more} more wrong entries (--json lists all)"]
    return lines


def _nested_rows(text: str) -> list | None:
    """``[[a, b], [c, d]]`` -> [["a", "b"], ["c", "d"]]; None if not a list of lists."""
    from ..point import split_top
    t = text.strip()
    if not (t.startswith("[") and t.endswith("]")):
        return None
    pieces = [p.strip() for _, p in split_top(t[1:-1])]
    if not all(p.startswith("[") and p.endswith("]") for p in pieces):
        return None
    return [[q.strip() for _, q in split_top(p[1:-1])] for p in pieces]


def _flatten(text: str, g) -> str:
    """A nested Jacobian, row by row, as the flat list adcli parses; else the text as is."""
    rows = _nested_rows(text)
    if rows is None:
        return text
    m, n = len(g.outputs), g.n_inputs
    bad = [k for k, row in enumerate(rows, 1) if len(row) != n]
    if len(rows) != m or bad:
        what = f"it has {len(rows)} rows" if len(rows) != m else \
            f"row {bad[0]} has {len(rows[bad[0] - 1])} entries"
        raise UsageError(f"--against: a nested list needs {m} row{'s' if m != 1 else ''} (one "
                         f"per output) of {n} entr{'y' if n == 1 else 'ies'} (one per variable"
                         f": {', '.join(g.names)}); {what}")
    return "[" + ", ".join(q for row in rows for q in row) + "]"


def parse_against(text: str, g):
    """The hand-derived derivative as a graph over the formula's variables."""
    from ..parser import parse
    flat = _flatten(text, g)
    try:
        first = parse(flat)
    except ParseError as exc:
        if "'['" in exc.message:
            exc.message += ("; --against takes one list, row by row ('\\[df1/dx1, df1/dx2, "
                            "df2/dx1, ...]'), or one bracketed row per output")
            exc.args = (exc.message,)
        raise
    extra = [n for n in first.names if n not in g.names]
    if extra:
        raise UsageError(f"--against uses '{extra[0]}', which is not a variable of the formula "
                         f"({', '.join(g.names) or 'none'})")
    a = parse(flat, list(g.names))
    want = len(g.outputs) * g.n_inputs
    if len(a.outputs) != want:
        raise UsageError(_against_shape(g, len(a.outputs)))
    return a


def _against_shape(g, got: int) -> str:
    names = g.names
    if len(g.outputs) == 1:
        parts = ", ".join(f"df/d{n}" for n in names)
        shape = f"[{parts}]" if len(names) > 1 else f"df/d{names[0]}"
    else:
        shape = "[df1/d" + names[0] + ", ...]  (row by row: every output's partials in turn)"
    want = len(g.outputs) * len(names)
    return (f"--against needs {want} entr{'y' if want == 1 else 'ies'}, one per partial "
            f"derivative, as {shape}; it has {got}")


def _sample_points(point: list, k: int, seed: int) -> list:
    rng = random.Random(seed)
    return [[x + SAMPLE_RADIUS * max(1.0, abs(x)) * rng.uniform(-1.0, 1.0) for x in point]
            for _ in range(k)]


def _entries_at(g, a, p, sample: int, rtol, nums) -> list:
    """The entries at point p.  Raises EvalError when f or its derivative cannot be
    evaluated there; a formula that cannot be evaluated gives failing entries."""
    m = nums.namespace(g)
    vals = evaluate(g, p, m)
    lin = linearize(g, vals, m)
    _, rev, _ = nums.differentiate(g, p, "reverse")
    scale = magnitude(g, lin)
    kink = bool(lin.warnings)
    try:
        got = evaluate(a, p, nums.namespace(a))
        error = ""
    except EvalError as exc:
        got, error = None, exc.message
    out = []
    n = g.n_inputs
    for r in range(len(g.outputs)):
        for j in range(n):
            e = rev[r][j]
            v = None if got is None else got[a.outputs[r * n + j]]
            tol = rtol * max(abs(e), abs(v), scale[r][j]) if v is not None else 0.0
            ok = v is not None and abs(v - e) <= tol
            out.append(Entry(r, j, list(p), e, v, ok, kink, sample, error, tol))
    return out


def check_against(g, point: list, text: str, samples: int = 0, seed: int = 0,
                  rtol: float = 1e-9, nums=FLOAT) -> Against:
    """Compare the hand-derived derivative ``text`` with reverse AD at P and K points near P."""
    a = parse_against(text, g)
    with nums.precision():
        entries = _entries_at(g, a, point, 0, rtol, nums)
        skipped, k = 0, 0
        for k, p in enumerate(_sample_points(point, samples, seed), start=1):
            try:
                entries.extend(_entries_at(g, a, p, k, rtol, nums))
            except EvalError:
                skipped += 1          # outside the domain of f or f': not a test
    if any(not e.agree and not e.at_kink for e in entries):
        verdict = "disagree"
    elif any(not e.agree for e in entries) or all(e.at_kink for e in entries):
        verdict = "inconclusive"
    else:
        verdict = "agree"
    return Against(text, entries, verdict, 1 + samples - skipped, skipped, rtol)
