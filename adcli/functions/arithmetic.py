"""The operators + − × ÷, unary minus and x^y (``pow`` is also callable by name)."""
from __future__ import annotations

from .entry import Function

_POW_DOMAIN = "x^y needs x > 0, or an integer y when x < 0, or y ≥ 0 when x = 0"

ENTRIES = (
    Function(name="add", arity=2, value=lambda m, x, y: x + y, d=lambda m, x, y, o: (1.0, 1.0),
             rule="{0} + {1}", partial_text=("1", "1"), partial_twin=("1", "1"),
             sympy=lambda s, x, y: x + y, syntax="({0} + {1})", infix=True,
             numpy="add", c="+", python="+"),
    Function(name="sub", arity=2, value=lambda m, x, y: x - y, d=lambda m, x, y, o: (1.0, -1.0),
             rule="{0} − {1}", partial_text=("1", "−1"), partial_twin=("1", "-1"),
             sympy=lambda s, x, y: x - y, syntax="({0} - {1})", infix=True,
             numpy="subtract", c="-", python="-"),
    Function(name="mul", arity=2, value=lambda m, x, y: x * y, d=lambda m, x, y, o: (y, x),
             rule="{0}·{1}", partial_text=("{1}", "{0}"), partial_twin=("{1}", "{0}"),
             sympy=lambda s, x, y: x * y, syntax="({0} * {1})", infix=True,
             numpy="multiply", c="*", python="*"),
    Function(name="div", arity=2, value=lambda m, x, y: x / y,
             d=lambda m, x, y, o: (1.0 / y, -o / y),
             rule="{0}/{1}", partial_text=("1/{1}", "−{out}/{1}"),
             partial_twin=("1/{1}", "-{out}/{1}"), sympy=lambda s, x, y: x / y,
             syntax="({0} / {1})", domain="division by zero", infix=True,
             numpy="divide", c="/", python="/", sample=((-3.0, 3.0), (0.5, 3.0))),
    Function(name="neg", arity=1, value=lambda m, x: -x, d=lambda m, x, o: (-1.0,),
             rule="−{0}", partial_text=("−1",), partial_twin=("-1",),
             sympy=lambda s, x: -x, syntax="(-{0})", infix=True,
             numpy="negative", c="-", python="-"),
    Function(name="pow", arity=2, value=lambda m, x, y: m.pow(x, y),
             d=lambda m, x, y, o: (m.dpowx(x, y), m.powlog(o, x)),
             rule="{0}^{1}", partial_text=("{1}·{0}^({1}−1)", "{out}·log({0})"),
             partial_twin=("{1}*{0}^({1} - 1)", "{out}*log({0})"),
             sympy=lambda s, x, y: x ** y, syntax="({0})^({1})", domain=_POW_DOMAIN,
             infix=True, primitive="pow", python="math.pow", numpy="power",
             mpmath="power", c="pow", sample=((0.3, 3.0), (-2.0, 2.0))),
)
