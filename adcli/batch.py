"""Many points at once: the trace compiled to in-place NumPy sweeps.

Same IR, same op table, same sweeps as :mod:`adcli.engine`, run on arrays of
points instead of floats.  To keep the intermediates in cache and the Python
overhead small, the sweeps are *recorded* once per formula and then replayed
chunk by chunk:

1. **Record.**  The engine's three loops (primal sweep, local partials from
   each row's ``d``, tangent or adjoint sweeps) run once over a recording
   number namespace (:class:`_Recorder`): every ``m.<fn>`` call and every
   arithmetic operator appends one instruction to a flat tape instead of
   computing.  Constants fold on the spot with :class:`FloatMath`, and a call
   already on the tape (same kernel, same arguments) is not recorded again.
   ``hessian`` runs the core's own sweeps over dual numbers whose parts are
   recorded values (:mod:`adcli.backends.dualover`): forward-over-reverse, one sweep
   per input, sharing everything but the tangent parts.
2. **Prune.**  Instructions no requested result depends on are dropped (e.g.
   ``x^y``'s ``∂/∂y = x^y·log x`` when ``y`` is a constant).
3. **Allocate.**  Each surviving instruction gets a chunk-sized buffer; a
   buffer is reused once its last reader has run, and a ufunc writes in
   place over an argument it was the last reader of.
4. **Replay.**  :meth:`Program.run` calls each kernel of
   :class:`adcli.backends.numpy.NumpyMath` with ``out=`` over chunks of a few
   thousand points, on a small thread pool (NumPy releases the GIL).

No per-formula source is generated; the tape is data.  Exceptional points
(a non-finite value or partial, or a non-differentiable point) are flagged
by cheap checks in the replay and re-run through the float engine, which
gives exactly the single-point answer: the same warnings, or the error
that names the trace row.

:func:`run_points` is the ``--points`` driver: stream the points in blocks
(:mod:`adcli.pointsio`), compute, write, report bad rows by number.
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .errors import AdcliError, UsageError
from .backends.numpy import NumpyMath
from .backends.floats import FloatMath

_isfinite = math.isfinite


# -- 1. recording --------------------------------------------------------------------------
class _Sym:
    """A recorded value: the id of the tape slot that will hold an array.

    Operators take recorded values and real numbers; anything else (a dual
    number whose parts are recorded values) gets to handle the operation.
    """

    __slots__ = ("tape", "id")

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


_OPERATORS = {
    "add": lambda x, y: x + y, "subtract": lambda x, y: x - y,
    "multiply": lambda x, y: x * y, "divide": lambda x, y: x / y, "negative": lambda x: -x,
}


@dataclass
class _Instr:
    fn: Callable            # a NumpyMath kernel (takes out=), or a kink predicate
    args: tuple             # value ids (int) or float constants
    res: Optional[int]      # value id written, None for a kink test
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
    """The number namespace the op table's rows are recorded with."""

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
            raise AttributeError(name)
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
        v = ops[i].f(m, *[vals[a] for a in args[i]])
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
    from .backends.dual import Dual, tangent, value
    from .backends.dualover import dual_over
    from .engine import adjoint_sweep, evaluate, linearize
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


# -- 2, 3. pruning and buffer allocation -------------------------------------------------------
@dataclass
class Program:
    """A recorded sweep ready to replay over chunks of points."""

    n_inputs: int
    n_results: int
    steps: list                 # (fn, arg slots, out slot, check, kink)
    n_slots: int
    consts: dict                # slot -> float
    buffers: list               # slots that need a chunk-sized scratch array
    direct: dict                # slot -> result row written in place
    copies: list                # (result row, slot) copied/filled at the end
    n_instructions: int = 0
    _local: object = field(default=None, repr=False)

    @property
    def chunk(self) -> int:
        """Points per chunk: one thread's buffers fill at most about 4 MB (an L2
        cache), 4k … 64k points.  Bigger chunks mean fewer NumPy calls, hence
        fewer GIL hand-overs between the threads.  Fewer than 4k only when 4k
        would take more than _CHUNK_BYTES (a Hessian of many inputs)."""
        per_point = 8 * (len(self.buffers) + self.n_inputs + self.n_results)
        size = _floor(per_point, _CHUNK_BYTES)
        while size < 1 << 16 and 2 * size * per_point <= 4 << 20:
            size *= 2
        return size

    def run(self, X: np.ndarray, threads: int = 0, chunk: int = 0, out=None):
        """Results (n_results × B) for the points ``X`` (n_inputs × B), and a
        boolean mask of the points that need the float engine.  ``out`` may
        be a reused (n_results × B) array."""
        B = X.shape[1]
        Y = np.empty((self.n_results, B)) if out is None else out
        chunk = chunk or self.chunk
        bad = np.zeros(B, dtype=bool)
        workers = _pool(threads) if B >= 2 * 4096 else None
        with np.errstate(all="ignore"):
            if workers is None:
                self._span(X, Y, bad, 0, B, chunk)
            else:
                n = workers._max_workers
                chunk = min(chunk, -(-B // n))
                cut = [B * k // n for k in range(n + 1)]
                jobs = [workers.submit(self._span, X, Y, bad, cut[k], cut[k + 1], chunk)
                        for k in range(n)]
                for job in jobs:
                    job.result()
        return Y, bad

    def _span(self, X, Y, bad, lo: int, hi: int, chunk: int) -> None:
        """Points lo..hi, chunk by chunk, in this thread."""
        with np.errstate(all="ignore"):   # errstate is per thread
            for s in range(lo, hi, chunk):
                self._chunk(X, Y, bad, s, min(s + chunk, hi))

    def _chunk(self, X, Y, bad, s: int, e: int) -> None:
        env = self._env(e - s)
        for j in range(self.n_inputs):
            env[j] = X[j, s:e]
        for slot, r in self.direct.items():
            env[slot] = Y[r, s:e]
        flag = None
        for fn, a, o, check, kink in self.steps:
            if kink:
                hit = _kink_mask(fn, [env[k] for k in a])
                if hit is not None:
                    flag = hit if flag is None else flag | hit
                continue
            if len(a) == 1:
                v = fn(env[a[0]], out=env[o])
            else:
                v = fn(env[a[0]], env[a[1]], out=env[o])
            if v is not env[o]:  # a kernel that returned a scalar or a new array
                env[o][...] = v
                v = env[o]
            if check:
                if not _isfinite(float(np.add.reduce(v))):
                    nf = ~np.isfinite(v)
                    flag = nf if flag is None else flag | nf
        for r, slot in self.copies:
            Y[r, s:e] = env[slot]
        if flag is not None:
            bad[s:e] |= flag

    def _env(self, size: int) -> list:
        """This thread's slot table, with scratch buffers of ``size`` points."""
        local = self._local
        env = getattr(local, "env", None)
        if env is None or local.size < size:
            env = [None] * self.n_slots
            for slot, c in self.consts.items():
                env[slot] = c
            local.base = {slot: np.empty(size) for slot in self.buffers}
            local.size = size
            local.env = env
        for slot, buf in local.base.items():
            env[slot] = buf if len(buf) == size else buf[:size]
        return env


def _kink_mask(pred: Callable, args):
    arrays = [a for a in args if isinstance(a, np.ndarray)]
    try:
        hit = np.asarray(pred(*args), dtype=bool)
    except ValueError:  # a predicate written for floats ('x == 0 and y == 0')
        size = len(arrays[0])
        full = [a if isinstance(a, np.ndarray) else np.full(size, a) for a in args]
        hit = np.frompyfunc(lambda *x: bool(pred(*x)), len(args), 1)(*full).astype(bool)
    if hit.ndim == 0:
        return None if not hit else np.ones(len(arrays[0]), dtype=bool)
    return hit if hit.any() else None


def compile_program(g, command: str, mode: str = "reverse", kinks: bool = True) -> Program:
    """Record, prune and allocate the sweeps of ``command`` over ``g``."""
    tape, results = record(g, command, mode, kinks)
    instrs = tape.instrs
    n_in = g.n_inputs
    # prune: keep what a result, a check or a kink test needs
    needed = [False] * tape.n_values
    for v in results:
        if _is_sym(v):
            needed[v.id] = True
    keep = [False] * len(instrs)
    for k in range(len(instrs) - 1, -1, -1):
        ins = instrs[k]
        if ins.kink or (ins.res is not None and needed[ins.res]):
            keep[k] = True
            for a in ins.args:
                if isinstance(a, int):
                    needed[a] = True
    live = [ins for k, ins in enumerate(instrs) if keep[k]]
    _drop_covered_checks(live)
    return _allocate(live, results, n_in, tape.n_values)


# Kernels whose result is never finite when the argument at that position is
# not (inf·0 = NaN, inf − inf = NaN, sin(inf) = NaN, ...).  A check on such an
# argument is redundant when the result is checked: the point gets flagged
# anyway and the float engine then finds the first bad row.  (exp(−inf) = 0 and
# x/inf = 0 are why this is not every kernel and every position.)
_PROPAGATES = {
    np.add: (0, 1), np.subtract: (0, 1), np.multiply: (0, 1), np.negative: (0,),
    np.divide: (0,), np.sqrt: (0,), np.log: (0,), np.sin: (0,), np.cos: (0,),
    np.tan: (0,),
}


def _drop_covered_checks(live: list) -> None:
    covered: set = set()          # value ids whose non-finiteness is detected later
    for ins in reversed(live):
        if ins.res is None:
            continue
        if ins.res in covered:
            ins.check = False
        if ins.check or ins.res in covered:
            for pos in _PROPAGATES.get(ins.fn, ()):
                if pos < len(ins.args) and isinstance(ins.args[pos], int):
                    covered.add(ins.args[pos])


def _allocate(live: list, results: list, n_in: int, n_values: int) -> Program:
    last = {}
    for k, ins in enumerate(live):
        for a in ins.args:
            if isinstance(a, int):
                last[a] = k
    result_ids = {}
    copies = []
    for r, v in enumerate(results):
        if _is_sym(v) and v.id >= n_in and v.id not in result_ids:
            result_ids[v.id] = r
    slot_of = {j: j for j in range(n_in)}
    n_slots = n_in
    consts: dict = {}
    const_slot: dict = {}
    free: list = []
    buffers: list = []
    direct: dict = {}
    steps = []

    def const(c: float) -> int:
        nonlocal n_slots
        key = repr(c)  # keeps 0.0 and -0.0 apart
        if key not in const_slot:
            const_slot[key] = n_slots
            consts[n_slots] = c
            n_slots += 1
        return const_slot[key]

    def new_buffer() -> int:
        nonlocal n_slots
        if free:
            return free.pop()
        n_slots += 1
        buffers.append(n_slots - 1)
        return n_slots - 1

    for k, ins in enumerate(live):
        a = tuple(slot_of[x] if isinstance(x, int) else const(x) for x in ins.args)
        dying = [x for x in dict.fromkeys(y for y in ins.args if isinstance(y, int))
                 if last.get(x) == k and x >= n_in and x not in result_ids]
        if ins.kink:
            steps.append((ins.fn, a, None, False, True))
        else:
            if ins.res in result_ids:
                n_slots += 1
                o = n_slots - 1
                direct[o] = result_ids[ins.res]
            elif isinstance(ins.fn, np.ufunc) and dying:
                o = slot_of[dying[0]]       # in place over an argument read for the last time
                dying = dying[1:]
            else:
                o = new_buffer()
            slot_of[ins.res] = o
            steps.append((ins.fn, a, o, ins.check, False))
            if ins.res not in last and ins.res not in result_ids:
                free.append(o)  # only checked, never read
        for x in dying:
            free.append(slot_of[x])
    for r, v in enumerate(results):
        if _is_sym(v):
            if v.id in result_ids and result_ids[v.id] == r:
                continue
            copies.append((r, slot_of[v.id]))
        else:
            copies.append((r, const(float(v))))
    import threading
    return Program(n_in, len(results), steps, n_slots, consts, buffers, direct, copies,
                   len(steps), threading.local())


_POOL = None


def _pool(threads: int):
    """A shared thread pool (NumPy releases the GIL inside its loops)."""
    global _POOL
    n = threads or min(os.cpu_count() or 1, 8)
    if n <= 1:
        return None
    if _POOL is None or _POOL._max_workers != n:
        from concurrent.futures import ThreadPoolExecutor
        _POOL = ThreadPoolExecutor(n, thread_name_prefix="adcli-batch")
    return _POOL


# -- the --points driver ----------------------------------------------------------------------
ON_ERROR = ("fail", "skip")
_SHOWN = 20  # row messages printed before only counting


class RowError(AdcliError):
    """A row of --points that cannot be read or evaluated (``fail`` mode)."""

    def __init__(self, cause: AdcliError | None, kind: str, exit_code: int, message: str,
                 row: int, line: int):
        super().__init__(message, row=cause.row if cause is not None else None)
        self.kind, self.exit_code = kind, exit_code
        self.input_row, self.input_line = row, line

    def to_json(self) -> dict:
        out = super().to_json()
        out["input_row"] = self.input_row
        out["input_line"] = self.input_line
        return out


@dataclass
class Layout:
    """How one command's per-point results are written.

    ``columns``: CSV names of the results (after the input columns);
    ``make(point, results, warnings) -> dict``: the JSON object of one point,
    the same keys as the command's single-point JSON;
    ``json_only``: names of further results, after the columns, that only the
    JSON objects carry (hessian's ``asymmetry``).
    """

    columns: list
    make: Callable
    json_only: list = field(default_factory=list)


def layout(command: str, g, mode: str = "reverse", reason: str = "") -> Layout:
    """The Layout of eval, grad or jacobian (scalar results in Program order)."""
    from .jsonout import common
    names, m, n = g.names, len(g.outputs), g.n_inputs
    vector = g.vector or m > 1
    values = [f"value{r + 1}" for r in range(m)] if vector else ["value"]
    if command == "eval":
        def make(point, res, warnings):
            out = common("eval", g, point)
            out["value"] = list(res[:m]) if g.vector else res[0]
            return out
        return Layout(values, make)
    sweeps = n if mode == "forward" else m
    active_ops = sum(1 for i in range(g.first_op, g.n_nodes) if g.active[i])
    ops = {"primal": g.n_ops, "derivative": sweeps * active_ops}
    if command == "grad":
        def make(point, res, warnings):
            out = common("grad", g, point)
            out.update(mode=mode, value=res[0], gradient=list(res[1:1 + n]), sweeps=sweeps,
                       operations=dict(ops), warnings=list(warnings))
            return out
        return Layout(["value"] + [f"d/d{x}" for x in names], make)
    if command != "jacobian":
        raise ValueError(command)
    cols = [f"d{r + 1}/d{x}" if vector else f"d/d{x}" for r in range(m) for x in names]

    def make(point, res, warnings):
        out = common("jacobian", g, point)
        jac = [list(res[m + r * n:m + (r + 1) * n]) for r in range(m)]
        out.update(mode=mode, value=list(res[:m]), jacobian=jac, sweeps=sweeps,
                   operations=dict(ops), warnings=list(warnings))
        if reason:
            out["mode_reason"] = reason
        return out
    return Layout(values + cols, make)


def single(g, command: str, mode: str = "reverse") -> Callable:
    """The float engine for one point: point -> (results, warnings); raises AdcliError."""
    from .engine import differentiate, evaluate
    if command == "eval":
        def one(point):
            vals = evaluate(g, point)
            return [vals[o] for o in g.outputs], []
        return one

    def one(point):
        res = differentiate(g, point, mode)
        flat = list(res.value)
        for row in res.derivative:
            flat.extend(row)
        return flat, res.warnings
    return one


class _Progress:
    """``  1,250,000 points  42%`` on stderr, redrawn at most 5 times a second."""

    def __init__(self, enabled: bool, total_bytes: Optional[int], err):
        import time
        self.enabled, self.total, self.err = enabled, total_bytes, err
        self.clock = time.monotonic
        self.last = self.clock()
        self.nbytes = 0
        self.shown = False

    def update(self, points: int, nbytes: int) -> None:
        self.nbytes += nbytes
        if not self.enabled or self.clock() - self.last < 0.2:
            return
        self.last = self.clock()
        pct = f"  {min(100, 100 * self.nbytes // self.total):3d}%" if self.total else ""
        self.err.write(f"\r  {points:,} points{pct} ")
        self.err.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.err.write("\r\x1b[K")
            self.err.flush()


def run_points(command: str, g, source: str, *, mode: str = "reverse", as_json: bool = False,
               input_format: str = "auto", on_error: str = "fail", reason: str = "",
               lay: Optional[Layout] = None, one: Optional[Callable] = None,
               vectorized: bool = True, out=None, err=None, threads: int = 0,
               block: int = 0) -> dict:
    """Stream the points of ``source`` (a path or '-') through ``command``.

    eval/grad/jacobian/hessian run vectorized (:func:`compile_program`); a
    point the replay flags runs through ``one`` (point -> (results,
    warnings)), the float engine.  hessian passes its own ``lay``
    (:class:`Layout`) and ``one``.  With ``vectorized=False`` every point runs
    through ``one``, still streamed, with the same row numbers,
    ``--on-error`` and output formats.
    Returns counts {"points", "written", "skipped"}; raises :class:`RowError`
    for the first bad row under ``on_error='fail'``.
    """
    from . import pointsio
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if on_error not in ON_ERROR:
        raise UsageError(f"--on-error must be one of {', '.join(ON_ERROR)}")
    if input_format not in pointsio.FORMATS:
        raise UsageError(f"--input-format must be one of {', '.join(pointsio.FORMATS)}")
    lay = lay or layout(command, g, mode, reason)
    one = one or single(g, command, mode)
    prog = _compile(g, command, mode) if vectorized else None
    block = block or _block_size(g.n_inputs, len(lay.columns))
    with pointsio.open_source(source) as stream:
        reader = pointsio.PointReader(stream, g.names, input_format, source, block)
        n_results = len(lay.columns) + len(lay.json_only)
        writer = (pointsio.JsonlWriter(out, lay.make, g.n_inputs, n_results) if as_json
                  else _CsvColumns(pointsio.CsvWriter(out, g.names, lay.columns), n_results))
        state = _State(on_error, err)
        progress = _Progress(show_progress(out, err, as_json), pointsio.source_size(source),
                             err)
        try:
            for blk in reader:
                _one_block(blk, prog, one, writer, state, as_json, threads)
                progress.update(state.points, blk.nbytes)
        finally:
            progress.close()
    if state.points == 0:
        # Not an error: no points in, no results out (a CSV header only), exit 0,
        # as sort or jq do with empty input; the note tells a person it was empty.
        err.write(f"adcli: no points in {'stdin' if source == '-' else source}\n")
    state.summary()
    return {"points": state.points, "written": state.written, "skipped": state.skipped}


def _compile(g, command: str, mode: str) -> Optional[Program]:
    try:
        return compile_program(g, command, mode)
    except (AdcliError, ArithmeticError):
        # Recording met an error that holds at every point (a constant divided
        # by a constant 0, in a partial or a dual number): no program, and each
        # point goes through the float engine, which reports it row by row.
        return None


class _CsvColumns:
    """A CsvWriter given all the results; it writes the Layout's columns only."""

    def __init__(self, writer, n_results: int):
        self.writer, self.n_results = writer, n_results
        self.shown = writer.n_results

    def write(self, X, Y, echo=None) -> None:
        self.writer.write(X, Y if len(Y) == self.shown else Y[:self.shown], echo)


def show_progress(out, err, as_json: bool) -> bool:
    """A progress line goes to stderr when a person watches it there, and only
    if the results are not on that screen too (it would mix into the rows):
    stderr a terminal, stdout not one, and no --json."""
    return _tty(err) and not _tty(out) and not as_json


def _tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _block_size(n_inputs: int, n_results: int) -> int:
    """Rows per block: about 16 MB of text, floats and their Python copies
    in flight, 4k … 64k rows; fewer than 4k only when 4k would take more than
    _BLOCK_BYTES (a Hessian of many inputs: n² results per row)."""
    per_row = 32 * (n_inputs + n_results) + 150
    return int(min(1 << 16, max(_floor(per_row, _BLOCK_BYTES), (16 << 20) // per_row)))


_CHUNK_BYTES = 32 << 20     # one thread's scratch buffers, at most
_BLOCK_BYTES = 64 << 20     # one block of rows in flight, at most


def _floor(per_item: int, budget: int) -> int:
    """4096, or the largest power of two ≥ 16 whose items fit in ``budget``."""
    size = 1 << 12
    while size > 16 and size * per_item > budget:
        size //= 2
    return size


class _State:
    def __init__(self, on_error: str, err):
        self.on_error, self.err = on_error, err
        self.points = self.written = self.skipped = self.warned = 0

    def skip(self, row: int, line: int, why: str) -> None:
        self.skipped += 1
        if self.skipped <= _SHOWN:
            self.err.write(f"adcli: warning: skipped row {row} (line {line}): {why}\n")

    def warn(self, row: int, warnings: list) -> None:
        for w in warnings:
            self.warned += 1
            if self.warned <= _SHOWN:
                self.err.write(f"adcli: warning: row {row}: {w}\n")

    def summary(self) -> None:
        if self.warned > _SHOWN:
            self.err.write(f"adcli: warning: … {self.warned - _SHOWN} more warnings "
                           f"({self.warned} in all)\n")
        if self.skipped:
            more = (f"; the first {_SHOWN} are listed above" if self.skipped > _SHOWN else "")
            self.err.write(f"adcli: skipped {self.skipped:,} of {self.points:,} rows "
                           f"(--on-error skip){more}\n")


def _one_block(blk, prog, one, writer, state: _State, as_json: bool, threads: int) -> None:
    B = blk.X.shape[1]
    state.points += B + len(blk.errors)
    if prog is not None:
        Y, bad = prog.run(blk.X, threads=threads)
        redo = np.flatnonzero(bad).tolist()
    else:
        Y, redo = np.empty((writer.n_results, B)), list(range(B))
    warns: dict = {}
    failed: dict = {}   # point index -> AdcliError
    for k in redo:
        try:
            res, w = one(blk.X[:, k].tolist())
        except AdcliError as exc:
            failed[k] = exc
            continue
        Y[:, k] = res
        if w:
            warns[k] = w
    problems = [(row, line, why, None) for row, line, why in blk.errors]
    problems += [(int(blk.rows[k]), int(blk.lines[k]), e.message, e) for k, e in failed.items()]
    limit = B
    if problems and state.on_error == "fail":
        row, line, why, exc = min(problems, key=lambda p: p[0])
        limit = int(np.searchsorted(blk.rows, row))
        _write(blk, Y, writer, state, warns, {}, as_json, limit)
        kind, code = ("point", 2) if exc is None else (exc.kind, exc.exit_code)
        raise RowError(exc, kind, code, f"row {row} (line {line}): {why}", row, line)
    for row, line, why, _ in sorted(problems, key=lambda p: p[0]):
        state.skip(row, line, why)
    _write(blk, Y, writer, state, warns, failed, as_json, limit)


def _write(blk, Y, writer, state, warns: dict, failed: dict, as_json: bool, limit: int) -> None:
    """Points 0..limit of the block in order, leaving out failed ones; points
    with warnings go one by one (JSON carries them; CSV sends them to stderr)."""
    special = sorted(k for k in list(warns) + list(failed) if k < limit)
    start = 0
    echo = blk.echo
    for k in special + [limit]:
        if k > start:
            writer.write(blk.X[:, start:k], Y[:, start:k],
                         echo[start:k] if echo is not None else None)
            state.written += k - start
        if k == limit:
            break
        start = k + 1
        if k in failed:
            continue
        state.warn(int(blk.rows[k]), warns[k])
        if as_json:
            writer.write_one(blk.X[:, k].tolist(), Y[:, k].tolist(), warns[k])
        else:
            writer.write(blk.X[:, k:k + 1], Y[:, k:k + 1],
                         echo[k:k + 1] if echo is not None else None)
        state.written += 1
