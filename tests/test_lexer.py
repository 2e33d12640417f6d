"""adcli's finditer lexer gives the tokens Lark's own basic lexer gives (issue 11, item 3)."""
from __future__ import annotations

import pytest

from adcli import parser as P
from adcli.errors import ParseError
from adcli.functions import REGISTRY

CORPUS = [
    "x",
    "x1*exp(-(x1^2+x2^2)/2)",
    "ln(x1) + x1*x2 - sin(x2)",
    "2^-1 + 2**3**2 - -x",
    "1.5e-3*x + .5 - 3. + 1E+10 + 7e2",
    "a − b × c · d ÷ e",
    "f(x, y) = x*y\n[x, y]",
    "a = 2*x   # a comment\r\nb = a^2 \\\n  + 1;  c = b\n\n[a, b, c]\n",
    "# only a comment\nx",
    "\tx\f+\ty",
    "atan2(y, x) + hypot(x,y) + min(x, max(y, 0))",
    "pi*e + x_1 + _y2",
    "x + $",            # an unexpected character: both raise at the same place
    "x\n+ @y",
    "((((x))))",
]
CORPUS += [f.call.format("x", "y") for f in REGISTRY.values()]
CORPUS += [t.format("x", "y", out="z") for f in REGISTRY.values() for t in f.partial_twin]


def _lark_basic():
    from lark import Lark
    return Lark(P._grammar_text(), parser="lalr", lexer="basic")


def _tokens(tokens) -> list:
    return [(t.type, str(t), t.start_pos, t.end_pos, t.line, t.column, t.end_line,
             t.end_column) for t in tokens]


def _lex(lex, text: str):
    from lark.exceptions import UnexpectedCharacters
    try:
        return _tokens(lex(text))
    except UnexpectedCharacters as e:
        return ("error", e.pos_in_stream, e.line, e.column)


@pytest.mark.parametrize("text", CORPUS)
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_same_tokens_as_larks_basic_lexer(text):
    from adcli.lexer import FinditerLexer
    basic = _lark_basic()
    ours = FinditerLexer(basic.lexer_conf)
    want = _lex(lambda s: list(basic.lex(s)), text)
    got = _lex(lambda s: list(ours.lex(s)), text)
    assert got == want


def test_the_parser_uses_it():
    from adcli.lexer import FinditerLexer
    P.parse("x")
    assert isinstance(P._parser().parser.lexer.lexer, FinditerLexer)


def test_unexpected_character_message():
    with pytest.raises(ParseError, match=r"unexpected character '\$' \(column 5\)"):
        P.parse("x + $")
    with pytest.raises(ParseError, match=r"line 2, column 3"):
        P.parse("x \\\n+ @y")
