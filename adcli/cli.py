"""The ``adcli`` command line: thin Typer commands over parser, engines, renderers."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, cast

import typer

from .argv import AdcliTyper
from .errors import AdcliError
from .common import At, Digits, Expr, InputFormat, InputFormatOpt, JacMode, JacModeOpt, Json, \
    Mode, ModeOpt, OnError, OnErrorOpt, Points, Vars, errors, load, load_at, need_point, \
    print_warnings

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
             on_error: OnErrorOpt = OnError.fail, digits: Digits = None) -> None:
    """Evaluate EXPR at a point, or at every point of a file.

    Examples: adcli eval 'ln(x1) + x1*x2 - sin(x2)' --at 2,5
              adcli eval 'sqrt(2)*x' --at 1 --digits 50
              adcli eval 'x1*exp(-(x1^2+x2^2)/2)' --points points.csv > values.csv
    """
    from .engine import evaluate
    with errors(as_json):
        need_point(at, points, digits, expr)
        if points is not None:
            return _batch("eval", expr, variables, points, "reverse", as_json, input_format,
                          on_error)
        if digits is not None:
            return _digits("eval", expr, at or "", variables, "reverse", as_json, digits)
        g, point = load_at(expr, at or "", variables)
        vals = evaluate(g, point)
        values = [vals[o] for o in g.outputs]
        if as_json:
            from .jsonout import common, emit
            out = common("eval", g, point)
            out["value"] = values if g.vector else values[0]
            emit(out)
        else:
            from .tables import print_value
            print_value(g, point, values)


@app.command("grad")
def grad_cmd(expr: Expr, at: At = None, mode: ModeOpt = Mode.reverse, variables: Vars = None,
             as_json: Json = False, points: Points = None,
             input_format: InputFormatOpt = InputFormat.auto,
             on_error: OnErrorOpt = OnError.fail, digits: Digits = None) -> None:
    """Value and gradient of a scalar EXPR at a point (--at) or many (--points).

    Reverse mode (the default) takes one adjoint sweep whatever the number of
    inputs; forward mode takes one tangent sweep per input.

    Examples: adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5 --mode forward
              adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --at 2,0.5 --digits 50 --json
              adcli grad 'x1*exp(-(x1^2+x2^2)/2)' --points points.csv > grads.csv
    """
    from .engine import differentiate
    from .errors import UsageError
    with errors(as_json):
        need_point(at, points, digits, expr)
        g = load(expr, variables)
        if len(g.outputs) > 1:
            raise UsageError(f"the formula has {len(g.outputs)} outputs; a gradient needs one. "
                             "Use 'adcli jacobian' for vector-valued formulas.")
        if points is not None:
            return _batch("grad", g, variables, points, mode.value, as_json, input_format,
                          on_error)
        _need_at(at, g)
        if digits is not None:
            return _digits("grad", g, at or "", variables, mode.value, as_json, digits)
        from .point import parse_point
        point = parse_point(at or "", g.names)
        res = differentiate(g, point, mode.value)
        if as_json:
            from .jsonout import common, emit
            out = common("grad", g, point)
            out.update(mode=res.mode, value=res.value[0], gradient=res.derivative[0],
                       sweeps=res.sweeps, operations=res.operations, warnings=res.warnings)
            emit(out)
        else:
            from .tables import print_gradient
            print_gradient(g, point, res)
        print_warnings(res.warnings)


def jacobian_cmd(expr: Expr, at: At = None, mode: JacModeOpt = JacMode.auto,
                 variables: Vars = None, as_json: Json = False, points: Points = None,
                 input_format: InputFormatOpt = InputFormat.auto,
                 on_error: OnErrorOpt = OnError.fail, digits: Digits = None) -> None:
    """Values and Jacobian of EXPR (scalar or \\[f1, f2, ...]) at a point (--at) or
    many (--points). Alias: jac.

    --mode auto uses forward mode (one sweep per input) when inputs ≤ outputs
    and reverse mode (one sweep per output) otherwise.

    Examples: adcli jacobian '\\[r*cos(t), r*sin(t)]' --at r=2,t=pi/6
              adcli jacobian '\\[r*cos(t), r*sin(t)]' --points polar.jsonl --json
    """
    from .engine import differentiate
    with errors(as_json):
        need_point(at, points, digits, expr)
        g = load(expr, variables)
        n, m = g.n_inputs, len(g.outputs)
        chosen = mode.value
        reason = ""
        if chosen == "auto":
            chosen = "forward" if n <= m else "reverse"
            reason = (f"auto mode chose {chosen}: {n} input{'s' if n != 1 else ''} "
                      f"{'≤' if n <= m else '>'} {m} output{'s' if m != 1 else ''}")
        if points is not None:
            return _batch("jacobian", g, variables, points, chosen, as_json, input_format,
                          on_error, reason)
        _need_at(at, g)
        if digits is not None:
            return _digits("jacobian", g, at or "", variables, chosen, as_json, digits, reason)
        from .point import parse_point
        point = parse_point(at or "", g.names)
        res = differentiate(g, point, chosen)
        if as_json:
            from .jsonout import common, emit
            out = common("jacobian", g, point)
            out.update(mode=res.mode, value=res.value, jacobian=res.derivative,
                       sweeps=res.sweeps, operations=res.operations, warnings=res.warnings)
            if reason:
                out["mode_reason"] = reason
            emit(out)
        else:
            from .tables import print_jacobian
            print_jacobian(g, point, res, reason)
        print_warnings(res.warnings)


def _need_at(at, g) -> None:
    if at is None and g.names:
        from .errors import UsageError
        raise UsageError(f"Missing option '--at': give the point ({','.join(g.names)}) "
                         "with --at, or many points with --points FILE")


def _batch(command: str, expr, variables, points: str, mode: str, as_json: bool,
           input_format, on_error, reason: str = "") -> None:
    """--points: stream every point through the vectorized NumPy backend."""
    g = load(expr, variables) if isinstance(expr, str) else expr
    try:
        from .batch import run_points
    except ImportError:
        from .errors import UsageError
        raise UsageError("--points needs NumPy: pip install numpy "
                         "(or pip install 'adcli[batch]')") from None
    run_points(command, g, points, mode=mode, as_json=as_json,
               input_format=input_format.value, on_error=on_error.value, reason=reason)


def _digits(command: str, expr, at: str, variables, mode: str, as_json: bool, digits: int,
            reason: str = "") -> None:
    """--digits N: the same engines over mpmath; JSON numbers become strings."""
    from .mpmath_ns import run_digits
    g = load(expr, variables) if isinstance(expr, str) else expr
    run_digits(command, g, at, mode, digits, as_json, reason)


app.command("jacobian")(jacobian_cmd)
app.command("jac", hidden=True,
            help="Alias of 'jacobian'.")(jacobian_cmd)


def _register_commands() -> None:
    from .commands import check, higher, trace
    for module in (trace, check, higher):
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
    try:
        command = _group_for(argv)
        _one_line_summaries(command)
        rv = command.main(args=argv, prog_name="adcli", standalone_mode=False)
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
