"""``--points`` from Parquet, Arrow IPC and (fast) CSV files, through pyarrow.

Parquet is read row group by row group (``ParquetFile.iter_batches``), an Arrow
IPC file record batch by record batch from a memory map: memory stays bounded
by one row group or batch, whatever the file size.  Each batch becomes a
:class:`adcli.pointsio.Block` like the text reader's, so the driver, the
``--on-error`` policy and the writers are the same.  A null or a non-finite
cell is a bad row ("row 17 of data.parquet: no value for x2 (null)").

CSV files go through ``pyarrow.csv`` (:class:`ArrowCsvReader`) while every row
is one line of numbers; at the first batch that is not (a quoted cell over
lines, text in a number column, a blank line, a short row), the rest of the
file is read by :class:`adcli.pointsio.PointReader` from that row on, so the
row numbers, line numbers and messages are the text reader's.

pyarrow is optional (``pip install 'adcli[big]'``); it is imported here only.
"""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..errors import UsageError
from ..pointsio import Block

#: File extensions of the binary point formats.
EXTENSIONS = {".parquet": "parquet", ".pq": "parquet", ".arrow": "arrow",
              ".feather": "arrow", ".ipc": "arrow", ".arrows": "arrow"}
_MAGIC = ((b"PAR1", "parquet"), (b"ARROW1", "arrow"))
_NAMES = {"parquet": "Parquet", "arrow": "Arrow IPC"}


def need_pyarrow(what: str) -> Any:
    """The pyarrow module, or a usage error that says how to get it."""
    try:
        import pyarrow
    except ImportError:
        raise UsageError(f"{what} needs pyarrow, which is not installed here: "
                         "pip install 'adcli[big]'") from None
    return pyarrow


def have_pyarrow() -> bool:
    import importlib.util
    return importlib.util.find_spec("pyarrow") is not None


def binary_format(source: str) -> str | None:
    """'parquet' or 'arrow' for a file of that kind (by extension, else by its
    magic bytes), None for anything else (text, stdin)."""
    if source == "-":
        return None
    ext = os.path.splitext(source)[1].lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    try:
        with open(source, "rb") as f:
            head = f.read(8)
    except OSError:
        return None
    for magic, fmt in _MAGIC:
        if head.startswith(magic):
            return fmt
    return None


class TableReader:
    """Blocks of points from a Parquet or Arrow IPC file, in file order."""

    def __init__(self, source: str, fmt: str, names: list, block: int = 65536):
        self.pa = need_pyarrow(f"--points {os.path.basename(source)}")
        self.source, self.format, self.names, self.block = source, fmt, list(names), block
        self.row = 0
        self.verbatim = False
        self._open()

    def where(self, row: int, line: int) -> str:
        return f"row {row} of {self.source}"

    def _open(self) -> None:
        pa = self.pa
        kind = _NAMES[self.format]
        if not os.path.exists(self.source):
            raise UsageError(f"--points: cannot read {self.source!r}: no such file")
        try:
            if self.format == "parquet":
                import pyarrow.parquet as pq
                self._file = pq.ParquetFile(self.source)
                schema = self._file.schema_arrow
            else:
                self._map = pa.memory_map(self.source, "r")
                try:
                    self._file = pa.ipc.open_file(self._map)
                except pa.ArrowInvalid:
                    self._map.seek(0)
                    self._file = pa.ipc.open_stream(self._map)
                schema = self._file.schema
        except (pa.ArrowException, OSError) as exc:
            raise UsageError(f"--points: {self.source!r} is not a readable {kind} file "
                             f"({_first_line(exc)})") from None
        check_columns(schema, self.names, repr(self.source))

    def _batches(self) -> Iterator:
        if self.format == "parquet":
            yield from self._file.iter_batches(batch_size=self.block, columns=self.names)
        elif hasattr(self._file, "num_record_batches"):
            for k in range(self._file.num_record_batches):
                yield from _slices(self._file.get_batch(k), self.block)
        else:
            for batch in self._file:
                yield from _slices(batch, self.block)

    def __iter__(self) -> Iterator[Block]:
        try:
            for batch in self._batches():
                yield self._to_block(batch)
        except self.pa.ArrowException as exc:
            raise UsageError(f"--points: {self.source!r} after row {self.row}: "
                             f"{_first_line(exc)}") from None

    def _to_block(self, batch) -> Block:
        X, ok, errors = columns_to_array(batch, self.names, self.row)
        n = batch.num_rows
        rows = np.arange(self.row + 1, self.row + n + 1)
        self.row += n
        if errors:
            rows = rows[ok]
            X = np.ascontiguousarray(X[:, ok])
        return Block(X, rows, rows, errors, None, self._share(n, batch.nbytes))

    def _share(self, n: int, nbytes: int) -> int:
        """The part of the file's size these n rows stand for (the progress line's
        percentage is of the file size; a Parquet file is compressed)."""
        if self.format != "parquet":
            return nbytes
        total, size = self._file.metadata.num_rows, os.path.getsize(self.source)
        if not total:
            return 0
        return size * self.row // total - size * (self.row - n) // total


def check_columns(schema, names: list, what: str) -> None:
    """A usage error naming what is missing, or a column that is not numbers."""
    have = list(schema.names)
    missing = [n for n in names if n not in have]
    if missing:
        shown = ", ".join(have) if len(have) <= 20 else ", ".join(have[:20]) + ", …"
        raise UsageError(f"--points: {what} has no column {', '.join(missing)}; its columns: "
                         f"{shown}; expected columns {','.join(names)}")
    import pyarrow.types as t
    for n in names:
        typ = schema.field(n).type
        if not (t.is_floating(typ) or t.is_integer(typ) or t.is_decimal(typ)
                or t.is_null(typ)):
            raise UsageError(f"--points: column {n} of {what} holds {typ}, not numbers")


def columns_to_array(batch, names: list, row0: int) -> tuple:
    """(X: inputs × rows float64, mask of the good rows, [(row, row, why)])."""
    import pyarrow as pa
    n = batch.num_rows
    X = np.empty((len(names), n))
    bad = np.zeros(n, dtype=bool)
    why: dict = {}
    for j, name in enumerate(names):
        col = batch.column(name)
        if col.type != pa.float64():
            col = col.cast(pa.float64(), safe=False)
        if col.null_count:
            nulls = _numpy(col.is_null().cast(pa.uint8()), np.uint8).astype(bool)
            for k in np.flatnonzero(nulls & ~bad).tolist():
                why[k] = f"no value for {name} (null)"
            bad |= nulls
            col = col.fill_null(0.0)
        X[j] = _numpy(col, np.float64)
        finite = np.isfinite(X[j])
        if not finite.all():
            for k in np.flatnonzero(~finite & ~bad).tolist():
                why[k] = f"{name} must be a finite number, got {X[j, k]!r}"
            bad |= ~finite
    errors = [(row0 + k + 1, row0 + k + 1, why[k]) for k in sorted(why)]
    return X, ~bad, errors


def _numpy(col, dtype) -> np.ndarray:
    """The values of a null-free Arrow array of fixed-width numbers, zero-copy.

    (Not ``to_numpy()``: its first call imports pandas, 0.3-0.7 s.)"""
    return np.frombuffer(col.buffers()[1], dtype=dtype, count=len(col), offset=col.offset
                         * np.dtype(dtype).itemsize)


def to_arrow(a: np.ndarray) -> Any:
    """A float64 NumPy vector as an Arrow array, zero-copy (``pa.array`` would
    import pandas)."""
    import pyarrow as pa
    a = np.ascontiguousarray(a, dtype=np.float64)
    return pa.Array.from_buffers(pa.float64(), len(a), [None, pa.py_buffer(a)])


def _slices(batch, size: int) -> Iterator:
    for s in range(0, batch.num_rows, size):
        yield batch.slice(s, size)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# -- CSV through pyarrow.csv -------------------------------------------------------------------
class ArrowCsvReader:
    """A CSV file of plain numbers through ``pyarrow.csv``; see the module doc.

    ``text`` is the :class:`~adcli.pointsio.PointReader` already over the file
    (it checked the header); it takes over at the first batch Arrow cannot
    read as plain numbers.
    """

    def __init__(self, source: str, text, names: list, block: int):
        import pyarrow as pa
        import pyarrow.csv as pcsv
        self.pa, self.text, self.source = pa, text, source
        self.names, self.block = list(names), block
        self.row = 0
        cols = text.columns
        self._reader = None
        self._pos = 0
        self._raw = open(source, "rb")  # noqa: SIM115 - closed in __iter__
        try:
            self._reader = pcsv.open_csv(
                self._raw,
                read_options=pcsv.ReadOptions(skip_rows=1, column_names=cols,
                                              block_size=1 << 20, use_threads=True),
                parse_options=pcsv.ParseOptions(ignore_empty_lines=False,
                                                newlines_in_values=False),
                convert_options=pcsv.ConvertOptions(
                    include_columns=self.names,
                    column_types={n: pa.float64() for n in self.names}))
        except pa.ArrowException:
            self._reader = None      # the first block is already not plain: text reader

    def __iter__(self) -> Iterator[Block]:
        try:
            while self._reader is not None:
                try:
                    batch = self._reader.read_next_batch()
                except StopIteration:
                    return
                except self.pa.ArrowException:
                    break
                X, ok, errors = columns_to_array(batch, self.names, self.row)
                if errors:
                    break
                n = batch.num_rows
                rows = np.arange(self.row + 1, self.row + n + 1)
                self.row += n
                # one line per row, the header on line 1
                yield Block(np.ascontiguousarray(X), rows, rows + 1, [], None,
                            self._consumed())
        finally:
            self._raw.close()
        yield from self._rest()

    def _consumed(self) -> int:
        """Bytes read since the last call (Arrow reads ahead: approximate)."""
        try:
            pos = self._raw.tell()
        except (OSError, ValueError):
            return 0
        n, self._pos = pos - self._pos, pos
        return n

    def _rest(self) -> Iterator[Block]:
        """The text reader from row self.row + 1 on (each row before was one line)."""
        text = self.text
        for _ in itertools.islice(text.stream, self.row):
            pass
        text.row = self.row
        text.line += self.row
        yield from text
