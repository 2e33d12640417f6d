"""--points: the vectorized NumPy backend against the single-point float engine."""
from __future__ import annotations

import json
import math
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest
from big_helpers import Stream

from adcli import batch, higher
from adcli.engine import differentiate, evaluate
from adcli.parser import parse
from adcli.pipeline import Request, stream
from adcli.point import parse_point

SAMPLES = sorted((pathlib.Path(__file__).parent.parent / "samples").glob("*.txt"))
MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def random_points(g, centre, n=1000, seed=0):
    """Points around the sample's own point (inside every formula's domain)."""
    rng = np.random.default_rng(seed)
    c = np.array(centre)
    return c + rng.uniform(-0.25, 0.25, (n, len(c))) * np.maximum(1.0, np.abs(c))


def write_csv(path, names, pts):
    with open(path, "w") as fh:
        fh.write(",".join(names) + "\n")
        fh.writelines(",".join(map(repr, p)) + "\n" for p in pts.tolist())


EPS = 2.0 ** -52     # one unit in the last place (ulp) of 1.0
ULPS = 16


def agree(got, want) -> bool:
    """The results of one point agree to within ULPS ulp of its largest result.

    Why not exactly: NumPy's exp, log, sinh, cbrt, … differ from libm's
    (math.*) by up to 3 ulp for a few % of arguments, and glibc's pow(x, 2)
    misrounds x² (NumPy's x·x) about once in 1,000.  Why relative to the
    largest result: k ulp of difference in one operation reaches a result as
    k ulp of the terms summed into it, so a result much smaller than its terms
    (cancellation, e.g. ∂²/∂x² exp(−x²) = (4x² − 2)·exp(−x²) near x = 0.7)
    carries it as a larger relative error; the point's largest result (value,
    derivative) stands for the scale of those terms.  Measured worst, every
    sample and command, 1,000 points, 3 seeds: 6.5 ulp.
    """
    got, want = np.asarray(flat(got), dtype=float), np.asarray(flat(want), dtype=float)
    if got.shape != want.shape:
        return False
    scale = float(np.abs(want).max(initial=0.0))
    return bool(np.all(np.abs(got - want) <= ULPS * EPS * scale))


def single(g, command, mode, point):
    if command == "eval":
        vals = evaluate(g, point)
        v = [vals[o] for o in g.outputs]
        return {"value": v if g.vector else v[0]}
    if command == "hessian":
        res = higher.hessian(g, point)
        return {"value": res.value, "gradient": res.gradient, "hessian": res.hessian,
                "asymmetry": res.asymmetry, "warnings": res.warnings}
    res = differentiate(g, point, mode)
    if command == "grad":
        return {"value": res.value[0], "gradient": res.derivative[0], "warnings": res.warnings}
    return {"value": res.value, "jacobian": res.derivative, "warnings": res.warnings}


def flat(x):
    if isinstance(x, list):
        return [v for item in x for v in flat(item)]
    return [x]


# micrograd's d = a*b + b**3 = b·(a + b²) vanishes at its own point (-4, 2): near it
# the 1-ulp difference of NumPy's b**3 from libm's is amplified by the cancellation
# (and by 10/f), so batch and single point differ by the formula's conditioning, not
# by ulps.  tests/test_trace_program.py checks it at its point against SymPy.
_ILL_CONDITIONED = ("micrograd",)
SAMPLES = [p for p in SAMPLES if p.stem not in _ILL_CONDITIONED]
CASES = [(p, c, m) for p in SAMPLES for c in ("eval", "grad", "jacobian")
         for m in ("forward", "reverse")
         if not (c == "grad" and "polar" in p.stem) and not (c == "eval" and m == "forward")]
# hessian has one method (forward-over-reverse), run point by point
CASES += [(p, "hessian", "forward-over-reverse") for p in SAMPLES if "polar" not in p.stem]


@pytest.mark.parametrize("path, command, mode", CASES,
                         ids=[f"{p.stem}-{c}-{m}" for p, c, m in CASES])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_batch_equals_single_point(adcli, tmp_path, path, command, mode):
    text = path.read_text()
    g = parse(text)
    centre = parse_point(re.search(r"^# at: (.*)$", text, re.MULTILINE).group(1), g.names)
    pts = random_points(g, centre)
    src = tmp_path / "points.csv"
    write_csv(src, g.names, pts)
    args = [command, "@" + str(path), "--points", str(src), "--json"]
    if command in ("grad", "jacobian"):
        args += ["--mode", mode]
    r = adcli(*args)
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert len(lines) == len(pts)
    for line, p in zip(lines, pts.tolist(), strict=True):
        d = json.loads(line)
        assert d["command"] == command and d["point"] == p
        ref = single(g, command, mode, p)
        if "warnings" in ref:
            assert d["warnings"] == ref.pop("warnings")
        assert agree([d[key] for key in ref], list(ref.values())), (d, ref)


def test_csv_output_columns_and_values(adcli, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("x1,x2\n2,0.5\n1,1\n")
    r = adcli("grad", MATLAB, "--points", str(src))
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert lines[0] == "x1,x2,value,d/dx1,d/dx2"
    cells = lines[1].split(",")
    assert cells[:2] == ["2", "0.5"]
    # MATLAB's page: f(2, 0.5) and its gradient
    e = math.exp(-(4 + 0.25) / 2)
    assert agree([float(c) for c in cells[2:]], [2 * e, e * (1 - 4), -2 * 0.5 * e])


def test_jacobian_columns(adcli, tmp_path):
    src = tmp_path / "p.jsonl"
    src.write_text('{"r": 2, "t": 0}\n')
    r = adcli("jacobian", "[r*cos(t), r*sin(t)]", "--points", str(src))
    # df2/dr, not d2/dr (which reads as a second derivative, as the Hessian's d2/dxdy)
    assert r.out.splitlines()[0] == "r,t,value1,value2,df1/dr,df1/dt,df2/dr,df2/dt"
    assert [float(c) for c in r.out.splitlines()[1].split(",")] == [2, 0, 2, 0, 1, 0, 0, 2]


def test_same_keys_as_single_point(adcli, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("x1,x2\n2,0.5\n")
    one = adcli("grad", MATLAB, "--at", "2,0.5", "--json").json
    many = adcli("grad", MATLAB, "--points", str(src), "--json")
    assert list(json.loads(many.out).keys()) == list(one.keys())
    j1 = adcli("jacobian", "[x1*x2, x1+x2]", "--at", "2,0.5", "--json").json
    jm = adcli("jacobian", "[x1*x2, x1+x2]", "--points", str(src), "--json")
    assert list(json.loads(jm.out).keys()) == list(j1.keys())
    h1 = adcli("hessian", MATLAB, "--at", "2,0.5", "--json").json
    hm = adcli("hessian", MATLAB, "--points", str(src), "--json")
    assert json.loads(hm.out) == h1


def test_hessian_csv_columns_and_values(adcli, tmp_path):
    """Columns value, d/dx…, d2/dxdy… (row-major); the values are SymPy's."""
    import sympy as sp
    src = tmp_path / "p.jsonl"
    src.write_text('{"x1": 2, "x2": 0.5}\n{"x2": -1, "x1": 0.25}\n')
    r = adcli("hessian", MATLAB, "--points", str(src))
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert lines[0] == "x1,x2,value,d/dx1,d/dx2,d2/dx1dx1,d2/dx1dx2,d2/dx2dx1,d2/dx2dx2"
    x1, x2 = sp.symbols("x1 x2")
    f = x1 * sp.exp(-(x1 ** 2 + x2 ** 2) / 2)
    points = [(2, sp.Rational(1, 2)), (sp.Rational(1, 4), -1)]
    for line, (a, b) in zip(lines[1:], points, strict=True):
        at = {x1: a, x2: b}
        want = [f] + [sp.diff(f, v) for v in (x1, x2)] + \
            [sp.diff(f, u, v) for u in (x1, x2) for v in (x1, x2)]
        cells = [float(c) for c in line.split(",")]
        assert cells[:2] == [float(a), float(b)]
        assert agree(cells[2:], [float(sp.N(w.subs(at), 30)) for w in want])


# -- bad rows -----------------------------------------------------------------------------------
BAD = "x,y\n1,2\n2,abc\n-1,1\n3\n\n4,\n5,1\n"


def _table(out: str) -> list:
    """CSV output as [header, rows of floats]: numbers are compared as the float64 they
    read back as (Python writes 1.0 where pyarrow.csv writes 1; both round-trip)."""
    lines = out.splitlines()
    return [lines[0]] + [[float(c) for c in line.split(",")] for line in lines[1:]]


def test_fail_names_the_first_bad_row(adcli, tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text(BAD)
    r = adcli("eval", "log(x)*y", "--points", str(src))
    assert r.code == 2
    assert "row 2 (line 3)" in r.err and "'abc' is not a number" in r.err
    assert _table(r.out) == ["x,y,value", [1, 2, 0]]   # rows before it are out
    r = adcli("eval", "log(x)*y", "--points", str(src), "--json")
    err = json.loads(r.out.splitlines()[-1])["error"]
    assert err["input_row"] == 2 and err["input_line"] == 3 and err["type"] == "point"


def test_domain_error_row_names_the_trace_row(adcli, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("x,y\n1,2\n-1,1\n")
    r = adcli("grad", "log(x)*y", "--points", str(src), "--json")
    assert r.code == 1
    err = json.loads(r.out.splitlines()[-1])["error"]
    assert err["type"] == "evaluation" and err["input_row"] == 2 and err["row"] == "v₁"
    assert "log needs x > 0" in err["message"] and "row 2 (line 3)" in err["message"]


def test_skip_reports_every_skipped_row(adcli, tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text(BAD)
    r = adcli("eval", "log(x)*y", "--points", str(src), "--on-error", "skip")
    assert r.code == 0
    assert [line.split(",")[0] for line in r.out.splitlines()[1:]] == ["1", "5"]
    for row, line in [(2, 3), (3, 4), (4, 5), (5, 7)]:
        assert f"row {row} (line {line})" in r.err
    assert "log needs x > 0" in r.err and "expected 2 cells" in r.err and "empty cell" in r.err
    assert "skipped 4 of 6 rows" in r.err


def test_overflow_and_infinite_derivative_points(adcli, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("x\n1\n1000\n0\n4\n")
    r = adcli("grad", "exp(x)+sqrt(x)", "--points", str(src), "--on-error", "skip", "--json")
    assert [json.loads(line)["point"] for line in r.out.splitlines()] == [[1.0], [4.0]]
    assert "row 2" in r.err and "overflow" in r.err
    assert "row 3" in r.err and "infinite" in r.err


def test_kink_points_carry_the_single_point_warnings(adcli, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("x,y\n1,2\n0,0\n3,3\n")
    r = adcli("grad", "abs(x) + max(x, y) + hypot(x, y)", "--points", str(src), "--json")
    got = [json.loads(line)["warnings"] for line in r.out.splitlines()]
    want = [differentiate(parse("abs(x) + max(x, y) + hypot(x, y)"), p, "reverse").warnings
            for p in ([1.0, 2.0], [0.0, 0.0], [3.0, 3.0])]
    assert got == want and got[0] == [] and len(got[1]) == 3 and len(got[2]) == 1
    assert "row 2" in r.err


def test_hessian_row_errors(adcli, tmp_path):
    """Bad cells and second-derivative failures name the input row, in both modes."""
    src = tmp_path / "bad.csv"
    src.write_text("x,y\n1,2\n0,1\nabc,1\n4,1\n")
    f = "y*x^1.5"      # ∂²/∂x² = 0.75·y·x^(-0.5) is infinite at x = 0
    r = adcli("hessian", f, "--points", str(src))
    assert r.code == 1, r
    assert "row 2 (line 3)" in r.err and "second derivative" in r.err
    assert r.out.splitlines()[0].startswith("x,y,value,d/dx,d/dy,d2/dxdx")
    assert len(r.out.splitlines()) == 2           # the header and row 1, then stop
    r = adcli("hessian", f, "--points", str(src), "--json")
    err = json.loads(r.out.splitlines()[-1])["error"]
    assert err["input_row"] == 2 and err["input_line"] == 3 and err["type"] == "evaluation"
    r = adcli("hessian", f, "--points", str(src), "--on-error", "skip", "--json")
    assert r.code == 0, r
    assert [json.loads(line)["point"] for line in r.out.splitlines()] == [[1.0, 2.0], [4.0, 1.0]]
    assert "row 2 (line 3)" in r.err and "row 3 (line 4)" in r.err and "'abc'" in r.err
    assert "skipped 2 of 4 rows" in r.err
    # x = 4, y = 1: ∂²f/∂x² = 0.75·y/√x = 0.375 exactly
    assert json.loads(r.out.splitlines()[1])["hessian"][0][0] == 0.375


def test_hessian_points_usage_errors(adcli, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("x,y\n1,2\n")
    r = adcli("hessian", "[x, y]", "--points", str(src), "--json")
    assert r.code == 2 and "2 outputs" in r.json["error"]["message"]
    r = adcli("hessian", "x*y", "--points", str(src), "--at", "1,2")
    assert r.code == 2 and "not both" in r.err


def test_a_row_that_is_not_utf8_fails_or_is_skipped_by_number(adcli, tmp_path):
    src = tmp_path / "latin1.csv"
    src.write_bytes(b"x1,x2,note\n1,2,ok\n1,2,caf\xe9\n3,1,ok\n")
    r = adcli("grad", MATLAB, "--points", str(src))
    assert r.code == 2, r
    assert "row 2 (line 3): not UTF-8 text (byte 0xe9 at column 8)" in r.err
    assert "internal" not in r.err
    assert r.out.splitlines()[0] == "x1,x2,value,d/dx1,d/dx2" and len(r.out.splitlines()) == 2
    r = adcli("grad", MATLAB, "--points", str(src), "--json")
    err = json.loads(r.out.splitlines()[-1])["error"]
    assert (err["type"], err["input_row"], err["input_line"]) == ("point", 2, 3)
    r = adcli("grad", MATLAB, "--points", str(src), "--on-error", "skip")
    assert r.code == 0, r
    assert [row[:2] for row in _table(r.out)[1:]] == [[1, 2], [3, 1]]
    assert "skipped row 2 (line 3): not UTF-8" in r.err and "skipped 1 of 3 rows" in r.err


def test_a_binary_file_is_a_usage_error(adcli, tmp_path):
    src = tmp_path / "prog"
    src.write_bytes(bytes(range(256)) * 4)
    r = adcli("grad", MATLAB, "--points", str(src), "--json")
    assert r.code == 2, r
    assert r.json["error"]["type"] == "usage" and "binary file" in r.json["error"]["message"]


def test_quoted_cells_and_a_byte_order_mark_on_the_command_line(adcli, tmp_path):
    src = tmp_path / "excel.csv"
    src.write_bytes(b'\xef\xbb\xbfname,x1,x2\r\n"a, b",2,0.5\r\n')
    r = adcli("grad", MATLAB, "--points", str(src))
    assert r.code == 0, r
    e = math.exp(-(4 + 0.25) / 2)
    assert _table(r.out) == ["x1,x2,value,d/dx1,d/dx2", [2, 0.5, 2 * e, -3 * e, -0.5 * 2 * e]]


@pytest.mark.parametrize("content, fmt", [("", []), ("x1,x2\n", []), ("\n\n", []),
                                          ("", ["--json"])])
def test_no_points_is_a_note_not_an_error(adcli, tmp_path, content, fmt):
    src = tmp_path / "empty.csv"
    src.write_text(content)
    r = adcli("grad", MATLAB, "--points", str(src), *fmt)
    assert r.code == 0, r
    assert r.out == ("" if fmt else "x1,x2,value,d/dx1,d/dx2\n")
    assert r.err == f"adcli: no points in {src}\n"


def test_no_points_on_stdin(adcli, monkeypatch):
    import io
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(b""))))
    r = adcli("eval", "x", "--points", "-")
    assert (r.code, r.out, r.err) == (0, "x,value\n", "adcli: no points in stdin\n")


def test_stdin_bytes_are_decoded_like_a_file(adcli, monkeypatch):
    import io
    data = b'\xef\xbb\xbfx,note\n1,"caf\xc3\xa9, ok"\n2,caf\xe9\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    r = adcli("eval", "2*x", "--points", "-", "--on-error", "skip")
    assert r.code == 0 and _table(r.out) == ["x,value", [1, 2]], r
    assert "row 2 (line 3): not UTF-8" in r.err
    assert not sys.stdin.buffer.closed      # wrapped for the read, never closed




@pytest.mark.parametrize("out_tty, err_tty, as_json, shown", [
    (False, True, False, True),      # adcli … > out.csv in a terminal
    (True, True, False, False),      # both on the screen: it would mix into the rows
    (False, False, False, False),    # stderr piped or logged
    (True, False, False, False),
    (False, True, True, False),      # never with --json
])
def test_progress_only_when_stderr_alone_is_a_terminal(out_tty, err_tty, as_json, shown):
    assert batch.show_progress(Stream(out_tty), Stream(err_tty), as_json) is shown


def test_a_closed_stdout_propagates_as_broken_pipe(tmp_path):
    """A reader that went away (| head) is not a row error, nor swallowed: the
    BrokenPipeError reaches the caller (the CLI then exits quietly)."""
    class Closed(Stream):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")
    src = tmp_path / "p.csv"
    write_csv(src, ["x1", "x2"], np.ones((10, 2)))
    for command, kw in (("grad", {}), ("eval", {"as_json": True})):
        with pytest.raises(BrokenPipeError):
            stream(Request(command, parse(MATLAB)), str(src), out=Closed(False),
                   err=Stream(False), **kw)


# -- the compiled sweep -----------------------------------------------------------------------
def test_dead_partials_are_not_computed():
    # x^2's ∂/∂(2) = x^2·log x is never needed: no log in the program
    prog = batch.compile_program(parse(MATLAB), "grad", "reverse")
    names = [getattr(step[0], "__name__", "") for step in prog.steps]
    assert "_powlog" not in names and "log" not in names
    assert len(prog.steps) <= 15


def test_chunks_and_threads_do_not_change_results():
    g = parse("sin(x)*exp(-y^2) + atan2(y, x) + min(x, y)")
    X = np.random.default_rng(1).uniform(-2, 2, (2, 50_001))
    prog = batch.compile_program(g, "jacobian", "forward")
    Y1, bad1 = prog.run(X, threads=1, chunk=50_001)
    Y2, bad2 = prog.run(X, threads=2, chunk=4096)
    assert np.array_equal(Y1, Y2) and np.array_equal(bad1, bad2)


# -- streaming --------------------------------------------------------------------------------
@pytest.mark.slow
def test_million_rows_stream_in_bounded_memory(tmp_path):
    """10⁶ rows through grad: the peak RSS stays far below what holding the
    input or the output would take (10⁶ rows of 5 floats as Python objects are
    > 150 MB).  From 10⁵ to 10⁶ rows it grows by < 50 MB (measured: 8–30 MB,
    malloc arenas of the worker threads)."""
    script = (
        "import resource, sys\n"
        "from adcli.cli import main\n"
        "code = main(['grad', 'x1*exp(-(x1^2+x2^2)/2)', '--points', sys.argv[1]])\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent that forked
        # (the test runner, hundreds of MB after a full run), VmHWM is this process's own
        "try:\n"
        "    peak = int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
        "except (OSError, IndexError):\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "sys.stderr.write('RSS %d\\n' % peak)\n"
        "sys.exit(code)\n")
    rss = {}
    rng = np.random.default_rng(0)
    for n in (100_000, 1_000_000):
        src = tmp_path / f"p{n}.csv"
        pts = rng.standard_normal((n, 2)).round(6)
        np.savetxt(src, pts, delimiter=",", header="x1,x2", comments="", fmt="%.6f")
        out = tmp_path / "out.csv"
        with open(out, "w") as fh:
            p = subprocess.run([sys.executable, "-c", script, str(src)], stdout=fh,
                               stderr=subprocess.PIPE, text=True, timeout=120, check=False)
        assert p.returncode == 0, p.stderr
        rss[n] = int(re.search(r"RSS (\d+)", p.stderr).group(1)) / 1024   # MB
        with open(out) as fh:
            count = sum(1 for _ in fh)
        assert count == n + 1
    assert rss[1_000_000] - rss[100_000] < 50, rss
    assert rss[1_000_000] < 180, rss
