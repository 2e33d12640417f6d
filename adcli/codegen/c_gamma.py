"""C helpers for what ``<math.h>`` lacks of the gamma family: ψ (digamma) and ψ⁽ⁿ⁾ (polygamma).

The registry's ``c`` field names them (``adcli_digamma``, ``adcli_polygamma``); the C printer
writes each one once per file, only when it is used.  Straight C99 with loops, no tables
beyond the coefficients below (computed with mpmath at 60 digits, see the comments):

* ψ(x): reflection ψ(x) = ψ(1 − x) − π·cot(πx) for x ≤ 0 (the cotangent of the exact
  reduction x − round(x)); ψ(x) = ψ(x + 1) − 1/x below 1; the asymptotic series
  ln x − 1/(2x) − Σ B₂ₖ/(2k·x²ᵏ) from 10; between, the recurrence down to [1, 3], where
  ψ(x) = (x − x₀)·Q(x − 2), x₀ the positive root (as two doubles, so that ψ keeps its
  relative accuracy there) and Q a Chebyshev fit of degree 31 (error < 1e−18).
* ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹·n!·ζ(n + 1, x) for an integer order n ≥ 1 (n = 0 is ψ): the Hurwitz
  zeta function as Σₖ (x + k)⁻ⁿ⁻¹ up to z = x + N ≥ n + 20, then its Euler–Maclaurin
  tail z⁻ⁿ/n + z⁻ⁿ⁻¹/2 + Σⱼ B₂ⱼ/(2j)!·(n+1)⋯(n+2j−1)·z⁻ⁿ⁻²ʲ.  Any order: n! is a product,
  and a non-integer or negative order gives NaN (so does x < −10⁶, where the sum
  would take −x terms).
"""
from __future__ import annotations

# Q(t) = ψ(t + 2)/(t + 2 − x₀) on t ∈ [−1, 1]: mpmath.chebyfit(Q, [-1, 1], 32), highest first
_Q = (
    -1.4648744998182098e-09, 2.929749554433025e-09, 5.859495225237461e-09,
    -1.1718989895311787e-08, -1.9043382370013445e-08, 3.808678582853474e-08,
    1.6113458557711186e-08, -3.222676221329982e-08, -6.944562515770024e-08,
    1.3889269604977765e-07, -1.4091552030188092e-07, 2.818440149295972e-07,
    -6.650665463841941e-07, 1.3302501346450776e-06, -2.6058390310695028e-06,
    5.212735215146639e-06, -1.0450569877155793e-05, 2.0910716029415635e-05,
    -4.1843951715424783e-05, 8.377511019652059e-05, -0.00016781556117044082,
    0.00033643312402344133, -0.0006753133297619733, 0.0013581421102962425,
    -0.002739572885748579, 0.005552254176509414, -0.011338432553246743, 0.023447309597550668,
    -0.049551032917674064, 0.10899991701762858, -0.2607389546830014, 0.7853075386041053,
)
#: x₀ = 1.46163214496836234126…, ψ(x₀) = 0, as x0_hi + x0_lo
_X0 = (1.4616321449683622, 9.549995429965697e-17)
#: B₂ₖ/(2k), k = 1..9 (ψ's asymptotic series), and B₂ⱼ/(2j)!, j = 1..12 (ζ's tail)
_PSI_ASYM = (0.08333333333333333, -0.008333333333333333, 0.003968253968253968,
             -0.004166666666666667, 0.007575757575757576, -0.021092796092796094,
             0.08333333333333333, -0.4432598039215686, 3.0539543302701198)
_ZETA_TAIL = (0.08333333333333333, -0.001388888888888889, 3.306878306878307e-05,
              -8.267195767195768e-07, 2.08767569878681e-08, -5.284190138687493e-10,
              1.3382536530684679e-11, -3.3896802963225827e-13, 8.586062056277845e-15,
              -2.174868698558062e-16, 5.5090028283602295e-18, -1.3954464685812522e-19)
_PI = 3.141592653589793


def _table(name: str, values: tuple) -> str:
    rows, line = [], "        "
    for v in values:
        text = repr(v) + ","
        if len(line) + len(text) > 92:
            rows.append(line.rstrip())
            line = "        "
        line += text + " "
    rows.append(line.rstrip().rstrip(","))
    return f"    static const double {name}[{len(values)}] = {{\n" + "\n".join(rows) + "\n    };\n"


DIGAMMA = (
    "/* digamma psi(x): reflection below 0, recurrence, a fit on [1, 3] around the root,\n"
    "   the asymptotic series from 10 */\n"
    "static inline double adcli_digamma(double x)\n{\n"
    + _table("q", _Q) + _table("a", _PSI_ASYM) +
    f"""    double r = 0.0, s, t;
    int k;
    if (x <= 0.0) {{
        if (x == floor(x))
            return x == 0.0 ? -1.0 / x : NAN;     /* a pole */
        t = x - floor(x + 0.5);                   /* exact, in [-1/2, 1/2] */
        r = -{_PI!r} / tan({_PI!r} * t);
        x = 1.0 - x;
    }}
    if (x < 1.0) {{
        r -= 1.0 / x;
        x += 1.0;
    }}
    if (x >= 10.0) {{
        t = 1.0 / (x * x);
        s = a[8];
        for (k = 7; k >= 0; --k)
            s = s * t + a[k];
        return r + (log(x) - 0.5 / x - s * t);
    }}
    while (x > 3.0) {{
        x -= 1.0;
        r += 1.0 / x;
    }}
    t = x - 2.0;
    s = q[0];
    for (k = 1; k < {len(_Q)}; ++k)
        s = s * t + q[k];
    return r + ((x - {_X0[0]!r}) - {_X0[1]!r}) * s;
}}
""")

POLYGAMMA = (
    "/* polygamma psi^(n)(x) = (-1)^(n+1) n! zeta(n+1, x), integer n >= 0 */\n"
    "static inline double adcli_polygamma(double n, double x)\n{\n"
    + _table("b", _ZETA_TAIL) +
    """    double f = 1.0, s = 0.0, z, p, a, k, m, sign;
    int j;
    if (n == 0.0)
        return adcli_digamma(x);
    if (!(n > 0.0) || n != floor(n))
        return NAN;
    sign = fmod(n, 2.0) == 0.0 ? -1.0 : 1.0;
    if (x <= 0.0 && x == floor(x))
        return sign * INFINITY;                   /* a pole */
    if (x < -1.0e6)
        return NAN;              /* the sum would take -x terms: not supported */
    for (p = 2.0; p <= n; p += 1.0)
        f *= p;                                   /* n! */
    m = x < n + 20.0 ? ceil(n + 20.0 - x) : 0.0;
    z = x + m;
    p = pow(z, -(n + 1.0));
    a = (n + 1.0) * p / z;                        /* (n+1)...(n+2j-1) z^(-n-2j) */
    for (j = 0; j < 12; ++j) {
        s += b[j] * a;
        a *= (n + 2.0 * j + 2.0) * (n + 2.0 * j + 3.0) / (z * z);
    }
    s += 0.5 * p;
    s += p * z / n;
    for (k = m - 1.0; k >= 0.0; k -= 1.0)         /* the smallest terms first */
        s += pow(x + k, -(n + 1.0));
    return sign * f * s;
}
""")

#: helper name -> (its C source, the helpers it calls)
HELPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "adcli_digamma": (DIGAMMA, ()),
    "adcli_polygamma": (POLYGAMMA, ("adcli_digamma",)),
}
