"""Forward and reverse mode, generic over the function registry.

Three loops over the Wengert list, none recursive:

* :func:`evaluate`   the primal sweep (values, with domain checks per row);
* :func:`linearize`  the local partials ∂vᵢ/∂vⱼ of every active equation,
                     from each row's ``d`` (and the non-differentiability
                     warnings, from each row's ``kink``);
* :func:`tangent_sweep` / :func:`adjoint_sweep`
                     forward mode (v̇ᵢ = Σⱼ ∂vᵢ/∂vⱼ·v̇ⱼ, in list order) and
                     reverse mode (v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ, in reverse order).

:func:`gradient` and :func:`jacobian` put them together and count the sweeps
and elementary operations they used.  All numbers are float64.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from .backends.floats import FloatMath
from .errors import EvalError
from .ir import Graph, fmt_number, ints

if TYPE_CHECKING:
    from .functions import Function

MODES = ("forward", "reverse")


def _show(v) -> str:
    if type(v) is float:
        return fmt_number(v).replace("-", "−")
    from .render.numbers import working_text  # mpmath numbers: the digits asked for
    return working_text(v).replace("-", "−")


def row_text(g: Graph, i: int, vals) -> str:
    """``v₃ = log(v₂) with v₂ = −1, from `log(x-3)``` for messages."""
    text = f"{g.label(i)} = {g.definition(i)}"
    shown = _variable_args(g, i)
    if shown:
        text += " with " + ", ".join(f"{g.label(a)} = {_show(vals[a])}" for a in shown)
    src = g.source(i)
    if len(src) > 60:
        src = src[:57] + "…"
    return f"trace row {text}, from `{src}`"


_FLOAT_RANGE = "float64's range (about ±1.8e308)"


def _domain_error(g: Graph, i: int, vals, exc, m) -> EvalError:
    op = cast("Function", g.op[i])   # row i is an equation: it has an op
    args = [vals[a] for a in g.args[i]]
    finite_args = all(a - a == 0.0 for a in args)
    if isinstance(exc, ZeroDivisionError) or (op.name == "div" and args[1] == 0.0):
        why = "division by zero"
    elif isinstance(exc, OverflowError) or (exc is None and finite_args and _is_inf(op, args, m)):
        why = f"overflow: the result is beyond {getattr(m, 'RANGE', _FLOAT_RANGE)}"
    elif not finite_args:
        why = "an argument is not finite"
    else:
        why = "domain error: " + (op.domain or f"{op.name} is not defined there")
    return EvalError(f"{why}, at {row_text(g, i, vals)}", row=g.label(i))


def _is_inf(op, args, m) -> bool:
    try:
        v = op.value(m, *args)
    except Exception:  # noqa: BLE001 - any failure: not an overflow to report
        return False
    return v in (float("inf"), float("-inf"))


def evaluate(g: Graph, point, m=FloatMath) -> list:
    """The primal sweep: a value per node. Raises EvalError naming the row.

    ``m`` is the number namespace (:mod:`adcli.backends.floats`); values may be any
    type its functions accept.  A namespace whose ``isbad`` is None (NumPy
    batches) is not checked here: its caller checks the results instead.
    """
    n = g.n_inputs
    if len(point) != n:
        raise ValueError("point has the wrong length")
    vals = list(point) + [m.const(c) for c in g.const[n:g.first_op]] + [None] * g.n_ops
    ops = cast("list[Function]", g.op)   # None only below first_op
    a0, a1 = g.args.a0, g.args.a1
    bad = m.isbad
    for i in range(g.first_op, len(ops)):
        k = a1[i]
        try:
            if k < 0:
                v = ops[i].value(m, vals[a0[i]])
            else:
                v = ops[i].value(m, vals[a0[i]], vals[k])
        except (ValueError, ZeroDivisionError, OverflowError) as exc:
            raise _domain_error(g, i, vals, exc, m) from None
        if bad is not None and bad(v):  # inf or nan
            raise _domain_error(g, i, vals, None, m)
        vals[i] = v
    return vals


def _variable_args(g: Graph, i: int) -> list:
    """The arguments of row i worth naming with their values: not the constants,
    whose label already is their value ('2 = 2')."""
    return [a for a in dict.fromkeys(g.args[i]) if g.op[a] is not None or a < g.n_inputs]


def _kink_warning(g: Graph, i: int, vals) -> str:
    at = ", ".join(f"{g.label(k)} = {_show(vals[k])}" for k in _variable_args(g, i))
    return f"{g.label(i)} = {g.definition(i)} at {at}: {g.fn(i).convention}"


def _infinite_partial(g: Graph, i: int, k: int, vals) -> EvalError:
    return EvalError(f"the derivative ∂{g.label(i)}/∂{g.label(k)} is infinite or undefined, "
                     f"at {row_text(g, i, vals)}", row=g.label(i))


class Pairs(Sequence[tuple]):
    """``pairs[i]``: ((j, ∂vᵢ/∂vⱼ), ...) over row i's active arguments j, stored flat:
    ``k0[i]``, ``k1[i]`` the arguments (-1: none) and ``d0[i]``, ``d1[i]`` their partials
    (an ``array('d')`` over float64, a list over other numbers)."""

    __slots__ = ("k0", "d0", "k1", "d1")

    def __init__(self, n: int, floats: bool) -> None:
        self.k0, self.k1 = ints(n, -1), ints(n, -1)
        self.d0: MutableSequence = array("d", bytes(8 * n)) if floats else [None] * n
        self.d1: MutableSequence = array("d", bytes(8 * n)) if floats else [None] * n

    def __len__(self) -> int:
        return len(self.k0)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self.k0)))]
        k = self.k0[i]
        if k < 0:
            return ()
        j = self.k1[i]
        return ((k, self.d0[i]),) if j < 0 else ((k, self.d0[i]), (j, self.d1[i]))

    def __iter__(self) -> Iterator[tuple]:
        return (self[i] for i in range(len(self.k0)))


@dataclass
class Linearization:
    """Local partials: ``pairs[i]`` is ((j, ∂vᵢ/∂vⱼ), ...) over active arguments j (a
    :class:`Pairs` from :func:`linearize`; any sequence of such tuples works)."""

    pairs: Sequence
    order: Sequence[int]              # active equation indices, in list order
    warnings: list = field(default_factory=list)


def linearize(g: Graph, vals, m=FloatMath) -> Linearization:
    """Local partials of every active equation, checked, with kink warnings.

    Unary and binary rows are unpacked by hand into flat arrays: this loop is most
    of the cost of a reverse gradient, so it builds no tuples per node.
    """
    ops, active = cast("list[Function]", g.op), g.active
    a0, a1 = g.args.a0, g.args.a1
    pairs = Pairs(len(ops), m is FloatMath)
    k0, d0, k1, d1 = pairs.k0, pairs.d0, pairs.k1, pairs.d1
    order = array("i")
    warnings = []
    bad, primal = m.isbad, m.primal
    inf = float("inf")
    for i in range(g.first_op, len(ops)):
        if not active[i]:
            continue
        op, x, y = ops[i], a0[i], a1[i]
        if op.kink is not None and primal is not None and \
                op.kink(*[primal(vals[k]) for k in g.args[i]]):
            warnings.append(_kink_warning(g, i, vals))
        if y < 0:
            try:
                p = op.d(m, vals[x], vals[i])[0]
            except (ValueError, ZeroDivisionError, OverflowError):
                p = inf
            if bad is not None and bad(p):
                raise _infinite_partial(g, i, x, vals)
            k0[i], d0[i] = x, p
        else:
            try:
                p, q = op.d(m, vals[x], vals[y], vals[i])
            except (ValueError, ZeroDivisionError, OverflowError):
                p = q = inf
            ax, ay = active[x], active[y]
            if bad is not None:
                if ax and bad(p):
                    raise _infinite_partial(g, i, x, vals)
                if ay and bad(q):
                    raise _infinite_partial(g, i, y, vals)
            if ax:
                k0[i], d0[i] = x, p
                if ay:
                    k1[i], d1[i] = y, q
            else:
                k0[i], d0[i] = y, q
        order.append(i)
    return Linearization(pairs, order, warnings)


# Sweeps start from this very object; ``is ZERO`` then means "nothing reached
# this node yet", which lets a sweep skip work for any number type.
ZERO = 0.0


def tangent_sweep(g: Graph, lin: Linearization, seed) -> list:
    """One forward-mode sweep: v̇ for every node, inputs seeded with ``seed``."""
    tan = [ZERO] * g.n_nodes
    tan[:g.n_inputs] = seed
    pairs = lin.pairs
    if isinstance(pairs, Pairs):    # the flat arrays, read directly (same sums, same order)
        k0, d0, k1, d1 = pairs.k0, pairs.d0, pairs.k1, pairs.d1
        for i in lin.order:
            s = ZERO
            t = tan[k0[i]]
            if t is not ZERO:
                s = s + d0[i] * t
            k = k1[i]
            if k >= 0:
                t = tan[k]
                if t is not ZERO:
                    s = s + d1[i] * t
            tan[i] = s
        return tan
    for i in lin.order:
        s = ZERO
        for k, p in pairs[i]:
            t = tan[k]
            if t is not ZERO:
                s = s + p * t
        tan[i] = s
    return tan


def adjoint_sweep(g: Graph, lin: Linearization, out: int | list, seed=1.0,
                  on_contribution: Callable | None = None) -> list:
    """One reverse-mode sweep: v̄ for every node, starting from v̄_out = seed.

    ``out`` may also be a list of nodes with ``seed`` a list of their seeds
    (one sweep for wᵀ·J; a node listed twice gets the sum of its seeds).

    ``on_contribution(i, k, partial, term)``, if given, is called for every
    contribution v̄ₖ += v̄ᵢ·∂vᵢ/∂vₖ as it is made (term = v̄ᵢ·∂vᵢ/∂vₖ), in sweep
    order: rows i from last to first, each row's arguments in order.  Rows
    that nothing reached make no contributions.  Without it the loop is the
    plain one (no per-node cost).
    """
    adj = [ZERO] * g.n_nodes
    if isinstance(out, int):
        adj[out] = seed
    else:
        for o, s in zip(out, seed):
            adj[o] = s if adj[o] is ZERO else adj[o] + s
    pairs = lin.pairs
    if on_contribution is not None:
        for i in reversed(lin.order):
            b = adj[i]
            if b is not ZERO:
                for k, p in pairs[i]:
                    t = b * p
                    adj[k] = adj[k] + t
                    on_contribution(i, k, p, t)
        return adj
    if isinstance(pairs, Pairs):    # the flat arrays, read directly (same sums, same order)
        k0, d0, k1, d1 = pairs.k0, pairs.d0, pairs.k1, pairs.d1
        for i in reversed(lin.order):
            b = adj[i]
            if b is not ZERO:
                k = k0[i]
                adj[k] = adj[k] + b * d0[i]
                k = k1[i]
                if k >= 0:
                    adj[k] = adj[k] + b * d1[i]
        return adj
    for i in reversed(lin.order):
        b = adj[i]
        if b is not ZERO:
            for k, p in pairs[i]:
                adj[k] = adj[k] + b * p
    return adj


@dataclass
class Result:
    mode: str
    value: list                     # one value per output
    derivative: list                # m rows of n partials
    sweeps: int                     # derivative sweeps (tangent or adjoint)
    operations: dict                # elementary operations per phase
    warnings: list


def _check_finite(g: Graph, rows) -> None:
    for r, row in enumerate(rows):
        for j, v in enumerate(row):
            if v - v != 0.0:
                out = f" of output {r + 1}" if len(rows) > 1 else ""
                raise EvalError(f"the derivative{out} with respect to {g.names[j]} overflows "
                                "float64 (it is infinite or undefined)")


def differentiate(g: Graph, point, mode: str, m=None) -> Result:
    """The Jacobian of every output at ``point`` (a gradient when there is one output),
    over the number namespace ``m`` (default float64)."""
    if mode not in MODES:
        raise ValueError(mode)
    m = m or FloatMath
    vals = evaluate(g, point, m)
    lin = linearize(g, vals, m)
    n, outs = g.n_inputs, g.outputs
    active_ops = len(lin.order)
    jac = [[0.0] * n for _ in outs]
    if mode == "forward":
        for j in range(n):
            seed = [ZERO] * n
            seed[j] = 1.0
            tan = tangent_sweep(g, lin, seed)
            for r, o in enumerate(outs):
                jac[r][j] = tan[o]
        sweeps = n
    else:
        for r, o in enumerate(outs):
            adj = adjoint_sweep(g, lin, o)
            jac[r] = adj[:n]
        sweeps = len(outs)
    _check_finite(g, jac)
    ops = {"primal": g.n_ops, "derivative": sweeps * active_ops}
    return Result(mode, [vals[o] for o in outs], jac, sweeps, ops, lin.warnings)
