"""Many points at once: the trace compiled to in-place NumPy sweeps.

Same IR, same registry, same sweeps as :mod:`adcli.engine`, run on arrays of
points instead of floats.  To keep the intermediates in cache and the Python
overhead small, the sweeps are *recorded* once per formula and then replayed
chunk by chunk:

1. **Record.**  The engine's three loops (primal sweep, local partials from
   each row's ``d``, tangent or adjoint sweeps) run once over a recording
   number namespace (:class:`_Recorder`): every ``m.<fn>`` call and every
   arithmetic operator appends one instruction to a flat tape instead of
   computing.  Constants fold on the spot with :class:`FloatMath`, and a call
   already on the tape (same kernel, same arguments) is not recorded again.
   ``hessian`` runs the core's own sweeps over dual numbers whose parts are
   recorded values (:mod:`adcli.backends.dualover`): forward-over-reverse, one sweep
   per input, sharing everything but the tangent parts.
2. **Prune.**  Instructions no requested result depends on are dropped (e.g.
   ``x^y``'s ``∂/∂y = x^y·log x`` when ``y`` is a constant).
3. **Allocate.**  Each surviving instruction gets a chunk-sized buffer; a
   buffer is reused once its last reader has run, and a ufunc writes in
   place over an argument it was the last reader of.
4. **Replay.**  :meth:`Program.run` calls each kernel of
   :class:`adcli.backends.numpy.NumpyMath` with ``out=`` over chunks of a few
   thousand points, on a small thread pool (NumPy releases the GIL).

No per-formula source is generated; the tape is data.  Exceptional points
(a non-finite value or partial, or a non-differentiable point) are flagged
by cheap checks in the replay and re-run through the float engine, which
gives exactly the single-point answer: the same warnings, or the error
that names the trace row.

:func:`run_points` (:mod:`.driver`) is the ``--points`` driver: stream the points in blocks
(:mod:`adcli.pointsio`), compute, write, report bad rows by number.
"""
from __future__ import annotations

from .driver import (  # noqa: F401
                     _BLOCK_BYTES,
                     Layout,
                     RowError,
                     _block_size,
                     compile_or_none,
                     program,
                     run_points,
                     show_progress,
)
from .program import _CHUNK_BYTES, Program, compile_program  # noqa: F401
from .tape import record  # noqa: F401
