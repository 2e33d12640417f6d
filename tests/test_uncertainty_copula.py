"""Correlated non-normal inputs in Monte Carlo (a Gaussian copula, NORTA): the normals'
correlation against closed forms, the correlation and the marginals the draws achieve,
and the GUM's exact u(y) of a linear model reproduced by Monte Carlo."""
from __future__ import annotations

import math

import numpy as np
import pytest

import adcli
from adcli.errors import UsageError
from adcli.propagation.copula import normal_correlation, pearson
from adcli.propagation.inputs import quantity, read_correlations
from adcli.propagation.montecarlo import Sampler

U01, U35 = quantity("a", "U(0, 1)"), quantity("b", "U(-3, 5)")
NORMAL = quantity("c", "2±0.3")


@pytest.mark.parametrize("r", [-0.95, -0.7, -0.2, 0.1, 0.3, 0.6, 0.95])
def test_normals_correlation_against_closed_forms(r):
    # two rectangulars: Pearson = Spearman = (6/π)·arcsin(ρ/2), so ρ = 2·sin(πr/6);
    # a normal and a rectangular: corr(Z, Φ(Z)) = √(3/π), so ρ = r·√(π/3)
    assert math.isclose(normal_correlation(U01, U35, r), 2 * math.sin(math.pi * r / 6),
                        rel_tol=1e-10)
    assert math.isclose(normal_correlation(NORMAL, U01, r), r * math.sqrt(math.pi / 3),
                        rel_tol=1e-10)
    assert normal_correlation(NORMAL, quantity("d", "1±2"), r) == r


def test_reachable_range_is_the_copulas():
    assert math.isclose(pearson(U01, NORMAL, 1.0), math.sqrt(3 / math.pi), rel_tol=1e-10)
    with pytest.raises(UsageError, match=r"only within \[-0.9772, 0.9772\]"):
        normal_correlation(U01, NORMAL, 0.98)


@pytest.mark.slow
@pytest.mark.parametrize("spec", ["x=U(0, 1), y=T(-1, 3), z=t(0, 1, 5)",
                                  "x=t(2, 0.5, 4), y=U(10, 11), z=5±1"])
def test_draws_reach_the_given_correlation_and_keep_their_marginals(spec):
    # scipy.stats here, not at collection: it adds 70 MB to the pytest process, which
    # test_batch's subprocesses inherit in their peak RSS
    from scipy import stats

    from adcli.propagation.inputs import read_inputs
    r = {"x,y": 0.6, "x,z": -0.4, "y,z": 0.3}
    g = adcli.Formula("x + y + z").graph
    qs = read_inputs(spec, list(g.names))
    R = read_correlations(r, qs)
    M = 400_000
    X = Sampler(g, qs, R, seed=11).draw(M)
    C = np.corrcoef(X)
    for (i, j) in [(0, 1), (0, 2), (1, 2)]:
        # the sample correlation's standard error is about (1 − r²)/√M; 6 of them
        assert abs(C[i, j] - R[i][j]) < 6 * (1 - R[i][j] ** 2) / math.sqrt(M) + 1e-4, (i, j)
    for k, q in enumerate(qs):
        dist = {"rectangular": lambda q: stats.uniform(q.params[0], q.params[1] - q.params[0]),
                "triangular": lambda q: stats.triang(0.5, q.params[0],
                                                     q.params[1] - q.params[0]),
                "t": lambda q: stats.t(q.params[2], q.params[0], q.params[1]),
                "normal": lambda q: stats.norm(q.estimate, q.u)}[q.kind](q)
        assert stats.kstest(X[k][:50_000], dist.cdf).pvalue > 1e-3, q.kind
        assert abs(X[k].std() / q.u - 1) < 0.01


@pytest.mark.slow
def test_linear_model_u_equals_the_gums_exact_value():
    # for a sum, u²(y) = Σuᵢ² + 2Σrᵢⱼuᵢuⱼ holds exactly whatever the distributions, so
    # the Monte Carlo u(y) must reach the GUM's: the copula keeps the Pearson correlations
    # (r·√(π/3) for the rectangular–normal pair: the normals' own 0.9 would give 0.88
    # and a u(y) 2 % too large)
    res = adcli.uncertainty("x - y - w", inputs="x=U(-sqrt(3), sqrt(3)), y=0±1, "
                            "w=t(0, sqrt(3/5), 5)", corr={"x,y": 0.9, "x,w": 0.05},
                            monte_carlo=True, trials=1_000_000, seed=5)
    assert math.isclose(res.standard_uncertainty, math.sqrt(3 - 2 * 0.9 - 2 * 0.05),
                        rel_tol=1e-14)
    # the standard error of a standard deviation from 10⁶ draws is below 0.1 %
    assert abs(res.mc.u / res.standard_uncertainty - 1) < 0.003
    assert abs(res.mc.mean - res.value) < 4 * res.standard_uncertainty / 1000


def test_normals_the_copula_cannot_carry_are_an_error():
    # r is positive semi-definite (singular); the normal–rectangular pairs need larger ρ
    # (r·√(π/3)), and those no longer form a positive semi-definite matrix
    with pytest.raises(UsageError, match="normals that would carry them"):
        adcli.uncertainty("x + y + z", inputs="x=0±1, y=U(0, 1), z=0±1",
                          corr={"x,y": 0.9, "y,z": 0.9, "x,z": 0.62}, monte_carlo=True,
                          trials=1000, seed=1)


def test_a_degenerate_input_correlates_with_nothing():
    # x = 1 ± 0 is certain: its correlation with y cannot act, and must not break the copula
    r = adcli.uncertainty("x + y", inputs="x=1±0, y=U(0, 1)", corr={"x,y": 0.5},
                          monte_carlo=True, trials=20_000, seed=2)
    assert r.mc.values.min() >= 1.0 and r.mc.values.max() <= 2.0
    assert abs(r.mc.u - math.sqrt(1 / 12)) < 0.01


@pytest.mark.parametrize("spec", ["U(1, 3)", "T(1, 4)", "t(2, 0.5, 4)", "t(0, 1, 2.2)",
                                  "-1±0.25"])
def test_quantile_functions_against_scipy(spec):
    """Fᵢ⁻¹(Φ(z)) out to |z| = 8, against scipy.stats' ppf (isf in the upper tail)."""
    from scipy import stats

    from adcli.propagation.copula import quantity_at
    q = quantity("x", spec)
    dist = {"rectangular": lambda: stats.uniform(q.params[0], q.params[1] - q.params[0]),
            "triangular": lambda: stats.triang(0.5, q.params[0], q.params[1] - q.params[0]),
            "t": lambda: stats.t(q.params[2], q.params[0], q.params[1]),
            "normal": lambda: stats.norm(q.estimate, q.u)}[q.kind]()
    z = np.linspace(-8, 8, 20001)
    want = np.where(z < 0, dist.ppf(stats.norm.cdf(z)), dist.isf(stats.norm.sf(z)))
    got = quantity_at(q, z)
    assert np.allclose(got, want, rtol=1e-9, atol=1e-8 * q.u)
