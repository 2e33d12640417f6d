"""C batch kernels for ``--points --compile``: codegen's C, in a loop over points, with a status.

The straight-line program is :mod:`adcli.codegen`'s own (:func:`~adcli.codegen.emit.build`,
:func:`~adcli.codegen.hessian.build_hessian`), printed by its :class:`~adcli.codegen.c.CPrinter`;
this module only wraps it for many points::

    long adcli_batch(long n, const double *X, double *Y, unsigned char *status, int threads)
    void adcli_range(long lo, long hi, long n, const double *X, double *Y, unsigned char *status)

``X`` is n_inputs × n and ``Y`` n_results × n, row-major (a point per column, as
:meth:`adcli.batch.Program.run` takes them), and the results are in the NumPy program's order
(:func:`adcli.batch.tape.record`): the values, then the derivative row by row (``grad``,
``jacobian``), or the gradient, the Hessian row by row and its asymmetry (``hessian``).
``status[k]`` is 0 where the point is ordinary and nonzero where the NumPy program flags it
for the float engine: a value, a derivative or a result that is not finite (a domain error
gives NaN, an overflow ±inf) sets :data:`NONFINITE`; a point where a function is not
differentiable (the registry's ``kink`` test, a tie of min/max, |0|) sets :data:`KINK`.
The loop never stops at a bad point.  ``adcli_batch`` splits it over threads with OpenMP when
the compiler has it; ``adcli_range`` computes points lo..hi, for a caller that shares the
points among its own threads (:class:`adcli.batch.compiled.CompiledProgram` does).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..ir import Graph
from .c import CPrinter
from .emit import Program, build, vname
from .expr import E

#: Up to this many statements the loop over points is vectorized (``omp simd``); GCC's
#: register allocation over a vectorized body grows faster than linearly (150 statements:
#: about 2 s of compile time), so a larger formula gets a scalar loop that compiles quickly.
SIMD_MAX_STATEMENTS = 400
#: Beyond this many, compiling would take minutes: no kernel (--compile runs on NumPy).
MAX_STATEMENTS = 20_000
NONFINITE = 1
KINK = 2
COMMANDS = ("eval", "grad", "jacobian", "hessian")
_TEMP = re.compile(r"t\d+\Z")


@dataclass
class BatchSource:
    code: str
    n_inputs: int
    n_results: int
    symbol: str = "adcli_batch"


def batch_source(g: Graph, command: str, mode: str = "reverse") -> BatchSource:
    """The C source of the batch kernel of ``command`` (eval, grad, jacobian, hessian)."""
    if command not in COMMANDS:
        raise UsageError(f"--compile covers {', '.join(COMMANDS)}, not {command}")
    mode = "forward" if mode == "forward" else "reverse"
    if command == "hessian":
        from .hessian import build_hessian
        prog = build_hessian(g, ieee=True)
    else:     # ieee: b·0 kept, so that a point flags where the engine's NaN flags it
        prog = build(g, {"eval": "value"}.get(command, command), mode, ieee=True)
    if len(prog.stmts) > MAX_STATEMENTS:
        raise UsageError(f"{len(prog.stmts):,} statements, too many to compile in reasonable "
                         f"time (at most {MAX_STATEMENTS:,})")
    p = CPrinter()
    body = [f"    const double {v} = X[{j} * n + k];" for j, v in enumerate(prog.inputs)]
    # NaN in, NaN out everywhere in NumPy; C's fmax/fmin drop a NaN, so test the inputs
    used = {a for i in range(g.first_op, g.n_nodes) for a in g.args[i] if a < g.n_inputs}
    body.append("    int bad = " + (" | ".join(f"isnan({prog.inputs[j]})" for j in sorted(used))
                                   or "0") + ";")
    declared = set(prog.inputs)
    results = _results(prog, command)
    checked = _checks(prog.stmts, results, every=command == "hessian")
    for k, s in enumerate(prog.stmts):
        decl = "" if s.name in declared else "double "
        declared.add(s.name)
        body.append(f"    {decl}{s.name} = {p.expr(s.expr)};")
        if k in checked:
            body.append(f"    bad |= !isfinite({s.name});")
    if command != "eval":
        body += _kinks(g, p, declared)
    for r, e in enumerate(results):
        body.append(f"    Y[{r} * n + k] = {p.expr(e)};")
        if e.kind != "const":
            body.append(f"    bad |= !isfinite(Y[{r} * n + k]);")
    body.append(f"    return (unsigned char)((bad ? {NONFINITE} : 0) | (kink ? {KINK} : 0));")
    lets = [t for t in dict.fromkeys(p.lets) if t not in declared]
    if lets:                # bound inside a branch (codegen's let): declared first, as c.py does
        body.insert(len(prog.inputs) + 1, f"    double {', '.join(lets)};")
    if command == "eval":
        body.insert(len(prog.inputs) + 1, "    const int kink = 0;")
    helpers = "".join(h + "\n" for h in p.helpers.values())
    body_text = helpers + "\n".join(body)
    simd = f"#define ADCLI_SIMD {int(len(prog.stmts) <= SIMD_MAX_STATEMENTS)}\n"
    code = (f"/* adcli --points --compile: {command} of {_comment(g.text)} */\n"
            "#include <math.h>\n#ifdef _OPENMP\n#include <omp.h>\n#endif\n"
            + _simd_decls(body_text) + "\n" + helpers + simd + _INLINE
            + "static ADCLI_INLINE unsigned char adcli_point(const double *restrict X, "
              "double *restrict Y, long n, long k)\n{\n" + "\n".join(body) + "\n}\n\n"
            + _LOOP)
    return BatchSource(code, g.n_inputs, len(results))


# adcli_point inlined into the loop, whatever its size, so that the loop vectorizes
_INLINE = """\
#if defined(__GNUC__)
#define ADCLI_INLINE inline __attribute__((always_inline))
#else
#define ADCLI_INLINE inline
#endif

"""

_LOOP = """\
void adcli_range(long lo, long hi, long n, const double *restrict X, double *restrict Y,
                 unsigned char *restrict status)
{
#if ADCLI_SIMD
#pragma omp simd
#endif
    for (long k = lo; k < hi; k++)
        status[k] = adcli_point(X, Y, n, k);
}

long adcli_batch(long n, const double *restrict X, double *restrict Y,
                 unsigned char *restrict status, int threads)
{
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if(n >= 8192 && threads > 1)
    {
        const long t = omp_get_thread_num(), m = omp_get_num_threads();
        adcli_range(n * t / m, n * (t + 1) / m, n, X, Y, status);
    }
#else
    (void)threads;
    adcli_range(0, n, n, X, Y, status);
#endif
    return 0;
}
"""

# glibc's vector math library (libmvec) has SIMD forms of these (x86-64); declaring them
# lets the compiler vectorize the loop over points.  ADCLI_MVEC is defined, with -lmvec,
# only by adcli.batch.compiled, which retries without both when the link fails.  They are
# within 4 ulp, as NumPy's own SIMD functions are; see the README on --compile's accuracy.
_MVEC_OLD = ("exp", "log", "sin", "cos", "pow")                        # glibc >= 2.22
_MVEC_NEW = ("acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "cosh",
             "erf", "erfc", "expm1", "hypot", "log10", "log1p", "log2", "sinh", "tan",
             "tanh")                                                   # glibc >= 2.35


def _simd_decls(code: str) -> str:
    def decl(names: tuple) -> str:
        used = [f for f in names if re.search(rf"\b{f}\(", code)]
        return "".join(f"__attribute__((simd(\"notinbranch\"))) double {f}("
                       f"{'double, double' if f in ('pow', 'atan2', 'hypot') else 'double'});\n"
                       for f in used)
    old, new = decl(_MVEC_OLD), decl(_MVEC_NEW)
    if not (old or new):
        return ""
    return ("#if defined(ADCLI_MVEC) && defined(__x86_64__) && defined(__GLIBC__) \\\n"
            "    && defined(__GNUC__) && !defined(__clang__)\n" + old
            + (f"#if __GLIBC_PREREQ(2, 35)\n{new}#endif\n" if new else "") + "#endif\n")


# Where a non-finite operand always makes the result non-finite (inf·0 and inf − inf are
# NaN, sin(inf) is NaN, ...), a check of the operand is redundant once the result is known
# to be checked: the point is flagged either way (the NumPy program drops the same checks).
# exp(−inf) = 0, x/inf = 0, a comparison or the branch not taken are why not everywhere.
_CARRY_CALLS = frozenset(("sin", "cos", "tan", "log", "sqrt", "fabs"))


def _carried(e: E) -> list[str]:
    """Variables of ``e`` whose non-finiteness makes ``e`` non-finite."""
    out, stack = [], [e]
    while stack:
        x = stack.pop()
        n = x.node
        if n[0] == "var":
            out.append(n[1])
        elif n[0] == "bin":
            stack.extend((n[2], n[3]) if n[1] != "/" else (n[2],))
        elif n[0] == "neg" or (n[0] == "call" and n[1] in _CARRY_CALLS and len(n[2]) == 1):
            stack.append(n[1] if n[0] == "neg" else n[2][0])
    return out


def _checks(stmts: list, results: list, every: bool) -> set[int]:
    """The statements whose value the kernel tests for finiteness: a value the NumPy
    program tests (every named value, and the temporaries too for a Hessian), unless a
    later test covers it (see _CARRY_CALLS).  Every result is tested."""
    covered: set[str] = set()
    for e in results:
        covered.update(_carried(e))
    checked = set()
    for k in range(len(stmts) - 1, -1, -1):
        s = stmts[k]
        seen = s.name in covered
        covered.discard(s.name)            # reads before this line are of this value
        if not seen and (every or not _TEMP.match(s.name)):
            checked.add(k)
            seen = True
        if seen:
            covered.update(_carried(s.expr))
    return checked


def _comment(text: str) -> str:
    from .frame import formula_line
    line = formula_line(text)
    return line if len(line) <= 70 else line[:67] + "..."


def _results(prog: Program, command: str) -> list:
    from .expr import call, const, sub
    res = prog.results
    out = list(res["value"])
    for row in res.get("jac", []) if command in ("grad", "jacobian", "hessian") else []:
        out.extend(row)
    if command == "hessian":
        for row in res["hess"]:
            out.extend(row)
        rows = res["hess_rows"]          # unsymmetrized: the asymmetry, as higher.hessian
        n = len(rows)
        gap = const(0.0)
        for i in range(n):
            for j in range(i + 1, n):
                a, b = rows[i][j], rows[j][i]
                if a is b or a.node == b.node:
                    continue
                d = call("fabs", sub(a, b))
                gap = d if gap.is_const(0.0) else call("fmax", gap, d)
        out.append(gap)
    return out


def _kinks(g: Graph, p: CPrinter, declared: set) -> list[str]:
    """``kink |= <test>`` for every active operation with a kink, from the registry's test."""
    lines = ["    int kink = 0;"]
    for i in range(g.first_op, g.n_nodes):
        op = g.fn(i)
        if not g.active[i] or op.kink is None:
            continue
        args = []
        for a in g.args[i]:
            if a < g.n_inputs or a >= g.first_op:
                name = vname(g, a)
                if name not in declared:
                    raise UsageError(f"no C form for the kink test of {vname(g, i)}")
                args.append(name)
            else:
                args.append(p.number(g.const[a] or 0.0))
        lines.append(f"    kink |= {kink_c(op.kink, args)};")
    return lines


# -- the registry's kink tests (Python predicates) as C conditions -------------------------
class _Val:
    """A C value a predicate compares: ``x == 0.0``, ``x % 1.0 == 0.0``, ``x == y``."""

    def __init__(self, text: str):
        self.text = text

    def _cmp(self, op: str, o: Any) -> _Cond:
        return _Cond(f"({self.text} {op} {_text(o)})")

    def __eq__(self, o: Any) -> _Cond:  # type: ignore[override]
        return self._cmp("==", o)

    def __ne__(self, o: Any) -> _Cond:  # type: ignore[override]
        return self._cmp("!=", o)

    def __lt__(self, o: Any) -> _Cond:
        return self._cmp("<", o)

    def __le__(self, o: Any) -> _Cond:
        return self._cmp("<=", o)

    def __gt__(self, o: Any) -> _Cond:
        return self._cmp(">", o)

    def __ge__(self, o: Any) -> _Cond:
        return self._cmp(">=", o)

    def __mod__(self, o: Any) -> _Val:
        if isinstance(o, float) and o == 1.0:    # zero exactly where x % 1.0 is (NaN at ±inf)
            return _Val(f"({self.text} - floor({self.text}))")
        # Python's x % y and C's fmod differ in sign only: the same zeros
        return _Val(f"fmod({self.text}, {_text(o)})")

    __hash__ = None  # type: ignore[assignment]


class _Cond:
    """A C condition; its truth, when Python asks (``and``/``or``/``if``), comes from the
    path being explored (:func:`kink_c`)."""

    ask: Any = None

    def __init__(self, text: str):
        self.text = text

    def __bool__(self) -> bool:
        return bool(_Cond.ask(self))


def _text(o: Any) -> str:
    if isinstance(o, _Val):
        return o.text
    return CPrinter().number(float(o))


def kink_c(pred: Any, args: list[str]) -> str:
    """The C condition equivalent to ``pred(*args)``: every path through the predicate's
    ``and``/``or``/``if`` (each truth value of each condition it tests), joined by ``||``."""
    paths: list[str] = []
    todo: list[list[bool]] = [[]]
    while todo:
        script = todo.pop()
        tested: list[tuple[str, bool]] = []

        def ask(c: _Cond, script: list[bool] = script, tested: list = tested) -> bool:
            k = len(tested)
            if k < len(script):
                b = script[k]
            else:
                b = True
                todo.append(script + [False])
                script.append(True)
            tested.append((c.text, b))
            return b
        _Cond.ask = ask
        try:
            r = pred(*[_Val(a) for a in args])
        finally:
            _Cond.ask = None
        if isinstance(r, _Cond):
            last = r.text
        elif r:
            last = "1"
        else:
            continue
        terms = [t if b else f"!{t}" for t, b in tested] + [last]
        paths.append("(" + " && ".join(terms) + ")")
        if len(paths) > 64:
            raise UsageError("a kink test too involved for C")
    return " || ".join(paths) if paths else "0"
