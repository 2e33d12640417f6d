"""The trace page in a real browser (issue 13): Playwright for Python driving Debian's
``chromium`` (never a browser of Playwright's own: no ``playwright install``), headless,
with a fresh profile and the browser's own network features off.

Checked: the page loads from file:// and requests nothing else; → and ← move the step
counter, and so do the buttons and Home/End; at #step=end of Baydin et al.'s example in
reverse mode it shows x̄1 = 5.5 and x̄2 = 1.716 (by hand: 1/x1 + x2 and x1 − cos x2);
the shared node's running sums appear along the way (−cos 5, then 2 − cos 5); no
console errors; the light/dark switch and the print stylesheet; two traces in one
notebook page step independently.  Screenshots of a middle step and the end are
written to tests/screenshots/ (artefacts for the README, not golden files).

Without chromium or Playwright the tests skip, except in CI (env CI set), where they
fail: .ci/run installs chromium."""
from __future__ import annotations

import math
import os
import pathlib
import shutil

import pytest

import adcli as api

pytestmark = pytest.mark.slow

HERE = pathlib.Path(__file__).parent
BAYDIN = str(HERE.parent / "samples" / "baydin.txt")
SHOTS = HERE / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


def g4(v: float) -> str:
    return f"{float(f'{v:.4g}'):.15g}"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A persistent Chromium context with a fresh user-data dir."""
    exe = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if exe is None or sync_playwright is None:
        what = "chromium" if exe is None else "playwright (the test extra)"
        if _in_ci():
            pytest.fail(f"{what} is missing in CI: .ci/run installs chromium with apt-get")
        pytest.skip(f"{what} is not installed")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=exe,
            headless=True, args=ARGS, viewport={"width": 1400, "height": 900})
        yield ctx
        ctx.close()


class Page:
    """A page with every request and console error recorded."""

    def __init__(self, ctx, url: str):
        self.requests: list = []
        self.errors: list = []
        self.page = ctx.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector)

    def counter(self) -> tuple:
        shown = self.text(".counter").split()
        return int(shown[1]), int(shown[3])

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def baydin_file(tmp_path_factory) -> pathlib.Path:
    from adcli.render.html import trace_page
    path = tmp_path_factory.mktemp("page") / "baydin.html"
    tr = api.trace(api.Formula(pathlib.Path(BAYDIN).read_text()), at=[2, 5]).model
    path.write_text(trace_page(tr), encoding="utf-8")
    return path


def test_offline_keys_and_the_end_state(browser, baydin_file):
    url = baydin_file.as_uri()
    pg = Page(browser, url)
    assert pg.counter()[0] == 0
    total = pg.counter()[1]
    pg.page.keyboard.press("ArrowRight")
    pg.page.keyboard.press("ArrowRight")
    assert pg.counter() == (2, total)
    pg.page.keyboard.press("ArrowLeft")
    assert pg.counter() == (1, total)
    assert pg.text(".equation") == "v₋₁ = x1 = 2"
    pg.page.click('button[data-go="next"]')
    assert pg.counter() == (2, total)
    pg.page.keyboard.press("End")
    assert pg.counter() == (total, total)
    pg.page.keyboard.press("Home")
    assert pg.counter() == (0, total)
    pg.page.goto(url + "#step=end")
    pg.page.reload()
    assert pg.counter() == (total, total)
    eq = pg.text(".equation")
    # Baydin et al. Table 3: x̄1 = 1/x1 + x2 = 5.5, x̄2 = x1 − cos x2 = 1.716
    assert f"x\u03041 = {g4(1 / 2 + 5)}" in eq and f"x\u03042 = {g4(2 - math.cos(5))}" in eq
    assert g4(2 - math.cos(5)) == "1.716"
    # v̄₀ and v̄₋₁ on the graph
    assert pg.page.text_content('[data-k="o1"]') == f"v\u0304\u2080 = {g4(2 - math.cos(5))}"
    assert pg.page.text_content('[data-k="o0"]') == "v\u0304\u208b\u2081 = 5.5"
    SHOTS.mkdir(exist_ok=True)
    pg.page.screenshot(path=str(SHOTS / "baydin-end.png"), full_page=True)
    assert not pg.errors, pg.errors
    # the only requests are the page's own loads (goto and reload): nothing else, no network
    assert pg.requests and [r for r in pg.requests if r.split("#")[0] != url] == []
    pg.close()


def test_running_sums_of_the_shared_node(browser, baydin_file):
    pg = Page(browser, baydin_file.as_uri())
    total = pg.counter()[1]
    seen_v0, seen_v1, rows = [], [], []
    for _ in range(total):
        pg.page.keyboard.press("ArrowRight")
        for key, seen in (("o1", seen_v0), ("o0", seen_v1)):
            el = pg.page.locator(f'[data-k="{key}"]')
            if el.is_visible():
                t = el.text_content()
                if not seen or seen[-1] != t:
                    seen.append(t)
        eq = pg.text(".equation")
        if eq.startswith("v\u0304\u2080 = v\u0304\u2080 +"):      # v̄₀ = v̄₀ + …: mid-sweep
            SHOTS.mkdir(exist_ok=True)
            pg.page.screenshot(path=str(SHOTS / "baydin-step.png"), full_page=True)
        rows.append(pg.page.locator("table.adjoint tr.adcli-pending").count())
    bar0, bar1 = "v\u0304\u2080 = ", "v\u0304\u208b\u2081 = "    # v̄₀, v̄₋₁
    # v̄₀: first v̄₃·∂v₃/∂v₀ = −cos 5, then plus v̄₂·∂v₂/∂v₀ = x1: 2 − cos 5
    assert seen_v0 == [bar0 + g4(-math.cos(5)), bar0 + g4(2 - math.cos(5))]
    # v̄₋₁: first v̄₂·x2 = 5, then plus v̄₁/x1 = 0.5
    assert seen_v1 == [bar1 + "5", bar1 + "5.5"]
    assert rows[-1] == 0 and rows[0] > 0 and rows == sorted(rows, reverse=True)
    assert (SHOTS / "baydin-step.png").exists()
    assert not pg.errors, pg.errors
    assert [r for r in pg.requests if r != baydin_file.as_uri()] == []
    pg.close()


def test_dark_switch_and_print_stylesheet(browser, baydin_file):
    pg = Page(browser, baydin_file.as_uri() + "#step=3")
    assert pg.counter()[0] == 3
    bg = "getComputedStyle(document.querySelector('.adcli-trace')).backgroundColor"
    light = pg.page.evaluate(bg)
    pg.page.click('button[data-go="theme"]')
    assert pg.page.evaluate(bg) != light
    pg.page.emulate_media(media="print")
    assert not pg.page.locator(".controls").is_visible()
    assert pg.page.evaluate(bg) in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")  # white paper
    # print shows the final state: every table row, whatever the step on screen
    hidden = "getComputedStyle(document.querySelector('table.adjoint tr[data-k]:last-child'))" \
        ".visibility"
    assert pg.page.evaluate(hidden) == "visible"
    # printing moves to the last step (the final adjoints), and back afterwards
    pg.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert pg.page.text_content('[data-k="o1"]') == f"v\u0304\u2080 = {g4(2 - math.cos(5))}"
    pg.page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert pg.counter()[0] == 3
    pg.page.emulate_media(media="screen")
    assert not pg.errors, pg.errors
    pg.close()


def test_two_traces_in_one_notebook_step_independently(browser, tmp_path):
    a = api.trace("ln(x1) + x1*x2 - sin(x2)", at=[2, 5])._repr_html_()
    b = api.trace("x*y", at=[3, 4], mode="forward")._repr_html_()
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                    f"<div class='cell'>{a}</div><div class='cell'>{b}</div></body></html>",
                    encoding="utf-8")
    pg = Page(browser, path.as_uri())
    roots = pg.page.locator(".adcli-trace")
    assert roots.count() == 2
    roots.nth(1).focus()
    pg.page.keyboard.press("ArrowRight")
    pg.page.keyboard.press("ArrowRight")
    first = roots.nth(0).locator(".counter").inner_text()
    second = roots.nth(1).locator(".counter").inner_text()
    assert first.startswith("step 0 /") and second.startswith("step 2 /")
    assert roots.nth(1).locator(".equation").inner_text() == "v₀ = y = 4"
    assert not pg.errors, pg.errors
    assert pg.requests == [path.as_uri()]
    pg.close()


def test_standalone_svg_opens_and_its_text_fits_its_nodes(browser, tmp_path, adcli):
    # graph --format svg as a file of its own: an SVG document, every node's text (as the
    # browser measures it) inside its node's shape, no console errors, no request
    path = tmp_path / "micrograd.svg"
    out = adcli("graph", "@" + str(HERE.parent / "samples" / "micrograd.txt"), "--mode", "reverse",
                "--format", "svg").out
    path.write_text(out, encoding="utf-8")
    pg = Page(browser, path.as_uri())
    assert pg.page.evaluate("document.documentElement.tagName") == "svg"
    worst = pg.page.evaluate("""() => {
        let worst = 0;
        for (const g of document.querySelectorAll('g.node')) {
          const shape = g.firstElementChild;
          if (shape.tagName === 'text') continue;          // a constant: text only
          const box = shape.getBBox();
          for (const t of g.querySelectorAll('text'))
            worst = Math.max(worst, t.getComputedTextLength() / box.width);
        }
        return worst;
    }""")
    print("widest text / its node:", worst)
    assert 0.5 < worst < 1.0, worst
    assert not pg.errors and pg.requests == [path.as_uri()]
    pg.close()


def test_tables_only_page_has_no_errors(browser, tmp_path):
    from adcli.render.html import trace_page
    path = tmp_path / "big.html"
    tr = api.trace("ln(x1) + x1*x2 - sin(x2)", at=[2, 5]).model
    path.write_text(trace_page(tr, max_nodes=3), encoding="utf-8")
    pg = Page(browser, path.as_uri())
    assert "shows the tables only" in pg.text(".note")
    assert pg.page.locator("table.adjoint tr").count() == 1 + 1 + 8   # header, seed, 8 steps
    assert pg.page.locator(".adcli-pending").count() == 0
    assert not pg.errors and pg.requests == [path.as_uri()]
    pg.close()
