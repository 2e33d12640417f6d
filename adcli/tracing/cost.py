"""What each mode costs on a formula: sweeps and derivative operations, in numbers
(:func:`cost`) and in the sentences every format prints (:func:`cost_lines`)."""
from __future__ import annotations

from ..ir import Graph


def cost(g: Graph, lin, n_out: int) -> dict:
    n, active = g.n_inputs, len(lin.order)
    rev_sweeps = n_out if n else 0          # nothing to differentiate without inputs
    fwd, rev = n * active, rev_sweeps * active
    return {
        "inputs": n, "outputs": n_out, "primal_operations": g.n_ops,
        "active_operations": active,
        "local_partials": sum(len(lin.pairs[i]) for i in lin.order),
        "forward": {"sweeps": n, "operations": fwd},
        "reverse": {"sweeps": rev_sweeps, "operations": rev},
        "cheaper": "reverse" if rev < fwd else "forward" if fwd < rev else "same",
    }


def cost_lines(c: dict, scope: str = "") -> list:
    """The cost summary in sentences (the same words in every format).

    ``scope`` says what the trace shows when it is less than the whole formula
    (--output, --wrt, --direction): the cost is always the whole formula's.
    """
    def plural(k, word):
        return f"{k:,} {word}{'' if k == 1 else 's'}"
    n, m = c["inputs"], c["outputs"]
    active = c["active_operations"]
    lines = [f"for the whole formula (this trace shows {scope} only)"] if scope else []
    lines.append(f"primal sweep: {plural(c['primal_operations'], 'elementary operation')} "
                 f"({active:,} {'depends' if active == 1 else 'depend'} on the inputs)")
    if n == 0:
        return lines + ["forward and reverse mode: no derivative sweeps (no inputs)"]
    lines += [
        (f"forward mode: {plural(c['forward']['sweeps'], 'tangent sweep')} (one per input) "
        f"= {plural(c['forward']['operations'], 'derivative operation')}"),
        (f"reverse mode: {plural(c['reverse']['sweeps'], 'adjoint sweep')} (one per output) "
        f"= {plural(c['reverse']['operations'], 'derivative operation')}"),
    ]
    if c["cheaper"] == "same":
        why = f"{plural(n, 'input')} and {plural(m, 'output')}: both modes cost the same here"
    elif c["cheaper"] == "reverse":
        why = (f"reverse mode wins: {plural(n, 'input')} > {plural(m, 'output')}; "
               "one adjoint sweep gives a gradient")
    else:
        why = (f"forward mode wins: {plural(n, 'input')} < {plural(m, 'output')}; "
               "a tangent sweep gives a Jacobian column")
    return lines + [why]
