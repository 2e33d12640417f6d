"""``adcli trace`` and ``adcli graph``: how traces read in each format (issue 3's
display audit; the rule text itself is in test_trace_rules.py).

The numbers were right; these tests pin down the text around them: literal
brackets in Rich tables, long rules shortened, constant outputs, the wording
of titles and notes, and errors.
"""
from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from adcli.render import RULE_WIDTH, clip, shorten_rule, term_cuts


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch):
    """Tables as they print when piped: no COLUMNS, so Rich's default 80."""
    monkeypatch.delenv("COLUMNS", raising=False)


def rows_of(out: str, first: str) -> list:
    """The lines of the table whose title starts with ``first``."""
    lines = out.splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith(first))
    body = []
    for ln in lines[k + 3:]:
        if not ln.startswith(("v", "⋮", " " * 6)):
            break
        body.append(ln)
    return body


# -- 1. Rich never reads rule text as markup -------------------------------------------------------
def test_bracketed_partials_print_in_the_table(adcli):
    f = "min(x, y) + relu(x - y)"
    out = adcli("trace", f, "--at", "1.5,0.8").out
    assert re.search(r"v̄₂\s+v̄₃·\[v₂ > 0\]\s+1\n", out)
    assert re.search(r"v̄₀\s+v̄₁·\[v₀ < v₋₁\] − v̄₂\s+0\n", out)
    assert re.search(r"v̄₋₁\s+v̄₁·\[v₋₁ < v₀\] \+ v̄₂\s+1\n", out)
    fwd = adcli("trace", f, "--at", "1.5,0.8", "-m", "forward", "--wrt", "x").out
    assert re.search(r"v̇₁\s+v̇₋₁·\[v₋₁ < v₀\] \+ v̇₀·\[v₀ < v₋₁\]\s+0\n", fwd)
    assert re.search(r"v̇₃\s+v̇₂·\[v₂ > 0\]\s+1\n", fwd)
    asc = adcli("trace", f, "--at", "1.5,0.8", "--ascii").out
    assert "vbar3*[v2 > 0]" in asc and "vbar1*[v0 < v-1] - vbar2" in asc


def test_markup_like_text_is_literal_everywhere(adcli):
    # the header, the sources and a --vars name that Rich would read as a tag or emoji
    out = adcli("trace", "[x*bold, bold + x]", "--at", "1,2", "--vars", "bold,x").out
    assert "f(bold, x) = [x*bold, bold + x]" in out
    assert re.search(r"v₁\s+v₀·v₋₁\s+x\*bold\s+2\n", out)
    out = adcli("trace", "[sin(x), cos(x)]", "--at", "0", "-m", "forward").out
    assert "= [sin(x), cos(x)]" in out and "∂f1/∂x = 1, ∂f2/∂x = 0" in out
    assert "[bold]" in adcli("trace", "[bold]", "--at", "1").out


def test_definitions_do_not_fold_at_80_columns(adcli):
    f = ("atan2(y, x) + hypot(x, y)*tanh(x/y) + exp(sin(x*y)*cos(x+y))"
         "/sqrt(x^2+y^2+1)")
    out = adcli("trace", f, "--at", "1.123456789,-0.7123456789").out
    rows = rows_of(out, "Primal trace")
    assert len(rows) == 2 + 19                 # one line per row: nothing wrapped
    assert max(cell_len(ln) for ln in out.splitlines()) == 80
    assert any(ln.startswith("v₁₈   v₁₆/v₁₇ ") and ln.endswith("0.31126241997421455")
               for ln in rows)


# -- 2. long rules are shortened in tables, complete in JSON -----------------------------------
@pytest.fixture(scope="module")
def program(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text("t = x*y\n" + "t = sin(t)*x + y\n" * 2000 + "t\n")
    return "@" + str(path)


@pytest.mark.slow
def test_long_rule_is_shortened_in_every_table_format(adcli, program):
    out = adcli("trace", program, "--at", "0.3,0.7").out
    assert len(out) < 40_000
    row = next(ln for ln in out.splitlines() if ln.startswith("v̄₋₁ "))
    assert row.startswith("v̄₋₁       v̄₁·v₀ + v̄₃·v₂ + v̄₆·v₅ + v̄₉·v₈ + … (1,996 more")
    assert "terms) … + v̄₆₀₀₀·v₅₉₉₉" in out
    assert "… 2 long rules shortened to first and last terms (--limit 0 shows all)" in out
    md = adcli("trace", program, "--at", "0.3,0.7", "-f", "markdown").out
    assert "| v̄₋₁ | v̄₁·v₀ + v̄₃·v₂ + v̄₆·v₅ + v̄₉·v₈ + … (1,996 more terms) … + " \
           "v̄₆₀₀₀·v₅₉₉₉ | 0.98" in md
    tex = adcli("trace", program, "--at", "0.3,0.7", "-f", "latex").out
    assert r"$= \bar{v}_{1} \cdot v_{0} + \ldots\ \mbox{(1,999 more terms)}\ \ldots + " \
           r"\bar{v}_{6000} \cdot v_{5999}$ & $0.98" in tex
    assert r"(-{}-limit 0 shows all)" in tex
    asc = adcli("trace", program, "--at", "0.3,0.7", "--ascii", "-f", "markdown").out
    assert "| vbar-1 | vbar1\\*v0 + vbar3\\*v2 + vbar6\\*v5 + ... (1,997 more terms) ... + " \
           "vbar6000\\*v5999 | 0.98" in asc


@pytest.mark.slow
def test_long_rule_is_complete_in_json_and_under_limit_0(adcli, program):
    d = adcli("trace", program, "--at", "0.3,0.7", "--json").json
    rule = d["adjoint"][-1]["rule"]
    assert d["adjoint"][-1]["lhs"] == "v̄₋₁" and rule.count(" + ") == 2000
    assert rule.endswith("v̄₅₉₉₇·v₅₉₉₆ + v̄₆₀₀₀·v₅₉₉₉")
    md = adcli("trace", program, "--at", "0.3,0.7", "-f", "markdown", "--limit", "0").out
    assert "| v̄₋₁ | " + rule + " |" in md and "more terms" not in md


def test_shorten_rule_cuts_only_between_top_level_terms():
    short = "v̄₁·[v₀ > v₋₁] + v̄₂"
    assert shorten_rule(short, 200) == (short, 0)
    terms = [f"v̄{k}·(v{k} + v{k + 1} − 1)" for k in range(40)]
    rule = " + ".join(terms)
    assert len(rule) > RULE_WIDTH and len(term_cuts(rule)) == 39
    text, cut = shorten_rule(rule, 200)
    assert cut == 37
    assert text == f"{terms[0]} + {terms[1]} + … (37 more terms) … + {terms[-1]}"
    assert shorten_rule(rule, 0) == (rule, 0)            # --limit 0: whole
    few = " + ".join(["v̄₁·" + "x" * 70] * 3)             # long, but little to gain
    assert shorten_rule(few, 200) == (few, 0)


# -- 3. constant outputs and constant formulas ------------------------------------------------
def test_constant_output_of_a_vector_formula(adcli):
    out = adcli("trace", "[x, 2, x*x]", "--at", "1.5").out
    assert "Adjoint trace for f2: output 2 is the constant 2, so its derivative is 0" in out
    assert "from v̄₀ = 1" in out.split("Adjoint trace for f2")[0]      # f1 is x itself
    assert "from" not in out.split("Adjoint trace for f2")[1].split("Adjoint trace")[0]
    assert "  gradient: ∂f2/∂x = 0\n" in out
    md = adcli("trace", "[x, 2*3, pi]", "--at", "1.5", "-f", "markdown").out
    # 2*3 folds into the constant 6 (issue 12 §4)
    assert "### Adjoint trace for f2: output 2 is the constant 6, so its derivative is 0" in md
    assert "### Adjoint trace for f3: output 3 is the constant π, so its derivative is 0" in md
    tex = adcli("trace", "[x, 2*3, pi]", "--at", "1.5", "-f", "latex").out
    assert r"output 3 is the constant $\pi $, so its derivative is 0" in tex


def test_constant_formula(adcli):
    out = adcli("trace", "2+3").out          # folded: one constant, no rows
    assert "no elementary operations" in out
    assert "  f = 5\n" in out
    assert "no inputs: the formula is constant, so there is nothing to differentiate" in out
    assert "Adjoint" not in out and "gradient" not in out and "from  =" not in out
    assert "forward and reverse mode: no derivative sweeps (no inputs)" in out
    bare = adcli("trace", "2").out
    assert "no elementary operations" in bare and "  f = 2\n" in bare
    for fmt in ("markdown", "latex"):
        r = adcli("trace", "[1, 2+3]", "-f", fmt)
        assert r.code == 0 and "f1 = 1, f2 = 5" in r.out and "no inputs" in r.out


# -- 4 and 6: kinks and named constants in every format ------------------------------------------
def test_tie_rule_in_every_format(adcli):
    assert re.search(r"v̄₀\s+v̄₁·½\s+0\.5\n",
                     adcli("trace", "max(x,y)", "--at", "1,1").out)
    assert "vbar1*0.5" in adcli("trace", "max(x,y)", "--at", "1,1", "--ascii").out
    assert r"\bar{v}_{1} \cdot \frac{1}{2}" in \
        adcli("trace", "max(x,y)", "--at", "1,1", "-f", "latex").out
    dot = adcli("graph", "max(x,y)", "--at", "1,1").out
    assert dot.count('[label="∂ = 0.5"]') == 2


def test_pi_and_e_in_every_format(adcli):
    f = "pi*x + e - exp(x)*2"
    asc = adcli("trace", f, "--at", "1", "--ascii").out
    assert re.search(r"v1 +\| pi\*v0 +\| pi\*x +\| +3\.141592653589793\n", asc)
    assert "v3 | v1 + e " in asc and "vbar1*pi + vbar2*v2" in asc
    tex = adcli("trace", f, "--at", "1", "-f", "latex").out
    assert r"$= \pi  \cdot v_{0}$" in tex and r"$= v_{1} + e$" in tex


def test_graph_labels_constants_once(adcli):
    dot = adcli("graph", "pi*x + 2", "--at", "1", "--precision", "17").out
    assert 'label="2", shape=plaintext' in dot
    assert 'label="π\\n= 3.141592653589793", shape=plaintext' in dot
    assert 'label="v₁ = π·v₀\\n= 3.141592653589793"' in dot
    mmd = adcli("graph", "pi*x + 2", "--at", "1", "-f", "mermaid", "--precision", "17").out
    assert re.search(r'    n2c\d+_\d\("2"\)', mmd)        # constants: one node per use
    assert re.search(r'    n1c\d+_\d\("π<br/>= 3.141592653589793"\)', mmd)
    assert re.search(r'n1c\d+_\d\("pi"\)',
                     adcli("graph", "pi*x + 2", "-f", "mermaid", "--ascii").out)


# -- 7. wording ----------------------------------------------------------------------------------
def test_forward_gradient_is_indented_like_reverse(adcli):
    fwd = adcli("trace", "x*y", "--at", "1,2", "-m", "forward").out
    rev = adcli("trace", "x*y", "--at", "1,2").out
    line = "  gradient: ∂f/∂x = 2, ∂f/∂y = 1\n"
    assert line in fwd and line in rev
    assert "\ngradient" not in fwd


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_small_limit_keeps_the_last_row(adcli, limit):
    f = "sin(x*y) + cos(x) - y"
    out = adcli("trace", f, "--at", "1,2", "--limit", str(limit)).out
    primal = rows_of(out, "Primal trace")
    adjoint = rows_of(out, "Adjoint trace")
    assert primal[-1].startswith("v₅ ") and adjoint[-1].startswith("v̄₋₁ ")
    assert len([r for r in primal if not r.startswith("⋮")]) == limit
    md = adcli("trace", f, "--at", "1,2", "--limit", str(limit), "-f", "markdown").out
    assert "| v₅ | v₄ − v₀ |" in md and "| v̄₋₁ |" in md
    assert clip([1, 2, 3, 4, 5], limit)[2][-1] == 5


def test_cost_says_it_covers_the_whole_formula(adcli):
    out = adcli("trace", "[x*y, x+y]", "--at", "1,2", "--output", "2").out
    assert "Adjoint trace for f1" not in out
    assert "for the whole formula (this trace shows output 2 only)\n" in out
    assert "reverse mode: 2 adjoint sweeps" in out
    out = adcli("trace", "x*y", "--at", "1,2", "--wrt", "y").out
    assert "for the whole formula (this trace shows the sweep for y only)" in out
    out = adcli("trace", "x*y", "--at", "1,2", "--direction", "1,1", "-f", "markdown").out
    assert "- for the whole formula (this trace shows one JVP sweep only)" in out
    out = adcli("trace", "x*y", "--at", "1,2").out
    assert "whole formula" not in out


# -- 8. errors raised in the command are JSON under --format json -------------------------------
@pytest.mark.parametrize("argv, code, words", [
    (["trace", "[x, y]", "--at", "1,2", "--format", "json", "--output", "3"], 2, "2 outputs"),
    (["trace", "x*y", "--at", "1,2", "-f", "json", "--wrt", "z"], 2, "unknown variable"),
    (["trace", "x*y", "--format=json"], 2, "--at"),
    (["trace", "log(x)", "--at", "-1", "-f", "json"], 1, "log needs x > 0"),
    (["graph", "x+", "--format", "json"], 2, ""),
    (["graph", "log(x)", "--at", "0", "-f", "json"], 1, "log needs x > 0"),
])
def test_format_json_errors_are_json(adcli, argv, code, words):
    r = adcli(*argv)
    assert r.code == code, r
    assert words in r.err and "Traceback" not in r.err
    assert words in r.json["error"]["message"]


@pytest.mark.parametrize("argv", [
    ["trace", "x*y", "--at", "1,2", "--output", "0"],
    ["trace", "x*y", "--at", "1,2", "--mode", "sideways"],
    ["trace", "x*y", "--at", "1,2", "--limit", "-3"],
    ["graph", "x*y", "--precision", "99"],
])
def test_option_errors_are_json_under_json(adcli, argv):
    r = adcli(*argv, "--json")
    assert r.code == 2, r
    assert r.json["error"]["type"] == "usage"
