"""Shared subexpressions are computed once: before the statement when always needed, and
inside the branch of a conditional (C's comma operator, Python's :=) when only it needs
them, where outside it they may raise (Python's math.log of a negative number)."""
from __future__ import annotations

import math

import pytest
from codegen_helpers import import_file

from adcli.codegen import generate
from adcli.codegen.c import CPrinter
from adcli.codegen.expr import call, cmp, const, mul, select, var
from adcli.codegen.python import PyPrinter
from adcli.codegen.share import share
from adcli.parser import parse


def _fresh():
    counter = iter(range(100))
    return lambda: f"t{next(counter)}"


def test_shared_inside_a_branch_is_bound_there(tmp_path):
    x = var("x")
    log = call("log", x)
    e = select(cmp(">", x, const(0.0)), mul(log, log), const(-1.0))
    temps, shared = share(e, _fresh())
    assert temps == []                      # not computed where x <= 0
    c = CPrinter()
    c_text = c.expr(shared)
    assert c_text == "(x > 0.0 ? (t0 = log(x), t0 * t0) : -1.0)" and c.lets == ["t0"]
    py = PyPrinter().expr(shared)
    assert py.count("math.log") == 1
    f = tmp_path / "branch.py"
    f.write_text(f"import math\n\n\ndef f(x):\n    return {py}\n")
    mod = import_file(f, "branch")
    assert mod.f(-1.0) == -1.0              # math.log(-1.0) would raise
    assert mod.f(2.0) == math.log(2.0) * math.log(2.0)


def test_shared_everywhere_is_a_temporary():
    x = var("x")
    e = mul(call("exp", x), call("exp", x))          # two nodes: not shared
    assert share(e, _fresh())[0] == []
    ex = call("exp", x)
    temps, shared = share(select(cmp(">", ex, const(1.0)), ex, const(0.0)), _fresh())
    assert [t for t, _ in temps] == ["t0"] and CPrinter().expr(shared) == \
        "(t0 > 1.0 ? t0 : 0.0)"


@pytest.mark.parametrize("lang", ["c", "python", "numpy"])
def test_sigmoid_partial_prints_tanh_once(lang):
    """sigmoid's partial near 0 is ¼ − ¼·tanh(x/2)², inside a branch."""
    code = generate(parse("sigmoid(x)"), lang).code
    body = code[code.index("_grad("):]
    assert body.count("tanh(") == 1, body
