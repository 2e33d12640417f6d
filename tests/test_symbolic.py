"""IR -> SymPy, the printer back into adcli's syntax, and the timed worker."""
from __future__ import annotations

import math
import time

import pytest
import sympy as sp

from adcli import symbolic
from adcli.engine import evaluate
from adcli.functions import OPS
from adcli.parser import parse

# a point inside every op's domain (the second value for binary ops)
POINTS = {"acosh": (1.7,), "atan2": (0.7, -0.4), "pow": (0.7, 1.6)}


def _symbols(g):
    return [sp.Symbol(n, real=True) for n in g.names]


def _formula(op) -> str:
    if op.name in ("add", "sub", "mul", "div"):
        sign = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[op.name]
        return f"x {sign} y"
    if op.name == "neg":
        return "-x"
    return f"{op.name}(x)" if op.arity == 1 else f"{op.name}(x, y)"


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_row_translates_to_the_same_function(name):
    op = OPS[name]
    g = parse(_formula(op), ["x", "y"][:op.arity])
    at = POINTS.get(name, tuple(lo if lo == hi else v   # a constant argument: its value
                                for v, (lo, hi) in zip((0.7, 0.4), op.sample, strict=False)))
    syms = _symbols(g)
    expr = symbolic.translate(g, sp, syms)[g.outputs[0]]
    want = expr.evalf(40, subs={s: sp.Rational(v) for s, v in zip(syms, at, strict=True)})
    got = evaluate(g, list(at))[g.outputs[0]]
    assert float(want) == pytest.approx(got, rel=4e-16, abs=1e-300)


def test_constants_are_the_float64_values_exactly():
    g = parse("0.1*x")
    expr = symbolic.translate(g, sp, _symbols(g))[g.outputs[0]]
    coeff = expr.as_coeff_Mul()[0]
    assert sp.Rational(coeff) == sp.Rational(0.1)        # the binary fraction, not 1/10
    assert symbolic.constant(sp, 3.0) == sp.Integer(3)


def test_names_that_mean_something_to_sympify_stay_plain_symbols():
    # sympify("N*S + I") would read N as a function, S as the singleton registry and I as
    # the imaginary unit; the translation never parses text, so they are just variables.
    g = parse("N*S + I*E_")
    syms = _symbols(g)
    expr = symbolic.translate(g, sp, syms)[g.outputs[0]]
    by = dict(zip(g.names, syms, strict=True))
    assert sp.diff(expr, by["N"]) == by["S"]
    assert sp.diff(expr, by["I"]) == by["E_"]


PRINTED = ["x1*exp(-(x1^2+x2^2)/2)", "ln(x1) + x1*x2 - sin(x2)", "sqrt(x)/(1+x)",
           "1/(x*y) - x/y^3", "atan2(y, x)*x", "(x-1)^-2 + 2.5*x^0.1", "x^x",
           "tanh(3*x)*y", "-x^2*cos(y)/(1+y^2)", "log2(x) + log10(y)", "sigmoid(x*y)",
           "hypot(x, y)", "exp(-x)*erf(y)", "asin(x/2) + acos(y/3)", "x/(y*(1+x))"]


@pytest.mark.parametrize("text", PRINTED)
def test_printed_derivative_reads_back_in_adcli(text):
    """SymPy's derivative, printed in adcli's syntax, parses and evaluates to SymPy's value."""
    g = parse(text)
    syms = _symbols(g)
    expr = symbolic.translate(g, sp, syms)[g.outputs[0]]
    at = [0.7, 1.3][:len(syms)]
    subs = {s: sp.Rational(v) for s, v in zip(syms, at, strict=True)}
    for s in syms:
        d = sp.diff(expr, s)
        printed = symbolic.adcli_text(sp, d)
        h = parse(printed, g.names)
        assert evaluate(h, at)[h.outputs[0]] == pytest.approx(float(d.evalf(30, subs=subs)),
                                                              rel=1e-14), printed


def test_printer_shapes():
    x, y = sp.symbols("x y", real=True)
    t = lambda e: symbolic.adcli_text(sp, e)  # noqa: E731
    assert t(-x ** 2) == "-x^2"
    assert t(x - 2 * y) == "x - 2*y"
    assert t(1 / (x * y)) == "1/(x*y)"
    assert t(x ** sp.Rational(1, 3)) == "x^(1/3)"
    assert t(sp.sqrt(x)) == "sqrt(x)"
    assert t((x + 1) ** -2) in ("1/(x + 1)^2", "1/(1 + x)^2")
    assert t(sp.Abs(x) + sp.Max(x, y)) in ("abs(x) + max(x, y)", "max(x, y) + abs(x)")


def test_printer_does_not_recurse():
    x = sp.Symbol("x", real=True)
    e = x
    for _ in range(3000):
        e = sp.sin(e, evaluate=False)      # SymPy's own evaluation would recurse
    text = symbolic.adcli_text(sp, e)
    assert text.startswith("sin(sin(") and text.count("sin(") == 3000


class _Tree:
    """A stand-in for the sympy module: nodes are tuples (SymPy itself recurses when it
    builds 10,000-deep expressions; this checks that the translation loop does not)."""

    Integer = Float = staticmethod(lambda v: v)

    def __getattr__(self, name):
        return lambda *args: (name,) + args


def test_translate_is_one_loop_over_the_trace():
    g = parse("sin(" * 10_000 + "exp(x)" + ")" * 10_000)
    exprs = symbolic.translate(g, _Tree(), ["x"])
    assert len(exprs) == g.n_nodes
    top = exprs[g.outputs[0]]
    assert top[0] == "sin" and top[1][0] == "sin"


def test_compute_rows_values_and_swell():
    g = parse("x1*exp(-(x1^2+x2^2)/2)")
    res = symbolic.compute(g, [2.0, 0.5], digits=40, timeout=60)
    assert res.state == "ok"
    text, digits, note = res.rows[(0, 0)]
    assert text == "-x1^2*exp(-x1^2/2 - x2^2/2) + exp(-x1^2/2 - x2^2/2)"
    import mpmath
    with mpmath.workdps(50):
        exact = -3 * mpmath.exp(mpmath.mpf("-2.125"))
        assert abs(mpmath.mpf(digits) - exact) < mpmath.mpf(10) ** -38
    assert res.raw_ops > res.cse_ops > 0


def test_compute_zero_timeout_skips():
    res = symbolic.compute(parse("x^2"), [1.0], timeout=0)
    assert res.state == "skipped" and not res.rows


@pytest.mark.slow
def test_compute_timeout_keeps_finished_rows(monkeypatch):
    def slow(g, point, digits):
        yield ("row", 0, 0, "first", "1.0", "")
        time.sleep(60)
        yield ("row", 0, 1, "never", "2.0", "")

    monkeypatch.setattr(symbolic, "_work", slow)
    res = symbolic.compute(parse("x*y"), [1.0, 2.0], timeout=0.5)
    assert res.state == "timeout" and "0.5" in res.message
    assert res.rows == {(0, 0): ("first", "1.0", "")}
    import multiprocessing
    assert multiprocessing.active_children() == []      # the worker was killed and reaped


def test_compute_reports_sympy_failures(monkeypatch):
    def broken(g, point, digits):
        raise RecursionError
        yield  # pragma: no cover

    monkeypatch.setattr(symbolic, "_work", broken)
    res = symbolic.compute(parse("x*y"), [1.0, 2.0], timeout=30)
    assert res.state == "error" and "nested" in res.message


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_in_process_fallback_times_out_with_alarm(monkeypatch):
    def slow(g, point, digits):
        yield ("row", 0, 0, "first", "1.0", "")
        time.sleep(60)

    monkeypatch.setattr(symbolic, "_work", slow)
    res = symbolic.Symbolic()
    symbolic._in_process(parse("x*y"), [1.0, 2.0], 30, 0.3, res)
    assert res.state == "timeout" and (0, 0) in res.rows


def test_point_enters_as_exact_rationals():
    # d/dx (x - 0.1)^2 at x = 0.1 is exactly 0 only if both 0.1s are the same binary value
    res = symbolic.compute(parse("(x - 0.1)^2"), [0.1], timeout=60)
    assert res.rows[(0, 0)][1] is not None
    assert math.isclose(float(res.rows[(0, 0)][1]), 0.0, abs_tol=0.0)


def test_without_sympy_the_column_says_so(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "sympy", None)      # import sympy -> ImportError
    res = symbolic.compute(parse("x^2"), [1.0], timeout=5)
    assert res.state == "unavailable" and "pip install sympy" in res.message


# -- --digits: exact points and constants as written -----------------------------------------------
def test_exact_values_of_floats_and_mpmath_numbers():
    import mpmath
    assert symbolic.exact(sp, 0.1) == sp.Rational(0.1)
    with mpmath.workdps(60):
        third = mpmath.mpf(1) / 3
        q = symbolic.exact(sp, third)
        assert mpmath.mpf(q.p) / q.q == third                      # the same binary fraction
        assert abs(q - sp.Rational(1, 3)) < sp.Rational(1, 10 ** 60)
        assert symbolic.exact(sp, mpmath.mpf(0)) == 0
        assert symbolic.exact(sp, mpmath.mpf(-6)) == -6


def test_decimal_translation_keeps_constants_as_written():
    g = parse("0.1*x + pi - e*2.5e-3")
    expr = symbolic.translate(g, sp, _symbols(g), decimal=True)[g.outputs[0]]
    x = _symbols(g)[0]
    assert sp.simplify(expr - (x / 10 + sp.pi - sp.E / 400)) == 0
    binary = symbolic.translate(g, sp, _symbols(g))[g.outputs[0]]
    assert sp.diff(binary, x) != sp.Rational(1, 10)                  # float64's 0.1


def test_compute_at_an_mpmath_point_uses_decimal_constants():
    import mpmath
    g = parse("sin(0.1*x)")
    with mpmath.workdps(70):
        point = [mpmath.mpf(1) / 3]
    res = symbolic.compute(g, point, digits=60, timeout=30)
    _, value, _ = res.rows[(0, 0)]
    with mpmath.workdps(80):
        want = mpmath.cos(mpmath.mpf(1) / 30) / 10
        assert abs(mpmath.mpf(value) - want) < mpmath.mpf(10) ** -58
