"""The op table: one row per elementary operation.

Each row states everything adcli knows about one operation:

* ``f(m, *x)``          its value;
* ``d(m, *x, out)``     its local partial derivatives, one per argument
                        (a rule may reuse the output ``out``, e.g. exp' = out);
* ``rule``              how a trace prints it, e.g. ``"sin({0})"``;
* ``dtext``             how a trace prints each local partial;
* ``sympy(s, *x)``      its SymPy counterpart (``s`` is the sympy module);
* ``numpy``             the name of its NumPy counterpart;
* ``domain``            what a domain error says, e.g. ``"log needs x > 0"``;
* ``kink(*x)``          True at a point where it is not differentiable, and
  ``convention``        the value adcli uses there (named in the warning).

``m`` is a *number namespace* (see :mod:`adcli.numbers`): the same rows are
evaluated with floats, and later with NumPy arrays, mpmath numbers or dual
numbers, so the engines never special-case an operation.  Adding a function
means adding one row here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Op:
    name: str
    arity: int
    f: Callable
    d: Callable
    rule: str
    dtext: tuple
    sympy: Callable
    numpy: str
    domain: str = ""
    kink: Optional[Callable] = None
    convention: str = ""
    infix: bool = False  # printed as an operator (precedence matters)


_ROWS: list[Op] = []


def _row(name, arity, f, d, rule, dtext, sympy, numpy, **kw) -> None:
    _ROWS.append(Op(name, arity, f, d, rule, tuple(dtext), sympy, numpy, **kw))


# --- partials that stay accurate, as values and as dual numbers ------------------------------
# 1 − tanh², σ(1 − σ) and 1 − x² cancel where tanh or σ saturates or x nears ±1, so there
# the rows use 4σ(2x)σ(−2x), σ(x)σ(−x) and (1 − x)(1 + x), which do not.  Near 0 those in
# turn cancel in their own derivative (the product rule subtracts two terms of size 1,
# which a Hessian's dual numbers see), so there the rows keep the classic forms.  A step
# picks one per point without branching, so NumPy arrays, recorded values, duals and
# mpmath all take the same rows.  The printed rules keep the textbook forms.
def _blend(m, x, cut: float, near, far):
    """``near`` where |x| ≤ cut, ``far`` beyond."""
    w = m.step(m.fabs(x) - cut, 0.0)
    return w * far + (1.0 - w) * near


def _sq(v):
    return v * v


def _one_minus_sq(m, x):
    return _blend(m, x, 0.5, 1.0 - x * x, (1.0 - x) * (1.0 + x))


# --- arithmetic ---------------------------------------------------------------
_row("add", 2, lambda m, x, y: x + y, lambda m, x, y, o: (1.0, 1.0),
     "{0} + {1}", ("1", "1"), lambda s, x, y: x + y, "add", infix=True)
_row("sub", 2, lambda m, x, y: x - y, lambda m, x, y, o: (1.0, -1.0),
     "{0} − {1}", ("1", "−1"), lambda s, x, y: x - y, "subtract", infix=True)
_row("mul", 2, lambda m, x, y: x * y, lambda m, x, y, o: (y, x),
     "{0}·{1}", ("{1}", "{0}"), lambda s, x, y: x * y, "multiply", infix=True)
_row("div", 2, lambda m, x, y: x / y, lambda m, x, y, o: (1.0 / y, -o / y),
     "{0}/{1}", ("1/{1}", "−{out}/{1}"), lambda s, x, y: x / y, "divide",
     domain="division by zero", infix=True)
_row("neg", 1, lambda m, x: -x, lambda m, x, o: (-1.0,),
     "−{0}", ("−1",), lambda s, x: -x, "negative", infix=True)
_row("pow", 2, lambda m, x, y: m.pow(x, y),
     lambda m, x, y, o: (m.dpowx(x, y), m.powlog(o, x)),
     "{0}^{1}", ("{1}·{0}^({1}−1)", "{out}·log({0})"),
     lambda s, x, y: x ** y, "power",
     domain="x^y needs x > 0, or an integer y when x < 0, or y ≥ 0 when x = 0",
     infix=True)

# --- trigonometric --------------------------------------------------------------
_row("sin", 1, lambda m, x: m.sin(x), lambda m, x, o: (m.cos(x),),
     "sin({0})", ("cos({0})",), lambda s, x: s.sin(x), "sin")
_row("cos", 1, lambda m, x: m.cos(x), lambda m, x, o: (-m.sin(x),),
     "cos({0})", ("−sin({0})",), lambda s, x: s.cos(x), "cos")
_row("tan", 1, lambda m, x: m.tan(x), lambda m, x, o: (1.0 + o * o,),
     "tan({0})", ("1 + {out}²",), lambda s, x: s.tan(x), "tan")
_row("asin", 1, lambda m, x: m.asin(x), lambda m, x, o: (1.0 / m.sqrt(_one_minus_sq(m, x)),),
     "asin({0})", ("1/√(1 − {0}²)",), lambda s, x: s.asin(x), "arcsin",
     domain="asin needs −1 ≤ x ≤ 1")
_row("acos", 1, lambda m, x: m.acos(x), lambda m, x, o: (-1.0 / m.sqrt(_one_minus_sq(m, x)),),
     "acos({0})", ("−1/√(1 − {0}²)",), lambda s, x: s.acos(x), "arccos",
     domain="acos needs −1 ≤ x ≤ 1")
_row("atan", 1, lambda m, x: m.atan(x), lambda m, x, o: (1.0 / (1.0 + x * x),),
     "atan({0})", ("1/(1 + {0}²)",), lambda s, x: s.atan(x), "arctan")
_row("atan2", 2, lambda m, y, x: m.atan2(y, x),   # (x/r)/r, r = hypot: x² + y² over/underflows
     lambda m, y, x, o: (m.div0(m.div0(x, m.hypot(y, x)), m.hypot(y, x)),
                         m.div0(m.div0(-y, m.hypot(y, x)), m.hypot(y, x))),
     "atan2({0}, {1})", ("{1}/({0}² + {1}²)", "−{0}/({0}² + {1}²)"),
     lambda s, y, x: s.atan2(y, x), "arctan2",
     kink=lambda y, x: x == 0.0 and y == 0.0,
     convention="atan2 is not differentiable at (0, 0); adcli uses 0 for both partials")

# --- hyperbolic -------------------------------------------------------------------
_row("sinh", 1, lambda m, x: m.sinh(x), lambda m, x, o: (m.cosh(x),),
     "sinh({0})", ("cosh({0})",), lambda s, x: s.sinh(x), "sinh")
_row("cosh", 1, lambda m, x: m.cosh(x), lambda m, x, o: (m.sinh(x),),
     "cosh({0})", ("sinh({0})",), lambda s, x: s.cosh(x), "cosh")
_row("tanh", 1, lambda m, x: m.tanh(x),
     lambda m, x, o: (_blend(m, x, 1.0, 1.0 - o * o,
                             4.0 * m.sigmoid(2.0 * x) * m.sigmoid(-2.0 * x)),),
     "tanh({0})", ("1 − {out}²",), lambda s, x: s.tanh(x), "tanh")
_row("asinh", 1, lambda m, x: m.asinh(x), lambda m, x, o: (1.0 / m.hypot(x, 1.0),),
     "asinh({0})", ("1/√({0}² + 1)",), lambda s, x: s.asinh(x), "arcsinh")
_row("acosh", 1, lambda m, x: m.acosh(x),
     lambda m, x, o: (1.0 / (m.sqrt(x - 1.0) * m.sqrt(x + 1.0)),),  # no x² to overflow
     "acosh({0})", ("1/√({0}² − 1)",), lambda s, x: s.acosh(x), "arccosh",
     domain="acosh needs x ≥ 1")
_row("atanh", 1, lambda m, x: m.atanh(x), lambda m, x, o: (1.0 / ((1.0 - x) * (1.0 + x)),),
     "atanh({0})", ("1/(1 − {0}²)",), lambda s, x: s.atanh(x), "arctanh",
     domain="atanh needs −1 < x < 1")

# --- exponential and logarithmic ----------------------------------------------------
_row("exp", 1, lambda m, x: m.exp(x), lambda m, x, o: (o,),
     "exp({0})", ("{out}",), lambda s, x: s.exp(x), "exp")
_row("expm1", 1, lambda m, x: m.expm1(x), lambda m, x, o: (m.exp(x),),
     "expm1({0})", ("exp({0})",), lambda s, x: s.exp(x) - 1, "expm1")
_row("log", 1, lambda m, x: m.log(x), lambda m, x, o: (1.0 / x,),
     "log({0})", ("1/{0}",), lambda s, x: s.log(x), "log",
     domain="log needs x > 0")
_row("log1p", 1, lambda m, x: m.log1p(x), lambda m, x, o: (1.0 / (1.0 + x),),
     "log1p({0})", ("1/(1 + {0})",), lambda s, x: s.log(1 + x), "log1p",
     domain="log1p needs x > −1")
_row("log2", 1, lambda m, x: m.log2(x), lambda m, x, o: (1.0 / (x * m.LN2),),
     "log2({0})", ("1/({0}·ln 2)",), lambda s, x: s.log(x, 2), "log2",
     domain="log2 needs x > 0")
_row("log10", 1, lambda m, x: m.log10(x), lambda m, x, o: (1.0 / (x * m.LN10),),
     "log10({0})", ("1/({0}·ln 10)",), lambda s, x: s.log(x, 10), "log10",
     domain="log10 needs x > 0")
_row("sqrt", 1, lambda m, x: m.sqrt(x), lambda m, x, o: (0.5 / o,),
     "√{0}", ("1/(2·{out})",), lambda s, x: s.sqrt(x), "sqrt",
     domain="sqrt needs x ≥ 0")
_row("cbrt", 1, lambda m, x: m.cbrt(x), lambda m, x, o: (1.0 / (3.0 * o * o),),
     "∛{0}", ("1/(3·{out}²)",), lambda s, x: s.real_root(x, 3), "cbrt")

# --- piecewise -----------------------------------------------------------------------
_row("abs", 1, lambda m, x: m.fabs(x), lambda m, x, o: (m.sign(x),),
     "|{0}|", ("sign({0})",), lambda s, x: s.Abs(x), "abs",
     kink=lambda x: x == 0.0,
     convention="abs is not differentiable at 0; adcli uses d/dx |x| = 0 there")
_row("relu", 1, lambda m, x: m.relu(x), lambda m, x, o: (m.step(x, 0.0),),
     "relu({0})", ("[{0} > 0]",), lambda s, x: s.Max(x, 0), "relu",
     kink=lambda x: x == 0.0,
     convention="relu is not differentiable at 0; adcli uses d/dx relu(0) = 0")
_row("min", 2, lambda m, x, y: m.fmin(x, y),
     lambda m, x, y, o: (m.step(y - x, 0.5), m.step(x - y, 0.5)),
     "min({0}, {1})", ("[{0} < {1}]", "[{1} < {0}]"),
     lambda s, x, y: s.Min(x, y), "minimum",
     kink=lambda x, y: x == y,
     convention="min is not differentiable at a tie; adcli gives ½ to each argument")
_row("max", 2, lambda m, x, y: m.fmax(x, y),
     lambda m, x, y, o: (m.step(x - y, 0.5), m.step(y - x, 0.5)),
     "max({0}, {1})", ("[{0} > {1}]", "[{1} > {0}]"),
     lambda s, x, y: s.Max(x, y), "maximum",
     kink=lambda x, y: x == y,
     convention="max is not differentiable at a tie; adcli gives ½ to each argument")
_row("hypot", 2, lambda m, x, y: m.hypot(x, y),
     lambda m, x, y, o: (m.div0(x, o), m.div0(y, o)),
     "hypot({0}, {1})", ("{0}/{out}", "{1}/{out}"),
     lambda s, x, y: s.sqrt(x ** 2 + y ** 2), "hypot",
     kink=lambda x, y: x == 0.0 and y == 0.0,
     convention="hypot is not differentiable at (0, 0); adcli uses 0 for both partials")

# --- smooth activations and special functions --------------------------------------------
_row("sigmoid", 1, lambda m, x: m.sigmoid(x),
     lambda m, x, o: (_blend(m, x, 1.0, 0.25 - 0.25 * _sq(m.tanh(0.5 * x)), o * m.sigmoid(-x)),),
     "σ({0})", ("{out}·(1 − {out})",), lambda s, x: 1 / (1 + s.exp(-x)), "sigmoid")
_row("softplus", 1, lambda m, x: m.softplus(x), lambda m, x, o: (m.sigmoid(x),),
     "softplus({0})", ("σ({0})",), lambda s, x: s.log(1 + s.exp(x)), "softplus")
_row("erf", 1, lambda m, x: m.erf(x), lambda m, x, o: (m.TWO_OVER_SQRTPI * m.exp(-x * x),),
     "erf({0})", ("2/√π·exp(−{0}²)",), lambda s, x: s.erf(x), "erf")
_row("erfc", 1, lambda m, x: m.erfc(x), lambda m, x, o: (-m.TWO_OVER_SQRTPI * m.exp(-x * x),),
     "erfc({0})", ("−2/√π·exp(−{0}²)",), lambda s, x: s.erfc(x), "erfc")


#: Every op, by name.
OPS: dict[str, Op] = {op.name: op for op in _ROWS}

#: Names a formula may call, with aliases.  Operators are not callable by name
#: except ``pow``.
FUNCTIONS: dict[str, Op] = {
    name: op for name, op in OPS.items()
    if name not in ("add", "sub", "mul", "div", "neg")
}
FUNCTIONS["ln"] = OPS["log"]

#: Named constants.
CONSTANTS = {"pi": 3.141592653589793, "e": 2.718281828459045}
