"""Where ``--points`` reads from and writes to: the reader for a source, the
writer for stdout or ``--out-file`` (CSV, JSON Lines, Parquet or Arrow IPC,
the format taken from the extension).

CSV goes through ``pyarrow.csv`` when pyarrow is installed (reading and
writing), through :mod:`adcli.pointsio` and :class:`.writers.CsvWriter`
otherwise; Parquet and Arrow IPC need pyarrow (``pip install 'adcli[big]'``).
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from ..errors import UsageError

#: --out-file extensions and their formats.
OUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
               ".pq": "parquet", ".arrow": "arrow", ".feather": "arrow", ".ipc": "arrow"}
INPUT_FORMATS = ("auto", "csv", "jsonl", "parquet", "arrow")


@contextlib.contextmanager
def open_points(source: str, names: list, input_format: str, block: int) -> Iterator[Any]:
    """A reader of blocks (:class:`adcli.pointsio.Block`) for ``source``."""
    from .. import pointsio
    from .io_arrow import ArrowCsvReader, TableReader, binary_format, have_pyarrow
    if input_format not in INPUT_FORMATS:
        raise UsageError(f"--input-format must be one of {', '.join(INPUT_FORMATS)}")
    fmt = binary_format(source) if input_format == "auto" else input_format
    if fmt in ("parquet", "arrow"):
        if source == "-":
            raise UsageError(f"--points -: {fmt} input must be a file, not stdin")
        yield TableReader(source, fmt, names, block)
        return
    with pointsio.open_source(source) as stream:
        reader = pointsio.PointReader(stream, names, input_format, source, block)
        # Arrow only while every column is a variable: a cell Arrow does not convert
        # is not checked at all (not UTF-8, say), and the text reader would check it
        if (reader.format == "csv" and source != "-" and names and reader.line == 1
                and not reader._pending and sorted(reader.columns) == sorted(names)
                and have_pyarrow()):
            yield ArrowCsvReader(source, reader, names, block)
        else:
            yield reader


def where(reader: Any, row: int, line: int) -> str:
    """How a message names a row: 'row 7 (line 9)', or 'row 7 of data.parquet'."""
    fn = getattr(reader, "where", None)
    return fn(row, line) if fn is not None else f"row {row} (line {line})"


def out_format(path: str) -> str:
    fmt = OUT_FORMATS.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        raise UsageError(f"--out-file {path}: the extension says the format; use one of "
                         f"{', '.join(sorted(OUT_FORMATS))}")
    return fmt


@contextlib.contextmanager
def open_sink(out_file: str | None, source: str, as_json: bool, lay: Any, names: list,
              out: Any = None) -> Iterator[tuple]:
    """(writer, stream) for the results: stdout (``out``) as CSV or JSON Lines,
    or ``out_file`` in the format of its extension.  The stream is None for
    Parquet and Arrow IPC."""
    from .driver import _CsvColumns
    from .io_arrow import have_pyarrow, need_pyarrow
    from .writers import ArrowCsvWriter, CsvWriter, JsonlWriter, TableWriter
    n_results = len(lay.columns) + len(lay.json_only)
    fmt = "jsonl" if as_json else "csv"
    if out_file is not None:
        fmt = out_file_format(out_file, source, as_json)
        if fmt in ("parquet", "arrow"):
            need_pyarrow(f"--out-file {os.path.basename(out_file)}")
    if fmt in ("parquet", "arrow"):
        assert out_file is not None
        table = _opened(out_file, lambda: TableWriter(out_file, fmt, names, lay.columns))
        try:
            yield _CsvColumns(table, n_results), None
        finally:
            table.close()
        return
    stream = None if out_file is None else open_text(out_file)
    try:
        target = stream if stream is not None else (sys.stdout if out is None else out)
        if fmt == "jsonl":
            yield JsonlWriter(target, lay.make, len(names), n_results), target
        else:
            cls = ArrowCsvWriter if have_pyarrow() else CsvWriter
            yield _CsvColumns(cls(target, names, lay.columns), n_results), target
    finally:
        if stream is not None:
            stream.close()


def out_file_format(out_file: str, source: str, as_json: bool) -> str:
    """--out-file's format, by its extension, checked against --json and the input."""
    fmt = out_format(out_file)
    if as_json and fmt != "jsonl":
        raise UsageError(f"--json writes JSON Lines; --out-file {out_file} is {fmt}: "
                         "drop --json, or name a .jsonl file")
    not_the_input(out_file, source)
    return fmt


def open_text(path: str) -> Any:
    """--out-file opened for text, or a usage error that says why not."""
    return _opened(path, lambda: open(path, "w", encoding="utf-8"))


def _opened(path: str, make: Any) -> Any:
    try:
        return make()
    except OSError as exc:
        raise UsageError(f"--out-file: cannot write {path!r}: "
                         f"{exc.strerror or str(exc).splitlines()[0]}") from None


def not_the_input(out_file: str, source: str) -> None:
    if source == "-" or not os.path.exists(out_file):
        return
    try:
        same = os.path.samefile(out_file, source)
    except OSError:
        same = False
    if same:
        raise UsageError(f"--out-file {out_file} is the --points file; writing it would "
                         "destroy the input: name another file")
