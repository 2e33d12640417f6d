"""The ``adcli`` command line: thin Typer commands over parser, engines, renderers."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, cast

import typer

from .argv import AdcliTyper
from .common import (
    At,
    Compile,
    DaskOpt,
    Digits,
    Expr,
    InputFormat,
    InputFormatOpt,
    JacMode,
    JacModeOpt,
    Json,
    Mode,
    ModeOpt,
    OnError,
    OnErrorOpt,
    OutFile,
    Points,
    Precision,
    Vars,
    deliver,
    errors,
    load,
    need_point,
)
from .errors import AdcliError

if TYPE_CHECKING:
    from typer.core import TyperGroup

# add_completion: 'adcli --install-completion' / '--show-completion'; only the whole
# command list carries them (see _group_for), so one-shot commands never build them.
_APP: dict[str, Any] = dict(name="adcli", no_args_is_help=True, add_completion=True,
                            context_settings={"help_option_names": ["-h", "--help"]})
app = AdcliTyper(**_APP)   # every command parses formulas that start with '-'

def _version(value: bool) -> None:
    if value:
        from . import __version__
        sys.stdout.write(f"adcli {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Derivatives of formulas from the shell: values, gradients and Jacobians by
    forward- and reverse-mode automatic differentiation.

    Example: adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5
    """


@app.command("eval")
def eval_cmd(expr: Expr, at: At = None, variables: Vars = None, as_json: Json = False,
             points: Points = None, input_format: InputFormatOpt = InputFormat.auto,
             on_error: OnErrorOpt = OnError.fail, digits: Digits = None,
             precision: Precision = None, out_file: OutFile = None,
             dask: DaskOpt = None, compile: Compile = False) -> None:
    """Evaluate EXPR at a point, or at every point of a file.

    Examples: adcli eval 'ln(x1) + x1*x2 - sin(x2)' --at 2,5
              adcli eval 'sqrt(2)*x' --at 1 --digits 50
              adcli eval 'x1*exp(-(x1^2+x2^2)/2)' --points points.csv > values.csv
              adcli eval 'x1*exp(-(x1^2+x2^2)/2)' --points p.csv --compile > v.csv
    """
    with errors(as_json):
        need_point(at, points, digits, expr, precision, compile)
        from .pipeline import Request
        req = Request("eval", load(expr, variables), at, digits=digits, compiled=compile)
        deliver(req, points, as_json, precision, input_format, on_error, out_file, dask)


@app.command("grad")
def grad_cmd(expr: Expr, at: At = None, mode: ModeOpt = Mode.reverse, variables: Vars = None,
             as_json: Json = False, points: Points = None,
             input_format: InputFormatOpt = InputFormat.auto,
             on_error: OnErrorOpt = OnError.fail, digits: Digits = None,
             precision: Precision = None, out_file: OutFile = None,
             dask: DaskOpt = None, compile: Compile = False) -> None:
    """Value and gradient of a scalar EXPR at a point (--at) or many (--points).

    Reverse mode (the default) takes one adjoint sweep whatever the number of
    inputs; forward mode takes one tangent sweep per input.

    Examples: adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5 --mode forward
              adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5 --digits 50 --json
              adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --points points.csv > grads.csv
              adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --points pts.parquet -o grads.parquet
              adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --points 'data/*.parquet' --dask local -o out/
              adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --points p.csv --compile > g.csv
    """
    with errors(as_json):
        need_point(at, points, digits, expr, precision, compile)
        from .pipeline import Request
        req = Request("grad", load(expr, variables), at, mode=mode.value, digits=digits,
                      compiled=compile)
        deliver(req, points, as_json, precision, input_format, on_error, out_file, dask)


def jacobian_cmd(expr: Expr, at: At = None, mode: JacModeOpt = JacMode.auto,
                 variables: Vars = None, as_json: Json = False, points: Points = None,
                 input_format: InputFormatOpt = InputFormat.auto,
                 on_error: OnErrorOpt = OnError.fail, digits: Digits = None,
                 precision: Precision = None, out_file: OutFile = None,
             dask: DaskOpt = None, compile: Compile = False) -> None:
    """Values and Jacobian of EXPR (scalar or \\[f1, f2, ...]) at a point (--at) or
    many (--points). Alias: jac.

    --mode auto uses forward mode (one sweep per input) when inputs ≤ outputs
    and reverse mode (one sweep per output) otherwise.

    Examples: adcli jacobian '\\[r*cos(t), r*sin(t)]' --at r=2,t=pi/6
              adcli jacobian '\\[r*cos(t), r*sin(t)]' --points polar.jsonl --json
              adcli jacobian '\\[r*cos(t), r*sin(t)]' --points polar.csv --compile
    """
    with errors(as_json):
        need_point(at, points, digits, expr, precision, compile)
        from .pipeline import Request
        req = Request("jacobian", load(expr, variables), at, mode=mode.value, digits=digits,
                      compiled=compile)
        deliver(req, points, as_json, precision, input_format, on_error, out_file, dask)


app.command("jacobian")(jacobian_cmd)
app.command("jac", hidden=True,
            help="Alias of 'jacobian'.")(jacobian_cmd)


def _register_commands() -> None:
    from .commands import check, codegen, higher, trace, uncertainty
    for module in (trace, check, higher, codegen, uncertainty):
        module.register(app)


_register_commands()


def _one_line_summaries(group: TyperGroup) -> None:
    """The command list of 'adcli --help' shows each docstring's first paragraph;
    joined into one line, it wraps at the terminal's width, not at the source's."""
    for cmd in getattr(group, "commands", {}).values():
        if cmd.short_help is None and cmd.help:
            cmd.short_help = " ".join(cmd.help.split("\n\n")[0].split())


def _wants_json(argv: list[str]) -> bool:
    """--json, or trace's and graph's --format/-f json (any case), before a '--'."""
    words = argv[:argv.index("--")] if "--" in argv else argv
    lower = [w.lower() for w in words]
    pairs = zip(lower, lower[1:], strict=False)   # (word, the word after it)
    return ("--json" in lower or "--format=json" in lower or "-fjson" in lower
            or any(a in ("--format", "-f") and b == "json" for a, b in pairs))


def _group_for(argv: list[str]) -> TyperGroup:
    """The Click group to run: when the first word names a command, a group of that
    command alone, without the completion options (Typer builds every command and
    option it holds: 13 ms of a 90 ms start)."""
    name = next((w for w in argv if not w.startswith("-")), None)
    chosen = [c for c in app.registered_commands if c.name == name]
    if not chosen:   # 'adcli --help', 'adcli', a mistyped command, completion: the whole list
        return cast("TyperGroup", typer.main.get_command(app))
    one = AdcliTyper(**{**_APP, "add_completion": False})
    one.registered_callback = app.registered_callback
    one.registered_commands = chosen
    return cast("TyperGroup", typer.main.get_command(one))


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: usage errors are reported like every other error."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from .interrupt import EXIT, MESSAGE, Interrupted, handled
    try:
        with handled():
            command = _group_for(argv)
            _one_line_summaries(command)
            rv = command.main(args=argv, prog_name="adcli", standalone_mode=False)
    except Interrupted:              # Ctrl-C: one line, whatever was running
        sys.stderr.write(MESSAGE)
        return EXIT
    except typer.Exit as exc:
        return exc.exit_code
    except AdcliError as exc:  # from reading the command line itself
        from .common import report
        report(exc, _wants_json(argv))
        return exc.exit_code
    except typer.Abort:
        sys.stderr.write("adcli: aborted\n")
        return 130
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # stdout closed early, outside a command (help text | head)
        from .common import quiet_stdout
        quiet_stdout()
        return 0
    except Exception as exc:
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # click usage errors
            if not exc.format_message():  # 'adcli' alone: the help was the answer
                return exc.exit_code
            from .common import report
            from .errors import UsageError
            hint = ""
            ctx = getattr(exc, "ctx", None)
            if ctx is not None:
                hint = f"\nTry '{ctx.command_path} --help' for help."
            err = UsageError(exc.format_message())
            err.detail = hint.strip()
            report(err, _wants_json(argv))
            return exc.exit_code
        from .common import INTERNAL_EXIT, report_internal
        report_internal(exc, _wants_json(argv))
        return INTERNAL_EXIT
    return rv if isinstance(rv, int) else 0


def run() -> None:
    sys.exit(main())
