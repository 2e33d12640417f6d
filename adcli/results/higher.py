"""The higher-order and directional results: hessian, jvp, vjp, hvp, derivative."""
from __future__ import annotations

from typing import Any, ClassVar

from ..render.numbers import Numbers
from .base import LIST, Result, _base, _cut, _listed, _values
from .first import Eval, Grad


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
