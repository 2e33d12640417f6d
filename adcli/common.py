"""What every command shares: option types, reading EXPR, and error handling.

Command modules import from here and stay thin: read the inputs, call an
engine, hand the result to one renderer.  Keep this module light; it is on
the start-up path of every command.
"""
from __future__ import annotations

import contextlib
import sys
from enum import Enum
from typing import Annotated

import typer

from .errors import AdcliError, UsageError

# -- option types ---------------------------------------------------------------------
Expr = Annotated[str, typer.Argument(
    help="The formula, e.g. 'x1*exp(-(x1^2+x2^2)/2)', or a program "
         "'c = a+b; c*c'. Use '-' to read it from stdin, '@file' to read a file.",
    metavar="EXPR", show_default=False)]
At = Annotated[str | None, typer.Option(
    "--at", "-a",
    help="The point: values in input order ('2,0.5') or by name ('x1=2,x2=0.5'). "
         "Values may be constant expressions such as pi/4 or sqrt(2).",
    show_default=False)]
Vars = Annotated[str | None, typer.Option(
    "--vars",
    help="Input order, comma-separated (default: a signature 'f(x,y) = ...' if the formula "
         "has one, else the free names in natural order, x2 before x10).",
    show_default=False)]
Json = Annotated[bool, typer.Option(
    "--json", help="Print strict JSON to stdout instead of tables.")]


Points = Annotated[str | None, typer.Option(
    "--points", "-p",
    help="Many points at once: a CSV file with a header of variable names, or JSON Lines "
         "with one object per point ('-' reads stdin). Results stream to stdout as CSV, "
         "or as JSON Lines under --json. Needs NumPy (pip install 'adcli\\[batch]').",
    metavar="FILE", show_default=False)]
Compile = Annotated[bool, typer.Option(
    "--compile",
    help="With --points: compile the batch to C with the system compiler (cc -O3, "
         "vectorized, on the --points threads; cached, so only the first run compiles) "
         "instead of NumPy. Same "
         "numbers to 16 ulps; without a compiler, NumPy with a note on stderr.")]


class InputFormat(str, Enum):
    auto = "auto"
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    arrow = "arrow"


class OnError(str, Enum):
    fail = "fail"
    skip = "skip"


InputFormatOpt = Annotated[InputFormat, typer.Option(
    "--input-format", case_sensitive=False,
    help="Format of --points: auto (from the extension, else the first bytes), csv, jsonl, "
         "parquet or arrow (Arrow IPC / Feather; these two need pip install 'adcli\\[big]').")]
OutFile = Annotated[str | None, typer.Option(
    "--out-file", "-o",
    help="With --points: write the results to FILE instead of stdout, in the format of its "
         "extension: .csv, .jsonl, .parquet or .arrow/.feather (the last two need pyarrow: "
         "pip install 'adcli\\[big]'). With --dask, a directory of Parquet parts. "
         "Example: --points pts.parquet --out-file grads.parquet",
    metavar="FILE", show_default=False)]
DaskOpt = Annotated[str | None, typer.Option(
    "--dask",
    help="Run --points on a Dask cluster: 'local' starts one on this machine (127.0.0.1, "
         "one worker per core), tcp://HOST:PORT joins a running scheduler. --points may be a "
         "glob of Parquet files ('data/*.parquet'); --out-file names the output directory. "
         "Example: --points 'data/*.parquet' --dask local --out-file out/",
    metavar="local|tcp://HOST:PORT", show_default=False)]
OnErrorOpt = Annotated[OnError, typer.Option(
    "--on-error", case_sensitive=False,
    help="A --points row that cannot be read or evaluated: fail (stop there, naming the "
         "row) or skip (leave it out; every skipped row is reported on stderr).")]
Digits = Annotated[int | None, typer.Option(
    "--digits", "-d", min=1, max=100_000,
    help="Arbitrary precision: compute with mpmath and print this many significant digits "
         "(JSON then carries numbers as strings).",
    metavar="N", show_default=False)]


Precision = Annotated[int | None, typer.Option(
    "--precision", min=1, max=100_000,
    help="Show N significant digits in tables (display only: JSON is always complete; "
         "at most 17 for float64, at most --digits under --digits).",
    metavar="N", show_default=False)]


class Mode(str, Enum):
    forward = "forward"
    reverse = "reverse"


class JacMode(str, Enum):
    auto = "auto"
    forward = "forward"
    reverse = "reverse"


ModeOpt = Annotated[Mode, typer.Option(
    "--mode", "-m", case_sensitive=False,
    help="forward: one tangent sweep per input. reverse: one recording sweep, then one "
         "adjoint sweep per output.")]
JacModeOpt = Annotated[JacMode, typer.Option(
    "--mode", "-m", case_sensitive=False,
    help="auto picks forward when inputs ≤ outputs, else reverse, and says which.")]


def need_point(at: str | None, points: str | None, digits: int | None = None,
               expr: str = "", precision: int | None = None, compiled: bool = False) -> None:
    """--at and --points exclude each other; --digits and --precision are for one point,
    --compile for many."""
    if compiled and points is None:
        raise UsageError("--compile compiles the batch of --points; it does nothing for one "
                         "point (--at)")
    if points == "-" and expr == "-":
        raise UsageError("the formula and the points cannot both come from stdin: "
                         "give the formula as text or @file, or the points as a file")
    if points is not None and at:
        raise UsageError("give either --at (one point) or --points (many), not both")
    if points is not None and digits is not None:
        raise UsageError("--digits works on single points (--at); --points is float64")
    if points is not None and precision is not None:
        raise UsageError("--precision rounds the tables of one point (--at); --points writes "
                         "every digit as CSV or JSON Lines")


def deliver(req, points: str | None, as_json: bool, precision: int | None,
            input_format: InputFormat, on_error: OnError, out_file: str | None = None,
            dask: str | None = None) -> None:
    """The end of every command: the request through the pipeline, then its result
    as a table or JSON (one point), or streamed as CSV / JSON Lines (--points)."""
    from .pipeline import run, stream
    if points is None and (out_file is not None or dask is not None):
        raise UsageError(f"{'--out-file' if out_file is not None else '--dask'} goes with "
                         "--points (many points); with --at, redirect stdout")
    if points is not None:
        stream(req, points, as_json=as_json, input_format=input_format.value,
               on_error=on_error.value, out_file=out_file, dask=dask)
        return
    res = run(req)
    if as_json:
        from .jsonout import emit
        emit(res.to_dict())
    else:
        res.show(precision)
    print_warnings(res.warnings)


# -- reading the formula ------------------------------------------------------------------
def read_expr(expr: str) -> str:
    if expr == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            raise UsageError("the formula on stdin is not UTF-8 text") from None
    elif expr.startswith("@"):
        path = expr[1:]
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise UsageError(f"cannot read formula file {path!r}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"formula file {path!r} is not UTF-8 text") from None
    else:
        text = expr
    return text.rstrip()  # a file's or a pipe's last newline is not part of the formula


def split_names(text: str | None) -> list | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    for n in names:
        if not n.replace("_", "a").isalnum() or n[0].isdigit():
            raise UsageError(f"--vars: {n!r} is not a variable name")
    return names


def load(expr: str, variables: str | None = None):
    """EXPR (text, '-' or '@file') -> Graph."""
    from .parser import parse
    return parse(read_expr(expr), split_names(variables))


def load_at(expr: str, at: str, variables: str | None = None):
    """The graph and the point for the usual ``EXPR --at P`` pair."""
    from .point import parse_point
    g = load(expr, variables)
    return g, parse_point(at, g.names)


# -- errors ----------------------------------------------------------------------------------
def report(exc: AdcliError, as_json: bool) -> None:
    """stderr gets the message for people; stdout gets JSON under --json."""
    sys.stderr.write(f"adcli: error: {exc.message}\n")
    if exc.detail:
        sys.stderr.write(exc.detail + "\n")
    if as_json:
        from .jsonout import emit_error
        emit_error(exc.to_json())


@contextlib.contextmanager
def errors(as_json: bool):
    """Turn AdcliError (and anything unexpected) into a message and an exit code."""
    try:
        yield
    except AdcliError as exc:
        report(exc, as_json)
        raise typer.Exit(exc.exit_code) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:  # stdout's reader went away (adcli ... | head): not an error
        quiet_stdout()
        raise typer.Exit(0) from None
    except ModuleNotFoundError as exc:  # an optional dependency a feature needs
        if exc.name not in OPTIONAL:
            report_internal(exc, as_json)
            raise typer.Exit(INTERNAL_EXIT) from None
        need = OPTIONAL[exc.name][0]
        report(UsageError(f"{need} needs {exc.name}, a dependency of adcli that is missing "
                          f"here: pip install {exc.name}"), as_json)
        raise typer.Exit(2) from None
    except OSError as exc:   # the output cannot be written (a full disk, > /dev/full)
        quiet_stdout()
        report(AdcliError(f"cannot write the output: {exc.strerror or exc}"), False)
        raise typer.Exit(1) from None
    except RecursionError:  # pragma: no cover - nothing recurses; last resort
        report(AdcliError("the formula is too deeply nested"), as_json)
        raise typer.Exit(1) from None
    except MemoryError:  # pragma: no cover
        report(AdcliError("out of memory: the formula is too large"), as_json)
        raise typer.Exit(1) from None
    except Exception as exc:  # noqa: BLE001  # pragma: no cover - a bug, still no traceback
        report_internal(exc, as_json)
        raise typer.Exit(INTERNAL_EXIT) from None


INTERNAL_EXIT = 70

#: Optional dependencies: the feature that needs each, and the extra that installs it.
OPTIONAL = {"mpmath": ("--digits", "digits"), "sympy": ("the symbolic column", "check"),
            "numpy": ("--points", "batch")}


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the final flush cannot fail again."""
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests)
        pass


def report_internal(exc: BaseException, as_json: bool) -> None:
    """A bug in adcli: one line saying so, never a traceback."""
    err = AdcliError(f"internal error ({type(exc).__name__}: {exc}); please report it "
                     "with the command line that caused it")
    err.kind = "internal"
    report(err, as_json)


def print_warnings(warnings: list) -> None:
    for w in warnings:
        sys.stderr.write(f"adcli: warning: {w}\n")
