"""Million-node formulas (issue 11, item 3): the flat IR and linearization, their memory and
parse speed, and the sequence views other modules read them through."""
from __future__ import annotations

import json
import math
import pathlib
import re
import subprocess
import sys
import time
import tracemalloc

import pytest

from adcli.backends.dual import Dual, tangent
from adcli.backends.dualover import dual_over
from adcli.backends.floats import FloatMath
from adcli.engine import Linearization, Pairs, adjoint_sweep, evaluate, linearize, tangent_sweep
from adcli.functions import OPS
from adcli.ir import Args, Graph, Spans
from adcli.parser import parse

PROGRAM = "a = x*y\nb = sin(a) + a\nb *= exp(-y)\nc = b - 1/3\nc"


# -- the views: what g.args, g.spans and lin.pairs read as ---------------------------------------
def test_args_and_spans_read_as_tuples():
    text = "x*y + sin(x*y) - atan2(x, 2)"
    g = parse(text)
    rows = {g.op[i].name: (g.args[i], g.source(i)) for i in range(g.first_op, g.n_nodes)}
    x, y = g.names.index("x"), g.names.index("y")
    mul = next(i for i in range(g.n_nodes) if g.op[i] is not None and g.op[i].name == "mul")
    assert rows["mul"] == ((x, y), "x*y")
    assert rows["sin"] == ((mul,), "sin(x*y)")        # x*y shared: one node, used twice
    assert g.args[x] == () and g.args[:2] == [(), ()]
    assert list(g.args) == [g.args[i] for i in range(g.n_nodes)] and len(g.args) == g.n_nodes
    assert [text[s:e] for s, e in g.spans][g.first_op:] == \
        [text[g.spans[i][0]:g.spans[i][1]] for i in range(g.first_op, g.n_nodes)]
    assert text[slice(*g.spans[mul])] == "x*y"
    again = parse(text)
    assert again.args == g.args and again.spans == g.spans and again == g
    assert g.args == [g.args[i] for i in range(g.n_nodes)] and g.args != parse("x-y").args
    assert g.spans == list(zip(g.spans.start, g.spans.end, strict=True))


def test_a_graph_made_from_lists_stores_them_flat():
    g = Graph(text="x+1", op=[None, None, OPS["add"]],
              args=[(), (), (0, 1)], const=[None, 1.0, None], names=["x"], outputs=[2],
              vector=False, spans=[(0, 1), (2, 3), (0, 3)], first_op=2,
              active=[True, False, True])
    assert isinstance(g.args, Args) and isinstance(g.spans, Spans)
    assert g.args[2] == (0, 1) and g.spans[2] == (0, 3)
    assert evaluate(g, [2.0])[2] == 3.0
    with pytest.raises(ValueError):
        Args.of([(0, 1, 2)])


def _generic(lin: Linearization) -> Linearization:
    """The same partials as a plain list of tuples (the sweeps' general path)."""
    return Linearization([tuple(p) for p in lin.pairs], list(lin.order))


@pytest.mark.parametrize("text", ["x*x + x*y", "sin(x)*cos(y) - x/y + 2^x", PROGRAM,
                                  "[x*y, x - y, exp(x)]"])
def test_flat_pairs_sweep_as_the_list_of_tuples_does(text):
    g = parse(text, variables=["x", "y"])
    point = [0.7, 1.3]
    vals = evaluate(g, point)
    lin = linearize(g, vals)
    assert isinstance(lin.pairs, Pairs)
    ref = _generic(lin)
    for j in range(2):
        seed = [0.0, 0.0]
        seed[j] = 1.0
        assert tangent_sweep(g, lin, seed) == tangent_sweep(g, ref, seed)
    for o in g.outputs:
        assert adjoint_sweep(g, lin, o) == adjoint_sweep(g, ref, o)
        seen: list = []
        want: list = []
        adjoint_sweep(g, lin, o, on_contribution=lambda *c, s=seen: s.append(c))
        adjoint_sweep(g, ref, o, on_contribution=lambda *c, w=want: w.append(c))
        assert seen == want


def test_flat_pairs_hold_any_number_type():
    """Over dual numbers the partials are a list (array('d') is for float64 alone); the
    Hessian row they give is the hand-derived one."""
    g = parse("x^3*y + sin(x*y)")
    x, y = 0.6, 1.4
    D = dual_over(FloatMath)
    vals = evaluate(g, [Dual(x, 1.0), Dual(y, 0.0)], D)
    lin = linearize(g, vals, D)
    assert isinstance(lin.pairs.d0, list)
    row = [tangent(a) for a in adjoint_sweep(g, lin, g.outputs[0])[:2]]
    # ∂²f/∂x² and ∂²f/∂x∂y of x³y + sin(xy), by hand
    want = [6 * x * y - y * y * math.sin(x * y),
            3 * x * x + math.cos(x * y) - x * y * math.sin(x * y)]
    assert row == pytest.approx(want, rel=1e-14)


def test_program_rows_follow_their_statements():
    g = parse(PROGRAM)
    names = [g.op[i].name for i in range(g.first_op, g.n_nodes)]
    # statement order (a; b; b *= ...; c), levels within a statement
    assert names == ["mul", "sin", "add", "neg", "exp", "mul", "sub"]
    assert g.bound[g.first_op] == "a" and g.bound[g.outputs[0]] == "c"


def test_hash_consing_keeps_shared_subexpressions_one_node():
    n = 2000
    g = parse("+".join(["sin(x*y)"] * n))
    ops = [g.op[i].name for i in range(g.first_op, g.n_nodes)]
    assert ops.count("mul") == 1 and ops.count("sin") == 1 and ops.count("add") == n - 1
    # a*_MIX + b is one key per pair: (a, b) and (b, a) and every pair of a long chain differ
    g = parse("+".join(f"x{i}*x{i + 1} + x{i + 1}*x{i}" for i in range(300)))
    assert sum(1 for i in range(g.first_op, g.n_nodes) if g.op[i].name == "mul") == 600


# -- memory and speed ------------------------------------------------------------------------------
@pytest.mark.slow
def test_parse_and_gradient_memory_per_node():
    """Python-heap bytes a node, traced: the parse's peak (builder arrays + the hash-consing
    table) and the graph with its values, partials and adjoints.  Measured: 132–156 and 134
    bytes a node; before the flat IR, 388 and 487."""
    n = 30_000
    text = "+".join(["x"] * n)
    parse("x+x")
    tracemalloc.start()
    try:
        g = parse(text)
        parse_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        vals = evaluate(g, [1.0])
        lin = linearize(g, vals)
        adj = adjoint_sweep(g, lin, g.outputs[0])
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert adj[0] == n and vals[g.outputs[0]] == n     # d(n·x)/dx = n, exactly
    assert parse_peak / n < 220, parse_peak / n
    assert held / n < 160, held / n


def _lark_noop():
    """Lark's own parse of adcli's grammar and lexer, no-op transformer (bench/bench_core.py)."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "bench"))
    try:
        from bench_core import lark_floor
    finally:
        sys.path.pop(0)
    return lark_floor()


def _cpu(fn, *args) -> float:
    t = time.process_time()
    fn(*args)
    return time.process_time() - t


@pytest.mark.slow
def test_parse_is_within_1_5x_larks_floor():
    """adcli's parse (builder and IR) of x+x+…+x (10⁵ terms) against Lark's no-op parse of
    the same text, best of 3 each (CPU time).  Measured 1.16–1.25x (before: 1.58x at 10⁵,
    1.64x at 10⁶); the issue's bound is 1.5x, and 1.4x here keeps the margin to the old
    builder that lets this test fail."""
    text = "+".join(["x"] * 100_000)
    lark = _lark_noop()
    parse("x")
    floor = min(_cpu(lark.parse, text) for _ in range(3))
    ours = min(_cpu(parse, text) for _ in range(3))
    assert ours <= 1.4 * floor, (ours, floor)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_million_term_grad_under_300_mb(tmp_path):
    """The issue's case: ``adcli grad @file --at 1`` on x+x+…+x (10⁶ terms, 2 MB), as a
    user runs it; its peak resident memory (measured 165–185 MB; before: 593–608 MB)."""
    path = tmp_path / "million.txt"
    path.write_text("+".join(["x"] * 1_000_000))
    # the peak of this process's own memory (VmHWM): ru_maxrss would also count the parent
    # (pytest, with NumPy and SymPy loaded) as it was when it forked the child
    script = ("import sys\n"
              "from adcli.cli import main\n"
              "code = main(['grad', '@' + sys.argv[1], '--at', '1', '--json'])\n"
              "status = open('/proc/self/status').read()\n"
              "sys.stderr.write('RSS %s\\n' % status.split('VmHWM:')[1].split()[0])\n"
              "sys.exit(code)\n")
    p = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                       text=True, timeout=600, check=False)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["value"] == 1e6 and out["gradient"] == [1e6]       # d(n·x)/dx = n, exactly
    assert out["operations"]["primal"] == 999_999
    mb = int(re.search(r"RSS (\d+)", p.stderr).group(1)) / 1024
    assert mb < 300, mb
