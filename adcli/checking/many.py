"""``check --points FILE``: one verdict per point, streamed, with a summary.

Each point is checked as ``check --at`` would (forward, reverse, FD, SymPy; and
``--against`` at that point when given).  A point where the formula cannot be
evaluated gets the verdict ``error``.  The worst verdict decides the exit code:
disagree (4) > error (1) > inconclusive (3) > agree (0).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import AdcliError
from .against import check_against
from .run import check
from .verdict import EXIT

POINT_ORDER = {"agree": 0, "inconclusive": 1, "error": 2, "disagree": 3}
POINT_EXIT = {**EXIT, "error": 1}


@dataclass
class PointVerdict:
    row: int                 # 1-based data row of the points file
    point: list
    verdict: str             # agree | inconclusive | disagree | error
    agree: int = 0           # partials that agree
    partials: int = 0
    max_rel_diff: float | None = None
    note: str = ""           # the first reason (or the error message)
    rows: list = field(default_factory=list)   # (variable, output, verdict) per partial


def _one(g, row: int, p: list, against, rtol, timeout: float, digits: int) -> PointVerdict:
    try:
        report = check(g, p, digits=digits, timeout=timeout, rtol=rtol)
        if against is not None:
            from .verdict import worst
            report.against = check_against(g, p, against, 0, 0, rtol)
            report.verdict = worst([report.verdict, report.against.verdict])
    except AdcliError as exc:
        return PointVerdict(row, p, "error", note=exc.message)
    rows = report.rows
    reasons = [r for row_ in rows for r in row_.reasons if row_.verdict != "agree"]
    if report.against is not None and report.against.failures:
        reasons.append(f"--against is wrong ({len(report.against.failures)} entries)")
    return PointVerdict(row, p, report.verdict, sum(r.verdict == "agree" for r in rows),
                        len(rows), max(float(r.diffs.get("max_rel_diff", 0.0)) for r in rows),
                        "; ".join(reasons),
                        [(r.variable, r.output, r.verdict) for r in rows])


def check_points(g, source: str, input_format: str = "auto", *, against: str | None = None,
                 rtol: float = 1e-9, timeout: float = 10.0,
                 digits: int = 30) -> Iterator[PointVerdict]:
    """Each point of ``source`` (a path or '-'), checked; unreadable rows are errors."""
    from .. import pointsio
    with pointsio.open_source(source) as stream:
        reader = pointsio.PointReader(stream, g.names, input_format, source, 256)
        for blk in reader:
            bad = {r: msg for r, _, msg in blk.errors}
            for k in range(blk.X.shape[1]):
                row = int(blk.rows[k])
                yield _one(g, row, [float(v) for v in blk.X[:, k]], against, rtol, timeout,
                           digits)
            for r, msg in bad.items():
                yield PointVerdict(r, [], "error", note=msg)


def summary(verdicts: dict, n: int, worst_rows: dict) -> str:
    """``check: 20 points: 18 agree, 1 inconclusive, 1 disagree (row 7)``."""
    parts = [f"{verdicts[v]} {v}" + (f" (row {worst_rows[v]})" if v in worst_rows else "")
             for v in POINT_ORDER if verdicts.get(v)]
    return f"check: {n} point{'s' if n != 1 else ''}: " + (", ".join(parts) or "none")
