"""Higher derivatives keep float64 precision near 0 and out to the overflow edge (issue 11, 2).

The sweep walks the registry: every smooth one-argument function (no kink, not internal), at
±1e-300, ±1e-100, ±1e-30, ±1e-15, ±1e-8, 0.5, 1 − 2⁻⁵² and the largest of 1e300, 1e200, … where
its value is finite.  Each backend is checked up to the order it provides: Taylor mode
(``derivative``, orders 1-4) and dual numbers (``hessian``, ``hvp``, ``hessian --points``:
order 2).  References are SymPy's derivative evaluated by mpmath, at 60 digits checked
against 120, else at 60 digits plus what the cancellation at that point costs (k + 1 digits
per decade below 1) checked against twice that; where the two never agree (the derivative of
``log(1 + exp(x))`` at 1e300 is e^(−1e300), beyond any precision) there is no reference and
the point is skipped.  Points outside a
function's domain (its value raises) are skipped; where the true derivative overflows, the
answer must be adcli's overflow error naming the trace row.
"""
from __future__ import annotations

import math
from functools import cache

import pytest

import adcli
from adcli.errors import AdcliError
from adcli.functions import REGISTRY

SMALL = (1e-300, 1e-100, 1e-30, 1e-15, 1e-8)
POINTS = tuple(s * v for v in SMALL for s in (1.0, -1.0)) + (0.5, 1.0 - 2.0 ** -52)
LARGE = (1e300, 1e200, 1e100, 1e30, 700.0, 300.0, 100.0, 30.0)
BIG = 1.7976931348623157e308

SMOOTH = sorted(f.name for f in REGISTRY.values()
                if f.arity == 1 and not f.kink and not f.internal)


def _call(name: str) -> str:
    return REGISTRY[name].call.format("x")


def _defined(name: str, x: float) -> bool:
    try:
        adcli.evaluate(_call(name), {"x": x})
    except AdcliError:
        return False
    return True


def _points(name: str) -> list:
    pts = [x for x in POINTS if _defined(name, x)]
    pts += [x for x in LARGE if _defined(name, x)][:1]
    return pts


@cache
def _derivative_fn(name: str, k: int, positive: bool):
    import sympy
    x = sympy.Symbol("x", positive=True) if positive else sympy.Symbol("x", negative=True)
    return sympy.lambdify(x, sympy.diff(REGISTRY[name].sympy(sympy, x), x, k), "mpmath")


def _at(fn, x0: float, dps: int):
    import mpmath
    with mpmath.workdps(dps):
        v = fn(mpmath.mpf(x0))
        if isinstance(v, mpmath.mpc):
            if abs(v.imag) > mpmath.mpf(10) ** -50 * abs(v):
                return None
            v = v.real
        return +v


def reference(name: str, k: int, x0: float):
    """The k-th derivative at x0 (an mpf), or None where mpmath cannot resolve it."""
    import mpmath
    fn = _derivative_fn(name, k, x0 > 0)
    for stage, dps in enumerate((60, 60 + (k + 1) * max(0, int(-math.log10(abs(x0)))))):
        a, b = _at(fn, x0, dps), _at(fn, x0, 2 * dps)
        if a is None or b is None:
            return None
        if b == 0 and stage == 0:    # cancelled to nothing: maybe too few digits
            continue
        if a == b or abs(a - b) <= abs(b) * mpmath.mpf(10) ** -30:
            return b
    return None


def _agrees(got, ref) -> bool:
    r = float(ref)
    if abs(ref) < 1e-300:        # the true value underflows
        return abs(got - r) <= 1e-300
    return abs(got - r) <= 1e-13 * abs(r)


def _check(what: str, name: str, x0: float, k: int, got, ref) -> str | None:
    """What is wrong (None if nothing): ``got`` is a float or the AdcliError raised."""
    if abs(ref) > BIG:
        if isinstance(got, AdcliError) and "row v" in str(got):
            return None
        return f"{what} {name}^({k})({x0!r}): true value overflows, got {got!r}"
    if isinstance(got, Exception):
        return f"{what} {name}^({k})({x0!r}): {got} (true {float(ref)!r})"
    if not _agrees(got, ref):
        return f"{what} {name}^({k})({x0!r}) = {got!r}, true {float(ref)!r}"
    return None


def _taylor(name: str, x0: float, k: int):
    try:
        return adcli.derivative(_call(name), {"x": x0}, order=k).derivatives[k]
    except AdcliError as e:
        return e


def _duals(name: str, x0: float) -> list:
    """hessian and hvp at x0: the second derivative from each dual-number path."""
    out: list = []
    for run in (lambda: adcli.hessian(_call(name), {"x": x0}).hessian[0][0],
                lambda: adcli.hvp(_call(name), {"x": x0}, [1.0]).product[0]):
        try:
            out.append(run())
        except AdcliError as e:
            out.append(e)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", SMOOTH)
def test_tails(name):
    pts = _points(name)
    wrong = []
    for x0 in pts:
        for k in range(1, 5):
            ref = reference(name, k, x0)
            if ref is None:
                continue
            wrong.append(_check("derivative", name, x0, k, _taylor(name, x0, k), ref))
            if k == 2:
                for what, got in zip(("hessian", "hvp"), _duals(name, x0), strict=True):
                    wrong.append(_check(what, name, x0, k, got, ref))
    # hessian --points: the dual numbers over NumPy arrays, all points in one batch
    ok = [x for x in pts if (r := reference(name, 2, x)) is not None and abs(r) <= BIG]
    if ok:
        batch = adcli.hessian(_call(name), points=[[x] for x in ok], on_error="skip")
        assert not batch.errors, batch.errors
        for x0, got in zip(ok, batch.Y[2], strict=True):
            wrong.append(_check("hessian --points", name, x0, 2, float(got),
                                reference(name, 2, x0)))
    wrong = [w for w in wrong if w]
    assert not wrong, "\n".join(wrong)


# the repros, quick
@pytest.mark.parametrize("formula,x0,order,true", [
    ("atanh(x)", 1e-30, 2, 2e-30),
    ("atanh(x)", 1e-15, 2, 2e-15),
    ("sigmoid(x)", 1e-15, 2, -1.25e-16),
    ("sigmoid(x)", 1e-30, 2, -1.25e-31),
    ("softplus(x)", 1e-30, 3, -1.25e-31),
    ("sinc(x)", 1e-300, 4, 0.2),
])
def test_repros(formula, x0, order, true):
    got = adcli.derivative(formula, {"x": x0}, order=order).derivatives[order]
    assert got == pytest.approx(true, rel=1e-13)
    if order == 2:
        assert adcli.hessian(formula, {"x": x0}).hessian[0][0] == pytest.approx(true, rel=1e-13)
        assert adcli.hvp(formula, {"x": x0}, [1.0]).product[0] == pytest.approx(true, rel=1e-13)


def test_overflow_names_the_row():
    with pytest.raises(AdcliError, match="row v"):
        adcli.derivative("log(x)", {"x": 1e-300}, order=2)
