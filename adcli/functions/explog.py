"""Exponentials, logarithms and roots."""
from __future__ import annotations

from .entry import S, unary


def _log_k(F, u, base_log):
    """log_b u = log u / ln b: the value from F, the rest of the series from log u."""
    return S.log(u, F.log(u[0]), u[0])[1:] if base_log is None else \
        [c / base_log for c in S.log(u, F.log(u[0]), u[0])[1:]]


ENTRIES = (
    unary("exp", lambda m, x, o: (o,), "{out}", "{out}", lambda s, x: s.exp(x),
          latex=r"\exp", python="math.exp", numpy="exp", mpmath="exp", c="exp",
          taylor=lambda F, u: S.exp(u, F.exp(u[0]))),
    unary("expm1", lambda m, x, o: (m.exp(x),), "exp({0})", "exp({0})",
          lambda s, x: s.exp(x) - 1, python="math.expm1", numpy="expm1", mpmath="expm1",
          c="expm1", taylor=lambda F, u: [F.expm1(u[0])] + S.exp(u, F.exp(u[0]))[1:]),
    unary("log", lambda m, x, o: (1.0 / x,), "1/{0}", "1/{0}", lambda s, x: s.log(x),
          latex=r"\log", domain="log needs x > 0", python="math.log", numpy="log",
          mpmath="log", c="log", taylor=lambda F, u: S.log(u, F.log(u[0]), u[0]),
          sample=((0.2, 5.0),)),
    unary("log1p", lambda m, x, o: (1.0 / (1.0 + x),), "1/(1 + {0})", "1/(1 + {0})",
          lambda s, x: s.log(1 + x), domain="log1p needs x > −1", python="math.log1p",
          numpy="log1p", mpmath="log1p", c="log1p",
          taylor=lambda F, u: S.log(u, F.log1p(u[0]), 1.0 + u[0]), sample=((-0.8, 4.0),)),
    unary("log2", lambda m, x, o: (1.0 / (x * m.LN2),), "1/({0}·ln 2)", "1/({0}*log(2))",
          lambda s, x: s.log(x, 2), domain="log2 needs x > 0", python="math.log2",
          numpy="log2", c="log2", taylor=lambda F, u: [F.log2(u[0])] + _log_k(F, u, F.LN2),
          sample=((0.2, 5.0),)),
    unary("log10", lambda m, x, o: (1.0 / (x * m.LN10),), "1/({0}·ln 10)",
          "1/({0}*log(10))", lambda s, x: s.log(x, 10), domain="log10 needs x > 0",
          python="math.log10", numpy="log10", c="log10",
          taylor=lambda F, u: [F.log10(u[0])] + _log_k(F, u, F.LN10), sample=((0.2, 5.0),)),
    unary("sqrt", lambda m, x, o: (0.5 / o,), "1/(2·{out})", "1/(2*{out})",
          lambda s, x: s.sqrt(x), rule="√{0}", domain="sqrt needs x ≥ 0",
          python="math.sqrt", numpy="sqrt", mpmath="sqrt", c="sqrt",
          taylor=lambda F, u: S.sqrt(u, F.sqrt(u[0])), sample=((0.2, 5.0),)),
    unary("cbrt", lambda m, x, o: (1.0 / (3.0 * o * o),), "1/(3·{out}²)", "1/(3*{out}^2)",
          lambda s, x: s.real_root(x, 3), rule="∛{0}", python="math.cbrt", numpy="cbrt",
          c="cbrt", taylor=lambda F, u: S.pow_rec(u, 1.0 / 3.0, F.cbrt(u[0])) if u[0]
          else S.cbrt0(u), sample=((0.2, 5.0),)),
)
