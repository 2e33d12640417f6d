"""Truncated Taylor series as coefficient lists: the O(k²) kernels series rules use.

Pure Python over floats (``math.fsum`` keeps the sums accurate); the registry's
``taylor`` rules and :mod:`adcli.backends.taylor` share them.  A rule that needs a
function value takes it from the float backend ``F`` it is given.
"""
from __future__ import annotations

import math


def const(x: float, n: int) -> list:
    c = [0.0] * n
    c[0] = x
    return c


def mul(a: list, b: list) -> list:
    n = len(a)
    return [math.fsum(a[j] * b[m - j] for j in range(m + 1)) for m in range(n)]


def div(a: list, b: list) -> list:
    """q with q·b = a: qₘ = (aₘ − Σⱼ₌₀..ₘ₋₁ qⱼ·bₘ₋ⱼ)/b₀ (ZeroDivisionError when b₀ = 0)."""
    q: list = []
    b0 = b[0]
    for m in range(len(a)):
        s = a[m] - math.fsum(q[j] * b[m - j] for j in range(m))
        q.append(s / b0)
    return q


def sqrt(u: list, y0: float) -> list:
    """y with y² = u and y(0) = y0 ≠ 0: yₘ = (uₘ − Σⱼ₌₁..ₘ₋₁ yⱼ·yₘ₋ⱼ)/(2y₀)."""
    y = [y0]
    for m in range(1, len(u)):
        s = u[m] - math.fsum(y[j] * y[m - j] for j in range(1, m))
        y.append(s / (2.0 * y0))
    return y


def solve(u: list, y0: float, g_at) -> list:
    """y with y′ = g·u′, where ``g_at(y, m)`` gives gₘ from y₀ … yₘ."""
    y = [y0]
    g = [g_at(y, 0)]
    k = len(u) - 1
    for m in range(1, k + 1):
        y.append(math.fsum(j * u[j] * g[m - j] for j in range(1, m + 1)) / m)
        if m < k:
            g.append(g_at(y, m))
    return y


def integrate(u: list, y0: float, g: list) -> list:
    """y with y′ = g·u′ for a known series g."""
    return solve(u, y0, lambda y, m: g[m])


def square_sum(y: list, m: int) -> float:
    return math.fsum(y[i] * y[m - i] for i in range(m + 1))


def lead(c: list) -> int:
    """Index of the first non-zero coefficient (len(c) if there is none)."""
    for j, v in enumerate(c):
        if v != 0.0:
            return j
    return len(c)


def sign_along(c: list) -> float:
    """The sign of the series near t = 0 where it is smooth; 0 at a kink.

    A series starting at an odd power (t, t³, …) changes sign at t = 0: a
    kink of |u|, relu(u), min and max, where the core's convention applies.
    """
    p = lead(c)
    if p == len(c) or p % 2:
        return 0.0
    return 1.0 if c[p] > 0.0 else -1.0


def pow_const(u: list, r: float) -> list:
    """uʳ for a constant exponent r."""
    n = len(u)
    if r == 0.0:
        return const(1.0, n)
    if u[0] != 0.0:
        return pow_rec(u, r, math.pow(u[0], r))
    if r == int(r) and r > 0.0:
        return pow_int(u, int(r))
    p = lead(u)
    if p == n:
        return const(math.pow(0.0, r), n)     # 0^r: ValueError for r < 0, as math does
    if r > 0.0 and p * r > n - 1:
        return const(0.0, n)                  # every coefficient up to degree k vanishes
    raise ValueError("x^y: a derivative of this order is infinite or undefined at x = 0")


def pow_rec(u: list, r: float, y0: float) -> list:
    """y = uʳ with y(0) = y0, u₀ ≠ 0, from u·y′ = r·y·u′:
    yₘ = Σⱼ₌₀..ₘ₋₁ (r(m−j) − j)·uₘ₋ⱼ·yⱼ / (m·u₀)."""
    y = [y0]
    u0 = u[0]
    for m in range(1, len(u)):
        s = math.fsum((r * (m - j) - j) * u[m - j] * y[j] for j in range(m))
        y.append(s / (m * u0))
    return y


def pow_int(u: list, e: int) -> list:
    """uᵉ by repeated squaring, for u₀ = 0 (exact, O(k² log e))."""
    result = const(1.0, len(u))
    base = u
    while True:
        if e & 1:
            result = mul(result, base)
        e >>= 1
        if not e:
            return result
        if lead(base) >= len(u):
            return const(0.0, len(u))
        base = mul(base, base)


def exp(u: list, y0: float) -> list:
    return solve(u, y0, lambda y, m: y[m])


def sincos(F, u: list, hyperbolic: bool = False) -> tuple:
    """sin and cos (or sinh and cosh) together: each is the other's derivative."""
    u0 = u[0]
    if hyperbolic:
        s, c, sg = [F.sinh(u0)], [F.cosh(u0)], 1.0
    else:
        s, c, sg = [F.sin(u0)], [F.cos(u0)], -1.0
    for m in range(1, len(u)):
        s.append(math.fsum(j * u[j] * c[m - j] for j in range(1, m + 1)) / m)
        c.append(sg * math.fsum(j * u[j] * s[m - j] for j in range(1, m + 1)) / m)
    return s, c


def log(u: list, y0: float, w0: float) -> list:
    """log of w = (w₀, u₁, u₂, …), y₀ given: yₘ = (uₘ − (1/m)Σⱼ₌₁..ₘ₋₁ j·yⱼ·uₘ₋ⱼ)/w₀."""
    y = [y0]
    for m in range(1, len(u)):
        s = u[m] - math.fsum(j * y[j] * u[m - j] for j in range(1, m)) / m
        y.append(s / w0)
    return y


def rsqrt(u: list) -> list:
    """1/√u."""
    return div(const(1.0, len(u)), sqrt(u, math.sqrt(u[0])))


def sq(u: list) -> list:
    return mul(u, u)


def affine(u: list, a: float, b: float) -> list:
    """a + b·u."""
    c = [b * x for x in u]
    c[0] = c[0] + a
    return c


def neg(u: list) -> list:
    return [-x for x in u]


def scaled(u, f):
    """(1/s)·f(u/s, 1/s) with s = max(1, |u₀|): f's u² cannot overflow (asinh at 1e200)."""
    s = max(1.0, abs(u[0]))
    return [c / s for c in f([c / s for c in u], 1.0 / s)]


def cbrt0(u: list) -> list:
    if lead(u) == len(u):
        return const(0.0, len(u))
    # ∛ at 0 of a non-constant series: the first derivative is already infinite
    raise ZeroDivisionError("cbrt: infinite derivative at 0")
