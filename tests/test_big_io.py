"""--points from Parquet / Arrow IPC, --out-file in every format, CSV through pyarrow.csv.

References: the closed forms of the MATLAB function and its gradient in NumPy (not adcli's
sweeps), and Python's float() reading back what the writers wrote."""
from __future__ import annotations

import json
import struct
import sys

import numpy as np
import pytest
from big_helpers import MATLAB, Stream, agree, closed_form

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")



def points(n, seed=0):
    return np.random.default_rng(seed).uniform(-3, 3, (2, n))


def write_parquet(path, X, **kw):
    pq.write_table(pa.table({"x1": X[0], "x2": X[1]}), path, **kw)


def read_out(path):
    if str(path).endswith(".parquet"):
        t = pq.read_table(path)
    elif str(path).endswith((".arrow", ".feather")):
        with pa.memory_map(str(path)) as src:
            t = pa.ipc.open_file(src).read_all()
    else:
        lines = path.read_text().splitlines()
        return lines[0].split(","), np.array([[float(c) for c in ln.split(",")]
                                              for ln in lines[1:]]).T
    return t.column_names, np.array([t.column(c).to_numpy() for c in t.column_names])


@pytest.mark.parametrize("ext", ["parquet", "arrow", "csv"])
def test_parquet_in_every_format_out(adcli, tmp_path, ext):
    X = points(20_000)
    src = tmp_path / "in.parquet"
    write_parquet(src, X, row_group_size=3_000)      # several row groups, blocks across them
    out = tmp_path / f"out.{ext}"
    r = adcli("grad", MATLAB, "--points", str(src), "--out-file", str(out))
    assert r.code == 0 and r.out == "", r
    names, A = read_out(out)
    assert names == ["x1", "x2", "value", "d/dx1", "d/dx2"]
    assert np.array_equal(A[:2], X)                  # inputs exactly, in input order
    assert agree(A[2:], closed_form(*X))


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_arrow_ipc_in_jsonl_out(adcli, tmp_path, stream):
    X = points(5_000, 1)
    src = tmp_path / "in.feather"
    table = pa.table({"x2": X[1], "note": ["a"] * X.shape[1], "x1": X[0]})
    with (pa.ipc.new_stream if stream else pa.ipc.new_file)(str(src), table.schema) as w:
        for batch in table.to_batches(max_chunksize=1_500):
            w.write_batch(batch)
    out = tmp_path / "out.jsonl"
    r = adcli("grad", MATLAB, "--points", str(src), "-o", str(out))
    assert r.code == 0, r
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    got = np.array([[d["value"], *d["gradient"]] for d in recs]).T
    assert np.array_equal(np.array([d["point"] for d in recs]).T, X)
    assert agree(got, closed_form(*X))


def test_format_is_sniffed_without_an_extension(adcli, tmp_path):
    X = points(10)
    src = tmp_path / "points.bin"
    write_parquet(src, X)
    r = adcli("eval", "x1+x2", "--points", str(src))
    assert r.code == 0, r
    vals = [float(line.split(",")[2]) for line in r.out.splitlines()[1:]]
    assert vals == (X[0] + X[1]).tolist()


def test_bad_parquet_rows_are_named_by_file_and_row(adcli, tmp_path):
    src = tmp_path / "holes.parquet"
    x1 = pa.array([1.0, None, 2.0, -1.0, 3.0])
    x2 = pa.array([0.5, 1.0, float("nan"), 2.0, 1.0])
    pq.write_table(pa.table({"x1": x1, "x2": x2}), src)
    r = adcli("eval", "log(x1)*x2", "--points", str(src))
    assert r.code == 2 and f"row 2 of {src}: no value for x1 (null)" in r.err, r
    assert len(r.out.splitlines()) == 2               # the header and row 1
    r = adcli("eval", "log(x1)*x2", "--points", str(src), "--on-error", "skip")
    assert r.code == 0, r
    assert "skipped row 2 of" in r.err and "skipped row 3 of" in r.err
    assert "skipped row 4 of" in r.err and "log" in r.err       # a domain error, row 4
    assert "skipped 3 of 5 rows" in r.err
    rows = [[float(c) for c in line.split(",")] for line in r.out.splitlines()[1:]]
    assert rows == [[1.0, 0.5, 0.0], [3.0, 1.0, float(np.log(3.0))]]
    r = adcli("eval", "log(x1)*x2", "--points", str(src), "--json")
    err = json.loads(r.out.splitlines()[-1])["error"]
    assert err["input_row"] == 2 and "no value for x1" in err["message"]
    assert "input_line" not in err                 # Parquet has rows, not lines


def test_usage_errors(adcli, tmp_path):
    src = tmp_path / "in.parquet"
    write_parquet(src, points(4))
    cases = [
        (["grad", "x+y", "--points", str(src)], "has no column x, y; its columns: x1, x2"),
        (["grad", MATLAB, "--points", str(tmp_path / "none.parquet")], "no such file"),
        (["grad", MATLAB, "--points", str(src), "-o", str(tmp_path / "o.txt")],
         "the extension says the format"),
        (["grad", MATLAB, "--points", str(src), "--json", "-o", str(tmp_path / "o.parquet")],
         "--json writes JSON Lines"),
        (["grad", MATLAB, "--points", str(src), "-o", str(src)], "would destroy the input"),
        (["grad", MATLAB, "--at", "1,2", "-o", str(tmp_path / "o.csv")], "goes with --points"),
        (["grad", MATLAB, "--points", str(src), "-o", str(tmp_path / "no/dir/o.parquet")],
         "cannot write"),
    ]
    (tmp_path / "junk.parquet").write_bytes(b"PAR1 not really")
    cases.append((["grad", MATLAB, "--points", str(tmp_path / "junk.parquet")],
                  "is not a readable Parquet file"))
    text = tmp_path / "text.parquet"
    pq.write_table(pa.table({"x1": ["a"], "x2": [1.0]}), text)
    cases.append((["grad", MATLAB, "--points", str(text)], "column x1 of"))
    for argv, message in cases:
        r = adcli(*argv)
        assert r.code == 2 and message in r.err and "Traceback" not in r.err, (argv, r)


def test_missing_pyarrow_says_how_to_install(adcli, tmp_path, monkeypatch):
    src = tmp_path / "in.parquet"
    write_parquet(src, points(4))
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    r = adcli("grad", MATLAB, "--points", str(src))
    assert r.code == 2 and "pip install 'adcli[big]'" in r.err, r
    csv = tmp_path / "in.csv"
    csv.write_text("x1,x2\n1,2\n")
    r = adcli("grad", MATLAB, "--points", str(csv), "-o", str(tmp_path / "o.arrow"))
    assert r.code == 2 and "pip install 'adcli[big]'" in r.err, r


def _floats(n):
    """Finite float64s of every kind: random bit patterns, subnormals, ±0, powers of ten
    at the notation switches, integers, the extremes."""
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2 ** 63, n, dtype=np.uint64) | (rng.integers(0, 2, n,
                                                                          dtype=np.uint64) << 63)
    v = bits.view(np.float64)
    v = v[np.isfinite(v)]
    special = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
               1.0, -2.0, 1e15, 1e16, 1e17, 1e21, 1e22, 1e-4, 1e-5, 1e-7, 0.1, 1 / 3,
               123456789012345680.0, 9007199254740993.0]
    return np.concatenate([special, v, rng.standard_normal(n)])


@pytest.mark.parametrize("arrow", [True, False])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_csv_numbers_round_trip(tmp_path, arrow):
    from adcli.batch.writers import ArrowCsvWriter, CsvWriter
    v = _floats(20_000)
    X = v[None, :]
    Y = np.stack([v[::-1], -v])
    out = tmp_path / "o.csv"
    with open(out, "w") as fh:
        w = (ArrowCsvWriter if arrow else CsvWriter)(fh, ["x"], ["a", "b"])
        w.write(X, Y)
    lines = out.read_text().splitlines()
    assert lines[0] == "x,a,b" and len(lines) == len(v) + 1
    back = np.array([[float(c) for c in ln.split(",")] for ln in lines[1:]]).T
    want = np.concatenate([X, Y])
    # bit for bit: -0.0 stays -0.0
    assert [struct.pack("<d", f) for f in back.ravel()] == \
           [struct.pack("<d", f) for f in want.ravel()]


@pytest.mark.slow
def test_arrow_csv_reader_hands_over_at_a_bad_row(adcli, tmp_path, monkeypatch):
    """A bad row deep in a large CSV: the rows before it come through pyarrow.csv, the rest
    through the text reader, with the same row and line numbers as the text reader alone."""
    X = points(120_000, 3)
    lines = [f"{a!r},{b!r}" for a, b in X.T.tolist()]
    lines[99_999] = "1.5,abc"                        # row 100000, line 100001
    lines[110_000] = ""                              # a blank line (not a row)
    src = tmp_path / "big.csv"
    src.write_text("x1,x2\n" + "\n".join(lines) + "\n")
    r = adcli("grad", MATLAB, "--points", str(src))
    assert r.code == 2 and "row 100000 (line 100001): x2 = 'abc' is not a number" in r.err, r
    assert len(r.out.splitlines()) == 100_000        # header + 99,999 rows
    out = tmp_path / "o.csv"
    r = adcli("grad", MATLAB, "--points", str(src), "--on-error", "skip", "-o", str(out))
    assert r.code == 0 and "skipped 1 of 119,999 rows" in r.err, r
    names, A = read_out(out)
    keep = np.ones(X.shape[1], dtype=bool)
    keep[[99_999, 110_000]] = False
    assert np.array_equal(A[:2], X[:, keep]) and agree(A[2:], closed_form(*X[:, keep]))
    # the same file through the text reader and Python's writer alone: the same numbers
    import adcli.batch.io_arrow as io_arrow
    monkeypatch.setattr(io_arrow, "have_pyarrow", lambda: False)
    plain = tmp_path / "plain.csv"
    r = adcli("grad", MATLAB, "--points", str(src), "--on-error", "skip", "-o", str(plain))
    assert r.code == 0, r
    assert np.array_equal(read_out(plain)[1], A)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_parquet_is_read_by_row_group_in_bounded_memory(tmp_path):
    """10⁶ points of Parquet in and out: peak RSS grows < 60 MB from 10⁵ to 10⁶ points
    (holding 10⁶ rows of 7 floats would take 56 MB as arrays, far more as Python objects)."""
    import re
    import subprocess
    script = ("import resource, sys\nfrom adcli.cli import main\n"
              "code = main(['grad', sys.argv[3], '--points', sys.argv[1], '-o', sys.argv[2]])\n"
              "peak = int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
              "sys.stderr.write('RSS %d\\n' % peak)\n"
              "sys.exit(code)\n")
    rss = {}
    for n in (100_000, 1_000_000):
        src = tmp_path / f"p{n}.parquet"
        write_parquet(src, points(n), row_group_size=65_536)
        out = tmp_path / "o.parquet"
        p = subprocess.run([sys.executable, "-c", script, str(src), str(out), MATLAB],
                           capture_output=True, text=True, timeout=120, check=False)
        assert p.returncode == 0, p.stderr
        rss[n] = int(re.search(r"RSS (\d+)", p.stderr).group(1)) / 1024
        assert pq.ParquetFile(out).metadata.num_rows == n
    assert rss[1_000_000] - rss[100_000] < 60, rss
    assert rss[1_000_000] < 180, rss


def test_progress_of_a_parquet_file_counts_its_size(tmp_path, monkeypatch):
    """The progress line's percentage is of the (compressed) file: it ends at 100 %."""
    import itertools
    import time

    from adcli.batch import run_points
    from adcli.parser import parse
    from adcli.pipeline import Request, _single, fixed, layout
    src = tmp_path / "in.parquet"
    write_parquet(src, points(50_000), row_group_size=10_000)
    ticks = itertools.count(0, 1.0)                        # every update is a redraw
    monkeypatch.setattr(time, "monotonic", lambda: next(ticks))

    err = Stream(tty=True)
    req = Request("grad", parse(MATLAB), None)
    keys = fixed(req)
    run_points("grad", req.graph, str(src), layout(req, keys), _single(req, keys),
               out_file=str(tmp_path / "o.parquet"), err=err, block=10_000)
    shown = [t for t in err.text if "points" in t]
    assert len(shown) == 5 and shown[0].split()[:3] in (["10,000", "points", "19%"],
                                                    ["10,000", "points", "20%"]), shown
    assert "50,000 points  100%" in shown[-1], shown
