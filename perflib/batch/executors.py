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
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Protocol

from ..engine import Engine
from ..present import typeset
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

    Workers are forked where that is available and spawned elsewhere — or where this process has typeset a
    document (:func:`perflib.present.typeset.used_here`) — as soon as the pool is entered. With the warm engine each worker launches its kernel first, imports papermill and
    nbconvert while the kernel boots, and keeps the kernel between reports.
    """

    def __init__(self, jobs: int, engine: Engine = Engine.WARM) -> None:
        self.jobs = max(1, jobs)
        self.engine = engine
        self._pool: ProcessPoolExecutor | None = None
        self._ending: list = []  # the worker processes asked to stop, until join()
        self._starts: list[Future] = []  # the no-op task per worker of the current pool

    def __enter__(self) -> PoolExecutor:
        self._pool, self._starts = self._start()
        return self

    def _start(self) -> tuple[ProcessPoolExecutor, list[Future]]:
        """A pool whose workers (and their kernels) start now, not at the first task; and a no-op task per
        worker, which fails when the workers cannot start."""
        methods = multiprocessing.get_all_start_methods()
        fork = "fork" in methods and not typeset.used_here()  # Typst's threads do not survive a fork
        context = multiprocessing.get_context("fork" if fork else "spawn")
        pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_start_worker,
                                   initargs=(self.engine, os.getpid()))
        starts = []
        try:
            for _ in range(self.jobs):
                starts.append(pool.submit(_started))
        except BrokenProcessPool:  # a worker failed to start before the last was asked for: run() reports it
            pass
        return pool, starts

    def __exit__(self, exc_type: object, *exc: object) -> None:
        assert self._pool is not None
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        if exc_type is not None:  # interrupted: don't wait for the queue
            for proc in processes:
                proc.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)
        else:  # every task is done: the workers stop their kernels and end while the batch writes its index
            self._pool.shutdown(wait=False)
        self._ending += processes

    def join(self) -> None:
        for proc in self._ending:
            proc.join()
        self._ending = []

    def run(self, tasks: Iterable[RenderTask]) -> Iterator[RenderResult]:
        """Render ``tasks``, a few at a time (one queued besides each worker's running one).

        When a worker dies (killed, out of memory) its pool breaks and every task in it fails with it. The
        pool is then started anew and the batch goes on: the tasks that were in the broken pool are tried
        again, one at a time — so a task that kills its worker every time fails alone, after one more try —
        and then the rest. When the workers cannot start at all, every task fails, saying so.
        """
        assert self._pool is not None
        fresh = deque(tasks)
        suspects: deque[RenderTask] = deque()  # in a pool when it broke: tried again, alone
        retried: set[str] = set()
        pending: dict[Future, RenderTask] = {}
        while fresh or suspects or pending:
            broken = self._fill(pending, fresh, suspects)
            if broken is None and pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool as exc:
                        broken = exc
                        yield from _suspect(task, retried, suspects)
                        continue
                    except Exception as exc:  # noqa: BLE001 - a crash outside render(): this task's failure
                        result = RenderResult(task.key, False, 0.0, Failure.INTERNAL, f"渲染任务出错：{exc!r}")
                    yield result
            if broken is None:
                continue
            for future, task in list(pending.items()):  # the rest of the broken pool went down with it
                del pending[future]
                try:
                    yield future.result()
                except Exception:  # noqa: BLE001 - BrokenProcessPool
                    yield from _suspect(task, retried, suspects)
            if self._never_started():
                for task in [*suspects, *fresh]:
                    yield RenderResult(task.key, False, 0.0, Failure.DEAD_KERNEL, f"渲染进程未能启动：{broken}")
                return
            self._restart()

    def _fill(self, pending: dict[Future, RenderTask], fresh: deque[RenderTask],
              suspects: deque[RenderTask]) -> BrokenProcessPool | None:
        """Submit what may run now: a task to try again alone, once nothing else runs; else fresh tasks, one
        queued besides each worker's. The pool's breakage, when a submission finds it broken."""
        while True:
            if suspects:
                if pending:
                    return None
                queue = suspects
            elif fresh and len(pending) < self.jobs + 1:
                queue = fresh
            else:
                return None
            try:
                pending[self._pool.submit(render, queue[0])] = queue[0]
            except BrokenProcessPool as exc:
                return exc
            queue.popleft()

    def _never_started(self) -> bool:
        """Whether the pool broke before its workers started (their no-op tasks failed)."""
        for start in self._starts:
            try:
                start.result(timeout=0)
            except Exception:  # noqa: BLE001 - BrokenProcessPool, or not done: never started
                return True
        return False

    def _restart(self) -> None:
        """A new pool in place of a broken one (the old one's workers are gone or going)."""
        self._ending += list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool, self._starts = self._start()


def _suspect(task: RenderTask, retried: set[str], suspects: deque[RenderTask]) -> Iterator[RenderResult]:
    """A task that was in a pool when it broke: tried again once, alone; a second time it fails."""
    if task.key in retried:
        yield RenderResult(task.key, False, 0.0, Failure.DEAD_KERNEL,
                           "渲染进程意外退出，重试一次仍然退出（该报告可能使进程崩溃，或内存不足）")
    else:
        retried.add(task.key)
        suspects.append(task)


def make_executor(opts: RunOptions, count: int) -> Executor:
    """The executor for ``opts``: a Dask cluster when a scheduler is named; else in this process for
    one job, or a pool of worker processes."""
    if opts.scheduler:
        from .cluster import DaskExecutor

        return DaskExecutor(opts.scheduler, workers=opts.jobs, transfer=opts.transfer_files,
                            params_dir=opts.params_dir.resolve())
    jobs = min(opts.jobs, count)
    return SerialExecutor() if jobs <= 1 else PoolExecutor(jobs, opts.engine)
