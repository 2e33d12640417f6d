"""--dask: a LocalCluster on the loopback interface, 2 worker processes; Formula.grad_frame.

References: the single-machine --points run over the same points, row for row, and the closed
form of the MATLAB function's gradient (NumPy, not adcli's sweeps)."""
from __future__ import annotations

import glob
import logging

import numpy as np
import pytest
from big_helpers import MATLAB, Stream, agree, closed_form

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")
distributed = pytest.importorskip("distributed")

N, FILES = 1_000_000, 8


def _cluster():
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                    host="127.0.0.1", dashboard_address=None,
                                    silence_logs=logging.ERROR)


@pytest.fixture(scope="module")
def cluster():
    """One cluster for the module (starting one takes seconds); the test that closes a
    worker runs last."""
    with _cluster() as c:
        yield c


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """10⁶ points in 8 Parquet files (uneven sizes, several row groups each), and the
    single-machine run over all of them in one file."""
    from adcli.batch import run_points
    from adcli.parser import parse
    from adcli.pipeline import Request, _single, fixed, layout
    root = tmp_path_factory.mktemp("dask")
    X = np.random.default_rng(11).uniform(-3, 3, (2, N))
    cuts = np.linspace(0, N, FILES + 1).astype(int)
    cuts[1:-1] += np.arange(1, FILES) * 997          # not all the same size
    (root / "data").mkdir()
    for k in range(FILES):
        part = X[:, cuts[k]:cuts[k + 1]]
        pq.write_table(pa.table({"x1": part[0], "x2": part[1]}),
                       root / "data" / f"f{k}.parquet", row_group_size=50_000)
    whole = root / "all.parquet"
    pq.write_table(pa.table({"x1": X[0], "x2": X[1]}), whole)
    req = Request("grad", parse(MATLAB), None)
    keys = fixed(req)
    single = root / "single.parquet"
    run_points("grad", req.graph, str(whole), layout(req, keys), _single(req, keys),
               out_file=str(single))
    return root, X, pq.read_table(single).to_pandas()


def _run(root, out, client, on_progress=None, on_error="fail"):
    from adcli.batch.on_dask import run_dask
    from adcli.parser import parse
    from adcli.pipeline import Request
    return run_dask(Request("grad", parse(MATLAB), None), str(root / "data" / "*.parquet"),
                    "unused", str(out), client=client, on_progress=on_progress,
                    on_error=on_error)


def _parts(out):
    files = sorted(glob.glob(str(out / "*.parquet")))
    return files, pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)


@pytest.mark.slow
def test_dask_bad_rows_have_file_and_row(tmp_path, adcli, cluster):
    """From the command line: --dask local (a cluster of its own), then a running
    scheduler's tcp:// address."""
    (tmp_path / "d").mkdir()
    for k, vals in enumerate([[1.0, 2.0, 3.0], [4.0, -1.0, 5.0, None]]):
        pq.write_table(pa.table({"x": pa.array(vals)}), tmp_path / "d" / f"p{k}.parquet")
    src = str(tmp_path / "d" / "*.parquet")
    out = tmp_path / "out"
    r = adcli("grad", "log(x)", "--points", src, "--dask", "local", "-o", str(out))
    assert r.code == 1 and f"row 2 of {tmp_path}/d/p1.parquet" in r.err, r
    assert "log" in r.err and "Traceback" not in r.err
    r = adcli("grad", "log(x)", "--points", src, "--dask", cluster.scheduler_address,
              "-o", str(out), "--on-error", "skip")
    assert r.code == 0, r
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert "skipped row 2 of" in r.err and "skipped row 4 of" in r.err
    assert "skipped 2 of 7 rows" in r.err
    _, got = _parts(out)
    assert sorted(got["x"]) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert np.array_equal(got["d/dx"].to_numpy(), 1 / got["x"].to_numpy())


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_dask_usage_errors(adcli, tmp_path):
    cases = [
        (["grad", MATLAB, "--points", str(tmp_path / "none" / "*.parquet"), "--dask", "local",
          "-o", str(tmp_path / "o")], "no Parquet files there"),
        (["grad", MATLAB, "--points", "x.parquet", "--dask", "local"], "--out-file DIR"),
        (["grad", MATLAB, "--points", "x.parquet", "--dask", "udp://1.2.3.4",
          "-o", str(tmp_path / "o")], "tcp://HOST:PORT"),
        (["grad", MATLAB, "--at", "1,2", "--dask", "local"], "goes with --points"),
    ]
    pq.write_table(pa.table({"y": [1.0]}), tmp_path / "a.parquet")
    cases.append((["grad", MATLAB, "--points", str(tmp_path / "a.parquet"), "--dask",
                   "local", "-o", str(tmp_path / "o")], "has no column x1, x2"))
    for argv, message in cases:
        r = adcli(*argv)
        assert r.code == 2 and message in r.err and "Traceback" not in r.err, (argv, r)


def test_grad_frame():
    import adcli
    f = adcli.Formula(MATLAB)
    X = np.random.default_rng(5).uniform(-3, 3, (2, 1000))
    df = pd.DataFrame({"x2": X[1], "other": "a", "x1": X[0]}, index=np.arange(1000) * 3)
    got = f.grad_frame(df)
    assert list(got.columns) == ["x1", "x2", "value", "d/dx1", "d/dx2"]
    assert (got.index == df.index).all()
    assert agree(got.to_numpy().T[2:], closed_form(*X))
    bad = pd.DataFrame({"x": [1.0, -2.0, np.nan, 4.0]}, index=list("abcd"))
    g = adcli.Formula("log(x)")
    with pytest.raises(adcli.AdcliError, match="row b of the frame"):
        g.grad_frame(bad)
    got = g.grad_frame(bad, on_error="skip")
    assert list(got.index) == ["a", "d"] and got["d/dx"].tolist() == [1.0, 0.25]
    with pytest.raises(adcli.AdcliError, match="has no column x"):
        g.grad_frame(pd.DataFrame({"y": [1.0]}))


@pytest.mark.slow
def test_dask_progress_follows_the_partitions(tmp_path, cluster, monkeypatch):
    """On a terminal, a progress line per finished partition (the clock is stubbed so that
    every update redraws), ending at 100 %; none when stderr is not a terminal."""
    import itertools

    import adcli.batch.on_dask as on_dask
    from adcli.parser import parse
    from adcli.pipeline import Request

    class Progress(on_dask._Progress):
        def __init__(self, *a):
            super().__init__(*a)
            ticks = itertools.count(0, 1.0)
            self.clock, self.last = (lambda: next(ticks)), -1.0
    monkeypatch.setattr(on_dask, "_Progress", Progress)

    (tmp_path / "d").mkdir()
    for k in range(4):
        pq.write_table(pa.table({"x": [1.0 + k, 2.0]}), tmp_path / "d" / f"p{k}.parquet")
    for tty in (True, False):
        err = Stream(tty)
        with distributed.Client(cluster) as client:
            on_dask.run_dask(Request("eval", parse("2*x"), None), str(tmp_path / "d"), "",
                             str(tmp_path / "o"), client=client, err=err)
        shown = [t for t in err.text if "points" in t]
        if tty:
            assert len(shown) == 4 and "8 points  100%" in shown[-1], shown
        else:
            assert err.text == []


@pytest.mark.slow
def test_dask_equals_the_single_machine_run_and_survives_a_lost_worker(data, cluster,
                                                                          tmp_path):
    root, X, single = data
    with distributed.Client(cluster) as client:
        assert all(w.startswith("tcp://127.0.0.1:") for w in client.scheduler_info()["workers"])
        counts = _run(root, tmp_path / "out", client)
        assert counts == {"points": N, "written": N, "skipped": 0, "parts": FILES}
        files, got = _parts(tmp_path / "out")
        assert len(files) == FILES
        pd.testing.assert_frame_equal(got, single, check_exact=True)   # row for row
        assert list(got.columns) == ["x1", "x2", "value", "d/dx1", "d/dx2"]
        assert agree(got.to_numpy().T[2:], closed_form(*X))

        # close one worker after the first partition is in: the rest still completes,
        # on the other worker, with nothing lost and nothing twice
        closed = []

        def kill(done, total):
            if not closed:
                name = next(iter(cluster.workers))
                cluster.sync(cluster.workers[name].close)
                closed.append((done, total))
        counts = _run(root, tmp_path / "out2", client, on_progress=kill)
        assert closed and closed[0][0] < FILES, closed          # it was mid-run
        assert len(cluster.workers) == 1 or len(client.scheduler_info()["workers"]) == 1
        assert counts["points"] == N and counts["written"] == N
        files, got = _parts(tmp_path / "out2")
        assert len(files) == FILES and not glob.glob(str(tmp_path / "out2" / "*.tmp-*"))
        pd.testing.assert_frame_equal(got, single, check_exact=True)
