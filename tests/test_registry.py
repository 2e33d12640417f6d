"""The registry test: every entry of :mod:`adcli.functions`, in every backend.

Walks the registry, so a new function needs no edit here.  Per entry: points from
its own sampling domain (``Function.sample``; an interval with lo = hi is a constant
argument), and SymPy at 50 digits as the reference for the value and the 1st, 2nd and
3rd derivatives.  Each backend is reached through its public entry point:

* floats: :func:`adcli.engine.differentiate`, both modes (value, gradient);
* NumPy: the batch program (:func:`adcli.batch.compile_program`), grad and hessian;
* dual numbers: :func:`adcli.higher.hessian` (forward-over-reverse);
* Taylor: :func:`adcli.higher.derivatives` along each input, orders 0-4;
* mpmath at 30 digits: :func:`adcli.backends.mpmath.differentiate_graph`.

Also: the parseable twin of every partial against ``d``; every backend has every
primitive; the README's function list is the registry's.
"""
from __future__ import annotations

import functools
import math
import pathlib
import re

import mpmath
import numpy as np
import pytest
import sympy as sp

from adcli import batch, higher
from adcli.backends.dual import DualMath
from adcli.backends.floats import FloatMath
from adcli.backends.mpmath import MpMath
from adcli.backends.numpy import NumpyMath
from adcli.backends.protocol import missing
from adcli.backends.taylor import TaylorMath
from adcli.engine import differentiate, evaluate
from adcli.functions import FUNCTIONS, REGISTRY
from adcli.parser import parse

NAMES = sorted(REGISTRY)
VARS = ("x", "y")
FRACTIONS = (0.13, 0.38, 0.61, 0.87)
ORDER = 4                    # Taylor: derivatives up to this order


def _constants(f) -> list:
    return [lo if lo == hi else None for lo, hi in f.sample[:f.arity]]


def formula(f) -> tuple:
    """The entry called on x (and y), constant arguments written in: (text, variables)."""
    args, names = [], []
    for c in _constants(f):
        if c is None:
            args.append(VARS[len(names)])
            names.append(VARS[len(names)])
        else:
            args.append(repr(float(c)))
    return f.call.format(*args), names


def points(f) -> list:
    out = []
    for t in FRACTIONS:
        pt = []
        for k, (lo, hi) in enumerate(f.sample[:f.arity]):
            if lo != hi:
                pt.append(lo + (hi - lo) * ((t + 0.29 * k) % 1.0))
        out.append(pt)
    return out + [list(p) for p in f.sample_points]


def exact(e, subs):
    """``e`` at the point, to 50 digits (the limit at a removable singularity)."""
    v = sp.N(e.subs(subs), 50)
    if not v.is_finite and len(subs) == 1:   # e.g. sinc and its derivatives at 0
        (s, at), = subs.items()
        v = sp.N(sp.limit(e, s, at), 50)
    return v


@functools.cache
def reference(name: str) -> list:
    """Per point: value, gradient, Hessian and the pure derivatives d^k/dx_j^k (k ≤ ORDER),
    from SymPy at 50 digits with the point's exact float64 values."""
    f = REGISTRY[name]
    _, names = formula(f)
    xs = sp.symbols(" ".join(names), real=True, seq=True)
    it = iter(xs)
    expr = f.sympy(sp, *[sp.Float(c, 60) if c is not None else next(it) for c in _constants(f)])

    def n(e, subs) -> float:
        return float(exact(e, subs))
    rows = []
    for pt in points(f):
        subs = {s: sp.Rational(v) for s, v in zip(xs, pt, strict=True)}
        grad = [sp.diff(expr, s) for s in xs]
        rows.append({
            "value": n(expr, subs),
            "gradient": [n(d, subs) for d in grad],
            "hessian": [[n(sp.diff(d, s), subs) for s in xs] for d in grad],
            "pure": [[n(sp.diff(expr, s, k), subs) for k in range(ORDER + 1)] for s in xs],
        })
    return rows


def graph(name: str) -> tuple:
    """The entry, the parsed formula that calls it, and its variables."""
    f = REGISTRY[name]
    text, names = formula(f)
    return f, parse(text, variables=names), names


def close(got, want, rel: float) -> bool:
    return abs(float(got) - want) <= rel * (abs(want) + 1e-2)


@pytest.mark.parametrize("backend", [FloatMath, NumpyMath, MpMath, DualMath, TaylorMath],
                         ids=lambda b: b.__name__)
def test_every_backend_has_every_function(backend):
    assert missing(backend, REGISTRY.values()) == []


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_floats_value_and_gradient(name):
    f, g, _ = graph(name)
    for pt, ref in zip(points(f), reference(name), strict=True):
        for mode in ("forward", "reverse"):
            res = differentiate(g, pt, mode)
            assert close(res.value[0], ref["value"], 1e-12), (name, pt, res.value, ref)
            for got, want in zip(res.derivative[0], ref["gradient"], strict=True):
                assert close(got, want, 1e-12), (name, mode, pt, got, want)


@pytest.mark.parametrize("name", NAMES)
def test_duals_hessian(name):
    f, g, _ = graph(name)
    for pt, ref in zip(points(f), reference(name), strict=True):
        res = higher.hessian(g, pt)
        for got_row, want_row in zip(res.hessian, ref["hessian"], strict=True):
            for got, want in zip(got_row, want_row, strict=True):
                assert close(got, want, 1e-11), (name, pt, res.hessian, ref["hessian"])


@pytest.mark.parametrize("name", NAMES)
def test_taylor_derivatives(name):
    f, g, names = graph(name)
    for pt, ref in zip(points(f), reference(name), strict=True):
        for j in range(len(names)):
            direction = [1.0 if k == j else 0.0 for k in range(len(names))]
            res = higher.derivatives(g, pt, ORDER, direction)
            for k, (got, want) in enumerate(zip(res.derivatives, ref["pure"][j], strict=True)):
                assert close(got, want, 1e-12 * 10.0 ** k), (name, pt, j, k, got, want)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_numpy_batch_gradient_and_hessian(name):
    f, g, names = graph(name)
    X = np.array(points(f), dtype=float).T
    refs = reference(name)
    n = len(names)
    Y, bad = batch.compile_program(g, "grad").run(X)
    H, hbad = batch.compile_program(g, "hessian").run(X)
    for k, ref in enumerate(refs):
        assert not bad[k] and not hbad[k], (name, k)
        assert close(Y[0, k], ref["value"], 1e-12), (name, k)
        for j in range(n):
            assert close(Y[1 + j, k], ref["gradient"][j], 1e-12), (name, k, j)
            for i in range(n):
                assert close(H[1 + n + j * n + i, k], ref["hessian"][j][i], 1e-11), (name, k)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_mpmath_30_digits(name):
    from adcli.backends.mpmath import differentiate_graph, working_precision
    f, g, names = graph(name)
    xs = sp.symbols(" ".join(names), real=True, seq=True)
    it = iter(xs)
    expr = f.sympy(sp, *[sp.Float(c, 60) if c is not None else next(it) for c in _constants(f)])
    for pt in points(f):
        subs = {s: sp.Rational(v) for s, v in zip(xs, pt, strict=True)}
        with working_precision(30):
            vals, jac, *_ = differentiate_graph(g, [mpmath.mpf(v) for v in pt], "reverse")
            want = mpmath.mpf(str(exact(expr, subs)))
            assert abs(vals[0] - want) <= 1e-25 * (abs(want) + 1e-2), (name, pt, vals[0], want)
            for s, got in zip(xs, jac[0], strict=True):
                want = mpmath.mpf(str(exact(sp.diff(expr, s), subs)))
                assert abs(got - want) <= 1e-25 * (abs(want) + 1e-2), (name, pt, got, want)


def _twin_graph(f, k: int):
    names = [f"x{j}" for j in range(f.arity)]
    out = "(" + f.call.format(*names) + ")"
    text = f.partial_twin[k].replace("{out}", out).format(*names)
    return parse(text, variables=names)


@pytest.mark.parametrize("name", NAMES)
def test_parseable_twin_of_every_partial_equals_d(name):
    """The twin in adcli's grammar (textbook form) against the entry's d, at
    well-conditioned points: |x| in [0.1, 10], inside the sampling domain."""
    f = REGISTRY[name]
    consts = _constants(f)
    checked = 0
    for pt in points(f):
        it = iter(pt)
        full = [c if c is not None else next(it) for c in consts]
        if any(not 0.1 <= abs(v) <= 10.0 for v in full):
            continue
        out = f.value(FloatMath, *full)
        ds = f.d(FloatMath, *full, out)
        for k in range(f.arity):
            if consts[k] is not None:      # a constant argument has no partial to check
                continue
            g = _twin_graph(f, k)
            got = evaluate(g, full)[g.outputs[0]]
            assert math.isclose(got, float(ds[k]), rel_tol=1e-10, abs_tol=1e-12), \
                (name, k, full, got, ds[k])
            checked += 1
    assert checked, f"{name}: no well-conditioned sample point"


def test_the_readme_function_list_is_the_registry():
    """Every name in code spans of the README's "functions" row is a function, and
    every callable function is there."""
    readme = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text()
    row = next(ln for ln in readme.splitlines() if ln.startswith("| functions |"))
    named = set(re.findall(r"[a-z][a-z0-9]*", " ".join(re.findall(r"`([^`]*)`", row))))
    named -= {"x", "y", "a", "b", "n"}
    assert named == {name for name, f in FUNCTIONS.items() if not f.internal}
