"""``adcli check --json``: the report, its rows and the --against entries as JSON."""
from __future__ import annotations

import math

from ..checking import (
    FD_FACTOR,
    FLOAT,
    ROUNDING_FACTOR,
    ROUNDING_SAMPLES,
    Against,
    Report,
    Row,
)


def _finite(v):
    return v if v is None or math.isfinite(v) else None


def row_json(g, row: Row, nums=FLOAT) -> dict:
    out = {"variable": g.names[row.variable]}
    if g.vector or len(g.outputs) > 1:
        out["output"] = row.output + 1
    num = nums.json
    symbolic = row.symbolic if nums.digits is None else \
        (None if row.symbolic_value is None else nums.text(row.symbolic_value))
    out.update(forward=num(row.forward), reverse=num(row.reverse),
               finite_difference=num(row.finite_difference),
               fd_step=None if row.fd is None else num(row.fd.h),
               fd_richardson=num(row.fd_richardson), fd_error_estimate=num(row.fd_error),
               fd_reliable=row.fd_reliable and row.fd is not None,
               symbolic=symbolic, symbolic_digits=row.symbolic_digits,
               symbolic_expression=row.symbolic_text,
               ad_rounding_spread=None if row.spread is None else num(row.spread),
               max_rel_diff=_finite(row.diffs.get("max_rel_diff")),
               diffs={k: _finite(v) for k, v in row.diffs.items() if k != "max_rel_diff"},
               verdict=row.verdict, notes=[t for t in (row.fd_note, row.symbolic_note) if t]
               + row.reasons)
    return out


def against_json(g, ag: Against, nums=FLOAT) -> list:
    rows = []
    num = nums.json
    for e in ag.entries:
        item = {"variable": g.names[e.variable]}
        if g.vector or len(g.outputs) > 1:
            item["output"] = e.output + 1
        diff = None if e.got is None else num(abs(e.got - e.expected))
        item.update(sample=e.sample, point=[num(x) for x in e.point], expected=num(e.expected),
                    got=num(e.got), abs_diff=diff, tolerance=num(e.tolerance),
                    margin=_finite(e.margin), agree=e.agree, at_kink=e.at_kink)
        if e.error:
            item["error"] = e.error
        rows.append(item)
    return rows


def report_json(g, point, report: Report) -> dict:
    from ..jsonout import common
    nums = report.nums
    out = common("check", g, [nums.json(x) for x in point])
    if nums.digits is not None:
        out["digits"] = nums.digits
    values = [nums.json(v) for v in report.values]
    out.update(value=values if g.vector else values[0],
               verdict=report.verdict,
               rows=[row_json(g, r, nums) for r in report.rows],
               swell=report.swell,
               symbolic={"state": report.symbolic_state, "message": report.symbolic_message},
               tolerances={"ad_ulps": report.ad_ulps, "fd_factor": FD_FACTOR,
                           "rounding_factor": ROUNDING_FACTOR,
                           "rounding_samples": ROUNDING_SAMPLES,
                           "ulp": "float64" if nums.digits is None else
                           f"10^-{nums.digits} relative"},
               warnings=report.warnings)
    if report.against is not None:
        ag = report.against
        out["against"] = against_json(g, ag, nums)
        out["against_verdict"] = ag.verdict
        out["tolerances"]["against_rtol"] = float(ag.rtol)
    if report.curves:
        out["plot"] = [{"variable": g.names[c.variable], "output": c.output + 1,
                        "reference": c.reference, "ad_error": c.ad_error,
                        "chosen_h": c.chosen_h,
                        "h": [h for h, _ in c.points], "error": [e for _, e in c.points]}
                       for c in report.curves]
    return out
