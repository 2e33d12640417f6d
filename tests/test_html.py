"""``adcli trace --format html`` (issue 13), without a browser: the page is one
self-contained file (no URL, no external resource), its steps are JSON that cannot close
the script, they follow the primal sweep and then each contribution of the adjoint sweep
with its running sum (values against hand-derived partials of Baydin et al.'s example),
micrograd's page stays well under 200 KB, --max-nodes falls back to the tables, and the
API trace's _repr_html_ is the same page, scoped so that several share one notebook.
The page in a real browser: tests/test_html_browser.py."""
from __future__ import annotations

import json
import math
import pathlib
import re

import adcli as api

BAYDIN = str(pathlib.Path(__file__).parent.parent / "samples" / "baydin.txt")
MICROGRAD = str(pathlib.Path(__file__).parent.parent / "samples" / "micrograd.txt")


def g4(v: float) -> str:
    """4 significant digits, the page's default, written here independently."""
    return f"{float(f'{v:.4g}'):.15g}"


def steps_of(page: str) -> list:
    m = re.search(r'<script type="application/json" class="adcli-data">(.*?)</script>', page,
                  re.S)
    assert m, "no step data"
    assert "<" not in m.group(1)          # not "</script>", nor "<!--"
    return json.loads(m.group(1))["steps"]


def test_page_is_self_contained(adcli):
    r = adcli("trace", "@" + BAYDIN, "--format", "html")
    assert r.code == 0 and r.out.startswith("<!DOCTYPE html>")
    page = r.out
    # no resource from anywhere: no src/href attributes, no @import, no url() but #ids
    assert not re.search(r"\s(src|href)\s*=", page)
    assert "@import" not in page
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", page))
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}      # the SVG namespace name only
    assert "<style>" in page and page.count("<script") == 2   # inline CSS, data + code


def test_steps_follow_the_sweeps_with_running_sums(adcli):
    steps = steps_of(adcli("trace", "@" + BAYDIN, "--format", "html").out)
    eqs = [s["eq"] for s in steps]
    x1, x2 = 2.0, 5.0
    # the primal sweep, row by row: v₋₁ … v₅
    assert eqs[0] == "v₋₁ = x1 = 2" and eqs[1] == "v₀ = x2 = 5"
    assert eqs[2] == f"v₁ = log(v₋₁) = {g4(math.log(x1))}"
    assert eqs[6] == f"v₅ = v₄ − v₃ = {g4(math.log(x1) + x1 * x2 - math.sin(x2))}"
    # then the adjoint sweep, one contribution at a time (Baydin et al., Table 3)
    assert eqs[7] == "v̄₅ = 1"
    first = eqs.index(f"v̄₀ = v̄₃·cos(v₀) = {g4(-math.cos(x2))}")
    second = eqs.index(f"v̄₀ = v̄₀ + v̄₂·v₋₁ = {g4(x1 - math.cos(x2))}")
    assert 7 < first < second
    assert eqs.index("v̄₋₁ = v̄₂·v₀ = 5") < eqs.index("v̄₋₁ = v̄₋₁ + v̄₁/v₋₁ = 5.5")
    # the shared node's overlay on the graph shows each running sum in turn
    o = [s["set"]["o1"] for s in steps if "o1" in s["set"] and s["set"]["o1"]]
    assert o == [f"v̄₀ = {g4(-math.cos(x2))}", f"v̄₀ = {g4(x1 - math.cos(x2))}"]
    assert eqs[-1] == f"∂f/∂x1 = x̄1 = 5.5   ∂f/∂x2 = x̄2 = {g4(x1 - math.cos(x2))}"


def test_graph_and_tables_carry_the_step_keys(adcli):
    page = adcli("trace", "@" + BAYDIN, "--format", "html").out
    keys = set(re.findall(r'data-k="([^"]+)"', page))
    for s in steps_of(page):
        for k in s["set"]:
            assert k in keys, k            # every key a step sets exists in the page
    assert "<svg" in page and 'class="primal"' in page and 'class="adjoint"' in page


def test_forward_page_steps_each_tangent_sweep(adcli):
    page = adcli("trace", "@" + BAYDIN, "--format", "html", "--mode", "forward").out
    eqs = [s["eq"] for s in steps_of(page)]
    # ∂f/∂x1 = 1/x1 + x2 = 5.5; ∂f/∂x2 = x1 − cos x2
    assert "v̇₅ = v̇₄ − v̇₃ = 5.5" in eqs
    assert f"v̇₅ = v̇₄ − v̇₃ = {g4(2 - math.cos(5))}" in eqs
    assert eqs[-1] == f"∂/∂x2 f: {g4(2 - math.cos(5))}"


def test_micrograd_page_is_well_under_200_kb(adcli):
    r = adcli("trace", "@" + MICROGRAD, "--format", "html")
    assert r.code == 0
    size = len(r.out.encode())
    assert size < 150_000, size
    # g's gradient as micrograd's README prints it (∂g/∂a = 138.8338, ∂g/∂b = 645.5773)
    assert "∂g/∂a = a\u0304 = 138.8" in r.out and "∂g/∂b = b\u0304 = 645.6" in r.out


def test_max_nodes_shows_the_tables_only(adcli):
    r = adcli("trace", "@" + BAYDIN, "--format", "html", "--max-nodes", "3")
    assert r.code == 0
    assert "more than --max-nodes 3, so this page shows the tables only" in r.out
    assert "<svg" not in r.out and steps_of(r.out) == []
    big = "+".join(f"sin(x*{k})" for k in range(1, 120))
    r = adcli("trace", big, "--at", "1", "--format", "html", "--limit", "20")
    assert "more than --max-nodes 200" in r.out and "<svg" not in r.out
    assert "rows not shown" in r.out


def test_data_cannot_close_its_script():
    from adcli.render.html import trace_page
    tr = api.trace("x*y", at=[2, 3]).model
    tr.primal[2].rule = "</script><script>alert(1)</script>"
    page = trace_page(tr)
    steps = steps_of(page)
    assert any("</script><script>" in s["eq"] for s in steps)   # JSON still reads it back
    assert page.count("<script") == 2 and "alert(1)" in page


def test_repr_html_is_the_page_scoped_per_trace():
    a = api.trace("ln(x1) + x1*x2 - sin(x2)", at=[2, 5])
    b = api.trace("ln(x1) + x1*x2 - sin(x2)", at=[2, 5])
    ha, hb = a._repr_html_(), b._repr_html_()
    assert "<html" not in ha and "<svg" in ha
    ida = re.search(r'class="adcli-trace" id="([^"]+)"', ha).group(1)
    idb = re.search(r'class="adcli-trace" id="([^"]+)"', hb).group(1)
    assert ida != idb
    assert f'getElementById("{ida}")' in ha and f"url(#{ida}-arrow)" in ha
    assert '"standalone":false' in ha


def test_html_with_json_is_json_and_digits_work(adcli):
    r = adcli("trace", "@" + BAYDIN, "--format", "html", "--json")
    assert r.json["value"] == math.log(2) + 10 - math.sin(5)
    r = adcli("trace", "x1*x2/3", "--at", "1,1", "--format", "html", "--digits", "20")
    assert r.code == 0 and "0.33333333333333333333" in r.out


def test_vector_formula_pages(adcli):
    # f = (x·y, x + y) at (3, 4): ∇f1 = (y, x) = (4, 3), ∇f2 = (1, 1)
    r = adcli("trace", "[x*y, x+y]", "--at", "3,4", "--format", "html")
    eqs = [s["eq"] for s in steps_of(r.out)]
    assert "∂f1/∂x = x\u0304 = 4   ∂f1/∂y = y\u0304 = 3" in eqs
    assert eqs[-1] == "∂f2/∂x = x\u0304 = 1   ∂f2/∂y = y\u0304 = 1"
    # one JVP sweep along (1, 2): ḟ1 = y + 2x = 10, ḟ2 = 3
    r = adcli("trace", "[x*y, x+y]", "--at", "3,4", "--format", "html", "--direction", "1,2")
    assert steps_of(r.out)[-1]["eq"] == "f1: 10, f2: 3"


def test_page_keeps_the_traces_notation(adcli):
    r = adcli("trace", "x1*exp(-1/2*(x1^2+x2^2))", "--at", "2,1/2", "--format", "html",
              "--symbol", "u", "--ascii")
    eqs = [s["eq"] for s in steps_of(r.out)]
    assert eqs[0] == "u-1 = x1 = 2" and any(e.startswith("ubar") for e in eqs)


def test_limit_caps_the_tables_not_the_steps(adcli):
    full = adcli("trace", "@" + MICROGRAD, "--format", "html").out
    short = adcli("trace", "@" + MICROGRAD, "--format", "html", "--limit", "10").out
    assert len(steps_of(short)) == len(steps_of(full)) and "<svg" in short
    # the primal table: 27 rows (2 inputs, 25 operations), 10 shown and one that says so
    primal = short.split('class="primal"')[1].split("</table>")[0]
    assert primal.count("<tr") == 1 + 10 + 1
    assert "… 17 rows not shown" in primal
