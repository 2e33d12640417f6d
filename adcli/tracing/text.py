"""The text of a trace: styles (Unicode, ASCII), node labels, and the registry entry's rule
and partial templates with constants folded in and the labels filled in.

Every format prints the same rules from here (LaTeX adds its style in
:mod:`adcli.render.latex`).  Nothing here computes a number.
"""
from __future__ import annotations

import copy
import math
import re
from functools import lru_cache
from typing import cast

from ..backends.floats import FloatMath
from ..ir import Graph, subscript
from ..render.numbers import FULL, Numbers, float_text

_PH = re.compile(r"\{(\d|out)\}")


# -- styles: how ids, numbers and op templates print -------------------------------------------
class Style:
    """Unicode, as in the textbooks: v₋₁, v̇₃, v̄₃, ·, −.

    ``numbers`` writes the values a rule holds (a seed, a direction): float64 in full,
    or under --digits N to N digits (:mod:`adcli.render.numbers`)."""

    ascii = False
    minus = "−"
    times = "·"

    def __init__(self, symbol: str = "v", numbers: Numbers = FULL):
        self.symbol = symbol          # --symbol u: u₋₁ … u₆, as the MATLAB page numbers them
        self.numbers = numbers

    def with_digits(self, digits: int | None) -> Style:
        """This style writing its numbers to ``digits`` significant digits (None: float64)."""
        if digits == self.numbers.digits:
            return self
        out = copy.copy(self)
        out.numbers = Numbers(digits)
        return out

    def var(self, k: int) -> str:
        return self.symbol + subscript(k)

    def dot(self, k: int) -> str:
        return self.symbol + "\u0307" + subscript(k)

    def bar(self, k: int) -> str:
        return self.symbol + "\u0304" + subscript(k)

    def number(self, v) -> str:
        return self.numbers.text(v).replace("-", "−")

    def name(self, name: str) -> str:
        return name

    def template(self, tpl: str) -> str:
        return tpl


class AsciiStyle(Style):
    """Plain ASCII: v-1, vdot3, vbar3, *, -."""

    ascii = True
    minus = "-"
    times = "*"
    _MAP = str.maketrans({"−": "-", "·": "*", "²": "^2", "√": "sqrt", "∛": "cbrt",
                          "σ": "sigmoid", "π": "pi", "≤": "<=", "≥": ">=", "½": "0.5"})

    def var(self, k: int) -> str:
        return f"{self.symbol}{k}"

    def dot(self, k: int) -> str:
        return f"{self.symbol}dot{k}"

    def bar(self, k: int) -> str:
        return f"{self.symbol}bar{k}"

    def number(self, v) -> str:
        return self.numbers.text(v)

    def template(self, tpl: str) -> str:
        return tpl.translate(self._MAP)


def style_for(ascii: bool, symbol: str = "v") -> Style:
    return AsciiStyle(symbol) if ascii else Style(symbol)


# -- templates: constants folded in, then classified as a factor --------------------------------
#: Constants that print by name (π is translated per style: pi, \pi).
NAMED = {math.pi: "π", math.e: "e"}


def _literal(v: float) -> str:
    """A constant operand as rule text: ``2``, ``(−1)``, ``π``, ``(−e)``."""
    name = NAMED.get(abs(v))
    if name is None:
        name = float_text(abs(v)).replace("-", "−")
    return f"(−{name})" if v < 0 else name


_NUM = r"[0-9][0-9.]*(?:e[+−]?[0-9]+)?"
_DIFF = re.compile(rf"\(\(?(−?{_NUM})\)?−({_NUM})\)")
_POWN = re.compile(rf"\^\(({_NUM})\)")
_POW0 = re.compile(r"^1·\{\d\}\^0$")
_POW1 = re.compile(r"\^1(?![0-9.])")


def _fold(tpl: str) -> str:
    """``2·{0}^(2−1)`` -> ``2·{0}``, ``(−1)·{0}^((−1)−1)`` -> ``(−1)·{0}^(−2)``:
    arithmetic on literals done once, for reading (partials only)."""
    def diff(m):
        a = float(m.group(1).replace("−", "-"))
        b = float(m.group(2).replace("−", "-"))
        return "(" + float_text(a - b).replace("-", "−") + ")"
    tpl = _DIFF.sub(diff, tpl)
    tpl = _POWN.sub(r"^\1", tpl)
    if _POW0.match(tpl):          # x^1: 1·x^0 is 1
        return "1"
    return _POW1.sub("", tpl).replace("·log(e)", "")


@lru_cache(maxsize=4096)
def prepared(tpl: str, consts: tuple, fold: bool = True) -> str:
    """The template with constant operands written as literals (``consts[k]`` or None);
    ``fold`` also does the arithmetic on literals (for partials, not definitions)."""
    def put(m):
        key = m.group(1)
        if key != "out" and consts[int(key)] is not None:
            return _literal(consts[int(key)])
        return m.group(0)
    text = _PH.sub(put, tpl)
    return _fold(text) if fold else text


def _top_level_sum(t: str) -> bool:
    depth = 0
    for k, ch in enumerate(t):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and ch in "+−" and 0 < k and t[k - 1] == " ":
            return True
    return False


_NEGLIT = re.compile(rf"\(−({_NUM}|π|e|½)\)(?=·|$)")


@lru_cache(maxsize=4096)
def factor(tpl: str) -> tuple:
    """How a local partial multiplies a tangent or adjoint: (negated, kind, rest).

    kind is ``one`` (the partial is ±1), ``div`` (it is ±1/rest) or ``mul``.
    """
    neg = tpl.startswith("−")
    rest = tpl[1:] if neg else tpl
    m = _NEGLIT.match(rest)
    if m:                                   # (−1)·x -> −x, (−2)·x -> −2·x
        neg, rest = not neg, m.group(1) + rest[m.end(1) + 1:]
    rest = rest.removeprefix("1·")
    if rest == "1":
        return neg, "one", ""
    if rest.startswith("1/"):
        return neg, "div", rest[2:]
    if _top_level_sum(rest):
        rest = f"({rest})"
    return neg, "mul", rest


def fill(tpl: str, labels: tuple, out: str) -> str:
    return _PH.sub(lambda m: out if m.group(1) == "out" else labels[int(m.group(1))], tpl)


def positions(g: Graph, i: int) -> list:
    """Argument positions of row i's local partials, aligned with ``lin.pairs[i]``."""
    return [p for p, a in enumerate(g.args[i]) if g.active[a]]


def out_name(g: Graph, r: int) -> str:
    return g.output_name(r)


# -- labels of nodes ---------------------------------------------------------------------------
class Labels:
    """Per-node text in one style, computed once.

    ``kinks`` maps a row where its op is not differentiable (a tie of max, relu
    at 0) to the values of its local partials there, by argument position: the
    rule then prints the convention's number (``v̄₁·½``), not a formula that
    reads differently (``[v₀ > v₋₁]`` is 0 at a tie).
    """

    def __init__(self, g: Graph, style: Style, kinks: dict | None = None):
        self.g, self.s = g, style
        self.kinks = kinks or {}
        self.var = [""] * g.n_nodes
        self.dot = [""] * g.n_nodes
        self.bar = [""] * g.n_nodes
        for i in range(g.n_nodes):
            if g.op[i] is None and i >= g.n_inputs:
                self.var[i] = self.constant(cast(float, g.const[i]))
                continue
            k = g.number(i)
            self.var[i], self.dot[i], self.bar[i] = style.var(k), style.dot(k), style.bar(k)
        self._tcache: dict = {}

    def constant(self, v: float) -> str:
        """A constant node: its literal (``2``, ``(−0.5)``), or its name (π, e), in the
        style; as the rules write it, never the float64 widened to --digits."""
        return self.s.template(_literal(v))

    def _consts(self, i: int) -> tuple:
        g = self.g
        return tuple(g.const[a] if g.op[a] is None and a >= g.n_inputs else None
                     for a in g.args[i])

    def styled(self, tpl: str, i: int, fold: bool = True) -> str:
        key = (tpl, self._consts(i), fold)
        t = self._tcache.get(key)
        if t is None:
            t = self._tcache[key] = self.s.template(prepared(*key))
        return t

    def definition(self, i: int) -> str:
        g = self.g
        if g.op[i] is None:
            return self.s.name(g.names[i]) if i < g.n_inputs else self.var[i]
        labels = tuple(self.var[a] for a in g.args[i])
        return fill(self.styled(g.fn(i).rule, i, fold=False), labels, self.var[i])

    def _kink(self, i: int, pos: int) -> str | None:
        """The partial's number at a kink, as a literal template (None elsewhere)."""
        at = self.kinks.get(i)
        if at is None or pos not in at:
            return None
        v = float(at[pos])
        return "½" if v == 0.5 else _literal(v)

    def partial_text(self, i: int, pos: int) -> str:
        """∂vᵢ/∂(argument pos) written out, e.g. ``cos(v₀)``."""
        g = self.g
        kink = self._kink(i, pos)
        if kink is not None:
            return self.s.template(kink)
        labels = tuple(self.var[a] for a in g.args[i])
        return fill(self.styled(g.fn(i).partial_text[pos], i), labels, self.var[i])

    def partial(self, i: int, pos: int) -> tuple:
        """(negated, kind, text) of ∂vᵢ/∂(argument pos)."""
        g = self.g
        kink = self._kink(i, pos)
        if kink is not None:
            neg, kind, rest = factor(kink)
            return neg, kind, self.s.template(rest)
        key = (g.fn(i).partial_text[pos], self._consts(i))
        neg, kind, rest = factor(prepared(*key))
        labels = tuple(self.var[a] for a in g.args[i])
        return neg, kind, fill(self.s.template(rest), labels, self.var[i])


def kinks(g: Graph, vals, lin, m=FloatMath) -> dict:
    """{row: {argument position: local partial}} for the rows at a kink of their op."""
    out: dict = {}
    primal = m.primal or (lambda v: v)
    for i in lin.order:
        op = g.op[i]
        if op.kink is not None and op.kink(*[primal(vals[a]) for a in g.args[i]]):
            out[i] = {pos: p for pos, (_, p) in zip(positions(g, i), lin.pairs[i])}
    return out


def term(s: Style, neg: bool, kind: str, rest: str, sv: str, after: bool = False) -> tuple:
    """One summand: the tangent/adjoint ``sv`` times a partial; ``after`` puts sv last."""
    if kind == "one":
        return neg, sv
    if kind == "div":
        return neg, f"{sv}/{rest}"
    return neg, (f"{rest}{s.times}{sv}" if after else f"{sv}{s.times}{rest}")


def join(s: Style, terms: list) -> str:
    if not terms:
        return "0"
    out = []
    for k, (neg, text) in enumerate(terms):
        if k == 0:
            out.append(s.minus + text if neg else text)
        else:
            out.append((f" {s.minus} " if neg else " + ") + text)
    return "".join(out)
