"""``--points``: reading many points and writing many results, streaming.

Input is CSV with a header of variable names, or JSON Lines with one object
per point (``{"x1": 2, "x2": 0.5}``).  The format comes from ``--input-format``,
else the file extension, else the first non-blank line (``{`` means JSON Lines).

Points come in blocks of a bounded number of rows, each a float64 array
(inputs × points) plus the row and line numbers of its points and the rows
that could not be read; nothing else is kept, so memory stays bounded
whatever the input size.  Rows are numbered from 1 over the data records (a
CSV header and blank lines are not rows); messages give the file line too.

Results are written by :mod:`adcli.batch.writers`.
"""
from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import math
import os
import re
import sys
from dataclasses import dataclass

import numpy as np

from .errors import UsageError

FORMATS = ("auto", "csv", "jsonl")
_EXT = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


@dataclass
class Block:
    """Up to ``size`` points: X is (inputs × points), float64, all finite."""

    X: np.ndarray
    rows: np.ndarray              # 1-based data-row number of each point
    lines: np.ndarray             # 1-based line number of each point
    errors: list                  # (row, line, message) for rows that could not be read
    echo: list | None = None   # each point's input cells as given (CSV in the same order)
    nbytes: int = 0               # input characters this block consumed


@contextlib.contextmanager
def open_source(source: str):
    """A text stream for FILE, or for stdin with '-'.

    Bytes are decoded as UTF-8 with ``surrogateescape``: a byte that is not
    UTF-8 becomes a lone surrogate, so one bad row is a row error (see
    :func:`not_utf8`) instead of stopping the whole read.  A file that holds
    NUL bytes in its first 8 kB is refused as binary (UTF-16 gets its own
    message).  stdin is wrapped, not closed.
    """
    if source == "-":
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:                     # already text (an embedding caller, tests)
            yield sys.stdin
            return
        _refuse_binary(raw, "stdin")
        text = _text(raw)
        try:
            yield text
        finally:
            text.detach()
        return
    try:
        raw = open(source, "rb")  # noqa: SIM115 - closed by the caller's context
    except OSError as exc:
        raise UsageError(f"--points: cannot read {source!r}: {exc.strerror}") from None
    with raw:
        _refuse_binary(raw, repr(source))
        yield _text(raw)


def _text(raw):
    return io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline=None)


def _refuse_binary(raw, what: str) -> None:
    peek = getattr(raw, "peek", None)
    head = peek(8192)[:8192] if peek is not None else b""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UsageError(f"--points: {what} is UTF-16 text; adcli reads UTF-8 "
                         "(save it as CSV UTF-8, or convert it with iconv -f UTF-16 -t UTF-8)")
    if b"\x00" in head:
        raise UsageError(f"--points: {what} is a binary file (it holds NUL bytes), "
                         "not CSV or JSON Lines text")


_NOT_UTF8 = re.compile("[\udc80-\udcff]")   # bytes that surrogateescape could not decode


def not_utf8(text: str) -> str | None:
    """Why ``text`` (decoded with surrogateescape) is not UTF-8, or None."""
    if text.isascii():
        return None
    bad = _NOT_UTF8.search(text)
    if bad is None:
        return None
    byte = ord(bad.group()) - 0xDC00
    return (f"not UTF-8 text (byte 0x{byte:02x} at column {bad.start() + 1}); "
            "save the file as UTF-8")


def source_size(source: str) -> int | None:
    if source == "-":
        return None
    try:
        return os.path.getsize(source) or None
    except OSError:
        return None


def detect(source: str, first: str, fmt: str = "auto") -> str:
    """``csv`` or ``jsonl``: the option, else the extension, else the content."""
    if fmt != "auto":
        return fmt
    ext = os.path.splitext(source)[1].lower() if source != "-" else ""
    if ext in _EXT:
        return _EXT[ext]
    return "jsonl" if first.lstrip().startswith("{") else "csv"


class PointReader:
    """Blocks of points from a text stream, in input order.

    CSV follows RFC 4180: a cell in double quotes may hold commas, doubled
    quotes ("") and line breaks (a record then spans several lines; rows keep
    the number of their first line).  Cells are stripped of surrounding
    spaces.  A leading byte-order mark (Excel's UTF-8 CSV) is ignored.
    """

    def __init__(self, stream, names: list, fmt: str = "auto", source: str = "-",
                 block: int = 65536):
        self.stream, self.names, self.block = stream, list(names), block
        self.row = 0              # data rows seen so far
        self.line = 0             # lines consumed so far
        head = self._first_nonblank()
        self.format = detect(source, head or "", fmt)
        self._pending = [head] if head is not None else []
        self.columns: list = []
        self.verbatim = False
        if self.format == "csv":
            self._read_header()

    # -- set-up -----------------------------------------------------------------------------
    def _first_nonblank(self) -> str | None:
        for text in self.stream:
            if self.line == 0 and text.startswith("\ufeff"):
                text = text[1:]    # a UTF-8 byte-order mark (Excel), not part of the data
            self.line += 1
            if text.strip():
                self.line -= 1     # counted again when consumed
                return text
        return None

    def _read_header(self) -> None:
        if not self._pending:
            self.columns = []
            self._index = []
            return
        lines = [self._pending.pop()]
        cells, why, used = (self._quoted(lines, 0) if '"' in lines[0] else
                            (lines[0].rstrip("\r\n").split(","), None, 1))
        self._pending = lines[used:]
        header = "".join(lines[:used])
        where = f"--points: the CSV header (line {self.line + 1})"
        self.line += used
        bad = not_utf8(header)
        if bad:
            raise UsageError(f"{where} is {bad}")
        if why:
            raise UsageError(f"{where}: {why}")
        cells = [c.strip() for c in cells]
        missing = [n for n in self.names if n not in cells]
        if missing:
            have = ", ".join(cells) if len(header) < 200 else header[:200] + "…"
            hint = (" (the first line must be a header of variable names)"
                    if all(_is_number(c) for c in cells) else "")
            raise UsageError(f"--points: the CSV header has no column "
                             f"{', '.join(missing)}{hint}; header: {have}; "
                             f"expected columns {','.join(self.names)}")
        seen = set()
        for c in cells:
            if c in seen and c in self.names:
                raise UsageError(f"--points: the CSV header names {c!r} twice")
            seen.add(c)
        self.columns = cells
        self._index = [cells.index(n) for n in self.names]
        self.verbatim = cells == self.names

    # -- blocks ---------------------------------------------------------------------------
    def __iter__(self):
        while True:
            lines = self._pending + list(itertools.islice(self.stream,
                                                          self.block - len(self._pending)))
            self._pending = []
            if not lines:
                return
            if self.format == "csv":
                yield self._csv_block(lines)
            else:
                yield self._slow(lines)

    def _csv_block(self, lines: list) -> Block:
        first_line = self.line + 1
        fast = self._csv_fast(lines)
        if fast is not None:
            X, B = fast
            rows = np.arange(self.row + 1, self.row + B + 1)
            lines_no = np.arange(first_line, first_line + B)
            self.row += B
            self.line += B
            echo = [t.rstrip("\r\n") for t in lines] if self.verbatim else None
            return Block(X, rows, lines_no, [], echo, sum(map(len, lines)))
        return self._slow(lines)

    def _csv_fast(self, lines: list):
        """The whole block through NumPy's C parser, when every row is clean
        (numbers only: no quotes, no blank lines, no other text)."""
        if "\n" in lines or "\r\n" in lines or not self.names:
            return None
        try:
            arr = np.loadtxt(lines, delimiter=",", dtype=float, ndmin=2, comments=None,
                             quotechar=None)
        except ValueError:
            return None
        if arr.shape != (len(lines), len(self.columns)):
            return None
        X = np.ascontiguousarray(arr[:, self._index].T)
        if not np.isfinite(X).all():
            return None
        return X, len(lines)

    def _slow(self, lines: list) -> Block:
        """Record by record, collecting the rows that cannot be read."""
        points, rows, lines_no, errors, echo = [], [], [], [], []
        is_csv = self.format == "csv"
        spans = False
        k, end = 0, len(lines)
        while k < end:
            text = lines[k]
            k += 1
            self.line += 1
            if not text.strip():
                continue
            self.row += 1
            line = self.line
            if not is_csv:
                why = not_utf8(text)
                point, why = (None, why) if why else self._json_row(text)
            else:
                if '"' not in text:              # the common case: no quoting at all
                    cells, why = text.rstrip("\r\n").split(","), None
                else:
                    cells, why, used = self._quoted(lines, k - 1)
                    end = len(lines)             # it may have read more lines
                    if used > 1:
                        spans = True
                        text = "".join(lines[k - 1:k - 1 + used])
                        k += used - 1
                        self.line += used - 1
                why = not_utf8(text) or why
                point, why = (None, why) if why else self._csv_point(cells)
            if why:
                errors.append((self.row, line, why))
                continue
            points.append(point)
            rows.append(self.row)
            lines_no.append(line)
            echo.append(text.rstrip("\r\n"))
        n = len(self.names)
        X = np.array(points, dtype=float).reshape(len(points), n).T.copy()
        return Block(X, np.array(rows, dtype=np.int64), np.array(lines_no, dtype=np.int64),
                     errors, echo if self.verbatim and not spans else None,
                     sum(map(len, lines)))

    # -- CSV records ----------------------------------------------------------------------
    def _quoted(self, lines: list, k: int):
        """The cells of the record that starts at ``lines[k]`` (which holds a
        quote): (cells, why, lines it takes).  A quoted cell still open at the
        end of a line takes the next lines, read from the stream when ``lines``
        runs out (they are appended to it), up to _MAX_SPAN lines; a cell never
        closed is an error on its own line, and the lines after it are read
        again as rows."""
        try:
            return next(csv.reader((lines[k],), strict=True, skipinitialspace=True)), None, 1
        except csv.Error:
            pass                             # malformed, or a cell that goes on: see below
        used = 1
        while True:
            feed = _Feed(lines, k, k + used)
            try:
                cells = next(csv.reader(feed, strict=True, skipinitialspace=True))
            except csv.Error as exc:
                if not feed.starved:
                    return None, f"not valid CSV: {exc}", used
            else:
                return cells, None, used
            if k + used == len(lines):
                more = next(self.stream, None) if used < _MAX_SPAN else None
                if more is None:
                    return None, ("a quoted cell opened on this line is not closed "
                                  f"(a cell in \"…\" may span at most {_MAX_SPAN} lines)"), 1
                lines.append(more)
            elif used >= _MAX_SPAN:
                return None, ("a quoted cell opened on this line is not closed "
                              f"(a cell in \"…\" may span at most {_MAX_SPAN} lines)"), 1
            used += 1

    def _csv_point(self, cells: list):
        """(point, None) from one CSV record's cells, or (None, why not)."""
        if len(cells) != len(self.columns):
            return None, (f"expected {len(self.columns)} cells "
                          f"({','.join(self.columns)}), got {len(cells)}")
        point = []
        for name, k in zip(self.names, self._index):
            v, why = _number(cells[k].strip(), name)
            if why:
                return None, why
            point.append(v)
        return point, None

    # -- JSON Lines -----------------------------------------------------------------------
    def _json_row(self, text: str):
        try:
            obj = json.loads(text)
        except ValueError as exc:
            return None, f"not valid JSON: {getattr(exc, 'msg', exc)}"
        if not isinstance(obj, dict):
            example = ", ".join(f'"{n}": 1' for n in self.names)
            return None, f"expected a JSON object such as {{{example}}}"
        point = []
        for name in self.names:
            if name not in obj:
                return None, f"no value for {name}"
            v = obj[name]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return None, f"{name} must be a number, got {json.dumps(v)[:40]}"
            try:
                v = float(v)
            except OverflowError:
                return None, f"{name} = {obj[name]} is beyond float64's range"
            if not math.isfinite(v):
                return None, f"{name} must be a finite number, got {v}"
            point.append(v)
        return point, None


_MAX_SPAN = 100   # physical lines one CSV record may take (a quoted cell with line breaks)


class _Feed:
    """lines[k:end] for csv.reader; notes whether csv asked for more."""

    __slots__ = ("end", "k", "lines", "starved")

    def __init__(self, lines: list, k: int, end: int):
        self.lines, self.k, self.end, self.starved = lines, k, end, False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.k < self.end:
            self.k += 1
            return self.lines[self.k - 1]
        self.starved = True
        raise StopIteration


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(cell: str, name: str):
    if not cell:
        return None, f"no value for {name} (empty cell)"
    try:
        v = float(cell)
    except ValueError:
        shown = cell if len(cell) <= 40 else cell[:39] + "…"
        return None, f"{name} = {shown!r} is not a number"
    if not math.isfinite(v):
        return None, f"{name} must be a finite number, got {cell}"
    return v, None


def iter_text(text: str):
    """A stream over a string (for tests and callers holding the input)."""
    return io.StringIO(text)
