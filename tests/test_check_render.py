"""The `adcli check` table for people, rendered at fixed widths into a StringIO."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from adcli.checking import check, check_against
from adcli.ir import fmt_number
from adcli.parser import parse
from adcli.render.check_table import print_check

MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def render(expr: str, point: list, width: int, against: str | None = None,
           details: bool = False, **kw) -> str:
    g = parse(expr)
    report = check(g, point, **kw)
    if against is not None:
        report.against = check_against(g, point, against)
    out = io.StringIO()
    print_check(g, point, report, Console(file=out, width=width, color_system=None,
                                          highlight=False), details=details)
    return out.getvalue(), report


def _numbers(report, table: bool) -> list:
    """Every number the output must show whole (the table: SymPy as float64 shows it)."""
    out = []
    for row in report.rows:
        out += [fmt_number(row.forward), fmt_number(row.reverse),
                fmt_number(row.finite_difference)]
        out += [fmt_number(row.symbolic_value)] if table else \
            [row.symbolic_digits, fmt_number(row.fd_richardson)]
    return out


@pytest.mark.parametrize("width, table", [(80, False), (100, False), (120, False),
                                          (160, True), (200, True)])
@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_nothing_is_cut_at_any_width(width, table):
    text, report = render(MATLAB, [2.0, 0.5], width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in text                           # no ellipsis anywhere
    assert any("forward AD" in line and "reverse AD" in line for line in lines) == table
    for number in _numbers(report, table):
        assert any(number in line for line in lines), number    # whole, on one line
    for word in ("∂f/∂x1", "∂f/∂x2", "forward AD", "reverse AD", "central FD", "SymPy",
                 "verdict: agree"):
        assert word in text


def test_narrow_terminals_get_one_block_per_partial():
    text, _ = render(MATLAB, [2.0, 0.5], 80)
    lines = text.splitlines()
    # no wide header: the methods are rows of a block, each named on its own line
    assert not any("forward AD" in line and "reverse AD" in line for line in lines)
    assert sum(line.strip().startswith("forward AD") for line in lines) == 2
    assert any(line.startswith("∂f/∂x1") and line.rstrip().endswith("agree") for line in lines)
    block = text[text.index("∂f/∂x1"):text.index("∂f/∂x2")]
    for key in ("AD vs SymPy (ULP)", "AD tolerance (ULP)", "|FD − AD| / est.", "step h",
                "Richardson ratio", "max rel. diff"):
        assert key in block


def test_wide_terminals_get_the_side_by_side_table():
    text, report = render(MATLAB, [2.0, 0.5], 200)
    lines = text.splitlines()
    header = next(line for line in lines if "forward AD" in line)
    for col in ("partial", "reverse AD", "central FD ± error", "SymPy (high precision)",
                "fwd−rev", "AD−SymPy", "FD−AD", "verdict"):
        assert col in header
    for row in report.rows:                 # one line per partial, SymPy with all its digits
        (line,) = [t for t in lines if t.startswith(f"∂f/∂{['x1', 'x2'][row.variable]} ")]
        assert row.symbolic_digits in line and line.rstrip().endswith("agree")
        # the relative differences, recomputed here from the numbers shown
        fd = abs(row.finite_difference - row.reverse) / abs(row.reverse)
        assert f"{fd:.1e}" in line
    # the layout's order: table, SymPy's expressions, swell, verdict; no ULP cards
    order = [text.index(k) for k in ("forward AD", "SymPy's derivatives", "expression swell",
                                     "verdict: agree")]
    assert order == sorted(order) and "AD tolerance (ULP)" not in text


def test_details_gives_todays_cards_at_any_width():
    text, _ = render(MATLAB, [2.0, 0.5], 200, details=True)
    assert text.count("AD tolerance (ULP)") == 2 and text.count("Richardson ratio") == 2
    assert not any("forward AD" in t and "reverse AD" in t for t in text.splitlines())


def test_jacobian_and_against_fit_in_80_columns():
    text, _report = render("[r*cos(t), r*sin(t)]", [2.0, 0.5], 80,
                          against="[cos(t), -r*sin(t), sin(t), r*cos(t)]")
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    for name in ("∂f1/∂r", "∂f1/∂t", "∂f2/∂r", "∂f2/∂t"):
        assert name in text
    assert "against: agree" in text and "verdict: agree" in text


def test_notes_explain_an_unreliable_row_without_cutting():
    text, _ = render("tan(x)", [1.5707963], 80)
    assert max(len(line) for line in text.splitlines()) <= 80
    notes = text[text.index("notes"):]
    assert "∂f/∂x:" in notes and "Richardson ratio" in notes
    assert "⚠" in text


def test_a_disagreeing_row_is_named_in_the_notes(monkeypatch):
    import dataclasses

    from adcli import functions as ops
    monkeypatch.setitem(ops.FUNCTIONS, "sin",
                        dataclasses.replace(ops.OPS["sin"], d=lambda m, x, o: (m.sin(x),)))
    text, report = render("ln(x1) + x1*x2 - sin(x2)", [2.0, 5.0], 80)
    assert report.verdict == "disagree"
    notes = text[text.index("notes"):]
    assert "∂f/∂x2: AD and SymPy differ" in notes and "verdict: disagree" in text


def test_against_title_keeps_its_brackets_and_samples_fit():
    g = parse("[r*cos(t), r*sin(t)]")
    text, report = render("[r*cos(t), r*sin(t)]", [2.0, 0.5], 80)
    report.against = check_against(g, [2.0, 0.5], "[[cos(t), -r*sin(t)], [sin(t), r*cos(t)+1]]",
                                    samples=3, seed=1)
    out = io.StringIO()
    print_check(g, [2.0, 0.5], report, Console(file=out, width=80, color_system=None))
    text = out.getvalue()
    assert "--against [[cos(t), -r*sin(t)], [sin(t), r*cos(t)+1]]" in text   # not markup
    assert max(len(line) for line in text.splitlines()) <= 80
    wrong = [e for e in report.against.failures if e.sample > 0]
    assert len(wrong) == 3
    for e in wrong:                                  # each sample point, whole
        assert f"#{e.sample}: r = {fmt_number(e.point[0])}" in text.replace("\n", " ")
