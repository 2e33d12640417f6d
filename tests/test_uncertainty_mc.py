"""adcli uncertainty --monte-carlo (JCGM 101) against closed forms (JCGM 101's own examples:
test_uncertainty_jcgm101.py)."""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

import adcli
from adcli.errors import EvalError
from adcli.propagation.montecarlo import interval, tolerance


def quantile_se(p: float, M: int, density: float) -> float:
    """Standard error of a Monte Carlo p-quantile: √(p(1−p)/M) / g(q)."""
    return math.sqrt(p * (1 - p) / M) / density


def test_linear_model_normal_inputs():
    M = 400_000
    r = adcli.uncertainty("2*x - 3*y + 1", inputs="x=1±0.5, y=2±0.3", monte_carlo=True,
                          trials=M, seed=3)
    u = math.sqrt((2 * 0.5) ** 2 + (3 * 0.3) ** 2)
    y = 2 - 6 + 1
    mc = r.mc
    assert abs(mc.mean - y) < 4 * u / math.sqrt(M)
    assert abs(mc.u - u) < 4 * u / math.sqrt(2 * M)
    z = NormalDist().inv_cdf(0.975)
    se = quantile_se(0.025, M, NormalDist(y, u).pdf(y - z * u))
    assert abs(mc.interval[0] - (y - z * u)) < 4 * se
    assert abs(mc.interval[1] - (y + z * u)) < 4 * se
    assert r.validated is True and r.mc.failed == 0 and r.mc.trials == M


def test_sum_of_two_rectangular_inputs_is_triangular():
    # U(0,1) + U(0,1) has density min(y, 2−y) on [0, 2]; P(Y < a) = a²/2.
    M = 400_000
    r = adcli.uncertainty("a + b", inputs="a=U(0, 1), b=U(0, 1)", monte_carlo=True,
                          trials=M, seed=4)
    lo = math.sqrt(2 * 0.025)
    se = quantile_se(0.025, M, lo)
    assert abs(r.mc.interval[0] - lo) < 4 * se and abs(r.mc.interval[1] - (2 - lo)) < 4 * se
    assert abs(r.mc.u - math.sqrt(2 / 12)) < 4 * math.sqrt(2 / 12) / math.sqrt(2 * M) * 1.2
    # the GUM's normal interval 1 ± 1.96·√(1/6) is wider than the triangle's: not validated
    assert r.validated is False


def test_square_of_a_normal_input():
    # X ~ N(μ, σ²): E[X²] = μ² + σ², Var[X²] = 4μ²σ² + 2σ⁴.
    mu, s, M = 1.0, 0.4, 500_000
    r = adcli.uncertainty("x^2", inputs=f"x={mu}±{s}", monte_carlo=True, trials=M, seed=5,
                          order=2)
    var = 4 * mu ** 2 * s ** 2 + 2 * s ** 4
    assert abs(r.mc.mean - (mu ** 2 + s ** 2)) < 4 * math.sqrt(var / M)
    assert abs(r.mc.u - math.sqrt(var)) < 0.01 * math.sqrt(var)
    # for a quadratic, the GUM's second-order term is exact: ½·2²·σ⁴
    assert math.isclose(r.second.u, math.sqrt(var), rel_tol=1e-14)


def test_t_input_sampled_with_its_scale():
    r = adcli.uncertainty("x", inputs="x=t(1, 0.2, 10)", monte_carlo=True, trials=400_000,
                          seed=6)
    assert abs(r.mc.u / (0.2 * math.sqrt(10 / 8)) - 1) < 0.02


def test_correlated_normals_by_cholesky():
    r = adcli.uncertainty("x - y", inputs="x=0±1, y=0±2", corr={"x,y": 0.8},
                          monte_carlo=True, trials=400_000, seed=7)
    u = math.sqrt(1 + 4 - 2 * 0.8 * 2)
    assert math.isclose(r.standard_uncertainty, u, rel_tol=1e-15)
    assert abs(r.mc.u / u - 1) < 0.01


def test_adaptive_runs_until_stable_and_reports_trials():
    r = adcli.uncertainty("x*y", inputs="x=2±0.1, y=3±0.2", monte_carlo=True, seed=8)
    assert r.mc.adaptive and r.mc.trials % 10_000 == 0 and r.mc.trials >= 20_000
    one = adcli.uncertainty("x*y", inputs="x=2±0.1, y=3±0.2", monte_carlo=True, seed=8, ndig=1)
    assert one.mc.trials <= r.mc.trials


def test_adaptive_results_within_the_tolerance_of_the_closed_form():
    # linear model, normal inputs: the output is N(y, u²) exactly
    r = adcli.uncertainty("3*x + 4*y", inputs="x=1±0.2, y=-1±0.15", monte_carlo=True, seed=12)
    u, y = math.hypot(0.6, 0.6), -1.0
    delta = tolerance(u, 2)                      # u = 0.85 → δ = 0.005
    z = NormalDist().inv_cdf(0.975)
    assert abs(r.mc.u - u) <= delta and abs(r.mc.mean - y) <= delta
    assert abs(r.mc.interval[0] - (y - z * u)) <= 2 * delta
    assert abs(r.mc.interval[1] - (y + z * u)) <= 2 * delta
    assert r.validated is True


def test_semicolon_separates_correlation_pairs():
    r = adcli.uncertainty("x + y + z", inputs="x=0±1, y=0±1, z=0±1",
                          corr="x,y=0.5; y,z=-0.25")
    assert math.isclose(r.standard_uncertainty, math.sqrt(3 + 1 - 0.5), rel_tol=1e-15)


def test_seed_makes_runs_repeatable():
    a = adcli.uncertainty("sin(x)", inputs="x=1±0.1", monte_carlo=True, trials=1000, seed=9)
    b = adcli.uncertainty("sin(x)", inputs="x=1±0.1", monte_carlo=True, trials=1000, seed=9)
    assert a.mc.interval == b.mc.interval and a.mc.mean == b.mc.mean


def test_interval_rules():
    y = np.arange(1.0, 101.0)          # 1..100
    assert interval(y, 0.9, False) == [5.0, 95.0]
    skew = np.sort(np.concatenate([np.zeros(90), np.arange(1.0, 11.0) * 10]))
    # JCGM 101 §7.7.1: [ỹ_r, ỹ_(r+q)] with q = pM spans q gaps, so 91 of these values
    assert interval(skew, 0.9, True) == [0.0, 10.0]
    assert tolerance(0.0754, 2) == 0.0005 and tolerance(2.0, 2) == 0.05
    assert tolerance(2.0, 3) == 0.005


def test_failed_draws_counted_error_or_skip():
    with pytest.raises(EvalError, match="undefined .* at .* of 20,000 Monte Carlo draws"):
        adcli.uncertainty("log(x)", inputs="x=0.1±0.05", monte_carlo=True, trials=20_000,
                          seed=1)
    r = adcli.uncertainty("log(x)", inputs="x=0.1±0.05", monte_carlo=True, trials=20_000,
                          seed=1, on_error="skip")
    want = NormalDist(0.1, 0.05).cdf(0.0) * 20_000
    assert abs(r.mc.failed - want) < 5 * math.sqrt(want)
    assert any("left out" in w for w in r.warnings)
