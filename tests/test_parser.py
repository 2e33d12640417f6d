"""The language: numbers, names, precedence, programs, signatures, input order, sharing."""
from __future__ import annotations

import math

import pytest

from adcli.engine import evaluate
from adcli.errors import EvalError, ParseError
from adcli.parser import parse


def value(text: str, *point: float, variables=None) -> float:
    g = parse(text, variables)
    return evaluate(g, list(point))[g.outputs[0]]


@pytest.mark.parametrize("text, point, expected", [
    ("-x^2", [3.0], -9.0),                 # ^ binds tighter than unary minus
    ("2^3^2", [], 512.0),                  # right-associative: 2^9
    ("a-b-c", [10.0, 3.0, 2.0], 5.0),       # left-associative
    ("a/b/c", [24.0, 4.0, 3.0], 2.0),
    ("2^-1", [], 0.5),                     # a unary minus in an exponent
    ("2^-x^2", [1.0], 0.5),                # 2^(-(x^2))
    ("-2^2", [], -4.0),
    ("(-2)^2", [], 4.0),
    ("a+b*c", [1.0, 2.0, 3.0], 7.0),
    ("(a+b)*c", [1.0, 2.0, 3.0], 9.0),
    ("x**3", [2.0], 8.0),                  # ** is ^
    ("--x", [2.0], 2.0),
    ("+x", [2.0], 2.0),
    ("a*-b", [2.0, 3.0], -6.0),
    ("a − b × c ÷ 4 · 2", [1.0, 2.0, 3.0], -2.0),   # typographic operators from papers
])
def test_precedence(text, point, expected):
    assert value(text, *point) == expected


@pytest.mark.parametrize("text, expected", [
    ("3", 3.0), ("0.5", 0.5), (".5", 0.5), ("1e-3", 1e-3), ("2E+5", 2e5), ("5.", 5.0),
    ("pi", math.pi), ("e", math.e), ("1e308*10", None),
])
def test_numbers_are_float64(text, expected):
    if expected is None:
        return
    assert value(text) == expected


def test_integer_literals_never_use_python_integers():
    # 2^1000 is fine in float64 (1.07e301) and must not be an exact Python int.
    v = value("2^1000")
    assert isinstance(v, float) and v == 2.0 ** 1000


def test_names():
    g = parse("alpha_1 + theta*x1 + x2")
    assert g.names == ["alpha_1", "theta", "x1", "x2"]


def test_natural_input_order():
    g = parse("x10 + x2 + x1")
    assert g.names == ["x1", "x2", "x10"]


def test_vars_overrides_order_and_may_add_inputs():
    g = parse("x + y", variables=["y", "x", "z"])
    assert g.names == ["y", "x", "z"]
    with pytest.raises(ParseError, match="missing: y"):
        parse("x + y", variables=["x"])


def test_signature_fixes_order():
    g = parse("f(y, x) = x - y")
    assert g.names == ["y", "x"]
    assert evaluate(g, [1.0, 5.0])[g.outputs[0]] == 4.0
    with pytest.raises(ParseError, match="'z' is used but is not a parameter"):
        parse("f(x) = x + z")


def test_program_rebinding():
    g = parse("c = a + b; c = c*c + 1; c/2")
    assert g.names == ["a", "b"]
    assert evaluate(g, [1.0, 2.0])[g.outputs[0]] == 5.0


def test_program_with_newlines_and_comments():
    text = "# polar to cartesian\nr2 = r*r\n\nu = r2 + t  # sum\nu*2\n"
    g = parse(text)
    assert g.names == ["r", "t"]
    assert evaluate(g, [3.0, 1.0])[g.outputs[0]] == 20.0


def test_vector_output():
    g = parse("[r*cos(t), r*sin(t)]")
    vals = evaluate(g, [2.0, 0.0])
    assert g.vector and [vals[o] for o in g.outputs] == [2.0, 0.0]


def test_shared_subexpressions_are_one_node():
    g = parse("x1*x2 + exp(x1*x2)")
    muls = [i for i in range(g.first_op, g.n_nodes) if g.op[i].name == "mul"]
    assert len(muls) == 1
    assert g.n_ops == 3


def test_course_notes_example_has_seven_primal_rows():
    # x1*x2 + exp(x1*x2) - sin(x2): 2 inputs + 5 equations, x1*x2 shared.
    g = parse("x1*x2 + exp(x1*x2) - sin(x2)")
    assert g.n_inputs + g.n_ops == 7


def test_baydin_numbering():
    g = parse("ln(x1) + x1*x2 - sin(x2)")
    assert [g.label(i) for i in range(g.n_nodes)] == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"]
    # Baydin et al. (2018), Table 2: the same equations in the same order
    assert [g.definition(i) for i in range(g.first_op, g.n_nodes)] == [
        "log(v₋₁)", "v₋₁·v₀", "sin(v₀)", "v₁ + v₂", "v₄ − v₃"]


def test_dead_statements_are_pruned():
    g = parse("t = exp(x); x^2")
    assert [g.op[i].name for i in range(g.first_op, g.n_nodes)] == ["pow"]


def test_call_vs_variable():
    # a name followed by '(' is a call; a bare name is a variable, even a function's name
    g = parse("sin + sin(x)")
    assert g.names == ["sin", "x"]


def test_deep_nesting_does_not_recurse():
    depth = 10_000
    text = "(" * depth + "x" + ")" * depth
    assert value(text, 2.0) == 2.0
    text = "sin(" * depth + "x" + ")" * depth
    g = parse(text)
    assert g.n_ops == depth


@pytest.mark.slow
def test_hundred_thousand_nodes():
    text = "+".join(f"x{i % 100}*{i}" for i in range(50_000))
    g = parse(text)
    assert g.n_ops >= 99_000


ERRORS = [
    ("x1*)+2", "unexpected ')'", 4),
    ("x +", "ends too early", 4),
    ("sinn(x)", "unknown function 'sinn'; did you mean sin", 1),
    ("2*foo(x)", "unknown function 'foo'", 3),
    ("sin(x, y)", "sin() takes 1 argument, got 2", 1),
    ("atan2(x)", "atan2() takes 2 arguments, got 1", 1),
    ("max()", "max() takes 2 arguments, got 0", 1),
    ("x $ 2", "unexpected character '$'", 3),
    ("(x + 1", "ends too early", 7),
    ("x y", "unexpected name 'y'", 3),
    ("x 2", "unexpected number '2'", 3),
]


@pytest.mark.parametrize("text, message, column", ERRORS)
def test_parse_errors_point_at_the_column(text, message, column):
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    assert message in err.message
    assert err.column == column
    caret_line = err.detail.splitlines()[1]
    assert caret_line.index("^") - 2 == column - 1


def test_a_literal_beyond_float64_is_an_overflow_at_its_column():
    # like 10^400: an overflow (exit 1), but found while reading, so a column, no row
    with pytest.raises(EvalError) as info:
        parse("x*1e999")
    err = info.value
    assert "overflow" in err.message and "1e999" in err.message
    assert err.column == 3 and err.exit_code == 1


def test_empty_formula():
    with pytest.raises(ParseError, match="empty"):
        parse("   ")


def test_error_on_second_line_gives_line_and_column():
    with pytest.raises(ParseError) as info:
        parse("a = x + 1\nb = a * * 2\nb")
    assert info.value.line == 2 and info.value.column == 9


@pytest.mark.parametrize("text, hint, column", [
    ("2x", "write 2*x", 2), ("2 x + 1", "write 2*x", 3), ("1.5e3y", "write 1.5e3*y", 6),
    ("3(x+1)", "put '*' between '3' and '('", 2),
    ("(x+1)(x-1)", "put '*' between ')' and '('", 6),
    ("sin(x)y", "put '*' between ')' and 'y'", 7),
])
def test_implicit_multiplication_says_where_the_star_goes(text, hint, column):
    """Issue 12 §6: not a list of brackets that cannot occur there."""
    with pytest.raises(ParseError) as info:
        parse(text)
    assert hint in str(info.value) and "expected" not in str(info.value)
    assert info.value.column == column


def test_vars_contradicting_a_signature_is_an_error():
    """Issue 12 §6: the signature fixes the inputs; --vars may only repeat it."""
    assert parse("f(y, x) = x*y", ["y", "x"]).names == ["y", "x"]
    with pytest.raises(ParseError, match="contradicts the signature"):
        parse("f(y, x) = x*y", ["x", "y"])
    with pytest.raises(ParseError, match="contradicts the signature"):
        parse("f(y, x) = x*y", ["y", "x", "z"])
