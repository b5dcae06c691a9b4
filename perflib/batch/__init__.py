"""``perflib run``: the batch that renders every department-year, and everything it needs.

* :mod:`.options` — every option of the run, declared once with its default and help (:class:`RunOptions`);
* :mod:`.jobs` — the pages a batch renders (report, monitoring report, overview), each with its inputs, its
  check and its parameters, and the batch's evaluations, each input evaluated once;
* :mod:`.runner` — plan, check, render, write the index (:func:`run`);
* :mod:`.fingerprint` — what makes a page unchanged; :mod:`.lock` — one batch per outputs folder;
* :mod:`.tasks` — one page's rendering and its documents; :mod:`.executors`, :mod:`.cluster` — where tasks
  run (this process, worker processes, a Dask cluster);
* :mod:`.documents` — the formats beside a page and how each is made;
* :mod:`.failures` — the kinds of failure and how an exception is classified (a dead kernel, a full disk …);
* :mod:`.outputs` — the index page and manifest; :mod:`.summary` — summary.csv and .xlsx.
"""

from .lock import outputs_lock
from .options import RunOptions
from .runner import BatchInterrupted, RunReport, run

__all__ = ["BatchInterrupted", "RunOptions", "RunReport", "outputs_lock", "run"]
