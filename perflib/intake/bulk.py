"""Many files at once: found in folders, each read on its own — in this process, a process pool
(``jobs``, default: every core) or on a Dask scheduler (``scheduler``: an address, or ``local``). One file's
failure never stops the others: whatever goes wrong with a file is its refusal on the receipt.

Forms read in another process come back without their :class:`~perflib.evaluation.Evaluation` (``evaluation``
is None; total, grade and findings are there): sending every evaluation back would cost more than reading.
When their input file is written, they come back without ``data`` as well: the file's text, made in the
worker, holds it (a dry run, ``write=False``, keeps ``data``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..errors import PerflibError, RunError
from ..inputs.locate import FRAMEWORKS_DIR
from .grid import SUFFIXES
from .one import _read, content_of, framework_for, target_of, write
from .receipt import Intake, Receipt
from .refusal import Refusal

#: below this many files a pool costs more than it saves
POOL_FROM = 16


def forms_in(paths: Iterable[str | Path]) -> list[Path]:
    """Every form file named or found (recursively) in the folders named, in order, each once; Office's lock
    files (``~$…``) and hidden files skipped. :class:`PerflibError` for a path that does not exist."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                           and not p.name.startswith(("~$", ".")))
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise PerflibError(f"{path}: 没有这个文件或文件夹")
    return list(dict.fromkeys(out))


def _one(args: tuple) -> tuple[Intake, str | None]:
    """Read one file and make the text of its input file (``do_write``); never raises. Runs in a worker
    process, or here. Nothing is written here: :func:`_commit` writes, in the order the files were handed in,
    so that of two forms of one department, year and project the first is written and the second refused
    naming it — whichever worker finished first."""
    path, framework, frameworks_dir, code, year, do_write, keep = args
    content = None
    try:
        fw = framework_for(framework, frameworks_dir)
        entry = _read(Path(path), fw, code, year)
        if do_write and entry.status != "refused" and entry.data is not None:
            content = content_of(entry)
    except Exception as exc:  # noqa: BLE001 - one file's failure is its refusal, never the batch's
        entry = Intake(Path(path), "refused", code=code, year=year,
                       refusal=Refusal("", "", f"读取时出错（{type(exc).__name__}：{str(exc)[:200]}）"))
    if not keep:
        entry.evaluation = None
        if content is not None:  # the input file's text holds it: a third fewer bytes sent back
            entry.data = None
    return entry, content


def _commit(results: list[tuple[Intake, str | None]], out: str | Path, *, overwrite: bool) -> list[Intake]:
    """Write each read form's input file, in the order handed in; a second form for the same input file
    (one department, year and project) is refused naming the first."""
    first: dict[Path, Intake] = {}
    entries = []
    # one sync for the batch rather than an fsync per file (which waited on the disk for 28 % of an intake's
    # time, 4 ms a file on a busy disk): the files are on disk before the receipt says they were written
    once = hasattr(os, "sync")
    for entry, content in results:
        if content is not None:
            target = target_of(entry, out)
            if target in first:
                other = first[target]
                entry.status = "refused"
                entry.refusal = Refusal("", "", f"与同批的 {other.path} 是同一部门、年度"
                                        + ("、项目" if entry.project else "") + f"的自评表（{target}），只写入第一份")
            else:
                first[target] = entry
                entry = write(entry, out, overwrite=overwrite, content=content, sync=not once)
        entries.append(entry)
    if once and first:
        os.sync()
    return entries


def intake(paths: Iterable[str | Path] | str | Path, *, framework: str, out: str | Path = "params",
           frameworks_dir: str | Path | None = None, code: str | None = None, year: int | None = None,
           jobs: int | None = None, scheduler: str | None = None, write: bool = True,
           overwrite: bool = False) -> Receipt:
    """Read every form in ``paths`` (files, or folders searched recursively) and, with ``write``, write each
    read form's input file under ``out`` (``<code>/<year>.yaml``; a project form
    ``<code>/projects/<year>/<project key>.yaml``). The framework is looked for in ``frameworks_dir`` (by default
    ``<out>/frameworks``), then among the bundled. Raises only for a usage error (an unknown framework, a path
    that does not exist, a scheduler that cannot be reached); every file's own problem is on the receipt."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if frameworks_dir is None:  # the params folder's own frameworks first, as every command looks for them
        frameworks_dir = Path(out) / FRAMEWORKS_DIR
    framework_for(framework, frameworks_dir)  # a usage error, before any file is read
    files = forms_in(paths)
    jobs = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    common = (str(framework), None if frameworks_dir is None else str(frameworks_dir), code, year, write)
    if scheduler:
        results = _on_dask(files, common, scheduler, jobs)
    elif jobs == 1 or len(files) < POOL_FROM:
        results = [_one((str(p), *common, True)) for p in files]
    else:
        results = _in_pool(files, common, jobs)
    return Receipt(_commit(results, out, overwrite=overwrite))


def _in_pool(files: list[Path], common: tuple, jobs: int) -> list[tuple[Intake, str | None]]:
    args = [(str(p), *common, False) for p in files]
    chunk = max(1, len(args) // (jobs * 8))
    results: list[tuple[Intake, str | None]] = []
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for entry in pool.map(_one, args, chunksize=chunk):
                results.append(entry)
    except BrokenProcessPool:  # a worker died (killed, out of memory): the rest are read here, one by one
        results += [_one(a[:-1] + (False,)) for a in args[len(results):]]
    return results


def _on_dask(files: list[Path], common: tuple, scheduler: str, jobs: int) -> list[tuple[Intake, str | None]]:
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=float(os.environ.get("PERFLIB_DASK_TIMEOUT", "30")))
        except (OSError, TimeoutError) as exc:
            raise RunError(f"无法连接 Dask 调度器 {scheduler}：{exc}") from None
    try:
        futures = client.map(_one, [(str(p), *common, False) for p in files], pure=False)
        return client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
