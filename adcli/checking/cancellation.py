"""Where a formula loses its digits: the trace row vₖ with the largest relative condition
number κₖ = Σ |∂vₖ/∂a|·|a| / |vₖ| over its arguments a, so a disagreement caused by
catastrophic cancellation (a ± b with (|a| + |b|)/|vₖ| large, log near 1, ...) can name
its cause."""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..ir import subscript

CANCELLING = frozenset({"add", "sub"})


@dataclass
class Cancellation:
    node: int
    row: str            # "v₄"
    op: str             # "sub", "log", ...
    condition: float    # relative errors of the arguments are amplified this much

    def digits_lost(self) -> int:
        """Digits lost, at most float64's 16 (an exact 0 from a cancellation loses all)."""
        if not self.condition > 1:
            return 0
        return min(16, round(math.log10(self.condition))) if math.isfinite(self.condition) \
            else 16

    def cause(self) -> str:
        what = "cancellation" if self.op in CANCELLING else f"ill-conditioned {self.op}"
        if not math.isfinite(self.condition):   # the row cancelled to exactly 0
            return (f"catastrophic {what} at trace row {self.row} (it cancels to exactly 0: "
                    "every digit of float64 is lost)")
        return (f"catastrophic {what} at trace row {self.row} (condition estimate "
                f"{self.condition:.2g}: about {self.digits_lost()} of float64's 16 digits "
                "lost)")


def worst_cancellation(g, vals, lin) -> Cancellation | None:
    """The equation with the largest relative condition number (None: no equations)."""
    best: Cancellation | None = None
    for i in lin.order:
        v = abs(vals[i])
        size = sum((abs(p * vals[k]) for k, p in lin.pairs[i]), 0.0 * v)
        if size == 0:
            continue
        cond = float(size / v) if v != 0 else math.inf
        if best is None or cond > best.condition:
            best = Cancellation(i, "v" + subscript(g.number(i)), g.fn(i).name, cond)
    return best
