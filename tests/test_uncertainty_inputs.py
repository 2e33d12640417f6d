"""The input quantities of adcli uncertainty: every form, and what each one means."""
from __future__ import annotations

import math

import pytest

import adcli
from adcli.errors import UsageError
from adcli.propagation.inputs import quantity, read_correlations, read_inputs


def test_forms_and_their_moments():
    q = quantity("x", "pi/4 ± 1e-3")
    assert (q.kind, q.estimate, q.u) == ("normal", math.pi / 4, 1e-3)
    assert quantity("x", "N(2, 0.1)") == quantity("x", "2±0.1")
    u = quantity("x", "U(1.1, 1.3)")
    assert (u.kind, u.params) == ("rectangular", (1.1, 1.3))
    assert math.isclose(u.u, 0.2 / math.sqrt(12), rel_tol=1e-15)
    t = quantity("x", "T(-1, 3)")
    assert t.estimate == 1.0 and math.isclose(t.u, 4 / math.sqrt(24), rel_tol=1e-15)
    s = quantity("x", "t(2, 0.1, 7)")
    assert s.dof == 7 and math.isclose(s.u, 0.1 * math.sqrt(7 / 5), rel_tol=1e-15)
    c = quantity("x", "sqrt(2)")
    assert (c.kind, c.estimate, c.u, c.uncertain) == ("constant", math.sqrt(2), 0.0, False)
    assert quantity("x", 3).kind == "constant"


def test_ascii_plus_minus_is_an_expression_not_an_uncertainty():
    q = quantity("x", "2+-0.1")
    assert q.kind == "constant" and math.isclose(q.estimate, 1.9, rel_tol=1e-15)


def test_triangular_and_rectangular_sampled_with_their_variances():
    r = adcli.uncertainty("a + 10*b", inputs="a=T(0, 6), b=U(-1, 1)", monte_carlo=True,
                          trials=400_000, seed=11)
    u = math.sqrt(6 ** 2 / 24 + 100 * 4 / 12)
    assert math.isclose(r.standard_uncertainty, u, rel_tol=1e-15)
    assert abs(r.mc.u / u - 1) < 0.01 and abs(r.mc.mean - 3) < 0.05


def test_inputs_by_dict_and_formula_object():
    f = adcli.Formula("x*y")
    r = adcli.uncertainty(f, inputs={"x": "2±0.1", "y": 3})
    assert math.isclose(r.standard_uncertainty, 0.3, rel_tol=1e-15)
    assert [row["variable"] for row in r.budget] == ["x"]


@pytest.mark.parametrize("spec, message", [
    ({"x": object()}, "expected text"),
    ({"x": "U(1)"}, "takes 2 values"),
    ({"x": "t(1, -0.1, 5)"}, "scale s"),
    ({"x": "1±1e400"}, "beyond float64's range"),
    ({"x": "1±y"}, "not a number or constant expression"),
    ({"x": "Q(1, 2)"}, "not a number or constant expression"),
    (["x"], "dict"),
])
def test_bad_specs(spec, message):
    with pytest.raises(adcli.AdcliError, match=message) as info:
        adcli.uncertainty("x", inputs=spec)
    assert info.value.exit_code == 2


def test_correlations_symmetric_and_checked():
    qs = read_inputs("a=1±0.1, b=2±0.1, c=3", ["a", "b", "c"])
    r = read_correlations(["a,b=0.25"], qs)
    assert r[0][1] == r[1][0] == 0.25 and r[0][0] == 1.0
    with pytest.raises(UsageError, match="is a constant"):
        read_correlations("a,c=0.1", qs)
    with pytest.raises(UsageError, match="with itself"):
        read_correlations("a,a=0.1", qs)
    with pytest.raises(UsageError, match="name two inputs"):
        read_correlations("a=0.1", qs)


def test_notebook_display():
    r = adcli.uncertainty("x*y", inputs={"x": "2±0.1", "y": 3})
    html = r._repr_html_()
    assert "<pre" in html and "Uncertainty budget" in html and "0.3" in html
    from rich.console import Console
    c = Console(record=True, width=100)
    c.print(r)
    assert "u(y)" in c.export_text()
