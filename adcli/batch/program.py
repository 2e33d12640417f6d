"""Pruning, buffer allocation and replay of a recorded tape over chunks of points.

See :mod:`adcli.batch` for the whole picture.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .tape import _is_sym, record

_isfinite = math.isfinite


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
    _local: Any = field(default=None, repr=False)

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
            if check and not _isfinite(float(np.add.reduce(v))):
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
    steps: list = []

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


_CHUNK_BYTES = 32 << 20     # one thread's scratch buffers, at most


def _floor(per_item: int, budget: int) -> int:
    """4096, or the largest power of two ≥ 16 whose items fit in ``budget``."""
    size = 1 << 12
    while size > 16 and size * per_item > budget:
        size //= 2
    return size
