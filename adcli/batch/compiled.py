"""``--points --compile``: the batch as a compiled C kernel, loaded with ctypes.

The C comes from :mod:`adcli.codegen.batch_c` (codegen's straight-line program in a loop over
points, with a status per point).  It is compiled once with the system C compiler
(``cc -O3 -march=native -fopenmp``, retried without the flags the compiler refuses) into a
shared library named by the hash of the source, the flags and the compiler's version, in the
user cache directory (``platformdirs``; ``ADCLI_CACHE_DIR`` overrides it), so a second run
loads it without compiling.  :class:`CompiledProgram` has the interface of
:class:`adcli.batch.program.Program`: ``.run(X) -> (Y, bad)``, the points ``bad`` flags going
to the float engine as before.  Without a compiler, or for a formula with no C form (the
gamma family), :func:`compiled_or_numpy` gives the NumPy program and a one-line note.

Loading this library runs adcli's own generated C in adcli's process; no Python source string
is ever executed.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import AdcliError

# -fno-builtin-sin/cos: GCC would fuse sin(x) and cos(x) into one sincos call, which
# has no SIMD form it uses, and the loop would not vectorize.
_MVEC = ("-DADCLI_MVEC", "-lmvec", "-fno-builtin-sin", "-fno-builtin-cos")
FLAGS = ("-O3", "-march=native", "-fopenmp", "-fno-math-errno", "-ffp-contract=off", *_MVEC)
# Dropped in this order when the compiler refuses them (or the library does not load):
# glibc's vector math library, OpenMP, the host's instruction set.  The other two are kept:
# errno is never read, and no FMA may change a rounding (kink tests compare values exactly).
_OPTIONAL = (_MVEC, ("-fopenmp",), ("-march=native",))
_BASE = ("-std=c99", "-fPIC", "-shared")


class NoCompiler(AdcliError):
    """No usable C compiler: the batch runs on NumPy instead."""


@dataclass
class CompiledProgram:
    """A loaded batch kernel; ``run`` as :meth:`adcli.batch.program.Program.run`."""

    n_inputs: int
    n_results: int
    path: str
    compile_seconds: float        # 0.0 when it came from the cache
    cached: bool
    flags: tuple
    _range: Any = field(default=None, repr=False)

    #: points per piece of work a thread takes (about 0.1 ms of work for a small formula)
    chunk: int = 1 << 15

    def run(self, X: np.ndarray, threads: int = 0, chunk: int = 0,
            out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Results (n_results × B) for the points ``X`` (n_inputs × B), and the boolean
        mask of the points to redo with the float engine (the status is nonzero)."""
        Y, st = self.compute(X, threads, chunk, out)
        return Y, st != 0

    def compute(self, X: np.ndarray, threads: int = 0, chunk: int = 0,
                out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The results and the per-point status bytes
        (:data:`adcli.codegen.batch_c.NONFINITE`, ``KINK``)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        B = X.shape[1]
        Y = out if out is not None and out.flags.c_contiguous else np.empty((self.n_results, B))
        st = np.zeros(B, dtype=np.uint8)
        _share(self._range, B, (B, X.ctypes.data, Y.ctypes.data, st.ctypes.data),
               threads or min(os.cpu_count() or 1, 8), chunk or self.chunk)
        if out is not None and Y is not out:
            out[...] = Y
            Y = out
        return Y, st


def _share(fn: Any, B: int, args: tuple, threads: int, chunk: int) -> None:
    """``fn(lo, hi, *args)`` over 0..B in chunks, on this thread and up to ``threads`` − 1
    pool threads (ctypes releases the GIL).  Each takes the next chunk when it is free,
    and this thread waits only for chunks being computed: on a busy machine a helper that
    the scheduler has not run yet holds nothing back (an OpenMP team would wait for it)."""
    n_chunks = -(-B // chunk)
    if threads <= 1 or n_chunks <= 1:
        if B:
            fn(0, B, *args)
        return
    import threading

    from .program import _pool
    lock, done = threading.Lock(), threading.Condition()
    state = {"next": 0, "left": n_chunks}

    def work() -> None:
        while True:
            with lock:
                c = state["next"]
                state["next"] = c + 1
            if c >= n_chunks:
                return
            fn(c * chunk, min(B, (c + 1) * chunk), *args)
            with done:
                state["left"] -= 1
                if state["left"] == 0:
                    done.notify_all()
    pool = _pool(threads)                # the NumPy program's threads, shared
    for _ in range(min(threads, n_chunks) - 1):
        pool.submit(work)
    work()
    with done:
        done.wait_for(lambda: state["left"] == 0)


def find_cc() -> str | None:
    """The C compiler: ``$CC`` or ``cc`` on the PATH (None: there is none)."""
    return shutil.which(os.environ.get("CC") or "cc")


def cache_dir() -> str:
    d = os.environ.get("ADCLI_CACHE_DIR")
    if not d:
        import platformdirs
        d = platformdirs.user_cache_dir("adcli")
    return os.path.join(d, "kernels")


_VERSIONS: dict[str, str] = {}
_LOADED: dict[str, Any] = {}


def _cc_version(cc: str) -> str:
    if cc not in _VERSIONS:
        try:
            r = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30)
            _VERSIONS[cc] = (r.stdout or r.stderr).strip()
        except (OSError, subprocess.SubprocessError):
            _VERSIONS[cc] = "?"
    return _VERSIONS[cc]


def compile_kernel(g, command: str, mode: str = "reverse") -> CompiledProgram:
    """The compiled batch kernel of ``command`` over ``g``, from the cache when it is there.

    Raises :class:`NoCompiler` without a C compiler, :class:`adcli.errors.UsageError` for a
    formula with no C form, :class:`AdcliError` when the compiler fails."""
    from ..codegen.batch_c import batch_source
    cc = find_cc()
    if cc is None:
        raise NoCompiler("no C compiler (cc) on the PATH")
    src = batch_source(g, command, mode)
    version = _cc_version(cc)
    flags = list(FLAGS)
    t0 = time.perf_counter()
    error = "?"
    for drop in ((), *_OPTIONAL):
        for f in drop:
            flags.remove(f)
        key = hashlib.sha256("\0".join([src.code, " ".join(flags), cc, version])
                             .encode()).hexdigest()[:32]
        path = os.path.join(cache_dir(), f"{key}.so")
        cached = os.path.exists(path)
        error = "" if cached else _build(cc, src.code, flags, path)
        if not error:
            try:
                return _load(src, path, 0.0 if cached else time.perf_counter() - t0, cached,
                             tuple(flags))
            except OSError as exc:       # e.g. a symbol of libmvec missing at load time
                error = str(exc)
    raise AdcliError(f"the C compiler ({cc}) failed on the batch kernel: {error}")


def _build(cc: str, code: str, flags: list, path: str) -> str:
    """Compile ``code`` into ``path``; the compiler's complaint, or '' when it worked."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(path)) as tmp:
        c_file = os.path.join(tmp, "kernel.c")
        with open(c_file, "w", encoding="utf-8") as fh:
            fh.write(code)
        out = os.path.join(tmp, "kernel.so")
        try:
            libs = [f for f in flags if f.startswith("-l")]
            r = subprocess.run([cc, *_BASE, *[f for f in flags if f not in libs], "-o", out,
                                c_file, *libs, "-lm"],
                               capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            return str(exc) or "?"
        if r.returncode != 0:
            return (r.stderr.strip().splitlines() or ["?"])[-1]
        os.replace(out, path)      # atomic: a concurrent run sees all of it or none
    return ""


def _load(src, path: str, seconds: float, cached: bool, flags: tuple) -> CompiledProgram:
    lib = _LOADED.get(path)
    if lib is None:
        lib = _LOADED[path] = ctypes.CDLL(path)
    fn = lib.adcli_range
    fn.argtypes = [ctypes.c_long] * 3 + [ctypes.c_void_p] * 3
    fn.restype = None
    return CompiledProgram(src.n_inputs, src.n_results, path, seconds, cached, flags, fn)


def compiled_or_numpy(g, command: str, mode: str,
                      note: Callable[[str], None] | None = None,
                      fallback: Callable[[str], None] | None = None) -> Any:
    """The compiled kernel, else the NumPy program (None: neither).  ``note`` hears the
    compile time, ``fallback`` (default ``note``) why it is NumPy; a cache hit is silent."""
    from ..errors import UsageError
    from .driver import compile_or_none
    say = fallback or note or (lambda text: None)
    try:
        prog = compile_kernel(g, command, mode)
    except UsageError as exc:
        say(f"adcli: note: no C kernel for this formula ({exc.message}); "
            "--compile runs on NumPy instead\n")
    except AdcliError as exc:
        say(f"adcli: note: {exc.message}; --compile runs on NumPy instead\n")
    else:
        if not prog.cached and note is not None:
            note(f"adcli: note: compiled the C kernel in {prog.compile_seconds:.2f} s "
                 f"({' '.join(prog.flags)})\n")
        return prog
    return compile_or_none(g, command, mode)
