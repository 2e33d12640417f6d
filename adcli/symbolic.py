"""The symbolic column of ``adcli check``: the IR translated into SymPy, differentiated,
evaluated at high precision, and printed back in adcli's own syntax.

SymPy never sees the user's text: :func:`translate` walks the Wengert list
once, in order, and builds each node with its registry entry's ``sympy`` callable.
Constants and the point enter as the exact rationals of their float64 values,
so SymPy differentiates exactly the function adcli evaluates.

:func:`compute` runs the work in a forked worker process that is killed when
``timeout`` runs out (rows finished by then keep their results); where fork
is unavailable it falls back to ``signal.alarm`` in the main thread.

Only ``adcli check`` imports this module, and SymPy is imported inside the
functions here.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from .ir import fmt_number


# -- IR -> SymPy ------------------------------------------------------------------------
def constant(s, c: float):
    """The exact value of a float64 constant: an Integer, or a 53-bit Float, which holds
    the very binary fraction float64 holds (0.1 is 0.1000000000000000055511…)."""
    if c == int(c) and abs(c) < 2.0 ** 53:
        return s.Integer(int(c))
    return s.Float(c)


def decimal_constant(s, g, i: int):
    """A constant as ``--digits`` reads it: the literal as written (0.1 is 1/10), ±pi, ±e
    (as :func:`adcli.backends.mpmath.constant_values`, but exact)."""
    text = g.source(i).replace(" ", "")
    sign = -1 if text.startswith("-") else 1
    core = text.lstrip("+-")
    if core in ("pi", "e"):
        return sign * (s.pi if core == "pi" else s.E)
    try:
        v = s.Rational(text)
    except (TypeError, ValueError):
        v = _folded(s, text)                 # a folded constant subexpression: 1/3, e*2.5e-3
        if v is None:
            return constant(s, g.const[i])
        if abs(float(v) - g.const[i]) <= 4e-16 * abs(g.const[i]):
            return v
    return v if float(v) == g.const[i] else constant(s, g.const[i])   # hash-consed spelling


def _folded(s, text: str):
    """A folded constant's exact value, from its text parsed without folding (its
    constants are then literals); None if that fails."""
    from .errors import AdcliError
    from .parser import parse
    try:
        sub = parse(text, fold=False)
    except AdcliError:
        return None
    if sub.n_inputs:
        return None
    return translate(sub, s, [], decimal=True)[sub.outputs[0]]


def exact(s, x):
    """The exact rational value of a float or of an mpmath number."""
    if isinstance(x, float):
        return s.Rational(x)
    sign, man, exp, _ = x._mpf_           # man_exp would drop the sign
    man = -int(man) if sign else int(man)
    return s.Integer(man) * s.Integer(2) ** exp if exp >= 0 else s.Rational(man, 2 ** -exp)


def translate(g, s, symbols: list, decimal: bool = False) -> list:
    """One SymPy expression per node, in list order (no recursion).  ``decimal``:
    constants as written (``--digits``), else the float64 values adcli computes with."""
    exprs: list = list(symbols)
    for i in range(g.n_inputs, g.first_op):
        exprs.append(decimal_constant(s, g, i) if decimal else constant(s, g.const[i]))
    for i in range(g.first_op, g.n_nodes):
        exprs.append(g.op[i].sympy(s, *[exprs[a] for a in g.args[i]]))
    return exprs


# -- SymPy -> adcli syntax -----------------------------------------------------------------
ADD, MUL, NEG, POW, ATOM = 10, 20, 25, 30, 40

_NAMES: dict = {}


def _names(s) -> dict:
    """SymPy's class name of each registry function -> adcli's name (``Abs`` -> ``abs``,
    ``ceiling`` -> ``ceil``): a function whose SymPy form is one call on its arguments."""
    if not _NAMES:
        from .functions import REGISTRY
        xs = s.symbols("a b", real=True)
        for f in REGISTRY.values():
            if f.infix:
                continue
            e = f.sympy(s, *xs[:f.arity])
            if isinstance(e, (s.Function, s.Min, s.Max)) and set(e.args) == set(xs[:f.arity]):
                _NAMES.setdefault(type(e).__name__, f.name)
    return _NAMES
_SPECIAL = {math.pi: "pi", math.e: "e"}


def _is_float_fraction(q: int) -> bool:
    return q & (q - 1) == 0          # a power of two: the value is a binary fraction


def _rational_text(e) -> tuple:
    p, q = int(e.p), int(e.q)
    if q == 1:
        return str(p), (NEG if p < 0 else ATOM)
    if _is_float_fraction(q) and q > 1024:
        v = p / q
        if float(v) == e:                 # exactly a float64: print it as one
            text = _SPECIAL.get(abs(v)) or fmt_number(abs(v))
            return ("-" + text if v < 0 else text), (NEG if v < 0 else ATOM)
    return f"{p}/{q}", (NEG if p < 0 else MUL)


def _wrap(part: tuple, least: int) -> str:
    text, prec = part
    return f"({text})" if prec < least else text


def _negative(s, e) -> bool:
    return e.is_Number and e.is_negative or (e.is_Mul and e.args[0].is_Number
                                              and e.args[0].is_negative)


def _mul_split(s, e) -> tuple:
    """Numerator and denominator factors of a product with a positive coefficient."""
    num, den = [], []
    for f in e.args:
        if f.is_Rational and not f.is_Integer and f.q <= 1024:
            if f.p != 1:
                num.append(s.Integer(f.p))
            den.append(s.Integer(f.q))
        elif f.is_Pow and f.exp.is_Number and f.exp.is_negative:
            den.append(s.Pow(f.base, -f.exp))
        else:
            num.append(f)
    return num, den


def _parts(s, e) -> tuple:
    """(kind, subexpressions to print first) for node ``e``."""
    if e.is_Add:
        terms = list(e.args)
        return "add", [(-t if _negative(s, t) else t) for t in terms], terms
    if e.is_Mul:
        if _negative(s, e):
            return "neg", [-e], None
        num, den = _mul_split(s, e)
        return "mul", num + den, len(num)
    if e.is_Pow:
        if e.exp.is_Number and e.exp.is_negative:
            return "inv", [s.Pow(e.base, -e.exp)], None
        if e.exp == s.Rational(1, 2):
            return "sqrt", [e.base], None
        return "pow", [e.base, e.exp], None
    if e.is_Relational:
        return "rel", [e.lhs, e.rhs], None
    if e.args:
        return "call", list(e.args), None
    return "leaf", [], None


def _leaf(s, e) -> tuple:
    if e.is_Symbol:
        return str(e.name), ATOM
    if e.is_Rational:
        return _rational_text(e)
    if e.is_Float:
        v = float(e)
        text = _SPECIAL.get(abs(v)) or fmt_number(abs(v))
        return ("-" + text if v < 0 else text), (NEG if v < 0 else ATOM)
    if e == s.pi:
        return "pi", ATOM
    if e == s.E:
        return "e", ATOM
    return str(e), ATOM


def _combine(s, e, kind, texts, extra) -> tuple:
    if kind == "leaf":
        return _leaf(s, e)
    if kind == "add":
        out = ""
        for k, (t, orig) in enumerate(zip(texts, extra)):
            neg = _negative(s, orig)
            body = _wrap(t, MUL if neg else ADD)
            out += ("-" if neg else "") + body if k == 0 else (" - " if neg else " + ") + body
        return out, ADD
    if kind == "neg":
        return "-" + _wrap(texts[0], MUL), NEG
    if kind == "mul":
        num = [_wrap(t, NEG + 1) for t in texts[:extra]] or ["1"]
        den = [_wrap(t, NEG + 1) for t in texts[extra:]]
        text = "*".join(num)
        if len(den) == 1:
            text += "/" + _wrap(texts[extra], POW)
        elif den:
            text += "/(" + "*".join(den) + ")"
        return text, MUL
    if kind == "inv":
        return "1/" + _wrap(texts[0], POW), MUL
    if kind == "sqrt":
        return f"sqrt({texts[0][0]})", ATOM
    if kind == "pow":
        return f"{_wrap(texts[0], ATOM)}^{_wrap(texts[1], ATOM)}", POW
    if kind == "rel":
        return f"{texts[0][0]} {e.rel_op} {texts[1][0]}", ADD
    name = type(e).__name__
    return f"{_names(s).get(name, name)}({', '.join(t for t, _ in texts)})", ATOM


def adcli_text(s, expr) -> str:
    """A SymPy expression in adcli's syntax (functions adcli lacks keep SymPy's name)."""
    done: dict = {}
    plan: dict = {}
    stack = [expr]
    while stack:
        e = stack[-1]
        if e in done:
            stack.pop()
            continue
        if e not in plan:
            plan[e] = _parts(s, e)
            stack.extend(p for p in plan[e][1] if p not in done)
            continue
        stack.pop()
        kind, parts, extra = plan[e]
        done[e] = _combine(s, e, kind, [done[p] for p in parts], extra)
    return done[expr][0]


# -- the worker ----------------------------------------------------------------------------
#: Working precisions (digits) evalf may use, in turn, to reach the asked digits.
#: Without strict=True evalf quietly returns "0.e-160" for 1 − tanh(300)², whose
#: true value 1.06e-260 needs ~300 working digits.
MAXN = (200, 2000)


def _value(s, d, subs: dict, digits: int) -> tuple:
    """(decimal text or None, note) of derivative ``d`` at the point."""
    from sympy.core.evalf import PrecisionExhausted
    for maxn in MAXN:
        try:
            v = d.evalf(n=digits, subs=subs, strict=True, maxn=max(maxn, 4 * digits))
            break
        except PrecisionExhausted:
            continue
    else:  # its terms cancel to below 10^-2000 of their size: 0 for any float64 purpose
        v = d.evalf(n=digits, subs=subs, chop=True, maxn=max(MAXN))
        if v == 0:
            return "0", f"SymPy's derivative cancels to 0 within {max(MAXN)} working digits"
    if v.is_Number and v.is_finite and v.is_real:
        if v == 0:
            return "0", ""            # not "0.0", nor evalf's "0.e-165"
        return (str(v) if v.is_Float else str(s.Float(v, digits))), ""
    return None, f"SymPy's derivative is not a finite real number at the point ({v})"


def _work(g, point: list, digits: int):
    """Yield ("row", r, j, text, value, note) per partial, then ("swell", raw, cse)."""
    import sympy as s
    decimal = not all(isinstance(x, float) for x in point)
    symbols = [s.Symbol(name, real=True) for name in g.names]
    exprs = translate(g, s, symbols, decimal)
    subs = {sym: exact(s, x) for sym, x in zip(symbols, point)}
    derivs = []
    for r, o in enumerate(g.outputs):
        for j, sym in enumerate(symbols):
            d = s.diff(exprs[o], sym)
            derivs.append(d)
            value, note = _value(s, d, subs, digits)
            yield ("row", r, j, adcli_text(s, d), value, note)
    raw = sum(s.count_ops(d) for d in derivs)
    repl, reduced = s.cse(derivs)
    cse = sum(s.count_ops(rhs) for _, rhs in repl) + sum(s.count_ops(d) for d in reduced)
    yield ("swell", int(raw), int(cse))


def _guarded(g, point, digits):
    """_work, with SymPy's own failures turned into one ("error", message)."""
    try:
        yield from _work(g, point, digits)
    except RecursionError:
        yield ("error", "the formula is too deeply nested for SymPy")
    except MemoryError:
        yield ("error", "SymPy ran out of memory")
    except Exception as exc:  # noqa: BLE001 - SymPy may raise anything; report, don't crash
        yield ("error", f"SymPy failed: {type(exc).__name__}: {exc}")


def _child(conn, g, point, digits) -> None:
    import sys

    from .interrupt import ignore_in_worker
    ignore_in_worker()             # Ctrl-C reaches the whole group: the parent ends us
    sys.setrecursionlimit(20_000)  # SymPy recurses; a crash here ends only this worker
    try:
        for msg in _guarded(g, point, digits):
            conn.send(msg)
    finally:
        conn.close()


@dataclass
class Symbolic:
    """What the symbolic step produced: per-partial results, swell, and its state."""

    rows: dict = field(default_factory=dict)   # (r, j) -> (text, value or None, note)
    raw_ops: int | None = None
    cse_ops: int | None = None
    state: str = "ok"               # ok | timeout | error | skipped | unavailable
    message: str = ""


def _take(result: Symbolic, msg: tuple) -> bool:
    """Record one worker message; True when the worker is finished."""
    if msg[0] == "row":
        result.rows[(msg[1], msg[2])] = msg[3:]
        return False
    if msg[0] == "swell":
        result.raw_ops, result.cse_ops = msg[1], msg[2]
    else:
        result.state, result.message = "error", msg[1]
    return True


def _timed_out(result: Symbolic, timeout: float) -> None:
    result.state = "timeout"
    result.message = f"SymPy did not finish within --symbolic-timeout {timeout:g} s"


def _in_fork(g, point, digits, timeout, result) -> None:
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, g, point, digits), daemon=True)
    from .interrupt import blocked
    with blocked():                # no SIGINT between the fork and the child ignoring it
        proc.start()
    send.close()
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not recv.poll(left):
                _timed_out(result, timeout)
                return
            try:
                msg = recv.recv()
            except EOFError:
                result.state, result.message = "error", "the SymPy worker stopped unexpectedly"
                return
            if _take(result, msg):
                return
    finally:
        recv.close()
        if proc.is_alive():
            proc.kill()
        proc.join()


class _Alarm(BaseException):
    """Raised by the alarm; a BaseException, so SymPy-failure handlers let it through."""


def _in_process(g, point, digits, timeout, result) -> None:
    """Fallback without fork: signal.alarm, which only works in the main thread."""
    import signal
    import threading
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    def ring(signum, frame):
        raise _Alarm

    old = signal.signal(signal.SIGALRM, ring) if usable else None
    try:
        if usable:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        for msg in _guarded(g, point, digits):
            if _take(result, msg):
                break
    except _Alarm:
        _timed_out(result, timeout)
    finally:
        if usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def compute(g, point: list, digits: int = 30, timeout: float = 10.0) -> Symbolic:
    """SymPy's partials of every output at ``point``, within ``timeout`` seconds.

    A point of floats means float64's function (constants are their float64
    values); a point of mpmath numbers means ``--digits``' (constants as written)."""
    result = Symbolic()
    if timeout <= 0:
        result.state, result.message = "skipped", "--symbolic-timeout 0 skips SymPy"
        return result
    import multiprocessing
    try:
        import sympy  # noqa: F401 - imported before the fork: the timeout measures SymPy's work
    except ImportError:
        result.state = "unavailable"
        result.message = ("SymPy is not installed (pip install sympy); "
                          "the symbolic column is empty")
        return result
    if "fork" in multiprocessing.get_all_start_methods():
        _in_fork(g, point, digits, timeout, result)
    else:  # pragma: no cover - Linux has fork
        _in_process(g, point, digits, timeout, result)
    return result
