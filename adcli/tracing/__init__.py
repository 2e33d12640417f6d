"""Evaluation traces: the primal, tangent and adjoint rows of a formula, with values.

The numbers come from the engine (:func:`~adcli.engine.evaluate`,
:func:`~adcli.engine.linearize`, :func:`~adcli.engine.tangent_sweep`,
:func:`~adcli.engine.adjoint_sweep`); this module only writes down *which*
rule produced each number, from the registry entry's ``rule`` and ``partial_text``
templates:

* tangent  v̇ᵢ = Σⱼ v̇ⱼ·∂vᵢ/∂vⱼ over the active arguments j of row i;
* adjoint  v̄ⱼ = Σᵢ v̄ᵢ·∂vᵢ/∂vⱼ over the children i of node j.

Text comes out in a :class:`Style` (Unicode, ASCII; LaTeX lives with its
renderer), so every format prints the same rules.  All loops run over the
Wengert list; nothing recurses.

Modules: :mod:`.text` (styles, labels, rule templates), :mod:`.model` (rows,
sweeps, :func:`build`), :mod:`.cost` (what each mode costs) and :mod:`.graph`
(the computational graph).
"""
from __future__ import annotations

from .cost import cost, cost_lines
from .graph import GEdge, GNode, graph_model
from .model import SOURCE_CAP, Row, Step, Sweep, Trace, build, shown_rows, source
from .text import NAMED, AsciiStyle, Labels, Style, style_for

__all__ = ["NAMED", "SOURCE_CAP", "AsciiStyle", "GEdge", "GNode", "Labels", "Row", "Step", "Style",
           "Sweep", "Trace", "build", "cost", "cost_lines", "graph_model", "shown_rows", "source",
           "style_for"]
