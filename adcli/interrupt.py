"""Ctrl-C: every command exits 130 with one line, ``adcli: interrupted``.

Click turns a KeyboardInterrupt into an Abort after printing a blank line, and a
forked worker (SymPy in ``check``) would print its own traceback.  So while a
command runs, SIGINT raises :class:`Interrupted` instead, which no handler on the
way mistakes for an error (a BaseException, not a KeyboardInterrupt): ``finally``
blocks still run (the SymPy worker is killed), then :func:`adcli.cli.main` says
the one line.  Workers ignore SIGINT (:func:`ignore_in_worker`).
"""
from __future__ import annotations

import contextlib
import signal

EXIT = 130
MESSAGE = "adcli: interrupted\n"


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) while a command runs."""


def _raise(signum, frame) -> None:
    raise Interrupted


@contextlib.contextmanager
def handled():
    """SIGINT raises Interrupted inside the block (main thread only; else unchanged)."""
    try:
        old = signal.signal(signal.SIGINT, _raise)
    except ValueError:             # not the main thread: leave SIGINT alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@contextlib.contextmanager
def blocked():
    """SIGINT held back (delivered at the end of the block): wrap a fork in it, so the
    child can ignore SIGINT before one reaches it."""
    if not hasattr(signal, "pthread_sigmask"):   # pragma: no cover - POSIX has it
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def ignore_in_worker() -> None:
    """In a forked worker: ignore SIGINT (the parent ends the worker) and unblock it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
