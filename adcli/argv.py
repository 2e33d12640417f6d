"""Formulas that start with '-' on the command line: a Click ``Command`` that knows them.

Click reads ``-exp(x)`` as the short options ``-e -x -p …``, so ``adcli grad
"-exp(x)" --at 1`` would take ``-p`` for ``--points``.  :class:`FormulaCommand`
(Typer's command class, so the rich help stays) looks at its own options in
``parse_args`` and hands every dash-led word that is a formula to Click behind a
``--``, where Click reads it as the EXPR argument; Click parses everything else.

The rule a user sees: a word is an option if it is spelled as one (``-a``,
``--at``, ``--at=2``).  A dash-led word with a space or an operator in it
(``-exp(x)``, ``"--x + -(-y)"``) is always the formula.  Another dash-led word
(``-x``, ``-a3``) is the formula unless the formula is elsewhere on the line;
then Click reads it: ``-k3`` is the option ``-k`` with the value 3, and an
unknown ``-j`` or ``--jsn`` is named.  The value of an option is never looked at
(``--at -1,2`` works), and after ``--`` every word is the formula.

:class:`AdcliTyper` makes every command it registers a :class:`FormulaCommand`,
so command modules keep writing ``app.command("name")(function)``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand

from .errors import UsageError

if TYPE_CHECKING:
    from typer.models import CommandFunctionType

_OPERATOR_CHARS = frozenset("*/^()[]+; \t\n")   # in formulas, never in option words


def _option_words(params: Iterable[Any]) -> tuple[set[str], set[str]]:
    """(option words that take a value, option words that do not) of a command."""
    valued: set[str] = set()
    flags: set[str] = set()
    for p in params:  # Click's or Typer's vendored Click's parameters: duck-typed
        if getattr(p, "param_type_name", "") == "option":
            words = set(p.opts) | set(p.secondary_opts)
            (flags if p.is_flag or p.count else valued).update(words)
    return valued, flags


def _spelled_as_option(word: str, valued: set[str], flags: set[str]) -> bool:
    name, eq, _ = word.partition("=")
    return word in valued or word in flags or (bool(eq) and name in valued)


def formula_words(args: list[str], valued: set[str], flags: set[str]) -> list[int]:
    """Indices of the dash-led words in ``args`` (before any ``--``) that are the formula."""
    candidates: list[int] = []   # dash-led, not an option, no operator: -x, -a3
    formulas: list[int] = []     # dash-led with an operator or a space: -exp(x)
    plain = False                # a positional word that does not start with '-'
    dangling = ""                # an option that takes a value, last on the line
    k = 0
    while k < len(args) and args[k] != "--":
        word = args[k]
        if word in valued:
            dangling = word if k + 1 == len(args) else ""
            k += 1                                 # its value, whatever it looks like
        elif _spelled_as_option(word, valued, flags) or word == "-":
            plain = plain or word == "-"           # '-' alone: the formula from stdin
        elif word.startswith("-"):
            if _OPERATOR_CHARS & set(word):
                formulas.append(k)
            elif not word.startswith("--"):
                candidates.append(k)
        else:
            plain = True
        k += 1
    plain = plain or k < len(args) - 1             # a word after '--'
    moved = formulas if plain or formulas else candidates
    if moved and dangling:   # said here: the '--' put before the formula would be its value
        raise UsageError(f"Option '{dangling}' requires an argument.")
    return moved


class FormulaCommand(TyperCommand):
    """A Typer command whose EXPR argument may start with '-' (see the module's rule)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        valued, flags = _option_words(self.get_params(ctx))
        try:
            moved = formula_words(args, valued, flags)
        except UsageError:
            if not ctx.resilient_parsing:
                raise
            moved = []        # shell completion of 'adcli grad -exp(x) --mode <TAB>'
        if moved:
            chosen = set(moved)
            kept = [w for k, w in enumerate(args) if k not in chosen]
            end = kept.index("--") if "--" in kept else len(kept)
            args = kept[:end] + ["--"] + [args[k] for k in moved] + kept[end + 1:]
        return super().parse_args(ctx, args)


class AdcliTyper(typer.Typer):
    """A Typer app whose commands are :class:`FormulaCommand` unless told otherwise."""

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(name, cls=cls or FormulaCommand, **kwargs)
