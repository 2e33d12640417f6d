"""Python and NumPy: generated modules imported from temporary files (never exec'd), compared
with the float engine: Python within 4 ULPs of the largest entry, NumPy within 16."""
from __future__ import annotations

import random

import numpy as np
import pytest
from codegen_helpers import SAMPLES, cases, close, good_point, import_file
from formulas import battery

from adcli.codegen import generate
from adcli.parser import parse

GOLDEN = SAMPLES[0].parent.parent / "tests" / "golden"


def _check(tmp_path, texts, lang, mode, seed, ulps):
    used = bad = 0
    fails = []
    for k, g, p, rev, fwd in cases(texts, seed):
        text = g.text
        ref = rev if mode == "reverse" else fwd
        what = "jacobian" if g.vector else "grad"
        f = tmp_path / f"gen_{lang}_{mode}_{k}.py"
        f.write_text(generate(g, lang, what, mode, "f").code)
        mod = import_file(f, f"gen_{lang}_{mode}_{k}")
        fn = getattr(mod, f"f_{what}")
        x = [np.array([v, v]) for v in p] if lang == "numpy" else p
        value, deriv = fn(x)
        if lang == "numpy":    # two copies of the point: the result broadcasts
            value = [float(np.ravel(v)[-1]) for v in (value if g.vector else [value])]
            deriv = [float(np.ravel(d)[0]) for d in (deriv if not g.vector else sum(deriv, []))]
        else:
            value = value if g.vector else [value]
            deriv = sum(deriv, []) if g.vector else deriv
        if lang == "numpy":
            ref = _numpy_reference(g, p, mode)
        want = [d for row in ref.derivative for d in row]
        used += 1
        if not (close(value, ref.value, ulps) and close(deriv, want, ulps)):
            bad += 1
            fails.append((text, p, value, ref.value, deriv, want))
    return used, fails


class _Ref:
    def __init__(self, value, derivative):
        self.value, self.derivative = value, derivative


def _numpy_reference(g, p, mode):
    """The engine over the NumPy backend (its value and Jacobian at one point)."""
    from adcli.backends.numpy import NumpyMath
    from adcli.engine import ZERO, adjoint_sweep, evaluate, linearize, tangent_sweep
    class Arrays(NumpyMath):    # constants as arrays too (as the batch driver has them)
        @staticmethod
        def const(c):
            return np.array([c])

    with np.errstate(all="ignore"):
        vals = evaluate(g, [np.array([v]) for v in p], Arrays)
        lin = linearize(g, vals, Arrays)
        n = len(p)
        if mode == "reverse":
            jac = [[float(np.ravel(a)[0]) if a is not ZERO else 0.0
                    for a in adjoint_sweep(g, lin, o)[:n]] for o in g.outputs]
        else:
            cols = []
            for j in range(n):
                seed = [ZERO] * n
                seed[j] = 1.0
                t = tangent_sweep(g, lin, seed)
                cols.append([float(np.ravel(t[o])[0]) if t[o] is not ZERO else 0.0
                             for o in g.outputs])
            jac = [[cols[j][r] for j in range(n)] for r in range(len(g.outputs))]
    return _Ref([float(np.ravel(vals[o])[0]) for o in g.outputs], jac)


@pytest.mark.parametrize("lang,ulps", [("python", 4), ("numpy", 16)])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_samples(tmp_path, lang, ulps, mode):
    used, fails = _check(tmp_path, [s.read_text() for s in SAMPLES], lang, mode, 3, ulps)
    assert used == len(SAMPLES)
    assert not fails, fails[:3]


@pytest.mark.slow
@pytest.mark.parametrize("lang,ulps", [("python", 4), ("numpy", 16)])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_random_formulas(tmp_path, lang, ulps, mode):
    used, fails = _check(tmp_path, battery(14, 200), lang, mode, 4, ulps)
    assert used >= 150, used
    assert not fails, fails[:3]


def test_numpy_broadcasts_a_grid(tmp_path):
    g = parse("x1*exp(-(x1^2+x2^2)/2)")
    f = tmp_path / "gen_grid.py"
    f.write_text(generate(g, "numpy", "grad", "reverse", "f").code)
    mod = import_file(f, "gen_grid")
    a, b = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(0, 2, 4))
    value, (d1, d2) = mod.f_grad([a, b])
    assert value.shape == d1.shape == d2.shape == (4, 3)
    e = np.exp(-(a * a + b * b) / 2)       # independent: the derivative by hand
    np.testing.assert_allclose(d1, (1 - a * a) * e, rtol=1e-14)
    np.testing.assert_allclose(d2, -a * b * e, rtol=1e-14)


@pytest.mark.parametrize("sample", ["baydin", "course_notes"])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_golden_python(sample, mode):
    """The published examples' generated Python, reviewed by eye: a layout change shows."""
    g = parse((SAMPLES[0].parent / f"{sample}.txt").read_text())
    code = generate(g, "python", "grad", mode, "f").code
    assert code == (GOLDEN / f"{sample}_{mode}.py").read_text()


def _hessian_cases(tmp_path, texts, seed):
    from adcli.higher import hessian
    rng = random.Random(seed)
    out = []
    for k, text in enumerate(texts):
        g = parse(text)
        if g.vector:
            continue
        found = good_point(g, rng)
        if found is None:
            continue
        p = found[0]
        try:
            ref = hessian(g, p)
        except Exception:  # noqa: BLE001 - no second derivative there: not a case
            continue
        if ref.warnings or max((abs(v) for r in ref.hessian for v in r), default=0) > 1e100:
            continue
        f = tmp_path / f"gen_hess_{k}.py"
        f.write_text(generate(g, "python", "hessian", "reverse", "f").code)
        value, grad, hess = import_file(f, f.stem).f_hessian(p)
        out.append((text, p, [value] + grad, [ref.value] + list(ref.gradient),
                    sum(hess, []), sum((list(r) for r in ref.hessian), [])))
    return out


@pytest.mark.parametrize("texts", ["samples", pytest.param("battery", marks=pytest.mark.slow)])
def test_hessian_matches_the_engine(tmp_path, texts):
    """Forward over the generated reverse code against the engine's forward-over-reverse
    duals: the same partials in another order, so within 64 ULPs of the largest entry."""
    src = [s.read_text() for s in SAMPLES] if texts == "samples" else battery(15, 120)
    cases = _hessian_cases(tmp_path, src, 5)
    assert len(cases) >= (8 if texts == "samples" else 60)
    # the scale includes the gradient: an exact 0 in H computed as rounding noise (the
    # second derivative of hypot(x, x) = √2·|x|) is noise of the gradient's size
    bad = [c for c in cases if not (close(c[2], c[3], 4) and
                                    close(c[4] + c[3], c[5] + c[3], 64))]
    assert not bad, bad[:3]
