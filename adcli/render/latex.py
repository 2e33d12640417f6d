"""The trace as LaTeX ``tabular`` environments that compile as they are (no packages).

Ids and rules are math (``$\\bar{v}_{0}$``), sources are ``\\texttt``; the op
table's Unicode templates are translated once per template.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..functions import REGISTRY
from ..tables import one_line
from ..tracing import Style, cost_lines, shown_rows
from . import (
    NO_INPUTS,
    constant_text,
    digits_note,
    out_name,
    output_label,
    page,
    point_text,
    table_notes,
    value_text,
    values_text,
)

_CHARS = {"·": r" \cdot ", "−": "-", "²": "^2", "σ": r"\sigma ", "π": r"\pi ",
          "≤": r"\le ", "≥": r"\ge ", "½": r"\frac{1}{2}", "ψ": r"\psi ", "′": "'"}
#: A call in a template -> the registry entry's LaTeX name (\sin, \mathrm{asinh}, \Gamma).
_LATEX = {f.name: f.latex for f in REGISTRY.values() if f.latex and not f.infix}
_CALL = re.compile(r"\b(" + "|".join(sorted(_LATEX, key=len, reverse=True)) + r")\(")
_NUMBER = re.compile(r"\^([0-9][0-9.e+]+)")
_SCI = re.compile(r"(?<![\w.])([0-9][0-9.]*)e([+−]?)0*([0-9]+)")
#: The gap in a shortened rule (math mode; \mbox needs no package).
GAP = r"\ldots\ \mbox{{({:,} more terms)}}\ \ldots"


def _sci(m) -> str:
    sign = "-" if m.group(2) == "−" else ""
    return rf"{m.group(1)} \times 10^{{{sign}{m.group(3)}}}"


def _wrap(tpl: str, opener: str, before: str, after: str) -> str:
    """``opener(X)`` -> ``before X after``, parentheses matched (leftmost first)."""
    key = opener + "("
    while key in tpl:
        start = tpl.index(key)
        depth, k = 0, start + len(opener)
        while k < len(tpl):
            depth += tpl[k] == "("
            depth -= tpl[k] == ")"
            if depth == 0:
                break
            k += 1
        tpl = tpl[:start] + before + tpl[start + len(key):k] + after + tpl[k + 1:]
    return tpl


@lru_cache(maxsize=1024)
def latex_template(tpl: str) -> str:
    """An op-table template (``1/√(1 − {0}²)``) in LaTeX (``1/\\sqrt{1 - {0}^2}``)."""
    tpl = _SCI.sub(_sci, tpl)            # literals: 1e−07 -> 1 \times 10^{-7}
    tpl = tpl.replace("√π", r"\sqrt{\pi}")
    tpl = _wrap(tpl, "√", r"\sqrt{", "}")
    tpl = _wrap(tpl, "∛", r"\sqrt[3]{", "}")
    tpl = _wrap(tpl, "^", "^{", "}")
    tpl = re.sub(r"√(\{(?:\d|out)\})", r"\\sqrt{\1}", tpl)
    tpl = re.sub(r"∛(\{(?:\d|out)\})", r"\\sqrt[3]{\1}", tpl)
    tpl = re.sub(r"\^(\{(?:\d|out)\})", r"^{\1}", tpl)
    tpl = _NUMBER.sub(r"^{\1}", tpl)
    tpl = tpl.replace("√", r"\surd ").replace("∛", r"\sqrt[3]{\,}")
    tpl = "".join(_CHARS.get(ch, ch) for ch in tpl)
    tpl = tpl.replace("ln 2", r"\ln 2").replace("ln 10", r"\ln 10")
    return _CALL.sub(lambda m: _LATEX[m.group(1)] + "(", tpl)


def tex_number(s: str) -> str:
    """A number's text (:mod:`adcli.render.numbers`) in math mode: ``3 \\times 10^{-30}``."""
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s


class LatexStyle(Style):
    """Math-mode LaTeX: v_{-1}, \\dot{v}_{3}, \\bar{v}_{3}."""

    minus = "-"
    times = r" \cdot "

    def var(self, k: int) -> str:
        return f"{self.symbol}_{{{k}}}"

    def dot(self, k: int) -> str:
        return rf"\dot{{{self.symbol}}}_{{{k}}}"

    def bar(self, k: int) -> str:
        return rf"\bar{{{self.symbol}}}_{{{k}}}"

    def number(self, v) -> str:
        return tex_number(self.numbers.text(v))

    def name(self, name: str) -> str:
        m = re.fullmatch(r"([A-Za-z]+)([0-9]+)", name)
        if m:
            return f"{m.group(1)}_{{{m.group(2)}}}"
        return rf"\mathit{{{tex_text(name)}}}" if len(name) > 1 else name

    def template(self, tpl: str) -> str:
        return latex_template(tpl)


_TEXT = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
         "#": r"\#", "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}", "<": r"$<$",
         ">": r"$>$", "−": "-", "·": "*", "×": "*", "÷": "/", "…": r"\ldots{}"}


def tex_text(text: str) -> str:
    """Plain text for text mode: specials escaped, only ASCII left."""
    out = []
    for ch in text:
        ch = _TEXT.get(ch, ch)
        out.append(ch if ch.isascii() else "?")
    return "".join(out)


def _value(v, sig) -> str:
    return f"${tex_number(value_text(v, sig))}$"


def _tabular(title: str, ncols: int, rows: list, limit: int, cells, foot: list,
             heads: tuple = ()) -> list:
    """One table: its title, its column headers (``heads``), its rows and footnotes;
    columns a little closer than LaTeX's default so wide traces keep inside the text."""
    spec = "l" * (ncols - 1) + "r"
    out = [r"{\small\setlength{\tabcolsep}{4pt}%", rf"\begin{{tabular}}{{{spec}}}", r"\hline",
           rf"\multicolumn{{{ncols}}}{{l}}{{\textbf{{{title}}}}}\\", r"\hline"]
    if heads and rows:
        out += [" & ".join(rf"\textit{{{h}}}" for h in heads) + r"\\", r"\hline"]
    head, omitted, tail, shortened = page(rows, limit, GAP)
    out += [" & ".join(cells(r)) + r"\\" for r in head]
    if omitted:
        out.append(rf"\multicolumn{{{ncols}}}{{c}}{{$\vdots$}}\\")
    out += [" & ".join(cells(r)) + r"\\" for r in tail]
    if rows:
        out.append(r"\hline")
    foot = [rf"\textit{{{_option_text(note)}}}" for note in table_notes(omitted, shortened)] \
        + foot
    out += [rf"\multicolumn{{{ncols}}}{{l}}{{{f}}}\\" for f in foot]
    return out + [r"\end{tabular}}", "", r"\medskip", ""]


def _option_text(text: str) -> str:
    """Text with --options, as typed (no en dash): ``-{}-limit``."""
    return tex_text(text).replace("--", "-{}-")


def trace_latex(tr, limit: int, sig: int | None = None) -> str:
    g, s = tr.g, tr.style
    at = point_text(tr)
    lines = [f"% adcli trace of {one_line(g.text)}" + (f" at {at}" if at else "")
             + f" ({tr.mode} mode); needs no LaTeX packages", ""]
    if tr.digits is not None:
        lines[1:1] = [f"% {digits_note(tr)}"]
    src = dict(zip((r.node for r in tr.primal), tr.sources))
    foot = [] if tr.primal else [r"\textit{no elementary operations}"]
    if not g.n_inputs:
        foot += [tex_text(values_text(tr, sig)), rf"\textit{{{tex_text(NO_INPUTS)}}}"]
    lines += _tabular("Primal trace", 4, tr.primal, limit, lambda r: (
        f"${r.id}$", f"$= {r.rule}$", rf"\texttt{{{tex_text(src[r.node])}}}",
        _value(r.value, sig)), foot, ("id", "definition", "source", "value"))
    for sw in tr.tangent:
        seed = ", ".join(s.number(v) for v in sw.seed)
        what = (rf"$\partial/\partial {s.name(sw.wrt)}$" if sw.wrt else "a direction")
        foot = [", ".join(f"${_d(tr, r, sw)} = {tex_number(value_text(v, sig))}$"
                          for r, v in zip(tr.outputs, sw.result))]
        lines += _tabular(rf"Tangent trace {what}, seed $\dot{{x}} = ({seed})$", _ncols(tr),
                          shown_rows(tr, sw), limit, lambda r: _rule_cells(tr, r, sig), foot,
                          _heads(tr, "tangent"))
    for sw in tr.adjoint:
        f = out_name(tr, sw.output - 1)
        title = f"Adjoint trace for ${f}$ (reverse order)"
        if sw.constant:
            label = f"${output_label(tr, sw.output - 1)}$"
            why = tex_text(constant_text(tr, sw.output - 1, "\x00")).replace("\x00", label)
            title = f"Adjoint trace for ${f}$: {why}"
        lines += _tabular(title, _ncols(tr), [] if sw.constant else shown_rows(tr, sw), limit,
                          lambda r: _rule_cells(tr, r, sig), [_gradient(tr, f, sw.result, sig)],
                          _heads(tr, "adjoint"))
    if tr.mode == "forward" and len(tr.tangent) > 1:
        foot = [_gradient(tr, out_name(tr, r), tr.gradient[k], sig)
                for k, r in enumerate(tr.outputs)]
        lines += _tabular("Gradient", 1, [], 0, None, foot)
    lines += [r"\textbf{Cost}", r"\begin{itemize}"]     # prose: it wraps inside the text
    lines += [rf"\item {tex_text(x)}" for x in cost_lines(tr.cost, tr.scope)]
    lines += [r"\end{itemize}"]
    return "\n".join(lines) + "\n"


def _heads(tr, what: str) -> tuple:
    return (what, "rule", "partial", "value") if tr.accumulate == "steps" else \
        (what, "rule", "value")


def _ncols(tr) -> int:
    return 4 if tr.accumulate == "steps" else 3


def _rule_cells(tr, r, sig) -> tuple:
    """lhs, = rule, (--accumulate steps: the local partial,) value."""
    if tr.accumulate != "steps":
        return f"${r.lhs}$", f"$= {r.rule}$", _value(r.value, sig)
    part = "" if r.partial is None else _value(r.partial, sig)
    return f"${r.lhs}$", f"$= {r.rule}$", part, _value(r.value, sig)


def _d(tr, r: int, sw) -> str:
    f = out_name(tr, r)
    return rf"\partial {f}/\partial {tr.style.name(sw.wrt)}" if sw.wrt else \
        rf"\nabla {f} \cdot \dot{{x}}"


def _gradient(tr, f: str, grad: list, sig) -> str:
    return "gradient: " + ", ".join(
        rf"$\partial {f}/\partial {tr.style.name(n)} = {tex_number(value_text(v, sig))}$"
        for n, v in zip(tr.g.names, grad))
