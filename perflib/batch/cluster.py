"""Rendering on a Dask cluster: one task per notebook, results collected as they finish.

``perflib run --scheduler tcp://host:8786`` submits to a running Dask ``distributed`` scheduler;
``--scheduler local`` starts a ``LocalCluster`` of ``--jobs`` worker processes for the run. Each
worker renders with the same :func:`perflib.batch.tasks.render` as the local pool (with the warm engine,
one kernel per worker thread), so outputs, index, summary and manifest are the same. A worker lost
in the middle of a task is Dask's to handle: the scheduler reschedules the task on another worker,
and the batch counts each report once.

Workers must be able to read the inputs and write the outputs at the same absolute paths as the
machine running ``perflib run`` (a shared folder), unless ``--transfer-files`` is given: then each
task carries the files it reads, and the worker sends the rendered files back. See
``docs/cluster.md``.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import RunError
from .failures import Failure
from .tasks import RenderResult, RenderTask, payload, receive, render, render_transferred


class DaskExecutor:
    """Submit rendering tasks to a Dask scheduler (or a LocalCluster started for the run)."""

    def __init__(self, address: str, *, workers: int = 2, transfer: bool = False, params_dir: Path | None = None,
                 connect_timeout: float | None = None) -> None:
        self.address = address
        self.workers = max(1, workers)
        self.transfer = transfer
        self.params_dir = params_dir
        self.connect_timeout = connect_timeout or float(os.environ.get("PERFLIB_DASK_TIMEOUT", "30"))
        self.client = self.cluster = None
        self._futures: list = []

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.address == "local":
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.address, timeout=self.connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise RunError(f"无法连接 Dask 调度器 {self.address}：{exc}") from None
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        try:
            if exc_type is not None and self._futures and self.client is not None:
                self.client.cancel(self._futures)
        finally:
            if self.client is not None:
                self.client.close()
            if self.cluster is not None:
                self.cluster.close()

    def join(self) -> None:
        pass

    def run(self, tasks: Iterable[RenderTask]) -> Iterator[RenderResult]:
        from distributed import as_completed

        submitted = {}
        for task in tasks:
            key = f"perflib-{task.key}-{uuid.uuid4().hex[:8]}"
            if self.transfer:
                files, digest = payload(task, self.params_dir or Path(dict(task.parameters)["params_dir"]))
                if task.inputs_digest and digest != task.inputs_digest:
                    yield RenderResult(task.key, False, 0.0, Failure.CHANGED, "输入文件在运行期间被修改，本次未渲染；请重新运行")
                    continue
                future = self.client.submit(render_transferred, task, files, key=key, pure=False)
            else:
                future = self.client.submit(render, task, key=key, pure=False)
            submitted[future] = task
        self._futures = list(submitted)
        for future in as_completed(submitted):
            task = submitted[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, CancelledError, a worker-side crash
                name = type(exc).__name__
                kind = Failure.DEAD_KERNEL if name == "KilledWorker" else Failure.INTERNAL
                yield RenderResult(task.key, False, 0.0, kind, f"Dask 任务失败（{name}）：{exc}")
                continue
            if self.transfer:
                result, files = outcome
                yield receive(task, result, files)
            else:
                yield outcome
