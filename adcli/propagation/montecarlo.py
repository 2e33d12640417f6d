"""JCGM 101 propagation of distributions: sampling, the vectorized model, adaptive runs.

The model runs on the ``--points`` NumPy program (:func:`adcli.batch.compile_program`),
replayed over arrays of draws.  Correlated inputs are drawn through a factor of a
correlation matrix (Cholesky, or an eigen-factor when the matrix is only
semi-definite): normals directly (JCGM 101 §6.4.8), other distributions through a
Gaussian copula (:mod:`.copula`).  Draws where f is undefined are counted, never
dropped silently.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import EvalError, UsageError

#: Above this fraction of failed draws, the run is an error unless on_error="skip".
FAIL_LIMIT = 1e-3
#: Failed draws of one batch re-run through the float engine (beyond: counted as they are).
_RETRIED = 10_000
#: The adaptive procedure stops here even if the results are not yet stable.
MAX_TRIALS = 10_000_000


@dataclass
class MonteCarlo:
    mean: float
    u: float
    interval: list
    trials: int
    failed: int
    adaptive: bool
    shortest: bool
    values: Any = field(repr=False, default=None)    # the sorted output values
    warnings: list = field(default_factory=list)


class Sampler:
    """Draws of the inputs (n × M) and the model's values at them."""

    def __init__(self, g: Any, quantities: list, corr: list, seed: int | None):
        import numpy as np

        from ..batch import compile_or_none
        self.g, self.q = g, quantities
        self.rng = np.random.default_rng(seed)
        self.prog = compile_or_none(g, "eval", "reverse")
        self.factor, self.correlated = _factor(quantities, corr)

    def draw(self, M: int):
        import numpy as np
        X = np.empty((len(self.q), M))
        rng = self.rng
        for k, q in enumerate(self.q):
            if k in self.correlated:
                continue
            if q.kind == "normal":
                X[k] = rng.normal(q.estimate, q.u, M) if q.u > 0 else q.estimate
            elif q.kind == "rectangular":
                X[k] = rng.uniform(q.params[0], q.params[1], M)
            elif q.kind == "triangular":
                a, b = q.params
                X[k] = rng.triangular(a, (a + b) / 2, b, M)
            elif q.kind == "t":
                mean, s, nu = q.params
                X[k] = mean + s * rng.standard_t(nu, M)
            else:
                X[k] = q.estimate
        if self.correlated:
            idx = self.correlated
            Z = rng.standard_normal((len(idx), M))
            C = self.factor @ Z
            from .copula import quantity_at
            for row, k in enumerate(idx):
                X[k] = quantity_at(self.q[k], C[row])
        return X

    def values(self, M: int):
        """f at M draws: (values that are finite, number of failed draws)."""
        import numpy as np
        X = self.draw(M)
        if self.prog is None:
            return np.empty(0), M
        Y, _ = self.prog.run(X)
        y = Y[0]
        ok = np.isfinite(y)
        failed = int(M - np.count_nonzero(ok))
        if 0 < failed <= _RETRIED:
            self._retry(X, y, ok)
            failed = int(M - np.count_nonzero(ok))
        return (y if failed == 0 else y[ok]), failed

    def _retry(self, X, y, ok) -> None:
        """Draws the replay could not evaluate go through the float engine, which gives
        the single-point answer (a value, or the error that makes them failures)."""
        import numpy as np

        from ..engine import evaluate
        from ..errors import AdcliError
        out = self.g.outputs[0]
        for k in np.flatnonzero(~ok).tolist():
            try:
                v = evaluate(self.g, X[:, k].tolist())[out]
            except (AdcliError, ArithmeticError, ValueError):
                continue
            if math.isfinite(v):
                y[k], ok[k] = v, True


def _factor(quantities: list, corr: list):
    """A factor L (L·Lᵀ = R_z) of the correlated inputs' normals' correlation matrix
    (:func:`.copula.normal_correlations`), and their indices."""
    import numpy as np
    n = len(quantities)
    idx = [i for i in range(n) if any(corr[i][j] != 0.0 for j in range(n) if j != i)]
    if not idx:
        return None, []
    from .copula import normal_correlations
    R = normal_correlations(quantities, corr, idx)
    try:
        return np.linalg.cholesky(R), idx
    except np.linalg.LinAlgError:   # semi-definite: an eigen-factor
        w, V = np.linalg.eigh(R)
        return V * np.sqrt(np.clip(w, 0.0, None)), idx


def interval(sorted_y, p: float, shortest: bool) -> list:
    """The coverage interval of JCGM 101 §7.7 from sorted values: probabilistically
    symmetric, or the shortest."""
    import numpy as np
    M = len(sorted_y)
    q = int(p * M + 0.5)
    if q >= M:
        return [float(sorted_y[0]), float(sorted_y[-1])]
    if shortest:
        widths = sorted_y[q:] - sorted_y[:M - q]
        r = int(np.argmin(widths))
        return [float(sorted_y[r]), float(sorted_y[r + q])]
    r = max(1, int((M - q) / 2 + 0.5))      # 1-based, as in §7.7.2
    return [float(sorted_y[r - 1]), float(sorted_y[r + q - 1])]


def tolerance(u: float, ndig: int) -> float:
    """δ of JCGM 101 §7.9.2: u = c × 10^l with c an ndig-digit integer; δ = ½ × 10^l."""
    if u <= 0.0 or not math.isfinite(u):
        return 0.0
    ell = math.floor(math.log10(u)) - ndig + 1
    return 0.5 * 10.0 ** ell


def run(g: Any, quantities: list, corr: list, *, coverage: float = 0.95,
        trials: int | None = None, seed: int | None = None, ndig: int = 2,
        shortest: bool = False, on_error: str = "fail") -> MonteCarlo:
    """A fixed number of trials, or the adaptive procedure of JCGM 101 §7.9."""
    import numpy as np
    if trials is not None and trials < 2:
        raise UsageError("--trials must be at least 2")
    if not 1 <= ndig <= 6:
        raise UsageError("--ndig must be between 1 and 6")
    s = Sampler(g, quantities, corr, seed)
    warnings: list = []
    if trials is not None:
        y, failed = s.values(trials)
        chunks, total = [y], trials
    else:
        chunks, failed, total = _adaptive(s, coverage, ndig, shortest, warnings)
    _check_failures(failed, total, on_error, warnings)
    y = np.sort(np.concatenate(chunks))
    if len(y) < 2:
        raise EvalError("f is undefined at every Monte Carlo draw")
    return MonteCarlo(float(np.mean(y)), float(np.std(y, ddof=1)),
                      interval(y, coverage, shortest), total, failed, trials is None,
                      shortest, y, warnings)


def _adaptive(s: Sampler, p: float, ndig: int, shortest: bool, warnings: list):
    """JCGM 101 §7.9.4: batches of M = max(⌈100/(1−p)⌉, 10⁴) until twice the standard
    deviation of the batch averages of y, u(y) and both endpoints is ≤ δ."""
    import numpy as np
    M = max(math.ceil(100 / (1 - p)), 10_000)
    chunks, failed, stats = [], 0, []
    while True:
        y, bad = s.values(M)
        failed += bad
        if len(y) < 2:
            break
        chunks.append(y)
        ys = np.sort(y)
        stats.append([ys.mean(), ys.std(ddof=1), *interval(ys, p, shortest)])
        h = len(stats)
        if h >= 2:
            a = np.array(stats)
            sd = np.sqrt(a.var(axis=0, ddof=1) / h)
            u_all = float(np.std(np.concatenate(chunks), ddof=1))
            if np.all(2 * sd <= tolerance(u_all, ndig)):
                break
        if h * M >= MAX_TRIALS:
            warnings.append(f"the adaptive Monte Carlo procedure stopped at {h * M:,} trials "
                            f"before u(y) was stable to {ndig} significant digits")
            break
    return chunks, failed, len(stats) * M if stats else M


def _check_failures(failed: int, total: int, on_error: str, warnings: list) -> None:
    if failed == 0:
        return
    share = failed / total
    what = (f"f is undefined (infinite or not a number) at {failed:,} of {total:,} Monte Carlo "
            f"draws ({100 * share:.3g} %)")
    if share > FAIL_LIMIT and on_error != "skip":
        raise EvalError(what + f", more than {100 * FAIL_LIMIT:g} %: the inputs' distributions "
                        "reach outside f's domain; give --on-error skip to leave those draws "
                        "out", )
    warnings.append(what + "; those draws are left out")


def validate(gum_interval: list, mc: MonteCarlo, ndig: int) -> dict:
    """JCGM 101 §8: the GUM interval's endpoints against Monte Carlo's, within δ."""
    delta = tolerance(mc.u, ndig)
    d_low = abs(gum_interval[0] - mc.interval[0])
    d_high = abs(gum_interval[1] - mc.interval[1])
    return {"validated": d_low <= delta and d_high <= delta, "d_low": d_low, "d_high": d_high,
            "tolerance": delta}
