"""--digits 30 as people read it: every table prints the digits asked for.

Each value is computed here with mpmath at 60 digits (its own functions and
closed-form derivatives, not adcli's), and must appear in the command's table
output as a number of exactly 30 significant digits, correctly rounded.
"""
from __future__ import annotations

import re

import mpmath
import pytest

DIGITS = 30
NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-+−]?\d+)?")


def numbers(text: str) -> list:
    return [t.replace("−", "-") for t in NUMBER.findall(text)]


def significant(token: str) -> int:
    mant = token.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(mant)


def shows(text: str, ref, digits: int = DIGITS) -> bool:
    """``text`` holds ``ref`` rounded to ``digits`` significant digits (a last digit of
    0 dropped, so 29 digits may be the whole 30-digit text)."""
    with mpmath.workdps(digits + 30):
        half = abs(ref) * mpmath.mpf(10) ** (1 - digits) / 2 * mpmath.mpf("1.000001")
        for tok in numbers(text):
            if significant(tok) in (digits, digits - 1) and abs(mpmath.mpf(tok) - ref) <= half:
                return True
    return False


def ratio(p: int, q: int):
    """p/q at 60 digits."""
    with mpmath.workdps(60):
        return mpmath.mpf(p) / q


# f = x1·exp(−(x1² + x2²)/2) at (2, 1/3), by hand:
#   f_x1 = (1 − x1²) E,  f_x2 = −x1 x2 E,  E = exp(−(x1² + x2²)/2)
#   f_x1x1 = x1 (x1² − 3) E,  f_x1x2 = −x2 (1 − x1²) E,  f_x2x2 = x1 (x2² − 1) E
MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


def matlab_refs() -> dict:
    with mpmath.workdps(60):
        x1, x2 = mpmath.mpf(2), mpmath.mpf(1) / 3
        e = mpmath.exp(-(x1 ** 2 + x2 ** 2) / 2)
        return {"f": x1 * e, "f1": (1 - x1 ** 2) * e, "f2": -x1 * x2 * e,
                "f11": x1 * (x1 ** 2 - 3) * e, "f12": -x2 * (1 - x1 ** 2) * e,
                "f22": x1 * (x2 ** 2 - 1) * e, "x2": x2}


@pytest.mark.parametrize("command, keys", [
    ("grad", ["f", "f1", "f2", "x2"]),
    ("hessian", ["f", "f1", "f2", "f11", "f12", "f22", "x2"]),
    ("check", ["f1", "f2", "x2"]),
    ("trace", ["f", "f1", "f2", "x2"]),
])
def test_tables_show_thirty_digits(adcli, command, keys):
    r = adcli(command, MATLAB, "--at", "2,1/3", "--digits", str(DIGITS))
    assert r.code == 0, r
    refs = matlab_refs()
    for k in keys:
        assert shows(r.out, refs[k]), (command, k, r.out)


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_trace_documents_show_thirty_digits(adcli, fmt):
    r = adcli("trace", MATLAB, "--at", "2,1/3", "--digits", str(DIGITS), "-f", fmt,
              "--mode", "forward", "--direction", "1/3,1")
    assert r.code == 0, r
    refs = matlab_refs()
    with mpmath.workdps(60):
        jvp = refs["f1"] / 3 + refs["f2"]
    for ref in (refs["f"], refs["x2"], jvp):      # the value, the point and seed, J·v
        assert shows(r.out, ref), (fmt, ref)


def test_trace_rules_write_the_seed_to_thirty_digits(adcli):
    d = adcli("trace", "x*y", "--at", "1,2", "--digits", str(DIGITS), "--direction",
              "1/7,0", "--json").json
    seventh = ratio(1, 7)
    rows = d["tangent"][0]["rows"]
    assert shows(rows[0]["rule"], seventh)                 # v̇₋₁ = 0.142857…
    table = adcli("trace", "x*y", "--at", "1,2", "--digits", str(DIGITS), "--direction",
                  "1/7,0").out
    title = table[table.index("Tangent trace"):table.index("tangent ")]
    assert shows(title.split("seed")[0], seventh) and shows(title.split("seed")[1], seventh)


def test_derivative_shows_thirty_digits(adcli):
    r = adcli("derivative", "exp(sin(x))", "--at", "1/3", "--order", "3",
              "--digits", str(DIGITS))
    assert r.code == 0, r
    with mpmath.workdps(60):
        x = mpmath.mpf(1) / 3
        s, c = mpmath.sin(x), mpmath.cos(x)
        e = mpmath.exp(s)
        refs = [e, c * e, (c * c - s) * e, (c ** 3 - 3 * s * c - c) * e]
    for k, ref in enumerate(refs):
        assert shows(r.out, ref), (k, r.out)


@pytest.mark.parametrize("command", ["eval", "grad", "trace", "check", "hessian"])
def test_an_error_under_digits_names_the_value_to_thirty_digits(adcli, command):
    # log(x − 1) at x = 1/3: row v₁ = x − 1 is −2/3, computed at 30 digits
    r = adcli(command, "log(x-1)", "--at", "1/3", "--digits", str(DIGITS), "--json")
    assert r.code == 1, r
    msg = r.json["error"]["message"]
    assert "log needs x > 0" in msg and "mpf" not in msg
    assert shows(msg, ratio(-2, 3)), msg
    r = adcli(command, "log(x-1)", "--at", "1/3", "--digits", str(DIGITS))
    assert r.code == 1 and shows(r.err, ratio(-2, 3)), r


def test_a_warning_under_digits_names_the_value_to_thirty_digits(adcli):
    r = adcli("grad", "max(x, y)", "--at", "1/3,1/3", "--digits", str(DIGITS))
    assert r.code == 0 and shows(r.err, ratio(1, 3)), r


def test_constants_are_never_a_float64_widened_to_thirty_digits(adcli):
    # 1/3 folds to a float64 constant; under --digits its value is a third to every digit,
    # and no label may print the float64's binary tail (0.333…3314829616…)
    for args in (["trace", "[x, 1/3]", "--at", "2"], ["graph", "x*(1/3)", "--at", "2"],
                 ["trace", "x*(1/3)", "--at", "2", "-f", "latex"]):
        r = adcli(*args, "--digits", str(DIGITS))
        assert r.code == 0 and "14829616" not in r.out, r
    d = adcli("trace", "[x, 1/3]", "--at", "2", "--digits", str(DIGITS), "--json").json
    assert shows(d["value"][1], ratio(1, 3))
