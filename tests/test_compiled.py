"""``--points --compile``: the compiled C kernel against the NumPy batch program.

The reference is the NumPy backend (:func:`adcli.batch.compile_program`), an independent
implementation of the same sweeps (NumPy's ufuncs, recorded tape): the kernel must give the
same numbers to 16 ulps of the largest entry of each point, and flag exactly the points the
NumPy program flags (domain errors, overflow, NaN inputs, kinks) for the float engine.
"""
from __future__ import annotations

import math
import random
import shutil

import numpy as np
import pytest
from codegen_helpers import SAMPLES, sample_text
from formulas import battery
from typer.testing import CliRunner

from adcli import batch
from adcli.batch import compiled
from adcli.cli import app
from adcli.codegen.batch_c import KINK, NONFINITE
from adcli.errors import UsageError
from adcli.parser import parse

pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    """One kernel cache for the session, never the user's."""
    monkeypatch.setenv("ADCLI_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kernels"))


def _both(g, command: str, X: np.ndarray, mode: str = "reverse"):
    kern = compiled.compile_kernel(g, command, mode)
    Yc, bc = kern.run(X)
    prog = batch.compile_program(g, command, mode)
    Yn, bn = prog.run(X)
    return prog, Yc, bc, Yn, bn


def _ulps_apart(g, prog, command: str, mode: str, X: np.ndarray, Yc: np.ndarray,
                Yn: np.ndarray, ok: np.ndarray) -> list:
    """Points (columns) where the kernel's results are not within 16 ulps of NumPy's (of
    the point's largest result, or of its largest trace value where terms cancel), nor
    within what the formula's conditioning makes of a few ulps there.

    C's libm and NumPy's SIMD functions differ by 1 to 4 ulp in a call (the README's bound:
    16 ulp).  Where terms cancel, that is ulps of the terms, not of the result.  Where the
    formula amplifies rounding, it amplifies these differences too; such a point passes if
    the kernel's results move no more than NumPy's own move when the inputs move by 4 ulp
    (tan(csc(x)) near a pole of tan), or if they are no further than 4 times NumPy's error
    from the answer at 40 digits (mpmath; acosh(exp(z)) near z = 0, where exp's rounding
    matters and the inputs' does not)."""
    from adcli.engine import evaluate
    from adcli.pipeline import Request, run
    far = []
    for k in np.flatnonzero(ok):
        a, b = Yc[:, k], Yn[:, k]
        tol = 16 * math.ulp(float(np.max(np.abs(b))))
        if np.all((a == b) | (np.abs(a - b) <= tol)):
            continue
        point = X[:, k].tolist()
        vals = evaluate(g, point)
        scale = max([abs(v) for v in vals if isinstance(v, float)] + [float(np.max(np.abs(b)))])
        if np.all(np.abs(a - b) <= 16 * math.ulp(scale)):
            continue
        signs = np.random.default_rng(k).choice([-1.0, 1.0], (X.shape[0], 4))
        moved = prog.run(X[:, [k]] * (1 + signs * 2.0 ** -50))[0]
        sens = float(np.nanmax(np.abs(moved - b[:, None])))
        if np.all(np.abs(a - b) <= 16 * math.ulp(scale) + 4 * sens):
            continue
        exact = np.array([float(v) for v in
                          run(Request(command, g, point, digits=40, mode=mode)).flat()])
        if not np.all(np.abs(a - exact) <= 4 * np.abs(b - exact) + 16 * math.ulp(scale)):
            far.append(int(k))
    return far


def _points(n_inputs: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(-2.0, 2.0, (n_inputs, n))


def _check(text: str, command: str, X: np.ndarray, mode: str = "reverse") -> tuple:
    g = parse(text)
    prog, Yc, bc, Yn, bn = _both(g, command, X, mode)
    assert Yc.shape == Yn.shape
    assert np.array_equal(bc, bn), (text, np.flatnonzero(bc != bn)[:5], X[:, bc != bn][:, :3])
    far = _ulps_apart(g, prog, command, mode, X, Yc, Yn, ~bn)
    assert not far, (text, command, X[:, far[0]], Yc[:, far[0]], Yn[:, far[0]])
    return bc


@pytest.mark.slow
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_samples_match_numpy(path):
    text = sample_text(path)
    g = parse(text)
    X = _points(g.n_inputs, 2000, 1)
    _check(text, "jacobian" if g.vector else "grad", X)
    _check(text, "eval", X)
    if g.vector:
        _check(text, "jacobian", X, "forward")
    else:
        _check(text, "hessian", X)


@pytest.mark.slow
def test_random_formulas_match_numpy():
    """Formulas of every registry function (tests/formulas.py), grad at 500 points each,
    Hessians of every fourth: the same numbers and the same flagged points as NumPy."""
    done = 0
    for k, text in enumerate(battery(16, 48)):
        g = parse(text)
        X = _points(g.n_inputs, 500, k)
        try:
            _check(text, "grad", X)
            if k % 4 == 0:
                _check(text, "hessian", X)
        except UsageError:         # a function with no C spelling (the gamma family)
            continue
        done += 1
    assert done >= 36


@pytest.mark.slow        # six compiles: over a second on a busy machine
def test_kinks_are_flagged_as_numpy_flags_them():
    X = np.array([[0.0, 1.0, 2.0, 3.0, -1.5, 0.0],
                  [0.0, 1.0, 1.0, 2.5, -1.5, 2.0]])
    for text, want in (("abs(x - y)", [1, 1, 0, 0, 1, 0]),
                       ("max(x, y)*x", [1, 1, 0, 0, 1, 0]),
                       ("min(x, y) + y", [1, 1, 0, 0, 1, 0]),
                       ("hypot(x, y)", [1, 0, 0, 0, 0, 0]),
                       ("floor(x) + y", [1, 1, 1, 1, 0, 1]),
                       ("relu(x) + y", [1, 0, 0, 0, 0, 1])):
        bc = _check(text, "grad", X)
        assert bc.astype(int).tolist() == want, text
        st = compiled.compile_kernel(parse(text), "grad").compute(X)[1]
        assert ((st & KINK) != 0).astype(int).tolist() == want, text


@pytest.mark.slow        # four compiles
def test_domain_errors_overflow_and_nan_inputs():
    X = np.array([[-1.0, 0.0, 2.0, np.nan, 800.0, 1e200, np.inf],
                  [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]])
    bc = _check("log(x)*y + exp(x)", "grad", X)
    assert bc.tolist() == [True, True, False, True, True, True, True]
    st = compiled.compile_kernel(parse("log(x)*y + exp(x)"), "grad").compute(X)[1]
    assert st.tolist() == [NONFINITE, NONFINITE, 0, NONFINITE, NONFINITE, NONFINITE, NONFINITE]
    _check("sqrt(x)*y", "hessian", X)
    _check("x^2*y", "eval", np.array([[1e200, 3.0], [1.0, 2.0]]))
    # NaN through C's fmax (which drops a NaN) is still flagged, as NumPy flags it
    _check("max(x, 1)*y", "grad", np.array([[np.nan, 2.0], [1.0, np.nan]]))


def test_second_compile_hits_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ADCLI_CACHE_DIR", str(tmp_path))
    g = parse("sin(x1)*x2 + x1/3")
    first = compiled.compile_kernel(g, "grad")
    assert not first.cached and first.compile_seconds > 0
    calls = []
    monkeypatch.setattr(compiled, "_build", lambda *a: calls.append(a) or "refused")
    second = compiled.compile_kernel(g, "grad")
    assert second.cached and second.compile_seconds == 0.0 and not calls
    assert second.path == first.path
    X = _points(2, 100, 3)
    assert np.array_equal(first.run(X)[0], second.run(X)[0])


def _cli(args: list[str]):
    return CliRunner().invoke(app, args)


def test_cli_compile_gives_numpys_output_and_notes_the_compile(tmp_path, monkeypatch):
    monkeypatch.setenv("ADCLI_CACHE_DIR", str(tmp_path / "cache"))
    pts = tmp_path / "p.csv"
    rng = random.Random(5)
    pts.write_text("x1,x2\n" + "".join(f"{rng.uniform(-3, 3)!r},{rng.uniform(-3, 3)!r}\n"
                                       for _ in range(50)) + "0,0\n1,-2\n")
    f = "x1*exp(-(x1^2+x2^2)/2) + abs(x1)"
    plain = _cli(["grad", f, "--points", str(pts)])
    first = _cli(["grad", f, "--points", str(pts), "--compile"])
    again = _cli(["grad", f, "--points", str(pts), "--compile"])
    assert plain.exit_code == first.exit_code == again.exit_code == 0
    assert "compiled the C kernel in" in first.stderr
    assert "compiled" not in again.stderr                   # from the cache
    for a, b in zip(first.stdout.splitlines()[1:], plain.stdout.splitlines()[1:], strict=True):
        x, y = np.array(a.split(","), float), np.array(b.split(","), float)
        assert np.all(np.abs(x - y) <= 16 * np.spacing(np.max(np.abs(y))))
    assert first.stdout.splitlines()[-2:] == plain.stdout.splitlines()[-2:]  # kink: float engine
    assert "warning: row 51" in first.stderr and "warning: row 51" in plain.stderr


def test_cli_compile_reports_bad_rows_as_numpy_does(tmp_path):
    pts = tmp_path / "p.csv"
    pts.write_text("x\n2\n-1\n3\n")
    plain = _cli(["hessian", "log(x)", "--points", str(pts)])
    comp = _cli(["hessian", "log(x)", "--points", str(pts), "--compile"])
    assert comp.exit_code == plain.exit_code == 1
    assert comp.stdout == plain.stdout
    assert "row 2 (line 3): domain error: log" in comp.stderr


def test_no_compiler_falls_back_to_numpy_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "find_cc", lambda: None)
    pts = tmp_path / "p.csv"
    pts.write_text("x,y\n1,2\n0.5,-3\n")
    plain = _cli(["jacobian", "[x*y, sin(x)]", "--points", str(pts)])
    comp = _cli(["jacobian", "[x*y, sin(x)]", "--points", str(pts), "--compile"])
    assert comp.exit_code == 0 and comp.stdout == plain.stdout
    assert comp.stderr.count("\n") == 1
    assert "no C compiler (cc) on the PATH; --compile runs on NumPy instead" in comp.stderr


def test_compile_needs_points():
    r = _cli(["grad", "x^2", "--at", "1", "--compile"])
    assert r.exit_code == 2 and "--compile" in r.stderr
    r = _cli(["hessian", "x^2", "--at", "1", "--compile", "--json"])
    assert r.exit_code == 2 and '"error"' in r.stdout


def test_formula_compile_matches_numpy():
    import adcli
    f = adcli.Formula("x1*exp(-(x1^2+x2^2)/2) + max(x1, x2)")
    X = _points(2, 300, 9).T
    X[0] = [0.5, 0.5]                                   # a kink: the float engine's answer
    fc = f.compile()
    assert fc.compiled and not f.compiled and repr(fc).endswith(".compile()")
    for name in ("evaluate", "grad", "hessian"):
        a, b = getattr(fc, name)(points=X), getattr(f, name)(points=X)
        assert np.allclose(a.value, b.value, rtol=1e-14, atol=0)
    g1, g2 = fc.grad(points=X), f.grad(points=X)
    assert np.array_equal(g1.gradient[0], g2.gradient[0])
    assert np.allclose(g1.gradient, g2.gradient, rtol=1e-14, atol=1e-300)


def test_formula_compile_without_compiler_warns(monkeypatch):
    import adcli
    monkeypatch.setattr(compiled, "find_cc", lambda: None)
    with pytest.warns(RuntimeWarning, match="runs on NumPy"):
        r = adcli.Formula("x*y").compile().grad(points=[[1, 2]])
    assert r.gradient.tolist() == [[2.0, 1.0]]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_dask_partitions_run_the_compiled_kernel_under_compile():
    # the job a Dask worker gets (FrameJob) carries --compile: its program is the C
    # kernel, whose numbers are NumPy's within 16 ulp of the point's largest entry
    from adcli.batch.frames import FrameJob
    from adcli.pipeline import Request
    text = "x1*exp(-(x1^2+x2^2)/2)"
    X = _points(2, 1000, seed=5)
    outs = []
    for flag in (True, False):
        job = FrameJob(Request("grad", parse(text), None, compiled=flag))
        prog = job.parts()[2]
        assert isinstance(prog, compiled.CompiledProgram) == flag
        Y, failed = job.run(X)
        assert not failed
        outs.append(Y)
    ref = outs[1]
    assert np.all(np.abs(outs[0] - ref) <= 16 * np.spacing(np.abs(ref).max(axis=0)))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_zero_partial_times_infinite_adjoint_flags_as_numpy():
    # acosh(ceil(y)) on (0, 1]: ceil's partial is 0 and acosh's at 1 is infinite; the
    # engine (and NumPy) compute inf·0 = NaN and flag the point, so the kernel must too
    X = np.array([[0.25, 0.5, 1.0, 1.5, 2.5]])
    _check("acosh(ceil(y))", "grad", X)
