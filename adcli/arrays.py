"""Results at many points as NumPy arrays: the Python API's ``points=``.

The request goes through the same pipeline as ``--points``: the sweeps compiled
by :mod:`adcli.batch`, each point the replay flags recomputed by the float
engine (:func:`adcli.pipeline.compute`).  :class:`Many` holds the flat numbers
of every point and slices them into the result kind's arrays.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import AdcliError, UsageError
from .pipeline import VECTORIZED, Request, _batch, _single, check, fixed
from .results import KINDS, Result


def run_many(req: Request, X: Any, on_error: str = "fail") -> Many:
    """Every row of the array ``X`` (n points × n inputs) through ``req``."""
    import numpy as np
    check(req)
    if req.digits is not None:
        raise UsageError("digits= works on single points (at=); points= is float64")
    if on_error not in ("fail", "skip"):
        raise UsageError("on_error must be 'fail' or 'skip'")
    batch = _batch()
    g = req.graph
    X = np.atleast_2d(np.asarray(X, dtype=float))
    if X.shape[1] != g.n_inputs:
        raise UsageError(f"points= has {X.shape[1]} columns; the formula has {g.n_inputs} "
                         f"inputs ({', '.join(g.names)})")
    keys = fixed(req)
    kind = KINDS[req.command]
    one = _single(req, keys)
    prog = None
    if req.command in VECTORIZED and len(X):
        prog = batch.program(g, req.command, keys.get("mode", "reverse"), req.compiled,
                             fallback=_warn)
    if prog is not None:
        Y, bad = prog.run(np.ascontiguousarray(X.T))
        redo = np.flatnonzero(bad).tolist()
    else:
        n_flat = len(kind.columns(g, **keys)) + len(kind.json_only)
        Y, redo = np.empty((n_flat, len(X))), list(range(len(X)))
    warnings: dict = {}
    errors: list = []
    for k in redo:
        try:
            flat, w = one(X[k].tolist())
        except AdcliError as exc:
            if on_error == "fail":
                raise batch.RowError(exc, exc.kind, exc.exit_code, f"row {k + 1}: {exc.message}",
                                     k + 1, k + 1) from None
            Y[:, k] = np.nan
            errors.append((k, exc))
            continue
        Y[:, k] = flat
        if w:
            warnings[k] = list(w)
    return Many(req, keys, X, Y, warnings, errors)


@dataclass
class Many:
    """Results at many points: arrays, one row per point (NaN where a point failed)."""

    request: Request
    keys: dict
    X: Any                      # (n, d) points
    Y: Any                      # (n_flat, n) the kind's flat numbers per point
    point_warnings: dict        # point index -> its warnings
    errors: list                # (point index, AdcliError) of the points left out

    def _kind(self) -> Any:
        return KINDS[self.request.command]

    def record(self, k: int) -> Result:
        """The result at point ``k``."""
        g = self.request.graph
        return self._kind().from_flat(g, self.X[k].tolist(), self.Y[:, k].tolist(),
                                      self.point_warnings.get(k, []), **self.keys)

    def to_dicts(self) -> Iterator[dict]:
        """The CLI's JSON Lines records, one per point that did not fail."""
        failed = {k for k, _ in self.errors}
        for k in range(len(self.X)):
            if k not in failed:
                yield self.record(k).to_dict()

    @property
    def warnings(self) -> list:
        return [f"point {k}: {w}" for k in sorted(self.point_warnings)
                for w in self.point_warnings[k]]

    @property
    def points(self) -> Any:
        return self.X

    def __rich__(self) -> Any:
        from .render.results import many_renderable
        return many_renderable(self)

    def _repr_html_(self) -> str:
        from .render.results import many_html
        return many_html(self)

    def _slice(self, start: int, count: int, shape: Sequence) -> Any:
        a = self.Y[start:start + count].T
        return a.reshape((len(self.X), *shape)) if shape else a[:, 0]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("request", "keys", "X", "Y"):
            raise AttributeError(name)
        spans = self._kind().spans(self.request.graph, **self.keys)
        if "product" not in spans and self.request.command in ("jvp", "vjp", "hvp"):
            spans["product"] = spans[self.request.command]
        if name not in spans:
            raise AttributeError(f"{self.request.command} results have no {name!r}")
        return self._slice(*spans[name])


def _warn(text: str) -> None:
    """Formula.compile() running on NumPy after all: a RuntimeWarning saying why."""
    import warnings
    warnings.warn(text.removeprefix("adcli: note: ").strip(), RuntimeWarning, stacklevel=4)
