"""Recording: the engine's sweeps over a namespace that writes a tape.

The engine's three loops (primal sweep, local partials from each row's
``d``, tangent or adjoint sweeps) run once over :class:`_Recorder`: every
``m.<fn>`` call and every arithmetic operator appends one instruction to a
flat tape instead of computing.  Constants fold on the spot with
:class:`FloatMath`, and a call already on the tape is not recorded again.
``hessian`` records the core's own sweeps over dual numbers whose parts are
recorded values (:mod:`adcli.backends.dualover`).  See :mod:`adcli.batch`.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..backends.floats import FloatMath
from ..backends.numpy import NumpyMath


# -- 1. recording --------------------------------------------------------------------------
class _Sym:
    """A recorded value: the id of the tape slot that will hold an array.

    Operators take recorded values and real numbers; anything else (a dual
    number whose parts are recorded values) gets to handle the operation.
    """

    __slots__ = ("id", "tape")

    def __init__(self, tape, ident):
        self.tape, self.id = tape, ident

    def __add__(self, o):
        return self.tape.call("add", self, o) if _operand(o) else NotImplemented

    def __radd__(self, o):
        return self.tape.call("add", o, self) if _operand(o) else NotImplemented

    def __sub__(self, o):
        return self.tape.call("subtract", self, o) if _operand(o) else NotImplemented

    def __rsub__(self, o):
        return self.tape.call("subtract", o, self) if _operand(o) else NotImplemented

    def __mul__(self, o):
        return self.tape.mul(self, o) if _operand(o) else NotImplemented

    def __rmul__(self, o):
        return self.tape.mul(o, self) if _operand(o) else NotImplemented

    def __truediv__(self, o):
        return self.tape.call("divide", self, o) if _operand(o) else NotImplemented

    def __rtruediv__(self, o):
        return self.tape.call("divide", o, self) if _operand(o) else NotImplemented

    def __neg__(self):
        return self.tape.call("negative", self)


def _operand(o) -> bool:
    return isinstance(o, (_Sym, float, int))


_OPERATORS: dict[str, Callable[..., Any]] = {
    "add": lambda x, y: x + y, "subtract": lambda x, y: x - y,
    "multiply": lambda x, y: x * y, "divide": lambda x, y: x / y, "negative": lambda x: -x,
}


@dataclass
class _Instr:
    fn: Callable            # a NumpyMath kernel (takes out=), or a kink predicate
    args: tuple             # value ids (int) or float constants
    res: int | None      # value id written, None for a kink test
    check: bool = False     # flag points where the result is not finite
    kink: bool = False      # fn is op.kink: flag points where it is true


class _Tape:
    """A flat list of kernel calls.  The same call on the same arguments is
    recorded once (kernels are pure), so sweeps that recompute values, such as
    one dual-number sweep per Hessian row, share them."""

    def __init__(self, n_inputs: int):
        self.n_values = n_inputs           # ids 0..n-1 are the input columns
        self.instrs: list = []
        self.producer: dict = {}           # value id -> index of its instruction
        self.memo: dict = {}               # (kernel, argument keys) -> value id
        self.check_all = False             # flag every value recorded from now on

    def sym(self, ident: int) -> _Sym:
        return _Sym(self, ident)

    def call(self, name: str, *args):
        if not any(isinstance(a, _Sym) for a in args):
            folded = _fold(name, args)
            if folded is not None:
                return folded
        if name == "divide" and isinstance(args[1], float) and _exact_reciprocal(args[1]):
            name, args = "multiply", (args[0], 1.0 / args[1])  # x/2 = x·0.5 exactly
        fn = getattr(NumpyMath, name)
        keys = tuple((0, a.id) if isinstance(a, _Sym) else (1, repr(float(a))) for a in args)
        if name in _COMMUTATIVE:
            keys = tuple(sorted(keys))
        ident = self.memo.get((name, keys))
        if ident is not None:
            if self.check_all:
                self.instrs[self.producer[ident]].check = True
            return _Sym(self, ident)
        ident = self.n_values
        self.n_values += 1
        self.memo[(name, keys)] = ident
        self.producer[ident] = len(self.instrs)
        self.instrs.append(_Instr(fn, tuple(a.id if isinstance(a, _Sym) else float(a)
                                            for a in args), ident, check=self.check_all))
        return _Sym(self, ident)

    def mul(self, x, y):
        """x·y, without recording the exact identities x·1 = x and x·(−1) = −x."""
        for a, b in ((x, y), (y, x)):
            if not isinstance(b, _Sym) and isinstance(a, _Sym):
                if b == 1.0:
                    return a
                if b == -1.0:
                    return self.call("negative", a)
        return self.call("multiply", x, y)

    def check(self, v) -> None:
        if isinstance(v, _Sym) and v.id in self.producer:
            self.instrs[self.producer[v.id]].check = True

    def kink(self, pred: Callable, args) -> None:
        self.instrs.append(_Instr(pred, tuple(a.id if isinstance(a, _Sym) else a for a in args),
                                  None, kink=True))


_COMMUTATIVE = ("add", "multiply")   # exactly, in IEEE arithmetic


def _exact_reciprocal(c: float) -> bool:
    """1/c is exact (c a normal power of two), so x/c == x·(1/c) for every x."""
    if c == 0.0 or c - c != 0.0:
        return False
    mant, exp = math.frexp(c)
    return abs(mant) == 0.5 and -1000 < exp < 1000


def _fold(name: str, args):
    """A constant-only operation, computed now with floats (None: record it)."""
    try:
        if name in _OPERATORS:
            v = _OPERATORS[name](*args)
        else:
            v = getattr(FloatMath, name)(*args)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None  # recorded: every point then fails the same way, with its row
    return float(v) if v - v == 0.0 else None


class _Recorder:
    """The number namespace the registry's entries are recorded with."""

    isbad = None
    primal = None
    LN2 = NumpyMath.LN2
    LN10 = NumpyMath.LN10
    TWO_OVER_SQRTPI = NumpyMath.TWO_OVER_SQRTPI

    def __init__(self, tape: _Tape):
        self._tape = tape

    @staticmethod
    def const(c):
        return c

    def __getattr__(self, name):
        if not callable(getattr(NumpyMath, name, None)):
            raise AttributeError(name)  # noqa: TRY004 - __getattr__ must raise this
        tape = self._tape
        return lambda *args: tape.call(name, *args)


def _is_sym(v) -> bool:
    return isinstance(v, _Sym)


def record(g, command: str, mode: str = "reverse", kinks: bool = True):
    """The engine's sweeps over ``g``, recorded.

    Returns the tape and the requested results in output order: the values,
    then (for ``grad``/``jacobian``) the derivative row by row, or (for
    ``hessian``) the gradient, the Hessian row by row and its asymmetry.
    Each result is a recorded value (_Sym) or a float constant.
    """
    tape = _Tape(g.n_inputs)
    m = _Recorder(tape)
    n = g.n_inputs
    vals = _primal(g, m, tape)
    results = [vals[o] for o in g.outputs]
    if command == "eval":
        return tape, results
    pairs, order = _linearize(g, vals, m, tape, kinks)
    if command == "hessian":
        return tape, results + _hessian(g, m, tape, vals[:n])
    if mode == "forward":
        rows = [[0.0] * n for _ in g.outputs]
        for j in range(n):
            tan = _tangents(pairs, order, j, tape)
            for r, o in enumerate(g.outputs):
                rows[r][j] = tan.get(o, 0.0)
    else:
        rows = []
        for o in g.outputs:
            adj = _adjoints(pairs, order, o, tape)
            rows.append([adj.get(j, 0.0) for j in range(n)])
    for row in rows:
        for v in row:
            tape.check(v)
        results.extend(row)
    return tape, results


def _primal(g, m, tape) -> list:
    """The primal sweep (engine.evaluate), recorded, every value checked."""
    n = g.n_inputs
    vals = [tape.sym(j) for j in range(n)] + [m.const(c) for c in g.const[n:g.first_op]]
    vals += [None] * g.n_ops
    ops, args = g.op, g.args
    for i in range(g.first_op, len(ops)):
        v = ops[i].value(m, *[vals[a] for a in args[i]])
        tape.check(v)
        vals[i] = v
    return vals


def _hessian(g, m, tape, inputs: list) -> list:
    """Forward-over-reverse, recorded: :func:`adcli.higher.hessian`'s sweeps.

    The core's own ``evaluate``, ``linearize`` and ``adjoint_sweep`` run over
    dual numbers whose parts are recorded values (:func:`adcli.backends.dualover.dual_over`),
    seeded with eⱼ for row j.  The tape shares what the n sweeps recompute
    (their value parts are the first-order sweep).  Every value they record
    is checked: wherever the float sweeps would raise or find a non-finite
    number, the replay flags the point and the float engine redoes it.
    Returns the gradient, the symmetrized rows, and the asymmetry.
    """
    from ..backends.dual import Dual, tangent, value
    from ..backends.dualover import dual_over
    from ..engine import adjoint_sweep, evaluate, linearize
    D = dual_over(m)
    n, out = len(inputs), g.outputs[0]
    tape.check_all = True
    rows, grad = [], []
    for j in range(n):
        seeded = list(inputs)
        seeded[j] = Dual(inputs[j], 1.0)
        dvals = evaluate(g, seeded, D)
        adj = adjoint_sweep(g, linearize(g, dvals, D), out)[:n]
        rows.append([tangent(a) for a in adj])
        grad = [value(a) for a in adj]
    sym = [row[:] for row in rows]
    gap = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            a, b = rows[i][j], rows[j][i]
            if a is b or (not _is_sym(a) and not _is_sym(b) and a == b):
                continue
            # higher._symmetrize: a if a == b else (a + b)/2, which (a + b)·½ equals
            # (a + a overflowing is flagged, and the float engine redoes the point)
            sym[i][j] = sym[j][i] = (a + b) * 0.5
            d = m.fabs(a - b)
            gap = d if _is_zero(gap) else m.fmax(gap, d)
    tape.check_all = False
    return grad + [v for row in sym for v in row] + [gap]


def _is_zero(v) -> bool:
    return not _is_sym(v) and v == 0.0


def _linearize(g, vals, m, tape, kinks: bool):
    ops, args, active = g.op, g.args, g.active
    pairs, order = {}, []
    for i in range(g.first_op, len(ops)):
        if not active[i]:
            continue
        op, a = ops[i], args[i]
        if kinks and op.kink is not None:
            tape.kink(op.kink, [vals[k] for k in a])
        ds = op.d(m, *[vals[k] for k in a], vals[i])
        pairs[i] = [(k, d) for k, d in zip(a, ds) if active[k]]
        for _, d in pairs[i]:
            tape.check(d)
        order.append(i)
    return pairs, order


def _tangents(pairs, order, j: int, tape) -> dict:
    """One forward sweep seeded with v̇_j = 1 (engine.tangent_sweep, recorded)."""
    tan = {j: 1.0}
    for i in order:
        s = None
        for k, p in pairs[i]:
            t = tan.get(k)
            if t is not None:
                c = tape.mul(p, t) if (_is_sym(p) or _is_sym(t)) else p * t
                s = c if s is None else s + c
        if s is not None:
            tan[i] = s
    return tan


def _adjoints(pairs, order, out: int, tape) -> dict:
    """One reverse sweep seeded with v̄_out = 1 (engine.adjoint_sweep, recorded)."""
    adj = {out: 1.0}
    for i in reversed(order):
        b = adj.get(i)
        if b is None:
            continue
        for k, p in pairs[i]:
            c = tape.mul(b, p) if (_is_sym(b) or _is_sym(p)) else b * p
            adj[k] = c if k not in adj else adj[k] + c
    return adj
