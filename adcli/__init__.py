"""adcli: derivatives and automatic-differentiation traces from the shell and from Python.

``import adcli`` is light: the functions below load on first use (PEP 562).

    adcli.evaluate, grad, jacobian, hessian, jvp, vjp, hvp, derivative, trace, check,
    uncertainty
    adcli.Formula      a formula parsed once
    adcli.AdcliError   what every function raises, with the CLI's messages
"""
from __future__ import annotations

from typing import Any

from ._version import __version__ as __version__

_API = ("Formula", "check", "derivative", "evaluate", "grad", "hessian", "hvp", "jacobian", "jvp",
        "trace", "uncertainty", "vjp")
_ERRORS = ("AdcliError", "EvalError", "ParseError", "PointError", "UsageError")
__all__ = ["AdcliError", "EvalError", "Formula", "ParseError", "PointError", "UsageError",
           "__version__", "check", "derivative", "evaluate", "grad", "hessian", "hvp",
           "jacobian", "jvp", "trace", "uncertainty", "vjp"]


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api
        return getattr(api, name)
    if name in _ERRORS:
        from . import errors
        return getattr(errors, name)
    raise AttributeError(f"module 'adcli' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
