"""What a check finds: one :class:`Row` per partial ∂fᵣ/∂xⱼ, and the :class:`Report`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import fd
from .cancellation import Cancellation
from .numbers import FLOAT, Numbers

if TYPE_CHECKING:
    from .against import Against


@dataclass
class Row:
    output: int
    variable: int
    forward: float
    reverse: float
    scale: float                        # the magnitude bound M
    spread: float | None = None      # AD's rounding spread (None: no jittered run)
    spread_capped: bool = False         # the spread's allowance was cut to --rtol
    at_kink: bool = False               # the point itself is where a convention applies
    fd: fd.Estimate | None = None    # shared by the rows of one variable
    fd_note: str = ""
    fd_problem: str = ""                # "" | "kink" | "ratio"
    fd_suspect: bool = False            # off while AD and SymPy agree
    symbolic_text: str | None = None
    symbolic_digits: str | None = None
    symbolic_value: float | None = None
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
    def symbolic(self) -> float | None:
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
    against: Against | None = None
    rtol: float = 1e-9                  # the spread's cap, relative to SymPy's value
    cancellation: Cancellation | None = None   # the worst-conditioned add/sub row
    curves: list = field(default_factory=list)
    nums: Numbers = FLOAT

    @property
    def digits(self) -> int | None:
        return self.nums.digits

    def summary_line(self) -> str:
        """``agree: 2/2 partials, max rel. diff 4.8e-11`` (--quiet)."""
        n = len(self.rows)
        agree = sum(r.verdict == "agree" for r in self.rows)
        worst = max((float(r.diffs.get("max_rel_diff", 0.0)) for r in self.rows), default=0.0)
        line = (f"{self.verdict}: {agree}/{n} partial{'s' if n != 1 else ''}, "
                f"max rel. diff {worst:.2g}")
        if self.against is not None:
            bad = len(self.against.failures)
            line += f"; --against {self.against.verdict}" + (f" ({bad} wrong)" if bad else "")
        return line


def partial_text(g, row) -> str:
    f = "f" if len(g.outputs) == 1 else f"f{row.output + 1}"
    return f"∂{f}/∂{g.names[row.variable]}"
