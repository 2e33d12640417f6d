"""Hyperbolic functions and their inverses."""
from __future__ import annotations

from .entry import S, blend, one_minus_sq, unary


def _tanh_taylor(F, u):
    # g₀ = 1 − y₀² cancels once tanh saturates: 4σ(2u₀)σ(−2u₀) is the same number
    g0 = 4.0 * F.sigmoid(2.0 * u[0]) * F.sigmoid(-2.0 * u[0])
    return S.solve(u, F.tanh(u[0]), lambda y, m: g0 if m == 0 else -S.square_sum(y, m))


def _asinh_taylor(F, u):      # 1/√(u² + 1), scaled so that u² cannot overflow
    return S.integrate(u, F.asinh(u[0]), S.scaled(
        u, lambda w, t: S.rsqrt(S.affine(S.sq(w), t * t, 1.0))))


def _acosh_taylor(F, u):      # 1/√(u² − 1)
    return S.integrate(u, F.acosh(u[0]), S.scaled(
        u, lambda w, t: S.rsqrt(S.mul(S.affine(w, -t, 1.0), S.affine(w, t, 1.0)))))


def _atanh_taylor(F, u):      # 1/(1 − u²)
    # (1 − u)(1 + u) as a product of series cancels in its t-coefficient near 0 (−1 + 1),
    # so the series is 1 − u², with the constant term in the form exact near ±1
    w = S.neg(S.sq(u))
    w[0] = (1.0 - u[0]) * (1.0 + u[0])
    return S.integrate(u, F.atanh(u[0]), S.div(S.const(1.0, len(u)), w))


ENTRIES = (
    unary("sinh", lambda m, x, o: (m.cosh(x),), "cosh({0})", "cosh({0})",
          lambda s, x: s.sinh(x), latex=r"\sinh", python="math.sinh", numpy="sinh",
          mpmath="sinh", c="sinh", taylor=lambda F, u: S.sincos(F, u, True)[0]),
    unary("cosh", lambda m, x, o: (m.sinh(x),), "sinh({0})", "sinh({0})",
          lambda s, x: s.cosh(x), latex=r"\cosh", python="math.cosh", numpy="cosh",
          mpmath="cosh", c="cosh", taylor=lambda F, u: S.sincos(F, u, True)[1]),
    unary("tanh", lambda m, x, o: (blend(m, x, 1.0, 1.0 - o * o,
                                         4.0 * m.sigmoid(2.0 * x) * m.sigmoid(-2.0 * x)),),
          "1 − {out}²", "1 - {out}^2", lambda s, x: s.tanh(x), latex=r"\tanh",
          python="math.tanh", numpy="tanh", mpmath="tanh", c="tanh", taylor=_tanh_taylor),
    unary("asinh", lambda m, x, o: (1.0 / m.hypot(x, 1.0),), "1/√({0}² + 1)",
          "1/sqrt({0}^2 + 1)", lambda s, x: s.asinh(x), python="math.asinh",
          numpy="arcsinh", mpmath="asinh", c="asinh", taylor=_asinh_taylor),
    unary("acosh", lambda m, x, o: (1.0 / (m.sqrt(x - 1.0) * m.sqrt(x + 1.0)),),  # no x²
          "1/√({0}² − 1)", "1/sqrt({0}^2 - 1)", lambda s, x: s.acosh(x),
          domain="acosh needs x ≥ 1", python="math.acosh", numpy="arccosh", mpmath="acosh",
          c="acosh", taylor=_acosh_taylor, sample=((1.2, 5.0),)),
    unary("atanh", lambda m, x, o: (1.0 / one_minus_sq(m, x),), "1/(1 − {0}²)",
          "1/(1 - {0}^2)", lambda s, x: s.atanh(x), domain="atanh needs −1 < x < 1",
          python="math.atanh", numpy="arctanh", mpmath="atanh", c="atanh",
          taylor=_atanh_taylor, sample=((-0.9, 0.9),)),
)
