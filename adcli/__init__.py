"""adcli: derivatives and automatic-differentiation traces from the shell."""

from ._version import __version__ as __version__
