"""Ctrl-C (issue 11, item 4): SIGINT to the whole process group, as a terminal sends it,
while SymPy's worker runs (check) or while a long formula is parsed (grad): exit 130, one
line on stderr, no stray ``Process ForkProcess-1:`` traceback, no worker left behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ADCLI = [sys.executable, "-c", "import sys; from adcli.cli import main; sys.exit(main())"]


def _slow_symbolic() -> str:
    """A formula SymPy needs well over a minute for (adcli: milliseconds)."""
    e = "x"
    for _ in range(12):
        e = f"sin({e})*exp({e}*y)"
    return e


def _children(pid: int) -> list:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _interrupt(proc: subprocess.Popen) -> tuple:
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    return proc.returncode, out, err


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_ctrl_c_during_check_sympy_worker_exits_130_with_one_line():
    proc = subprocess.Popen(ADCLI + ["check", _slow_symbolic(), "--at", "0.3,0.7",
                                     "--symbolic-timeout", "120"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    workers: list = []
    while not workers and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        workers = _children(proc.pid)
    assert workers, "the SymPy worker never started"
    time.sleep(0.5)                                    # SymPy is at work now
    code, out, err = _interrupt(proc)
    assert code == 130
    assert err == "adcli: interrupted\n", err
    assert "Process" not in err and "Traceback" not in err and out == ""
    time.sleep(0.2)
    assert not any(_alive(w) for w in workers)         # the worker was ended, not orphaned


@pytest.mark.slow
def test_ctrl_c_in_any_command_exits_130_with_one_line(tmp_path):
    f = tmp_path / "long.txt"
    f.write_text("+".join(["sin(x)*x"] * 200_000))   # seconds of parsing and sweeps
    proc = subprocess.Popen(ADCLI + ["grad", f"@{f}", "--at", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(1.5)
    assert proc.poll() is None, "finished before the interrupt: make the formula longer"
    code, out, err = _interrupt(proc)
    assert code == 130 and err == "adcli: interrupted\n", err
