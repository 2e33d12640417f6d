"""hessian --points: forward-over-reverse recorded once and replayed with NumPy.

The reference is the single-point float engine, :func:`adcli.higher.hessian`
(what ``adcli hessian --at`` prints).
"""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from test_batch import EPS, MATLAB, ULPS, agree, write_csv

from adcli import batch, higher
from adcli.backends.dual import Dual, DualMath, tangent, value
from adcli.backends.dualover import dual_over
from adcli.backends.floats import FloatMath
from adcli.engine import adjoint_sweep, evaluate, linearize
from adcli.functions import FUNCTIONS
from adcli.parser import parse

# Every function of the op table (min and max scaled so that neither side is a
# constant 0 of the Hessian), on x, y ∈ [0.2, 0.8] and z ∈ [1.5, 2.1].
EVERY = ("sin(x*y) + cos(x + z) + tan(x/2) + asin(0.9*x) + acos(0.9*y) + atan(x*z) "
         "+ sinh(y*z) + cosh(x*y) + tanh(z - x) + asinh(z*y) + acosh(z + x) + atanh(0.9*y) "
         "+ exp(-x*y) + expm1(x*y) + log(z + x*y) + ln(z*x) + log1p(x*y) + log2(z*y) "
         "+ log10(z + y) + sqrt(z + x*y) + cbrt(z - y*x) + abs(x - y)*z + relu(z - x)*y "
         "+ sigmoid(x*z) + softplus(y - z) + erf(x*y) + erfc(y*z) + atan2(y, z*x) "
         "+ hypot(x, z*y) + z^x + (x*y)^2.5 + pow(y, z) + min(x, y*z)*z + max(x*y, z)*x + x/y "
         "+ sec(x*y) + csc(y + x) + cot(x + z) + sinc(z*x - 2) + sign(x - 0.5)*z "
         "+ floor(3*x)*y + ceil(3*y)*z + gamma(x + z) + lgamma(z*y) + digamma(x + y) "
         "+ polygamma(1, z*x)")
NESTED = ("log1p(exp(sin(x*y) + cos(y*z)) * sqrt(x + z)) / hypot(x, y) "
          "+ tanh(sigmoid(x*y) + softplus(erf(z - x))) * cbrt(hypot(x, atan(y*z)))")
F20 = " + ".join(f"sin(x{i})*exp(-x{i % 20 + 1}^2/2)" for i in range(1, 21))
FORMULAS = {
    "matlab": (MATLAB, -2.0, 2.0),
    "every-function": (EVERY, 0.2, 0.8),
    "nested": (NESTED, 0.2, 2.0),
    "rosenbrock": ("(1 - x)^2 + 100*(y - x^2)^2", -2.0, 2.0),
    "20-inputs": (F20, -2.0, 2.0),
}


def test_every_function_is_in_the_formula():
    missing = [f for f in FUNCTIONS if not re.search(rf"(?<![a-z0-9_]){f}\(", EVERY)]
    assert not missing and "^" in EVERY and "/" in EVERY and "-" in EVERY


def points(text, lo, hi, n=1000, seed=0):
    g = parse(text)
    X = np.random.default_rng(seed).uniform(lo, hi, (g.n_inputs, n))
    if text is EVERY:
        X[g.names.index("z")] += 1.3
    return g, X


def reference(g, point) -> list:
    """What hessian --at gives, in the order of the --points results."""
    res = higher.hessian(g, point)
    return [res.value, *res.gradient, *[v for row in res.hessian for v in row], res.asymmetry]


@pytest.mark.parametrize("name", FORMULAS)
@pytest.mark.slow
def test_replay_equals_the_single_point_hessian(name):
    """1,000 random points: no point needs the float engine, and every result
    (value, gradient, Hessian, asymmetry) is within ULPS ulp of the point's
    largest result (see test_batch.agree for why)."""
    text, lo, hi = FORMULAS[name]
    g, X = points(text, lo, hi, n=1000 if name != "20-inputs" else 200)
    prog = batch.compile_program(g, "hessian")
    n = g.n_inputs
    assert prog.n_results == 1 + n + n * n + 1
    Y, bad = prog.run(X)
    assert not bad.any()
    worst = 0.0
    for k in range(X.shape[1]):
        want = reference(g, X[:, k].tolist())
        assert agree(Y[:, k].tolist(), want), (name, k, Y[:, k].tolist(), want)
        worst = max(worst, np.abs(Y[:, k] - want).max() / (EPS * np.abs(want).max()))
    assert worst <= ULPS


def test_agree_is_a_real_tolerance():
    assert agree([1.0, 2.0 + 8 * EPS], [1.0, 2.0])
    assert not agree([1.0, 2.0 + 1e-13], [1.0, 2.0])
    assert not agree([1.0], [1.0, 0.0])
    assert agree([0.0, -0.0], [-0.0, 0.0]) and not agree([1e-300], [0.0])


def test_the_matlab_hessian_is_bit_for_bit_the_single_point_one():
    # at (2, 0.5) NumPy's exp and libm's agree, so every bit must too
    g = parse(MATLAB)
    Y, bad = batch.compile_program(g, "hessian").run(np.array([[2.0], [0.5]]))
    assert Y[:, 0].tolist() == reference(g, [2.0, 0.5]) and not bad[0]


@pytest.mark.parametrize("text, lo, hi", [(EVERY, 0.2, 0.8), (NESTED, 0.2, 2.0),
                                          (MATLAB, 0.1, 2.0)])
def test_dual_over_floats_is_dualmath_bit_for_bit(text, lo, hi):
    """dual_over(FloatMath) derives every function as DualMath does, in the same
    order of operations: the same sweeps give the same bits.  (Where DualMath
    tests a value, x ≤ 0 in powlog or b = 0 in div0, dual_over cannot: there
    the replay flags the point instead.  Hence x1 > 0 for x1^2 here.)"""
    g, X = points(text, lo, hi, n=50)
    D = dual_over(FloatMath)
    for p in X.T.tolist():
        for j in range(g.n_inputs):
            rows = []
            for m in (DualMath, D):
                seeded = list(p)
                seeded[j] = Dual(p[j], 1.0)
                vals = evaluate(g, seeded, m)
                adj = adjoint_sweep(g, linearize(g, vals, m), g.outputs[0])[:g.n_inputs]
                rows.append([(value(a), tangent(a)) for a in adj])
            assert rows[0] == rows[1]


def test_the_tape_shares_what_the_sweeps_recompute():
    """n dual sweeps recompute the primal and first-order values: recorded once.
    The Hessian of a 20-input formula costs a few gradients, not 20."""
    g = parse(F20)
    grad = batch.compile_program(g, "grad")
    hess = batch.compile_program(g, "hessian")
    assert len(hess.steps) < 5 * len(grad.steps)


def test_hessian_points_runs_no_float_engine_for_ordinary_points(adcli, tmp_path, monkeypatch):
    calls = []
    real = higher.hessian
    monkeypatch.setattr(higher, "hessian", lambda g, p: calls.append(p) or real(g, p))
    g, X = points(MATLAB, -2, 2, n=5000)
    src = tmp_path / "p.csv"
    pts = X.T.copy()
    pts[1234] = [0.0, 0.0]             # an ordinary point: no redo either
    write_csv(src, g.names, pts)
    r = adcli("hessian", MATLAB, "--points", str(src))
    assert r.code == 0, r
    assert len(r.out.splitlines()) == 5001 and calls == []


def test_cli_json_lines_equal_hessian_at(adcli, tmp_path):
    """Same keys, in the same order, as `adcli hessian --at`, for each point."""
    g, X = points(NESTED, 0.2, 2.0, n=20)
    src = tmp_path / "p.csv"
    write_csv(src, g.names, X.T)
    lines = adcli("hessian", NESTED, "--points", str(src), "--json").out.splitlines()
    assert len(lines) == 20
    for line, p in zip(lines, X.T.tolist(), strict=True):
        many = json.loads(line)
        one = adcli("hessian", NESTED, "--at", ",".join(map(repr, p)), "--json").json
        assert list(many) == list(one) and many["point"] == one["point"] == p
        nums = ("value", "gradient", "hessian", "asymmetry")
        assert agree([many[k] for k in nums], [one[k] for k in nums])
        assert {k: v for k, v in many.items() if k not in nums} == \
            {k: v for k, v in one.items() if k not in nums}


# -- points the replay hands to the float engine -----------------------------------------------
@pytest.mark.parametrize("formula, point", [
    ("exp(-exp(x)) + y", [800.0, 1.0]),     # exp(800) overflows: the float engine raises
    ("atan(x)*y", [1e200, 2.0]),            # x·x = inf inside atan″, yet H is finite
    ("abs(x)*y", [0.0, 3.0]),               # a kink: the single-point warning
    ("y*x^1.5", [0.0, 1.0]),                # ∂²/∂x² infinite at 0
    ("x^y", [-2.0, 3.0]),                   # x < 0: ∂/∂y is NaN
    ("max(x, y)^2", [1.0, 1.0]),            # a tie
])
def test_flagged_points_get_exactly_the_single_point_answer(adcli, tmp_path, formula, point):
    src = tmp_path / "p.csv"
    src.write_text(f"x,y\n0.5,0.25\n{point[0]!r},{point[1]!r}\n")
    g = parse(formula)
    _, bad = batch.compile_program(g, "hessian").run(np.array([[0.5, point[0]],
                                                             [0.25, point[1]]]))
    assert bad.tolist() == [False, True]
    many = adcli("hessian", formula, "--points", str(src), "--json", "--on-error", "skip")
    one = adcli("hessian", formula, "--at", f"{point[0]!r},{point[1]!r}", "--json")
    got = [json.loads(line) for line in many.out.splitlines()]
    if one.code == 0:
        assert got[1] == one.json and many.code == 0
    else:
        assert len(got) == 1 and one.json["error"]["message"] in many.err


def test_a_constant_division_by_zero_is_a_row_error_not_an_internal_error(adcli, tmp_path):
    """Recording meets 1/0 in a partial (grad) or in a dual number (hessian):
    every point then runs through the float engine, which names the row."""
    src = tmp_path / "p.csv"
    src.write_text("x\n1\n2\n")
    for command in ("grad", "hessian"):
        r = adcli(command, "x/0 + x^2", "--points", str(src))
        assert r.code == 1, r
        assert "row 1 (line 2): division by zero" in r.err and "internal" not in r.err


def test_one_input_against_the_formula():
    """exp(−x²): f′ = −2x·e, f″ = (4x² − 2)·e, with e = exp(−x²)."""
    g = parse("exp(-x^2)")
    x = np.array([[0.7, -1.3, 0.0]])
    Y, bad = batch.compile_program(g, "hessian").run(x)
    assert not bad.any()
    for k, t in enumerate(x[0].tolist()):
        e = math.exp(-t * t)
        assert agree(Y[:, k].tolist(), [e, -2 * t * e, (4 * t * t - 2) * e, 0.0])
        assert agree(Y[:, k].tolist(), reference(g, [t]))
    assert Y[:, 2].tolist() == [1.0, 0.0, -2.0, 0.0]


@pytest.mark.slow
def test_memory_per_block_stays_bounded_with_many_inputs():
    """60 inputs: 3,662 results per point.  Blocks of 4,096 rows took 1 GB
    (measured); now a block and a chunk fit their budgets, while a small
    formula keeps its 4k … 64k points."""
    n = 60
    g = parse(" + ".join(f"sin(x{i})*exp(-x{i % n + 1}^2/2)" for i in range(1, n + 1)))
    prog = batch.compile_program(g, "hessian")
    per_point = 8 * (len(prog.buffers) + n + prog.n_results)
    assert prog.chunk * per_point <= batch._CHUNK_BYTES and prog.chunk >= 256
    rows = batch._block_size(n, prog.n_results)
    assert rows * (32 * (n + prog.n_results) + 150) <= batch._BLOCK_BYTES and rows >= 256
    small = batch.compile_program(parse(MATLAB), "hessian")
    assert small.chunk >= 1 << 12 and batch._block_size(2, small.n_results) >= 1 << 12
    X = np.random.default_rng(3).standard_normal((n, 700))   # more than one chunk
    Y, bad = prog.run(X, threads=2)
    assert not bad.any()
    for k in (0, 511, 512, 699):
        assert agree(Y[:, k].tolist(), reference(g, X[:, k].tolist()))


def test_chunks_and_threads_do_not_change_hessians():
    g = parse("sin(x)*exp(-y^2) + atan2(y, x) + hypot(x, y)^1.5")
    X = np.random.default_rng(1).uniform(-2, 2, (2, 50_001))
    prog = batch.compile_program(g, "hessian")
    Y1, bad1 = prog.run(X, threads=1, chunk=50_001)
    Y2, bad2 = prog.run(X, threads=2, chunk=4096)
    assert np.array_equal(Y1, Y2) and np.array_equal(bad1, bad2)
