"""Central finite differences: a step per variable, Richardson extrapolation, an error estimate.

For a variable x the step is h = ε^(1/3)·max(1, |x|) (ε = 2⁻⁵², float64's
machine epsilon), the step that balances the central difference's truncation
error (∝ h²) against its round-off error (∝ ε/h).  The difference is taken
over the step the float64 grid actually realises, (x + h) − (x − h), so the
representation error of x ± h does not enter.

From D(h) and D(2h):

* Richardson:  R = (4·D(h) − D(2h))/3, which cancels the h² term;
* error of D(h):  |D(h) − D(2h)|/3 (truncation, estimated) plus
  4ε·max|f(x ± h)|/h (round-off in f, amplified by the division).

``f`` is any callable ``point -> list of output values``; it may raise
(a step that leaves the domain), and the caller decides what that means.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import AdcliError

EPS = 2.220446049250313e-16          # 2**-52
ROUNDOFF_ULPS = 4.0                  # relative error assumed for one evaluation of f


def step(x: float) -> float:
    """The central-difference step for a variable at x."""
    return EPS ** (1.0 / 3.0) * max(1.0, abs(x))


@dataclass
class Estimate:
    """Central differences of every output with respect to one variable."""

    h: float                 # the step actually realised on the float64 grid
    central: list            # D(h), one per output
    richardson: list         # (4·D(h) − D(2h))/3
    error: list              # estimated |D(h) − f'|


def _shifted(point: list, j: int, delta: float) -> list:
    p = list(point)
    p[j] = point[j] + delta
    return p


def difference(f, point: list, j: int, h: float) -> tuple:
    """(D(h) per output, realised step, max |f(x ± h)| per output)."""
    plus, minus = _shifted(point, j, h), _shifted(point, j, -h)
    width = plus[j] - minus[j]
    fp, fm = f(plus), f(minus)
    d = [(a - b) / width for a, b in zip(fp, fm)]
    size = [max(abs(a), abs(b)) for a, b in zip(fp, fm)]
    return d, width / 2.0, size


def estimate(f, point: list, j: int, h: float = 0.0) -> Estimate:
    """D(h), Richardson's estimate and the error estimate for variable ``j``."""
    h = h or step(point[j])
    d1, real_h, size = difference(f, point, j, h)
    d2, _, _ = difference(f, point, j, 2.0 * h)
    rich = [(4.0 * a - b) / 3.0 for a, b in zip(d1, d2)]
    err = [abs(a - b) / 3.0 + ROUNDOFF_ULPS * EPS * s / real_h
           for a, b, s in zip(d1, d2, size)]
    return Estimate(real_h, d1, rich, err)


def sweep_steps(x: float, lo: int = -15, hi: int = -1) -> list:
    """Steps 10^k·max(1, |x|) for k = lo..hi, for the error-versus-h plot."""
    scale = max(1.0, abs(x))
    return [scale * 10.0 ** k for k in range(lo, hi + 1)]


def error_curve(f, point: list, j: int, out: int, reference: float, steps: list) -> list:
    """(h, |D(h) − reference|) for each step where f can be evaluated."""
    curve = []
    for h in steps:
        try:
            d, real_h, _ = difference(f, point, j, h)
        except (AdcliError, ArithmeticError, ValueError):  # the step left the domain
            continue
        if real_h > 0.0 and math.isfinite(d[out]):
            curve.append((real_h, abs(d[out] - reference)))
    return curve
