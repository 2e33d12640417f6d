"""``adcli check``: forward AD, reverse AD, finite differences and SymPy, compared.

One :class:`Row` per partial ∂fᵣ/∂xⱼ.  Each row gets a verdict, the worst
row gives the overall one:

* ``disagree``      two methods that should agree do not (see TOLERANCES);
* ``inconclusive``  the finite differences straddle a kink (abs, relu, min,
                    max, ... switching within the step), or no independent
                    reference (SymPy or a reliable FD) could be computed;
* ``agree``         otherwise.

Tolerances.  AD (forward, reverse) and SymPy are exact up to rounding, so
they must agree to ``ad_ulps`` units in the last place: 8, or 2·√L for a trace
of L active operations if that is more.  The ULPs are those of the largest of
the two values and the *magnitude bound* M = Σ over chain-rule paths of
|products of local partials| (a forward sweep over |∂vᵢ/∂vⱼ|), so a
derivative that cancels to nearly 0 is not held to ULPs of the tiny result.
A finite difference must lie within FD_FACTOR times its own error estimate.

:func:`check_against` compares a hand-derived derivative with reverse AD at
the point and at random points nearby.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Optional

from . import fd
from .engine import ZERO, Linearization, differentiate, evaluate, linearize, tangent_sweep
from .errors import AdcliError, EvalError, UsageError

FD_FACTOR = 4.0          # |FD − AD| ≤ FD_FACTOR · (FD error estimate)
MIN_AD_ULPS = 8
SAMPLE_RADIUS = 0.1      # --samples: x ± 10 %·max(1, |x|)
ORDER = {"agree": 0, "inconclusive": 1, "disagree": 2}
EXIT = {"agree": 0, "disagree": 1, "inconclusive": 3}


def worst(verdicts) -> str:
    return max(verdicts, key=ORDER.__getitem__, default="agree")


# -- the rows ---------------------------------------------------------------------------------
@dataclass
class Row:
    output: int
    variable: int
    forward: float
    reverse: float
    scale: float                        # the magnitude bound M
    fd: Optional[fd.Estimate] = None    # shared by the rows of one variable
    fd_note: str = ""
    fd_reliable: bool = True
    symbolic_text: Optional[str] = None
    symbolic_digits: Optional[str] = None
    symbolic_note: str = ""
    diffs: dict = field(default_factory=dict)
    bad: set = field(default_factory=set)      # methods in a disagreement
    verdict: str = "agree"
    reasons: list = field(default_factory=list)

    @property
    def finite_difference(self) -> Optional[float]:
        return None if self.fd is None else self.fd.central[self.output]

    @property
    def fd_error(self) -> Optional[float]:
        return None if self.fd is None else self.fd.error[self.output]

    @property
    def fd_richardson(self) -> Optional[float]:
        return None if self.fd is None else self.fd.richardson[self.output]

    @property
    def symbolic(self) -> Optional[float]:
        return None if self.symbolic_digits is None else float(self.symbolic_digits)


@dataclass
class Report:
    rows: list
    values: list
    warnings: list
    verdict: str
    ad_ulps: int
    swell: dict
    symbolic_state: str
    symbolic_message: str
    against: Optional["Against"] = None
    curves: list = field(default_factory=list)


# -- magnitude bound and kinks ----------------------------------------------------------------
def magnitude(g, lin: Linearization) -> list:
    """M[r][j]: the derivative's forward sweep over |local partials| (no cancellation)."""
    absolute = [tuple((k, abs(p)) for k, p in pr) for pr in lin.pairs]
    alin = Linearization(absolute, lin.order)
    n = g.n_inputs
    out = [[0.0] * n for _ in g.outputs]
    for j in range(n):
        seed = [ZERO] * n
        seed[j] = 1.0
        tan = tangent_sweep(g, alin, seed)
        for r, o in enumerate(g.outputs):
            out[r][j] = tan[o]
    return out


def _switch(op, args) -> tuple:
    """The quantities whose signs pick an op's piece (its kink is where all are 0)."""
    if op.arity == 2 and op.name in ("min", "max"):
        return (args[0] - args[1],)
    return tuple(args)


def _straddles(points: list) -> bool:
    """True when every switch quantity is 0 or changes sign across the points."""
    comps = zip(*points)
    return all(min(c) <= 0.0 <= max(c) for c in comps)


def _dependence(g) -> tuple:
    """(inputs each node depends on, as bit masks; nodes each output depends on)."""
    deps = [0] * g.n_nodes
    for j in range(g.n_inputs):
        deps[j] = 1 << j
    for i in range(g.first_op, g.n_nodes):
        m = 0
        for a in g.args[i]:
            m |= deps[a]
        deps[i] = m
    feeds = []
    for o in g.outputs:
        live = bytearray(g.n_nodes)
        live[o] = 1
        for i in range(g.n_nodes - 1, g.first_op - 1, -1):
            if live[i]:
                for a in g.args[i]:
                    live[a] = 1
        feeds.append(live)
    return deps, feeds


def near_kinks(g, samples: list) -> list:
    """Kink nodes whose switch is crossed or hit by ``samples`` (node values at the
    point and at the finite-difference points of one variable)."""
    found = []
    for i in range(g.first_op, g.n_nodes):
        op = g.op[i]
        if op.kink is None or not g.active[i]:
            continue
        pts = [_switch(op, [vals[a] for a in g.args[i]]) for vals in samples]
        if _straddles(pts):
            found.append(i)
    return found


# -- the check ---------------------------------------------------------------------------------
def _ulp_tol(ulps: int, *sizes) -> float:
    return ulps * math.ulp(max(abs(x) for x in sizes))


def _ulps(a: float, b: float) -> float:
    d = abs(a - b)
    return 0.0 if d == 0.0 else d / math.ulp(max(abs(a), abs(b)))


def _rel(a: float, b: float) -> float:
    d = abs(a - b)
    return 0.0 if d == 0.0 else d / max(abs(a), abs(b))


def _recording(g, store: list):
    def f(p):
        vals = evaluate(g, p)
        store.append(vals)
        return [vals[o] for o in g.outputs]
    return f


def _fd_column(g, point, vals, j) -> tuple:
    """(Estimate or None, note, kink nodes near the step) for variable j."""
    store: list = [vals]
    try:
        est = fd.estimate(_recording(g, store), point, j)
    except AdcliError as exc:
        return None, f"a finite-difference step leaves the domain ({exc.message})", []
    if not all(math.isfinite(v) for v in est.central + est.richardson + est.error):
        return None, "the finite differences overflow", []
    return est, "", near_kinks(g, store)


def _compare(row: Row, ulps: int) -> None:
    """Fill row.diffs, row.verdict and row.reasons."""
    f, r, m = row.forward, row.reverse, row.scale
    row.diffs["forward_reverse_ulps"] = _ulps(f, r)
    if abs(f - r) > _ulp_tol(ulps, f, r, m):
        row.reasons.append(f"forward and reverse AD differ by {_ulps(f, r):.3g} ULPs")
        row.bad |= {"forward", "reverse"}
    refs = 0
    if row.symbolic_digits is not None:
        import mpmath
        with mpmath.workdps(60):
            s = mpmath.mpf(row.symbolic_digits)
            d = abs(mpmath.mpf(r) - s)
            size = max(abs(r), abs(float(s)))
            row.diffs["ad_symbolic_ulps"] = 0.0 if d == 0 else float(d) / math.ulp(size or 5e-324)
            bad = d > _ulp_tol(ulps, r, float(s), m)
        refs += 1
        if bad:
            row.reasons.append(f"AD and SymPy differ by {row.diffs['ad_symbolic_ulps']:.3g} ULPs")
            row.bad |= {"reverse", "symbolic"}
    if row.fd is not None:
        d, err = row.finite_difference, row.fd_error
        row.diffs["fd_ad_rel"] = _rel(d, r)
        row.diffs["fd_ad_in_estimates"] = abs(d - r) / err if err else (0.0 if d == r else 1e300)
        if row.fd_reliable:
            refs += 1
            if abs(d - r) > FD_FACTOR * err + _ulp_tol(ulps, r, m):
                row.reasons.append(f"the finite difference is {abs(d - r):.3g} from AD, "
                                   f"beyond {FD_FACTOR:g} × its error estimate {err:.3g}")
                row.bad |= {"reverse", "fd"}
    row.diffs["max_rel_diff"] = _max_rel(row)
    if row.reasons:
        row.verdict = "disagree"
    if not row.fd_reliable and row.fd is not None:
        split = "forward" in row.bad          # only a forward/reverse split still counts
        row.verdict = "disagree" if split else "inconclusive"
        row.bad = {"forward", "reverse"} if split else set()
        row.reasons.append("a kink lies within the finite-difference step")
    elif refs == 0 and row.verdict == "agree":
        row.verdict = "inconclusive"
        row.reasons.append("neither SymPy nor finite differences gave a reference value")


def _max_rel(row: Row) -> float:
    vals = [row.forward, row.reverse]
    for v in (row.finite_difference, row.symbolic):
        if v is not None:
            vals.append(v)
    return max((_rel(a, b) for k, a in enumerate(vals) for b in vals[k + 1:]), default=0.0)


def _fd_rows(g, point, vals, rows, warnings) -> None:
    n = g.n_inputs
    deps, feeds = _dependence(g)
    for j in range(n):
        est, note, kinks = _fd_column(g, point, vals, j)
        for row in rows:
            if row.variable != j:
                continue
            row.fd, row.fd_note = est, note
            hit = [i for i in kinks if feeds[row.output][i] and deps[i] >> j & 1]
            if hit:
                row.fd_reliable = False
                row.fd_note = _kink_note(g, hit, vals, est)
        for i in kinks:
            if deps[i] >> j & 1:
                warnings.append(_kink_warning(g, i, vals, j, est))


def _kink_note(g, hit, vals, est) -> str:
    labels = ", ".join(f"{g.label(i)} = {g.definition(i)}" for i in hit[:3])
    return f"unreliable: {labels} switches within the step h = {est.h:.3g}"


def _kink_warning(g, i, vals, j, est) -> str:
    at = ", ".join(f"{g.label(a)} = {vals[a]:.6g}" for a in dict.fromkeys(g.args[i])
                   if g.op[a] is not None or a < g.n_inputs)
    return (f"finite differences in {g.names[j]} are unreliable: trace row {g.label(i)} = "
            f"{g.definition(i)} (from `{g.source(i)[:60]}`) switches within the step "
            f"h = {est.h:.3g}" + (f" at {at}" if at else ""))


def _symbolic_rows(g, point, rows, digits, timeout):
    from .symbolic import compute
    sym = compute(g, point, digits=digits, timeout=timeout)
    for row in rows:
        got = sym.rows.get((row.output, row.variable))
        if got is None:
            row.symbolic_note = {"timeout": "timed out", "skipped": "skipped"}.get(
                sym.state, sym.message or "not computed")
            continue
        row.symbolic_text, row.symbolic_digits, row.symbolic_note = got
    return sym


def trace_ops(g, lin: Linearization) -> int:
    """Primal equations plus adjoint contributions (one adjoint sweep per output)."""
    contributions = sum(len(lin.pairs[i]) for i in lin.order)
    return g.n_ops + len(g.outputs) * contributions


def check(g, point: list, *, digits: int = 30, timeout: float = 10.0) -> Report:
    """Every partial by forward AD, reverse AD, finite differences and SymPy."""
    if g.n_inputs == 0:
        raise UsageError("the formula has no variables: there is no derivative to check")
    fwd = differentiate(g, point, "forward")
    rev = differentiate(g, point, "reverse")
    vals = evaluate(g, point)
    lin = linearize(g, vals)
    scale = magnitude(g, lin)
    rows = [Row(r, j, fwd.derivative[r][j], rev.derivative[r][j], scale[r][j])
            for r in range(len(g.outputs)) for j in range(g.n_inputs)]
    warnings = list(rev.warnings)
    _fd_rows(g, point, vals, rows, warnings)
    sym = _symbolic_rows(g, point, rows, digits, timeout)
    ulps = max(MIN_AD_ULPS, math.ceil(2.0 * math.sqrt(len(lin.order))))
    for row in rows:
        _compare(row, ulps)
    if sym.state in ("timeout", "error", "unavailable"):
        warnings.append(f"symbolic step: {sym.message}")
    swell = {"expression_ops": g.n_ops, "symbolic_ops": sym.raw_ops,
             "symbolic_cse_ops": sym.cse_ops, "trace_ops": trace_ops(g, lin)}
    return Report(rows, rev.value, warnings, worst(r.verdict for r in rows), ulps, swell,
                  sym.state, sym.message)


# -- error versus step, for --plot ---------------------------------------------------------------
@dataclass
class Curve:
    output: int
    variable: int
    points: list            # (h, |D(h) − reference|)
    ad_error: float         # |AD − reference|, or ½ ULP of AD when AD is the reference
    reference: str          # "SymPy" or "reverse AD"
    chosen_h: Optional[float]


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
        f = _recording(g, [])
        pts = fd.error_curve(f, point, row.variable, row.output, ref,
                             fd.sweep_steps(point[row.variable]))
        out.append(Curve(row.output, row.variable, pts, ad_err, what,
                         row.fd.h if row.fd is not None else None))
    return out


# -- --against ----------------------------------------------------------------------------------
@dataclass
class Entry:
    output: int
    variable: int
    point: list
    expected: float          # reverse AD
    got: float               # the hand-derived formula
    agree: bool
    at_kink: bool
    sample: int              # 0 = the point itself, k = k-th random point


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


def failure_lines(g, ag: Against, limit: int = 5) -> list:
    """Where a hand-derived derivative is wrong: entry, point, by how much."""
    lines = []
    for e in ag.failures[:limit]:
        f = "f" if len(g.outputs) == 1 else f"f{e.output + 1}"
        where = "at P" if e.sample == 0 else \
            "at (" + ", ".join(f"{n} = {x!r}" for n, x in zip(g.names, e.point)) + ")"
        rel = abs(e.got - e.expected) / max(abs(e.expected), abs(e.got))
        lines.append(f"--against: ∂{f}/∂{g.names[e.variable]} is wrong {where}: AD gives "
                     f"{e.expected!r}, the formula gives {e.got!r} (off by "
                     f"{e.got - e.expected:.3g}, relative {rel:.3g})")
    if len(ag.failures) > limit:
        lines.append(f"--against: {len(ag.failures) - limit} more wrong entries (--json lists all)")
    return lines


def parse_against(text: str, g):
    """The hand-derived derivative as a graph over the formula's variables."""
    from .parser import parse
    first = parse(text)
    extra = [n for n in first.names if n not in g.names]
    if extra:
        raise UsageError(f"--against uses '{extra[0]}', which is not a variable of the formula "
                         f"({', '.join(g.names) or 'none'})")
    a = parse(text, list(g.names))
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


def _entries_at(g, a, p, sample: int, rtol: float) -> list:
    vals = evaluate(g, p)
    lin = linearize(g, vals)
    rev = differentiate(g, p, "reverse")
    scale = magnitude(g, lin)
    got = evaluate(a, p)
    kink = bool(lin.warnings)
    out = []
    n = g.n_inputs
    for r in range(len(g.outputs)):
        for j in range(n):
            e, v = rev.derivative[r][j], got[a.outputs[r * n + j]]
            ok = abs(v - e) <= rtol * max(abs(e), abs(v), scale[r][j])
            out.append(Entry(r, j, list(p), e, v, ok, kink, sample))
    return out


def check_against(g, point: list, text: str, samples: int = 0, seed: int = 0,
                  rtol: float = 1e-9) -> Against:
    """Compare the hand-derived derivative ``text`` with reverse AD at P and K points near P."""
    a = parse_against(text, g)
    entries = _entries_at(g, a, point, 0, rtol)
    skipped, k = 0, 0
    for k, p in enumerate(_sample_points(point, samples, seed), start=1):
        try:
            entries.extend(_entries_at(g, a, p, k, rtol))
        except EvalError:
            skipped += 1          # outside the domain of f or of the formula: not a test
    if any(not e.agree and not e.at_kink for e in entries):
        verdict = "disagree"
    elif any(not e.agree for e in entries) or all(e.at_kink for e in entries):
        verdict = "inconclusive"
    else:
        verdict = "agree"
    return Against(text, entries, verdict, 1 + samples - skipped, skipped, rtol)


# -- JSON ----------------------------------------------------------------------------------------
def _finite(v):
    return v if v is None or math.isfinite(v) else None


def row_json(g, row: Row) -> dict:
    out = {"variable": g.names[row.variable]}
    if g.vector or len(g.outputs) > 1:
        out["output"] = row.output + 1
    out.update(forward=row.forward, reverse=row.reverse,
               finite_difference=row.finite_difference,
               fd_step=None if row.fd is None else row.fd.h,
               fd_richardson=row.fd_richardson, fd_error_estimate=row.fd_error,
               fd_reliable=row.fd_reliable and row.fd is not None,
               symbolic=row.symbolic, symbolic_digits=row.symbolic_digits,
               symbolic_expression=row.symbolic_text,
               max_rel_diff=_finite(row.diffs.get("max_rel_diff")),
               diffs={k: _finite(v) for k, v in row.diffs.items() if k != "max_rel_diff"},
               verdict=row.verdict, notes=[t for t in (row.fd_note, row.symbolic_note) if t]
               + row.reasons)
    return out


def against_json(g, ag: Against) -> list:
    rows = []
    for e in ag.entries:
        item = {"variable": g.names[e.variable]}
        if g.vector or len(g.outputs) > 1:
            item["output"] = e.output + 1
        item.update(sample=e.sample, point=e.point, expected=e.expected, got=e.got,
                    abs_diff=abs(e.got - e.expected), agree=e.agree, at_kink=e.at_kink)
        rows.append(item)
    return rows


def report_json(g, point, report: Report) -> dict:
    from .jsonout import common
    out = common("check", g, point)
    out.update(value=report.values if g.vector else report.values[0],
               verdict=report.verdict,
               rows=[row_json(g, r) for r in report.rows],
               swell=report.swell,
               symbolic={"state": report.symbolic_state, "message": report.symbolic_message},
               tolerances={"ad_ulps": report.ad_ulps, "fd_factor": FD_FACTOR},
               warnings=report.warnings)
    if report.against is not None:
        ag = report.against
        out["against"] = against_json(g, ag)
        out["against_verdict"] = ag.verdict
        out["tolerances"]["against_rtol"] = ag.rtol
    if report.curves:
        out["plot"] = [{"variable": g.names[c.variable], "output": c.output + 1,
                        "reference": c.reference, "ad_error": c.ad_error,
                        "chosen_h": c.chosen_h,
                        "h": [h for h, _ in c.points], "error": [e for _, e in c.points]}
                       for c in report.curves]
    return out
