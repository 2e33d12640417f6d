"""Formulas that start with '-' on the command line.

Click reads ``-exp(x)`` as the short options ``-e -x -p …``, so ``adcli grad
"-exp(x)" --at 1`` would take ``-p`` for ``--points``.  :func:`formulas_last`
looks the command's options up and moves every dash-led word that is not one
of them (nor the value of one) behind a ``--``, where Click takes it as the
EXPR argument.  The rule a user sees: a word is an option only if it is
spelled exactly as one (``-a``, ``--at``, ``--at=2``); anything else that
starts with '-' is a formula.
"""
from __future__ import annotations


def _option_words(command) -> tuple:
    """(option words that take a value, option words that do not)."""
    valued, flags = set(), set()
    for p in command.params:  # Click's or Typer's vendored Click's: duck-typed
        if getattr(p, "param_type_name", "") == "option":
            words = set(p.opts) | set(p.secondary_opts)
            (flags if p.is_flag or p.count else valued).update(words)
    return valued, flags | {"-h", "--help"}


def _is_option(word: str, valued: set, flags: set) -> bool:
    if word in valued or word in flags:
        return True
    name, eq, _ = word.partition("=")
    return bool(eq) and name in valued


def formulas_last(group, argv: list) -> list:
    """``argv`` with dash-led formulas moved behind ``--`` (unchanged otherwise)."""
    start = next((k for k, w in enumerate(argv) if not w.startswith("-")), None)
    if start is None:
        return argv
    command = group.commands.get(argv[start]) if hasattr(group, "commands") else None
    if command is None:
        return argv
    valued, flags = _option_words(command)
    kept, moved = list(argv[:start + 1]), []
    words = iter(argv[start + 1:])
    for word in words:
        if word == "--":
            return kept + ["--"] + moved + list(words) if moved else argv
        if len(word) > 1 and word.startswith("-") and not word.startswith("--") \
                and not _is_option(word, valued, flags):
            moved.append(word)
            continue
        kept.append(word)
        if word in valued:
            value = next(words, None)
            if value is not None:
                kept.append(value)
    return kept + ["--"] + moved if moved else argv
