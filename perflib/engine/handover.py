"""Handing the batch's own evaluations to the kernel that renders a notebook, before its first cell.

The batch evaluates every input once, in its own process (:mod:`perflib.batch.jobs`). A
:class:`Handover` carries those results — by each file's path relative to the params folder, so that a
Dask worker with its own copy of the files can root them anew — to the worker, which makes the 自评表
from them, and on to the kernel: the engine runs :func:`receive_code` silently before the notebook's first
cell, and :func:`perflib.evaluation.give` makes ``evaluate(path)`` (and ``monitor(path)``) return them.
Nothing of this shows in the executed notebook.

The bytes are a pickle made by the batch for its own kernels and workers, never read from a file a user
supplies: the worker writes them to a private temporary file (mode 0600) for its kernel and removes it
when the notebook has run. (Sent inside the code instead, the kernel's IPython took ~20 ms to read the
~70 KB line, a tenth of a report.)
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Handover:
    """The results a notebook may use: ``results`` by path relative to the params folder; ``subject`` is the
    file the notebook renders (its year file or snapshot)."""

    subject: str
    results: dict[str, object] = field(default_factory=dict)

    def pack(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    def rooted(self, params_dir: str | Path) -> dict[Path, object]:
        """The results by absolute path under ``params_dir``."""
        root = Path(params_dir)
        return {root / rel: result for rel, result in self.results.items()}

    def main(self) -> object | None:
        """The result of the file the notebook renders."""
        return self.results.get(self.subject)


def unpack(data: bytes) -> Handover:
    handover = pickle.loads(data)  # made by this batch for its own workers (see the docstring)
    if not isinstance(handover, Handover):
        raise TypeError(f"not a hand-over: {type(handover).__name__}")
    return handover


@contextmanager
def handed_over(data: bytes, params_dir: str | Path) -> Iterator[str]:
    """The code a kernel runs to receive ``data`` (a packed :class:`Handover`) for ``params_dir``: the bytes
    wait in a private temporary file until the notebook has run."""
    fd, name = tempfile.mkstemp(prefix="perflib-handover-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield (f"__import__('perflib.engine.handover', fromlist=['receive']).receive({name!r}, "
               f"{str(Path(params_dir).resolve())!r})")
    finally:
        Path(name).unlink(missing_ok=True)


def receive(path: str, params_dir: str) -> None:
    """In the kernel: give the notebook the batch's results (see :func:`perflib.evaluation.give`)."""
    from ..evaluation import give

    give(unpack(Path(path).read_bytes()).rooted(params_dir))
