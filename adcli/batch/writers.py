"""``--points`` output: CSV (``x1,x2,value,d/dx1,d/dx2``) or, under ``--json``,
JSON Lines with exactly the keys of the single-point JSON.  Numbers are written
as Python writes floats: the shortest text that reads back as the same float64.
"""
from __future__ import annotations

import json

import numpy as np

from ..jsonout import dumps


class CsvWriter:
    """``x1,x2,<result columns>``: the inputs (as given, when the input was CSV
    with exactly these columns), then the results."""

    def __init__(self, out, names: list, columns: list):
        self.out = out
        self.n_results = len(columns)
        out.write(",".join(list(names) + list(columns)) + "\n")

    def write(self, X: np.ndarray, Y: np.ndarray, echo: list | None = None) -> None:
        if X.shape[1] == 0:
            return
        ys = Y.T.tolist()
        if echo is not None:
            text = "\n".join([f"{e},{','.join(map(repr, y))}" for e, y in zip(echo, ys)])
        else:
            xs = X.T.tolist()
            text = "\n".join([",".join(map(repr, x + y)) for x, y in zip(xs, ys)])
        self.out.write(text + "\n")


class JsonlWriter:
    """One JSON object per point, with the keys of the single-point JSON.

    ``make(point, results, warnings) -> dict`` builds one object; the fast
    path formats a template made from it once, so the lines are byte for
    byte what :func:`adcli.jsonout.dumps` writes.
    """

    _HOLE = "\x00"

    def __init__(self, out, make, n_inputs: int, n_results: int):
        self.out, self.make = out, make
        self.n_inputs, self.n_results = n_inputs, n_results
        probe = dumps(make([self._HOLE] * n_inputs, [self._HOLE] * n_results, []))
        hole = json.dumps(self._HOLE)
        self.template: str | None = None
        if probe.count(hole) == n_inputs + n_results:   # each number once, in order
            self.template = probe.replace("{", "{{").replace("}", "}}").replace(hole, "{!r}")

    def write(self, X: np.ndarray, Y: np.ndarray, echo=None) -> None:
        if X.shape[1] == 0:
            return
        if self.template is None:   # a number shown twice (derivative's value): one by one
            n = self.n_inputs
            for r in np.concatenate([X, Y]).T.tolist():
                self.write_one(r[:n], r[n:], [])
            return
        fmt = self.template.format
        rows = np.concatenate([X, Y]).T.tolist()
        self.out.write("\n".join([fmt(*r) for r in rows]) + "\n")

    def write_one(self, point: list, results: list, warnings: list) -> None:
        self.out.write(dumps(self.make(point, results, warnings)) + "\n")




class ArrowCsvWriter:
    """CSV through ``pyarrow.csv``: the same columns as :class:`CsvWriter`, every
    number in Arrow's shortest round-trip form (``1`` where Python writes ``1.0``,
    ``0.00001`` for ``1e-05``); each reads back as the same float64."""

    def __init__(self, out, names: list, columns: list):
        import pyarrow as pa
        import pyarrow.csv as pcsv
        self.pa, self.pcsv = pa, pcsv
        self.names = [f"c{k}" for k in range(len(names) + len(columns))]
        self.n_results = len(columns)
        self.options = pcsv.WriteOptions(include_header=False, batch_size=1 << 16)
        self.out = out
        self.raw = _binary(out)
        self._put(",".join(list(names) + list(columns)) + "\n")

    def _put(self, text: str) -> None:
        if self.raw is None:
            self.out.write(text)
        else:
            self.raw.write(text.encode("utf-8"))

    def write(self, X: np.ndarray, Y: np.ndarray, echo: list | None = None) -> None:
        if X.shape[1] == 0:
            return
        from .io_arrow import to_arrow
        cols = [to_arrow(c) for c in X] + [to_arrow(c) for c in Y[:self.n_results]]
        table = self.pa.Table.from_arrays(cols, names=self.names)
        if self.raw is None:
            buf = self.pa.BufferOutputStream()
            self.pcsv.write_csv(table, buf, write_options=self.options)
            self.out.write(buf.getvalue().to_pybytes().decode("utf-8"))
        else:
            self.pcsv.write_csv(table, self.raw, write_options=self.options)


def _binary(out):
    """The byte stream under a text stream (flushed), or None (a StringIO)."""
    raw = getattr(out, "buffer", None)
    if raw is None:
        return None
    out.flush()
    return raw


class TableWriter:
    """``--out-file`` Parquet or Arrow IPC: the CSV's columns as float64 columns,
    written in row groups (record batches) of up to 65,536 rows."""

    GROUP = 1 << 16

    def __init__(self, path: str, fmt: str, names: list, columns: list):
        import pyarrow as pa
        self.pa, self.path, self.format = pa, path, fmt
        self.n_results = len(columns)
        self.schema = pa.schema([(c, pa.float64()) for c in list(names) + list(columns)])
        self.pending: list = []
        self.size = 0
        if fmt == "parquet":
            import pyarrow.parquet as pq
            # no dictionary: distinct floats do not repeat, and trying costs 7x the write
            self.sink = pq.ParquetWriter(path, self.schema, use_dictionary=False)
        else:
            self.sink = pa.ipc.new_file(path, self.schema)

    def write(self, X: np.ndarray, Y: np.ndarray, echo: list | None = None) -> None:
        if X.shape[1] == 0:
            return
        self.pending.append(np.concatenate([X, Y[:self.n_results]]))
        self.size += X.shape[1]
        if self.size >= self.GROUP:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        A = np.concatenate(self.pending, axis=1) if len(self.pending) > 1 else self.pending[0]
        self.pending, self.size = [], 0
        from .io_arrow import to_arrow
        batch = self.pa.RecordBatch.from_arrays([to_arrow(c) for c in A], schema=self.schema)
        self.sink.write_batch(batch)

    def close(self) -> None:
        self.flush()
        self.sink.close()
