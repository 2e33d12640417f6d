"""Shared test helpers: run the CLI in-process and read its output."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import settings

# CI draws the same examples every run, so a red CI is reproducible; locally each
# run explores new ones (HYPOTHESIS_PROFILE=ci to repeat CI's).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE") == "ci":
    settings.load_profile("ci")

from adcli.cli import main


class Run:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    @property
    def json(self):
        return json.loads(self.out, parse_constant=_reject)

    def __repr__(self) -> str:  # shows up in assertion failures
        return f"Run(code={self.code}, out={self.out[:2000]!r}, err={self.err[:2000]!r})"


def _reject(token):
    raise ValueError(f"non-strict JSON token {token}")


@pytest.fixture
def adcli(capsys):
    """``adcli("grad", "x^2", "--at", "3")`` -> Run(code, out, err)."""
    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)
    return run
