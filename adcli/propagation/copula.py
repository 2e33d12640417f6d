"""Correlated inputs of any distribution for Monte Carlo: a Gaussian copula (NORTA).

JCGM 101 §6.4.8 draws correlated inputs from a multivariate normal, which fixes
every marginal to be normal.  To keep the marginals the user gave (rectangular,
triangular, t) *and* the correlation ``--corr`` gives, the inputs are drawn as

    Z ~ N(0, R_z),   Xᵢ = Fᵢ⁻¹(Φ(Zᵢ))              (NORTA: "normal to anything")

where Fᵢ⁻¹ is the quantile function of input i.  Each Xᵢ then has exactly its
distribution.  The normals' correlation R_z is chosen pair by pair so that the
*inputs* have the Pearson correlation rᵢⱼ of ``--corr`` — the coefficient the GUM's
law of propagation uses — not rᵢⱼ itself: corr(Xᵢ, Xⱼ) is an increasing function
c(ρ) of the normals' ρ, computed by two-dimensional Gauss–Hermite quadrature, and
ρ solves c(ρ) = rᵢⱼ.  (Two normals: ρ = r; two rectangulars: ρ = 2·sin(πr/6);
a normal and a rectangular: ρ = r·√(π/3).)

Limits, each an error that says so: a coefficient outside the range [c(−1), c(1)]
the two distributions can reach (a rectangular and a normal never correlate beyond
±√(3/π) ≈ ±0.977); and pairwise ρᵢⱼ that do not form a positive semi-definite R_z.
The copula is one joint distribution with these marginals and correlations among
many; results that depend on the tails of the joint distribution depend on it.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from ..errors import UsageError

#: Gauss–Hermite nodes per dimension.  Measured: c(ρ) agrees with the closed forms for
#: normal and rectangular inputs to 1e-10, and c(1) = 1 to 1e-14 for two equal t inputs
#: with ν ≥ 2.5; to 2.4e-5 for two triangular inputs (their quantile function has a kink
#: in its second derivative at the median) and 1.5e-4 for a t with ν = 2.1 (tails the
#: nodes reach less well): all below the sampling error of a correlation from 10⁶ draws
#: (~1e-3).
_NODES = 96


def quantity_at(q: Any, z: Any) -> Any:
    """Fᵢ⁻¹(Φ(z)) for quantity ``q``: its value at the standard normal draw(s) ``z``."""
    if q.kind == "normal":         # no SciPy for normal inputs (start-up: 0.15 s)
        return q.estimate + q.u * z
    import numpy as np
    from scipy.special import ndtr, stdtrit
    if q.kind == "rectangular":
        a, b = q.params
        return a + (b - a) * ndtr(z)
    # symmetric distributions from the smaller tail probability Φ(−|z|), which keeps its
    # digits where Φ(z) is near 1
    tail, side = ndtr(-np.abs(z)), np.sign(z)
    if q.kind == "triangular":
        a, b = q.params
        return (a + b) / 2 + side * (b - a) / 2 * (1.0 - np.sqrt(2.0 * tail))
    if q.kind == "t":
        mean, s, nu = q.params
        return mean - s * side * stdtrit(nu, tail)
    raise ValueError(f"no quantile function for a {q.kind} input")


def _standardized(q: Any, z: Any) -> Any:
    return (quantity_at(q, z) - q.estimate) / q.u


@lru_cache(maxsize=1)
def _nodes() -> tuple:
    """Gauss–Hermite nodes and weights for E[h(Z)], Z ~ N(0, 1)."""
    import numpy as np
    x, w = np.polynomial.hermite_e.hermegauss(_NODES)
    return x, w / math.sqrt(2.0 * math.pi)


def pearson(qi: Any, qj: Any, rho: float) -> float:
    """corr(Xᵢ, Xⱼ) when the underlying normals have correlation ``rho``."""
    x, w = _nodes()
    gi = _standardized(qi, x)
    zj = rho * x[:, None] + math.sqrt(max(1.0 - rho * rho, 0.0)) * x[None, :]
    gj = _standardized(qj, zj)
    return float((w * gi) @ (gj @ w))


def normal_correlation(qi: Any, qj: Any, r: float) -> float:
    """The normals' ρ that gives the inputs the Pearson correlation ``r``."""
    if qi.u == 0.0 or qj.u == 0.0:     # a degenerate input: its draws ignore the normal
        return 0.0
    if r == 0.0 or (qi.kind == "normal" and qj.kind == "normal"):
        return r
    lo, hi = pearson(qi, qj, -1.0), pearson(qi, qj, 1.0)
    if not lo - 1e-9 <= r <= hi + 1e-9:
        raise UsageError(
            f"--corr '{qi.name},{qj.name}={r:g}': a {qi.describe()} and a {qj.describe()} "
            f"input can be correlated only within [{lo:.4g}, {hi:.4g}] (their Pearson "
            "correlation through a Gaussian copula); use a coefficient in that range")
    if r >= hi:
        return 1.0
    if r <= lo:
        return -1.0
    from scipy.optimize import brentq
    return float(brentq(lambda rho: pearson(qi, qj, rho) - r, -1.0, 1.0, xtol=1e-13))


def normal_correlations(quantities: list, corr: list, idx: list) -> Any:
    """R_z over the correlated inputs ``idx``: each coefficient mapped by
    :func:`normal_correlation`; an error if the result is not positive semi-definite."""
    import numpy as np
    n = len(idx)
    R = np.eye(n)
    for a in range(n):
        for b in range(a + 1, n):
            i, j = idx[a], idx[b]
            R[a, b] = R[b, a] = normal_correlation(quantities[i], quantities[j], corr[i][j])
    w = np.linalg.eigvalsh(R)
    if w.min() < -1e-10:
        names = ", ".join(quantities[i].name for i in idx)
        raise UsageError(
            f"--monte-carlo: the correlations of {names} are possible for the inputs, but the "
            "normals that would carry them through a Gaussian copula are not (their "
            f"correlation matrix has the eigenvalue {w.min():.3g} < 0): lower the coefficients "
            "between the non-normal inputs")
    return R
