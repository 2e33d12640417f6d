"""``check --points``: one line per point, CSV (``x1,x2,verdict,agree,partials,
max_rel_diff,note``) or, under ``--json``, JSON Lines; the summary goes to stderr."""
from __future__ import annotations

import csv
import math
import sys

from ..jsonout import dumps
from .numbers import float_text

COLUMNS = ["verdict", "agree", "partials", "max_rel_diff", "note"]


def _num(v):
    return None if v is None or not math.isfinite(v) else v


def point_json(g, pv) -> dict:
    out = {"row": pv.row, "point": pv.point, "verdict": pv.verdict, "agree": pv.agree,
           "partials": pv.partials, "max_rel_diff": _num(pv.max_rel_diff)}
    if pv.rows:
        many = len(g.outputs) > 1
        out["rows"] = [{"variable": g.names[j], **({"output": r + 1} if many else {}),
                        "verdict": v} for j, r, v in pv.rows]
    if pv.note:
        out["note"] = pv.note
    return out


def write_points(g, verdicts, as_json: bool, out=None) -> tuple:
    """Write every point's line as it comes; (counts per verdict, first row per verdict, n)."""
    import itertools
    out = sys.stdout if out is None else out
    verdicts = iter(verdicts)
    head = list(itertools.islice(verdicts, 1))    # opens the file: its errors come first
    writer = None if as_json else csv.writer(out, lineterminator="\n")
    if writer is not None:
        writer.writerow(list(g.names) + COLUMNS)
    counts: dict = {}
    first: dict = {}
    n = 0
    for pv in itertools.chain(head, verdicts):
        n += 1
        counts[pv.verdict] = counts.get(pv.verdict, 0) + 1
        first.setdefault(pv.verdict, pv.row)
        if writer is None:
            out.write(dumps(point_json(g, pv)) + "\n")
        else:
            cells = [float_text(x) for x in pv.point] or [""] * g.n_inputs
            rel = "" if pv.max_rel_diff is None else float_text(pv.max_rel_diff)
            writer.writerow(cells + [pv.verdict, pv.agree, pv.partials, rel, pv.note])
        out.flush()
    return counts, first, n
