"""Monte Carlo benchmark of ``adcli uncertainty`` (issue 15).  Not a test: it prints
figures for the README.

    python bench/bench_uncertainty.py            # best of 5
    python bench/bench_uncertainty.py --quick    # best of 2

1. In process: ``adcli.uncertainty(F, monte_carlo=True, trials=10⁶)`` for a
   10-input formula F (sampling, the compiled NumPy program, sorting for the
   coverage interval, the GUM part), against NumPy written by hand for the same
   model (sampling and evaluation only, no interval).
2. The pieces of (1): drawing the 10 × 10⁶ inputs, evaluating F, sorting.
3. End to end: the ``adcli uncertainty ... --monte-carlo --trials 1000000`` process.
4. Correlated inputs: drawing the same inputs with every neighbouring pair correlated
   (r = 0.3; rectangular and normal inputs alternate, so all go through the Gaussian
   copula), and the set-up that solves the normals' correlations.
"""
from __future__ import annotations

import argparse
import subprocess
import sys

from bench_batch import best  # this script's folder is on sys.path

N = 10
FORMULA = " + ".join(f"x{i}*exp(-x{i + 1}^2/8)" for i in range(1, N)) + f" + sin(x{N})"
INPUTS = ", ".join(f"x{i}={1 + i / 10}±0.05" if i % 2 else f"x{i}=U(0.9, 1.1)"
                   for i in range(1, N + 1))
TRIALS = 1_000_000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    repeat = 2 if ap.parse_args().quick else 5
    import numpy as np

    import adcli
    from adcli.parser import parse
    from adcli.propagation.inputs import read_correlations, read_inputs
    from adcli.propagation.montecarlo import Sampler

    def run():
        return adcli.uncertainty(FORMULA, inputs=INPUTS, monte_carlo=True, trials=TRIALS,
                                 seed=1)

    t_all = best(run, repeat)
    g = parse(FORMULA)
    qs = read_inputs(INPUTS, list(g.names))
    s = Sampler(g, qs, read_correlations(None, qs), 1)
    X = s.draw(TRIALS)
    t_draw = best(lambda: s.draw(TRIALS), repeat)
    t_eval = best(lambda: s.prog.run(X), repeat)
    y = s.prog.run(X)[0][0]
    t_sort = best(lambda: np.sort(y), repeat)

    def by_hand():
        rng = np.random.default_rng(1)
        cols = [rng.normal(1 + i / 10, 0.05, TRIALS) if i % 2 else rng.uniform(0.9, 1.1, TRIALS)
                for i in range(1, N + 1)]
        out = np.sin(cols[-1])
        for i in range(N - 1):
            out += cols[i] * np.exp(-cols[i + 1] ** 2 / 8)
        return out

    t_hand = best(by_hand, repeat)
    cmd = [sys.executable, "-m", "adcli", "uncertainty", FORMULA, "--at", INPUTS,
           "--monte-carlo", "--trials", str(TRIALS), "--seed", "1", "--json"]
    t_cli = best(lambda: subprocess.run(cmd, check=True, capture_output=True), repeat)
    corr = {(f"x{i}", f"x{i + 1}"): 0.3 for i in range(1, N)}
    R = read_correlations(corr, qs)
    t_setup = best(lambda: Sampler(g, qs, R, 1), repeat)
    sc = Sampler(g, qs, R, 1)
    t_copula = best(lambda: sc.draw(TRIALS), repeat)
    print(f"10 inputs, {TRIALS:,} trials, best of {repeat}:")
    print(f"  adcli.uncertainty(monte_carlo=True)   {t_all:6.3f} s")
    print(f"    draw the inputs                     {t_draw:6.3f} s")
    print(f"    evaluate f (compiled NumPy program) {t_eval:6.3f} s")
    print(f"    sort (coverage interval)            {t_sort:6.3f} s")
    print(f"  NumPy by hand (draw + evaluate)       {t_hand:6.3f} s")
    print(f"  adcli uncertainty ... (the process)   {t_cli:6.3f} s")
    print(f"  correlated (copula): set-up           {t_setup:6.3f} s")
    print(f"    draw the inputs                     {t_copula:6.3f} s")


if __name__ == "__main__":
    main()
