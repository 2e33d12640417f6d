"""The one exception type users see, and its kinds.

Every problem with the user's input ends as an :class:`AdcliError`; the CLI
prints its message (never a traceback) and exits with its ``exit_code``.
"""
from __future__ import annotations


class AdcliError(Exception):
    """A user-facing error.

    ``kind`` goes into JSON as ``error.type``; ``exit_code`` is 2 for usage,
    parse and point errors and 1 for evaluation errors.  ``column``/``line``
    locate a parse error in the formula, ``row`` names the trace row of an
    evaluation error.
    """

    kind = "error"
    exit_code = 1

    def __init__(self, message: str, *, detail: str = "", column: int | None = None,
                 line: int | None = None, row: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # extra lines for humans (e.g. the caret picture)
        self.column = column
        self.line = line
        self.row = row

    def to_json(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {"type": self.kind, "message": self.message}
        if self.line is not None:
            out["line"] = self.line
        if self.column is not None:
            out["column"] = self.column
        if self.row is not None:
            out["row"] = self.row
        return out


class UsageError(AdcliError):
    kind = "usage"
    exit_code = 2


class ParseError(AdcliError):
    kind = "parse"
    exit_code = 2


class PointError(AdcliError):
    kind = "point"
    exit_code = 2


class EvalError(AdcliError):
    """Domain error, overflow or a non-finite derivative, at a named trace row."""

    kind = "evaluation"
    exit_code = 1


def line_column(text: str, pos: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[pos]`` (Lark's numbering too)."""
    return text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)


def caret(text: str, pos: int) -> tuple[int, int, str]:
    """Line, column (1-based) and a two-line picture pointing at ``pos`` in ``text``."""
    pos = max(0, min(pos, len(text)))
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    if end < 0:
        end = len(text)
    line_no, col = line_column(text, pos)
    src = text[start:end]
    # Long lines (100,000-node formulas) are windowed around the column.
    lo = 0
    if len(src) > 100:
        lo = max(0, col - 1 - 50)
        src = ("…" if lo else "") + src[lo:lo + 100] + ("…" if lo + 100 < len(src) else "")
        pad = col - 1 - lo + (1 if lo else 0)
    else:
        pad = col - 1
    src = src.replace("\t", " ")
    return line_no, col, f"  {src}\n  {' ' * pad}^"
