"""What every result kind shares: fields, JSON's common keys, the flat layout's
protocol, rendering.  See :mod:`adcli.results`."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from ..render.numbers import Numbers


class _Fresh:
    """The default of a field that starts as a new empty list (dict) in each result."""

    def __init__(self, make: Callable[[], Any]):
        self.make = make

    def __repr__(self) -> str:
        return repr(self.make())


LIST: Any = _Fresh(list)
DICT: Any = _Fresh(dict)


class Result:
    """What every result carries.

    The fields are the class annotations (not ClassVar) with their class-level
    defaults; ``LIST`` and ``DICT`` give each result its own empty list or dict.
    Written out rather than as dataclasses, which would cost every command's
    start-up a few milliseconds.
    """

    command: ClassVar[str] = ""
    #: Names of further flat numbers that JSON carries and CSV does not.
    json_only: ClassVar[tuple] = ()

    expression: str
    variables: list
    point: list
    warnings: list = LIST
    digits: int | None = None
    graph: Any = None                       # the parsed formula (not compared, not shown)

    def __init__(self, expression: str, variables: list, point: list, **fields: Any):
        self.expression, self.variables, self.point = expression, variables, point
        names = self._fields()
        for name, v in fields.items():
            if name not in names:
                raise TypeError(f"{type(self).__name__} has no field {name!r}")
            setattr(self, name, v)
        for name in names:
            default = getattr(type(self), name, None)
            if name not in fields and isinstance(default, _Fresh):
                setattr(self, name, default.make())

    @classmethod
    def _fields(cls) -> tuple:
        """The field names, base class first (cached per class)."""
        cached = cls.__dict__.get("_names")
        if cached is None:
            import inspect
            names: dict = {}
            for klass in reversed(cls.__mro__):
                for name, kind in inspect.get_annotations(klass).items():
                    if "ClassVar" not in str(kind):
                        names[name] = True
            cached = tuple(names)
            cls._names = cached  # type: ignore[attr-defined]
        return cached

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields() if n != "graph")
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._fields() if n != "graph")

    __hash__ = None  # type: ignore[assignment]

    # -- JSON ---------------------------------------------------------------------
    @property
    def numbers(self) -> Numbers:
        return Numbers(self.digits)

    def _common(self) -> dict:
        from ..jsonout import common
        out = common(self.command, self.graph, self.numbers.json_list(self.point))
        if self.digits is not None:
            out["digits"] = self.digits
        return out

    def to_dict(self) -> dict:
        """The CLI's ``--json`` object."""
        out = self._common()
        out.update(self._keys(self.numbers))
        return out

    def _keys(self, n: Numbers) -> dict:
        raise NotImplementedError

    # -- the flat layout of --points ---------------------------------------------------
    def flat(self) -> list:
        raise NotImplementedError

    @classmethod
    def columns(cls, g: Any, **fixed: Any) -> list:
        """The CSV names of the flat numbers (without ``json_only``)."""
        raise NotImplementedError

    @classmethod
    def spans(cls, g: Any, **fixed: Any) -> dict:
        """Where each array of the result is in the flat numbers:
        name -> (start, count, shape of one point's part)."""
        raise NotImplementedError

    @classmethod
    def from_flat(cls, g: Any, point: list, flat: list, warnings: list, **fixed: Any) -> Result:
        """The result of one point from its flat numbers (``fixed``: what every point shares)."""
        raise NotImplementedError

    # -- rendering ------------------------------------------------------------------
    def show(self, precision: int | None = None, console: Any = None) -> None:
        """Print the CLI's table (to ``console``, default the terminal)."""
        from ..render.results import render
        render(self, Numbers(self.digits, precision), console)

    def __rich__(self) -> Any:
        from ..render.results import renderable
        return renderable(self, Numbers(self.digits))

    def _repr_html_(self) -> str:
        from ..render.results import html
        return html(self, Numbers(self.digits))


def _base(g: Any, point: list, warnings: list) -> dict:
    return {"expression": g.expression, "variables": list(g.names), "point": list(point),
            "warnings": list(warnings), "graph": g}


def _cut(flat: list, span: tuple) -> Any:
    """One part of the flat numbers: a number, a list or a list of rows."""
    start, count, shape = span
    part = list(flat[start:start + count])
    if not shape:
        return part[0]
    if len(shape) == 1:
        return part
    cols = shape[1]
    return [part[r * cols:(r + 1) * cols] for r in range(shape[0])]


def _listed(v: Any) -> list:
    return v if isinstance(v, list) else [v]


def _values(g: Any) -> tuple:
    """The span of the values: one per output, a list when the formula is [f1, ...]."""
    m = len(g.outputs)
    return (0, m, (m,) if g.vector or m > 1 else ())
