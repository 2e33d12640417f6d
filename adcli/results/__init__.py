"""Typed results: one class per kind of answer, each stating its JSON keys once.

``to_dict()`` is the object ``--json`` prints (and, per point, each JSON Lines
record of ``--points``); under ``--digits`` its numbers are N-digit strings.
Each kind also knows its flat layout for ``--points``: :meth:`Result.flat`
(the numbers of one point in a fixed order), :meth:`Result.columns` (their CSV
names) and :meth:`Result.from_flat` (back from the flat numbers), so batch rows
and single points are written by the same ``to_dict``.

Results render themselves as the CLI's tables: :meth:`Result.show` prints to
the terminal, ``__rich__`` and ``_repr_html_`` serve Rich and Jupyter.
"""
from __future__ import annotations

from .base import DICT, LIST, Result
from .first import Eval, Grad, Jacobian
from .higher import Derivatives, Directional, Hessian

__all__ = ["DICT", "KINDS", "LIST", "Derivatives", "Directional", "Eval", "Grad", "Hessian",
           "Jacobian", "Result"]

#: The result kind of each command.
KINDS: dict = {"eval": Eval, "grad": Grad, "jacobian": Jacobian, "hessian": Hessian,
               "jvp": Directional, "vjp": Directional, "hvp": Directional,
               "derivative": Derivatives}
