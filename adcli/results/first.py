"""The first-order results: eval, grad, jacobian."""
from __future__ import annotations

from typing import Any, ClassVar

from ..render.numbers import Numbers
from .base import DICT, LIST, Result, _base, _cut, _listed, _values


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
        return Eval.columns(g) + [f"df{r + 1}/d{x}" if vector else f"d/d{x}"
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
