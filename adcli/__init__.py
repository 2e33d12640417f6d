"""adcli: derivatives and automatic-differentiation traces from the shell and from Python.

``import adcli`` is light: the functions below load on first use (PEP 562).

    adcli.evaluate, grad, jacobian, hessian, jvp, vjp, hvp, derivative, trace, check
    adcli.Formula      a formula parsed once
    adcli.AdcliError   what every function raises, with the CLI's messages
"""
from __future__ import annotations

import sys as _sys
import types as _types
from typing import Any

__version__ = "0.1.0"

_API = ("Formula", "derivative", "evaluate", "grad", "hessian", "hvp", "jacobian", "jvp", "vjp")
_ERRORS = ("AdcliError", "EvalError", "ParseError", "PointError", "UsageError")
__all__ = ["AdcliError", "EvalError", "Formula", "ParseError", "PointError", "UsageError",
           "__version__", "check", "derivative", "evaluate", "grad", "hessian", "hvp",
           "jacobian", "jvp", "trace", "vjp"]


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


def _both(name: str) -> Any:
    from .api import submodule_or_function
    return submodule_or_function(name)


class _Package(_types.ModuleType):
    """The type of the ``adcli`` module: ``adcli.check`` and ``adcli.trace`` are the
    submodules of those names, made callable as the API functions, whichever is
    imported first (the import system's own ``setattr`` of the submodule is a no-op)."""

    @property
    def check(self) -> Any:
        return _both("check")

    @check.setter
    def check(self, module: Any) -> None:
        pass

    @property
    def trace(self) -> Any:
        return _both("trace")

    @trace.setter
    def trace(self, module: Any) -> None:
        pass


_sys.modules[__name__].__class__ = _Package
