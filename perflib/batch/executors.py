"""Where reports are rendered: the seam between the batch and the machines that do the work.

An executor takes :class:`~perflib.batch.tasks.RenderTask` objects and yields
:class:`~perflib.batch.tasks.RenderResult` objects as they finish, in any order. It is a context manager
so that it can start and stop its workers.

* :class:`SerialExecutor` — in this process, one after another (``--jobs 1``; handy for debugging).
* :class:`PoolExecutor` — a pool of worker processes on this machine (``--jobs N``).
* :class:`~perflib.batch.cluster.DaskExecutor` — a Dask cluster (``--scheduler ADDRESS`` or ``local``).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Protocol

from ..engine import Engine
from .failures import Failure
from .tasks import RenderResult, RenderTask, render

if TYPE_CHECKING:  # pragma: no cover
    from .options import RunOptions


class Executor(Protocol):
    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...

    def run(self, tasks: Iterable[RenderTask]) -> Iterator[RenderResult]: ...

    def join(self) -> None:
        """Wait until the workers the executor stopped on leaving have ended (they may end in the background
        while the batch writes its index)."""


class SerialExecutor:
    """Render in this process, one report after another."""

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        from ..engine import engines

        engines.shutdown()

    def run(self, tasks: Iterable[RenderTask]) -> Iterator[RenderResult]:
        for task in tasks:
            yield render(task)

    def join(self) -> None:
        pass


def _die_with(parent: int) -> None:
    """On Linux, end this worker when the batch's process ends, however it ends (``kill -9`` included): its
    kernel then finds its parent gone and ends too (ipykernel's parent poller). Elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the batch was gone before this worker asked
        os._exit(1)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _start_worker(engine: Engine, parent: int = 0) -> None:
    """Pool initializer: start the worker's warm kernel at once, in parallel with the other workers.

    The kernel's process is launched first; papermill and nbconvert are imported while it boots.
    """
    from jupyter_core.utils import run_sync

    if parent:
        _die_with(parent)

    launched = None
    if engine is Engine.WARM:
        from ..engine.kernels import launch

        try:
            launched = run_sync(launch)()
        except Exception:  # noqa: BLE001 - the first report will try again and report the failure
            pass
    gc.disable()  # imports make many objects and few cycles: collecting meanwhile costs ~10 % of them
    try:
        import nbconvert  # noqa: F401
        import papermill  # noqa: F401

        from ..engine import engines, export  # noqa: F401
    except BaseException:  # this worker cannot render: stop its kernel, and the pool reports the failure
        if launched is not None:
            run_sync(launched.shutdown_kernel)(now=True)
        raise
    finally:
        gc.enable()
    gc.freeze()  # what the worker holds now lives as long as it does: later collections skip it
    # a pool worker ends with os._exit, which skips atexit: stop the kernel when the pool shuts down,
    # rather than leave it to notice, seconds later, that its parent is gone
    multiprocessing.util.Finalize(None, engines.shutdown, exitpriority=10)

    if launched is not None:
        try:
            engines.thread_kernel().start(launched)
        except Exception:  # noqa: BLE001
            pass


def _started() -> None:
    """A no-op task: submitting it makes the pool start its workers."""


class PoolExecutor:
    """A pool of ``jobs`` worker processes on this machine.

    Workers are forked where that is available and spawned elsewhere, as soon as the pool is
    entered. With the warm engine each worker launches its kernel first, imports papermill and
    nbconvert while the kernel boots, and keeps the kernel between reports.
    """

    def __init__(self, jobs: int, engine: Engine = Engine.WARM) -> None:
        self.jobs = max(1, jobs)
        self.engine = engine
        self._pool: ProcessPoolExecutor | None = None
        self._ending: list = []  # the worker processes asked to stop, until join()

    def __enter__(self) -> PoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_start_worker,
                                         initargs=(self.engine, os.getpid()))
        try:
            for _ in range(self.jobs):  # start the workers (and their kernels) now, not at the first task
                self._pool.submit(_started)
        except BrokenProcessPool:  # a worker failed to start before the last was asked for: run() reports it
            pass
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        assert self._pool is not None
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        if exc_type is not None:  # interrupted: don't wait for the queue
            for proc in processes:
                proc.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)
        else:  # every task is done: the workers stop their kernels and end while the batch writes its index
            self._pool.shutdown(wait=False)
        self._ending = processes

    def join(self) -> None:
        for proc in self._ending:
            proc.join()
        self._ending = []

    def run(self, tasks: Iterable[RenderTask]) -> Iterator[RenderResult]:
        assert self._pool is not None
        pending: dict[Future, RenderTask] = {}
        tasks = list(tasks)
        try:
            for task in tasks:
                pending[self._pool.submit(render, task)] = task
        except BrokenProcessPool as exc:  # a worker could not start (or died at once): no task can run
            for task in tasks[len(pending):]:
                yield RenderResult(task.key, False, 0.0, Failure.DEAD_KERNEL, f"渲染进程未能启动：{exc}")
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - a worker process died (BrokenProcessPool)
                    yield RenderResult(task.key, False, 0.0, Failure.DEAD_KERNEL,
                                       f"渲染进程意外退出：{type(exc).__name__}: {exc}")


def make_executor(opts: RunOptions, count: int) -> Executor:
    """The executor for ``opts``: a Dask cluster when a scheduler is named; else in this process for
    one job, or a pool of worker processes."""
    if opts.scheduler:
        from .cluster import DaskExecutor

        return DaskExecutor(opts.scheduler, workers=opts.jobs, transfer=opts.transfer_files,
                            params_dir=opts.params_dir.resolve())
    jobs = min(opts.jobs, count)
    return SerialExecutor() if jobs <= 1 else PoolExecutor(jobs, opts.engine)
