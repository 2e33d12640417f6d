"""``--digits N``: the op table's ``m.<name>`` over mpmath numbers.

The same rows and the same engines as float64, with every operation done by
mpmath at N significant digits plus a few guard digits, and the results shown
to N digits.  Domain errors raise exactly what :mod:`math` raises
(ValueError, ZeroDivisionError, OverflowError), so engine errors still name
the trace row; where mpmath would answer with a complex number (log(−1),
sqrt(−1), asin(2), ...) this namespace raises ValueError instead.

Constants keep their decimal meaning (``0.1`` is one tenth, not the float64
nearest to it; ``pi`` is π to the working precision), and ``--at`` values are
re-evaluated at the working precision (``--at 2/3``).

Imported only under ``--digits``: mpmath comes with SymPy.
"""
from __future__ import annotations

import mpmath
from mpmath import mp, mpf

from .backends.mpmath import MpMath

GUARD = 10                 # extra working digits: the last shown digit stays right
MAX_DIGITS = 100_000


def working_precision(digits: int):
    """A context manager: mpmath at ``digits`` + guard significant digits."""
    return mpmath.workdps(digits + GUARD)


def namespace(g=None):
    """MpMath with its constants at the current working precision; with a
    graph, its constants keep their exact decimal (or π, e) values."""
    ns = type("MpMathAt", (MpMath,), {})
    if g is not None:
        table = {repr(g.const[i]): v for i, v in constant_values(g).items()}
        ns.const = staticmethod(lambda c: table.get(repr(c)) or MpMath.const(c))
    ns.LN2 = +mpmath.ln2
    ns.LN10 = +mpmath.ln10
    ns.TWO_OVER_SQRTPI = 2 / mpmath.sqrt(mpmath.pi)
    return ns


# -- the graph's constants and the point, at full precision ------------------------------------
def constant_values(g) -> dict:
    """Constant node -> its exact value: the literal as written, ±pi, ±e."""
    out = {}
    for i in range(g.n_inputs, g.first_op):
        text = g.source(i).replace(" ", "")
        sign = -1 if text.startswith("-") else 1
        core = text.lstrip("+-")
        if core == "pi":
            out[i] = sign * +mp.pi
        elif core == "e":
            out[i] = sign * +mp.e
        else:
            try:
                out[i] = mpf(text)
            except (ValueError, TypeError):
                out[i] = mpf(repr(g.const[i]))
            if float(out[i]) != g.const[i]:   # hash-consed with another spelling
                out[i] = mpf(repr(g.const[i]))
    return out


def point_values(text: str, names: list, option: str = "--at") -> list:
    """``--at`` at the working precision: each value a constant expression.

    The float parse validates (same messages as without --digits); each value
    is then evaluated again with mpmath, so ``2/3`` and ``pi/6`` keep every digit.
    """
    from .point import parse_point, split_top
    import re
    floats = parse_point(text, names, option)
    t = text.strip()
    if t.startswith("(") and t.endswith(")") or t.startswith("[") and t.endswith("]"):
        t = t[1:-1]
    pieces = [p for _, p in split_top(t)] if t else []
    named = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)\s*=(?!=)(.*)\Z", re.S)
    by_name = {}
    for k, p in enumerate(pieces):
        mt = named.match(p)
        if mt:
            by_name[mt.group(1)] = mt.group(2)
        else:
            by_name[names[k]] = p
    return [_constant(by_name[n], f) for n, f in zip(names, floats)]


def _constant(src: str, approx: float):
    from .parser import parse
    g = parse(src.strip())
    vals = evaluate_graph(g, [])
    v = vals[g.outputs[0]]
    return v if v is not None else mpf(repr(approx))


def evaluate_graph(g, point) -> list:
    """The primal sweep at the working precision (raises EvalError naming the row)."""
    from .engine import evaluate
    return evaluate(g, point, namespace(g))


def differentiate_graph(g, point, mode: str):
    """engine.differentiate at the working precision: (values, rows, sweeps, ops, warnings)."""
    from .engine import ZERO, adjoint_sweep, linearize, tangent_sweep
    vals = evaluate_graph(g, point)
    ns = namespace()
    lin = linearize(g, vals, ns)
    n, outs = g.n_inputs, g.outputs
    jac = [[mpf(0)] * n for _ in outs]
    if mode == "forward":
        for j in range(n):
            seed = [ZERO] * n
            seed[j] = mpf(1)
            tan = tangent_sweep(g, lin, seed)
            for r, o in enumerate(outs):
                jac[r][j] = mpf(tan[o])
        sweeps = n
    else:
        for r, o in enumerate(outs):
            adj = adjoint_sweep(g, lin, o, mpf(1))
            jac[r] = [mpf(a) for a in adj[:n]]
        sweeps = len(outs)
    ops = {"primal": g.n_ops, "derivative": sweeps * len(lin.order)}
    return [vals[o] for o in outs], jac, sweeps, ops, lin.warnings


# -- output -------------------------------------------------------------------------------------
def text(v, digits: int) -> str:
    """``v`` to ``digits`` significant digits (trailing zeros dropped)."""
    with mpmath.workdps(digits + GUARD):
        s = mpmath.nstr(v if isinstance(v, mpf) else mpf(v), digits, min_fixed=-5,
                        max_fixed=digits)
    s = s.replace(".0e", "e")          # 3.0e-30 -> 3e-30, as float64 output prints it
    return s[:-2] if s.endswith(".0") else s


def plain(message: str, digits: int | None = None) -> str:
    """Engine text with mpmath's reprs (``mpf('−0.5')``) written as numbers
    (``−0.5``), to ``digits`` significant digits if given."""
    import re

    def number(m) -> str:
        if digits is None:
            return m.group(1)
        with working_precision(digits):
            v = mpf(m.group(1).replace("−", "-"))
        return text(v, digits).replace("-", "−")
    return re.sub(r"mpf\('([^']*)'\)", number, message)


class Shown(float):
    """A float that prints as its N-digit text, for the float-based table renderers."""

    def __new__(cls, value, digits: int):
        obj = float.__new__(cls, float(value))
        obj.text = text(value, digits)
        obj.integral = bool(mpmath.isint(value)) and abs(value) < 2 ** 53
        obj.whole = int(value) if obj.integral else 0
        return obj

    def __int__(self) -> int:
        return self.whole

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def __eq__(self, other):
        return self.integral and float.__eq__(self, other)

    __hash__ = float.__hash__


def run_digits(command: str, g, at: str, mode: str, digits: int, as_json: bool,
               reason: str = "") -> None:
    """eval / grad / jacobian at ``digits`` significant digits, printed like the
    float64 commands; JSON numbers are strings, with a ``"digits"`` key."""
    from .errors import AdcliError
    try:
        with working_precision(digits):
            _run(command, g, at, mode, digits, as_json, reason)
    except AdcliError as exc:   # the engine shows values with repr(): mpf('−0.5') -> −0.5
        exc.message = plain(exc.message, digits)
        exc.args = (exc.message,)
        raise


def _run(command, g, at, mode, digits, as_json, reason) -> None:
    from .common import print_warnings
    point = point_values(at, g.names)
    if command == "eval":
        vals = evaluate_graph(g, point)
        values, rows, sweeps, ops, warnings = [vals[o] for o in g.outputs], None, 0, {}, []
    else:
        values, rows, sweeps, ops, warnings = differentiate_graph(g, point, mode)
    _show(command, g, point, values, rows, mode, sweeps, ops, warnings, digits, reason, as_json)
    print_warnings(warnings)


def _show(command, g, point, values, rows, mode, sweeps, ops, warnings, digits, reason,
          as_json) -> None:
    from .engine import Result
    if as_json:
        _emit_json(command, g, point, values, rows, mode, sweeps, ops, warnings, digits, reason)
    else:
        shown = [Shown(v, digits) for v in point]
        vals_shown = [Shown(v, digits) for v in values]
        if command == "eval":
            from .tables import print_value
            print_value(g, shown, vals_shown)
        else:
            res = Result(mode, vals_shown, [[Shown(v, digits) for v in r] for r in rows],
                         sweeps, ops, warnings)
            if command == "grad":
                from .tables import print_gradient
                print_gradient(g, shown, res)
            else:
                from .tables import print_jacobian
                print_jacobian(g, shown, res, reason)


def _emit_json(command, g, point, values, rows, mode, sweeps, ops, warnings, digits, reason):
    from .jsonout import common, emit
    out = common(command, g, [text(v, digits) for v in point])
    out["digits"] = digits
    vals = [text(v, digits) for v in values]
    if command == "eval":
        out["value"] = vals if g.vector else vals[0]
        emit(out)
        return
    jac = [[text(v, digits) for v in r] for r in rows]
    out["mode"] = mode
    if command == "grad":
        out.update(value=vals[0], gradient=jac[0])
    else:
        out.update(value=vals, jacobian=jac)
    out.update(sweeps=sweeps, operations=ops, warnings=warnings)
    if reason:
        out["mode_reason"] = reason
    emit(out)
