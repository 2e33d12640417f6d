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

AD and SymPy must agree within the larger of the two, but the widening beyond ULPs
of the values (ULPs of M, the spread) never exceeds --rtol (default 1e-9) relative to
SymPy's value: AD of a catastrophically cancelling program is the exact derivative of
the rounded program, not of the formula, and is reported as ``disagree`` with the worst-
conditioned trace row named (:mod:`.cancellation`).  A finite difference
must lie within FD_FACTOR × its error estimate (plus the same AD allowance)
of AD, and counts only if it is reliable: no kink switches within its steps
(sign changes for abs, relu, min, max; for the point kinks of hypot and atan2,
the samples come closer to (0, 0) than their own spread) and its Richardson
ratio says the step is in the h² regime (:mod:`adcli.fd`).  Its round-off
estimate uses S = Σᵢ |vᵢ|·|∂f/∂vᵢ| over the trace, not |f|, so cancellation
between intermediates is seen.

:func:`check_against` compares a hand-derived derivative with reverse AD at
the point and at random points nearby.

Modules, one thing each: :mod:`.numbers` (float64 or mpmath), :mod:`.model`
(rows and report), :mod:`.rounding` (magnitude bound, spread, conditioning),
:mod:`.fd` and :mod:`.finite` (finite differences and their kinks),
:mod:`.verdict`, :mod:`.against`, and :mod:`.run` (the check itself).  The
JSON lives in :mod:`adcli.render.check_json`, the tables in
:mod:`adcli.render.check_table`.
"""
from __future__ import annotations

from .against import Against, Entry, check_against, failure_lines, parse_against
from .finite import Curve, curves
from .model import Report, Row, partial_text
from .numbers import FLOAT, DigitNumbers, FloatNumbers, numbers
from .rounding import (
           ROUNDING_FACTOR,
           ROUNDING_SAMPLES,
           magnitude,
           rounding_sizes,
           rounding_spread,
)
from .run import check, trace_ops
from .verdict import DEFAULT_RTOL, EXIT, FD_FACTOR, MIN_AD_ULPS, worst

__all__ = [
           "DEFAULT_RTOL",
           "EXIT",
           "FD_FACTOR",
           "FLOAT",
           "MIN_AD_ULPS",
           "ROUNDING_FACTOR",
           "ROUNDING_SAMPLES",
           "Against",
           "Curve",
           "DigitNumbers",
           "Entry",
           "FloatNumbers",
           "Report",
           "Row",
           "check",
           "check_against",
           "curves",
           "failure_lines",
           "magnitude",
           "numbers",
           "parse_against",
           "partial_text",
           "rounding_sizes",
           "rounding_spread",
           "trace_ops",
           "worst",
]
