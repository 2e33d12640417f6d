"""Directional and higher-order derivatives, from the core's engines.

Nothing here walks the Wengert list itself: every algorithm is the core's
:func:`~adcli.engine.evaluate`, :func:`~adcli.engine.linearize`,
:func:`~adcli.engine.tangent_sweep` and :func:`~adcli.engine.adjoint_sweep`,
run over floats, dual numbers (:mod:`adcli.backends.dual`) or truncated Taylor series
(:mod:`adcli.backends.taylor`):

* ``jvp``         J·v: one tangent sweep seeded with v;
* ``vjp``         wᵀ·J: one adjoint sweep seeded with w over the outputs;
* ``hvp``         H·v: forward-over-reverse, i.e. evaluate + linearize +
                  adjoint sweep over dual numbers x + v·ε; the ε parts of the
                  input adjoints are H·v, their values the gradient;
* ``hessian``     one such sweep per input (v = eⱼ gives row j);
* ``derivatives`` f, f′, …, f⁽ᵏ⁾ of t ↦ f(x₀ + t·v): one evaluate over
                  Taylor series of degree k, O(k²) per operation.

Every algorithm first runs the float sweeps, so domain errors, infinite
first derivatives and kink warnings are exactly the core's; a failure that
only the higher-order sweep meets (x^2.5 at 0 beyond order 2) is reported
as such, naming the trace row.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from .backends.dual import Dual, DualMath, tangent, value
from .backends.floats import FloatMath
from .backends.taylor import Taylor, TaylorMath, variable
from .engine import ZERO, adjoint_sweep, evaluate, linearize, row_text, tangent_sweep
from .errors import EvalError
from .ir import Graph


@dataclass
class Directional:
    """jvp / vjp / hvp: the values, the product, and what it cost."""

    value: list                    # one value per output
    product: list                  # J·v (per output), wᵀ·J or H·v (per input)
    sweeps: int
    warnings: list = field(default_factory=list)
    gradient: list = field(default_factory=list)   # hvp only


@dataclass
class Hessian:
    value: float
    gradient: list
    hessian: list                  # n rows, exactly symmetric
    asymmetry: float               # max |Hᵢⱼ − Hⱼᵢ| of the rows as computed
    sweeps: int
    warnings: list


@dataclass
class Derivatives:
    value: float
    derivatives: list              # f, f′, …, f⁽ᵏ⁾
    warnings: list


def _nested_derivatives(g: Graph, point, order: int, direction, m) -> Derivatives:
    from .backends.dualover import dual_over
    vals = evaluate(g, point, m)
    warnings = linearize(g, vals, m).warnings if order >= 1 else []
    ns, seeded = m, list(point)
    for _ in range(order):
        ns = dual_over(ns)
        seeded = [Dual(x, m.const(v)) for x, v in zip(seeded, direction, strict=True)]
    out = evaluate(g, seeded, ns)[g.outputs[0]]
    ds = []
    for j in range(order + 1):   # ε₁…εⱼ: the tangent part j levels down from the top
        w = out
        for level in range(order):
            w = (tangent(w) if level < j else value(w)) if type(w) is Dual else \
                (w if level >= j else m.const(0.0))
        ds.append(w)
    return Derivatives(ds[0], ds, warnings)


# -- the float sweeps every algorithm starts from ----------------------------------
def _first_order(g: Graph, point, m):
    vals = evaluate(g, point, m)
    return vals, linearize(g, vals, m)


def _number(m):
    """How a computed part becomes a result: float64, or as it is over mpmath."""
    return float if m is FloatMath else _same


def _same(v):
    return v


def _duals(m):
    """The dual-number namespace over ``m``."""
    if m is FloatMath:
        return DualMath
    from .backends.dualover import dual_over
    return dual_over(m)


def _node(g: Graph, label) -> int | None:
    for i in range(g.first_op, g.n_nodes):
        if g.label(i) == label:
            return i
    return None


@contextlib.contextmanager
def _higher_order(g: Graph, vals, what: str):
    """Re-word an error met only by a dual/Taylor sweep, naming the row with floats."""
    try:
        yield
    except EvalError as exc:
        i = _node(g, exc.row)
        where = row_text(g, i, vals) if i is not None else f"trace row {exc.row}"
        raise EvalError(f"{what} is infinite, undefined or beyond float64's range, "
                        f"at {where}", row=exc.row) from None


def _finite(values, what) -> None:
    for k, v in enumerate(values):
        if v - v != 0.0:
            raise EvalError(f"{what(k)} is infinite or undefined (beyond float64's range)")


def _seed(v) -> list:
    """Zero entries become the engine's ZERO, so the sweep skips them."""
    return [ZERO if x == 0.0 else x for x in v]


# -- first order, in one sweep -------------------------------------------------------
def jvp(g: Graph, point, direction, m=None) -> Directional:
    """J·v in one tangent sweep."""
    m = m or FloatMath
    vals, lin = _first_order(g, point, m)
    tan = tangent_sweep(g, lin, _seed(direction))
    num = _number(m)
    prod = [num(tan[o]) for o in g.outputs]
    _finite(prod, lambda r: f"J·v (output {r + 1})")
    return Directional([vals[o] for o in g.outputs], prod, 1, lin.warnings)


def vjp(g: Graph, point, cotangent, m=None) -> Directional:
    """wᵀ·J in one adjoint sweep seeded with w over the outputs."""
    m = m or FloatMath
    vals, lin = _first_order(g, point, m)
    adj = adjoint_sweep(g, lin, list(g.outputs), list(cotangent))
    num = _number(m)
    prod = [num(a) for a in adj[:g.n_inputs]]
    _finite(prod, lambda j: f"wᵀ·J (with respect to {g.names[j]})")
    return Directional([vals[o] for o in g.outputs], prod, 1, lin.warnings)


# -- second order: forward-over-reverse ------------------------------------------------
def _reverse_over_duals(g: Graph, point, dm=DualMath) -> list:
    """Evaluate, linearize and sweep back over dual numbers: the input adjoints."""
    dvals = evaluate(g, point, dm)
    dlin = linearize(g, dvals, dm)
    return adjoint_sweep(g, dlin, g.outputs[0])[:g.n_inputs]


def hvp(g: Graph, point, direction, m=None) -> Directional:
    """H·v (and the gradient) in one forward-over-reverse sweep, without H."""
    m = m or FloatMath
    vals, lin = _first_order(g, point, m)
    seeded = [Dual(x, v) if v != 0.0 else x for x, v in zip(point, direction)]
    with _higher_order(g, vals, "a second derivative"):
        adj = _reverse_over_duals(g, seeded, _duals(m))
    num = _number(m)
    grad = [num(value(a)) for a in adj]
    prod = [num(tangent(a)) for a in adj]
    _finite(grad, lambda j: f"the derivative with respect to {g.names[j]}")
    _finite(prod, lambda j: f"H·v (row {g.names[j]})")
    return Directional([vals[g.outputs[0]]], prod, 1, lin.warnings, grad)


def hessian(g: Graph, point, m=None) -> Hessian:
    """The Hessian of a scalar formula: one forward-over-reverse sweep per input.

    Row j is H·eⱼ.  Rounding can make Hᵢⱼ and Hⱼᵢ differ in the last bits;
    the result is their mean, so it is exactly symmetric, and ``asymmetry``
    says by how much the computed rows differed.
    """
    m = m or FloatMath
    vals, lin = _first_order(g, point, m)
    n = g.n_inputs
    num, dm = _number(m), _duals(m)
    grad = [num(a) for a in adjoint_sweep(g, lin, g.outputs[0])[:n]]
    _finite(grad, lambda j: f"the derivative with respect to {g.names[j]}")
    rows = []
    with _higher_order(g, vals, "a second derivative"):
        for j in range(n):
            seeded = list(point)
            seeded[j] = Dual(point[j], 1.0)
            rows.append([num(tangent(a)) for a in _reverse_over_duals(g, seeded, dm)])
    for j, row in enumerate(rows):
        _finite(row, lambda i, j=j: f"∂²f/∂{g.names[j]}∂{g.names[i]}")
    sym, gap = _symmetrize(rows)
    warnings = lin.warnings + _unequal_mixed_partials(g, rows)
    return Hessian(vals[g.outputs[0]], grad, sym, gap, n, warnings)


#: Hᵢⱼ and Hⱼᵢ differing by more than this (relative to them and to the largest
#: entry) is not rounding: f is not twice differentiable there (x^y at (0, 1)).
ASYMMETRY_RTOL = 1e-6


def _unequal_mixed_partials(g: Graph, rows: list) -> list:
    n, out = len(rows), []
    scale = max((abs(v) for row in rows for v in row), default=0.0)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = rows[i][j], rows[j][i]
            gap = abs(a - b)
            if gap > ASYMMETRY_RTOL * max(abs(a), abs(b)) and gap > 1e-12 * scale:
                x, y = g.names[i], g.names[j]
                out.append(f"∂²f/∂{x}∂{y} = {_text(a)} but ∂²f/∂{y}∂{x} = {_text(b)}: f is not "
                           "twice differentiable at this point; the Hessian shows their mean")
    return out


def _text(v) -> str:
    """A number in a warning: :func:`adcli.render.numbers.working_text` (float64 in
    full, mpmath numbers to the digits asked for)."""
    from .render.numbers import working_text
    return working_text(v)


def _symmetrize(rows: list) -> tuple:
    n = len(rows)
    sym = [row[:] for row in rows]
    gap = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            a, b = rows[i][j], rows[j][i]
            gap = max(gap, abs(a - b))
            sym[i][j] = sym[j][i] = a if a == b else (a + b) / 2.0
    return sym, gap


# -- order k: Taylor mode ----------------------------------------------------------------
#: The highest order ``derivative --digits`` takes: nested duals cost 2ᵏ per operation.
MAX_NESTED_ORDER = 8


def derivatives(g: Graph, point, order: int, direction=None, m=None) -> Derivatives:
    """f(x₀), f′(x₀), …, f⁽ᵏ⁾(x₀) along ``direction`` (default: the one input).

    Float64: one evaluate over truncated Taylor series of degree k.  Over another
    backend ``m`` (mpmath under ``--digits``): one evaluate over k nested dual numbers
    whose parts are ``m``'s numbers, each level seeded with the direction, so the
    j-th derivative is the ε₁…εⱼ part; the registry's partials give every level.
    """
    if direction is None:
        direction = [1.0] * g.n_inputs
    if m is not None:
        return _nested_derivatives(g, point, order, direction, m)
    vals = evaluate(g, point)
    warnings = linearize(g, vals).warnings if order >= 1 else []
    seeded = [variable(x, order, v) for x, v in zip(point, direction)]
    with _higher_order(g, vals, f"a derivative of order ≤ {order}"):
        out = evaluate(g, seeded, TaylorMath)[g.outputs[0]]
    ds = out.derivatives() if type(out) is Taylor else [out] + [0.0] * order
    ds = [float(d) for d in ds]
    _finite(ds, lambda j: f"the derivative of order {j}")
    return Derivatives(ds[0], ds, warnings)
