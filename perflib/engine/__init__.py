"""Running notebooks: papermill engines (cold and warm), kernels, the warm agent, the hand-over of the batch's
evaluations to a kernel, and export to HTML.

This module stays light (the command line reads its names to build its parser): the engines themselves
are in :mod:`.engines`.
"""

from __future__ import annotations

from enum import StrEnum

#: The warm engine restarts its kernel after this many notebooks (``perflib run --restart-every``; the
#: environment's ``PERFLIB_WARM_MAX_RUNS`` for ``papermill --engine perflib-warm``).
RESTART_EVERY = 25


class Engine(StrEnum):
    """How the batch runs notebooks (the values are what ``--engine`` takes and manifest.json says)."""

    WARM = "warm"  # a started kernel per worker, reused from notebook to notebook
    COLD = "cold"  # a new kernel for every notebook, as plain papermill does

    @property
    def papermill_name(self) -> str:
        """The papermill engine's registered name."""
        return f"perflib-{self.value}"
