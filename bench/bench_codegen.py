"""Operation counts of adcli codegen's gradient code against SymPy's (issue 14).  Not a test:
it prints the README's table.

    python bench/bench_codegen.py
    python bench/bench_codegen.py --battery    # the ratio over the tests' random battery

For each formula: the operations of adcli's value code and of its reverse-mode gradient code
(primal + adjoint, as the generated header counts them: each arithmetic operation, call or
conditional is one), and SymPy's ``ccode(cse([f] + [diff(f, x) for x in inputs]))``
counted with ``sympy.count_ops`` over the common subexpressions and the reduced
expressions.  The swell ratio is SymPy's count over adcli's.
"""
from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMULAS = [
    ("Baydin", (ROOT / "samples" / "baydin.txt").read_text()),
    ("course notes", (ROOT / "samples" / "course_notes.txt").read_text()),
    ("MATLAB", (ROOT / "samples" / "matlab.txt").read_text()),
    ("Rosenbrock", (ROOT / "samples" / "rosenbrock.txt").read_text()),
    ("angles", (ROOT / "samples" / "angles.txt").read_text()),
    ("softmax loss", (ROOT / "samples" / "softmax_loss.txt").read_text()),
    ("Speelpenning, 10 inputs", "*".join(f"x{k}" for k in range(1, 11))),
    ("sin chain, depth 8", "sin(" * 8 + "x*y" + ")" * 8),
    ("log-sum-exp, 6 inputs", "log(" + " + ".join(f"exp(x{k})" for k in range(1, 7)) + ")"),
    ("Speelpenning, 20 inputs", "*".join(f"x{k}" for k in range(1, 21))),
    ("program, 6 reuses", "a = x*y; b = sin(a)*a; c = exp(b)*b; d = log(1 + c*c)*c; "
                          "e = tanh(d)*d; h = sqrt(1 + e*e)*e; h"),
    ("Gaussian, 6 inputs", "exp(-(" + " + ".join(f"x{k}^2" for k in range(1, 7)) + ")/2)"),
]


def sympy_ops(g) -> int:
    import sympy as s

    from adcli.symbolic import translate
    xs = [s.Symbol(n) for n in g.names]
    f = translate(g, s, xs)[g.outputs[0]]
    subs, reduced = s.cse([f] + [s.diff(f, x) for x in xs])
    s.ccode(reduced[0])      # what the count stands for: C code SymPy can print
    return sum(s.count_ops(e) for _, e in subs) + sum(s.count_ops(e) for e in reduced)


def main() -> None:
    from adcli.codegen import generate
    from adcli.parser import parse
    print("| formula | value ops | adcli gradient ops | ratio | SymPy cse ops | swell |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, text in FORMULAS:
        g = parse(text)
        out = generate(g, "c", "grad", "reverse")
        total = out.operations["primal"] + out.operations["derivative"]
        sym = sympy_ops(g)
        print(f"| {name} | {out.value_operations} | {total} | "
              f"{total / out.value_operations:.2f} | {sym} | {sym / total:.2f} |")


def battery() -> None:
    """The gradient/value ratio of each formula of the tests' battery (the 200 random
    formulas of tests/test_codegen_cli.py's cheap-gradient test), sorted, and the median."""
    import statistics

    sys.path.insert(0, str(ROOT / "tests"))
    from formulas import battery as formulas

    from adcli.codegen import generate
    from adcli.parser import parse
    rows = []
    for text in formulas(14, 200):
        out = generate(parse(text), "c", "grad", "reverse")
        if out.value_operations:
            total = out.operations["primal"] + out.operations["derivative"]
            rows.append((total / out.value_operations, out.value_operations, total, text))
    print("| ratio | value ops | gradient ops | formula |\n|---:|---:|---:|---|")
    for ratio, value, total, text in sorted(rows):
        print(f"| {ratio:.2f} | {value} | {total} | `{text}` |")
    print(f"\n{len(rows)} formulas, median ratio "
          f"{statistics.median(r[0] for r in rows):.2f}")


if __name__ == "__main__":
    battery() if "--battery" in sys.argv[1:] else main()
