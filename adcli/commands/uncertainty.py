"""``adcli uncertainty``: GUM budget, second-order term, Monte Carlo (:mod:`adcli.propagation`)."""
from __future__ import annotations

from typing import Annotated

import typer

from ..common import Expr, Json, OnError, OnErrorOpt, Precision, Vars, errors, load

Inputs = Annotated[str | None, typer.Option(
    "--at", "-a",
    help="The input quantities by name: 'x=2±0.1' or 'x=N(2, 0.1)' (normal, standard "
         "uncertainty 0.1), 'x=U(a, b)' (rectangular), 'x=T(a, b)' (symmetric triangular), "
         "'x=t(2, 0.1, nu)' (scaled and shifted t, scale 0.1), or a plain number (a constant).",
    metavar="INPUTS", show_default=False)]
Corr = Annotated[list[str] | None, typer.Option(
    "--corr", help="A correlation coefficient: 'x1,x2=0.3' (several --corr allowed, or "
                   "pairs separated by ';'). It is the inputs' own (Pearson) correlation; "
                   "--monte-carlo draws non-normal correlated inputs through a Gaussian "
                   "copula that gives them exactly this correlation.",
    metavar="X1,X2=R", show_default=False)]
Coverage = Annotated[float, typer.Option(
    "--coverage", help="Coverage probability of the expanded uncertainty and the intervals.")]
Order = Annotated[int, typer.Option(
    "--order", help="2 adds the GUM's second-order term (Hessian and third derivatives by AD).")]
MonteCarloOpt = Annotated[bool, typer.Option(
    "--monte-carlo", help="Propagate the distributions by Monte Carlo (JCGM 101) and validate "
                          "the GUM interval against it.")]
Trials = Annotated[int | None, typer.Option(
    "--trials", min=2, help="A fixed number of Monte Carlo trials (default: the adaptive "
                            "procedure of JCGM 101 §7.9).", show_default=False)]
Seed = Annotated[int | None, typer.Option(
    "--seed", help="Seed of the random draws, for repeatable runs.", show_default=False)]
Ndig = Annotated[int, typer.Option(
    "--ndig", help="Significant digits of u(y) that the adaptive procedure makes stable "
                   "and the validation's tolerance δ is based on (1 to 6).")]
Shortest = Annotated[bool, typer.Option(
    "--shortest", help="The shortest coverage interval instead of the probabilistically "
                       "symmetric one.")]
PlotFile = Annotated[str | None, typer.Option(
    "--plot-file", help="Write the Monte Carlo histogram with the GUM normal to FILE.png or "
                        "FILE.svg (needs matplotlib: pip install 'adcli[plot]').",
    metavar="FILE", show_default=False)]


def uncertainty_cmd(expr: Expr, at: Inputs = None, corr: Corr = None,
                    coverage: Coverage = 0.95, order: Order = 1,
                    monte_carlo: MonteCarloOpt = False, trials: Trials = None,
                    seed: Seed = None, ndig: Ndig = 2, shortest: Shortest = False,
                    on_error: OnErrorOpt = OnError.fail, plot_file: PlotFile = None,
                    variables: Vars = None, as_json: Json = False,
                    precision: Precision = None) -> None:
    """Measurement uncertainty of EXPR: GUM result, uncertainty budget, Monte Carlo check.

    The budget lists each input's sensitivity cᵢ = ∂f/∂xᵢ (exact, by reverse-mode
    AD), its contribution |cᵢ|·u(xᵢ) and its share of u²(y), largest first.
    --monte-carlo samples the inputs (JCGM 101), reports the mean, u(y) and the
    coverage interval, draws a histogram, and says whether the GUM interval is
    validated. Draws where f is undefined are counted; above 0.1 % they are an
    error unless --on-error skip.

    Examples: adcli uncertainty '4*pi^2*L/T^2' --at 'L=1.000±0.002, T=2.007±0.005'
              adcli uncertainty 'x*y' --at 'x=2±0.1, y=U(1, 3)' --corr 'x,y=0' --order 2
              adcli uncertainty 'a/b' --at 'a=1±0.02, b=U(2, 2.2)' --monte-carlo --seed 1
              adcli uncertainty 'a-b' --at 'a=U(0, 1), b=0.5±0.3' --corr 'a,b=0.6' --monte-carlo
    """
    with errors(as_json):
        from ..propagation import propagate
        res = propagate(load(expr, variables), at, corr=corr, coverage=coverage, order=order,
                        monte_carlo=monte_carlo, trials=trials, seed=seed, ndig=ndig,
                        shortest=shortest, on_error=on_error.value)
        if plot_file is not None:
            from ..propagation.show import plot_file as write_plot
            write_plot(res, plot_file)
        if as_json:
            from ..jsonout import emit
            emit(res.to_dict())
        else:
            res.show(precision)
        from ..common import print_warnings
        print_warnings(res.warnings)


def register(app) -> None:
    app.command("uncertainty")(uncertainty_cmd)
