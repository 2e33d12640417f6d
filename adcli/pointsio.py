"""``--points``: reading many points and writing many results, streaming.

Input is CSV with a header of variable names, or JSON Lines with one object
per point (``{"x1": 2, "x2": 0.5}``).  The format comes from ``--input-format``,
else the file extension, else the first non-blank line (``{`` means JSON Lines).

Points come in blocks of a bounded number of rows, each a float64 array
(inputs × points) plus the row and line numbers of its points and the rows
that could not be read; nothing else is kept, so memory stays bounded
whatever the input size.  Rows are numbered from 1 over the data records (a
CSV header and blank lines are not rows); messages give the file line too.

Output is CSV (``x1,x2,value,d/dx1,d/dx2``) or, under ``--json``, JSON Lines
with exactly the keys of the single-point JSON.  Numbers are written as
Python writes floats: the shortest text that reads back as the same float64.
"""
from __future__ import annotations

import io
import itertools
import json
import math
import os
import sys
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .errors import UsageError
from .jsonout import dumps

FORMATS = ("auto", "csv", "jsonl")
_EXT = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


@dataclass
class Block:
    """Up to ``size`` points: X is (inputs × points), float64, all finite."""

    X: np.ndarray
    rows: np.ndarray              # 1-based data-row number of each point
    lines: np.ndarray             # 1-based line number of each point
    errors: list                  # (row, line, message) for rows that could not be read
    echo: Optional[list] = None   # each point's input cells as given (CSV in the same order)
    nbytes: int = 0               # input characters this block consumed


def open_source(source: str):
    """A text stream for FILE, or stdin for '-'."""
    if source == "-":
        return sys.stdin
    try:
        return open(source, encoding="utf-8", newline=None)
    except OSError as exc:
        raise UsageError(f"--points: cannot read {source!r}: {exc.strerror}") from None


def source_size(source: str) -> Optional[int]:
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
    """Blocks of points from a text stream, in input order."""

    def __init__(self, stream, names: list, fmt: str = "auto", source: str = "-",
                 block: int = 65536):
        self.stream, self.names, self.block = stream, list(names), block
        self.row = 0              # data rows seen so far
        self.line = 0             # lines consumed so far
        head = self._first_nonblank()
        self.format = detect(source, head or "", fmt)
        self._pending = [head] if head is not None else []
        self.columns = None
        self.verbatim = False
        if self.format == "csv":
            self._read_header()

    # -- set-up -----------------------------------------------------------------------------
    def _first_nonblank(self) -> Optional[str]:
        for text in self.stream:
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
        header = self._pending.pop()
        self.line += 1
        cells = [c.strip().strip('"') for c in header.rstrip("\r\n").split(",")]
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
                yield self._jsonl_block(lines)

    def _csv_block(self, lines: list) -> Block:
        first_line = self.line + 1
        nbytes = sum(map(len, lines))
        fast = self._csv_fast(lines)
        if fast is not None:
            X, B = fast
            rows = np.arange(self.row + 1, self.row + B + 1)
            lines_no = np.arange(first_line, first_line + B)
            self.row += B
            self.line += B
            echo = [t.rstrip("\r\n") for t in lines] if self.verbatim else None
            return Block(X, rows, lines_no, [], echo, nbytes)
        return self._slow(lines, self._csv_row, nbytes)

    def _csv_fast(self, lines: list):
        """The whole block through NumPy's C parser, when every row is clean."""
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

    def _csv_row(self, text: str):
        cells = text.rstrip("\r\n").split(",")
        if len(cells) != len(self.columns):
            return None, (f"expected {len(self.columns)} cells "
                          f"({','.join(self.columns)}), got {len(cells)}")
        point = []
        for name, k in zip(self.names, self._index):
            v, why = _number(cells[k].strip().strip('"'), name)
            if why:
                return None, why
            point.append(v)
        return point, None

    def _jsonl_block(self, lines: list) -> Block:
        return self._slow(lines, self._json_row, sum(map(len, lines)))

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

    def _slow(self, lines: list, parse_row, nbytes: int) -> Block:
        """Row by row, collecting the rows that cannot be read."""
        points, rows, lines_no, errors, echo = [], [], [], [], []
        for text in lines:
            self.line += 1
            if not text.strip():
                continue
            self.row += 1
            point, why = parse_row(text)
            if why:
                errors.append((self.row, self.line, why))
                continue
            points.append(point)
            rows.append(self.row)
            lines_no.append(self.line)
            echo.append(text.rstrip("\r\n"))
        n = len(self.names)
        X = np.array(points, dtype=float).reshape(len(points), n).T.copy()
        return Block(X, np.array(rows, dtype=np.int64), np.array(lines_no, dtype=np.int64),
                     errors, echo if self.verbatim else None, nbytes)


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


# -- output -------------------------------------------------------------------------------------
class CsvWriter:
    """``x1,x2,<result columns>``: the inputs (as given, when the input was CSV
    with exactly these columns), then the results."""

    def __init__(self, out, names: list, columns: list):
        self.out = out
        self.n_results = len(columns)
        out.write(",".join(list(names) + list(columns)) + "\n")

    def write(self, X: np.ndarray, Y: np.ndarray, echo: Optional[list] = None) -> None:
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
        probe = make([self._HOLE] * n_inputs, [self._HOLE] * n_results, [])
        text = dumps(probe).replace("{", "{{").replace("}", "}}")
        self.template = text.replace(json.dumps(self._HOLE), "{!r}")

    def write(self, X: np.ndarray, Y: np.ndarray, echo=None) -> None:
        if X.shape[1] == 0:
            return
        fmt = self.template.format
        rows = np.concatenate([X, Y]).T.tolist()
        self.out.write("\n".join([fmt(*r) for r in rows]) + "\n")

    def write_one(self, point: list, results: list, warnings: list) -> None:
        self.out.write(dumps(self.make(point, results, warnings)) + "\n")


def iter_text(text: str):
    """A stream over a string (for tests and callers holding the input)."""
    return io.StringIO(text)
