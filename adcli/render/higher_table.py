"""Rich tables for jvp, vjp, hessian, hvp and derivative (not --json).

Every matrix and vector is labelled by variable (inputs) or output (f, f1,
f2, …), in the formula's variable order.
"""
from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from ..tables import console, header, num, one_line, output_label, print_table

_PRIMES = {1: "′", 2: "″", 3: "‴"}
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _table(*columns: str) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for k, c in enumerate(columns):
        t.add_column(c, justify="left" if k == 0 else "right", no_wrap=True)
    return t


def _vector_line(label: str, names, values) -> Text:
    t = Text(f"{label}: ", style="dim")
    shown = ", ".join(f"{n} = {num(v)}" for n, v in zip(names, values))
    return t + Text(shown if len(shown) <= 200 else shown[:199] + "…")


def _value_line(v: float) -> Text:
    return Text("f = ", style="bold") + Text(num(v))


def _output_names(g) -> list:
    return [output_label(g, r) for r in range(len(g.outputs))]


def print_jvp(g, point, direction, res) -> None:
    c = console()
    c.print(header("jvp", g, point))
    c.print(_vector_line("direction v", g.names, direction))
    t = _table("output", "expression", "value", "J·v")
    for r, (v, p) in enumerate(zip(res.value, res.product)):
        t.add_row(output_label(g, r), one_line(g.source(g.outputs[r]), 60), num(v), num(p))
    print_table(c, t)
    c.print(Text("forward mode: 1 primal sweep + 1 tangent sweep seeded with v", style="dim"))


def print_vjp(g, point, cotangent, res) -> None:
    c = console()
    c.print(header("vjp", g, point))
    c.print(_vector_line("cotangent w", _output_names(g), cotangent))
    t = _table("variable", "at", "(wᵀ·J) = Σ wᵣ·∂fᵣ/∂variable")
    for name, x, p in zip(g.names, point, res.product):
        t.add_row(name, num(x), num(p))
    print_table(c, t)
    c.print(Text("reverse mode: 1 primal (recording) sweep + 1 adjoint sweep seeded with w",
                 style="dim"))


def print_hessian(g, point, res) -> None:
    c = console()
    c.print(header("hessian", g, point))
    c.print(_value_line(res.value))
    t = _table("variable", "∂f/∂variable", *(f"∂²f/∂·∂{n}" for n in g.names))
    for name, d, row in zip(g.names, res.gradient, res.hessian):
        t.add_row(name, num(d), *(num(v) for v in row))
    print_table(c, t)
    c.print(Text(symmetry_note(res), style="dim"))
    n = len(g.names)
    c.print(Text(f"forward-over-reverse: {n} reverse sweep{'s' if n != 1 else ''} over dual "
                 "numbers (one per input), each carrying tangents", style="dim"))


def symmetry_note(res) -> str:
    if res.asymmetry == 0.0:
        return "symmetric: Hᵢⱼ = Hⱼᵢ exactly (the computed rows agree to the last bit)"
    if any("not twice differentiable" in w for w in res.warnings):
        return ("made symmetric: the mean of the computed Hᵢⱼ and Hⱼᵢ, which differ by "
                f"up to {res.asymmetry:.3g} here (see the warning)")
    return ("symmetric: Hᵢⱼ = Hⱼᵢ exactly (the mean of the computed Hᵢⱼ and Hⱼᵢ, which "
            f"differed by at most {res.asymmetry:.3g} in rounding)")


def print_hvp(g, point, direction, res) -> None:
    c = console()
    c.print(header("hvp", g, point))
    c.print(_value_line(res.value[0]))
    t = _table("variable", "at", "v", "∂f/∂variable", "(H·v)")
    for name, x, v, d, p in zip(g.names, point, direction, res.gradient, res.product):
        t.add_row(name, num(x), num(v), num(d), num(p))
    print_table(c, t)
    c.print(Text("forward-over-reverse: 1 reverse sweep over dual numbers x + v·ε; "
                 "H is not built", style="dim"))


def order_label(k: int) -> str:
    """f, f′, f″, f‴, f⁽⁴⁾, …"""
    if k == 0:
        return "f"
    return "f" + _PRIMES.get(k, f"⁽{str(k).translate(_SUP)}⁾")


def print_derivatives(g, point, direction, res) -> None:
    c = console()
    c.print(header("derivative", g, point))
    if direction is not None:
        c.print(_vector_line("along t ↦ f(x + t·v), v", g.names, direction))
    t = _table("order", "derivative", "value")
    for k, d in enumerate(res.derivatives):
        t.add_row(str(k), order_label(k), num(d))
    print_table(c, t)
    c.print(Text(f"Taylor mode: 1 sweep over truncated Taylor series of degree "
                 f"{len(res.derivatives) - 1}", style="dim"))
