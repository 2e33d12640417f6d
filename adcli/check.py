"""``adcli check``: forward AD, reverse AD, finite differences and SymPy, compared.

One :class:`Row` per partial ∂fᵣ/∂xⱼ.  Each row gets a verdict, the worst
row gives the overall one:

* ``disagree``      AD disagrees with a reference that is itself reliable
                    (SymPy, or a finite difference that passed its tests), or
                    forward and reverse AD disagree with each other;
* ``inconclusive``  the finite differences straddle a kink; or the only
                    disagreement is a finite difference that is off while AD
                    and SymPy agree; or there is no reliable reference at all;
* ``agree``         otherwise.

Tolerances (ε = 2⁻⁵², or 10⁻ᴺ under ``--digits N``; a "ULP" is then 10⁻ᴺ
relative).  AD is the float64 computation of the derivative, SymPy its exact
value, so the two differ by AD's own rounding.  Two bounds for it:

* the ULP rule, for the rounding of the local partials' products and sums:
  ``ad_ulps`` units in the last place (8, or 2·√L for a trace of L active
  operations if that is more), of the largest of the two values and the
  *magnitude bound* M = Σ over chain-rule paths of |products of local
  partials|, so a derivative that cancels to nearly 0 is not held to ULPs of
  the tiny result;
* the rounding spread, for the rounding of the primal values, which the
  derivative's own sensitivity can amplify far beyond a few ULPs (sin(10·x) at
  1.4: fl(10·1.4) is rounded and cos amplifies it).  The primal and the local
  partials are recomputed ROUNDING_SAMPLES times (seeded, so verdicts repeat)
  with every intermediate value and every rounded local partial moved by a
  random fraction of ±1 ULP (Monte Carlo arithmetic); the spread is the
  largest change of the derivative, and ROUNDING_FACTOR × spread is allowed.

AD and SymPy must agree within the larger of the two.  A finite difference
must lie within FD_FACTOR × its error estimate (plus the same AD allowance)
of AD, and counts only if it is reliable: no kink switches within its steps
(sign changes for abs, relu, min, max; for the point kinks of hypot and atan2,
the samples come closer to (0, 0) than their own spread) and its Richardson
ratio says the step is in the h² regime (:mod:`adcli.fd`).  Its round-off
estimate uses S = Σᵢ |vᵢ|·|∂f/∂vᵢ| over the trace, not |f|, so cancellation
between intermediates is seen.

:func:`check_against` compares a hand-derived derivative with reverse AD at
the point and at random points nearby.
"""
from __future__ import annotations

import contextlib
import math
import random
from dataclasses import dataclass, field
from typing import Optional

from . import fd
from .engine import ZERO, Linearization, adjoint_sweep, differentiate, evaluate, linearize, \
    tangent_sweep
from .errors import AdcliError, EvalError, ParseError, UsageError
from .ir import fmt_number
from .backends.floats import FloatMath

FD_FACTOR = 4.0          # |FD − AD| ≤ FD_FACTOR · (FD error estimate)
MIN_AD_ULPS = 8
ROUNDING_SAMPLES = 8     # jittered re-runs for AD's rounding spread
ROUNDING_FACTOR = 4.0    # AD and SymPy may differ by this × the spread
ROUNDING_SEED = 20_251_123
ILL_CONDITIONED = 1e-8   # relative spread beyond this: warn that float64 AD has lost digits
SAMPLE_RADIUS = 0.1      # --samples: x ± 10 %·max(1, |x|)
ORDER = {"agree": 0, "inconclusive": 1, "disagree": 2}
EXIT = {"agree": 0, "disagree": 1, "inconclusive": 3}
EXACT_PARTIALS = frozenset({"add", "sub", "neg", "mul"})   # ±1 or an argument: not rounded


def worst(verdicts) -> str:
    return max(verdicts, key=ORDER.__getitem__, default="agree")


# -- the numbers: float64, or mpmath at N digits ------------------------------------------------
class FloatNumbers:
    """float64 throughout; ULPs are float64's."""

    digits = None
    eps = fd.EPS

    @staticmethod
    def precision():
        return contextlib.nullcontext()

    @staticmethod
    def namespace(g):
        return FloatMath

    @staticmethod
    def unit(x) -> float:
        return math.ulp(abs(x))

    @staticmethod
    def text(v) -> str:
        return fmt_number(v)

    @staticmethod
    def value(text: str) -> float:
        return float(text)

    @staticmethod
    def finite(v) -> bool:
        return math.isfinite(v)

    @staticmethod
    def jitter(v, u: float):
        return v + u * math.ulp(v) if v != 0.0 and v - v == 0.0 else v

    @staticmethod
    def distance(a, text: str) -> float:
        """|a − value(text)| computed exactly, then rounded."""
        import mpmath
        with mpmath.workdps(60):
            return float(abs(mpmath.mpf(a) - mpmath.mpf(text)))

    @staticmethod
    def json(v):
        return v if v is None or math.isfinite(v) else None

    @staticmethod
    def plain(message: str) -> str:
        return message

    @staticmethod
    def differentiate(g, point, mode: str) -> tuple:
        res = differentiate(g, point, mode)
        return res.value, res.derivative, res.warnings


class DigitNumbers:
    """mpmath at N significant digits (plus guard digits); a "ULP" is 10⁻ᴺ relative."""

    def __init__(self, digits: int):
        self.digits = digits

    @property
    def eps(self):
        import mpmath
        return mpmath.mpf(10) ** -self.digits

    def precision(self):
        from .mpmath_ns import working_precision
        return working_precision(self.digits)

    @staticmethod
    def namespace(g):
        from .mpmath_ns import namespace
        return namespace(g)

    def unit(self, x):
        import mpmath
        return self.eps * (abs(x) or mpmath.mpf(10) ** -(self.digits + 300))

    def text(self, v) -> str:
        from .mpmath_ns import text
        return text(v, self.digits)

    @staticmethod
    def value(text: str):
        import mpmath
        return mpmath.mpf(text)

    @staticmethod
    def finite(v) -> bool:
        import mpmath
        return bool(mpmath.isfinite(v))

    def jitter(self, v, u: float):
        from .mpmath_ns import GUARD
        import mpmath
        return v * (1 + mpmath.mpf(u) * mpmath.mpf(10) ** -(self.digits + GUARD))

    def distance(self, a, text: str):
        import mpmath
        return abs(a - mpmath.mpf(text))

    def json(self, v):
        return None if v is None else self.text(v)

    def plain(self, message: str) -> str:
        from .mpmath_ns import plain
        return plain(message, self.digits)

    @staticmethod
    def differentiate(g, point, mode: str) -> tuple:
        from .mpmath_ns import differentiate_graph
        values, jac, _, _, warnings = differentiate_graph(g, point, mode)
        return values, jac, warnings


FLOAT = FloatNumbers()


def numbers(digits: Optional[int]):
    return FLOAT if digits is None else DigitNumbers(digits)


# -- the rows ---------------------------------------------------------------------------------
@dataclass
class Row:
    output: int
    variable: int
    forward: float
    reverse: float
    scale: float                        # the magnitude bound M
    spread: Optional[float] = None      # AD's rounding spread (None: no jittered run)
    at_kink: bool = False               # the point itself is where a convention applies
    fd: Optional[fd.Estimate] = None    # shared by the rows of one variable
    fd_note: str = ""
    fd_problem: str = ""                # "" | "kink" | "ratio"
    fd_suspect: bool = False            # off while AD and SymPy agree
    symbolic_text: Optional[str] = None
    symbolic_digits: Optional[str] = None
    symbolic_value: Optional[float] = None
    symbolic_note: str = ""
    diffs: dict = field(default_factory=dict)
    bad: set = field(default_factory=set)      # methods in a disagreement
    verdict: str = "agree"
    reasons: list = field(default_factory=list)

    @property
    def fd_reliable(self) -> bool:
        return not self.fd_problem

    @property
    def finite_difference(self):
        return None if self.fd is None else self.fd.central[self.output]

    @property
    def fd_error(self):
        return None if self.fd is None else self.fd.error[self.output]

    @property
    def fd_richardson(self):
        return None if self.fd is None else self.fd.richardson[self.output]

    @property
    def fd_ratio(self):
        return None if self.fd is None or self.fd.ratio is None else self.fd.ratio[self.output]

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
    nums: object = FLOAT

    @property
    def digits(self) -> Optional[int]:
        return self.nums.digits


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


# -- how much rounding to expect ------------------------------------------------------------------
def _jittered_values(g, point, nums, m, rng) -> list:
    """The primal sweep with every equation's value moved by a random fraction of ±1 ULP."""
    n = g.n_inputs
    vals = list(point) + [m.const(c) for c in g.const[n:g.first_op]] + [None] * g.n_ops
    ops, args = g.op, g.args
    for i in range(g.first_op, g.n_nodes):
        v = ops[i].f(m, *[vals[a] for a in args[i]])
        vals[i] = nums.jitter(v, rng.uniform(-1.0, 1.0))
    return vals


def _jittered_jacobian(g, point, nums, m, rng) -> Optional[list]:
    """Reverse AD over jittered values and jittered (rounded) local partials; None if the
    jitter leaves a domain or the result is not finite."""
    try:
        vals = _jittered_values(g, point, nums, m, rng)
        lin = linearize(g, vals, m)
    except (AdcliError, ValueError, ZeroDivisionError, OverflowError):
        return None
    pairs = list(lin.pairs)
    for i in lin.order:
        if g.op[i].name not in EXACT_PARTIALS:
            pairs[i] = tuple((k, nums.jitter(p, rng.uniform(-1.0, 1.0))) for k, p in pairs[i])
    jl = Linearization(pairs, lin.order)
    jac = [adjoint_sweep(g, jl, o)[:g.n_inputs] for o in g.outputs]
    if not all(nums.finite(v) for row in jac for v in row):
        return None
    return jac


def rounding_spread(g, point, base: list, nums=FLOAT) -> Optional[list]:
    """spread[r][j]: the largest change of ∂fᵣ/∂xⱼ over ROUNDING_SAMPLES jittered re-runs
    (seeded: the same command gives the same spread); None if no re-run could be made."""
    m = nums.namespace(g)
    rng = random.Random(ROUNDING_SEED)
    spread = None
    for _ in range(ROUNDING_SAMPLES):
        jac = _jittered_jacobian(g, point, nums, m, rng)
        if jac is None:
            continue
        if spread is None:
            spread = [[0.0] * g.n_inputs for _ in g.outputs]
        for r, row in enumerate(jac):
            for j, v in enumerate(row):
                spread[r][j] = max(spread[r][j], abs(v - base[r][j]))
    return spread


def rounding_sizes(g, vals, lin: Linearization, deps: list) -> list:
    """S[r][j] = Σᵢ |vᵢ|·|∂fᵣ/∂vᵢ| over the equations that vary with xⱼ.

    Evaluating fᵣ rounds each vᵢ by up to about ε·|vᵢ|, which moves fᵣ by
    ε·|vᵢ·v̄ᵢ| (first order); equations that do not depend on xⱼ round the
    same way at x ± h and cancel in a finite difference.  One adjoint sweep
    per output gives every v̄ᵢ.
    """
    n = g.n_inputs
    out = []
    for o in g.outputs:
        adj = adjoint_sweep(g, lin, o)
        row = [0.0] * n
        for i in lin.order:
            b = adj[i]
            if b is ZERO:
                continue
            c = abs(vals[i] * b)
            mask = deps[i]
            for j in range(n):
                if mask >> j & 1:
                    row[j] = row[j] + c
        out.append(row)
    return out


# -- the finite-difference column ---------------------------------------------------------------
def _recording(g, store: list, m=FloatMath):
    def f(p):
        vals = evaluate(g, p, m)
        store.append(vals)
        return [vals[o] for o in g.outputs]
    return f


def _fd_column(g, point, vals, j, nums, noise) -> tuple:
    """(Estimate or None, note, kink nodes near the step) for variable j."""
    store: list = [vals]
    try:
        est = fd.estimate(_recording(g, store, nums.namespace(g)), point, j,
                          noise=noise, eps=nums.eps)
    except AdcliError as exc:
        return None, f"a finite-difference step leaves the domain ({nums.plain(exc.message)})", []
    if not all(nums.finite(v) for v in est.central + est.richardson + est.error):
        return None, "the finite differences overflow", []
    # fd.estimate evaluates at x ± h, then x ± 2h, then x ± 4h; D(4h) only feeds the
    # ratio test, so a kink beyond 2h does not spoil the estimate
    return est, "", near_kinks(g, store[:5])


def _fd_rows(g, point, vals, rows, warnings, nums, noise, deps, feeds) -> None:
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


def partial_text(g, row) -> str:
    f = "f" if len(g.outputs) == 1 else f"f{row.output + 1}"
    return f"∂{f}/∂{g.names[row.variable]}"


# -- the comparison -------------------------------------------------------------------------------
def _in_units(d, nums, *sizes) -> float:
    """|difference| in ULPs of the largest size (the values and the magnitude bound M)."""
    return 0.0 if d == 0 else float(d / nums.unit(max(abs(x) for x in sizes)))


def _rel(a, b) -> float:
    d = abs(a - b)
    return 0.0 if d == 0 else float(d / max(abs(a), abs(b)))


def _ad_allowance(row: Row, ulps: int, nums, *sizes):
    """What AD's rounding may account for: the ULP rule, or the rounding spread."""
    rule = ulps * nums.unit(max(abs(x) for x in sizes + (row.scale,)))
    spread = 0.0 if row.spread is None else ROUNDING_FACTOR * row.spread
    return max(rule, spread)


def _compare_symbolic(row: Row, ulps: int, nums) -> Optional[bool]:
    """AD against SymPy: True, False, or None when SymPy has no value."""
    if row.symbolic_digits is None:
        return None
    r, s = row.reverse, row.symbolic_value
    d = nums.distance(r, row.symbolic_digits)
    tol = _ad_allowance(row, ulps, nums, r, s)
    row.diffs["ad_symbolic_ulps"] = _in_units(d, nums, r, s, row.scale)
    row.diffs["ad_symbolic_tolerance_ulps"] = _in_units(tol, nums, r, s, row.scale)
    if d <= tol:
        return True
    row.reasons.append(f"AD and SymPy differ by {row.diffs['ad_symbolic_ulps']:.3g} ULPs "
                       f"(AD's rounding allows {row.diffs['ad_symbolic_tolerance_ulps']:.3g})")
    return False


def _compare_fd(row: Row, ulps: int, nums) -> Optional[bool]:
    """AD against the finite difference: True, False, or None when it is missing or
    unreliable (the differences are still recorded)."""
    if row.fd is None:
        return None
    d, err, r = row.finite_difference, row.fd_error, row.reverse
    gap = abs(d - r)
    row.diffs["fd_ad_rel"] = _rel(d, r)
    row.diffs["fd_ad_in_estimates"] = float(gap / err) if err else (0.0 if gap == 0 else 1e300)
    if row.fd_ratio is not None:
        row.diffs["fd_richardson_ratio"] = float(row.fd_ratio)
    if not row.fd_reliable:
        return None
    if gap <= FD_FACTOR * err + _ad_allowance(row, ulps, nums, r):
        return True
    row.reasons.append(f"the finite difference is {float(gap):.3g} from AD, beyond "
                       f"{FD_FACTOR:g} × its error estimate {float(err):.3g}")
    return False


def _compare(row: Row, ulps: int, nums=FLOAT) -> None:
    """Fill row.diffs, row.verdict, row.reasons and row.bad."""
    f, r = row.forward, row.reverse
    row.diffs["forward_reverse_ulps"] = _in_units(abs(f - r), nums, f, r, row.scale)
    split = abs(f - r) > ulps * nums.unit(max(abs(f), abs(r), row.scale))
    if split:
        row.reasons.append(f"forward and reverse AD differ by "
                           f"{row.diffs['forward_reverse_ulps']:.3g} ULPs")
        row.bad |= {"forward", "reverse"}
    sym_ok = _compare_symbolic(row, ulps, nums)
    fd_ok = _compare_fd(row, ulps, nums)
    row.diffs["max_rel_diff"] = _max_rel(row)
    row.verdict = _verdict(row, split, sym_ok, fd_ok)


def _verdict(row: Row, split: bool, sym_ok, fd_ok) -> str:
    """The row's verdict from its comparisons (True/False/None: no reference)."""
    if split:
        return "disagree"
    if row.fd_problem == "kink" and (sym_ok is not False or row.at_kink):
        # only at the kink itself may SymPy's one-sided value differ from the convention
        row.reasons.append("a kink lies within the finite-difference step")
        return "inconclusive"
    if sym_ok is False:
        row.bad |= {"reverse", "symbolic"} | ({"fd"} if fd_ok is False else set())
        return "disagree"
    if sym_ok and fd_ok is False:
        row.fd_suspect = True
        row.reasons.append("AD agrees with SymPy, so the finite difference is the odd one out "
                           "(a pole, a jump or an oscillation near the step?)")
        return "inconclusive"
    if sym_ok or fd_ok:
        return "agree"
    if fd_ok is False:
        row.bad |= {"reverse", "fd"}
        return "disagree"
    row.reasons.append("neither SymPy nor a reliable finite difference gave a reference value")
    return "inconclusive"


def _max_rel(row: Row) -> float:
    vals = [row.forward, row.reverse]
    for v in (row.finite_difference, row.symbolic_value):
        if v is not None:
            vals.append(v)
    return max((_rel(a, b) for k, a in enumerate(vals) for b in vals[k + 1:]), default=0.0)


def _conditioning_warnings(g, rows, nums) -> list:
    """Partials whose rounding spread eats into the digits AD reports."""
    out = []
    digits = nums.digits
    limit = ILL_CONDITIONED if digits is None else 10.0 ** -digits
    for row in rows:
        if row.spread is None or row.reverse == 0:
            continue
        rel = float(row.spread / abs(row.reverse))
        if rel <= limit:
            continue
        good = max(0, int(-math.log10(rel)))
        left = (f"AD has only about {good} correct digits (--digits N computes it with more)"
                if digits is None else
                f"only about {good} of the {digits} digits shown are right (a larger --digits "
                "gives more)")
        out.append(f"{partial_text(g, row)} is ill-conditioned here: rounding the primal "
                   f"values moves it by {rel:.2g} relative, so {left}")
    return out


# -- SymPy ----------------------------------------------------------------------------------------
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


# -- the check ---------------------------------------------------------------------------------
def _ad_rows(g, point, nums, warnings: list) -> tuple:
    """(rows with AD values, magnitude bounds and rounding spreads; values; vals; lin)."""
    _, fwd, _ = nums.differentiate(g, point, "forward")
    values, rev, warns = nums.differentiate(g, point, "reverse")
    warnings.extend(nums.plain(w) for w in warns)
    m = nums.namespace(g)
    vals = evaluate(g, point, m)
    lin = linearize(g, vals, m)
    scale = magnitude(g, lin)
    spread = rounding_spread(g, point, rev, nums)
    rows = [Row(r, j, fwd[r][j], rev[r][j], scale[r][j],
                None if spread is None else spread[r][j], at_kink=bool(lin.warnings))
            for r in range(len(g.outputs)) for j in range(g.n_inputs)]
    return rows, values, vals, lin


def check(g, point: list, *, digits: int = 30, timeout: float = 10.0, nums=FLOAT) -> Report:
    """Every partial by forward AD, reverse AD, finite differences and SymPy.

    ``nums``: FLOAT, or ``numbers(N)`` for mpmath at N digits (then ``point``
    holds mpmath numbers and SymPy is asked for at least N + 10 digits).
    """
    if g.n_inputs == 0:
        raise UsageError("the formula has no variables: there is no derivative to check")
    warnings: list = []
    with nums.precision():
        rows, values, vals, lin = _ad_rows(g, point, nums, warnings)
        deps, feeds = _dependence(g)
        noise = rounding_sizes(g, vals, lin, deps)
        _fd_rows(g, point, vals, rows, warnings, nums, noise, deps, feeds)
    sym_digits = digits if nums.digits is None else max(digits, nums.digits + 10)
    sym = _symbolic_rows(g, point, rows, sym_digits, timeout)
    ulps = max(MIN_AD_ULPS, math.ceil(2.0 * math.sqrt(len(lin.order))))
    with nums.precision():
        for row in rows:
            if row.symbolic_digits is not None:
                row.symbolic_value = nums.value(row.symbolic_digits)
            _compare(row, ulps, nums)
    warnings.extend(_conditioning_warnings(g, rows, nums))
    if sym.state in ("timeout", "error", "unavailable"):
        warnings.append(f"symbolic step: {sym.message}")
    swell = {"expression_ops": g.n_ops, "symbolic_ops": sym.raw_ops,
             "symbolic_cse_ops": sym.cse_ops, "trace_ops": trace_ops(g, lin)}
    return Report(rows, values, warnings, worst(r.verdict for r in rows), ulps, swell,
                  sym.state, sym.message, nums=nums)


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
    got: Optional[float]     # the hand-derived formula (None: it cannot be evaluated)
    agree: bool
    at_kink: bool
    sample: int              # 0 = the point itself, k = k-th random point
    error: str = ""          # why the formula cannot be evaluated there


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
    return repr(v) if nums.digits is None else nums.text(v)


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
                     f"relative {rel:.3g})")
    if len(lines) > limit:
        more = len(lines) - limit
        lines = lines[:limit] + [f"--against: {more} more wrong entries (--json lists all)"]
    return lines


def _nested_rows(text: str) -> Optional[list]:
    """``[[a, b], [c, d]]`` -> [["a", "b"], ["c", "d"]]; None if not a list of lists."""
    from .point import split_top
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
    from .parser import parse
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
        got, error = None, nums.plain(exc.message)
    out = []
    n = g.n_inputs
    for r in range(len(g.outputs)):
        for j in range(n):
            e = rev[r][j]
            v = None if got is None else got[a.outputs[r * n + j]]
            ok = v is not None and abs(v - e) <= rtol * max(abs(e), abs(v), scale[r][j])
            out.append(Entry(r, j, list(p), e, v, ok, kink, sample, error))
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


# -- JSON ----------------------------------------------------------------------------------------
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
                    got=num(e.got), abs_diff=diff, agree=e.agree, at_kink=e.at_kink)
        if e.error:
            item["error"] = e.error
        rows.append(item)
    return rows


def report_json(g, point, report: Report) -> dict:
    from .jsonout import common
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
