"""Trigonometric functions and their inverses."""
from __future__ import annotations

from .entry import S, binary, one_minus_sq, unary

_ATAN2_CONV = "atan2 is not differentiable at (0, 0); adcli uses 0 for both partials"


def _atan2_d(m, y, x, o):   # (x/r)/r, r = hypot: x² + y² over/underflows
    r = m.hypot(y, x)
    return m.div0(m.div0(x, r), r), m.div0(m.div0(-y, r), r)


def _tan_taylor(F, u):
    return S.solve(u, F.tan(u[0]), lambda y, m: (m == 0) + S.square_sum(y, m))


def _asin_d(u):      # 1/√(1 − u²); near ±1 as 1/√((1 − u)(1 + u)), which does not cancel
    if abs(u[0]) > 0.5:
        return S.rsqrt(S.mul(S.affine(u, 1.0, -1.0), S.affine(u, 1.0, 1.0)))
    return S.rsqrt(S.affine(S.sq(u), 1.0, -1.0))


def _atan_taylor(F, u):
    return S.integrate(u, F.atan(u[0]), S.div(S.const(1.0, len(u)), S.affine(S.sq(u), 1.0, 1.0)))


ENTRIES = (
    unary("sin", lambda m, x, o: (m.cos(x),), "cos({0})", "cos({0})",
          lambda s, x: s.sin(x), latex=r"\sin", python="math.sin", numpy="sin",
          mpmath="sin", c="sin", taylor=lambda F, u: S.sincos(F, u)[0]),
    unary("cos", lambda m, x, o: (-m.sin(x),), "−sin({0})", "-sin({0})",
          lambda s, x: s.cos(x), latex=r"\cos", python="math.cos", numpy="cos",
          mpmath="cos", c="cos", taylor=lambda F, u: S.sincos(F, u)[1]),
    unary("tan", lambda m, x, o: (1.0 + o * o,), "1 + {out}²", "1 + {out}^2",
          lambda s, x: s.tan(x), latex=r"\tan", python="math.tan", numpy="tan",
          mpmath="tan", c="tan", taylor=_tan_taylor, sample=((-1.3, 1.3),)),
    unary("asin", lambda m, x, o: (1.0 / m.sqrt(one_minus_sq(m, x)),), "1/√(1 − {0}²)",
          "1/sqrt(1 - {0}^2)", lambda s, x: s.asin(x), domain="asin needs −1 ≤ x ≤ 1",
          python="math.asin", numpy="arcsin", mpmath="asin", c="asin",
          taylor=lambda F, u: S.integrate(u, F.asin(u[0]), _asin_d(u)),
          sample=((-0.9, 0.9),)),
    unary("acos", lambda m, x, o: (-1.0 / m.sqrt(one_minus_sq(m, x)),), "−1/√(1 − {0}²)",
          "-1/sqrt(1 - {0}^2)", lambda s, x: s.acos(x), domain="acos needs −1 ≤ x ≤ 1",
          python="math.acos", numpy="arccos", mpmath="acos", c="acos",
          taylor=lambda F, u: S.integrate(u, F.acos(u[0]), S.neg(_asin_d(u))),
          sample=((-0.9, 0.9),)),
    unary("atan", lambda m, x, o: (1.0 / (1.0 + x * x),), "1/(1 + {0}²)", "1/(1 + {0}^2)",
          lambda s, x: s.atan(x), python="math.atan", numpy="arctan", mpmath="atan",
          c="atan", taylor=_atan_taylor),
    binary("atan2", _atan2_d, ("{1}/({0}² + {1}²)", "−{0}/({0}² + {1}²)"),
           ("{1}/({0}^2 + {1}^2)", "-{0}/({0}^2 + {1}^2)"), lambda s, y, x: s.atan2(y, x),
           kink=lambda y, x: x == 0.0 and y == 0.0, convention=_ATAN2_CONV,
           python="math.atan2", numpy="arctan2", mpmath="atan2", c="atan2",
           sample=((-3.0, 3.0), (0.3, 3.0))),
    # reciprocal functions: values from cos, sin, tan, so every backend has them already
    unary("sec", lambda m, x, o: (o * m.tan(x),), "{out}·tan({0})", "{out}*tan({0})",
          lambda s, x: s.sec(x), latex=r"\sec", value=lambda m, x: 1.0 / m.cos(x),
          domain="sec needs cos x ≠ 0",
          mpmath="sec", sample=((-1.3, 1.3),)),
    unary("csc", lambda m, x, o: (-o / m.tan(x),), "−{out}/tan({0})", "-{out}/tan({0})",
          lambda s, x: s.csc(x), latex=r"\csc", value=lambda m, x: 1.0 / m.sin(x),
          domain="csc needs sin x ≠ 0",
          mpmath="csc", sample=((0.3, 2.8),)),
    unary("cot", lambda m, x, o: (-1.0 - o * o,), "−1 − {out}²", "-1 - {out}^2",
          lambda s, x: s.cot(x), latex=r"\cot", value=lambda m, x: 1.0 / m.tan(x),
          domain="cot needs sin x ≠ 0",
          mpmath="cot", sample=((0.3, 2.8),)),
)
