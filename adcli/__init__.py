"""adcli: derivatives and automatic-differentiation traces from the shell."""

__version__ = "0.1.0"
