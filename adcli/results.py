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

from collections.abc import Callable
from typing import Any, ClassVar

from .render.numbers import Numbers


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
        from .jsonout import common
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
        from .render.results import render
        render(self, Numbers(self.digits, precision), console)

    def __rich__(self) -> Any:
        from .render.results import renderable
        return renderable(self, Numbers(self.digits))

    def _repr_html_(self) -> str:
        from .render.results import html
        return html(self, Numbers(self.digits))


def _base(g: Any, point: list, warnings: list) -> dict:
    return {"expression": g.text, "variables": list(g.names), "point": list(point),
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


class Eval(Result):
    command: ClassVar[str] = "eval"
    values: list = LIST                 # one value per output
    vector: bool = False                # written as [f1, f2, ...]

    @property
    def value(self) -> Any:
        return list(self.values) if self.vector else self.values[0]

    def _keys(self, n: Numbers) -> dict:
        return {"value": n.json_list(self.values) if self.vector else n.json(self.values[0])}

    def flat(self) -> list:
        return list(self.values)

    @classmethod
    def columns(cls, g: Any, **fixed: Any) -> list:
        m = len(g.outputs)
        return [f"value{r + 1}" for r in range(m)] if g.vector or m > 1 else ["value"]

    @classmethod
    def spans(cls, g: Any, **fixed: Any) -> dict:
        return {"value": _values(g)}

    @classmethod
    def from_flat(cls, g: Any, point: list, flat: list, warnings: list, **fixed: Any) -> Eval:
        return cls(**_base(g, point, warnings), values=_listed(_cut(flat, _values(g))),
                   vector=g.vector)


class Grad(Result):
    command: ClassVar[str] = "grad"
    mode: str = "reverse"
    value: Any = None
    gradient: list = LIST
    sweeps: int = 0
    operations: dict = DICT

    def _keys(self, n: Numbers) -> dict:
        return {"mode": self.mode, "value": n.json(self.value),
                "gradient": n.json_list(self.gradient), "sweeps": self.sweeps,
                "operations": dict(self.operations), "warnings": list(self.warnings)}

    def flat(self) -> list:
        return [self.value, *self.gradient]

    @classmethod
    def columns(cls, g: Any, **fixed: Any) -> list:
        return ["value"] + [f"d/d{x}" for x in g.names]

    @classmethod
    def spans(cls, g: Any, **fixed: Any) -> dict:
        n = g.n_inputs
        return {"value": (0, 1, ()), "gradient": (1, n, (n,))}

    @classmethod
    def from_flat(cls, g: Any, point: list, flat: list, warnings: list, **fixed: Any) -> Grad:
        parts = {k: _cut(flat, span) for k, span in cls.spans(g).items()}
        return cls(**_base(g, point, warnings), **parts, **fixed)


class Jacobian(Result):
    command: ClassVar[str] = "jacobian"
    mode: str = "forward"
    value: list = LIST
    jacobian: list = LIST               # one row per output
    sweeps: int = 0
    operations: dict = DICT
    mode_reason: str = ""

    def _keys(self, n: Numbers) -> dict:
        out = {"mode": self.mode, "value": n.json_list(self.value),
               "jacobian": n.json_rows(self.jacobian), "sweeps": self.sweeps,
               "operations": dict(self.operations), "warnings": list(self.warnings)}
        if self.mode_reason:
            out["mode_reason"] = self.mode_reason
        return out

    def flat(self) -> list:
        return [*self.value, *(v for row in self.jacobian for v in row)]

    @classmethod
    def columns(cls, g: Any, **fixed: Any) -> list:
        m = len(g.outputs)
        vector = g.vector or m > 1
        return Eval.columns(g) + [f"d{r + 1}/d{x}" if vector else f"d/d{x}"
                                  for r in range(m) for x in g.names]

    @classmethod
    def spans(cls, g: Any, **fixed: Any) -> dict:
        m, n = len(g.outputs), g.n_inputs
        return {"value": (0, m, (m,)), "jacobian": (m, m * n, (m, n))}

    @classmethod
    def from_flat(cls, g: Any, point: list, flat: list, warnings: list,
                  **fixed: Any) -> Jacobian:
        parts = {k: _cut(flat, span) for k, span in cls.spans(g).items()}
        return cls(**_base(g, point, warnings), **parts, **fixed)


class Hessian(Result):
    command: ClassVar[str] = "hessian"
    json_only: ClassVar[tuple] = ("asymmetry",)
    value: Any = None
    gradient: list = LIST
    hessian: list = LIST                # n rows, exactly symmetric
    asymmetry: Any = 0.0                # max |Hᵢⱼ − Hⱼᵢ| as computed
    sweeps: int = 0

    def _keys(self, n: Numbers) -> dict:
        return {"value": n.json(self.value), "gradient": n.json_list(self.gradient),
                "hessian": n.json_rows(self.hessian), "symmetric": True,
                "asymmetry": n.json(self.asymmetry), "method": "forward-over-reverse",
                "sweeps": self.sweeps, "warnings": list(self.warnings)}

    def flat(self) -> list:
        return [self.value, *self.gradient, *(v for row in self.hessian for v in row),
                self.asymmetry]

    @classmethod
    def columns(cls, g: Any, **fixed: Any) -> list:
        names = g.names
        return Grad.columns(g) + [f"d2/d{a}d{b}" for a in names for b in names]

    @classmethod
    def spans(cls, g: Any, **fixed: Any) -> dict:
        n = g.n_inputs
        return {"value": (0, 1, ()), "gradient": (1, n, (n,)),
                "hessian": (1 + n, n * n, (n, n)), "asymmetry": (1 + n + n * n, 1, ())}

    @classmethod
    def from_flat(cls, g: Any, point: list, flat: list, warnings: list,
                  **fixed: Any) -> Hessian:
        parts = {k: _cut(flat, span) for k, span in cls.spans(g).items()}
        return cls(**_base(g, point, warnings), **parts, sweeps=g.n_inputs)


class Directional(Result):
    """jvp (J·v), vjp (wᵀ·J) and hvp (H·v): the values, the product and what it cost."""

    kind: str = "jvp"                   # jvp, vjp or hvp
    vector: bool = False                # the formula is [f1, f2, ...]
    seed: list = LIST                   # the direction v or the cotangent w
    values: list = LIST                 # one value per output
    product: list = LIST                # J·v (per output), wᵀ·J or H·v (per input)
    gradient: list = LIST               # hvp only
    sweeps: int = 1

    @property
    def command(self) -> str:  # type: ignore[override]
        return self.kind

    @property
    def value(self) -> Any:
        """The value, as the JSON has it: a list for a formula [f1, f2, ...]."""
        return list(self.values) if self.vector and self.kind != "hvp" else self.values[0]

    @property
    def jvp(self) -> Any:
        return list(self.product) if self.vector else self.product[0]

    @property
    def vjp(self) -> list:
        return list(self.product)

    @property
    def hvp(self) -> list:
        return list(self.product)

    @property
    def direction(self) -> list:
        return list(self.seed)

    @property
    def cotangent(self) -> list:
        return list(self.seed)

    def _keys(self, n: Numbers) -> dict:
        seed = n.json_list(self.seed)
        value = n.json_list(self.values) if self.vector else n.json(self.values[0])
        if self.kind == "jvp":
            jvp = n.json_list(self.product) if self.vector else n.json(self.product[0])
            return {"direction": seed, "value": value, "jvp": jvp, "sweeps": self.sweeps,
                    "warnings": list(self.warnings)}
        if self.kind == "vjp":
            return {"cotangent": seed, "value": value, "vjp": n.json_list(self.product),
                    "sweeps": self.sweeps, "warnings": list(self.warnings)}
        return {"direction": seed, "value": n.json(self.values[0]),
                "gradient": n.json_list(self.gradient), "hvp": n.json_list(self.product),
                "sweeps": self.sweeps, "warnings": list(self.warnings)}

    def flat(self) -> list:
        if self.kind == "hvp":
            return [*self.values, *self.gradient, *self.product]
        return [*self.values, *self.product]

    @classmethod
    def columns(cls, g: Any, **fixed: Any) -> list:
        kind = fixed["kind"]
        values = Eval.columns(g)
        names = g.names
        if kind == "jvp":
            vector = g.vector or len(g.outputs) > 1
            return values + ([f"jvp{r + 1}" for r in range(len(g.outputs))] if vector
                             else ["jvp"])
        if kind == "vjp":
            return values + [f"vjp/{x}" for x in names]
        return values + [f"d/d{x}" for x in names] + [f"hvp/{x}" for x in names]

    @classmethod
    def spans(cls, g: Any, **fixed: Any) -> dict:
        kind, m, n = fixed["kind"], len(g.outputs), g.n_inputs
        if kind == "jvp":
            values = _values(g)
            return {"value": values, "jvp": (m, m, values[2])}
        if kind == "vjp":
            return {"value": _values(g), "vjp": (m, n, (n,))}
        return {"value": (0, 1, ()), "gradient": (1, n, (n,)), "hvp": (1 + n, n, (n,))}

    @classmethod
    def from_flat(cls, g: Any, point: list, flat: list, warnings: list,
                  **fixed: Any) -> Directional:
        kind = fixed["kind"]
        parts = {k: _cut(flat, span) for k, span in cls.spans(g, kind=kind).items()}
        return cls(**_base(g, point, warnings), kind=kind, vector=g.vector,
                   seed=list(fixed["seed"]), values=_listed(parts["value"]),
                   product=_listed(parts[kind]), gradient=parts.get("gradient", []))


class Derivatives(Result):
    command: ClassVar[str] = "derivative"
    order: int = 1
    direction: list | None = None
    value: Any = None
    derivatives: list = LIST            # f, f′, …, f⁽ᵏ⁾

    def _keys(self, n: Numbers) -> dict:
        keys: dict = {}
        if self.direction is not None:
            keys["direction"] = n.json_list(self.direction)
        keys.update(order=self.order, value=n.json(self.value),
                    derivatives=n.json_list(self.derivatives), warnings=list(self.warnings))
        return keys

    def flat(self) -> list:
        return list(self.derivatives)

    @classmethod
    def columns(cls, g: Any, **fixed: Any) -> list:
        return ["value"] + [f"d{k}" for k in range(1, fixed["order"] + 1)]

    @classmethod
    def spans(cls, g: Any, **fixed: Any) -> dict:
        k = fixed["order"]
        return {"value": (0, 1, ()), "derivatives": (0, k + 1, (k + 1,))}

    @classmethod
    def from_flat(cls, g: Any, point: list, flat: list, warnings: list,
                  **fixed: Any) -> Derivatives:
        ds = _cut(flat, cls.spans(g, **fixed)["derivatives"])
        return cls(**_base(g, point, warnings), order=fixed["order"],
                   direction=fixed.get("direction"), value=ds[0], derivatives=ds)


#: The result kind of each command.
KINDS: dict = {"eval": Eval, "grad": Grad, "jacobian": Jacobian, "hessian": Hessian,
               "jvp": Directional, "vjp": Directional, "hvp": Directional,
               "derivative": Derivatives}
