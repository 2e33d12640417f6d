"""Core benchmark (issue 2).  Not a test: it prints figures for the README.

    python bench/bench_core.py            # all three parts
    python bench/bench_core.py --quick    # fewer repetitions

1. Start-up: one-shot ``adcli grad ... --json`` as a whole process, as a ratio
   to ``python -c "import typer, rich, lark"`` (target ≤ 1.3×).
2. A 100,000-node formula: parse + reverse gradient, end to end, as a ratio to
   its ``eval`` (target ≤ 1.5×).
3. Reverse gradient ÷ evaluation for 10 … 10,000 inputs, end to end (target
   ≤ 1.5×, flat in n), with forward mode beside it (growing with n).

4. A 10⁶-term ``x+x+…+x`` (2 MB, issue 11): ``adcli grad @file --at 1`` end to end (wall,
   CPU, peak memory), its stages in one process (parse, IR, evaluate, linearize, adjoint,
   the pipeline's result, the rendered table: CPU seconds, resident memory after each and
   the peak so far), and Lark's own floor: its LALR parse of the same
   text with a no-op transformer, with Lark's basic lexer and with adcli's finditer lexer
   (target: adcli's parse ≤ 1.5× the latter, the whole ``grad`` < 300 MB).
   ``--million`` runs this part only.

It uses the ``adcli`` next to the running Python (install the project first,
non-editable, so that modules are byte-compiled as users get them).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def adcli_exe() -> list:
    exe = shutil.which("adcli", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "adcli"]


def wall(cmd: list, repeat: int) -> float:
    """Median wall time of a whole process, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if out.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)[:200]}\n{out.stderr.decode()[:500]}")
    return statistics.median(times)


def startup(repeat: int) -> list:
    base = [sys.executable, "-c", "import typer, rich, lark"]
    cmd = adcli_exe() + ["grad", MATLAB, "--at", "2,0.5", "--json"]
    wall(cmd, 2)  # warm the lark cache and the OS file cache
    b, a = [], []
    for _ in range(repeat):  # interleave, so drift hits both alike
        b.append(wall(base, 1))
        a.append(wall(cmd, 1))
    tb, ta = statistics.median(b), statistics.median(a)
    return [("`python -c 'import typer, rich, lark'`", f"{tb * 1e3:.1f} ms", "1.00×"),
            ("`adcli grad '<MATLAB f>' --at 2,0.5 --json`", f"{ta * 1e3:.1f} ms",
             f"{ta / tb:.2f}×")]


def big_formula(n_inputs: int, n_terms: int) -> str:
    # unique constants keep common-subexpression sharing from shrinking it
    return "+".join(f"sin(x{i % n_inputs})*x{(i * 7 + 1) % n_inputs}*{i + 1}e-5"
                    for i in range(n_terms))


def scale(repeat: int, tmp: str) -> list:
    n_inputs = 100
    text = big_formula(n_inputs, 51_000)   # ~2 new equations per term (sin(x_i) is shared)
    path = os.path.join(tmp, "big.txt")
    with open(path, "w") as fh:
        fh.write(text)
    at = ",".join(f"{0.01 * (k + 1):.2f}" for k in range(n_inputs))
    from adcli.parser import parse
    n_ops = parse(text).n_ops
    ev = wall(adcli_exe() + ["eval", "@" + path, "--at", at, "--json"], repeat)
    gr = wall(adcli_exe() + ["grad", "@" + path, "--at", at, "--json"], repeat)
    return [(f"`eval` ({n_ops:,} equations, {len(text):,} characters)", f"{ev:.2f} s", "1.00×"),
            ("`grad --mode reverse`", f"{gr:.2f} s", f"{gr / ev:.2f}×")]


def compute_ratio(text: str, point: list) -> tuple:
    """In-process, best of 3: evaluate, and reverse gradient (primal + adjoint), in seconds."""
    from adcli.engine import differentiate, evaluate
    from adcli.parser import parse
    g = parse(text)
    ev = min(_timed(lambda: evaluate(g, point)) for _ in range(3))
    rv = min(_timed(lambda: differentiate(g, point, "reverse")) for _ in range(3))
    return ev, rv


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def chain(n: int) -> str:
    return "+".join(f"sin(x{i})*x{(i + 1) % n}" for i in range(n))


def inputs(repeat: int, tmp: str, sizes: list, forward_max: int) -> list:
    rows = []
    for n in sizes:
        path = os.path.join(tmp, f"chain{n}.txt")
        with open(path, "w") as fh:
            fh.write(chain(n))
        at = ",".join(f"{0.001 * (k % 997):.3f}" for k in range(n))
        atfile = os.path.join(tmp, f"at{n}.txt")
        with open(atfile, "w") as fh:
            fh.write(at)
        base = adcli_exe()
        ev = wall(base + ["eval", "@" + path, "--at", at, "--json"], repeat)
        rv = wall(base + ["grad", "@" + path, "--at", at, "--json"], repeat)
        if n <= forward_max:
            fw = wall(base + ["grad", "@" + path, "--at", at, "--mode", "forward", "--json"],
                      max(1, repeat // 2))
            fwd = f"{fw:.3f} s ({fw / ev:.1f}×)"
        else:
            fwd = "not run (n sweeps of 3n equations: minutes)"
        cev, crv = compute_ratio(chain(n), [0.001 * (k % 997) for k in range(n)])
        rows.append((f"{n:,}", f"{ev:.3f} s", f"{rv:.3f} s", f"{rv / ev:.2f}×",
                     f"{crv / cev:.2f}×", fwd))
    return rows


# -- 4. a million terms ---------------------------------------------------------------------
MILLION = 1_000_000

STAGES = r"""
import io, json, os, sys, time
def peak():     # MB, the process's peak resident memory so far (its own: not the parent's)
    with open("/proc/self/status") as f:
        return int(f.read().split("VmHWM:")[1].split()[0]) / 1024
def now():      # MB, resident now
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
text = open(sys.argv[2]).read()
out = {}
def stage(name, fn, *args):
    t = time.process_time()
    r = fn(*args)
    out[name] = (time.process_time() - t, now(), peak())
    return r
if sys.argv[1] == "adcli":
    from adcli import engine, parser, pipeline
    parser._parser()
    layout = parser.build_graph
    def build_graph(*a, **k):   # the IR stage: parse() calls it once the parse is done
        out["parse (Lark + builder)"] = (time.process_time() - t0, now(), peak())
        parser.build_graph = layout      # (the --at point is parsed later: not timed here)
        t = time.process_time()
        g = layout(*a, **k)
        out["IR (prune, schedule, lay out)"] = (time.process_time() - t, now(), peak())
        return g
    parser.build_graph = build_graph
    t0 = time.process_time()
    g = parser.parse(text)
    vals = stage("evaluate", engine.evaluate, g, [1.0])
    lin = stage("linearize", engine.linearize, g, vals)
    stage("adjoint sweep", engine.adjoint_sweep, g, lin, g.outputs[0])
    del vals, lin
    req = pipeline.Request("grad", g, "1")
    res = stage("pipeline.run (the sweeps again, result)", pipeline.run, req)
    stdout, sys.stdout = sys.stdout, io.StringIO()
    stage("render (the table)", res.show, None)
    sys.stdout = stdout
else:
    sys.path.insert(0, sys.argv[3])
    from bench_core import lark_floor
    stage("parse", lark_floor(sys.argv[1] == "lark-finditer").parse, text)
print(json.dumps(out))
"""


def lark_floor(finditer: bool = True):
    """Lark's own LALR parser of adcli's grammar with a no-op transformer (the floor of any
    builder), reading with adcli's finditer lexer or Lark's basic one; tests/test_scale.py
    holds adcli's parse to it."""
    from lark import Lark

    from adcli.lexer import FinditerLexer
    from adcli.parser import _grammar_text
    grammar = _grammar_text()
    probe = Lark(grammar, parser="lalr", lexer="basic")

    class Noop:
        pass
    noop = Noop()
    for r in probe.rules:
        setattr(noop, r.alias or r.origin.name, lambda children: None)
    return Lark(grammar, parser="lalr", lexer=FinditerLexer if finditer else "basic",
                keep_all_tokens=True, transformer=noop)


def _stages(kind: str, path: str) -> dict:
    import json
    out = subprocess.run([sys.executable, "-c", STAGES, kind, path, HERE], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def _whole(cmd: list) -> tuple:
    """Wall seconds, CPU seconds and peak memory (MB) of one process (run in a fresh
    Python, so that RUSAGE_CHILDREN sees this child alone)."""
    code = ("import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
            "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(time.perf_counter() - t, r.ru_utime + r.ru_stime, r.ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code] + cmd, capture_output=True, text=True,
                         check=True)
    wall_s, cpu, mb = (float(v) for v in out.stdout.split())
    return wall_s, cpu, mb


def million(tmp: str) -> tuple:
    path = os.path.join(tmp, "million.txt")
    with open(path, "w") as fh:
        fh.write("+".join(["x"] * MILLION))
    wall_s, cpu, mb = _whole(adcli_exe() + ["grad", "@" + path, "--at", "1"])
    whole = [(f"`adcli grad @file --at 1` ({MILLION:,} terms)", f"{wall_s:.2f} s",
              f"{cpu:.2f} s", f"{mb:.0f} MB")]
    basic = _stages("lark-basic", path)["parse"]
    fast = _stages("lark-finditer", path)["parse"]
    ours = _stages("adcli", path)
    rows = [("Lark LALR, no-op transformer, Lark's basic lexer", f"{basic[0]:.2f} s",
             f"{basic[1]:.0f} MB", f"{basic[2]:.0f} MB", ""),
            ("Lark LALR, no-op transformer, adcli's finditer lexer", f"{fast[0]:.2f} s",
             f"{fast[1]:.0f} MB", f"{fast[2]:.0f} MB", "1.00×")]
    parse_s = 0.0
    for name, (cpu_s, now_mb, peak_mb) in ours.items():
        ratio = ""
        if name.startswith("parse"):
            ratio = f"{cpu_s / fast[0]:.2f}×"
        if name.startswith("IR"):
            ratio = f"parse + IR: {(parse_s + cpu_s) / fast[0]:.2f}×"
        parse_s += cpu_s
        rows.append((f"adcli: {name}", f"{cpu_s:.2f} s", f"{now_mb:.0f} MB", f"{peak_mb:.0f} MB",
                     ratio))
    return whole, rows


def table(header: tuple, rows: list) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--million", action="store_true", help="part 4 (10⁶ terms) only")
    args = ap.parse_args()
    rep = 5 if args.quick else 15
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, adcli: "
          f"{' '.join(adcli_exe())}\n")
    if args.million:
        return print_million()
    print(f"## 1. Start-up (whole process, median of {rep * 2})\n")
    print(table(("command", "wall time", "ratio"), startup(rep * 2)))
    with tempfile.TemporaryDirectory() as tmp:
        print(f"\n## 2. A 100,000-node formula, end to end (median of {max(3, rep // 3)})\n")
        print(table(("command", "wall time", "ratio"), scale(max(3, rep // 3), tmp)))
        print(f"\n## 3. Reverse gradient ÷ evaluation, end to end (median of {max(3, rep // 3)})\n")
        print(table(("inputs n", "eval", "grad (reverse)", "reverse ÷ eval",
                     "compute only: reverse ÷ eval", "grad --mode forward (÷ eval)"),
                    inputs(max(3, rep // 3), tmp, [10, 100, 1000, 10000], 1000)))
    print_million()


def print_million() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        whole, rows = million(tmp)
    print("\n## 4. A 10⁶-term `x+x+…+x` (2 MB)\n")
    print(table(("command", "wall time", "CPU time", "peak memory"), whole))
    print("\nIn one process, each stage's CPU seconds, and the resident memory after it (now and "
          "the peak so far):\n")
    print(table(("stage", "CPU time", "memory after", "peak so far", "÷ Lark's floor"), rows))
    print(f"\n(load average when done: {', '.join(f'{v:.1f}' for v in os.getloadavg())} "
          f"on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
