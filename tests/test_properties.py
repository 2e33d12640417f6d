"""Property test (issue 11): random formulas and programs over EVERY registry function.

Each example draws a point and a formula together (tests/formulas.py: every call's arguments
inside the registry's sample interval, kinked functions away from their kinks) and a SymPy
twin of the formula built independently of adcli's translation (formulas.REFERENCE: the
textbook definition of each function, the smooth branch at a kink).  References are SymPy's
derivatives evaluated at 40 digits, literals as exact rationals, the point as exact Floats.

Tolerances: every entry within TOL[kind] x amplification x max(1, the largest |entry| of
the same result) (value with gradient, Hessian, derivatives, Jacobian).
- max(1, largest): an entry is a sum of chain-rule terms, so it carries a few ulp of its
  largest TERM, not of itself: where terms cancel (d/dx (|x - 2.5625| + x + sec x) at
  x = 1e-146 is -1 + 1 + 1e-146, and adcli's 0.0 is right to an ulp of 1) the entry's own
  size is no scale; arguments are O(1) here, so terms are O(1) or the largest entry's size.
- amplification (formulas.Generator.amplification): the product of the formula's calls'
  condition numbers, of each function and of its first and second partials (a shift
  f(g + c) of a value v to t counts |v/t|).  A rounding error of an inner operation
  reaches the result so amplified (found: log2(lgamma(a - 5.2253)), lgamma near its zero,
  1.5e-12 off SymPy with TOL 1e-13).  Formulas amplifying beyond 1e4 are skipped.
- TOL (1e-13 first order, 1e-12 Hessian, 1e-11 third derivatives: a few hundred ulp, more
  for higher orders whose terms are more numerous).  A wrong partial, a lost branch or a
  precision collapse is an error of order 1 on that scale.

Batch (--points, the NumPy Program) == single point (float engine) within the README's
bound, 16 ulp of the point's largest result (tests/test_batch.py explains why not exact),
times the formula's amplification (formulas.Generator.amplification: the product of its
calls' condition numbers, of f and of its partials, a shift f(g + c) of a value v to t
counting |v/t|): NumPy's and
libm's few ulp of difference in an inner function reach the result so amplified.  The
2,000-example run found 8 formulas over the bare 16 ulp, all conditioned so: tan(expm1(x) -
5.13495) at x = 1.787 (3.2 x 16 ulp, a shift of 4.97 to -0.16: amplification 31),
lgamma(|erfc(x)|) at x = -1.2586 (1.1 x 16 ulp: lgamma near its zero at 2, condition 25),
lgamma(gamma(y)·acosh(x + 1.425)) (2.9 x 16 ulp in the gradient: its partial, digamma,
near digamma's zero at 1.4616, condition 45).
Formulas whose amplification exceeds 1e4 are skipped: no useful bound.

ADCLI_PROPERTY_EXAMPLES=2000 runs each property with 2,000 examples (CI: the default below).
"""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest
from formulas import NAMES, REFERENCE, Chooser, Generator, Rejected, reachable
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import adcli
from adcli.functions import REGISTRY

EXAMPLES = int(os.environ.get("ADCLI_PROPERTY_EXAMPLES", "30"))
PROPS = settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.filter_too_much,
                                        HealthCheck.function_scoped_fixture])
#: Each entry within TOL x amplification x max(1, the largest |entry|) (module docstring).
TOL = {"gradient": 1e-13, "hessian": 1e-12, "derivatives": 1e-11, "jacobian": 1e-13}
EPS = 2.0 ** -52
MAX_AMPLIFICATION = 1e4
BATCH_ULPS = 16


@st.composite
def formulas(draw, n_vars: int | None = None, depth: int = 3):
    """(generator, Expr): a formula that depends on at least one of its variables."""
    gen = Generator(Chooser(draw), n_vars or draw(st.integers(1, 3)))
    try:
        e = gen.formula(depth)
    except Rejected:
        reject()
    if not e.sym.free_symbols:
        reject()
    return gen, e


@st.composite
def programs(draw):
    """(generator, text, outputs): statements with rebinding, then 1-3 outputs."""
    gen = Generator(Chooser(draw), draw(st.integers(1, 3)))
    try:
        text, outs = gen.program(draw(st.integers(2, 5)), draw(st.integers(1, 3)))
    except Rejected:
        reject()
    return gen, text, outs


def at(gen) -> str:
    return ",".join(repr(p) for p in gen.point)


def ref(gen, sym, *wrt) -> float:
    """d^k sym / d wrt... at the point, evaluated at 40 digits."""
    import sympy
    d = sympy.diff(sym, *wrt) if wrt else sym
    v = d.evalf(40, subs=gen.subs)
    try:
        return float(v)
    except TypeError:
        reject()                         # no real value (cannot happen inside the domains)
        raise


def tolerance(gen, kind: str) -> float:
    """TOL[kind] times the formula's amplification (module docstring); a formula that
    amplifies more than MAX_AMPLIFICATION is skipped (a literal cancels all but a few
    digits of a value: no useful bound)."""
    if gen.amplification > MAX_AMPLIFICATION:
        reject()
    return TOL[kind] * gen.amplification


def close(got, want, tol: float) -> bool:
    """Every entry within ``tol`` x max(1, the largest |entry| of ``want``)."""
    got, want = np.asarray(got, dtype=float).ravel(), np.asarray(want, dtype=float).ravel()
    scale = max(1.0, float(np.abs(want).max(initial=0.0)))
    return got.shape == want.shape and bool(np.all(np.abs(got - want) <= tol * scale))


def ad(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except adcli.AdcliError as exc:       # inside every domain: adcli must not refuse
        raise AssertionError(f"adcli refused a point inside the domains: {exc}") from exc


# -- the generator covers the registry ---------------------------------------------------------
def test_every_registry_entry_has_a_reference():
    """A new registry entry without generator support (its SymPy twin) fails here."""
    assert set(REFERENCE) == set(REGISTRY)
    assert NAMES == sorted(REGISTRY)


@pytest.mark.parametrize("name", sorted(REGISTRY))
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_every_registry_name_is_reachable(name):
    e = reachable(name)
    ops = {o.name for o in adcli.Formula(e.text).graph.op if o is not None}
    assert name in ops, e.text


# -- forward == reverse == SymPy, the Hessian, derivative --order 3 -----------------------------
@pytest.mark.slow
@PROPS
@given(formulas())
def test_forward_equals_reverse_equals_sympy(case):
    gen, e = case
    tol = tolerance(gen, "gradient")
    fwd = ad(adcli.grad, e.text, at=gen.point, mode="forward", vars=gen.names)
    rev = ad(adcli.grad, e.text, at=gen.point, mode="reverse", vars=gen.names)
    want = [e.value] + [ref(gen, e.sym, x) for x in gen.symbols]
    for got in (fwd, rev):
        assert close([got.value, *got.gradient], want, tol), (got.gradient, want)
        assert got.warnings == []        # kinked functions are drawn off their kinks


@pytest.mark.slow
@PROPS
@given(formulas())
def test_hessian_against_sympy(case):
    gen, e = case
    import sympy
    h = ad(adcli.hessian, e.text, at=gen.point, vars=gen.names)
    xs = gen.symbols
    first = [sympy.diff(e.sym, x) for x in xs]
    want = [[0.0] * len(xs) for _ in xs]
    for i in range(len(xs)):
        for j in range(i, len(xs)):
            want[i][j] = want[j][i] = ref(gen, first[i], xs[j])   # symmetric: once
    assert close(h.hessian, want, tolerance(gen, "hessian")), (h.hessian, want)
    assert close(h.gradient, [ref(gen, d) for d in first], tolerance(gen, "gradient"))


@pytest.mark.slow
@PROPS
@given(formulas(), st.integers(0, 2))
def test_derivative_order_3_along_one_variable(adcli, case, k):  # adcli: fresh per call
    """The CLI's ``derivative --order 3 --direction e_k``: the slice through one variable."""
    gen, e = case
    k = min(k, len(gen.names) - 1)
    direction = ",".join("1" if j == k else "0" for j in range(len(gen.names)))
    r = adcli("derivative", e.text, "--at", at(gen), "--vars", ",".join(gen.names),
              "--direction", direction, "--order", "3", "--json")
    assert r.code == 0, r
    import sympy
    x, d, want = gen.symbols[k], e.sym, [e.value]
    for _ in range(3):
        d = sympy.diff(d, x)
        want.append(ref(gen, d))
    assert close(r.json["derivatives"], want, tolerance(gen, "derivatives")), (r.json, want)


# -- programs: rebinding, compound assignments, vector outputs ----------------------------------
@pytest.mark.slow
@PROPS
@given(programs(), st.sampled_from(["forward", "reverse"]))
def test_programs_jacobian_against_sympy(case, mode):
    gen, text, outs = case
    if not any(o.sym.free_symbols for o in outs):
        reject()
    j = ad(adcli.jacobian, text, at=gen.point, mode=mode, vars=gen.names)
    values = j.value if isinstance(j.value, list) else [j.value]
    tol = tolerance(gen, "jacobian")
    assert close(values, [o.value for o in outs], tol), (values, outs)
    want = [[ref(gen, o.sym, x) for x in gen.symbols] for o in outs]
    assert close(j.jacobian, want, tol), (text, j.jacobian, want)


# -- batch (the NumPy Program) == single point (the float engine) -------------------------------
def _near(gen, seed: int, n: int = 5) -> np.ndarray:
    """``n`` points within 1e-6 (relative) of the drawn one: inside the same domains."""
    rng = np.random.default_rng(seed)
    p = np.array(gen.point)
    return p + rng.uniform(-1e-6, 1e-6, (n, len(p))) * np.maximum(1.0, np.abs(p))


def _ulps_agree(got: list, want: list, amplification: float) -> bool:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    scale = float(np.abs(want).max(initial=0.0)) * amplification
    return bool(np.all(np.abs(got - want) <= BATCH_ULPS * EPS * scale))


@pytest.mark.slow
@PROPS
@given(formulas(), st.sampled_from(["grad", "hessian"]), st.integers(0, 2 ** 32 - 1))
def test_batch_equals_single_point(case, command, seed):
    pytest.importorskip("numpy")
    gen, e = case
    tolerance(gen, "gradient")              # skips the formulas amplifying beyond 1e4
    X = _near(gen, seed)
    many = ad(getattr(adcli, command), e.text, points=X, vars=gen.names)
    keys = ("value", "gradient") + (("hessian",) if command == "hessian" else ())
    for row, record in zip(X.tolist(), many.to_dicts(), strict=True):
        one = ad(getattr(adcli, command), e.text, at=row, vars=gen.names).to_dict()
        assert record["warnings"] == one["warnings"]
        got = [v for key in keys for v in _flat(record[key])]
        want = [v for key in keys for v in _flat(one[key])]
        assert _ulps_agree(got, want, gen.amplification), (e.text, row, record, one)


def _flat(x) -> list:
    if isinstance(x, list):
        return [v for item in x for v in _flat(item)]
    return [x]


def test_the_reference_is_exact_rationals_of_the_literals():
    """A shifted argument reads in SymPy as the exact float64 adcli parses."""
    gen = Generator(Chooser(rng=__import__("random").Random(3)), 1)
    e = gen.shift(gen.inputs[0], 0.3)
    lit = float(json.loads(json.dumps(e.text.split()[-1].rstrip(")"))))
    sign = -1.0 if " - " in e.text else 1.0
    assert float(e.sym - gen.symbols[0]) == sign * lit
    assert math.isclose(e.value, 0.3, abs_tol=1e-15)
