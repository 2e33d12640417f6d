"""Syntax errors as a student reads them: what was found, what could come instead, and for a
product written without '*' (``2x``, ``3(x+1)``) where the '*' goes, at a caret."""
from __future__ import annotations

from .errors import ParseError, caret

_TOKEN_NAMES = {
    "NUMBER": "a number", "NAME": "a name", "POW": "'^'", "STAR": "'*'", "SLASH": "'/'",
    "PLUS": "'+'", "MINUS": "'-'", "LPAR": "'('", "RPAR": "')'", "LSQB": "'['",
    "RSQB": "']'", "COMMA": "','", "EQUAL": "'='",
    "AUGMENTED": "'+=' (or -=, *=, /=, ^=)", "SEMI": "';'", "NEWLINE": "a new line",
    "$END": "the end of the formula",
}


def syntax_error(text: str, exc) -> ParseError:
    """The ParseError for Lark's ``exc`` on ``text`` (message, line/column, caret)."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else ""
        msg = f"unexpected character {ch!r}"
    elif isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            pos = len(text.rstrip())
            msg = "the formula ends too early"
        else:
            pos = tok.start_pos if tok.start_pos is not None else len(text)
            if tok.type in ("NUMBER", "NAME"):       # "unexpected name 'y'"
                msg = f"unexpected {_TOKEN_NAMES[tok.type][2:]} {str(tok)!r}"
            else:
                msg = f"unexpected {_TOKEN_NAMES.get(tok.type, repr(str(tok)))}"
        implicit = _implicit_product(text, tok) if tok.type != "$END" else None
        expected = sorted({_TOKEN_NAMES.get(t, t) for t in exc.expected
                           if not t.startswith("_") and t in _TOKEN_NAMES})
        if implicit:
            msg = implicit
        elif expected:
            msg += "; expected " + ", ".join(expected)
    elif isinstance(exc, UnexpectedEOF):
        pos, msg = len(text), "the formula ends too early"
    else:
        pos, msg = 0, str(exc)
    line, col, pic = caret(text, pos)
    where = f"line {line}, column {col}" if "\n" in text.strip() else f"column {col}"
    return ParseError(f"{msg} ({where})", detail=pic, column=col, line=line)


_BEFORE = None


def _implicit_product(text: str, tok) -> str | None:
    """"2x", "3(x+1)", "(a)(b)": a product written without '*' (the message says how)."""
    import re
    global _BEFORE
    if tok.type not in ("NAME", "NUMBER", "LPAR") or tok.start_pos is None:
        return None
    if _BEFORE is None:
        _BEFORE = re.compile(r"((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|\))[ \t]*\Z")
    left = _BEFORE.search(text[:tok.start_pos])
    if left is None:
        return None
    right = "(" if tok.type == "LPAR" else str(tok)
    a = left.group(1)
    if a == ")" or right == "(":
        return (f"a product needs '*': put '*' between '{a}' and '{right}' "
                "(implicit multiplication is not supported)")
    return f"a product needs '*': write {a}*{right} (implicit multiplication is not supported)"
