"""The result of ``adcli uncertainty``: one object for the CLI, ``--json`` and the API."""
from __future__ import annotations

from typing import Any


class Uncertainty:
    """GUM result and budget, optional second-order term and Monte Carlo run.

    ``value``, ``standard_uncertainty``, ``expanded_uncertainty``, ``coverage_factor``,
    ``coverage_interval``, ``budget`` (sorted by share), ``validated``; ``to_dict()``
    is ``adcli uncertainty --json``.
    """

    command = "uncertainty"

    def __init__(self, g: Any, quantities: list, corr: list, gum: Any, second: Any,
                 mc: Any, check: dict | None, warnings: list):
        self.graph, self.quantities, self.corr = g, quantities, corr
        self.gum, self.second, self.mc, self.check = gum, second, mc, check
        self.warnings = warnings
        self.value = gum.value
        self.standard_uncertainty = gum.u
        self.expanded_uncertainty = gum.expanded
        self.coverage_factor = gum.k
        self.coverage_interval = gum.interval
        self.validated = None if check is None else check["validated"]

    @property
    def budget(self) -> list:
        """One row per uncertain input, largest share of u²(y) first."""
        u2 = self.gum.u ** 2
        rows = []
        for q, c, v in zip(self.quantities, self.gum.sensitivities, self.gum.variance_terms,
                           strict=True):
            if not q.uncertain:
                continue
            rows.append({"variable": q.name, "estimate": q.estimate,
                         "standard_uncertainty": q.u, "sensitivity": c,
                         "contribution": abs(c) * q.u,
                         "percent": 100.0 * v / u2 if u2 > 0 else 0.0})
        rows.sort(key=lambda row: -row["percent"])
        return rows

    @property
    def correlation_terms(self) -> list:
        names = self.graph.names
        return [{"variables": [names[i], names[j]], "coefficient": r, "term": t}
                for i, j, r, t in self.gum.correlation_terms]

    def to_dict(self) -> dict:
        from ..jsonout import common
        out = common(self.command, self.graph, [q.estimate for q in self.quantities])
        out["warnings"] = list(self.warnings)
        out.update(value=self.value, standard_uncertainty=self.standard_uncertainty,
                   expanded_uncertainty=self.expanded_uncertainty,
                   coverage_factor=self.coverage_factor,
                   coverage_interval=list(self.coverage_interval),
                   coverage_probability=self.gum.coverage,
                   effective_degrees_of_freedom=(None if self.gum.dof == float("inf")
                                                 else self.gum.dof),
                   budget=self.budget, correlation_terms=self.correlation_terms)
        out["second_order"] = (None if self.second is None else
                               {"standard_uncertainty": self.second.u, "term": self.second.term})
        mc = self.mc
        out["monte_carlo"] = (None if mc is None else
                              {"mean": mc.mean, "standard_uncertainty": mc.u,
                               "coverage_interval": list(mc.interval), "trials": mc.trials,
                               "failed": mc.failed, "adaptive": mc.adaptive,
                               "interval": "shortest" if mc.shortest else "symmetric"})
        out["validated"] = self.validated
        if self.check is not None:
            out["validation"] = {k: v for k, v in self.check.items() if k != "validated"}
        return out

    def show(self, precision: int | None = None) -> None:
        from .show import print_uncertainty
        print_uncertainty(self, precision)

    def __rich__(self) -> Any:
        from rich.console import Group

        from .show import view
        return Group(*view(self))

    def _repr_html_(self) -> str:
        from io import StringIO

        from rich.console import Console

        from ..tables import print_view
        from .show import view
        c = Console(record=True, file=StringIO(), width=120, highlight=False, soft_wrap=False)
        print_view(view(self), c)
        return c.export_html(inline_styles=True,
                             code_format="<pre style=\"font-family:monospace\">{code}</pre>")

    def __repr__(self) -> str:
        return (f"Uncertainty(value={self.value!r}, "
                f"standard_uncertainty={self.standard_uncertainty!r})")
