"""``perflib run``: the batch that renders every department-year, and everything it needs.

* :mod:`.runner` — plan, evaluate, render, write the index (the run itself, :class:`RunOptions`);
* :mod:`.fingerprint` — what makes a report unchanged; :mod:`.lock` — one batch per outputs folder;
* :mod:`.tasks` — one notebook's rendering; :mod:`.executors`, :mod:`.cluster` — where tasks run
  (this process, worker processes, a Dask cluster);
* :mod:`.failures` — the kinds of failure and how an exception is classified (a dead kernel, a full disk …);
* :mod:`.outputs` — atomic writes, the index page, manifest; :mod:`.summary` — summary.csv and .xlsx.
"""

from .lock import outputs_lock
from .runner import BatchInterrupted, RunOptions, RunReport, run

__all__ = ["BatchInterrupted", "RunOptions", "RunReport", "outputs_lock", "run"]
