"""Shared by the codegen tests: random points where the float engine works, generated
modules imported from temporary files (never exec'd), ULP comparisons."""
from __future__ import annotations

import importlib.util
import math
import pathlib
import random
import sys

from adcli.engine import differentiate
from adcli.errors import AdcliError
from adcli.ir import Graph
from adcli.parser import parse

sys.path.insert(0, str(pathlib.Path(__file__).parent))

SAMPLES = sorted((pathlib.Path(__file__).parent.parent / "samples").glob("*.txt"))


def sample_text(path: pathlib.Path) -> str:
    return path.read_text()


def good_point(g: Graph, rng: random.Random, tries: int = 30):
    """A random point where both modes work and no kink is hit (None if none found)."""
    for _ in range(tries):
        p = [rng.uniform(-2.0, 2.0) for _ in g.names]
        try:
            rev = differentiate(g, p, "reverse")
            fwd = differentiate(g, p, "forward")
        except (AdcliError, ValueError, ZeroDivisionError, OverflowError):
            continue
        vals = rev.value + [d for row in rev.derivative for d in row]
        if rev.warnings or any(abs(v) > 1e150 for v in vals):
            continue
        return p, rev, fwd
    return None


def close(got: list, want: list, ulps: float) -> bool:
    """Every entry within ``ulps`` ULPs of the largest entry."""
    scale = max([abs(w) for w in want] + [0.0])
    tol = ulps * math.ulp(scale) if scale else 0.0
    return all((a == b) or abs(a - b) <= tol for a, b in zip(got, want, strict=True))


def import_file(path: pathlib.Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cases(texts: list[str], seed: int) -> list:
    """(k, graph, point, reverse result, forward result) for each formula with a good point."""
    rng = random.Random(seed)
    out = []
    for k, text in enumerate(texts):
        g = parse(text)
        found = good_point(g, rng)
        if found is not None:
            out.append((k, g, *found))
    return out


def gamma_rounded_close(g: Graph, p: list, mode: str, got: tuple, ulps: float) -> bool:
    """For the gamma family, whose float engine values (SciPy's, Python's math.gamma) are
    not the C library's: SciPy's digamma of x < 0 is off by hundreds of ULPs (cephes's
    cot(πx) without an exact reduction), its gammaln near its roots and math.gamma by up
    to 7 ULPs, which a badly conditioned formula magnifies (erfc(gamma(z))).  The value
    and derivatives ``got`` against the float engine whose gamma and lgamma are the C
    library's (as its sin and exp already are) and whose digamma and polygamma are
    mpmath's at 40 digits, correctly rounded, to ``ulps`` ULPs of the largest entry."""
    ref = differentiate(g, p, mode, _rounded_gamma())
    return close(got[0], ref.value, ulps) and \
        close(got[1], [d for row in ref.derivative for d in row], ulps)


def _rounded_gamma():
    import ctypes
    import ctypes.util

    import mpmath

    from adcli.backends.floats import FloatMath
    libm = ctypes.CDLL(ctypes.util.find_library("m"))

    def c(name: str):
        fn = getattr(libm, name)
        fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_double]
        return staticmethod(lambda x: float(fn(x)))

    def rounded(fn):
        def f(*args: float) -> float:
            with mpmath.workdps(40):
                try:
                    return float(fn(*(mpmath.mpf(a) for a in args)))
                except (ValueError, ZeroDivisionError) as e:
                    raise ValueError("math domain error") from e
        return staticmethod(f)
    return type("RoundedGamma", (FloatMath,), {
        "gamma": c("tgamma"), "lgamma": c("lgamma"), "digamma": rounded(mpmath.digamma),
        "polygamma": rounded(lambda n, x: mpmath.polygamma(int(n), x))})
