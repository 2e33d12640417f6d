"""JCGM 101's own worked examples (samples/jcgm101/): the additive models of §9.2.2, §9.2.3
and §9.2.4, and the mass calibration of §9.3.

Where each expected figure comes from:

* §9.2.2 and §9.2.3, Monte Carlo: JCGM 101 Tables 2 and 3 as sandialabs/suncal's
  test/test_examples.py (test_montecarlo) cites them: mean 0, u(y) 2.0, 95 % interval
  ±3.92 (normal inputs) and ±3.88 (rectangular inputs).
* Every GUM figure: exact, recomputed here (closed forms; SymPy's exact derivatives for
  §9.3, first order and the higher-order term).
* Every Monte Carlo figure: also against the exact output distribution, computed here
  independently of adcli (Irwin–Hall for sums of rectangulars; for §9.3 closed-form
  moments and quantiles by Gauss–Legendre quadrature), within 4–5 Monte Carlo standard
  errors of 10⁶ trials.
* NOT verified: the figures as printed in JCGM 101 Table 4 (§9.2.4) and in §9.3, and the
  one-decimal printing of Table 2. The document was not among the sources that could be
  searched; those figures are quoted below as recalled, marked "recalled", and asserted
  only where the exact values above round to them.  §9.3's recalled shortest Monte Carlo
  interval [1.0834, 1.3825] has the exact width (0.2991) but sits 0.001 left of the exact
  [1.0844, 1.3836]: the shortest interval of a nearly symmetric output is located only
  loosely (±0.001 or so over seeds at 10⁶ trials, its width to ±0.0002), so it is consistent,
  and its width and position are asserted within that spread.
"""
from __future__ import annotations

import math
import pathlib
import re
from statistics import NormalDist

import pytest

import adcli
from adcli.propagation.montecarlo import interval

JCGM = pathlib.Path(__file__).resolve().parent.parent / "samples" / "jcgm101"
K95 = NormalDist().inv_cdf(0.975)
M = 1_000_000


def _sample(name: str) -> tuple:
    text = (JCGM / name).read_text()
    return text, re.search(r"^# inputs: (.*)$", text, re.M).group(1)


def quantile_se(p: float, density: float) -> float:
    """Standard error of a Monte Carlo p-quantile from M draws: √(p(1−p)/M) / g(q)."""
    return math.sqrt(p * (1 - p) / M) / density


def irwin_hall_cdf(t: float, n: int) -> float:
    """P(U₁ + … + Uₙ ≤ t) for independent U(0, 1)."""
    if t <= 0:
        return 0.0
    if t >= n:
        return 1.0
    return sum((-1) ** k * math.comb(n, k) * (t - k) ** n
               for k in range(math.floor(t) + 1)) / math.factorial(n)


def _root(f, lo: float, hi: float) -> float:
    from scipy.optimize import brentq
    return float(brentq(f, lo, hi, xtol=1e-13))


@pytest.mark.slow
def test_jcgm101_9_2_2_additive_normal():
    text, inputs = _sample("additive_normal.txt")
    r = adcli.uncertainty(text, inputs=inputs, monte_carlo=True, trials=M, seed=1)
    # GUM, exact: y = 0, u = √4, ±1.96·2
    assert r.value == 0.0 and r.standard_uncertainty == 2.0
    assert r.coverage_interval == [-2 * K95, 2 * K95]
    # Monte Carlo: the output is N(0, 4) exactly; suncal's Table 2 figures 0, 2.0, ±3.92
    se = quantile_se(0.025, NormalDist(0, 2).pdf(2 * K95))
    assert abs(r.mc.mean) < 4 * 2 / math.sqrt(M)
    assert abs(r.mc.u - 2.0) < 4 * 2 / math.sqrt(2 * M)
    assert abs(r.mc.interval[0] + 3.92) < 4 * se and abs(r.mc.interval[1] - 3.92) < 4 * se
    # recalled one-decimal printing of Table 2: 0.0, 2.0, [-3.9, 3.9] for both methods
    assert f"{abs(r.mc.mean):.1f}" == "0.0" and f"{r.mc.u:.1f}" == "2.0"
    assert [f"{x:.1f}" for x in r.mc.interval] == ["-3.9", "3.9"]
    assert r.validated is True


@pytest.mark.slow
def test_jcgm101_9_2_3_additive_rectangular():
    text, inputs = _sample("additive_rectangular.txt")
    r = adcli.uncertainty(text, inputs=inputs, monte_carlo=True, trials=M, seed=1, ndig=3)
    # GUM, exact: u = √(4 · 1²), ±1.96·2 = ±3.92
    assert math.isclose(r.standard_uncertainty, 2.0, rel_tol=1e-15)
    assert [f"{x:.2f}" for x in r.coverage_interval] == ["-3.92", "3.92"]
    # the exact 97.5 % point: Y = 2√3·(U₁+…+U₄) − 4√3 (Irwin–Hall, n = 4)
    s3 = math.sqrt(3)
    t = _root(lambda t: irwin_hall_cdf(t, 4) - 0.975, 2.0, 4.0)
    q = 2 * s3 * t - 4 * s3                                   # 3.8794
    h = 1e-6
    density = (irwin_hall_cdf(t + h, 4) - irwin_hall_cdf(t - h, 4)) / (2 * h) / (2 * s3)
    se = quantile_se(0.025, density)
    assert abs(r.mc.interval[0] + q) < 4 * se and abs(r.mc.interval[1] - q) < 4 * se
    assert abs(r.mc.mean) < 4 * 2 / math.sqrt(M) and abs(r.mc.u - 2.0) < 0.004
    # suncal's Table 3 figures: Monte Carlo 0.00, 2.00, [-3.88, 3.88] (this seed's run)
    assert f"{abs(r.mc.mean):.2f}" == "0.00" and f"{r.mc.u:.2f}" == "2.00"
    assert [f"{x:.2f}" for x in r.mc.interval] == ["-3.88", "3.88"]
    # Table 3: the GUM interval is not validated for ndig = 3 (δ = 0.005)
    assert r.check["tolerance"] == 0.005 and r.validated is False


def _widths_cdf(y: float) -> float:
    """P(Y ≤ y) for Y = X₁ + X₂ + X₃ + X₄, Xᵢ ~ R(−√3, √3) (i ≤ 3), X₄ ~ R(−w, w), w = 10√3,
    for y ≥ 3√3 − w: E[min((y − S + w)/2w, 1)] with S = X₁ + X₂ + X₃ = 2√3·T − 3√3,
    T Irwin–Hall (n = 3), whose density is piecewise quadratic: integrated exactly by
    adaptive quadrature with its breakpoints."""
    from scipy.integrate import quad
    s3, w = math.sqrt(3), 10 * math.sqrt(3)

    def density(t: float) -> float:
        if t < 1:
            return t * t / 2
        if t < 2:
            return (-2 * t * t + 6 * t - 3) / 2
        return (3 - t) ** 2 / 2

    def integrand(t: float) -> float:
        return min((y - (2 * s3 * t - 3 * s3) + w) / (2 * w), 1.0) * density(t)

    kink = min(max((y - w + 3 * s3) / (2 * s3), 0.0), 3.0)   # where min(…, 1) switches
    points = sorted({1.0, 2.0, kink} - {0.0, 3.0})
    return quad(integrand, 0.0, 3.0, points=points, epsabs=1e-14, epsrel=1e-13, limit=200)[0]


@pytest.mark.slow
def test_jcgm101_9_2_4_rectangular_inputs_of_different_widths():
    text, inputs = _sample("additive_rectangular_widths.txt")
    r = adcli.uncertainty(text, inputs=inputs, monte_carlo=True, trials=M, seed=1)
    # GUM, exact: u = √(3·1² + 10²) = √103, ±1.96·√103 = ±19.89
    u = math.sqrt(103)
    assert r.value == 0.0 and math.isclose(r.standard_uncertainty, u, rel_tol=1e-14)
    assert math.isclose(r.coverage_interval[1], K95 * u, rel_tol=1e-14)
    # Monte Carlo against the exact distribution: its 97.5 % point 17.016
    q = _root(lambda y: _widths_cdf(y) - 0.975, 10.0, 20.0)
    h = 1e-5
    density = (_widths_cdf(q + h) - _widths_cdf(q - h)) / (2 * h)
    se = quantile_se(0.025, density)
    assert abs(q - 17.016) < 1e-3
    assert abs(r.mc.interval[0] + q) < 4 * se and abs(r.mc.interval[1] - q) < 4 * se
    assert abs(r.mc.mean) < 4 * u / math.sqrt(M) and abs(r.mc.u / u - 1) < 0.002
    # recalled (JCGM 101 Table 4, NOT verified): GUM 0.0, 10.1, [-19.9, 19.9];
    # Monte Carlo 0.0, 10.1, [-17.0, 17.0]: the exact values round to these
    assert f"{u:.1f}" == "10.1" and f"{K95 * u:.1f}" == "19.9" and f"{q:.1f}" == "17.0"
    assert [f"{x:.1f}" for x in r.mc.interval] == ["-17.0", "17.0"]
    # the GUM's interval is far wider than the output's: not validated (δ = 0.5)
    assert r.check["tolerance"] == 0.5 and r.validated is False


MASS_INPUTS = {"mRc": (100000.0, 0.050), "dmRc": (1.234, 0.020), "rho_a": (1.10, 1.30),
               "rho_W": (7000.0, 9000.0), "rho_R": (7950.0, 8050.0)}


def _mass_gum_by_sympy() -> tuple:
    """δm, u(δm) first order, and u with the higher-order term of JCGM 100 §5.1.2 (note),
    from SymPy's exact derivatives in exact arithmetic."""
    import sympy as sp
    m, d, a, W, R = xs = sp.symbols("m d a W R")
    f = (m + d) * (1 + (a - sp.Rational(12, 10)) * (1 / W - 1 / R)) - 100000
    pt = {m: 100000, d: sp.Rational(1234, 1000), a: sp.Rational(12, 10), W: 8000, R: 8000}
    us = [sp.Rational(5, 100), sp.Rational(2, 100), sp.Rational(2, 10) / sp.sqrt(12),
          2000 / sp.sqrt(12), 100 / sp.sqrt(12)]
    u2 = sum((sp.diff(f, x).subs(pt) * u) ** 2 for x, u in zip(xs, us, strict=True))
    term = sum((sp.Rational(1, 2) * sp.diff(f, xi, xj) ** 2
                + sp.diff(f, xi) * sp.diff(f, xi, xj, xj)).subs(pt) * ui ** 2 * uj ** 2
               for xi, ui in zip(xs, us, strict=True) for xj, uj in zip(xs, us, strict=True))
    return float(f.subs(pt)), float(sp.sqrt(u2)), float(sp.sqrt(u2 + term))


def _mass_exact() -> tuple:
    """The exact output distribution of §9.3.  δm + m_nom = S·(1 + T) with S normal
    (mean μ, sd σ) and T = (ρa − 1.2)(1/ρW − 1/ρR) independent, symmetric about 0:
    mean μ − m_nom, variance σ² + (μ² + σ²)·E[T²], E[1/ρ] = ln(b/a)/(b − a),
    E[1/ρ²] = 1/(ab); and P(δm ≤ y) = E_T[Φ((y + m_nom − μ(1+T))/(σ(1+T)))] by
    Gauss–Legendre quadrature over the three rectangular inputs."""
    import numpy as np
    from scipy.special import ndtr
    mu, s = 100000.0 + 1.234, math.hypot(0.05, 0.02)
    (a1, b1), (a2, b2), (a3, b3) = (MASS_INPUTS[k] for k in ("rho_a", "rho_W", "rho_R"))
    inv = lambda a, b: math.log(b / a) / (b - a)       # noqa: E731
    et2 = (b1 - a1) ** 2 / 12 * (1 / (a2 * b2) - 2 * inv(a2, b2) * inv(a3, b3) + 1 / (a3 * b3))
    sd = math.sqrt(s * s + (mu * mu + s * s) * et2)
    x, w = np.polynomial.legendre.leggauss(32)
    node = lambda a, b: ((a + b) / 2 + (b - a) / 2 * x, w / 2)   # noqa: E731
    (A, wa), (W, ww), (R, wr) = node(a1, b1), node(a2, b2), node(a3, b3)
    T = ((A[:, None, None] - 1.2) * (1 / W[None, :, None] - 1 / R[None, None, :])).ravel()
    wt = (wa[:, None, None] * ww[None, :, None] * wr[None, None, :]).ravel()

    def cdf(y: float) -> float:
        return float(np.dot(wt, ndtr((y + 1e5 - mu * (1 + T)) / (s * (1 + T)))))
    lo = _root(lambda y: cdf(y) - 0.025, 0.5, 1.234)
    hi = _root(lambda y: cdf(y) - 0.975, 1.234, 2.0)
    h = 1e-5
    density = (cdf(hi + h) - cdf(hi - h)) / (2 * h)
    return mu - 1e5, sd, [lo, hi], density


@pytest.mark.slow
def test_jcgm101_9_3_mass_calibration():
    text, inputs = _sample("mass_calibration.txt")
    r = adcli.uncertainty(text, inputs=inputs, order=2, monte_carlo=True, trials=M, seed=1)
    # GUM against SymPy's exact derivatives: first order and with the higher-order term
    y, u1, u2 = _mass_gum_by_sympy()
    assert math.isclose(r.value, y, rel_tol=1e-9)   # 100001.234 − 100000: 1e-11 absolute
    assert math.isclose(r.standard_uncertainty, u1, rel_tol=1e-12)
    assert math.isclose(r.second.u, u2, rel_tol=1e-9)
    # recalled (§9.3, NOT verified): 1.2340, 0.0539, [1.1285, 1.3395]; higher order 0.0750.
    # The exact values above round to these.
    assert f"{r.value:.4f}" == "1.2340" and f"{u1:.4f}" == "0.0539" and f"{u2:.4f}" == "0.0750"
    assert [f"{x:.4f}" for x in r.coverage_interval] == ["1.1285", "1.3395"]
    # Monte Carlo against the exact distribution (symmetric about 1.234, so the shortest
    # interval is the symmetric one): mean 1.2340, sd 0.07548, [1.08443, 1.38357]
    mean, sd, (lo, hi), density = _mass_exact()
    assert abs(mean - 1.234) < 1e-9 and abs(sd - 0.075480) < 1e-6
    assert abs(r.mc.mean - mean) < 4 * sd / math.sqrt(M)
    assert abs(r.mc.u / sd - 1) < 0.003
    se = quantile_se(0.025, density)
    assert abs(r.mc.interval[0] - lo) < 5 * se and abs(r.mc.interval[1] - hi) < 5 * se
    # the shortest interval (§9.3 gives that one) from the same draws: its width is
    # determined to ±0.0002, its position only to ±0.001 (measured over seeds)
    short = interval(r.mc.values, 0.95, True)
    assert abs((short[1] - short[0]) - (hi - lo)) < 8e-4
    assert abs(short[0] - lo) < 2e-3 and abs(short[1] - hi) < 2e-3
    # recalled Monte Carlo figures (NOT verified): 1.2341, 0.0754, shortest interval
    # [1.0834, 1.3825]: within these errors of the exact values, and of this run (two
    # runs' shortest intervals differ by up to 0.003: each sits within ±0.0015 or so)
    assert abs(r.mc.mean - 1.2341) < 4 * sd / math.sqrt(M) + 5e-5
    assert abs(r.mc.u - 0.0754) < 0.003 * sd + 5e-5
    assert abs(short[0] - 1.0834) < 3e-3 and abs(short[1] - 1.3825) < 3e-3
    assert abs(lo - 1.0834) < 2e-3 and abs(hi - 1.3825) < 2e-3
    assert abs((short[1] - short[0]) - (1.3825 - 1.0834)) < 8e-4
    # As in §9.3: the GUM interval is not validated, and the higher-order term moves u by
    # far more than 5 %
    assert r.validated is False
    assert any("linearization is doubtful" in w for w in r.warnings)
