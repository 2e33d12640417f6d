"""Smooth activations and special functions: sigmoid, softplus, erf, erfc, sinc, and the
gamma family (gamma, lgamma = log|Γ|, digamma, polygamma)."""
from __future__ import annotations

import math
from typing import Any

from .entry import S, binary, blend, sq, unary

_POLE = "x not a non-positive integer (a pole)"


# --- values written once over any backend (see adcli.backends.protocol) --------------------
def sigmoid(m: Any, x: Any) -> Any:
    """1/(1 + e^−x) without overflow: z = e^−|x|, then 1/(1 + z) or z/(1 + z)."""
    z = m.exp(-m.fabs(x))
    w = m.step(x, 1.0)
    return (w + (1.0 - w) * z) / (1.0 + z)


def softplus(m: Any, x: Any) -> Any:
    """log(1 + e^x) = log1p(e^−|x|) + max(x, 0)."""
    return m.log1p(m.exp(-m.fabs(x))) + m.relu(x)


# sinc: sin x / x beyond |x| = ½; its series (Horner in x², 24 terms, x⁴⁸/49! < 1e−77 at ½)
# within, so the value is 1 and the derivative 0 at x = 0, and the derivatives near 0 do not
# cancel.  The series is taken at x clipped to [−½, ½]: beyond, its weight is 0 but it must
# stay finite.
_SINC_CUT = 0.5
_SINC_TERMS = 24


def _sinc_series(m: Any, x: Any, derivative: bool) -> Any:
    y = m.fmax(m.fmin(x, _SINC_CUT), -_SINC_CUT)
    y2 = y * y
    c = [m.const(1.0)]
    for k in range(1, _SINC_TERMS + 1):
        c.append(c[-1] / (-(2.0 * k) * (2.0 * k + 1.0)))
    if derivative:       # Σ 2k·c_k·y^(2k−1)
        p = c[-1] * (2.0 * _SINC_TERMS)
        for k in range(_SINC_TERMS - 1, 0, -1):
            p = p * y2 + c[k] * (2.0 * k)
        return p * y
    p = c[-1]
    for k in range(_SINC_TERMS - 1, -1, -1):
        p = p * y2 + c[k]
    return p


def sinc(m: Any, x: Any) -> Any:
    w = m.step(m.fabs(x) - _SINC_CUT, 1.0)
    return w * m.div0(m.sin(x), x) + (1.0 - w) * _sinc_series(m, x, False)


def _sinc_d(m: Any, x: Any, o: Any) -> tuple:
    # the far form is taken at x + 1 within the cut (its weight is 0 there): over Taylor
    # series, dividing by x ≈ 1e−300 would overflow in the higher coefficients and 0·inf
    w = m.step(m.fabs(x) - _SINC_CUT, 1.0)
    z = x + (1.0 - w)
    return (w * m.div0(m.cos(z) - o, z) + (1.0 - w) * _sinc_series(m, x, True),)


# --- Taylor rules that keep the stable forms ------------------------------------------------
def _sigmoid_taylor(F: Any, u: list) -> list:
    # g = y − y².  g₀ = y₀ − y₀² cancels once σ saturates: σ(u₀)σ(−u₀) is the same number.
    # gₘ = (1 − 2y₀)·yₘ − Σᵢ₌₁..ₘ₋₁ yᵢyₘ₋ᵢ, and 1 − 2y₀ cancels near 0: it is −tanh(u₀/2)
    g0 = F.sigmoid(u[0]) * F.sigmoid(-u[0])
    c = -F.tanh(0.5 * u[0])
    return S.solve(u, F.sigmoid(u[0]), lambda y, m: g0 if m == 0 else
                   c * y[m] - math.fsum(y[i] * y[m - i] for i in range(1, m)))


def _erf_d(F: Any, u: list) -> list:       # 2/√π · exp(−u²)
    w = S.neg(S.sq(u))
    return [F.TWO_OVER_SQRTPI * c for c in S.exp(w, F.exp(w[0]))]


def _polygamma_d(m: Any, n: Any, x: Any, o: Any) -> tuple:
    # the order is an integer: no derivative in it (NaN, so an active order is an error)
    return math.nan, m.polygamma(n + 1.0, x)


ENTRIES = (
    unary("sigmoid", lambda m, x, o: (blend(m, x, 1.0, 0.25 - 0.25 * sq(m.tanh(0.5 * x)),
                                            o * m.sigmoid(-x)),),
          "{out}·(1 − {out})", "{out}*(1 - {out})", lambda s, x: 1 / (1 + s.exp(-x)),
          rule="σ({0})", latex=r"\sigma", generic=sigmoid, taylor=_sigmoid_taylor),
    unary("softplus", lambda m, x, o: (m.sigmoid(x),), "σ({0})", "sigmoid({0})",
          lambda s, x: s.log(1 + s.exp(x)), generic=softplus,
          taylor=lambda F, u: S.integrate(u, F.softplus(u[0]), _sigmoid_taylor(F, u))),
    unary("erf", lambda m, x, o: (m.TWO_OVER_SQRTPI * m.exp(-x * x),), "2/√π·exp(−{0}²)",
          "2/sqrt(pi)*exp(-{0}^2)", lambda s, x: s.erf(x), python="math.erf", scipy="erf",
          mpmath="erf", c="erf", taylor=lambda F, u: S.integrate(u, F.erf(u[0]), _erf_d(F, u))),
    unary("erfc", lambda m, x, o: (-m.TWO_OVER_SQRTPI * m.exp(-x * x),), "−2/√π·exp(−{0}²)",
          "-2/sqrt(pi)*exp(-{0}^2)", lambda s, x: s.erfc(x), python="math.erfc",
          scipy="erfc", mpmath="erfc", c="erfc",
          taylor=lambda F, u: S.integrate(u, F.erfc(u[0]), S.neg(_erf_d(F, u)))),
    unary("sinc", _sinc_d, "(cos({0}) − {out})/{0}", "(cos({0}) - {out})/{0}",
          lambda s, x: s.sinc(x), generic=sinc, mpmath="sinc", sample=((-6.0, 6.0),),
          sample_points=((0.0,), (1e-3,), (-0.3,), (0.4999,), (0.5,), (-0.5001,))),
    unary("gamma", lambda m, x, o: (o * m.digamma(x),), "{out}·ψ({0})", "{out}*digamma({0})",
          lambda s, x: s.gamma(x), latex=r"\Gamma", domain="gamma needs " + _POLE,
          python="math.gamma", scipy="gamma", mpmath="gamma", c="tgamma",
          sample=((0.3, 4.5),), sample_points=((-0.5,), (-1.5,), (-2.7,))),
    unary("lgamma", lambda m, x, o: (m.digamma(x),), "ψ({0})", "digamma({0})",
          lambda s, x: s.log(s.gamma(x) ** 2) / 2, latex=r"\ln\Gamma",   # log|Γ|, x < 0 too
          domain="lgamma (log|Γ(x)|) needs " + _POLE, scipy="gammaln",
          c="lgamma", sample=((0.3, 6.0),), sample_points=((-0.5,), (-2.5,))),
    unary("digamma", lambda m, x, o: (m.polygamma(1.0, x),), "ψ′({0})", "polygamma(1, {0})",
          lambda s, x: s.digamma(x), latex=r"\psi", domain="digamma needs " + _POLE,
          scipy="digamma", mpmath="digamma", c="adcli_digamma", sample=((0.3, 5.0),),
          sample_points=((-0.5,), (-3.3,))),
    binary("polygamma", _polygamma_d, ("NaN", "polygamma({0} + 1, {1})"),
           ("0", "polygamma({0} + 1, {1})"), lambda s, n, x: s.polygamma(n, x),
           scipy="polygamma", mpmath="polygamma", c="adcli_polygamma",
           domain="polygamma(n, x) needs an integer order n ≥ 0 and " + _POLE,
           sample=((1.0, 1.0), (0.3, 5.0))),
)
