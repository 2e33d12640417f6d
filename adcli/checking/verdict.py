"""The comparison of the methods and the verdict of each row (and of the check)."""
from __future__ import annotations

import math

from .model import Row
from .numbers import FLOAT
from .rounding import ROUNDING_FACTOR

FD_FACTOR = 4.0          # |FD − AD| ≤ FD_FACTOR · (FD error estimate)
MIN_AD_ULPS = 8
ORDER = {"agree": 0, "inconclusive": 1, "disagree": 2}
EXIT = {"agree": 0, "disagree": 4, "inconclusive": 3}   # 1: evaluation error, 2: usage
DEFAULT_RTOL = 1e-9      # the rounding spread never widens AD vs SymPy beyond this (relative)


def ad_ulps(active_operations: int) -> int:
    """The ULP rule's allowance for a trace of L active operations: 8, or 2·√L if more."""
    return max(MIN_AD_ULPS, math.ceil(2.0 * math.sqrt(active_operations)))


def worst(verdicts) -> str:
    return max(verdicts, key=ORDER.__getitem__, default="agree")


def _in_units(d, nums, *sizes) -> float:
    """|difference| in ULPs of the largest size (the values and the magnitude bound M)."""
    return 0.0 if d == 0 else float(d / nums.unit(max(abs(x) for x in sizes)))


def _rel(a, b) -> float:
    d = abs(a - b)
    return 0.0 if d == 0 else float(d / max(abs(a), abs(b)))


def _ad_allowance(row: Row, ulps: int, nums, *sizes, cap=None):
    """What AD's rounding may account for: ULPs of the values, widened to ULPs of the
    magnitude bound M or to the rounding spread; the widening never beyond ``cap`` (--rtol
    relative to SymPy's value) when given."""
    plain = ulps * nums.unit(max(abs(x) for x in sizes))
    widened = max(ulps * nums.unit(row.scale),
                  0.0 if row.spread is None else ROUNDING_FACTOR * row.spread)
    if cap is not None and widened > max(cap, plain):
        widened = cap
        row.spread_capped = True
    return max(plain, widened)


def _compare_symbolic(row: Row, ulps: int, nums, rtol) -> bool | None:
    """AD against SymPy: True, False, or None when SymPy has no value."""
    if row.symbolic_digits is None:
        return None
    r, s = row.reverse, row.symbolic_value
    d = nums.distance(r, row.symbolic_digits)
    tol = _ad_allowance(row, ulps, nums, r, s, cap=None if s is None else rtol * abs(s))
    row.diffs["ad_symbolic_ulps"] = _in_units(d, nums, r, s, row.scale)
    row.diffs["ad_symbolic_tolerance_ulps"] = _in_units(tol, nums, r, s, row.scale)
    row.diffs["ad_symbolic_rel"] = float(d / abs(s)) if s else (0.0 if d == 0 else 1e300)
    if d <= tol:
        return True
    capped = (f", capped at --rtol {float(rtol):g} relative to SymPy's value"
              if row.spread_capped else "")
    row.reasons.append(f"AD and SymPy differ by {row.diffs['ad_symbolic_ulps']:.3g} ULPs, "
                       f"{row.diffs['ad_symbolic_rel']:.3g} relative (AD's rounding allows "
                       f"{row.diffs['ad_symbolic_tolerance_ulps']:.3g} ULPs{capped})")
    return False


def _compare_fd(row: Row, ulps: int, nums) -> bool | None:
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


def compare(row: Row, ulps: int, nums=FLOAT, rtol=DEFAULT_RTOL) -> None:
    """Fill row.diffs, row.verdict, row.reasons and row.bad."""
    f, r = row.forward, row.reverse
    row.diffs["forward_reverse_ulps"] = _in_units(abs(f - r), nums, f, r, row.scale)
    row.diffs["forward_reverse_rel"] = _rel(f, r)
    split = abs(f - r) > ulps * nums.unit(max(abs(f), abs(r), row.scale))
    if split:
        row.reasons.append(f"forward and reverse AD differ by "
                           f"{row.diffs['forward_reverse_ulps']:.3g} ULPs")
        row.bad |= {"forward", "reverse"}
    sym_ok = _compare_symbolic(row, ulps, nums, rtol)
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
