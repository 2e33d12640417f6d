"""``adcli trace``: the text of the rules (folded constants, named constants, rules
at a kink, constant outputs) and of the cost summary, read from --json."""
from __future__ import annotations

import math

import pytest


# -- 3. constant outputs ---------------------------------------------------------------------------
def test_constant_output_in_json(adcli):
    d = adcli("trace", "[x, 2, x*x]", "--at", "1.5", "--json").json
    assert [(o["id"], o["constant"]) for o in d["outputs"]] == \
        [("v₀", False), ("2", True), ("v₁", False)]
    rows = [r for r in d["adjoint"] if r["output"] == 2]
    assert [(r["lhs"], r["rule"], r["value"]) for r in rows] == [("v̄₀", "0", 0)]
    assert d["gradient"] == [[1], [0], [3]]
    d = adcli("trace", "[x, 2*3]", "--at", "1.5", "--json", "--output", "2").json
    assert d["outputs"] == [{"output": 2, "name": "f2", "id": "6", "constant": True}]
    d = adcli("trace", "2+3", "--json").json
    assert d["value"] == 5 and d["gradient"] == [] and d["adjoint"] == []
    assert d["outputs"][0]["constant"] is True
    assert d["cost"]["reverse"] == {"sweeps": 0, "operations": 0}


# -- 4. rules at a kink print the convention's value -----------------------------------------
def test_tie_rule_prints_the_convention(adcli):
    d = adcli("trace", "max(x,y)", "--at", "1,1", "--json").json
    assert [(r["rule"], r["value"]) for r in d["adjoint"]] == \
        [("1", 1), ("v̄₁·½", 0.5), ("v̄₁·½", 0.5)]
    d = adcli("trace", "max(x,y)", "--at", "1,1", "-m", "forward", "--json").json
    assert d["tangent"][0]["rows"][-1]["rule"] == "v̇₋₁·½ + v̇₀·½"
    d = adcli("trace", "max(x,y)", "--at", "1,1", "--json", "--ascii").json
    assert d["adjoint"][1]["rule"] == "vbar1*0.5"
    # off the tie the rule is the indicator again; relu at 0 prints its 0
    d = adcli("trace", "max(x,y)", "--at", "2,1", "--json").json
    assert d["adjoint"][1]["rule"] == "v̄₁·[v₀ > v₋₁]" and d["adjoint"][1]["value"] == 0
    d = adcli("trace", "relu(x - 1) + min(x, 1)", "--at", "1", "--json").json
    rules = {r["lhs"]: r["rule"] for r in d["adjoint"]}
    assert rules["v̄₁"] == "v̄₃·0" and rules["v̄₀"] == "v̄₁ + v̄₂·½"
    assert d["gradient"] == [0.5]
    d = adcli("graph", "max(x,y)", "--at", "1,1", "--json").json
    assert [(e["partial"], e["value"]) for e in d["edges"]] == [("½", 0.5)] * 2


# -- 5. constants folded in rules -------------------------------------------------------------
@pytest.mark.parametrize("formula, forward, reverse, slope", [
    ("x^-1", "−v̇₀·v₀^(−2)", "−v̄₁·v₀^(−2)", -1 / 1.3 ** 2),
    ("x^-2.5", "−v̇₀·2.5·v₀^(−3.5)", "−v̄₁·2.5·v₀^(−3.5)", -2.5 * 1.3 ** -3.5),
    ("x^3", "v̇₀·3·v₀^2", "v̄₁·3·v₀^2", 3 * 1.3 ** 2),
    ("x^1", "v̇₀", "v̄₁", 1),
    ("x*(-3)", "−v̇₀·3", "−v̄₁·3", -3),
    ("e^x", "v̇₀·v₁", "v̄₁·v₁", math.exp(1.3)),
])
def test_constants_are_folded_in_rules(adcli, formula, forward, reverse, slope):
    fwd = adcli("trace", formula, "--at", "1.3", "-m", "forward", "--json").json
    rev = adcli("trace", formula, "--at", "1.3", "--json").json
    assert fwd["tangent"][0]["rows"][-1]["rule"] == forward
    assert rev["adjoint"][-1]["rule"] == reverse
    assert fwd["gradient"] == pytest.approx([slope], rel=1e-15) == rev["gradient"]


def test_definitions_keep_what_was_written(adcli):
    d = adcli("trace", "x^1 + x^-1", "--at", "2", "--json").json
    assert [p["expr"] for p in d["primal"]][1:3] == ["v₀^1", "v₀^(−1)"]


# -- 6. pi and e print by name -------------------------------------------------------------------
def test_pi_and_e_print_by_name(adcli):
    f = "pi*x + e - exp(x)*2"
    d = adcli("trace", f, "--at", "1", "--json").json
    assert [p["expr"] for p in d["primal"]] == \
        ["x", "π·v₀", "exp(v₀)", "v₁ + e", "v₂·2", "v₃ − v₄"]
    assert d["adjoint"][-1]["rule"] == "v̄₁·π + v̄₂·v₂"
    assert d["primal"][1]["value"] == math.pi
    d = adcli("trace", f, "--at", "1", "--json", "--ascii").json
    assert d["primal"][1]["expr"] == "pi*v0" and d["primal"][3]["expr"] == "v1 + e"
    d = adcli("trace", "-pi*x", "--at", "1", "--json").json
    assert d["adjoint"][-1]["rule"] == "−v̄₁·π"


# -- 7. wording ----------------------------------------------------------------------------------
def test_cost_wording(adcli):
    out = adcli("trace", "sin(x)*y", "--at", "1,2").out
    assert "(2 depend on the inputs)" in out
    out = adcli("trace", "x^2", "--at", "1").out
    assert "primal sweep: 1 elementary operation (1 depends on the inputs)" in out
    assert "(one per input) = 1 derivative operation\n" in out
    assert "(one per output) = 1 derivative operation\n" in out


def test_thousands_separators(adcli):
    f = " + ".join(f"x{k % 7 + 1}*sin(x{(k * 3) % 7 + 1} + {k})" for k in range(300))
    out = adcli("trace", f, "--at", "0.1,0.2,0.3,0.4,0.5,0.6,0.7").out
    assert "primal sweep: 1,199 elementary operations (1,199 depend on the inputs)" in out
    assert "= 8,393 derivative operations" in out
    assert "… 1,006 rows not shown" in out
