"""The LaTeX trace (issue 12 §6): column headers, and it compiles with pdflatex (where TeX
is installed) without an overfull box: the Cost summary wraps inside the text."""
from __future__ import annotations

import shutil
import subprocess

import pytest

BAYDIN = ["ln(x1) + x1*x2 - sin(x2)", "--at", "2,5"]
DOC = "\\documentclass{article}\n\\begin{document}\n\\input{body}\n\\end{document}\n"


def test_latex_tables_have_column_headers(adcli):
    tex = adcli("trace", *BAYDIN, "-f", "latex").out
    assert r"\textit{id} & \textit{definition} & \textit{source} & \textit{value}\\" in tex
    assert r"\textit{adjoint} & \textit{rule} & \textit{value}\\" in tex
    steps = adcli("trace", *BAYDIN, "-f", "latex", "--accumulate", "steps").out
    assert r"\textit{adjoint} & \textit{rule} & \textit{partial} & \textit{value}\\" in steps
    assert r"\begin{itemize}" in tex and r"\item reverse mode wins" in tex


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="TeX is not installed")
@pytest.mark.parametrize("args", [BAYDIN, [*BAYDIN, "--accumulate", "steps"],
                                  [*BAYDIN, "-m", "forward"],
                                  ["x1*exp(-1/2*(x1^2+x2^2))", "--at", "2,0.5", "--symbol", "u"]])
def test_latex_compiles_without_overfull_boxes(adcli, tmp_path, args):
    (tmp_path / "body.tex").write_text(adcli("trace", *args, "-f", "latex").out)
    (tmp_path / "doc.tex").write_text(DOC)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert run.returncode == 0, log[-2000:]
    assert "Overfull" not in log, [ln for ln in log.splitlines() if "Overfull" in ln]
