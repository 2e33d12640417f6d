"""adcli uncertainty from the shell: output, --json keys, options and bad input."""
from __future__ import annotations

import math
import sys

import pytest

PENDULUM = ("4*pi^2*L/T^2", "--at", "L=1.000±0.002, T=2.007±0.005")


def test_pendulum_table(adcli):
    r = adcli("uncertainty", *PENDULUM)
    assert r.code == 0, r
    assert "Uncertainty budget" in r.out and "86.1" in r.out and "13.9" in r.out
    assert r.out.index("\nT ") < r.out.index("\nL ")        # the dominant input on top
    assert "9.80088" in r.out and "0.0526207" in r.out


def test_json_keys_as_the_issue_lists(adcli):
    r = adcli("uncertainty", *PENDULUM, "--order", "2", "--monte-carlo", "--trials", "20000",
              "--seed", "1", "--json")
    assert r.code == 0, r
    d = r.json
    for key in ("command", "expression", "variables", "point", "warnings", "value",
                "standard_uncertainty", "expanded_uncertainty", "coverage_factor",
                "coverage_interval", "budget", "correlation_terms", "second_order",
                "monte_carlo", "validated"):
        assert key in d, key
    assert d["command"] == "uncertainty" and d["variables"] == ["L", "T"]
    assert d["point"] == [1.0, 2.007]
    assert set(d["budget"][0]) == {"variable", "estimate", "standard_uncertainty",
                                   "sensitivity", "contribution", "percent"}
    assert set(d["second_order"]) == {"standard_uncertainty", "term"}
    assert {"mean", "standard_uncertainty", "coverage_interval", "trials",
            "failed"} <= set(d["monte_carlo"])
    assert d["monte_carlo"]["trials"] == 20000 and isinstance(d["validated"], bool)
    u = math.hypot(4 * math.pi ** 2 / 2.007 ** 2 * 0.002, 8 * math.pi ** 2 / 2.007 ** 3 * 0.005)
    assert math.isclose(d["standard_uncertainty"], u, rel_tol=1e-15)


def test_json_correlation_terms(adcli):
    d = adcli("uncertainty", "x*y", "--at", "x=2±0.1, y=3±0.2", "--corr", "x,y=-0.4",
              "--json").json
    (row,) = d["correlation_terms"]
    assert row == {"variables": ["x", "y"], "coefficient": -0.4,
                   "term": pytest.approx(2 * 3 * 2 * -0.4 * 0.1 * 0.2, rel=1e-15)}


def test_monte_carlo_output_histogram_and_validation(adcli):
    r = adcli("uncertainty", *PENDULUM, "--monte-carlo", "--seed", "2")
    assert r.code == 0, r
    assert "GUM validated: " in r.out and "δ = " in r.out and "(adaptive)" in r.out
    assert "histogram" in r.out and "█" in r.out and "│" in r.out


def test_shortest_interval_option(adcli):
    sym = adcli("uncertainty", "exp(x)", "--at", "x=0±0.5", "--monte-carlo", "--trials",
                "200000", "--seed", "3", "--json").json["monte_carlo"]["coverage_interval"]
    short = adcli("uncertainty", "exp(x)", "--at", "x=0±0.5", "--monte-carlo", "--trials",
                  "200000", "--seed", "3", "--shortest", "--json").json
    lo, hi = short["monte_carlo"]["coverage_interval"]
    assert hi - lo < sym[1] - sym[0] and lo < sym[0]   # a right-skewed output


@pytest.mark.parametrize("args, message", [
    (("x*y", "--at", "x=1±-0.1, y=2±0.1"), "must be ≥ 0"),
    (("x*y", "--at", "x=U(2, 1), y=2"), "needs b > a"),
    (("x*y", "--at", "x=U(1, 1), y=2"), "needs b > a"),
    (("x*y", "--at", "x=1±0.1, y=2±0.1", "--corr", "x,y=1.5"), "in [−1, 1]"),
    (("x*y", "--at", "x=1±0.1, y=2±0.1", "--corr", "x,z=0.5"), "unknown name 'z'"),
    (("x*y", "--at", "x=1±0.1, y=2±0.1, z=3±1"), "the formula does not use it"),
    (("x*y", "--at", "x=1±0.1"), "no value or distribution for y"),
    (("x*y", "--at", "x=1±0.1, y=N(1)"), "takes 2 values"),
    (("x*y", "--at", "x=1±0.1, y=t(1, 0.1, 2)"), "nu > 2"),
    (("x*y", "--at", "x=1±0.1, y=1±0.1±0.2"), "more than one"),
    (("x*y", "--at", "1±0.1, 2"), "is not name=value"),
    (("x*y", "--at", "x=1±0.1, y=2±0.1", "--corr", "x,y=0.9", "--corr", "x,y=0.9"), None),
    (("x+y+z", "--at", "x=1±0.1, y=2±0.1, z=0±1", "--corr", "x,y=0.9", "--corr", "x,z=0.9",
      "--corr", "y,z=-0.9"), "not positive semi-definite"),
    (("[x, y]", "--at", "x=1±0.1, y=2±0.1"), "scalar formula"),
    (("x", "--at", "x=1±0.1", "--order", "3"), "--order must be 1 or 2"),
    (("x", "--at", "x=1±0.1", "--trials", "100"), "--trials goes with --monte-carlo"),
    (("x", "--at", "x=1±0.1", "--coverage", "1.5"), "--coverage"),
    (("x", "--at", "x=1±0.1", "--plot-file", "a.png"), "add --monte-carlo"),
    (("x", "--at", "x=1±0.1", "--monte-carlo", "--plot-file", "a.pdf", "--trials", "10"),
     ".png or .svg"),
    (("x*y", "--at", "x=U(0, 1), y=1±0.1", "--corr", "x,y=0.99", "--monte-carlo"),
     "can be correlated only within [-0.9772, 0.9772]"),
])
def test_bad_input_is_a_clear_usage_error(adcli, args, message):
    r = adcli("uncertainty", *args, "--json")
    if message is None:    # a repeated pair is allowed: the last one holds
        assert r.code == 0, r
        return
    assert r.code == 2, r
    assert message in r.json["error"]["message"] and "Traceback" not in r.err


def test_failed_draws_exit_1_or_skip(adcli):
    r = adcli("uncertainty", "log(x)", "--at", "x=0.1±0.05", "--monte-carlo", "--trials",
              "10000", "--seed", "1", "--json")
    assert r.code == 1 and "--on-error skip" in r.json["error"]["message"]
    r = adcli("uncertainty", "log(x)", "--at", "x=0.1±0.05", "--monte-carlo", "--trials",
              "10000", "--seed", "1", "--on-error", "skip", "--json")
    assert r.code == 0 and r.json["monte_carlo"]["failed"] > 0
    assert "left out" in r.err


@pytest.mark.slow   # importing matplotlib takes about a second
def test_plot_file_png_and_svg(adcli, tmp_path):
    pytest.importorskip("matplotlib")
    for ext in ("png", "svg"):
        out = tmp_path / f"h.{ext}"
        r = adcli("uncertainty", *PENDULUM, "--monte-carlo", "--trials", "5000", "--seed",
                  "1", "--plot-file", str(out))
        assert r.code == 0, r
        head = out.read_bytes()[:200]
        assert head.startswith(b"\x89PNG") if ext == "png" else b"<svg" in out.read_bytes()


def test_plot_file_without_matplotlib_says_so(adcli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    r = adcli("uncertainty", *PENDULUM, "--monte-carlo", "--trials", "5000", "--plot-file",
              str(tmp_path / "h.png"))
    assert r.code == 2 and "pip install 'adcli[plot]'" in r.err


def test_help_has_examples(adcli):
    r = adcli("uncertainty", "--help")
    assert r.code == 0 and "Examples:" in r.out and "--monte-carlo" in r.out


def test_import_stays_light():
    import subprocess
    code = ("import sys, adcli.cli; "
            "print(any(m in sys.modules for m in ('numpy', 'scipy', 'adcli.propagation')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_python_api_returns_the_clis_result(adcli):
    """adcli.uncertainty(expr, inputs={...}, order=2, monte_carlo=True) is the object the
    command prints: its to_dict() is the command's --json, key for key."""
    import json

    import adcli as api
    from adcli.jsonout import dumps
    r = adcli("uncertainty", "x*y + z", "--at", "x=2±0.1, y=U(2.9, 3.1), z=t(0, 0.1, 5)",
              "--corr", "x,y=0.3", "--order", "2", "--monte-carlo", "--trials", "20000",
              "--seed", "4", "--json")
    assert r.code == 0, r
    res = api.uncertainty("x*y + z", inputs={"x": "2±0.1", "y": "U(2.9, 3.1)",
                                             "z": "t(0, 0.1, 5)"},
                          corr={("x", "y"): 0.3}, order=2, monte_carlo=True, trials=20000,
                          seed=4)
    assert json.loads(dumps(res.to_dict())) == r.json
    assert r.json["monte_carlo"]["trials"] == 20000 and r.json["second_order"] is not None
