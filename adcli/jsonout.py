"""Strict JSON (RFC 8259) output: no NaN, no Infinity, one object per run."""
from __future__ import annotations

import json
import sys


def dumps(payload: dict) -> str:
    return json.dumps(payload, allow_nan=False, ensure_ascii=False)


def emit(payload: dict) -> None:
    sys.stdout.write(dumps(payload) + "\n")


def emit_error(error_json: dict) -> None:
    emit({"error": error_json})


def common(command: str, g, point) -> dict:
    """The keys every command's JSON carries."""
    return {"command": command, "expression": g.expression, "variables": list(g.names),
            "point": list(point)}
