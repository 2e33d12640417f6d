"""Central finite differences: a step per variable, Richardson extrapolation, an error
estimate, and a test of whether the step is small enough for any of that to hold.

For a variable x the step is h = ε^(1/3)·max(1, |x|) (ε = 2⁻⁵², float64's
machine epsilon, or 10⁻ᴺ under ``--digits N``), the step that balances the
central difference's truncation error (∝ h²) against its round-off error
(∝ ε/h).  The difference is taken over the step the number grid actually
realises, (x + h) − (x − h), so the representation error of x ± h does not
enter.

From D(h), D(2h) and D(4h):

* Richardson:  R = (4·D(h) − D(2h))/3, which cancels the h² term;
* error of D(h):  |D(h) − D(2h)|/3 (truncation, estimated) plus
  ROUNDOFF_ULPS·ε·S/h (round-off, amplified by the division), where S bounds
  the rounding error of one evaluation of f in units of ε.  S defaults to
  |f|; the caller may pass a better bound (``noise``): ``adcli check`` passes
  Σᵢ |vᵢ|·|v̄ᵢ| over the trace, which sees cancellation between intermediates
  that |f| hides;
* the Richardson ratio ρ = (D(2h) − D(4h))/(D(h) − D(2h)), which is 4 while
  D(h) ≈ f' + c·h² holds.  When truncation dominates round-off and ρ is
  outside [RATIO_LO, RATIO_HI], the step is not in that asymptotic regime (a
  pole or a jump within 4h, or many periods of an oscillation): the estimate
  is then marked not ``asymptotic``, and its error estimate means nothing.

``f`` is any callable ``point -> list of output values`` over any number type
with + − × ÷ and abs (floats, mpmath); it may raise (a step that leaves the
domain), and the caller decides what that means.  No function here recurses.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import AdcliError

EPS = 2.220446049250313e-16          # 2**-52
ROUNDOFF_ULPS = 4.0                  # rounding errors of f per unit of S, both steps
RATIO_LO, RATIO_HI = 2.0, 8.0        # Richardson ratio of an asymptotic step: ≈ 4
TRUNCATION_MARGIN = 8.0              # truncation "dominates" above this × its round-off


def step(x, eps=EPS):
    """The central-difference step for a variable at x."""
    return eps ** (1.0 / 3.0) * max(1.0, abs(x))


@dataclass
class Estimate:
    """Central differences of every output with respect to one variable."""

    h: float                 # the step actually realised on the number grid
    central: list            # D(h), one per output
    richardson: list         # (4·D(h) − D(2h))/3
    error: list              # estimated |D(h) − f'|
    ratio: list              # (D(2h) − D(4h))/(D(h) − D(2h)) per output, None if not meaningful
    asymptotic: list         # False: the step is not in the h² regime (see ratio)


def _shifted(point: list, j: int, delta) -> list:
    p = list(point)
    p[j] = point[j] + delta
    return p


def difference(f, point: list, j: int, h) -> tuple:
    """(D(h) per output, realised step, max |f(x ± h)| per output)."""
    plus, minus = _shifted(point, j, h), _shifted(point, j, -h)
    width = plus[j] - minus[j]
    fp, fm = f(plus), f(minus)
    d = [(a - b) / width for a, b in zip(fp, fm)]
    size = [max(abs(a), abs(b)) for a, b in zip(fp, fm)]
    return d, width / 2.0, size


def _ratio(d1, d2, d4, noise_h, real_h) -> tuple:
    """(ρ or None, asymptotic?) for one output; ``noise_h`` = round-off of D(h)."""
    t1, t2 = d1 - d2, d2 - d4
    # round-off of t1 is noise(h) + noise(2h) = 1.5·noise(h)
    if abs(t1) <= TRUNCATION_MARGIN * 1.5 * noise_h or real_h == 0:
        return None, True           # round-off dominates: ρ is noise, the test does not apply
    rho = t2 / t1
    return rho, RATIO_LO <= rho <= RATIO_HI


def estimate(f, point: list, j: int, h=0.0, noise: list | None = None,
             eps=EPS) -> Estimate:
    """D(h), Richardson's estimate, the error estimate and the ratio test for variable ``j``.

    ``noise``: per output, a bound on the rounding error of one evaluation of f
    in units of ``eps``; |f(x ± h)| is the least it can be.  f is called at
    x ± h, then x ± 2h, then x ± 4h; a step of 4h that leaves the domain only
    skips the ratio test.
    """
    h = h or step(point[j], eps)
    d1, real_h, size = difference(f, point, j, h)
    d2, _, _ = difference(f, point, j, 2.0 * h)
    try:
        d4 = difference(f, point, j, 4.0 * h)[0]
    except (AdcliError, ArithmeticError, ValueError):
        d4 = None
    sizes = size if noise is None else [max(a, b) for a, b in zip(noise, size)]
    rich = [(4.0 * a - b) / 3.0 for a, b in zip(d1, d2)]
    round_h = [ROUNDOFF_ULPS * eps * s / real_h if real_h else 0.0 for s in sizes]
    err = [abs(a - b) / 3.0 + r for a, b, r in zip(d1, d2, round_h)]
    if d4 is None:
        ratio, asym = [None] * len(d1), [True] * len(d1)
    else:
        pairs = [_ratio(a, b, c, r, real_h) for a, b, c, r in zip(d1, d2, d4, round_h)]
        ratio, asym = [p[0] for p in pairs], [p[1] for p in pairs]
    return Estimate(real_h, d1, rich, err, ratio, asym)


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
