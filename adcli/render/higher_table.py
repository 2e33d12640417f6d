"""Rich tables for jvp, vjp, hessian, hvp and derivative (not --json).

Every matrix and vector is labelled by variable (inputs) or output (f, f1,
f2, …), in the formula's variable order.  Each view takes a typed result
(:mod:`adcli.results`) and the number formatter, and returns the renderables.
"""
from __future__ import annotations

from rich.text import Text

from ..tables import _table, header, one_line, output_label
from .numbers import Numbers

_PRIMES = {1: "′", 2: "″", 3: "‴"}
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _vector_line(label: str, names, values, fmt: Numbers) -> Text:
    t = Text(f"{label}: ", style="dim")
    shown = ", ".join(f"{n} = {fmt.text(v)}" for n, v in zip(names, values))
    return t + Text(shown if len(shown) <= 200 else shown[:199] + "…")


def _value_line(v, fmt: Numbers) -> Text:
    return Text("f = ", style="bold") + Text(fmt.text(v))


def _output_names(g) -> list:
    return [output_label(g, r) for r in range(len(g.outputs))]


def jvp_view(r, fmt: Numbers) -> list:
    g = r.graph
    t = _table("output", "expression", "value", "J·v")
    for k, (v, p) in enumerate(zip(r.values, r.product)):
        t.add_row(output_label(g, k), one_line(g.source(g.outputs[k]), 60), fmt.text(v),
                  fmt.text(p))
    return [header("jvp", g, r.point, fmt), _vector_line("direction v", g.names, r.seed, fmt), t,
            Text("forward mode: 1 primal sweep + 1 tangent sweep seeded with v", style="dim")]


def vjp_view(r, fmt: Numbers) -> list:
    g = r.graph
    t = _table("variable", "at", "(wᵀ·J) = Σ wᵣ·∂fᵣ/∂variable")
    for name, x, p in zip(g.names, r.point, r.product):
        t.add_row(name, fmt.text(x), fmt.text(p))
    return [header("vjp", g, r.point, fmt),
            _vector_line("cotangent w", _output_names(g), r.seed, fmt), t,
            Text("reverse mode: 1 primal (recording) sweep + 1 adjoint sweep seeded with w",
                 style="dim")]


def second_name(x: str, y: str) -> str:
    """The textbook name of a Hessian entry: ∂²f/∂x1², ∂²f/∂x1∂x2."""
    return f"∂²f/∂{x}²" if x == y else f"∂²f/∂{x}∂{y}"


def hessian_view(r, fmt: Numbers) -> list:
    g = r.graph
    grad = _table("variable", "∂f/∂variable")
    for name, d in zip(g.names, r.gradient):
        grad.add_row(name, fmt.text(d))
    # one row per entry Hᵢⱼ, i ≤ j (the matrix is exactly symmetric), named in full
    t = _table("second derivative", "value")
    for i, x in enumerate(g.names):
        for j in range(i, len(g.names)):
            t.add_row(second_name(x, g.names[j]), fmt.text(r.hessian[i][j]))
    n = len(g.names)
    return [header("hessian", g, r.point, fmt), _value_line(r.value, fmt), grad, t,
            Text(symmetry_note(r), style="dim"),
            Text(f"forward-over-reverse: {n} reverse sweep{'s' if n != 1 else ''} over dual "
                 "numbers (one per input), each carrying tangents", style="dim")]


def symmetry_note(res) -> str:
    if res.asymmetry == 0.0:
        return "symmetric: Hᵢⱼ = Hⱼᵢ exactly (the computed rows agree to the last bit)"
    gap = f"{float(res.asymmetry):.3g}"
    if any("not twice differentiable" in w for w in res.warnings):
        return ("made symmetric: the mean of the computed Hᵢⱼ and Hⱼᵢ, which differ by "
                f"up to {gap} here (see the warning)")
    return ("symmetric: Hᵢⱼ = Hⱼᵢ exactly (the mean of the computed Hᵢⱼ and Hⱼᵢ, which "
            f"differed by at most {gap} in rounding)")


def hvp_view(r, fmt: Numbers) -> list:
    g = r.graph
    t = _table("variable", "at", "v", "∂f/∂variable", "(H·v)")
    for name, x, v, d, p in zip(g.names, r.point, r.seed, r.gradient, r.product):
        t.add_row(name, fmt.text(x), fmt.text(v), fmt.text(d), fmt.text(p))
    return [header("hvp", g, r.point, fmt), _value_line(r.values[0], fmt), t,
            Text("forward-over-reverse: 1 reverse sweep over dual numbers x + v·ε; "
                 "H is not built", style="dim")]


def order_label(k: int) -> str:
    """f, f′, f″, f‴, f⁽⁴⁾, …"""
    if k == 0:
        return "f"
    return "f" + _PRIMES.get(k, f"⁽{str(k).translate(_SUP)}⁾")


def derivatives_view(r, fmt: Numbers) -> list:
    g = r.graph
    items = [header("derivative", g, r.point, fmt)]
    if r.direction is not None:
        items.append(_vector_line("along t ↦ f(x + t·v), v", g.names, r.direction, fmt))
    t = _table("order", "derivative", "value")
    for k, d in enumerate(r.derivatives):
        t.add_row(str(k), order_label(k), fmt.text(d))
    k = len(r.derivatives) - 1
    how = (f"1 sweep over {k} nested dual numbers at {r.digits} digits" if r.digits is not None
           else f"Taylor mode: 1 sweep over truncated Taylor series of degree {k}")
    return items + [t, Text(how, style="dim")]
