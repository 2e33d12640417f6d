"""Formula files carry their point (issue 12 §3): a file's ``# at:`` line is its default
point, an explicit --at wins, and comments never reach a header, a title or JSON."""
from __future__ import annotations

import json
import math
import pathlib
import re

import pytest
from typer.testing import CliRunner

from adcli.cli import app

runner = CliRunner()
SAMPLES = sorted((pathlib.Path(__file__).parent.parent / "samples").glob("*.txt"))


def _at(path: pathlib.Path) -> str:
    return re.search(r"^# at: (.*)$", path.read_text(), re.MULTILINE).group(1)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_every_sample_runs_bare(path):
    """Bare, each command gives what it gives with the file's point spelled out."""
    for command in ("eval", "jacobian", "trace", "graph"):
        bare = runner.invoke(app, [command, "@" + str(path), "--json"])
        assert bare.exit_code == 0, (command, bare.output)
        told = runner.invoke(app, [command, "@" + str(path), "--at", _at(path), "--json"])
        assert json.loads(bare.stdout) == json.loads(told.stdout)
        assert "#" not in json.loads(bare.stdout)["expression"]
    for fmt in ("table", "markdown", "latex"):
        out = runner.invoke(app, ["trace", "@" + str(path), "-f", fmt]).stdout
        first = out.splitlines()[0] + out.splitlines()[1]
        assert "#" not in first.replace(r"\#", "") and "at:" not in first
    dot = runner.invoke(app, ["graph", "@" + str(path)]).stdout
    assert "# at" not in dot and "at:" not in dot


def test_explicit_at_wins():
    baydin = "@" + str(SAMPLES[0].parent / "baydin.txt")
    d = json.loads(runner.invoke(app, ["grad", baydin, "--json"]).stdout)
    assert d["point"] == [2, 5]
    # Baydin et al. Table 2: f(2, 5) = 11.652, ∂f/∂x1 = 5.5, ∂f/∂x2 = 1.716
    assert round(d["value"], 3) == 11.652 and d["gradient"][0] == 5.5
    assert math.isclose(d["gradient"][1], 2 - math.cos(5), rel_tol=1e-15)
    d = json.loads(runner.invoke(app, ["grad", baydin, "--at", "1,1", "--json"]).stdout)
    assert d["point"] == [1, 1] and d["value"] == 1 - math.sin(1)


def test_header_has_no_comments():
    course = "@" + str(SAMPLES[0].parent / "course_notes.txt")
    out = runner.invoke(app, ["grad", course]).stdout
    assert out.splitlines()[0].split("   ", 1)[1] == "f(x1, x2) = x1*x2 + exp(x1*x2) - sin(x2)"


def test_comment_after_code_and_no_at_line():
    res = runner.invoke(app, ["grad", "x*y # a product\n", "--at", "2,3", "--json"])
    assert json.loads(res.stdout)["expression"] == "x*y"
    res = runner.invoke(app, ["grad", "# no point here\nx*y"])
    assert res.exit_code == 2 and "--at" in res.output
