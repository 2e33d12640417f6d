"""The ``--points`` driver: stream points in blocks, replay, write, report bad rows.

Which numbers a command writes, and how (CSV columns, the JSON object of a
point), comes from the caller as a :class:`Layout`; the float engine for one
point, for the points the replay flags, as ``one``.  See :mod:`adcli.batch`.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import AdcliError, UsageError
from .program import Program, _floor, compile_program

# -- the --points driver ----------------------------------------------------------------------
ON_ERROR = ("fail", "skip")
_SHOWN = 20  # row messages printed before only counting


class RowError(AdcliError):
    """A row of --points that cannot be read or evaluated (``fail`` mode)."""

    def __init__(self, cause: AdcliError | None, kind: str, exit_code: int, message: str,
                 row: int, line: int | None):
        super().__init__(message, row=cause.row if cause is not None else None)
        self.kind, self.exit_code = kind, exit_code
        self.input_row, self.input_line = row, line

    def to_json(self) -> dict:
        out = super().to_json()
        out["input_row"] = self.input_row
        if self.input_line is not None:     # None: a Parquet or Arrow file has rows only
            out["input_line"] = self.input_line
        return out


@dataclass
class Layout:
    """How one command's per-point results are written.

    ``columns``: CSV names of the results (after the input columns);
    ``make(point, results, warnings) -> dict``: the JSON object of one point,
    the same keys as the command's single-point JSON;
    ``json_only``: names of further results, after the columns, that only the
    JSON objects carry (hessian's ``asymmetry``).
    """

    columns: list
    make: Callable
    json_only: list = field(default_factory=list)


class _Progress:
    """``  1,250,000 points  42%`` on stderr, redrawn at most 5 times a second."""

    def __init__(self, enabled: bool, total_bytes: int | None, err):
        import time
        self.enabled, self.total, self.err = enabled, total_bytes, err
        self.clock = time.monotonic
        self.last = self.clock()
        self.nbytes = 0
        self.shown = False

    def update(self, points: int, nbytes: int) -> None:
        self.nbytes += nbytes
        if not self.enabled or self.clock() - self.last < 0.2:
            return
        self.last = self.clock()
        pct = f"  {min(100, 100 * self.nbytes // self.total):3d}%" if self.total else ""
        self.err.write(f"\r  {points:,} points{pct} ")
        self.err.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.err.write("\r\x1b[K")
            self.err.flush()


def run_points(command: str, g, source: str, lay: Layout, one: Callable, *,
               mode: str = "reverse", as_json: bool = False, input_format: str = "auto",
               on_error: str = "fail", vectorized: bool = True, out=None, err=None,
               threads: int = 0, block: int = 0, out_file: str | None = None,
               compiled: bool = False) -> dict:
    """Stream the points of ``source`` (a path or '-') through ``command``.

    ``lay`` (:class:`Layout`) says what each point's results are and how they
    are written; ``one`` (point -> (results, warnings)) is the float engine
    for one point.  With ``vectorized``, the sweeps of ``command`` (eval,
    grad, jacobian, hessian) are compiled (:func:`compile_program`) and
    replayed over blocks of points; a point the replay flags runs through
    ``one``; with ``compiled``, the C kernel (:mod:`.compiled`) instead of NumPy
    when there is a compiler, with a note on ``err``.  Otherwise every point runs
    through ``one``, still streamed,
    with the same row numbers, ``--on-error`` and output formats.
    ``source`` may be CSV, JSON Lines, Parquet or Arrow IPC; ``out_file`` (None:
    ``out``) takes the results in the format of its extension (:mod:`.sinks`).
    Returns counts {"points", "written", "skipped"}; raises :class:`RowError`
    for the first bad row under ``on_error='fail'``.
    """
    from .. import pointsio
    from .sinks import open_points, open_sink
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if on_error not in ON_ERROR:
        raise UsageError(f"--on-error must be one of {', '.join(ON_ERROR)}")
    prog = program(g, command, mode, compiled, err.write) if vectorized else None
    block = block or _block_size(g.n_inputs, len(lay.columns))
    with open_points(source, g.names, input_format, block) as reader, \
            open_sink(out_file, source, as_json, lay, g.names, out) as (writer, target):
        state = _State(on_error, err, reader)
        progress = _Progress(show_progress(target, err, as_json and out_file is None),
                             pointsio.source_size(source), err)
        try:
            for blk in reader:
                _one_block(blk, prog, one, writer, state, as_json, threads)
                progress.update(state.points, blk.nbytes)
        finally:
            progress.close()
    if state.points == 0:
        # Not an error: no points in, no results out (a CSV header only), exit 0,
        # as sort or jq do with empty input; the note tells a person it was empty.
        err.write(f"adcli: no points in {'stdin' if source == '-' else source}\n")
    state.summary()
    return {"points": state.points, "written": state.written, "skipped": state.skipped}


def program(g, command: str, mode: str, compiled: bool = False, note=None, fallback=None):
    """The batch program: the compiled C kernel under ``compiled`` (its compile time in
    ``note``; NumPy without a compiler, saying why in ``fallback``, default ``note``), else
    NumPy's; None: every point goes one by one."""
    if compiled:
        from .compiled import compiled_or_numpy
        return compiled_or_numpy(g, command, mode, note, fallback)
    return compile_or_none(g, command, mode)


def compile_or_none(g, command: str, mode: str) -> Program | None:
    try:
        return compile_program(g, command, mode)
    except (AdcliError, ArithmeticError):
        # Recording met an error that holds at every point (a constant divided
        # by a constant 0, in a partial or a dual number): no program, and each
        # point goes through the float engine, which reports it row by row.
        return None


class _CsvColumns:
    """A CsvWriter given all the results; it writes the Layout's columns only."""

    def __init__(self, writer, n_results: int):
        self.writer, self.n_results = writer, n_results
        self.shown = writer.n_results

    def write(self, X, Y, echo=None) -> None:
        self.writer.write(X, Y if len(Y) == self.shown else Y[:self.shown], echo)


def show_progress(out, err, as_json: bool) -> bool:
    """A progress line goes to stderr when a person watches it there, and only
    if the results are not on that screen too (it would mix into the rows):
    stderr a terminal, stdout not one, and no --json."""
    return _tty(err) and not _tty(out) and not as_json


def _tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


_BLOCK_BYTES = 64 << 20     # one block of rows in flight, at most


def _block_size(n_inputs: int, n_results: int) -> int:
    """Rows per block: about 16 MB of text, floats and their Python copies
    in flight, 4k … 64k rows; fewer than 4k only when 4k would take more than
    _BLOCK_BYTES (a Hessian of many inputs: n² results per row)."""
    per_row = 32 * (n_inputs + n_results) + 150
    return int(min(1 << 16, max(_floor(per_row, _BLOCK_BYTES), (16 << 20) // per_row)))




class _State:
    def __init__(self, on_error: str, err, reader=None):
        self.on_error, self.err, self.reader = on_error, err, reader
        self.points = self.written = self.skipped = self.warned = 0

    def skip(self, row: int, line: int, why: str) -> None:
        self.skipped += 1
        if self.skipped <= _SHOWN:
            self.err.write(f"adcli: warning: skipped {self.where(row, line)}: {why}\n")

    def where(self, row: int, line: int) -> str:
        from .sinks import where
        return where(self.reader, row, line)

    def warn(self, row: int, warnings: list) -> None:
        for w in warnings:
            self.warned += 1
            if self.warned <= _SHOWN:
                self.err.write(f"adcli: warning: row {row}: {w}\n")

    def summary(self) -> None:
        if self.warned > _SHOWN:
            self.err.write(f"adcli: warning: … {self.warned - _SHOWN} more warnings "
                           f"({self.warned} in all)\n")
        if self.skipped:
            more = (f"; the first {_SHOWN} are listed above" if self.skipped > _SHOWN else "")
            self.err.write(f"adcli: skipped {self.skipped:,} of {self.points:,} rows "
                           f"(--on-error skip){more}\n")


def _one_block(blk, prog, one, writer, state: _State, as_json: bool, threads: int) -> None:
    B = blk.X.shape[1]
    state.points += B + len(blk.errors)
    Y, warns, failed = compute(blk.X, prog, one, writer.n_results, threads)
    problems = [(row, line, why, None) for row, line, why in blk.errors]
    problems += [(int(blk.rows[k]), int(blk.lines[k]), e.message, e) for k, e in failed.items()]
    limit = B
    if problems and state.on_error == "fail":
        row, line, why, cause = min(problems, key=lambda p: p[0])
        limit = int(np.searchsorted(blk.rows, row))
        _write(blk, Y, writer, state, warns, {}, as_json, limit)
        kind, code = ("point", 2) if cause is None else (cause.kind, cause.exit_code)
        raise RowError(cause, kind, code, f"{state.where(row, line)}: {why}", row,
                       None if hasattr(state.reader, "where") else line)
    for row, line, why, _ in sorted(problems, key=lambda p: p[0]):
        state.skip(row, line, why)
    _write(blk, Y, writer, state, warns, failed, as_json, limit)


def compute(X: np.ndarray, prog, one: Callable, n_results: int, threads: int = 0) -> tuple:
    """Results (n_results × B) for the points X (inputs × B): the program's replay
    (any object with ``run(X, threads=) -> (Y, bad)``, e.g. :class:`Program`), then
    the float engine ``one`` for the points it flags (every point without a
    program).  Returns (Y, {point: warnings}, {point: AdcliError})."""
    B = X.shape[1]
    if prog is not None:
        Y, bad = prog.run(X, threads=threads)
        redo = np.flatnonzero(bad).tolist()
    else:
        Y, redo = np.empty((n_results, B)), list(range(B))
    warns: dict = {}
    failed: dict = {}   # point index -> AdcliError
    for k in redo:
        try:
            res, w = one(X[:, k].tolist())
        except AdcliError as exc:
            failed[k] = exc
            continue
        Y[:, k] = res
        if w:
            warns[k] = w
    return Y, warns, failed


def _write(blk, Y, writer, state, warns: dict, failed: dict, as_json: bool, limit: int) -> None:
    """Points 0..limit of the block in order, leaving out failed ones; points
    with warnings go one by one (JSON carries them; CSV sends them to stderr)."""
    special = sorted(k for k in list(warns) + list(failed) if k < limit)
    start = 0
    echo = blk.echo
    for k in special + [limit]:
        if k > start:
            writer.write(blk.X[:, start:k], Y[:, start:k],
                         echo[start:k] if echo is not None else None)
            state.written += k - start
        if k == limit:
            break
        start = k + 1
        if k in failed:
            continue
        state.warn(int(blk.rows[k]), warns[k])
        if as_json:
            writer.write_one(blk.X[:, k].tolist(), Y[:, k].tolist(), warns[k])
        else:
            writer.write(blk.X[:, k:k + 1], Y[:, k:k + 1],
                         echo[k:k + 1] if echo is not None else None)
        state.written += 1
