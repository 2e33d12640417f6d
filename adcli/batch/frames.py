"""Points as pandas DataFrames: :meth:`adcli.Formula.grad_frame` and the Dask partitions.

A :class:`FrameJob` is what a worker needs to run a request over a frame of
points, and nothing more: the formula's text and input names, the command and
its options.  It pickles small; each process parses and compiles it once
(:func:`FrameJob.program`, cached by content) and then replays the same
program as ``--points`` (:func:`adcli.batch.driver.compute`), so the numbers
equal the single-machine run's.  Under ``--compile`` the program is the C
kernel (:func:`adcli.batch.driver.program`), compiled once per machine (the
kernel cache is shared by the workers of one machine) and loaded once per
process; without a compiler, NumPy's, with a note on the worker's stderr.
"""
from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from ..errors import AdcliError, UsageError

_CACHE: dict = {}     # key -> (request, keys, program, one, columns), one per process


class FrameJob:
    """A request that crosses process boundaries (the parsed graph does not pickle)."""

    def __init__(self, req: Any):
        g = req.graph
        self.text, self.names, self.command = g.text, list(g.names), req.command
        self.options = {"mode": req.mode, "direction": req.direction,
                        "cotangent": req.cotangent, "order": req.order,
                        "compiled": bool(getattr(req, "compiled", False))}
        self.key = hashlib.sha256(repr((self.text, self.names, self.command,
                                        sorted(self.options.items()))).encode()).hexdigest()

    def parts(self) -> tuple:
        """(request, keys, program or None, one-point engine, CSV columns, how many
        results a point has: the columns and the JSON-only ones), made once per process."""
        hit = _CACHE.get(self.key)
        if hit is None:
            from ..parser import parse
            from ..pipeline import VECTORIZED, Request, _single, check, fixed, layout
            from .driver import program
            req = check(Request(self.command, parse(self.text, self.names), None,
                                **self.options))
            keys = fixed(req)
            prog = (program(req.graph, req.command, keys.get("mode", "reverse"),
                            req.compiled) if req.command in VECTORIZED else None)
            lay = layout(req, keys)
            hit = (req, keys, prog, _single(req, keys), lay.columns,
                   len(lay.columns) + len(lay.json_only))
            _CACHE[self.key] = hit
        return hit

    def columns(self) -> list:
        return list(self.parts()[4])

    def run(self, X: np.ndarray) -> tuple:
        """(Y: results × B, {point: AdcliError}) for the points X (inputs × B)."""
        from .driver import compute
        _, _, prog, one, cols, n_results = self.parts()
        Y, _, failed = compute(X, prog, one, n_results, threads=1)
        return Y[:len(cols)], failed


def frame_points(df: Any, names: list, what: str) -> tuple:
    """(X: inputs × rows float64, [(position, why)] for rows that are not finite
    numbers) from the columns ``names`` of a DataFrame."""
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise UsageError(f"{what} has no column {', '.join(missing)}; its columns: "
                         f"{', '.join(map(str, df.columns))}")
    X = np.empty((len(names), len(df)))
    errors: dict = {}
    for j, n in enumerate(names):
        try:
            X[j] = df[n].to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            raise UsageError(f"{what}: column {n} holds {df[n].dtype}, not numbers") from None
        for k in np.flatnonzero(~np.isfinite(X[j])).tolist():
            errors.setdefault(k, f"{n} must be a finite number, got {X[j, k]!r}"
                              if not np.isnan(X[j, k]) else f"no value for {n} (NaN or null)")
    return X, sorted(errors.items())


def run_frame(job: FrameJob, df: Any, on_error: str = "fail", what: str = "the frame") -> tuple:
    """(positions of the rows kept, {column: values} of the inputs and results, [(position,
    why, AdcliError|None)] of the bad rows) for the rows of ``df``; under
    ``on_error='fail'`` the first bad row raises."""
    X, unreadable = frame_points(df, job.names, what)
    ok = np.ones(len(df), dtype=bool)
    for k, _ in unreadable:
        ok[k] = False
    good = np.flatnonzero(ok)
    Y, failed = job.run(np.ascontiguousarray(X[:, good]) if len(unreadable) else X)
    problems = [(k, why, None) for k, why in unreadable]
    problems += [(int(good[k]), e.message, e) for k, e in failed.items()]
    problems.sort(key=lambda p: p[0])
    if problems and on_error == "fail":
        k, why, cause = problems[0]
        raise _RowFailure(k, why, cause)
    if not problems:
        data = {n: X[j] for j, n in enumerate(job.names)}
        data.update({c: Y[r] for r, c in enumerate(job.columns())})
        return good, data, problems
    keep = np.ones(len(good), dtype=bool)
    for k in failed:
        keep[k] = False
    rows = good[keep]
    data = {n: X[j, rows] for j, n in enumerate(job.names)}
    data.update({c: Y[r, keep] for r, c in enumerate(job.columns())})
    return rows, data, problems


class _RowFailure(AdcliError):
    def __init__(self, position: int, why: str, cause: AdcliError | None):
        super().__init__(why)
        self.position, self.why = position, why
        self.kind = "point" if cause is None else cause.kind
        self.exit_code = 2 if cause is None else cause.exit_code


def grad_frame(req: Any, df: Any, on_error: str = "fail") -> Any:
    """:meth:`adcli.Formula.grad_frame` (and its siblings): a DataFrame of the CLI's
    columns, one row per row of ``df`` (its index kept)."""
    from .driver import ON_ERROR
    if on_error not in ON_ERROR:
        raise UsageError(f"on_error must be one of {', '.join(ON_ERROR)}")
    import pandas as pd
    job = FrameJob(req)
    try:
        rows, data, _ = run_frame(job, df, on_error)
    except _RowFailure as exc:
        label = df.index[exc.position]
        error = AdcliError(f"row {label} of the frame (index label): {exc.why}")
        error.kind, error.exit_code = exc.kind, exc.exit_code
        raise error from None
    return pd.DataFrame(data, index=df.index[rows])
