"""The lexer Lark's LALR parser reads adcli's formulas with: one ``finditer`` over the text.

Lark's own basic lexer matches token by token (a regex match, a line counter and a Token per
step, ~3 µs a token); this one runs one compiled alternation of the grammar's terminals over
the whole text, in the order Lark's basic lexer tries them (priority, then longest possible
match, then pattern length, then name), so both give the same tokens (tests/test_lexer.py
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

from .errors import line_column


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
        self.allowed = {t.name for t in terminals} - self.ignore
        self.terminals_by_name = conf.terminals_by_name

    def lex(self, text: str) -> Iterator[Token]:  # type: ignore[override]   # Lark's interface 0
        ignore = self.ignore
        cls = _token_class(text)
        new = str.__new__
        pos = 0
        for m in self.regex.finditer(text):
            start, end = m.span()
            if start != pos:
                break
            pos = end
            kind = m.lastgroup
            if kind not in ignore:
                t: Any = new(cls, value := m.group())   # Token's constructor, minus checks
                t.type = kind
                t.value = value
                t.start_pos = start
                t.end_pos = end
                yield t
        if pos != len(text):
            line, col = line_column(text, pos)
            raise UnexpectedCharacters(text, pos, line, col, allowed=self.allowed,
                                       terminals_by_name=self.terminals_by_name)


def _token_class(text: str) -> type:
    """A Token class for one text, whose tokens compute their line and column from it when
    asked (error messages, tests) rather than each keeping four more numbers: the 2·10⁶
    tokens of a 10⁶-term sum take 1.36 s to make, not 1.70 s."""
    def line(t: Any) -> int:
        return line_column(text, t.start_pos)[0]

    def column(t: Any) -> int:
        return line_column(text, t.start_pos)[1]

    def end_line(t: Any) -> int:
        return line_column(text, t.end_pos)[0]

    def end_column(t: Any) -> int:
        return line_column(text, t.end_pos)[1]

    return type("Token", (Token,), {"__slots__": (), "line": property(line),
                                    "column": property(column),
                                    "end_line": property(end_line),
                                    "end_column": property(end_column)})
