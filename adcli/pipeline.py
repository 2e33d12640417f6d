"""One command pipeline: request -> backend -> typed result.

A :class:`Request` names the command (eval, grad, jacobian, hessian, jvp, vjp,
hvp, derivative), the parsed formula, the point and the options.  The backend
follows from the options:

* float64 at one point (:func:`run`): the engines of :mod:`adcli.engine` and
  :mod:`adcli.higher` over :class:`~adcli.backends.floats.FloatMath`;
* mpmath at N digits (``digits=N``): the same engines over
  :func:`adcli.backends.mpmath.namespace`, dual numbers over it for hessian and hvp;
* NumPy over many points (:func:`stream` for the CLI's ``--points``,
  :func:`adcli.arrays.run_many` for arrays): the sweeps compiled by :mod:`adcli.batch`,
  each point it flags recomputed by :func:`compute`.

Whatever the backend, the answer is one of the result kinds of
:mod:`adcli.results`; rendering is someone else's business.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from .errors import UsageError
from .results import (
    KINDS,
    Derivatives,
    Directional,
    Eval,
    Grad,
    Hessian,
    Jacobian,
    Result,
)

#: Commands whose sweeps compile to NumPy for many points; the others run
#: the float engine point by point (still streamed, same rows and formats).
VECTORIZED = ("eval", "grad", "jacobian", "hessian")
#: Commands that need a scalar formula.
SCALAR_ONLY = ("grad", "hessian", "hvp", "derivative")


class Request:
    """What to compute: the command, the parsed formula, the point and the options."""

    def __init__(self, command: str, graph: Any, at: Any = None, *, mode: str = "reverse",
                 digits: int | None = None, direction: Any = None, cotangent: Any = None,
                 order: int = 1, compiled: bool = False):
        self.command, self.graph = command, graph
        self.at = at                    # "x1=2,x2=0.5", a sequence in input order, a dict
        self.mode = mode                # grad: forward|reverse; jacobian: auto|forward|reverse
        self.digits = digits
        self.direction = direction      # jvp, hvp, derivative
        self.cotangent = cotangent      # vjp
        self.order = order              # derivative
        self.compiled = compiled        # --points --compile: the C kernel (batch.compiled)

    def __repr__(self) -> str:
        return f"Request({self.command!r}, {self.graph.text!r}, at={self.at!r})"


# -- checks that hold whatever the backend --------------------------------------------------
def check(req: Request) -> Request:
    """Usage errors of the request itself; returns it with jacobian's auto mode chosen."""
    g = req.graph
    if len(g.outputs) > 1 and req.command in SCALAR_ONLY:
        if req.command == "grad":
            raise UsageError(f"the formula has {len(g.outputs)} outputs; a gradient needs one. "
                             "Use 'adcli jacobian' for vector-valued formulas.")
        raise UsageError(f"the formula has {len(g.outputs)} outputs; '{req.command}' needs a "
                         "scalar formula. Differentiate one output at a time.")
    if req.command == "derivative":
        from .higher import MAX_NESTED_ORDER
        if req.digits is not None and req.order > MAX_NESTED_ORDER:
            raise UsageError(f"--digits takes 'derivative' up to --order {MAX_NESTED_ORDER}: "
                             "at N digits the derivatives come from nested dual numbers, "
                             "whose cost doubles with each order (float64 Taylor mode, "
                             "without --digits, takes any order)")
        if req.direction is None and len(g.names) > 1:
            raise UsageError(f"'derivative' needs a one-variable formula, and this one has "
                             f"{len(g.names)} ({', '.join(g.names)}). Give --direction to "
                             "differentiate along a line, or use 'adcli hessian'.")
    return req


def jacobian_mode(g: Any, mode: str) -> tuple:
    """(mode, reason): auto picks forward when inputs ≤ outputs, and says why."""
    if mode != "auto":
        return mode, ""
    n, m = g.n_inputs, len(g.outputs)
    chosen = "forward" if n <= m else "reverse"
    return chosen, (f"auto mode chose {chosen}: {n} input{'s' if n != 1 else ''} "
                    f"{'≤' if n <= m else '>'} {m} output{'s' if m != 1 else ''}")


# -- points and vectors ---------------------------------------------------------------------
def as_text(values: Any) -> str:
    """A point given in Python (a sequence, a dict by name, or the CLI's text) as the
    CLI's text, so that it is read, checked and reported exactly as ``--at`` is."""
    if values is None or isinstance(values, str):
        return values or ""
    if isinstance(values, Mapping):
        return ",".join(f"{k}={_one(v)}" for k, v in values.items())
    if hasattr(values, "tolist"):   # a NumPy array
        values = values.tolist()
    return ",".join(_one(v) for v in values)


def _one(v: Any) -> str:
    if isinstance(v, str):
        return f"({v})"
    if hasattr(v, "_mpf_"):
        import mpmath
        return mpmath.nstr(v, mpmath.mp.dps, min_fixed=1, max_fixed=0)
    return repr(float(v))


def read_point(values: Any, names: list, digits: int | None,
               option: str = "--at") -> list:
    """The values of ``names``: float64, or mpmath numbers at the working precision."""
    text = as_text(values)
    if digits is None:
        from .point import parse_point
        return parse_point(text, names, option)
    from .backends.mpmath import point_values
    return point_values(text, names, option)


def seed(req: Request, option: str) -> list:
    """The direction v (over the inputs) or the cotangent w (over the outputs)."""
    from .tables import output_label
    g = req.graph
    given = req.direction if option == "--direction" else req.cotangent
    if option == "--cotangent":
        names = [output_label(g, r) for r in range(len(g.outputs))]
        if given is None and len(names) == 1:
            return [1.0]
        what = "the cotangent w"
    else:
        names, what = g.names, "the direction v"
    if not names:
        raise UsageError(f"the formula has no variables: there is nothing to differentiate "
                         f"and nothing for {option} to give values for")
    if given is None:
        example = ",".join("1" if k == 0 else "0" for k in range(len(names)))
        raise UsageError(f"missing {what}: give {option} with one value for each of "
                         f"{', '.join(names)}, e.g. {option} {example}")
    return read_point(given, names, req.digits, option)


def fixed(req: Request) -> dict:
    """What every point of a request shares: the keys of its result besides the
    point's numbers (mode, sweeps and operations; the direction; the order)."""
    g, cmd = req.graph, req.command
    if cmd in ("grad", "jacobian"):
        mode, reason = jacobian_mode(g, req.mode)
        sweeps = g.n_inputs if mode == "forward" else len(g.outputs)
        active = sum(1 for i in range(g.first_op, g.n_nodes) if g.active[i])
        out = {"mode": mode, "sweeps": sweeps,
               "operations": {"primal": g.n_ops, "derivative": sweeps * active}}
        if cmd == "jacobian":
            out["mode_reason"] = reason
        return out
    if cmd in ("jvp", "hvp"):
        return {"kind": cmd, "seed": seed(req, "--direction")}
    if cmd == "vjp":
        return {"kind": cmd, "seed": seed(req, "--cotangent")}
    if cmd == "derivative":
        v = seed(req, "--direction") if req.direction is not None else None
        return {"order": req.order, "direction": v}
    return {}


# -- one point -------------------------------------------------------------------------------
@contextlib.contextmanager
def working(digits: int | None) -> Iterator[None]:
    """mpmath at the request's working precision (nothing to do for float64)."""
    if digits is None:
        yield
        return
    from .backends.mpmath import working_precision
    with working_precision(digits):     # one thread at a time: mpmath's precision is global
        yield


def need_at(g: Any, at: Any) -> None:
    if at is None and g.names:
        raise UsageError(f"Missing option '--at': give the point ({','.join(g.names)}) "
                         "with --at, or many points with --points FILE")


def run(req: Request) -> Result:
    """The result of ``req`` at its point (``req.at``, else a formula file's ``# at:``)."""
    check(req)
    g = req.graph
    at = req.at if req.at is not None else g.default_at
    need_at(g, at)
    with working(req.digits):
        point = read_point(at, g.names, req.digits)
        keys = fixed(req)
        return compute(req, point, keys)


def compute(req: Request, point: list, keys: dict) -> Result:
    """The backend at one point already read (in the request's precision)."""
    from . import engine
    g, digits = req.graph, req.digits
    m = None
    if digits is not None:
        from .backends.mpmath import namespace
        m = namespace(g)
    base = {"expression": g.expression, "variables": list(g.names), "point": list(point),
            "digits": digits, "graph": g}
    cmd = req.command
    if cmd == "eval":
        vals = engine.evaluate(g, point, m) if m is not None else engine.evaluate(g, point)
        return Eval(**base, values=[vals[o] for o in g.outputs], vector=g.vector)
    if cmd in ("grad", "jacobian"):
        res = engine.differentiate(g, point, keys["mode"], m)
        if cmd == "grad":
            return Grad(**base, warnings=res.warnings, mode=res.mode, value=res.value[0],
                        gradient=res.derivative[0], sweeps=res.sweeps,
                        operations=res.operations)
        return Jacobian(**base, warnings=res.warnings, mode=res.mode, value=res.value,
                        jacobian=res.derivative, sweeps=res.sweeps, operations=res.operations,
                        mode_reason=keys["mode_reason"])
    from . import higher  # dual numbers and Taylor series: only for these commands
    if cmd == "hessian":
        h = higher.hessian(g, point, m)
        return Hessian(**base, warnings=h.warnings, value=h.value, gradient=h.gradient,
                       hessian=h.hessian, asymmetry=h.asymmetry, sweeps=h.sweeps)
    if cmd in ("jvp", "vjp", "hvp"):
        fn = {"jvp": higher.jvp, "vjp": higher.vjp, "hvp": higher.hvp}[cmd]
        d = fn(g, point, keys["seed"], m)
        return Directional(**base, warnings=d.warnings, kind=cmd, vector=g.vector,
                           seed=list(keys["seed"]), values=d.value, product=d.product,
                           gradient=d.gradient, sweeps=d.sweeps)
    if cmd == "derivative":
        t = higher.derivatives(g, point, req.order, keys["direction"], m)
        return Derivatives(**base, warnings=t.warnings, order=req.order,
                           direction=keys["direction"], value=t.value,
                           derivatives=t.derivatives)
    raise ValueError(cmd)


# -- many points -------------------------------------------------------------------------------
def layout(req: Request, keys: dict) -> Any:
    """How each point's results are written: the kind's CSV columns and JSON object."""
    from .batch import Layout
    g, kind = req.graph, KINDS[req.command]

    def make(point: list, flat: list, warnings: list) -> dict:
        return kind.from_flat(g, point, flat, warnings, **keys).to_dict()
    return Layout(kind.columns(g, **keys), make, list(kind.json_only))


def _single(req: Request, keys: dict) -> Any:
    def one(point: list) -> tuple:
        res = compute(req, point, keys)
        return res.flat(), res.warnings
    return one


def _batch() -> Any:
    try:
        from . import batch
    except ImportError:
        raise UsageError("--points needs NumPy, a dependency of adcli that is missing here: "
                         "pip install numpy") from None
    return batch


def stream(req: Request, source: str, *, as_json: bool = False, input_format: str = "auto",
           on_error: str = "fail", out: Any = None, err: Any = None,
           out_file: str | None = None, dask: str | None = None) -> dict:
    """``--points``: every point of ``source`` through ``req``, streamed to ``out``
    (stdout) as CSV or JSON Lines (one record per point, the kind's ``to_dict``),
    or to ``out_file``; with ``dask``, on a Dask cluster (:mod:`adcli.batch.on_dask`)."""
    check(req)
    if req.digits is not None:
        raise UsageError("--digits works on single points (--at); --points is float64")
    batch = _batch()
    keys = fixed(req)
    if dask is not None:
        from .batch.on_dask import run_dask
        return run_dask(req, source, dask, out_file, as_json=as_json, on_error=on_error,
                        err=err)
    return batch.run_points(req.command, req.graph, source, layout(req, keys),
                            _single(req, keys), mode=keys.get("mode", "reverse"),
                            as_json=as_json, input_format=input_format, on_error=on_error,
                            vectorized=req.command in VECTORIZED, out=out, err=err,
                            out_file=out_file, compiled=req.compiled)
