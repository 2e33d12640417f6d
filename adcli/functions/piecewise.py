"""Functions with kinks or jumps: abs, relu, min, max, hypot, sign, floor, ceil."""
from __future__ import annotations

from .entry import S, binary, unary


def _jump(name: str, where: str) -> str:
    return f"{name} is not differentiable {where} (a jump); adcli uses 0 there"


def _min_d(m, x, y, o):
    return m.step(y - x, 0.5), m.step(x - y, 0.5)


def _max_d(m, x, y, o):
    return m.step(x - y, 0.5), m.step(y - x, 0.5)


def _flat(m, x, o):
    return (0.0,)


_FLAT: dict = {}


def _sympy_flat(s, base: str, name: str):
    """SymPy's ``base`` (floor, ceiling, sign) whose derivative is 0, as adcli's is away
    from the jumps: SymPy's own leaves floor′ unevaluated and gives sign′ = 2δ(x)."""
    cls = _FLAT.get(name)
    if cls is None:
        def zero(self, *args):
            return s.S.Zero
        cls = _FLAT[name] = type(name, (getattr(s, base),),
                                 {"fdiff": zero, "_eval_derivative": zero})
    return cls


ENTRIES = (
    unary("abs", lambda m, x, o: (m.sign(x),), "sign({0})", "sign({0})",
          lambda s, x: s.Abs(x), primitive="fabs", rule="|{0}|",
          kink=lambda x: x == 0.0, python="math.fabs", numpy="fabs", mpmath="fabs",
          c="fabs", convention="abs is not differentiable at 0; adcli uses d/dx |x| = 0 there",
          taylor=lambda F, u: [abs(u[0])] + [S.sign_along(u) * c for c in u[1:]]),
    unary("relu", lambda m, x, o: (m.step(x, 0.0),), "[{0} > 0]", "(1 + sign({0}))/2",
          lambda s, x: s.Max(x, 0), kink=lambda x: x == 0.0,
          python="max(0.0, {0})", numpy="np.maximum({0}, 0.0)", c="fmax(0.0, {0})",
          convention="relu is not differentiable at 0; adcli uses d/dx relu(0) = 0",
          taylor=lambda F, u: [F.relu(u[0])] + [c * (S.sign_along(u) > 0.0) for c in u[1:]]),
    binary("min", _min_d, ("[{0} < {1}]", "[{1} < {0}]"),
           ("(1 - sign({0} - {1}))/2", "(1 - sign({1} - {0}))/2"),
           lambda s, x, y: s.Min(x, y), primitive="fmin", latex=r"\min",
           kink=lambda x, y: x == y, python="min", numpy="minimum", c="fmin",
           convention="min is not differentiable at a tie; adcli gives ½ to each argument"),
    binary("max", _max_d, ("[{0} > {1}]", "[{1} > {0}]"),
           ("(1 + sign({0} - {1}))/2", "(1 + sign({1} - {0}))/2"),
           lambda s, x, y: s.Max(x, y), primitive="fmax", latex=r"\max",
           kink=lambda x, y: x == y, python="max", numpy="maximum", c="fmax",
           convention="max is not differentiable at a tie; adcli gives ½ to each argument"),
    binary("hypot", lambda m, x, y, o: (m.div0(x, o), m.div0(y, o)), ("{0}/{out}", "{1}/{out}"),
           ("{0}/{out}", "{1}/{out}"), lambda s, x, y: s.sqrt(x ** 2 + y ** 2),
           kink=lambda x, y: x == 0.0 and y == 0.0, python="math.hypot", numpy="hypot",
           mpmath="hypot", c="hypot",
           convention="hypot is not differentiable at (0, 0); adcli uses 0 for both partials"),
    unary("sign", _flat, "0", "0", lambda s, x: _sympy_flat(s, "sign", "sign")(x),
          kink=lambda x: x == 0.0,
          sample=((0.2, 3.0),), sample_points=((-2.0,),),
          numpy="sign", mpmath="sign", python="(float({0} > 0) - float({0} < 0))",
          c="(double)(({0} > 0) - ({0} < 0))", convention=_jump("sign", "at 0")),
    unary("floor", _flat, "0", "0", lambda s, x: _sympy_flat(s, "floor", "floor")(x),
          kink=lambda x: x % 1.0 == 0.0, numpy="floor", mpmath="floor", c="floor",
          python="float(math.floor({0}))",
          convention=_jump("floor", "at an integer"), sample=((1.1, 1.9),),
          sample_points=((-1.5,),)),
    unary("ceil", _flat, "0", "0", lambda s, x: _sympy_flat(s, "ceiling", "ceil")(x),
          kink=lambda x: x % 1.0 == 0.0, numpy="ceil", mpmath="ceil", c="ceil",
          python="float(math.ceil({0}))",
          convention=_jump("ceil", "at an integer"), sample=((1.1, 1.9),),
          sample_points=((-1.5,),)),
)
