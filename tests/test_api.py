"""The public Python API (issue 10 §3), against SymPy / mpmath and against the CLI's JSON."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import threading

import mpmath
import numpy as np
import pytest
import sympy as sp

import adcli

X1, X2, X, Y = sp.symbols("x1 x2 x y")
MATLAB = "x1*exp(-(x1^2+x2^2)/2)"
F = X1 * sp.exp(-(X1**2 + X2**2) / 2)


def ref(expr, at: dict, digits: int = 30):
    return sp.N(expr.subs(at), digits)


def close(ours, want, digits: int = 14) -> bool:
    with mpmath.workdps(60):
        o, r = mpmath.mpf(str(ours)), mpmath.mpf(str(sp.N(want, 50)))
        return abs(o - r) <= max(abs(r), mpmath.mpf(1)) * mpmath.mpf(10) ** (1 - digits)


AT = {X1: 2, X2: sp.Rational(1, 2)}


@pytest.fixture
def cli(adcli):
    """The CLI in-process (conftest's ``adcli`` fixture, renamed: here adcli is the API)."""
    return adcli


def test_grad_matches_sympy_and_the_cli_json(cli):
    res = adcli.grad(MATLAB, at=[2, 0.5])
    assert res.variables == ["x1", "x2"] and res.warnings == []
    assert close(res.value, ref(F, AT))
    assert all(close(g, ref(sp.diff(F, v), AT))
               for g, v in zip(res.gradient, (X1, X2), strict=True))
    assert res.to_dict() == cli("grad", MATLAB, "--at", "2,0.5", "--json").json


@pytest.mark.parametrize("at", [[2, 0.5], (2.0, 0.5), {"x1": 2, "x2": 0.5}, "x1=2,x2=0.5",
                                "2,1/2", np.array([2.0, 0.5])])
def test_at_takes_a_sequence_a_dict_or_the_cli_text(at):
    res = adcli.grad(MATLAB, at=at)
    assert res.point == [2.0, 0.5]
    assert close(res.gradient[0], ref(sp.diff(F, X1), AT))


def test_formula_parses_once_and_answers_every_command():
    f = adcli.Formula("x*y^3 + sin(x)", vars="x,y")
    e = X * Y**3 + sp.sin(X)
    at = {X: sp.Rational(1, 4), Y: 2}
    point = [0.25, 2]
    assert close(f.evaluate(at=point).value, ref(e, at))
    h = f.hessian(at=point)
    H = sp.hessian(e, (X, Y)).subs(at)
    assert all(close(h.hessian[i][j], H[i, j]) for i in range(2) for j in range(2))
    hv = f.hvp(at=point, direction=[1, -1])
    assert all(close(a, b) for a, b in zip(hv.hvp, H * sp.Matrix([1, -1]), strict=True))
    jv = f.jvp(at=point, direction=[0, 1])
    assert close(jv.jvp, sp.diff(e, Y).subs(at))
    vj = f.vjp(at=point)
    assert all(close(a, sp.diff(e, v).subs(at)) for a, v in zip(vj.vjp, (X, Y), strict=True))
    d = f.derivative(at=point, direction=[1, 0], order=4)
    assert all(close(a, sp.diff(e, X, k).subs(at), 12) for k, a in enumerate(d.derivatives))


def test_jacobian_of_a_vector_formula_and_its_mode():
    r = adcli.jacobian("[r*cos(t), r*sin(t)]", at="r=2,t=pi/6")
    R, T = sp.symbols("r t")
    J = sp.Matrix([R * sp.cos(T), R * sp.sin(T)]).jacobian((R, T)).subs({R: 2, T: sp.pi / 6})
    assert all(close(r.jacobian[i][j], J[i, j]) for i in range(2) for j in range(2))
    assert r.mode == "forward" and "auto mode chose forward" in r.to_dict()["mode_reason"]


def test_digits_gives_mpmath_results_to_the_last_digit():
    res = adcli.hessian("x*y^3 + sin(x)", at="x=1/3,y=2", digits=40)
    e = X * Y**3 + sp.sin(X)
    at = {X: sp.Rational(1, 3), Y: 2}
    H = sp.hessian(e, (X, Y)).subs(at)
    assert res.to_dict()["digits"] == 40
    assert all(close(res.hessian[i][j], H[i, j], 40) for i in range(2) for j in range(2))
    assert isinstance(res.to_dict()["value"], str)


def test_points_give_arrays_and_the_cli_json_lines(cli, tmp_path):
    pts = np.array([[2.0, 0.5], [0.5, -1.0], [-1.5, 0.25], [0.0, 0.0]])
    res = adcli.Formula(MATLAB).grad(points=pts)
    assert res.value.shape == (4,) and res.gradient.shape == (4, 2)
    for k, (a, b) in enumerate(pts):
        at = {X1: sp.Float(a), X2: sp.Float(b)}
        assert close(res.value[k], ref(F, at))
        assert all(close(res.gradient[k, j], ref(sp.diff(F, v), at))
                   for j, v in enumerate((X1, X2)))
    src = tmp_path / "p.csv"
    src.write_text("x1,x2\n" + "\n".join(f"{a!r},{b!r}" for a, b in pts.tolist()) + "\n")
    lines = cli("grad", MATLAB, "--points", str(src), "--json").out.splitlines()
    assert list(res.to_dicts()) == [json.loads(line) for line in lines]


def test_hessian_points_shapes():
    pts = np.array([[1.0, 2.0], [0.5, -1.0]])
    res = adcli.hessian("x*y^3 + sin(x)", points=pts)
    assert res.hessian.shape == (2, 2, 2) and res.gradient.shape == (2, 2)
    e = X * Y**3 + sp.sin(X)
    for k, (a, b) in enumerate(pts):
        H = sp.hessian(e, (X, Y)).subs({X: a, Y: b})
        assert all(close(res.hessian[k, i, j], H[i, j]) for i in range(2) for j in range(2))


def test_a_bad_point_raises_unless_skipped():
    pts = np.array([[1.0], [-1.0], [np.e]])
    with pytest.raises(adcli.AdcliError) as info:
        adcli.grad("log(x)", points=pts)
    assert info.value.input_row == 2 and "log needs x > 0" in info.value.message
    res = adcli.grad("log(x)", points=pts, on_error="skip")
    assert np.isnan(res.value[1]) and close(res.value[2], 1) and close(res.gradient[0, 0], 1)
    assert [k for k, _ in res.errors] == [1]
    assert len(list(res.to_dicts())) == 2


def test_errors_are_adcli_errors_with_the_cli_messages_and_attributes(cli):
    with pytest.raises(adcli.ParseError) as info:
        adcli.grad("x1 + * x2", at=[1, 2])
    assert info.value.column == 6
    assert info.value.to_json() == cli("grad", "x1 + * x2", "--at", "1,2", "--json").json["error"]
    with pytest.raises(adcli.EvalError) as info:
        adcli.evaluate("log(x - 3)", at=[1])
    assert info.value.row == "v₂" and isinstance(info.value, adcli.AdcliError)
    with pytest.raises(adcli.UsageError):
        adcli.grad("[x, y]", at=[1, 2])
    with pytest.raises(adcli.PointError):
        adcli.grad("x*y", at={"x": 1})


def test_trace_and_check_equal_the_cli_json(cli):
    t = adcli.trace("ln(x1) + x1*x2 - sin(x2)", at=[2, 5])
    assert t.to_dict() == cli("trace", "ln(x1) + x1*x2 - sin(x2)", "--at", "2,5", "--json").json
    t = adcli.trace("max(x, y)", at="1/3,1/3", digits=20)     # a kink warning, to 20 digits
    assert t.to_dict() == cli("trace", "max(x, y)", "--at", "1/3,1/3", "--digits", "20",
                              "--json").json
    assert "0.33333333333333333333" in t.warnings[0]
    c = adcli.check("sin(x)*y", at=[1, 2])
    assert c.to_dict() == cli("check", "sin(x)*y", "--at", "1,2", "--json").json
    assert c.verdict == "agree"


def test_results_render_as_the_cli_tables(cli):
    from rich.console import Console
    res = adcli.grad(MATLAB, at=[2, 0.5])
    buf = io.StringIO()
    Console(file=buf, width=80, highlight=False, soft_wrap=False).print(res)
    table = cli("grad", MATLAB, "--at", "2,0.5").out
    assert [line.rstrip() for line in buf.getvalue().splitlines()] == \
        [line.rstrip() for line in table.splitlines()]
    html = res._repr_html_()
    assert html.startswith("<pre") and "-0.35829890480015886" in html


def race(work, args) -> None:
    """``work(a)`` for every ``a`` at once, one thread each, switching as often as possible."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(a,)) for a in args]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_parsing_and_evaluation_are_thread_safe():
    """Many threads parse and differentiate different formulas at once; each gets its own
    formula back (with one process-wide parser state, they would mix)."""
    n, terms = 8, 60
    results: dict = {}

    def text(k: int) -> str:
        return " + ".join(f"{k + 1}*x^{j % 3 + 1}*y" for j in range(terms))

    def work(k: int) -> None:
        for _ in range(15):
            r = adcli.grad(text(k), at=[1.5, 2])
            results.setdefault(k, set()).add((r.expression, r.value, tuple(r.gradient)))
    race(work, range(n))
    at = {X: sp.Rational(3, 2), Y: 2}
    for k in range(n):
        assert len(results[k]) == 1
        expr, value, grad = results[k].pop()
        e = sum((k + 1) * X**(j % 3 + 1) * Y for j in range(terms))
        assert expr == text(k)
        assert close(value, e.subs(at)) and close(grad[0], sp.diff(e, X).subs(at))
        assert close(grad[1], sp.diff(e, Y).subs(at))


def test_import_adcli_stays_light():
    code = ("import sys, adcli; heavy = ['numpy', 'scipy', 'sympy', 'mpmath', 'lark', 'rich', "
            "'typer']; print([m for m in heavy if m in sys.modules]); "
            "print(callable(adcli.grad), 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "[]" and out[1] == "True False"


def test_adcli_check_and_trace_are_the_api_functions():
    # the internal packages are adcli.checking and adcli.tracing, so the names are free
    import adcli.checking
    import adcli.tracing
    assert adcli.check is adcli.api.check and adcli.trace is adcli.api.trace
    assert adcli.checking.check is not adcli.check

def test_digits_in_threads_keep_each_precision():
    """mpmath's precision is process-wide: --digits computations take turns, each at its own."""
    out: dict = {}

    def work(digits: int) -> None:
        for _ in range(5):
            text = adcli.evaluate("sqrt(x)", at="2", digits=digits).to_dict()["value"]
            out.setdefault(digits, set()).add(text)
    race(work, (20, 35, 50, 65, 80))
    for d, texts in out.items():
        assert texts == {str(sp.N(sp.sqrt(2), d)).rstrip("0")}, (d, texts)   # N digits, no more


def test_many_points_render_as_the_points_csv(cli, tmp_path):
    from rich.console import Console
    pts = np.array([[2.0, 0.5], [0.5, -1.0], [-1.5, 0.25]])
    res = adcli.grad(MATLAB, points=pts)
    buf = io.StringIO()
    Console(file=buf, width=200, highlight=False).print(res)
    shown = [line.split() for line in buf.getvalue().splitlines()[3:]]
    src = tmp_path / "p.csv"
    src.write_text("x1,x2\n" + "\n".join(f"{a!r},{b!r}" for a, b in pts.tolist()) + "\n")
    csv_rows = [line.split(",") for line in cli("grad", MATLAB, "--points", str(src)).out
                .splitlines()[1:]]
    assert [[float(v) for v in row] for row in shown] == \
        [[float(v) for v in row] for row in csv_rows]
    assert "<pre" in res._repr_html_()


def test_check_takes_the_clis_rtol(adcli):
    # sin(10*x) at 1.4 agrees only by AD's rounding spread (README); a cap below AD's
    # actual error against SymPy (about 1e-15 relative) turns that into a disagreement
    assert adcli_api_check("sin(10*x)", 1.4).verdict == "agree"
    tight = adcli_api_check("sin(10*x)", 1.4, rtol=1e-17)
    assert tight.verdict == "disagree"
    cli = adcli("check", "sin(10*x)", "--at", "1.4", "--rtol", "1e-17", "--json")
    assert cli.code == 4 and tight.to_dict()["verdict"] == cli.json["verdict"]


def adcli_api_check(text, x, **kw):
    return adcli.check(text, at=[x], **kw)
