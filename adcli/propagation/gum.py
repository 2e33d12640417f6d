"""The GUM (JCGM 100) law of propagation of uncertainty, its budget and its second-order term.

Sensitivities cᵢ = ∂f/∂xᵢ come from one reverse sweep (:mod:`adcli.engine`);
the second-order term (the note to JCGM 100 §5.1.2) needs the Hessian
(:func:`adcli.higher.hessian`, forward over reverse) and the mixed third
derivatives ∂³f/∂xᵢ∂xⱼ², from Taylor mode (:func:`adcli.higher.derivatives`)
along eᵢ, eᵢ+eⱼ and eᵢ−eⱼ combined by polarization:

    D³f[eᵢ+eⱼ] − D³f[eⱼ−eᵢ] = 2·∂³f/∂xᵢ³ + 6·∂³f/∂xᵢ∂xⱼ²  (two Taylor sweeps per pair).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..engine import adjoint_sweep, evaluate, linearize
from ..errors import EvalError
from ..ir import Graph


@dataclass
class Gum:
    value: float
    sensitivities: list
    u: float
    variance_terms: list          # cᵢ²u²(xᵢ) per input
    correlation_terms: list       # (i, j, rᵢⱼ, 2cᵢcⱼrᵢⱼuᵢuⱼ)
    dof: float                    # ν_eff (inf without t inputs)
    k: float
    coverage: float
    warnings: list = field(default_factory=list)

    @property
    def expanded(self) -> float:
        return self.k * self.u

    @property
    def interval(self) -> list:
        return [self.value - self.expanded, self.value + self.expanded]


def first_order(g: Graph, quantities: list, corr: list, coverage: float) -> Gum:
    """y = f(x), u(y) by the law of propagation, k and ν_eff (Welch–Satterthwaite)."""
    point = [q.estimate for q in quantities]
    vals = evaluate(g, point)
    lin = linearize(g, vals)
    c = [float(a) for a in adjoint_sweep(g, lin, g.outputs[0])[:g.n_inputs]]
    for name, ci in zip(g.names, c, strict=True):
        if not math.isfinite(ci):
            raise EvalError(f"the sensitivity ∂f/∂{name} is infinite or undefined at the "
                            "estimates: the GUM's linearization does not apply")
    u = [q.u for q in quantities]
    var = [(ci * ui) ** 2 for ci, ui in zip(c, u, strict=True)]
    cross = []
    n = len(quantities)
    for i in range(n):
        for j in range(i + 1, n):
            if corr[i][j] != 0.0:
                cross.append((i, j, corr[i][j], 2.0 * c[i] * c[j] * corr[i][j] * u[i] * u[j]))
    u2 = math.fsum(var) + math.fsum(t[3] for t in cross)
    uy = math.sqrt(max(u2, 0.0))
    dof = welch_satterthwaite(uy, var, [q.dof for q in quantities])
    return Gum(float(vals[g.outputs[0]]), c, uy, var, cross, dof,
               coverage_factor(coverage, dof), coverage, list(lin.warnings))


def welch_satterthwaite(uy: float, var: list, dofs: list) -> float:
    """ν_eff = u⁴(y) / Σ (cᵢuᵢ)⁴/νᵢ (JCGM 100 G.4.1); inf when every νᵢ is."""
    denom = math.fsum(v * v / d for v, d in zip(var, dofs, strict=True) if math.isfinite(d))
    return math.inf if denom == 0.0 else uy ** 4 / denom


def coverage_factor(p: float, dof: float) -> float:
    """k for coverage probability p: normal, or Student's t with ν_eff degrees of freedom."""
    if math.isinf(dof):
        from statistics import NormalDist
        return NormalDist().inv_cdf((1.0 + p) / 2.0)
    from scipy.stats import t
    return float(t.ppf((1.0 + p) / 2.0, dof))


@dataclass
class SecondOrder:
    u: float                      # u(y) with the term
    term: float                   # Σᵢⱼ [½(∂²f/∂xᵢ∂xⱼ)² + cᵢ·∂³f/∂xᵢ∂xⱼ²] u²(xᵢ)u²(xⱼ)
    sweeps: int


def second_order(g: Graph, quantities: list, gum: Gum) -> SecondOrder:
    """The higher-order term of JCGM 100 §5.1.2 (note), by the Hessian and Taylor mode."""
    from ..higher import derivatives, hessian
    point = [q.estimate for q in quantities]
    live = [k for k, q in enumerate(quantities) if q.u > 0.0]
    H = hessian(g, point).hessian
    n = g.n_inputs

    def d3(v: list) -> float:
        return derivatives(g, point, 3, v).derivatives[3]

    def unit(*pairs: tuple) -> list:
        v = [0.0] * n
        for k, s in pairs:
            v[k] = s
        return v

    diag = {i: d3(unit((i, 1.0))) for i in live}
    # one sweep along eᵢ+eⱼ and one along eᵢ−eⱼ per unordered pair serve (i, j) and (j, i):
    # D³f is odd in its direction, so D³f[eⱼ−eᵢ] = −D³f[eᵢ−eⱼ]
    plus, minus = {}, {}
    for a, i in enumerate(live):
        for j in live[a + 1:]:
            plus[i, j] = d3(unit((i, 1.0), (j, 1.0)))
            minus[i, j] = d3(unit((i, 1.0), (j, -1.0)))
    sweeps = n + len(live) + len(plus) + len(minus)
    terms = []
    for i in live:
        for j in live:
            if i == j:
                t3 = diag[i]
            elif i < j:    # ∂³f/∂xᵢ∂xⱼ² = (D³f[eᵢ+eⱼ] + D³f[eᵢ−eⱼ] − 2·∂³f/∂xᵢ³)/6
                t3 = (plus[i, j] + minus[i, j] - 2.0 * diag[i]) / 6.0
            else:          # the same, the pair stored as (j, i)
                t3 = (plus[j, i] - minus[j, i] - 2.0 * diag[i]) / 6.0
            ui2, uj2 = quantities[i].u ** 2, quantities[j].u ** 2
            terms.append((0.5 * H[i][j] ** 2 + gum.sensitivities[i] * t3) * ui2 * uj2)
    term = math.fsum(terms)
    return SecondOrder(math.sqrt(max(gum.u ** 2 + term, 0.0)), term, sweeps)
