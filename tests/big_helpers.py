"""Shared by test_big_io.py, test_big_dask.py and test_batch.py: the MATLAB function's
closed-form value and gradient in NumPy (the independent reference), the README's 16-ulp
bound for --points, and a stderr stand-in."""
from __future__ import annotations

import numpy as np

MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def closed_form(x1, x2):
    e = np.exp(-(x1 ** 2 + x2 ** 2) / 2)
    return np.array([x1 * e, (1 - x1 ** 2) * e, -x1 * x2 * e])


def agree(got, want, ulps=16):
    """Within ``ulps`` ulps of each point's largest entry."""
    scale = np.max(np.abs(want), axis=0)
    return np.all(np.abs(got - want) <= ulps * np.spacing(scale))


class Stream:
    """A stderr that records what is written and says whether it is a terminal."""

    def __init__(self, tty: bool = True):
        self.tty, self.text = tty, []

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text.append(text)

    def flush(self) -> None:
        pass
