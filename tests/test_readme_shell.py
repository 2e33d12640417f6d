"""The README's shell examples (``$ adcli ...`` blocks) print what adcli prints: every line
the README shows (whitespace aside; ``…`` marks lines left out) is a line of the output."""
from __future__ import annotations

import pathlib
import re
import shlex

import pytest
from typer.testing import CliRunner

from adcli.cli import app

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
ROOT = README.parent


def _blocks() -> list:
    text = README.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```\n(\$ adcli .*?)```", text, re.DOTALL):
        lines = block.splitlines()
        out.append((lines[0][2:], [ln for ln in lines[1:] if ln.strip()]))
    return out


def _squash(line: str) -> str:
    return " ".join(line.split())


BLOCKS = _blocks()


def test_the_readme_has_shell_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("command, shown", BLOCKS, ids=[c for c, _ in BLOCKS])
def test_readme_shell_example(command, shown, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    res = CliRunner().invoke(app, args, terminal_width=100)
    error = shown[0].startswith("adcli: error")
    assert (res.exit_code != 0) == error, res.output
    text = res.output if error else res.stdout
    got = {_squash(line) for line in text.splitlines()}
    for line in shown:
        if line.strip() == "…":
            continue
        if "…" in line:          # a line shown in part: each piece is in the output, in order
            pos = 0
            for piece in line.split("…"):
                pos = text.find(piece.strip(), pos)
                assert pos >= 0, (piece, text)
            continue
        assert _squash(line) in got, (line, text)
