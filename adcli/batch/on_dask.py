"""``--points 'data/*.parquet' --dask local|tcp://HOST:PORT --out-file out/``.

The files are read with ``dask.dataframe.read_parquet``, one partition per
file (so a bad row is named by its file and its row in that file), and each
partition goes through ``map_partitions`` with the same program as
``--points`` (:class:`.frames.FrameJob`).  A partition writes its own part,
``out/part.00003.parquet`` (to a temporary name, then renamed: a task that a
dying worker leaves half done and the scheduler runs again elsewhere cannot
leave a torn or doubled part), and returns a one-row summary: points,
written, skipped, and its bad rows.  The client gathers the summaries as the
partitions finish (a progress line on stderr when it is a terminal), prints
the bad rows under ``--on-error`` as ``--points`` does, and returns the
counts.  ``local`` starts a LocalCluster on 127.0.0.1 (no dashboard).
"""
from __future__ import annotations

import glob
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from ..errors import UsageError
from .driver import _SHOWN, RowError, _Progress, show_progress
from .frames import FrameJob, _RowFailure, run_frame

_SUMMARY = ["part", "points", "written", "skipped", "problems", "fail"]


def files_of(source: str) -> list:
    """The Parquet files a --points glob, directory or file names, sorted."""
    if os.path.isdir(source):
        found = sorted(glob.glob(os.path.join(source, "*.parquet")))
    else:
        found = sorted(glob.glob(source)) if glob.has_magic(source) else [source]
    found = [f for f in found if os.path.isfile(f)]
    if not found:
        raise UsageError(f"--points {source}: no Parquet files there (--dask reads Parquet: "
                         "a file, a directory of *.parquet, or a glob such as 'data/*.parquet')")
    return found


def connect(address: str) -> Any:
    """A distributed Client: 'local' starts a LocalCluster on the loopback interface."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--dask needs dask.distributed, which is not installed here: "
                         "pip install 'adcli[big]'") from None
    import logging
    import warnings
    if address == "local":
        with warnings.catch_warnings():   # "port 8787 is in use": the status server moves on
            warnings.simplefilter("ignore", UserWarning)
            cluster = LocalCluster(host="127.0.0.1", dashboard_address=None, processes=True,
                                   threads_per_worker=1, silence_logs=logging.ERROR)
        return Client(cluster)
    try:
        return Client(address, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"--dask: cannot reach the scheduler at {address} ({exc})") from None


def _part(df: Any, job: FrameJob, files: list, out_dir: str, on_error: str,
          partition_info: Any = None) -> Any:
    """One partition (one file): compute, write its part, return its summary row."""
    import pandas as pd
    k = partition_info["number"] if partition_info else 0
    fail = ""
    written = 0
    try:
        rows, data, problems = run_frame(job, df, on_error, files[k])
    except _RowFailure as exc:
        problems = [(exc.position, exc.why, None)]
        fail = json.dumps([exc.kind, exc.exit_code])
    else:
        _write_part(data, os.path.join(out_dir, f"part.{k:05d}.parquet"))
        written = len(rows)
    shown = [(int(p) + 1, why) for p, why, _ in problems[:_SHOWN]]
    return pd.DataFrame({"part": [k], "points": [len(df)], "written": [written],
                         "skipped": [len(problems) if not fail else 0],
                         "problems": [json.dumps(shown)], "fail": [fail]})


def _write_part(data: dict, path: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .io_arrow import to_arrow
    table = pa.Table.from_arrays([to_arrow(v) for v in data.values()], names=list(data))
    tmp = f"{path}.tmp-{os.getpid()}"
    pq.write_table(table, tmp, use_dictionary=False)
    os.replace(tmp, path)


def run_dask(req: Any, source: str, address: str, out_dir: str | None, *,
             as_json: bool = False, on_error: str = "fail", err: Any = None,
             client: Any = None, on_progress: Callable | None = None) -> dict:
    """Run ``req`` over the Parquet files of ``source`` on a Dask cluster; see the
    module doc.  ``client``: an existing Client (then ``address`` is not used);
    ``on_progress(done, total)`` is called as partitions finish."""
    err = sys.stderr if err is None else err
    if out_dir is None:
        raise UsageError("--dask writes partitioned Parquet: give --out-file DIR/")
    if as_json:
        raise UsageError("--dask writes Parquet parts into --out-file DIR; drop --json")
    if os.path.splitext(out_dir.rstrip("/"))[1] and not os.path.isdir(out_dir):
        raise UsageError(f"--out-file {out_dir}: with --dask it names a directory "
                         "(for example out/)")
    if client is None and address != "local" and not address.startswith(("tcp://", "tls://")):
        raise UsageError(f"--dask {address}: give 'local' or a scheduler address "
                         "tcp://HOST:PORT")
    files = files_of(source)
    job = FrameJob(req)
    job.parts()               # usage errors (a vector formula for grad...) before any cluster
    try:
        import dask.dataframe as dd
    except ImportError:
        raise UsageError("--dask needs dask[dataframe], which is not installed here: "
                         "pip install 'adcli[big]'") from None
    os.makedirs(out_dir, exist_ok=True)
    ddf = _read(dd, files, job.names)
    meta = {"part": "i8", "points": "i8", "written": "i8", "skipped": "i8",
            "problems": "object", "fail": "object"}
    parts = ddf.map_partitions(_part, job, files, os.path.abspath(out_dir), on_error,
                               meta=meta, enforce_metadata=False)
    own = client is None
    client = connect(address) if own else client
    try:
        rows = _gather(client, parts, err, on_progress)
    finally:
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    return _report(rows, files, on_error, err)


def _read(dd: Any, files: list, names: list) -> Any:
    import pyarrow.parquet as pq

    from .io_arrow import _first_line, check_columns
    for f in files:
        try:
            schema = pq.read_schema(f)
        except Exception as exc:  # noqa: BLE001 - pyarrow's errors vary by version
            raise UsageError(f"--points: {f!r} is not a readable Parquet file "
                             f"({_first_line(exc)})") from None
        check_columns(schema, names, repr(f))
    ddf = dd.read_parquet(files, columns=names, split_row_groups=False, index=False)
    if ddf.npartitions != len(files):
        raise UsageError("--dask: expected one partition per file")
    return ddf


def _gather(client: Any, parts: Any, err: Any, on_progress: Callable | None) -> list:
    """Each partition's summary as it finishes, following Dask's progress."""
    from distributed import as_completed
    futures = client.compute(parts.to_delayed())
    total = len(futures)
    progress = _Progress(show_progress(None, err, False), total, err)
    rows: list = []
    try:
        for done, fut in enumerate(as_completed(futures), 1):
            rows.extend(fut.result().to_dict("records"))
            progress.update(sum(r["points"] for r in rows), 1)
            if on_progress is not None:
                on_progress(done, total)
            if rows[-1]["fail"]:
                break          # --on-error fail: stop at the first bad partition
    finally:
        progress.close()
        client.cancel(futures)
    return rows


def _report(rows: list, files: list, on_error: str, err: Any) -> dict:
    rows.sort(key=lambda r: r["part"])
    failing = [r for r in rows if r["fail"]]
    if failing:
        r = failing[0]
        row, why = json.loads(r["problems"])[0]
        kind, code = json.loads(r["fail"])
        raise RowError(None, kind, code,
                       f"row {row} of {files[r['part']]}: {why}", row, None)
    shown = 0
    for r in rows:
        for row, why in json.loads(r["problems"]):
            if shown < _SHOWN:
                err.write(f"adcli: warning: skipped row {row} of {files[r['part']]}: {why}\n")
            shown += 1
    points = sum(r["points"] for r in rows)
    skipped = sum(r["skipped"] for r in rows)
    if skipped:
        err.write(f"adcli: skipped {skipped:,} of {points:,} rows (--on-error skip)\n")
    return {"points": points, "written": sum(r["written"] for r in rows),
            "skipped": skipped, "parts": len(rows)}
