"""I/O benchmark (issue 16, parts 2 and 3).  Not a test: it prints figures for the README.

    python bench/bench_io.py                                   # everything
    python bench/bench_io.py --peer-python /work/venvs/bench/bin/python   # JAX from there
    python bench/bench_io.py --quick                           # 10x fewer points, no Dask

1. End to end, 10⁶ points of x1·exp(−(x1²+x2²)/2), process start included, best of 3:
   ``adcli grad F --points in.csv > out.csv`` with pyarrow (pyarrow.csv reads and writes)
   and without it (the text reader and Python's float repr), Parquet in and out, and the
   JAX script of bench_batch.py (np.loadtxt, jit(vmap(grad)), np.savetxt) in the same run.
2. Where the time goes, in one process: reading, computing, formatting + writing, for each
   reader and writer.
3. Dask: a LocalCluster on 127.0.0.1 with 1 and 2 worker processes, the points in 8 Parquet
   files, against the single-machine run (``--points`` over one Parquet file, in process);
   the cluster's start is timed apart.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_batch import JAX_SCRIPT, MATLAB, best, points  # noqa: E402

NO_PYARROW = ("import sys; sys.modules['pyarrow'] = None\n"
              "from adcli.cli import run\nsys.argv[0] = 'adcli'\nrun()\n")


def write_inputs(n: int, tmp: str) -> tuple:
    import pyarrow as pa
    import pyarrow.parquet as pq
    X = points(n, 2)
    csv = os.path.join(tmp, "in.csv")
    with open(csv, "w") as fh:
        fh.write("x1,x2\n" + "\n".join(f"{a!r},{b!r}" for a, b in X.T.tolist()) + "\n")
    par = os.path.join(tmp, "in.parquet")
    pq.write_table(pa.table({"x1": X[0], "x2": X[1]}), par, row_group_size=1 << 16)
    return X, csv, par


def child(fn, repeat: int = 3) -> tuple:
    """(best wall seconds, best CPU seconds: user + sys of the child processes) of fn().
    On a shared machine the CPU time is the steadier figure."""
    import resource
    walls, cpus = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return min(walls), min(cpus)


def end_to_end(tmp: str, csv: str, par: str, peer: str) -> list:
    adcli = [sys.executable, "-m", "adcli"]
    out = os.path.join(tmp, "out.csv")
    best = child

    def run(cmd, stdout=True):
        with open(out if stdout else os.devnull, "w") as fh:
            subprocess.run(cmd, stdout=fh, check=True)
    rows = [("adcli grad F --at 2,0.5 (process start)",
             best(lambda: run(adcli + ["grad", MATLAB, "--at", "2,0.5"], False), 3))]
    rows.append(("CSV → CSV, pyarrow.csv (`--points in.csv > out.csv`)",
                 best(lambda: run(adcli + ["grad", MATLAB, "--points", csv]), 3)))
    rows.append(("CSV → CSV without pyarrow (text reader, repr)",
                 best(lambda: run([sys.executable, "-c", NO_PYARROW, "grad", MATLAB,
                                   "--points", csv]), 3)))
    for src, dst in ((par, "out.parquet"), (csv, "out.parquet"), (par, "out.csv")):
        kind = f"{os.path.splitext(src)[1][1:].upper()} → {os.path.splitext(dst)[1][1:].upper()}"
        rows.append((f"{kind} (`--points {os.path.basename(src)} --out-file {dst}`)",
                     best(lambda: run(adcli + ["grad", MATLAB, "--points", src, "--out-file",
                                               os.path.join(tmp, dst)], False), 3)))
    script = os.path.join(tmp, "jax_csv.py")
    with open(script, "w") as fh:
        fh.write(JAX_SCRIPT)
    if subprocess.run([peer, "-c", "import jax"], capture_output=True).returncode == 0:
        jout = os.path.join(tmp, "jax.csv")
        rows.append(("JAX script: np.loadtxt, jit(vmap(grad)), np.savetxt",
                     best(lambda: subprocess.run([peer, script, csv, jout], check=True,
                                                 capture_output=True), 3)))
    else:
        rows.append(("JAX script (JAX not installed for --peer-python)", None))
    return rows


def phases(X, csv: str, par: str, tmp: str) -> list:
    """Seconds per phase for all the points, in this process."""
    import numpy as np

    from adcli import pointsio
    from adcli.batch import compile_program
    from adcli.batch.io_arrow import ArrowCsvReader, TableReader
    from adcli.batch.writers import ArrowCsvWriter, CsvWriter, TableWriter
    from adcli.parser import parse
    g = parse(MATLAB)
    names, cols = ["x1", "x2"], ["value", "d/dx1", "d/dx2"]
    block = 1 << 16

    def text_read():
        with pointsio.open_source(csv) as s:
            for _ in pointsio.PointReader(s, names, "csv", csv, block):
                pass

    def arrow_read():
        with pointsio.open_source(csv) as s:
            for _ in ArrowCsvReader(csv, pointsio.PointReader(s, names, "csv", csv, block),
                                    names, block):
                pass

    def parquet_read():
        for _ in TableReader(par, "parquet", names, block):
            pass
    prog = compile_program(g, "grad")
    Y, _ = prog.run(X)

    def blocks(writer):
        for s in range(0, X.shape[1], block):
            writer.write(X[:, s:s + block], Y[:, s:s + block])

    def text_write():
        with open(os.path.join(tmp, "w.csv"), "w") as fh:
            blocks(CsvWriter(fh, names, cols))

    def arrow_write():
        with open(os.path.join(tmp, "w.csv"), "w") as fh:
            blocks(ArrowCsvWriter(fh, names, cols))

    def parquet_write():
        w = TableWriter(os.path.join(tmp, "w.parquet"), "parquet", names, cols)
        blocks(w)
        w.close()
    assert np.isfinite(Y).all()
    return [("read CSV, text reader (np.loadtxt per block)", best(text_read, 3)),
            ("read CSV, pyarrow.csv", best(arrow_read, 3)),
            ("read Parquet", best(parquet_read, 3)),
            ("compute (the --points program, 2 threads)", best(lambda: prog.run(X), 3)),
            ("format + write CSV, Python repr", best(text_write, 3)),
            ("format + write CSV, pyarrow.csv", best(arrow_write, 3)),
            ("write Parquet", best(parquet_write, 3))]


def dask_rows(tmp: str, sizes: list) -> list:
    import logging

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    from distributed import Client, LocalCluster

    from adcli.batch import run_points
    from adcli.batch.on_dask import run_dask
    from adcli.parser import parse
    from adcli.pipeline import Request, _single, fixed, layout
    req = Request("grad", parse(MATLAB), None)
    keys = fixed(req)
    rows = []
    for workers in (1, 2):
        t = time.perf_counter()
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
        rows.append((f"LocalCluster start, {workers} worker(s)", time.perf_counter() - t, None))
        for n in sizes:
            d = os.path.join(tmp, f"d{n}")
            if not os.path.isdir(d):
                os.makedirs(d)
                X = points(n, 2)
                for k, part in enumerate(np.array_split(X, 8, axis=1)):
                    pq.write_table(pa.table({"x1": part[0], "x2": part[1]}),
                                   os.path.join(d, f"p{k}.parquet"))
                pq.write_table(pa.table({"x1": X[0], "x2": X[1]}),
                               os.path.join(tmp, f"all{n}.parquet"))
            run_dask(req, os.path.join(d, "*.parquet"), "", os.path.join(tmp, "o"),
                     client=client)      # warm: imports and compile on the workers
            s = best(lambda: run_dask(req, os.path.join(d, "*.parquet"), "",
                                      os.path.join(tmp, "o"), client=client), 3)
            rows.append((f"--dask, {workers} worker(s), {n:,} points in 8 files", s, n))
        client.close()
        cluster.close()
    for n in sizes:
        src = os.path.join(tmp, f"all{n}.parquet")
        s = best(lambda: run_points("grad", req.graph, src, layout(req, keys),
                                    _single(req, keys),
                                    out_file=os.path.join(tmp, "single.parquet")), 3)
        rows.append((f"single machine (--points, in process), {n:,} points", s, n))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peer-python", default=sys.executable)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-dask", action="store_true")
    a = ap.parse_args()
    n = 100_000 if a.quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        X, csv, par = write_inputs(n, tmp)
        print(f"## End to end, {n:,} points (best of 3)\n\n| | wall | CPU (user + sys) |"
              "\n|---|---|---|")
        for label, s in end_to_end(tmp, csv, par, a.peer_python):
            cells = "– | –" if s is None else f"{s[0]:.2f} s | {s[1]:.2f} s"
            print(f"| {label} | {cells} |")
        print(f"\n## Where the time goes, {n:,} points, in one process\n\n| | seconds |"
              "\n|---|---|")
        sys.stdout.flush()
        for label, s in phases(X, csv, par, tmp):
            print(f"| {label} | {s:.3f} s |")
        if a.quick or a.no_dask:
            return
        print("\n## Dask on this machine (LocalCluster, 127.0.0.1)\n\n"
              "| | seconds | M points/s |\n|---|---|---|")
        for label, s, pts in dask_rows(tmp, [100_000, 1_000_000, 4_000_000]):
            rate = f"{pts / s / 1e6:.2f}" if pts else ""
            print(f"| {label} | {s:.2f} s | {rate} |")


if __name__ == "__main__":
    main()
