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
2. End to end for 10⁶ points (process start, CSV read and write included):
   ``adcli grad F --points in.csv > out.csv`` against a JAX script that reads
   and writes the same CSV with NumPy (loadtxt / savetxt).
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


def peer_rows(n: int, n20: int) -> list:
    """(peer, problem, seconds or None, note) for every peer that is installed."""
    rows = []
    X, X20 = points(n, 2), points(n20, N20)
    rows.append(("NumPy, analytic gradient by hand", "2", best(lambda: numpy_hand(X)), ""))
    rows.append(("NumPy, analytic gradient by hand", "20", best(lambda: numpy_hand20(X20)), ""))
    for name, fn in (("JAX jit(vmap(grad))", _jax), ("PyTorch backward", _torch),
                     ("SymPy lambdify", _sympy), ("HIPS autograd", _autograd)):
        try:
            rows.extend(fn(X, X20))
        except ImportError as exc:
            rows.append((name, "-", None, f"not installed ({exc.name})"))
    return rows


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
        s = best(lambda: jax.block_until_ready(vg(xs)))
        out.append(("JAX jit(vmap(grad))", prob, s, f"after a {compile_s * 1e3:.0f} ms compile"))
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


# -- adcli ------------------------------------------------------------------------------------
def adcli_rows(n: int, n20: int) -> list:
    sys.path.insert(0, os.path.dirname(HERE))
    from adcli import batch
    from adcli.parser import parse
    rows = []
    for prob, text, data in (("2", MATLAB, points(n, 2)), ("20", f20_text(), points(n20, N20))):
        prog = batch.compile_program(parse(text), "grad", "reverse")
        for threads, label in ((1, "adcli --points (1 thread)"), (0, "adcli --points")):
            s = best(lambda: prog.run(data, threads=threads))
            rows.append((label, prob, s, f"{len(prog.steps)} NumPy calls per chunk of "
                                         f"{prog.chunk:,}"))
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

    def run_adcli():
        with open(out, "w") as fh:
            subprocess.run(cmd, stdout=fh, check=True)
    rows = [("adcli grad --points in.csv > out.csv", best(run_adcli, 3))]
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--peer-python", default=sys.executable)
    ap.add_argument("--peers-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    n, n20 = (10 ** 5, 10 ** 4) if args.quick else (10 ** 6, 10 ** 5)
    if args.peers_only:
        print(json.dumps(peer_rows(n, n20)))
        return
    rows = adcli_rows(n, n20)
    peers = subprocess.run([args.peer_python, __file__, "--peers-only"] +
                           (["--quick"] if args.quick else []),
                           capture_output=True, text=True, check=True)
    rows += [tuple(r) for r in json.loads(peers.stdout)]
    print(f"Compute throughput, best of 5, float64, {os.cpu_count()} cores "
          f"(gradient and value at {n:,} points; 20 inputs at {n20:,})\n")
    print("| | x1·exp(−(x1²+x2²)/2) | 20 inputs | note |\n|---|---|---|---|")
    for peer in dict.fromkeys(r[0] for r in rows):
        cells, notes = {}, []
        for p, prob, s, note in (r for r in rows if r[0] == peer):
            size = n if prob == "2" else n20
            cells[prob] = f"{size / s / 1e6:.1f} M points/s" if s else "–"
            if note and note not in notes:
                notes.append(note)
        print(f"| {peer} | {cells.get('2', '–')} | {cells.get('20', '–')} | "
              f"{'; '.join(notes)} |")
    with tempfile.TemporaryDirectory() as tmp:
        e2e = end_to_end(n, args.peer_python, tmp)
    print(f"\nEnd to end, {n:,} points, CSV in and out, whole processes (best of 3)\n")
    print("| | wall time |\n|---|---|")
    for label, s in e2e:
        print(f"| {label} | {f'{s:.2f} s' if s else 'JAX not installed'} |")


if __name__ == "__main__":
    main()
