"""C: every sample and 200 random formulas, compiled with the system cc and the strict
warning flags, loaded with ctypes, compared with the float engine (≤ 4 ULPs of the largest
entry; -ffp-contract=off so that no FMA changes the rounding)."""
from __future__ import annotations

import ctypes
import random
import re
import shutil
import subprocess

import pytest
from codegen_helpers import SAMPLES, cases, close, gamma_rounded_close, good_point
from formulas import battery

from adcli.codegen import generate
from adcli.parser import parse

CC = shutil.which("cc")
# -fno-builtin: GCC would fold cbrt(1.5) at compile time, correctly rounded by MPFR, while
# the float engine calls the C library (1 ulp apart, which a cancellation then magnifies)
FLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-ffp-contract=off",
         "-fno-builtin", "-fPIC", "-shared"]
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")


def _compile(tmp_path, sources: dict[str, str]):
    files = []
    for name, code in sources.items():
        f = tmp_path / f"{name}.c"
        f.write_text(code)
        files.append(str(f))
    lib = tmp_path / "lib.so"
    run = subprocess.run([CC, *FLAGS, "-o", str(lib), *files, "-lm"], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr[:3000]
    return ctypes.CDLL(str(lib))


def _arr(values):
    return (ctypes.c_double * max(len(values), 1))(*values)


def _cases(texts, seed):
    return [(f"f{k}", *rest) for k, *rest in cases(texts, seed)]


def _run(tmp_path, cases, mode):
    sources, used = {}, []
    for name, g, p, rev, fwd in cases:
        what = "jacobian" if g.vector else "grad"
        sources[name] = generate(g, "c", what, mode, name).code
        used.append((name, g, p, rev if mode == "reverse" else fwd))
    lib = _compile(tmp_path, sources)
    bad = []
    for name, g, p, ref in used:
        n, m = len(p), len(g.outputs)
        x = _arr(p)
        if g.vector:
            fn = getattr(lib, f"{name}_jacobian")
            y, jac = _arr([0.0] * m), _arr([0.0] * (m * n))
            fn(x, y, jac)
            value, deriv = list(y)[:m], list(jac)[:m * n]
        else:
            fn = getattr(lib, f"{name}_grad")
            fn.restype = ctypes.c_double
            grad = _arr([0.0] * n)
            value, deriv = [fn(x, grad)], list(grad)[:n]
        want = [d for row in ref.derivative for d in row]
        if close(value, ref.value, 4) and close(deriv, want, 4):
            continue
        if GAMMA.search(sources[name]) and gamma_rounded_close(g, p, mode, (value, deriv), 4):
            continue
        bad.append((g.text, p, value, ref.value, deriv, want))
    return used, bad


GAMMA = re.compile(r"\b(adcli_digamma|adcli_polygamma|lgamma|tgamma)\(")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_samples_match_the_float_engine(tmp_path, mode):
    cases = _cases([s.read_text() for s in SAMPLES], 1)
    used, bad = _run(tmp_path, cases, mode)
    assert len(used) == len(SAMPLES)
    assert not bad, bad[:3]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_random_formulas_match_the_float_engine(tmp_path, mode):
    cases = _cases(battery(14, 200), 2)
    used, bad = _run(tmp_path, cases, mode)
    assert len(used) >= 180, len(used)   # the gamma family included
    assert not bad, bad[:3]


def test_matlab_sample_compiles_as_the_issue_says(tmp_path):
    code = generate(parse((SAMPLES[0].parent / "matlab.txt").read_text()), "c").code
    f = tmp_path / "f.c"
    f.write_text(code)
    run = subprocess.run([CC, "-std=c99", "-c", "-Wall", "-Wextra", "-Werror", "-pedantic",
                          str(f), "-o", str(tmp_path / "f.o")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "M_PI" not in code and "#pragma" not in code


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_hessian_samples(tmp_path):
    """C Hessians of the scalar samples against the engine (see test_codegen_py for the
    tolerance: the same partials in another order)."""
    from adcli.higher import hessian
    rng = random.Random(6)
    sources, cases = {}, []
    for k, s in enumerate(SAMPLES):
        g = parse(s.read_text())
        if g.vector:
            continue
        p = good_point(g, rng)[0]
        sources[f"h{k}"] = generate(g, "c", "hessian", "reverse", f"h{k}").code
        cases.append((f"h{k}", g, p, hessian(g, p)))
    lib = _compile(tmp_path, sources)
    for name, g, p, ref in cases:
        n = len(p)
        fn = getattr(lib, f"{name}_hessian")
        fn.restype = ctypes.c_double
        grad, hess = _arr([0.0] * n), _arr([0.0] * (n * n))
        value = fn(_arr(p), grad, hess)
        want = [ref.value] + list(ref.gradient)
        assert close([value] + list(grad)[:n], want, 4)
        assert close(list(hess)[:n * n] + want, sum((list(r) for r in ref.hessian), []) + want,
                     64), g.text
