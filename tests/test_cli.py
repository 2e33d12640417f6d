"""The command line as a user runs it: keys, exit codes, errors, tables."""
from __future__ import annotations

import json
import math
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

MATLAB = "x1*exp(-(x1^2+x2^2)/2)"


# -- JSON contract ----------------------------------------------------------------------------
@pytest.mark.parametrize("mode, sweeps", [("forward", 2), ("reverse", 1)])
def test_grad_json(adcli, mode, sweeps):
    r = adcli("grad", MATLAB, "--at", "2,0.5", "--mode", mode, "--json")
    assert r.code == 0, r
    d = r.json
    assert d["command"] == "grad" and d["expression"] == MATLAB
    assert d["variables"] == ["x1", "x2"] and d["point"] == [2.0, 0.5]
    assert d["mode"] == mode and d["sweeps"] == sweeps
    assert d["value"] == 0.23886593653343924
    assert d["gradient"] == [-0.35829890480015886, -0.11943296826671962]
    assert d["warnings"] == []


def test_grad_default_mode_is_reverse(adcli):
    d = adcli("grad", "ln(x1) + x1*x2 - sin(x2)", "--at", "2,5", "--json").json
    assert d["mode"] == "reverse"
    assert d["value"] == 11.652071455223084 and d["gradient"] == [5.5, 1.7163378145367738]


def test_eval_json(adcli):
    d = adcli("eval", "ln(x1) + x1*x2 - sin(x2)", "--at", "x1=2,x2=5", "--json").json
    assert d["command"] == "eval" and d["value"] == 11.652071455223084
    d = adcli("eval", "[r*cos(t), r*sin(t)]", "--at", "2,0", "--json").json
    assert d["value"] == [2.0, 0.0]


@pytest.mark.parametrize("mode, used", [("auto", "forward"), ("forward", "forward"),
                                        ("reverse", "reverse")])
def test_jacobian_json(adcli, mode, used):
    d = adcli("jacobian", "[r*cos(t), r*sin(t)]", "--at", "r=2,t=0", "--mode", mode,
              "--json").json
    assert d["mode"] == used
    assert d["value"] == [2.0, 0.0]
    assert d["jacobian"] == [[1.0, -0.0], [0.0, 2.0]]
    assert d["sweeps"] == 2
    if mode == "auto":
        assert "forward" in d["mode_reason"]


def test_jacobian_auto_picks_reverse_for_more_inputs(adcli):
    d = adcli("jac", "[x*y*z]", "--at", "1,2,3", "--json").json
    assert d["mode"] == "reverse" and d["sweeps"] == 1
    assert d["jacobian"] == [[6.0, 3.0, 2.0]]


def test_at_accepts_constant_expressions(adcli):
    d = adcli("grad", "sin(x)", "--at", "pi/4", "--json").json
    assert d["point"] == [0.7853981633974483]
    d = adcli("grad", "x*y", "--at", "y=sqrt(2), x=1e-3", "--json").json
    assert d["point"] == [1e-3, 2 ** 0.5]
    d = adcli("grad", "x*y", "--at", "atan2(1, 1), -2", "--json").json
    assert d["point"] == [0.7853981633974483, -2.0]


def test_negative_values_and_formulas_starting_with_minus(adcli):
    d = adcli("grad", "-x^2", "--at", "-3", "--json").json
    assert d["value"] == -9.0 and d["gradient"] == [6.0]


MATLAB_VALUE, MATLAB_GRAD = 0.23886593653343924, [-0.35829890480015886, -0.11943296826671962]

# Formulas starting with '-' whose letters are short options (-a --at, -m --mode,
# -p --points, -d --digits, -h --help): each is EXPR, wherever it stands.
MINUS_FORMULAS = [
    (["-x1*exp(-(x1^2+x2^2)/2)", "--at", "2,0.5"], -MATLAB_VALUE, [-g for g in MATLAB_GRAD]),
    (["--at", "2,0.5", "-x1*exp(-(x1^2+x2^2)/2)"], -MATLAB_VALUE, [-g for g in MATLAB_GRAD]),
    (["-hypot(x,y)", "--at", "3,4"], -5.0, [-0.6, -0.8]),
    (["-a*b", "--at", "2,3"], -6.0, [-3.0, -2.0]),
    (["-pi*x", "--at", "2"], -2 * math.pi, [-math.pi]),
    (["-max(x,1)", "-a", "2"], -2.0, [-1.0]),
    (["-(a+b)", "-a", "-1,2"], -1.0, [-1.0, -1.0]),
    (["-d*m", "--mode", "forward", "--at=2,-3"], 6.0, [3.0, -2.0]),
]


@pytest.mark.parametrize("args, value, gradient", MINUS_FORMULAS)
def test_formulas_starting_with_minus_are_not_options(adcli, args, value, gradient):
    d = adcli("grad", *args, "--json").json
    assert d["value"] == pytest.approx(value, rel=1e-15)
    assert d["gradient"] == pytest.approx(gradient, rel=1e-15)


def test_minus_formulas_in_every_command(adcli):
    assert adcli("eval", "-exp(x)", "--at", "0", "--json").json["value"] == -1.0
    assert adcli("jacobian", "[-exp(x), x]", "--at", "0", "--json").json["jacobian"] == \
        [[-1.0], [1.0]]
    assert adcli("hessian", "-exp(x)*y", "--at", "0,2", "--json").json["hessian"] == \
        [[-2.0, -1.0], [-1.0, 0.0]]
    assert adcli("trace", "-pi*x", "--at", "1", "--json").json["gradient"] == [-math.pi]


def test_a_mistyped_option_is_named(adcli):
    r = adcli("grad", "x", "--at", "1", "--jsn")
    assert r.code == 2 and "No such option: --jsn" in r.err and "--json" in r.err


def test_vars_option(adcli):
    d = adcli("grad", "x - y", "--vars", "y,x", "--at", "1,5", "--json").json
    assert d["variables"] == ["y", "x"] and d["value"] == 4.0 and d["gradient"] == [-1.0, 1.0]


def test_expr_from_stdin_and_file(adcli, monkeypatch, tmp_path):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("c = a + b; c = c*c + 1; c/2\n"))
    d = adcli("grad", "-", "--at", "1,2", "--json").json
    assert d["variables"] == ["a", "b"] and d["value"] == 5.0 and d["gradient"] == [3.0, 3.0]
    path = tmp_path / "f.txt"
    path.write_text("f(y, x) = x/y\n")
    d = adcli("grad", f"@{path}", "--at", "2,1", "--json").json
    assert d["variables"] == ["y", "x"] and d["gradient"] == [-0.25, 0.5]


def test_kink_warning_in_json_and_stderr(adcli):
    r = adcli("grad", "abs(x)", "--at", "0", "--json")
    assert r.code == 0
    assert r.json["gradient"] == [0.0]
    assert "abs is not differentiable at 0" in r.json["warnings"][0]
    assert "warning" in r.err


# -- errors ----------------------------------------------------------------------------------------
ERRORS = [
    # args, exit code, error type, text in message
    (["grad", "x1*)+2", "--at", "1"], 2, "parse", "unexpected ')'"),
    (["grad", "sinn(x)", "--at", "1"], 2, "parse", "unknown function 'sinn'"),
    (["grad", "sin(x, y)", "--at", "1,2"], 2, "parse", "takes 1 argument"),
    (["grad", "x*y", "--at", "1"], 2, "point", "expected 2 values for x, y"),
    (["grad", "x*y", "--at", "1,2,3"], 2, "point", "got 3 values"),
    (["grad", "x*y", "--at", "x=1,z=2"], 2, "point", "unknown variable 'z'"),
    (["grad", "x*y", "--at", "x=1,2"], 2, "point", "by name or none by name"),
    (["grad", "x*y", "--at", "1,abc"], 2, "point", "'abc' is not a number or constant"),
    (["grad", "x", "--at", "1,"], 2, "point", "got 2 values"),
    (["grad", "[x, y]", "--at", "1,2"], 2, "usage", "Use 'adcli jacobian'"),
    (["grad", "x", "--at", "1", "--mode", "sideways"], 2, "usage", "sideways"),
    (["grad", "x"], 2, "usage", "Missing option"),
    (["grad", "@/nonexistent/file", "--at", "1"], 2, "usage", "cannot read formula file"),
    (["grad", "log(x)", "--at", "-1"], 1, "evaluation", "v₁ = log(v₀) with v₀ = −1"),
    (["grad", "1/x", "--at", "0"], 1, "evaluation", "division by zero"),
    (["grad", "9^9^9^9*x", "--at", "1"], 1, "evaluation", "overflow"),
    (["grad", "sqrt(x)", "--at", "0"], 1, "evaluation", "infinite"),
    (["grad", "x^x", "--at", "0"], 1, "evaluation", "infinite or undefined"),   # −∞ slope
    (["grad", "pow(x, y)", "--at", "0,0"], 1, "evaluation", "infinite or undefined"),
    (["grad", "x*1e400", "--at", "1"], 1, "evaluation", "overflow: the number 1e400"),
    (["eval", "x^0.5", "--at", "-1"], 1, "evaluation", "domain error"),
]


@pytest.mark.parametrize("args, code, kind, needle", ERRORS)
def test_errors(adcli, args, code, kind, needle):
    r = adcli(*args, "--json")
    assert r.code == code, r
    err = r.json["error"]
    assert err["type"] == kind and needle in err["message"], err
    assert "Traceback" not in r.err and needle in r.err
    r = adcli(*args)                                  # and for people
    assert r.code == code and r.out == "" and needle in r.err


def test_parse_error_shows_a_caret(adcli):
    r = adcli("grad", "x1*)+2", "--at", "1")
    lines = r.err.splitlines()
    assert lines[1] == "  x1*)+2" and lines[2] == "     ^"


def test_unknown_command(adcli):
    r = adcli("gradient", "x", "--at", "1", "--json")
    assert r.code == 2 and r.json["error"]["type"] == "usage"


# -- tables ----------------------------------------------------------------------------------------
def test_grad_table(adcli):
    r = adcli("grad", MATLAB, "--at", "2,0.5", "--mode", "forward")
    assert r.code == 0
    assert "0.23886593653343924" in r.out and "-0.35829890480015886" in r.out
    assert "x1" in r.out and "x2" in r.out
    assert "forward mode" in r.out and "2 tangent sweeps" in r.out


def test_jacobian_table_labels_outputs_and_variables(adcli):
    r = adcli("jacobian", "[r*cos(t), r*sin(t)]", "--at", "2,0")
    assert r.code == 0
    for text in ("f1", "f2", "∂/∂r", "∂/∂t", "auto mode chose forward"):
        assert text in r.out


def test_help_has_examples(adcli):
    r = adcli("grad", "--help")
    assert r.code == 0 and "Example" in r.out and "--mode" in r.out


# -- the installed console script, as a subprocess -------------------------------------------------
def _script() -> str | None:
    exe = shutil.which("adcli", path=os.path.dirname(sys.executable)) or shutil.which("adcli")
    return exe


@pytest.mark.skipif(_script() is None, reason="adcli console script not installed")
def test_console_script_from_another_directory(tmp_path):
    out = subprocess.run([_script(), "grad", MATLAB, "--at", "2,0.5", "--json"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["gradient"] == [-0.35829890480015886, -0.11943296826671962]


def test_python_dash_m(tmp_path):
    out = subprocess.run([sys.executable, "-m", "adcli", "grad", "log(x)", "--at", "-1",
                          "--json"], capture_output=True, text=True, cwd=tmp_path, timeout=60,
                         check=False)
    assert out.returncode == 1
    assert json.loads(out.stdout)["error"]["row"] == "v₁"
    assert "Traceback" not in out.stderr


def test_grammar_loads_from_the_installed_package():
    from importlib.resources import files

    import adcli.grammars
    text = files("adcli.grammars").joinpath("adcli.lark").read_text()
    assert "signature" in text
    assert pathlib.Path(adcli.grammars.__path__[0]).name == "grammars"



def test_pyproject_ships_every_subpackage_and_the_grammar():
    """A subpackage that pyproject.toml's package search misses would be missing from the wheel."""
    import fnmatch
    root = pathlib.Path(__file__).resolve().parent.parent
    text = (root / "pyproject.toml").read_text()
    section = text.split("[tool.setuptools.packages.find]", 1)[1].split("\n[", 1)[0]
    line = next(ln for ln in section.splitlines() if ln.startswith("include = "))
    include = json.loads(line.split("=", 1)[1])
    on_disk = {"adcli." + p.parent.relative_to(root / "adcli").as_posix().replace("/", ".")
               for p in (root / "adcli").rglob("__init__.py") if p.parent != root / "adcli"}
    assert "adcli.grammars" in on_disk and (root / "adcli" / "grammars" / "adcli.lark").exists()
    for package in on_disk | {"adcli"}:
        assert any(fnmatch.fnmatchcase(package, pattern) for pattern in include), package
    assert '"adcli.grammars" = ["*.lark"]' in text and "package-dir" not in text


def _complete(words: str, cword: int) -> list[str]:
    env = {**os.environ, "_ADCLI_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(cword)}
    out = subprocess.run([_script()], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@pytest.mark.skipif(_script() is None, reason="adcli console script not installed")
@pytest.mark.slow
def test_shell_completion_of_commands_options_and_choices(tmp_path):
    assert _complete("adcli gr", 1) == ["grad", "graph"]
    assert _complete("adcli grad 'x^2' --mo", 3) == ["--mode"]
    assert _complete("adcli jacobian 'x' --mode ", 4) == ["auto", "forward", "reverse"]
    assert _complete("adcli grad -exp(x) --mode ", 4) == ["forward", "reverse"]
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    out = subprocess.run([_script(), "--show-completion", "bash"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=60)
    assert out.returncode == 0 and "_ADCLI_COMPLETE=complete_bash" in out.stdout
    assert "complete -o default -F _adcli_completion adcli" in out.stdout


def test_completion_options_only_on_the_command_list():
    from adcli.cli import _group_for

    def options(group):
        return {o for p in group.params for o in getattr(p, "opts", [])}
    assert {"--install-completion", "--show-completion"} <= options(_group_for([]))
    assert "--install-completion" not in options(_group_for(["grad", "x", "--at", "1"]))


@pytest.mark.skipif(not os.environ.get("ADCLI_EXPECT_INSTALLED"),
                    reason="set by .ci/run, which installs the project non-editable")
def test_tests_run_against_the_installed_package():
    import adcli
    root = pathlib.Path(__file__).resolve().parent.parent
    installed = pathlib.Path(adcli.__file__).resolve()
    assert installed != root / "adcli" / "__init__.py"
    assert "site-packages" in installed.parts


@pytest.mark.slow        # over 0.25 s: out of the quick run (pytest -m "not slow")
def test_every_command_has_help_with_an_example(adcli):
    """Rich markup must not swallow bracketed examples such as '[r*cos(t), ...]'."""
    import typer

    from adcli.cli import app
    names = [c.name for c in typer.main.get_command(app).commands.values() if not c.hidden]
    assert {"eval", "grad", "jacobian", "trace", "graph", "check", "hessian"} <= set(names)
    for name in names:
        r = adcli(name, "--help")
        assert r.code == 0, name
        assert "Example" in r.out, name
        assert "''" not in r.out, (name, r.out)


@pytest.mark.parametrize("extra", [["--json"], ["--limit", "0"], ["--points"]])
@pytest.mark.slow
def test_a_closed_stdout_is_not_an_error(tmp_path, extra):
    # `adcli ... | head -1`: the reader goes away; adcli ends quietly with 0 (Rich's own
    # handler and Click's would exit 1)
    prog = tmp_path / "long.txt"
    prog.write_text("t = x*y\n" + "t = sin(t)*x + y\n" * 3000 + "t\n")
    if extra == ["--points"]:
        pts = tmp_path / "p.csv"
        pts.write_text("x,y\n" + "0.3,0.7\n" * 20000)
        args = ["grad", f"@{prog}", "--points", str(pts)]
    else:
        args = ["trace", f"@{prog}", "--at", "0.3,0.7", *extra]
    p = subprocess.Popen([sys.executable, "-m", "adcli", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=tmp_path)
    p.stdout.read(100)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0 and err == ""


@pytest.mark.parametrize("fmt", [["--json"], ["--format", "json"], ["--format=json"],
                                 ["-f", "JSON"]])
@pytest.mark.parametrize("bad", [["--output", "0"], ["--mode", "sideways"], ["--limit", "-3"]])
def test_option_errors_are_json_under_format_json(adcli, fmt, bad):
    r = adcli("trace", "x*y", "--at", "1,2", *bad, *fmt)
    assert r.code == 2 and r.json["error"]["type"] == "usage" and bad[0] in r.err


def test_graph_option_errors_are_json_under_format_json(adcli):
    r = adcli("graph", "x*y", "-f", "json", "--precision", "99")
    assert r.code == 2 and "--precision" in r.json["error"]["message"]


def test_no_arguments_prints_help_without_an_empty_error(adcli):
    r = adcli()
    assert r.code == 2 and "error" not in r.err and "Usage" in r.out + r.err


def test_command_list_summaries_are_whole_sentences(adcli):
    out = adcli("--help").out
    lines = out.splitlines()
    k = next(k for k, s in enumerate(lines) if " jacobian " in s)
    line = " ".join(s.strip("│ ") for s in lines[k:k + 2])   # the summary may wrap once
    assert "(--at) or" in line or "at a point" in line
    assert "Alias: jac" in out


def test_formula_and_points_cannot_both_be_stdin(adcli):
    r = adcli("grad", "-", "--points", "-", "--json")
    assert r.code == 2 and "both come from stdin" in r.json["error"]["message"]


def test_formula_on_stdin_must_be_utf8(adcli, monkeypatch):
    import io

    class Stdin(io.TextIOWrapper):
        pass
    monkeypatch.setattr("sys.stdin", Stdin(io.BytesIO(b"x\xff"), encoding="utf-8"))
    r = adcli("grad", "-", "--at", "1", "--json")
    assert r.code == 2 and "not UTF-8" in r.json["error"]["message"]


def test_expression_key_drops_the_files_last_newline(adcli, tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("x^3 - 2*x\n\n")
    assert adcli("grad", f"@{path}", "--at", "1.5", "--json").json["expression"] == "x^3 - 2*x"


def test_a_signature_is_not_shown_twice(adcli):
    out = adcli("grad", "f(x,y) = x^2 + 3", "--at", "1,2").out
    assert "f(x,y) = x^2 + 3" in out and "f(x, y) = f(x,y)" not in out
    assert "2 elementary operations" in " ".join(out.split())
    assert "1 elementary operation in" in " ".join(adcli("grad", "sin(x)", "--at", "1").out.split())


def test_tie_with_a_constant_names_only_the_variable(adcli):
    w = adcli("grad", "min(x,2)", "--at", "2", "--json").json["warnings"][0]
    assert "at v₀ = 2:" in w and "2 = 2" not in w


def test_wide_tables_keep_every_column_and_digit(adcli):
    # piped output is 80 columns wide; a 40-digit Jacobian must still show all of it
    r = adcli("jacobian", "[r*cos(t), r*sin(t)]", "--at", "2,pi/6", "--digits", "40")
    assert "output" in r.out and "f1" in r.out
    assert "1.732050807568877293527446341505872366943" in r.out and "…" not in r.out


ATTACHED = [  # once the formula is there, -k3 is the option -k with the value 3
    (["grad", "x^2", "-a3", "--json"], "gradient", [6.0]),
    (["grad", "x^2", "--at", "3", "-mforward", "--json"], "mode", "forward"),
    (["derivative", "sin(x)", "--at", "0", "-k3", "--json"], "derivatives", [0.0, 1.0, 0.0, -1.0]),
    (["derivative", "-k2", "-exp(x)", "--at", "0", "--json"], "derivatives", [-1.0, -1.0, -1.0]),
    (["eval", "x/3", "--at", "1", "-d5", "--json"], "value", "0.33333"),
]


@pytest.mark.parametrize("args, key, want", ATTACHED)
def test_short_options_with_attached_values(adcli, args, key, want):
    r = adcli(*args)
    assert r.code == 0 and r.json[key] == want, r


def test_unknown_short_option_is_named_and_dangling_option_reported(adcli):
    r = adcli("hessian", "tanh(x)", "--at", "1", "-z", "30")   # hessian has -d (--digits) now
    assert r.code == 2 and "No such option: -z" in r.err
    r = adcli("grad", "-exp(x)", "--at", "--json")      # --at took --json: the formula is last
    assert r.code == 2
    r = adcli("grad", "-exp(x)", "--json", "--at")
    assert r.code == 2 and r.json["error"]["message"] == "Option '--at' requires an argument."


# A dash-led word with a space or an operator in it is the formula, even when it starts with
# '--'. Values by hand: --x + -(-y) = x + y; -(x - y)^2 at (2, 3) is -1, gradient (2, -2).
DOUBLE_DASH = [
    (["grad", "--x + -(-y)", "--at", "2,3"], "gradient", [1.0, 1.0]),
    (["grad", "--at", "2,3", "--x + -(-y)"], "value", 5.0),
    (["grad", "--x+-(-y)", "--mode", "forward", "--at", "2,3"], "gradient", [1.0, 1.0]),
    (["eval", "--(x - y)^2", "-a", "2,3"], "value", 1.0),
    (["grad", "-(x - y)^2", "--at=2,3"], "gradient", [2.0, -2.0]),
    (["jacobian", "[--x, -y]", "--at", "2,3"], "jacobian", [[1.0, 0.0], [0.0, -1.0]]),
    (["hessian", "--x*x", "--at", "-1.5"], "hessian", [[2.0]]),
    (["trace", "--at", "2,3", "--x + -(-y)"], "gradient", [1.0, 1.0]),
    (["derivative", "-k", "2", "--x*x*x", "--at", "2"], "derivatives", [8.0, 12.0, 12.0]),
]


@pytest.mark.parametrize("args, key, want", DOUBLE_DASH)
def test_a_formula_with_an_operator_is_never_an_option(adcli, args, key, want):
    r = adcli(*args, "--json")
    assert r.code == 0 and r.json[key] == want, r


def test_after_a_formula_an_unknown_short_option_is_named_not_taken_for_a_formula(adcli):
    r = adcli("grad", "-exp(x)", "--at", "0", "-q5")
    assert r.code == 2 and "No such option: -q" in r.err
    r = adcli("grad", "--at", "0", "--jsn", "-exp(x)")
    assert r.code == 2 and "No such option: --jsn" in r.err and "--json" in r.err


def test_after_double_dash_every_word_is_the_formula(adcli):
    d = adcli("grad", "--at", "2", "--json", "--", "--x").json     # --x = -(-x) = x
    assert d["value"] == 2.0 and d["gradient"] == [1.0]
    d = adcli("grad", "--at", "2", "--json", "--", "-a").json      # -a alone needs the '--'
    assert d["value"] == -2.0 and d["gradient"] == [-1.0]


def test_every_command_parses_formulas_through_one_command_class():
    import typer

    from adcli.argv import FormulaCommand
    from adcli.cli import app
    group = typer.main.get_command(app)
    assert len(group.commands) >= 12
    for name, command in group.commands.items():
        assert isinstance(command, FormulaCommand), name


@pytest.mark.parametrize("args, moved", [
    (["-exp(x)", "--at", "1"], [0]),
    (["--at", "-1,2", "-x"], [2]),                   # an option's value is never the formula
    (["x^2", "-a3"], []),                            # the formula is there: -a3 is -a 3
    (["-k2", "-exp(x)"], [1]),
    (["-a3", "--at", "1"], [0]),                     # no other formula: -a3 is it
    (["--x + y", "--jsn"], [0]),
    (["--at", "1", "--", "-x"], []),                 # after '--' Click takes it as it is
    (["-", "--at", "1"], []),                        # '-': the formula from stdin
])
def test_which_words_are_the_formula(args, moved):
    from adcli.argv import formula_words
    assert formula_words(args, {"--at", "-a", "-k"}, {"--json", "-h", "--help"}) == moved


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_an_unwritable_output_is_an_io_error_not_an_internal_one(tmp_path):
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "adcli", "grad", "x", "--at", "1"],
                           stdout=full, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                           check=False)
    assert p.returncode == 1 and "cannot write the output" in p.stderr
    assert "internal" not in p.stderr and "Traceback" not in p.stderr


def test_markdown_escapes_names_outside_tables_too(adcli):
    out = adcli("trace", "_a*b_", "--at", "1,2", "--format", "markdown").out
    assert "at \\_a = 1, b\\_ = 2" in out and "∂f/∂\\_a = 2" in out


def test_a_missing_optional_dependency_says_what_to_install(adcli, monkeypatch):
    monkeypatch.setitem(sys.modules, "mpmath", None)          # as if not installed
    monkeypatch.delitem(sys.modules, "adcli.backends.mpmath", raising=False)
    r = adcli("grad", "x", "--at", "1", "--digits", "20", "--json")
    assert r.code == 2 and "pip install mpmath" in r.json["error"]["message"]
    assert "internal" not in r.err
