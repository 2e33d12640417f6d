"""The C helpers for the gamma family (adcli_digamma, adcli_polygamma): against mpmath at
40 digits, against SciPy (the float engine's) where both are accurate, and the C gradient
and Hessian of gamma-family formulas against the float engine."""
from __future__ import annotations

import ctypes
import math
import random
import shutil
import subprocess

import pytest
from codegen_helpers import close, gamma_rounded_close

from adcli.codegen import generate
from adcli.codegen.c_gamma import DIGAMMA, POLYGAMMA
from adcli.higher import hessian
from adcli.parser import parse

mpmath = pytest.importorskip("mpmath")
special = pytest.importorskip("scipy.special")
CC = shutil.which("cc")
FLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-ffp-contract=off",
         "-fno-builtin", "-fPIC", "-shared"]
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")


def _lib(tmp_path, code: str):
    src = tmp_path / "lib.c"
    src.write_text(code)
    so = tmp_path / "lib.so"
    run = subprocess.run([CC, *FLAGS, "-o", str(so), str(src), "-lm"], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr[:3000]
    return ctypes.CDLL(str(so))


@pytest.fixture(scope="module")
def helpers(tmp_path_factory):
    lib = _lib(tmp_path_factory.mktemp("gamma"), "#include <math.h>\n" + DIGAMMA + POLYGAMMA
               + "double dg(double x) { return adcli_digamma(x); }\n"
               "double pg(double n, double x) { return adcli_polygamma(n, x); }\n")
    lib.dg.restype = lib.pg.restype = ctypes.c_double
    lib.dg.argtypes = [ctypes.c_double]
    lib.pg.argtypes = [ctypes.c_double, ctypes.c_double]
    return lib


def _ulps(got: float, exact) -> float:
    """|got − exact| in ULPs of the exact value (not of its rounding)."""
    return float(abs(mpmath.mpf(got) - exact) / math.ulp(float(exact)))


RNG = random.Random(14)
REGIONS = {       # where digamma is checked, and the largest error in ULPs
    "(0, 1)": ([RNG.uniform(1e-3, 1.0) for _ in range(200)], 2.5),
    "[1, 3], its root": ([RNG.uniform(1.0, 3.0) for _ in range(200)]
                         + [RNG.uniform(1.36, 1.56) for _ in range(100)], 2.0),
    "(3, 10)": ([RNG.uniform(3.0, 10.0) for _ in range(200)], 2.0),
    "[10, 1e15]": ([10 ** RNG.uniform(1.0, 15.0) for _ in range(200)], 1.5),
    "x < 0": ([-x for x in (RNG.uniform(0.01, 30.0) for _ in range(400))
               if abs(mpmath.digamma(-x)) > 2.0][:200], 3.5),
}


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_digamma_against_mpmath(helpers, region):
    xs, bound = REGIONS[region]
    with mpmath.workdps(40):
        worst = max(_ulps(helpers.dg(x), mpmath.digamma(x)) for x in xs)
    assert worst <= bound, worst


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_polygamma_against_mpmath(helpers, n):
    xs = ([RNG.uniform(1e-3, 1.0) for _ in range(60)] + [RNG.uniform(1.0, 10.0) for _ in
                                                         range(60)]
          + [10 ** RNG.uniform(1.0, 6.0) for _ in range(60)])
    if n % 2:       # odd orders: every term of the sum is positive, for x < 0 too
        xs += [RNG.uniform(-10.0, 0.0) for _ in range(60)]
    with mpmath.workdps(40):
        worst = max(_ulps(helpers.pg(n, x), mpmath.polygamma(n, x)) for x in xs)
    assert worst <= 3.5, worst


def test_helpers_special_values(helpers):
    assert helpers.dg(0.0) == -math.inf and helpers.dg(-0.0) == math.inf
    assert math.isnan(helpers.dg(-3.0)) and math.isnan(helpers.dg(math.nan))
    assert helpers.dg(math.inf) == math.inf and helpers.dg(1.0) == -0.5772156649015329
    assert helpers.pg(0.0, 2.5) == helpers.dg(2.5)
    assert math.isnan(helpers.pg(1.5, 2.0)) and math.isnan(helpers.pg(-1.0, 2.0))
    assert helpers.pg(1.0, 0.0) == math.inf and helpers.pg(2.0, -1.0) == -math.inf


def test_against_scipy_for_positive_x(helpers):
    """Against SciPy (the float engine's): digamma to 4 ULPs for x > 0; polygamma to 8,
    as SciPy's own polygamma is up to 7 ULPs from mpmath there (the test above holds
    adcli's to 3.5)."""
    xs = [RNG.uniform(1e-3, 10.0) for _ in range(300)] + [10 ** RNG.uniform(1, 12)
                                                          for _ in range(100)]
    for x in xs:
        want = float(special.digamma(x))
        assert abs(helpers.dg(x) - want) <= 4 * math.ulp(want), x
        for n in (1, 2, 3):
            want = float(special.polygamma(n, x))
            assert abs(helpers.pg(n, x) - want) <= 8 * math.ulp(want), (n, x)


GAMMA_FORMULAS = ["gamma(x)*y", "lgamma(x*y) + digamma(y)", "polygamma(1, x) * sin(y)",
                  "digamma(x/y) - polygamma(2, x + y)", "gamma(x + y) / gamma(x)"]


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_gamma_family_gradient_and_hessian(tmp_path):
    """The C gradient and Hessian (which needs polygamma) against the float engine at
    positive points, to the bounds of test_codegen_c's samples (4 and 64 ULPs); where the
    engine is off (Python's math.gamma is up to 7 ULPs from mpmath, C's tgamma is not),
    against the engine with the gamma family correctly rounded."""
    rng = random.Random(3)
    for k, text in enumerate(GAMMA_FORMULAS):
        g = parse(text)
        (tmp_path / f"h{k}").mkdir()
        lib = _lib(tmp_path / f"h{k}", generate(g, "c", "hessian", "reverse", "h").code)
        fn = lib.h_hessian
        fn.restype = ctypes.c_double
        for _ in range(20):
            p = [rng.uniform(0.3, 4.0) for _ in g.names]
            ref = hessian(g, p)
            x = (ctypes.c_double * 2)(*p)
            grad, hess = (ctypes.c_double * 2)(), (ctypes.c_double * 4)()
            value = fn(x, grad, hess)
            want = [ref.value, *ref.gradient]
            assert close([value, *grad], want, 4) or gamma_rounded_close(
                g, p, "reverse", ([value], list(grad)), 4), (text, p)
            assert close(list(hess), [h for row in ref.hessian for h in row], 64), (text, p)


def test_hessian_shares_digamma():
    """gamma(x)*y: Γ′ = Γ·ψ is needed by the gradient and its tangents; it is not computed
    once per use (it was three times: the primal tangent, the adjoint and its tangent)."""
    code = generate(parse("gamma(x)*y"), "c", "hessian").code
    body = code[code.index("f_hessian("):]
    assert body.count("adcli_digamma(") == 2 and body.count("adcli_polygamma(") == 1
