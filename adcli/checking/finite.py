"""The finite-difference column: the estimates (:mod:`.fd`) over the formula, the kinks
that make them unreliable, and the error-versus-step curves of --plot."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..backends.floats import FloatMath
from ..engine import Linearization, adjoint_sweep, evaluate
from ..errors import AdcliError
from . import fd
from .model import partial_text

if TYPE_CHECKING:
    from .model import Report


# -- kinks within the steps ---------------------------------------------------------------------
def _switch(op, args) -> tuple:
    """The quantities whose signs pick an op's piece (its kink is where all are 0)."""
    if op.arity == 2 and op.name in ("min", "max"):
        return (args[0] - args[1],)
    return tuple(args)


def straddles(points: list) -> bool:
    """Does a kink lie among the points?

    One switch quantity (abs, relu, min, max: exactly linear on each side): it
    is 0 or changes sign across the points.  Several (hypot, atan2: a point
    kink at the origin): the points come closer to the origin than the width
    of their own spread, so some step sees the cone's curvature.
    """
    comps = list(zip(*points))
    if len(comps) == 1:
        return min(comps[0]) <= 0.0 <= max(comps[0])
    nearest = min(math.hypot(*p) for p in points)      # hypot: no overflow at 1e200
    width = math.hypot(*(max(c) - min(c) for c in comps))
    return nearest <= width


def dependence(g) -> list:
    """The inputs each node depends on, as bit masks."""
    deps = [0] * g.n_nodes
    for j in range(g.n_inputs):
        deps[j] = 1 << j
    for i in range(g.first_op, g.n_nodes):
        m = 0
        for a in g.args[i]:
            m |= deps[a]
        deps[i] = m
    return deps


def feeding(g, lin: Linearization) -> list:
    """Per output, the nodes whose value reaches it (through active rows): the rows the
    engine's adjoint sweep from that output contributes from."""
    feeds = []
    for o in g.outputs:
        live = bytearray(g.n_nodes)
        live[o] = 1

        def mark(i: int, k: int, partial, term, live=live) -> None:
            live[k] = 1
        adjoint_sweep(g, lin, o, on_contribution=mark)
        feeds.append(live)
    return feeds


def near_kinks(g, samples: list) -> list:
    """Kink nodes whose switch is crossed or hit by ``samples`` (node values at the
    point, first, and at the finite-difference points of one variable), or whose entry's
    kink predicate holds at the point itself (floor and ceil jump at every integer)."""
    found = []
    for i in range(g.first_op, g.n_nodes):
        op = g.op[i]
        if op.kink is None or not g.active[i]:
            continue
        pts = [_switch(op, [vals[a] for a in g.args[i]]) for vals in samples]
        if op.kink(*[float(samples[0][a]) for a in g.args[i]]) or straddles(pts):
            found.append(i)
    return found


# -- the finite-difference column ---------------------------------------------------------------
def recording(g, store: list, m=FloatMath):
    def f(p):
        vals = evaluate(g, p, m)
        store.append(vals)
        return [vals[o] for o in g.outputs]
    return f


def _fd_column(g, point, vals, j, nums, noise) -> tuple:
    """(Estimate or None, note, kink nodes near the step) for variable j."""
    store: list = [vals]
    try:
        est = fd.estimate(recording(g, store, nums.namespace(g)), point, j,
                          noise=noise, eps=nums.eps)
    except AdcliError as exc:
        return None, f"a finite-difference step leaves the domain ({exc.message})", []
    if not all(nums.finite(v) for v in est.central + est.richardson + est.error):
        return None, "the finite differences overflow", []
    # fd.estimate evaluates at x ± h, then x ± 2h, then x ± 4h; D(4h) only feeds the
    # ratio test, so a kink beyond 2h does not spoil the estimate
    return est, "", near_kinks(g, store[:5])


def fd_rows(g, point, vals, rows, warnings, nums, noise, deps, feeds) -> None:
    for j in range(g.n_inputs):
        est, note, kinks = _fd_column(g, point, vals, j, nums,
                                      [noise[r][j] for r in range(len(g.outputs))])
        for row in rows:
            if row.variable != j:
                continue
            row.fd, row.fd_note = est, note
            hit = [i for i in kinks if feeds[row.output][i] and deps[i] >> j & 1]
            if hit:
                row.fd_problem = "kink"
                row.fd_note = _kink_note(g, hit, est)
            elif est is not None and not est.asymptotic[row.output]:
                row.fd_problem = "ratio"
                row.fd_note = _ratio_note(est, row.output)
                warnings.append(f"finite differences for {partial_text(g, row)} are "
                                f"{row.fd_note}")
        for i in kinks:
            if deps[i] >> j & 1:
                warnings.append(_kink_warning(g, i, vals, j, est, nums))


def _kink_note(g, hit, est) -> str:
    labels = ", ".join(f"{g.label(i)} = {g.definition(i)}" for i in hit[:3])
    return f"unreliable: {labels} switches within the step h = {float(est.h):.3g}"


def _ratio_note(est, r: int) -> str:
    return (f"unreliable: the Richardson ratio (D(2h) − D(4h))/(D(h) − D(2h)) is "
            f"{float(est.ratio[r]):.3g}, not ≈ 4, so the step h = {float(est.h):.3g} is not "
            f"in the h² regime (a pole, a jump or a fast oscillation within 4h)")


def _kink_warning(g, i, vals, j, est, nums) -> str:
    at = ", ".join(f"{g.label(a)} = {nums.text(vals[a])}" for a in dict.fromkeys(g.args[i])
                   if g.op[a] is not None or a < g.n_inputs)
    return (f"finite differences in {g.names[j]} are unreliable: trace row {g.label(i)} = "
            f"{g.definition(i)} (from `{g.source(i)[:60]}`) switches within the step "
            f"h = {float(est.h):.3g}" + (f" at {at}" if at else ""))


# -- error versus step, for --plot ---------------------------------------------------------------
@dataclass
class Curve:
    output: int
    variable: int
    points: list            # (h, |D(h) − reference|)
    ad_error: float         # |AD − reference|, or ½ ULP of AD when AD is the reference
    reference: str          # "SymPy" or "reverse AD"
    chosen_h: float | None


def curves(g, point: list, report: Report, limit: int = 6) -> list:
    out = []
    for row in report.rows[:limit]:
        if row.symbolic is not None:
            ref, what = row.symbolic, "SymPy"
            ad_err = abs(row.reverse - ref)
        else:
            ref, what = row.reverse, "reverse AD"
            ad_err = 0.0
        ad_err = max(ad_err, math.ulp(ref) / 2.0 if ref else 5e-324)
        f = recording(g, [])
        pts = fd.error_curve(f, point, row.variable, row.output, ref,
                             fd.sweep_steps(point[row.variable]))
        out.append(Curve(row.output, row.variable, pts, ad_err, what,
                         row.fd.h if row.fd is not None else None))
    return out
