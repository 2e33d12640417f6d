"""Batch benchmark (issue 6).  Not a test: it prints figures for the README.

    python bench/bench_batch.py                       # peers from this Python, if installed
    python bench/bench_batch.py --peer-python /work/venv-bench/bin/python
    python bench/bench_batch.py --quick               # 10x fewer points

1. Compute throughput, in one process, best of 5: the gradient of
   x1·exp(−(x1²+x2²)/2) at 10⁶ random points, and of a 20-input formula at
   10⁵ points.  adcli's compiled NumPy sweep against NumPy with the analytic
   gradient written by hand and, when installed, JAX jit(vmap(grad)), PyTorch
   backward, SymPy lambdify and HIPS autograd.  Peers are optional; none is
   a dependency.  They may run in another interpreter (--peer-python), which
   then only needs NumPy and the peers.
2. The same for ``hessian --points`` (value, gradient and Hessian): 10⁶
   points of x1·exp(−(x1²+x2²)/2), 10⁴ of the 20-input formula (its 400
   Hessian entries per point).  Against NumPy with the analytic Hessian by
   hand, JAX jit(vmap(hessian)), PyTorch torch.func.vmap(hessian) and SymPy
   lambdify, and against adcli's float engine one point at a time (what
   hessian --points did before it was vectorized).
   Both tables carry adcli's compiled C kernel (``--points --compile``): in adcli's
   process, and again inside the peers' process, loaded from its cached shared library
   with ctypes and timed alternately with JAX (call for call, best of 7), so that both see
   the same load on a shared machine.
3. End to end for 10⁶ points (process start, CSV read and write included):
   ``adcli grad F --points in.csv > out.csv`` against a JAX script that reads
   and writes the same CSV with NumPy (loadtxt / savetxt), and
   ``adcli hessian F --points in.csv > out.csv``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MATLAB = "x1*exp(-(x1^2+x2^2)/2)"
N20 = 20


def f20_text() -> str:
    """20 inputs: a chain of smooth terms, each input used twice."""
    terms = [f"sin(x{i})*exp(-x{i % N20 + 1}^2/2)" for i in range(1, N20 + 1)]
    return " + ".join(terms)


def best_pair(fa, fb, repeat: int = 7) -> tuple:
    """Best times of ``fa`` and ``fb`` called alternately (the same load for both)."""
    ta, tb = [], []
    for _ in range(repeat):
        for fn, ts in ((fa, ta), (fb, tb)):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
    return min(ta), min(tb)


def kernel_runner(path: str, n_results: int, X, threads: int = 0):
    """The compiled kernel's batch function from its shared library (NumPy and ctypes
    only, so it runs in the peers' interpreter too): a call allocates its outputs, as
    adcli's CompiledProgram.run does."""
    import ctypes

    import numpy as np
    fn = ctypes.CDLL(path).adcli_batch
    fn.argtypes = [ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                   ctypes.c_int]
    X = np.ascontiguousarray(X)
    n = X.shape[1]
    threads = threads or min(os.cpu_count() or 1, 8)

    def run():
        Y, st = np.empty((n_results, n)), np.zeros(n, dtype=np.uint8)
        fn(n, X.ctypes.data, Y.ctypes.data, st.ctypes.data, threads)
        return Y, st
    return run


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def points(n: int, d: int):
    import numpy as np
    return np.random.default_rng(0).standard_normal((d, n))


# -- peers (each optional) -------------------------------------------------------------------
def numpy_hand(X):
    import numpy as np
    x1, x2 = X
    e = np.exp(-(x1 * x1 + x2 * x2) / 2)
    v = x1 * e
    return v, e - x1 * v, -x2 * v


def numpy_hand20(X):
    import numpy as np
    s, c = np.sin(X), np.cos(X)
    g = np.exp(-X * X / 2)
    gn = np.roll(g, -1, axis=0)
    Xn = np.roll(X, -1, axis=0)
    value = (s * gn).sum(axis=0)
    grad = c * gn + np.roll(s * gn * -Xn, 1, axis=0)
    return value, grad


def numpy_hand_hessian(X):
    """f = x1·e, e = exp(−(x1²+x2²)/2): f₁₁ = x1(x1² − 3)e, f₁₂ = x2(x1² − 1)e,
    f₂₂ = x1(x2² − 1)e."""
    import numpy as np
    x1, x2 = X
    e = np.exp(-(x1 * x1 + x2 * x2) / 2)
    v = x1 * e
    a, b = x1 * x1, x2 * x2
    h12 = x2 * (a - 1) * e
    return v, e - a * e, -x2 * v, x1 * (a - 3) * e, h12, h12, x1 * (b - 1) * e


def numpy_hand_hessian20(X):
    """Σ sin(xᵢ)·g(xᵢ₊₁), g(t) = exp(−t²/2): a cyclic tridiagonal Hessian,
    written out dense (n² entries per point, as adcli writes it)."""
    import numpy as np
    d, m = X.shape
    s, c = np.sin(X), np.cos(X)
    g = np.exp(-X * X / 2)
    gn, Xn = np.roll(g, -1, axis=0), np.roll(X, -1, axis=0)
    value = (s * gn).sum(axis=0)
    grad = c * gn + np.roll(s * gn * -Xn, 1, axis=0)
    H = np.zeros((d, d, m))
    idx = np.arange(d)
    H[idx, idx] = -s * gn + np.roll(s * gn * (Xn * Xn - 1), 1, axis=0)
    off = -c * Xn * gn                          # ∂²/∂xᵢ∂xᵢ₊₁
    H[idx, (idx + 1) % d] += off
    H[(idx + 1) % d, idx] += off
    return value, grad, H


def peer_rows(n: int, n20: int, nh: int, nh20: int, kernels: dict | None = None) -> list:
    """(peer, problem, seconds or None, note) for every peer that is installed.
    Problems: "2", "20" (gradient), "2h", "20h" (Hessian).  ``kernels``: problem ->
    (shared library, results per point) of adcli's compiled kernels, timed against JAX."""
    global KERNELS
    KERNELS = kernels or {}
    rows = []
    X, X20 = points(n, 2), points(n20, N20)
    XH, XH20 = points(nh, 2), points(nh20, N20)
    hand = "NumPy, analytic derivatives by hand"
    rows.append((hand, "2", best(lambda: numpy_hand(X)), ""))
    rows.append((hand, "20", best(lambda: numpy_hand20(X20)), ""))
    rows.append((hand, "2h", best(lambda: numpy_hand_hessian(XH)), ""))
    rows.append((hand, "20h", best(lambda: numpy_hand_hessian20(XH20)), ""))
    for name, fn, data in (
            ("JAX jit(vmap(grad))", _jax, (X, X20)), ("PyTorch backward", _torch, (X, X20)),
            ("SymPy lambdify", _sympy, (X, X20)), ("HIPS autograd", _autograd, (X, X20)),
            ("JAX jit(vmap(hessian))", _jax_hessian, (XH, XH20)),
            ("PyTorch torch.func.vmap(hessian)", _torch_hessian, (XH, XH20)),
            ("SymPy lambdify", _sympy_hessian, (XH, XH20))):
        try:
            rows.extend(fn(*data))
        except ImportError as exc:
            rows.append((name, "-", None, f"not installed ({exc.name})"))
    return rows


KERNELS: dict = {}
SIDE = "adcli --compile, alternating with JAX"


def _vs_kernel(prob: str, jax_fn, data, jax_label: str, compile_s: float) -> list:
    """JAX's ``jax_fn`` and adcli's kernel for ``prob``, timed alternately."""
    note = f"after a {compile_s * 1e3:.0f} ms compile"
    if prob not in KERNELS:
        return [(jax_label, prob, best(jax_fn), note)]
    path, n_results = KERNELS[prob]
    tj, tk = best_pair(jax_fn, kernel_runner(path, n_results, data))
    return [(jax_label, prob, tj, note),
            (SIDE, prob, tk, f"call for call: {tj / tk:.2f}× JAX's throughput")]


def _jax(X, X20):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)

    def f(x):
        return x[0] * jnp.exp(-(x[0] ** 2 + x[1] ** 2) / 2)

    def f20(x):
        return jnp.sum(jnp.sin(x) * jnp.exp(-jnp.roll(x, -1) ** 2 / 2))
    out = []
    for prob, fun, data in (("2", f, X), ("20", f20, X20)):
        vg = jax.jit(jax.vmap(jax.value_and_grad(fun)))
        xs = jnp.asarray(data.T)
        t = time.perf_counter()
        jax.block_until_ready(vg(xs))
        compile_s = time.perf_counter() - t
        out += _vs_kernel(prob, lambda vg=vg, xs=xs: jax.block_until_ready(vg(xs)), data,
                          "JAX jit(vmap(grad))", compile_s)
    return out


def _torch(X, X20):
    import torch
    torch.set_num_threads(os.cpu_count() or 1)

    def run(data, fun):
        x = torch.tensor(data, dtype=torch.float64, requires_grad=True)
        y = fun(x)
        y.sum().backward()
        return y, x.grad

    def f(x):
        return x[0] * torch.exp(-(x[0] ** 2 + x[1] ** 2) / 2)

    def f20(x):
        return (torch.sin(x) * torch.exp(-torch.roll(x, -1, 0) ** 2 / 2)).sum(0)
    return [("PyTorch backward", "2", best(lambda: run(X, f)), ""),
            ("PyTorch backward", "20", best(lambda: run(X20, f20)), "")]


def _sympy(X, X20):
    import sympy as sp
    out = []
    for prob, d, data in (("2", 2, X), ("20", N20, X20)):
        xs = sp.symbols(f"x1:{d + 1}")
        if d == 2:
            f = xs[0] * sp.exp(-(xs[0] ** 2 + xs[1] ** 2) / 2)
        else:
            f = sum(sp.sin(xs[i]) * sp.exp(-xs[(i + 1) % d] ** 2 / 2) for i in range(d))
        fn = sp.lambdify(xs, [f] + [sp.diff(f, x) for x in xs], "numpy")
        out.append(("SymPy lambdify", prob, best(lambda: fn(*data)), ""))
    return out


def _autograd(X, X20):
    import autograd.numpy as anp
    from autograd import elementwise_grad

    def f(x):
        return x[0] * anp.exp(-(x[0] ** 2 + x[1] ** 2) / 2)

    def f20(x):
        return anp.sum(anp.sin(x) * anp.exp(-anp.roll(x, -1, axis=0) ** 2 / 2), axis=0)
    g, g20 = elementwise_grad(f), elementwise_grad(f20)
    return [("HIPS autograd", "2", best(lambda: (f(X), g(X))), ""),
            ("HIPS autograd", "20", best(lambda: (f20(X20), g20(X20))), "")]


def _f_matlab(np_):
    return lambda x: x[0] * np_.exp(-(x[0] ** 2 + x[1] ** 2) / 2)


def _jax_hessian(X, X20):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)

    def f20(x):
        return jnp.sum(jnp.sin(x) * jnp.exp(-jnp.roll(x, -1) ** 2 / 2))
    out = []
    for prob, fun, data in (("2h", _f_matlab(jnp), X), ("20h", f20, X20)):
        vgh = jax.jit(jax.vmap(lambda x, fun=fun: (fun(x), jax.grad(fun)(x),
                                                   jax.hessian(fun)(x))))
        xs = jnp.asarray(data.T)
        t = time.perf_counter()
        jax.block_until_ready(vgh(xs))
        compile_s = time.perf_counter() - t
        out += _vs_kernel(prob, lambda vgh=vgh, xs=xs: jax.block_until_ready(vgh(xs)), data,
                          "JAX jit(vmap(hessian))", compile_s)
    return out


def _torch_hessian(X, X20):
    import torch
    from torch.func import grad, hessian, vmap
    torch.set_num_threads(os.cpu_count() or 1)

    def f20(x):
        return (torch.sin(x) * torch.exp(-torch.roll(x, -1, 0) ** 2 / 2)).sum()
    out = []
    for prob, fun, data in (("2h", _f_matlab(torch), X), ("20h", f20, X20)):
        x = torch.tensor(data.T, dtype=torch.float64)
        vgh = vmap(lambda p, fun=fun: (fun(p), grad(fun)(p), hessian(fun)(p)))
        out.append(("PyTorch torch.func.vmap(hessian)", prob, best(lambda: vgh(x)), ""))
    return out


def _sympy_hessian(X, X20):
    import sympy as sp
    out = []
    for prob, d, data in (("2h", 2, X), ("20h", N20, X20)):
        xs = sp.symbols(f"x1:{d + 1}")
        if d == 2:
            f = xs[0] * sp.exp(-(xs[0] ** 2 + xs[1] ** 2) / 2)
        else:
            f = sum(sp.sin(xs[i]) * sp.exp(-xs[(i + 1) % d] ** 2 / 2) for i in range(d))
        exprs = [f] + [sp.diff(f, x) for x in xs] + [sp.diff(f, a, b) for a in xs for b in xs]
        fn = sp.lambdify(xs, exprs, "numpy")
        out.append(("SymPy lambdify", prob, best(lambda: fn(*data)), ""))
    return out


# -- adcli ------------------------------------------------------------------------------------
def adcli_rows(n: int, n20: int, nh: int, nh20: int, kernels: dict) -> list:
    """adcli's rows; ``kernels`` receives problem -> (library, results per point)."""
    sys.path.insert(0, os.path.dirname(HERE))
    from adcli import batch, higher
    from adcli.batch.compiled import compile_kernel
    from adcli.parser import parse
    rows = []
    for prob, cmd, text, data in (("2", "grad", MATLAB, points(n, 2)),
                                  ("20", "grad", f20_text(), points(n20, N20)),
                                  ("2h", "hessian", MATLAB, points(nh, 2)),
                                  ("20h", "hessian", f20_text(), points(nh20, N20))):
        g = parse(text)
        prog = batch.compile_program(g, cmd, "reverse")
        for threads, label in ((1, "adcli --points (1 thread)"), (0, "adcli --points")):
            s = best(lambda: prog.run(data, threads=threads))
            rows.append((label, prob, s, f"{len(prog.steps)} NumPy calls per chunk of "
                                         f"{prog.chunk:,}"))
        try:
            kern = compile_kernel(g, cmd, "reverse")
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
            rows.append(("adcli --points --compile", prob, None, f"no kernel: {exc}"))
        else:
            kernels[prob] = (kern.path, kern.n_results)
            how = (f"compiled in {kern.compile_seconds:.2f} s" if not kern.cached
                   else "from the kernel cache")
            for threads, label in ((1, "adcli --points --compile (1 thread)"),
                                   (0, "adcli --points --compile")):
                s = best(lambda: kern.run(data, threads=threads), 7)
                rows.append((label, prob, s, how))
        if cmd == "hessian":     # the float engine, one point at a time (hessian --at)
            k = 2000 if prob == "2h" else 200
            pts = data[:, :k].T.tolist()
            s = best(lambda: [higher.hessian(g, p) for p in pts], 3) * data.shape[1] / k
            rows.append(("adcli float engine, one point at a time", prob, s,
                         "hessian --points before it was vectorized"))
    return rows


# -- end to end ---------------------------------------------------------------------------------
JAX_SCRIPT = """
import sys, numpy as np, jax, jax.numpy as jnp
jax.config.update("jax_enable_x64", True)
X = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
f = lambda x: x[0] * jnp.exp(-(x[0] ** 2 + x[1] ** 2) / 2)
v, g = jax.jit(jax.vmap(jax.value_and_grad(f)))(jnp.asarray(X))
np.savetxt(sys.argv[2], np.column_stack([X, np.asarray(v), np.asarray(g)]), delimiter=",",
           header="x1,x2,value,d/dx1,d/dx2", comments="", fmt="%.17g")
"""


def end_to_end(n: int, peer_python: str, tmp: str) -> list:
    import numpy as np
    src = os.path.join(tmp, "points.csv")
    X = points(n, 2).T
    with open(src, "w") as fh:
        fh.write("x1,x2\n")
        fh.write("\n".join(f"{a!r},{b!r}" for a, b in X.tolist()) + "\n")
    exe = shutil.which("adcli", path=os.path.dirname(sys.executable))
    cmd = ([exe] if exe else [sys.executable, "-m", "adcli"]) + \
        ["grad", MATLAB, "--points", src]
    out = os.path.join(tmp, "out.csv")

    def run_adcli(command=cmd):
        with open(out, "w") as fh:
            subprocess.run(command, stdout=fh, check=True)
    rows = [("adcli grad --points in.csv > out.csv", best(run_adcli, 3))]
    hess = [c if c != "grad" else "hessian" for c in cmd]
    rows.append(("adcli hessian --points in.csv > out.csv",
                 best(lambda: run_adcli(hess), 3)))
    run_adcli(cmd + ["--compile"])           # compiles (or finds) the kernel once
    rows.append(("adcli grad --points in.csv --compile > out.csv (cached kernel)",
                 best(lambda: run_adcli(cmd + ["--compile"]), 3)))
    run_adcli()
    script = os.path.join(tmp, "jax_csv.py")
    with open(script, "w") as fh:
        fh.write(JAX_SCRIPT)
    probe = subprocess.run([peer_python, "-c", "import jax"], capture_output=True)
    if probe.returncode == 0:
        jout = os.path.join(tmp, "jax_out.csv")
        rows.append(("JAX script (np.loadtxt, jit(vmap(grad)), np.savetxt)",
                     best(lambda: subprocess.run([peer_python, script, src, jout], check=True,
                                                 capture_output=True), 3)))
        a = np.loadtxt(out, delimiter=",", skiprows=1)
        b = np.loadtxt(jout, delimiter=",", skiprows=1)
        assert np.allclose(a, b, rtol=1e-12, atol=1e-15), "adcli and JAX disagree"
    else:
        rows.append(("JAX script", None))
    return rows


def table(rows: list, sizes: dict, problems: tuple) -> None:
    print("| | x1·exp(−(x1²+x2²)/2) | 20 inputs | note |\n|---|---|---|---|")
    for peer in dict.fromkeys(r[0] for r in rows if r[1] in problems or r[1] == "-"):
        cells, notes = {}, []
        for _peer, prob, s, note in (r for r in rows if r[0] == peer):
            if prob in problems:
                cells[prob] = f"{rate(sizes[prob] / s)} points/s" if s else "–"
            if note and note not in notes and (prob in problems or prob == "-"):
                notes.append(note)
        print(f"| {peer} | {cells.get(problems[0], '–')} | {cells.get(problems[1], '–')} | "
              f"{'; '.join(notes)} |")


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return "?"


def rate(r: float) -> str:
    return f"{r / 1e6:.1f} M" if r >= 1e5 else f"{r / 1e3:.1f} k" if r >= 100 else f"{r:.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--peer-python", default=sys.executable)
    ap.add_argument("--peers-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--kernels", default="{}", help=argparse.SUPPRESS)
    ap.add_argument("--compute-only", action="store_true",
                    help="the two throughput tables, not the end-to-end runs")
    args = ap.parse_args()
    n, n20 = (10 ** 5, 10 ** 4) if args.quick else (10 ** 6, 10 ** 5)
    nh, nh20 = (10 ** 5, 10 ** 3) if args.quick else (10 ** 6, 10 ** 4)
    if args.peers_only:
        print(json.dumps(peer_rows(n, n20, nh, nh20, json.loads(args.kernels))))
        return
    load = [_loadavg()]
    kernels: dict = {}
    rows = adcli_rows(n, n20, nh, nh20, kernels)
    peers = subprocess.run([args.peer_python, __file__, "--peers-only",
                            "--kernels", json.dumps(kernels)] +
                           (["--quick"] if args.quick else []),
                           capture_output=True, text=True, check=True)
    load.append(_loadavg())
    rows += [tuple(r) for r in json.loads(peers.stdout)]
    sizes = {"2": n, "20": n20, "2h": nh, "20h": nh20}
    print(f"Compute throughput, best of 5 (7 for --compile), float64, {os.cpu_count()} cores "
          f"(value and gradient at {n:,} points; 20 inputs at {n20:,}); load average "
          f"{load[0]} before, {load[1]} after the compute figures\n")
    table(rows, sizes, ("2", "20"))
    print(f"\nhessian: value, gradient and Hessian at {nh:,} points; 20 inputs "
          f"(400 entries) at {nh20:,}\n")
    table(rows, sizes, ("2h", "20h"))
    if args.compute_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        e2e = end_to_end(n, args.peer_python, tmp)
    print(f"\nEnd to end, {n:,} points, CSV in and out, whole processes (best of 3)\n")
    print("| | wall time |\n|---|---|")
    for label, s in e2e:
        print(f"| {label} | {f'{s:.2f} s' if s else 'JAX not installed'} |")


if __name__ == "__main__":
    main()
