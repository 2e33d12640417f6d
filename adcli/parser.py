"""Text -> IR, in one LALR pass.

The grammar (``adcli/grammars/adcli.lark``, shipped inside the package) is loaded
once per process.  Lark calls :class:`Builder`'s methods as it reduces, and
they append equations to the Wengert list directly: no parse tree is built,
and nothing recurses, because the LALR stack is a loop.

Every builder method receives the tokens (``keep_all_tokens``) or
*occurrences* ``(node, start, end)`` of its children, so a node remembers the
source text of its first occurrence for trace tables and error messages.
"""
from __future__ import annotations

import difflib
import gc
import threading
from array import array
from collections import defaultdict

from .backends.floats import FloatMath
from .errors import AdcliError, EvalError, ParseError, caret
from .functions import CONSTANTS, FUNCTIONS, OPS
from .ir import Args, Graph, Spans, build_graph, ints, subscript
from .syntax_errors import syntax_error

_ADD, _SUB, _MUL, _DIV, _NEG, _POW = (OPS[k] for k in ("add", "sub", "mul", "div", "neg", "pow"))

#: c += e, c -= e, ...: the operation that combines c and e (Unicode spellings too)
_AUGMENTED = {"+": _ADD, "-": _SUB, "−": _SUB, "*": _MUL, "×": _MUL, "·": _MUL, "/": _DIV,
              "÷": _DIV, "^": _POW, "**": _POW}



class _Vector(list):
    """The bracketed output list ``[a, b, ...]``."""


#: a binary node's hash-consing key is a·_MIX + b: one int, distinct for every pair (b < 2³²),
#: and spread over a dict's low bits whatever a and b are.  (a << 32 | b would leave them to
#: b alone: x+x+…+x, whose b is always x, then probed ~7 taken slots per node, 4x slower.)
_MIX = (1 << 32) + 0x9E3779B1


class Builder:
    """Lark callbacks that build the Wengert list during the parse.

    Lark binds these methods when the parser is made, so one Builder serves
    every parse of its parser; :meth:`reset` starts a new formula.  Each
    thread has its own parser and Builder (:func:`_parser`), so parses in
    several threads at once each build their own formula (and the callbacks
    read plain attributes, 3x faster than a ``threading.local``'s).
    """

    def reset(self, text: str, fold: bool = True) -> None:
        self.text = text
        self.fold = fold              # constant subexpressions become one constant node
        # the Wengert list as it grows, flat (see ir.Args, ir.Spans): per node its op,
        # arguments (-1: none) and span; constants and statements on the side
        self.op: list = []
        self.a0, self.a1 = array("i"), array("i")
        self.consts: dict = {}        # constant node -> its value
        self.starts, self.ends = array("i"), array("i")  # ('start': the grammar's)
        self.stmt_ends = array("i")   # per statement: the node count when it ended
        # hash-consing: op name, or "c"/"x" -> {key -> node}; a binary node's key is one
        # int (a·_MIX + b), a unary one's its argument, so no key tuple per node
        self.memo: dict = defaultdict(dict)
        self.env: dict = {}           # name -> node, newest binding
        self.inputs: dict = {}        # node -> name
        self.bound: dict = {}         # node -> name of the statement that bound it (c, c₂)
        self.times: dict = {}         # name -> how many times a statement bound it
        self.last: tuple | None = None    # (node, name, occurrence) of the last statement
        self.out_name: str | None = None  # the output's label when it is not "f"
        self.params: list | None = None   # a signature's parameters, in order

    # -- node creation -------------------------------------------------------------
    def _node(self, kind: str, key, op, a0: int, a1: int, start: int, end: int) -> int:
        """The node of ``key`` in the table ``kind``, made if new (appended to the list)."""
        memo = self.memo[kind]
        node = memo.get(key)
        if node is None:
            node = memo[key] = len(self.op)
            self.op.append(op)
            self.a0.append(a0)
            self.a1.append(a1)
            self.starts.append(start)
            self.ends.append(end)
        return node

    def _const(self, value: float, start: int, end: int):
        node = self._node("c", repr(value), None, -1, -1, start, end)
        self.consts[node] = value
        return (node, start, end)

    def _apply(self, op, occs, start: int, end: int):
        if len(occs) == 2:
            return self._pair(op, occs[0][0], occs[1][0], start, end)
        a = occs[0][0]
        if self.fold and a in self.consts:
            value = self._folded(op, (a,))
            if value is not None:
                return self._const(value, start, end)
        return (self._node(op.name, a, op, a, -1, start, end), start, end)

    def _folded(self, op, args: tuple) -> float | None:
        """The float64 value of op on constants, or None when it fails or is not finite
        (the row then stays, and evaluation reports it where it happens).

        A folded constant keeps the span of its source text, so ``--digits`` computes it
        again from that text at its own precision (:func:`adcli.backends.mpmath.constant_values`):
        ``1/3`` stays one third at 50 digits."""
        try:
            v = op.value(FloatMath, *[self.consts[a] for a in args])
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return None
        return v if isinstance(v, float) and v - v == 0.0 else None

    def _error(self, message: str, pos: int, kind=ParseError) -> AdcliError:
        line, col, pic = caret(self.text, pos)
        return kind(f"{message} (line {line}, column {col})" if "\n" in self.text
                    else f"{message} (column {col})",
                    detail=pic, column=col, line=line)

    # -- leaves ----------------------------------------------------------------------
    def number(self, children):
        tok = children[0]
        value = float(tok)
        if value == float("inf"):
            # an overflow like 10^400's (exit 1), but found while reading: a column, no row
            raise self._error(f"overflow: the number {tok} is beyond float64's range "
                              "(about ±1.8e308)", tok.start_pos, EvalError)
        return self._const(value, tok.start_pos, tok.end_pos)

    def name(self, children):
        tok = children[0]
        name = tok.value
        node = self.env.get(name)
        if node is None:
            if name in CONSTANTS:
                return self._const(CONSTANTS[name], tok.start_pos, tok.end_pos)
            node = self._node("x", name, None, -1, -1, tok.start_pos, tok.end_pos)
            self.inputs[node] = name
            self.env[name] = node
        return (node, tok.start_pos, tok.end_pos)

    # -- operators ---------------------------------------------------------------------
    def _pair(self, op, a: int, b: int, start: int, end: int):
        """The node op(a, b), found or made (or folded), as an occurrence."""
        consts = self.consts
        if a in consts and b in consts and self.fold:
            value = self._folded(op, (a, b))
            if value is not None:
                return self._const(value, start, end)
        node = self._node(op.name, a * _MIX + b, op, a, b, start, end)
        return (node, start, end)

    def _binary(self, op, children):
        left, _, right = children
        return self._pair(op, left[0], right[0], left[1], right[2])

    def add(self, children):
        return self._binary(_ADD, children)

    def sub(self, children):
        return self._binary(_SUB, children)

    def mul(self, children):
        return self._binary(_MUL, children)

    def div(self, children):
        return self._binary(_DIV, children)

    def pow(self, children):
        return self._binary(_POW, children)

    def neg(self, children):
        tok, occ = children
        node = occ[0]
        if node in self.consts:   # a literal: fold the sign
            return self._const(-self.consts[node], tok.start_pos, occ[2])
        return self._apply(_NEG, (occ,), tok.start_pos, occ[2])

    def pos(self, children):
        tok, occ = children
        return (occ[0], tok.start_pos, occ[2])

    def paren(self, children):
        lpar, occ, rpar = children
        return (occ[0], lpar.start_pos, rpar.end_pos)

    # -- calls ---------------------------------------------------------------------------
    def args(self, children):
        return [c for c in children if isinstance(c, tuple)]

    def call(self, children):
        name, _, occs, rpar = children
        op = self._function(name, len(occs))
        return self._apply(op, occs, name.start_pos, rpar.end_pos)

    def call0(self, children):
        name = children[0]
        self._function(name, 0)

    def _function(self, tok, n_args: int):
        name = str(tok)
        op = FUNCTIONS.get(name)
        if op is None:
            close = difflib.get_close_matches(name, list(FUNCTIONS), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            if name in self.env or name in CONSTANTS:
                hint += f" ({name} is a variable here; write {name}*(...) to multiply)"
            raise self._error(f"unknown function '{name}'{hint}", tok.start_pos)
        if n_args != op.arity:
            want = "1 argument" if op.arity == 1 else f"{op.arity} arguments"
            raise self._error(f"{name}() takes {want}, got {n_args}", tok.start_pos)
        return op

    # -- programs --------------------------------------------------------------------------
    def statement(self, children):
        tok, how, occ = children
        name = str(tok)
        if how.type == "AUGMENTED":               # c += e  is  c = c + e
            old = self.env.get(name)
            if old is None or old in self.inputs and name not in self.times:
                raise self._error(f"'{name} {how}' needs {name} assigned before it "
                                  f"(write {name} = ... first)", tok.start_pos)
            op = _AUGMENTED[str(how)[:-1]]
            occ = self._apply(op, ((old, tok.start_pos, tok.end_pos), occ),
                              tok.start_pos, occ[2])
        node = occ[0]
        self.env[name] = node
        k = self.times[name] = self.times.get(name, 0) + 1
        if self.op[node] is not None and node not in self.bound:
            self.bound[node] = name if k == 1 else name + subscript(k)
        self.last = (node, name, occ)
        self.stmt_ends.append(len(self.op))

    def signature(self, children):
        _, _, occs, _, _ = children
        names = []
        for occ in occs:
            node = occ[0]
            if node not in self.inputs:
                raise self._error("a signature's parameters must be plain variable names",
                                  occ[1])
            name = self.inputs[node]
            if name in names:
                raise self._error(f"parameter '{name}' appears twice in the signature", occ[1])
            names.append(name)
        self.params = names

    def vector(self, children):
        return _Vector(children[1])

    def start(self, children):
        results = [c for c in children if isinstance(c, (tuple, _Vector))]
        if results:
            return results[-1]
        assert self.last is not None  # the grammar: a result or a last statement
        _, name, occ = self.last      # the program ends with an assignment: its name
        self.out_name = name
        return occ


_LOCAL = threading.local()   # per thread: its Lark parser (.lark) and Builder (.builder)


def _grammar_text() -> str:
    """The grammar, read from the installed package (``adcli/grammars/adcli.lark``): as a
    file beside this module, as pip installs it, else through importlib.resources (a zipped
    package), whose import costs 2 ms of start-up."""
    import os
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grammars", "adcli.lark")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            return f.read()
    from importlib.resources import files
    return files("adcli.grammars").joinpath("adcli.lark").read_text(encoding="utf-8")


def _cache_path(grammar: str) -> str | bool:
    """Where Lark keeps the analysed grammar between runs: the user's own cache
    directory (not a shared /tmp file), keyed by grammar and versions."""
    import hashlib
    import os
    import sys

    import lark
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha256(f"{grammar}{lark.__version__}{sys.version_info[:2]}".encode())
    folder = os.path.join(base, "adcli")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False  # no writable cache: analyse the grammar each time (slower, still right)
    if not os.access(folder, os.W_OK):
        return False
    return os.path.join(folder, f"grammar-{key.hexdigest()[:16]}.lark-cache")


def _parser():
    """This thread's Lark parser (made on first use: ~10 ms from Lark's cache after the
    first), whose callbacks are this thread's :class:`Builder` (``_LOCAL.builder``)."""
    lark = getattr(_LOCAL, "lark", None)
    if lark is None:
        from lark import Lark

        from .lexer import FinditerLexer
        grammar = _grammar_text()
        _LOCAL.builder = Builder()
        _LOCAL.builder.reset("")
        lark = _LOCAL.lark = Lark(grammar, parser="lalr", lexer=FinditerLexer,
                                  keep_all_tokens=True, transformer=_LOCAL.builder,
                                  propagate_positions=False, maybe_placeholders=False,
                                  cache=_cache_path(grammar))
    return lark



def parse(text: str, variables: list | None = None, fold: bool = True) -> Graph:
    """Parse a formula or program into a :class:`Graph`.

    ``variables`` (``--vars``) fixes the input order; it must name every free
    variable and may add more (their derivatives are 0).  ``fold``: constant
    subexpressions (``-1/2``, ``pi/4``) become one constant node, as the
    textbooks number them; ``fold=False`` keeps every operation.
    """
    from lark.exceptions import UnexpectedInput, VisitError
    if not text.strip():
        raise ParseError("the formula is empty")
    parser = _parser()
    b: Builder = _LOCAL.builder
    b.reset(text, fold)
    # the parse makes millions of small tuples that live on, none in a cycle: the cyclic
    # collector's passes over them would cost ~10 % of a million-node parse for nothing
    collecting = gc.isenabled()
    gc.disable()
    try:
        result = parser.parse(text)
    except UnexpectedInput as exc:
        raise syntax_error(text, exc) from None
    except VisitError as exc:  # pragma: no cover - lark wraps callback errors in some paths
        if isinstance(exc.orig_exc, ParseError):
            raise exc.orig_exc from None
        raise
    finally:
        if collecting:
            gc.enable()
    outs = list(result) if isinstance(result, _Vector) else [result]
    b.memo = {}        # not needed past the parse: free it before the graph is laid out
    free = set(b.inputs.values())
    order: list | None = None
    if b.params is not None:
        extra = sorted(free - set(b.params))
        if extra:
            raise ParseError(f"'{extra[0]}' is used but is not a parameter of the signature "
                             f"({', '.join(b.params)})")
        order = b.params
    if variables is not None and b.params is not None and list(variables) != b.params:
        raise ParseError(f"--vars {','.join(variables)} contradicts the signature "
                         f"({', '.join(b.params)}): the signature already fixes the inputs "
                         "and their order; drop --vars or change the signature")
    if variables is not None:
        missing = [v for v in (order or sorted(free)) if v not in variables]
        if missing:
            raise ParseError(f"--vars must list every input; missing: {', '.join(missing)}")
        if len(set(variables)) != len(variables):
            raise ParseError("--vars lists a name twice")
        order = list(variables)
    g = build_graph(text, b.op, Args(b.a0, b.a1), b.consts, b.inputs, [o[0] for o in outs],
                    isinstance(result, _Vector), Spans(b.starts, b.ends), b.bound, order,
                    stmt=_statements(b), out_label=_output_label(b, text, outs))
    b.reset("")        # the builder's lists would otherwise live on until the next parse
    if "#" in text:
        import re
        found = re.search(r"^[ \t]*#[ \t]*at:[ \t]*(\S.*?)[ \t]*$", text, re.MULTILINE)
        g.default_at = found.group(1) if found else None
    return g


def _statements(b: Builder) -> array | None:
    """Per node, the statement it was made in (None: a formula, not a program)."""
    if not b.stmt_ends:
        return None
    stmt = array("i")
    for k, e in enumerate(b.stmt_ends):
        stmt += ints(e - len(stmt), k)
    return stmt + ints(len(b.op) - len(stmt), len(b.stmt_ends))


def _output_label(b: Builder, text: str, outs: list) -> str | None:
    """A program's output label: the name it assigned last (it ends with an assignment),
    the bare name it ends with, or "f" unless the program uses f itself (then the first
    of y, out, result it does not use).  None: the usual f (f1, f2, ... for vectors)."""
    if b.out_name is not None:
        return b.out_name
    if not b.stmt_ends or len(outs) != 1:
        return None
    o = outs[0]
    bare = text[o[1]:o[2]].strip()
    if bare.isidentifier() and (bare in b.times or bare in b.inputs.values()):
        return bare
    used = set(b.times) | set(b.inputs.values())
    if "f" not in used:
        return None
    return next(n for n in ("y", "out", "result", "output_") if n not in used)
