"""Command modules beyond the core (eval, grad, jacobian live in adcli.cli).

Each module defines ``register(app)``, which adds its Typer commands.  A
module here must stay cheap to import: heavy imports (sympy, numpy, mpmath)
belong inside the command functions, since every ``adcli`` start imports
every command module.
"""
