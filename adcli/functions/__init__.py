"""The function registry: one :class:`Function` entry per function, the single source of truth.

Every backend (:mod:`adcli.backends`), the parser, the trace, the LaTeX renderer,
SymPy's column of ``check`` and the registry test take their functions from here, so
adding a function means adding one entry to one of the modules below.  Importing the
registry is cheap: no NumPy, SciPy, mpmath or SymPy.
"""
from __future__ import annotations

from . import arithmetic, explog, hyperbolic, piecewise, special, trig
from .entry import Function

__all__ = ["ALIASES", "CONSTANTS", "FUNCTIONS", "OPS", "REGISTRY", "Function"]

#: Every entry, by name, in a fixed order (operators first).
REGISTRY: dict[str, Function] = {
    f.name: f for mod in (arithmetic, trig, hyperbolic, explog, piecewise, special)
    for f in mod.ENTRIES
}

#: The old op table's name for the registry.
OPS = REGISTRY

#: Other spellings a formula may use.
ALIASES: dict[str, str] = {"ln": "log"}

#: Names a formula may call, aliases included.  Operators are not callable by name
#: except ``pow``.
FUNCTIONS: dict[str, Function] = {
    name: f for name, f in REGISTRY.items() if not f.infix or name == "pow"
}
FUNCTIONS.update({alias: REGISTRY[name] for alias, name in ALIASES.items()})

#: Named constants.
CONSTANTS: dict[str, float] = {"pi": 3.141592653589793, "e": 2.718281828459045}
