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


