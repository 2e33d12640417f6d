"""Formulas that start with '-' on the command line.

Click reads ``-exp(x)`` as the short options ``-e -x -p …``, so ``adcli grad
"-exp(x)" --at 1`` would take ``-p`` for ``--points``.  :func:`formulas_last`
looks the command's options up and moves every dash-led word that is not one
of them (nor the value of one) behind a ``--``, where Click takes it as the
EXPR argument.  The rule a user sees: a word is an option if it is spelled as
one (``-a``, ``--at``, ``--at=2``); anything else that starts with '-' is the
formula.  Once the formula is there (a plain word, or a dash-led word with an
operator in it), a word such as ``-k3`` is the short option ``-k`` with the
value 3, and a lone unknown ``-j`` is left for Click to name.
"""
from __future__ import annotations

from .errors import UsageError

_FORMULA_CHARS = frozenset("*/^()[]+; \t\n")   # in formulas, never in option words


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


def _dashed(word: str) -> bool:
    return len(word) > 1 and word.startswith("-") and not word.startswith("--")


def _scan(words: list, valued: set, flags: set) -> tuple:
    """(dash-led words that are not options, plain positional words), up to a '--'."""
    dashed, plain = [], []
    it = iter(words)
    for word in it:
        if word == "--":
            plain.extend(it)
            break
        if word in valued:
            if next(it, None) is None:
                raise UsageError(f"Option '{word}' requires an argument.")
        elif _dashed(word) and not _is_option(word, valued, flags):
            dashed.append(word)
        elif not word.startswith("-"):
            plain.append(word)
    return dashed, plain


def formulas_last(group, argv: list) -> list:
    """``argv`` with dash-led formulas moved behind ``--`` (unchanged otherwise)."""
    start = next((k for k, w in enumerate(argv) if not w.startswith("-")), None)
    if start is None:
        return argv
    command = group.commands.get(argv[start]) if hasattr(group, "commands") else None
    if command is None:
        return argv
    valued, flags = _option_words(command)
    rest = argv[start + 1:]
    dashed, plain = _scan(rest, valued, flags)
    formula_given = bool(plain) or any(_FORMULA_CHARS & set(w) for w in dashed)
    kept, moved = list(argv[:start + 1]), []
    words = iter(rest)
    for word in words:
        if word == "--":
            return kept + ["--"] + moved + list(words) if moved else argv
        if word in valued:
            kept += [word, next(words)]
        elif _dashed(word) and not _is_option(word, valued, flags):
            if formula_given and word[:2] in valued and (plain or not _FORMULA_CHARS & set(word)):
                kept += [word[:2], word[2:]]          # -k3: the option -k with the value 3
            elif formula_given and len(word) == 2:
                kept.append(word)                     # an unknown -j: Click names it
            else:
                moved.append(word)
        else:
            kept.append(word)
    return kept + ["--"] + moved if moved else kept
