"""How much rounding to expect: the magnitude bound, AD's rounding spread (Monte Carlo
arithmetic over jittered re-runs), the round-off sizes S of the finite differences, and
the ill-conditioning warnings."""
from __future__ import annotations

import math
import random

from ..engine import ZERO, Linearization, adjoint_sweep, linearize, tangent_sweep
from ..errors import AdcliError
from .model import partial_text
from .numbers import FLOAT

ROUNDING_SAMPLES = 8     # jittered re-runs for AD's rounding spread
ROUNDING_FACTOR = 4.0    # AD and SymPy may differ by this × the spread
ROUNDING_SEED = 20_251_123
ILL_CONDITIONED = 1e-8   # relative spread beyond this: warn that float64 AD has lost digits
EXACT_PARTIALS = frozenset({"add", "sub", "neg", "mul"})   # ±1 or an argument: not rounded


def magnitude(g, lin: Linearization) -> list:
    """M[r][j]: the derivative's forward sweep over |local partials| (no cancellation)."""
    absolute = [tuple((k, abs(p)) for k, p in pr) for pr in lin.pairs]
    alin = Linearization(absolute, lin.order)
    n = g.n_inputs
    out = [[0.0] * n for _ in g.outputs]
    for j in range(n):
        seed = [ZERO] * n
        seed[j] = 1.0
        tan = tangent_sweep(g, alin, seed)
        for r, o in enumerate(g.outputs):
            out[r][j] = tan[o]
    return out


def _jittered_values(g, point, nums, m, rng) -> list:
    """The primal sweep with every equation's value moved by a random fraction of ±1 ULP."""
    n = g.n_inputs
    vals = list(point) + [m.const(c) for c in g.const[n:g.first_op]] + [None] * g.n_ops
    ops, args = g.op, g.args
    for i in range(g.first_op, g.n_nodes):
        v = ops[i].value(m, *[vals[a] for a in args[i]])
        vals[i] = nums.jitter(v, rng.uniform(-1.0, 1.0))
    return vals


def _jittered_jacobian(g, point, nums, m, rng) -> list | None:
    """Reverse AD over jittered values and jittered (rounded) local partials; None if the
    jitter leaves a domain or the result is not finite."""
    try:
        vals = _jittered_values(g, point, nums, m, rng)
        lin = linearize(g, vals, m)
    except (AdcliError, ValueError, ZeroDivisionError, OverflowError):
        return None
    pairs = list(lin.pairs)
    for i in lin.order:
        if g.op[i].name not in EXACT_PARTIALS:
            pairs[i] = tuple((k, nums.jitter(p, rng.uniform(-1.0, 1.0))) for k, p in pairs[i])
    jl = Linearization(pairs, lin.order)
    jac = [adjoint_sweep(g, jl, o)[:g.n_inputs] for o in g.outputs]
    if not all(nums.finite(v) for row in jac for v in row):
        return None
    return jac


def rounding_spread(g, point, base: list, nums=FLOAT) -> list | None:
    """spread[r][j]: the largest change of ∂fᵣ/∂xⱼ over ROUNDING_SAMPLES jittered re-runs
    (seeded: the same command gives the same spread); None if no re-run could be made."""
    m = nums.namespace(g)
    rng = random.Random(ROUNDING_SEED)
    spread = None
    for _ in range(ROUNDING_SAMPLES):
        jac = _jittered_jacobian(g, point, nums, m, rng)
        if jac is None:
            continue
        if spread is None:
            spread = [[0.0] * g.n_inputs for _ in g.outputs]
        for r, row in enumerate(jac):
            for j, v in enumerate(row):
                spread[r][j] = max(spread[r][j], abs(v - base[r][j]))
    return spread


def rounding_sizes(g, vals, lin: Linearization, deps: list) -> list:
    """S[r][j] = Σᵢ |vᵢ|·|∂fᵣ/∂vᵢ| over the equations that vary with xⱼ.

    Evaluating fᵣ rounds each vᵢ by up to about ε·|vᵢ|, which moves fᵣ by
    ε·|vᵢ·v̄ᵢ| (first order); equations that do not depend on xⱼ round the
    same way at x ± h and cancel in a finite difference.  One adjoint sweep
    per output gives every v̄ᵢ.
    """
    n = g.n_inputs
    out = []
    for o in g.outputs:
        adj = adjoint_sweep(g, lin, o)
        row = [0.0] * n
        for i in lin.order:
            b = adj[i]
            if b is ZERO:
                continue
            c = abs(vals[i] * b)
            mask = deps[i]
            for j in range(n):
                if mask >> j & 1:
                    row[j] = row[j] + c
        out.append(row)
    return out


def conditioning_warnings(g, rows, nums) -> list:
    """Partials whose rounding spread eats into the digits AD reports."""
    out = []
    digits = nums.digits
    limit = ILL_CONDITIONED if digits is None else 10.0 ** -digits
    for row in rows:
        if row.spread is None or row.reverse == 0:
            continue
        rel = float(row.spread / abs(row.reverse))
        if rel <= limit:
            continue
        good = max(0, int(-math.log10(rel)))
        left = (f"AD has only about {good} correct digits (--digits N computes it with more)"
                if digits is None else
                f"only about {good} of the {digits} digits shown are right (a larger --digits "
                "gives more)")
        out.append(f"{partial_text(g, row)} is ill-conditioned here: rounding the primal "
                   f"values moves it by {rel:.2g} relative, so {left}")
    return out
