"""The lexer Lark's LALR parser reads adcli's formulas with: one ``finditer`` over the text.

Lark's own basic lexer matches token by token (a regex match, a line counter and a Token per
step, ~3 µs a token); this one runs one compiled alternation of the grammar's terminals over
the whole text, in the order Lark's basic lexer tries them (priority, then longest possible
match, then pattern length, then name), so both give the same tokens (tests/test_parser.py
checks them on a corpus).  The terminals come from the grammar Lark was given
(``adcli/grammars/adcli.lark``): the grammar stays the one source of the language.

An unexpected character raises Lark's ``UnexpectedCharacters`` at the same position, line and
column, so the parser's error messages do not change.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, Token


def ordered_terminals(terminals: Any) -> list:
    """The terminals in the order Lark's basic lexer tries them."""
    return sorted(terminals, key=lambda t: (-t.priority, -t.pattern.max_width,
                                            -len(t.pattern.value), t.name))


class FinditerLexer(Lexer):
    """A Lark lexer class (``Lark(..., lexer=FinditerLexer)``)."""

    def __init__(self, conf: Any) -> None:
        terminals = ordered_terminals(conf.terminals)
        self.regex = re.compile("|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})"
                                         for t in terminals), conf.g_regex_flags)
        self.ignore = frozenset(conf.ignore)
        self.newline = frozenset(t.name for t in terminals      # (may match a new line)
                                 if "\n" in t.pattern.to_regexp() or "\\n" in t.pattern.to_regexp())
        self.allowed = {t.name for t in terminals} - self.ignore
        self.terminals_by_name = conf.terminals_by_name

    def lex(self, text: str) -> Iterator[Token]:  # type: ignore[override]   # Lark's interface 0
        ignore, newline = self.ignore, self.newline
        new = str.__new__
        pos = 0
        line = 1
        line_start = 0            # where the current line begins
        for m in self.regex.finditer(text):
            start, end = m.span()
            if start != pos:
                break
            kind = m.lastgroup
            pos = end
            if kind in newline and "\n" in (value := m.group()):
                last = start + value.rindex("\n") + 1        # where the next line begins
                if kind not in ignore:
                    yield _token(new, kind, value, start, line, start - line_start + 1,
                                 line + value.count("\n"), end - last + 1, end)
                line += value.count("\n")
                line_start = last
            elif kind not in ignore:
                col = start - line_start + 1
                yield _token(new, kind, m.group(), start, line, col, line,
                             col + end - start, end)
        if pos != len(text):
            raise UnexpectedCharacters(text, pos, line, pos - line_start + 1,
                                       allowed=self.allowed,
                                       terminals_by_name=self.terminals_by_name)


def _token(new: Any, kind: Any, value: str, start: int, line: int, col: int, end_line: int,
           end_col: int, end: int) -> Token:
    """A Lark Token, made as Token's constructor makes it without its keyword checks."""
    t = new(Token, value)
    t.type = kind
    t.value = value
    t.start_pos = start
    t.line = line
    t.column = col
    t.end_line = end_line
    t.end_column = end_col
    t.end_pos = end
    return t
