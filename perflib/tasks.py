"""One notebook's rendering: the unit of work that executors run (locally or on a Dask worker).

:func:`render` executes a template notebook (a department-year's report, or a year's overview) with
papermill, exports the HTML and puts both in place atomically. It never raises for the notebook's
own failure: it returns a :class:`RenderResult` saying what went wrong (input, cell, timeout, dead
kernel, changed, internal), keeps the failed notebook (``report.failed.ipynb``) and leaves the last
good HTML. Tasks and results are small frozen dataclasses of strings and numbers, so they pickle
across processes and machines.
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RenderTask:
    key: str  # "report/<code>/<year>" or "overview/<year>"
    template: str  # absolute path of the notebook template
    parameters: tuple[tuple[str, str | int], ...]  # papermill parameters
    notebook: str  # absolute path of the executed notebook
    html: str  # absolute path of the HTML page
    title: str
    timeout: int  # seconds per cell
    engine: str  # "warm" or "cold"
    restart_every: int = 25  # warm engine: restart the kernel after this many notebooks
    inputs: tuple[str, ...] = ()  # the files the notebook reads …
    inputs_digest: str = ""  # … and their hash when the batch planned the task

    @property
    def failed_notebook(self) -> Path:
        """Where a failed run's notebook is kept: ``report.ipynb`` → ``report.failed.ipynb``."""
        path = Path(self.notebook)
        return path.with_name(f"{path.stem}.failed{path.suffix}")


@dataclass(frozen=True)
class RenderResult:
    key: str
    ok: bool
    seconds: float
    kind: str | None = None  # input, cell, timeout, dead_kernel, changed, internal
    error: str | None = None
    worker: str = ""


def _digest(files: tuple[str, ...]) -> str:
    from .batch import inputs_digest

    return inputs_digest([Path(f) for f in files])


def classify(exc: BaseException) -> tuple[str, str]:
    """The kind of a rendering failure and a one-paragraph Chinese description."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from .errors import PerflibError

    if isinstance(exc, PapermillExecutionError):
        detail = f"{exc.ename}: {exc.evalue}".strip()
        if exc.ename in ("InputErrors", "InputError", "PerflibError"):
            return "input", f"第 {exc.exec_count} 个代码单元出错：{detail}"
        return "cell", f"第 {exc.exec_count} 个代码单元出错：{detail}"
    if isinstance(exc, CellTimeoutError):
        return "timeout", f"代码单元执行超时：{str(exc).splitlines()[0] if str(exc) else ''}"
    if isinstance(exc, DeadKernelError):
        return "dead_kernel", f"内核意外退出（可能被终止或内存不足）：{exc}"
    if isinstance(exc, PerflibError):
        return "input", str(exc)
    if isinstance(exc, OSError):
        return "internal", f"文件读写失败：{exc}"
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return "internal", f"内部错误：{last}"


def execute(task: RenderTask, output_path: Path):  # noqa: ANN201 - NotebookNode
    """Execute the template for ``task`` with its engine, writing the notebook to ``output_path``."""
    import papermill as pm

    from . import engines

    engines.register()
    return pm.execute_notebook(
        task.template, str(output_path), parameters=dict(task.parameters),
        engine_name=engines.WARM if task.engine == "warm" else engines.COLD,
        kernel_name="python3", language="python", progress_bar=False, log_output=False,
        request_save_on_cell_execute=False, execution_timeout=task.timeout, start_timeout=120,
        save_on_failure=str(output_path), **({"warm_max_runs": task.restart_every} if task.engine == "warm" else {}),
    )


def render(task: RenderTask) -> RenderResult:
    """Render one notebook; see the module docstring."""
    from .outputs import write_atomic
    from .render import notebook_html

    started = time.perf_counter()
    notebook, html = Path(task.notebook), Path(task.html)
    worker = f"{os.uname().nodename}:{os.getpid()}"
    tmp = notebook.with_name(f".{notebook.stem}.{os.getpid()}.ipynb")

    def result(ok: bool, kind: str | None = None, error: str | None = None) -> RenderResult:
        return RenderResult(task.key, ok, time.perf_counter() - started, kind, error, worker)

    try:
        notebook.parent.mkdir(parents=True, exist_ok=True)
        try:
            nb = execute(task, tmp)
        except BaseException as exc:  # noqa: BLE001 - a notebook's failure is data, not a crash
            if isinstance(exc, KeyboardInterrupt):
                raise
            kind, message = classify(exc)
            if tmp.exists():
                os.replace(tmp, task.failed_notebook)
            return result(False, kind, message)
        if task.inputs and _digest(task.inputs) != task.inputs_digest:
            tmp.unlink(missing_ok=True)
            return result(False, "changed", "输入文件在运行期间被修改，本次结果未采用；请重新运行")
        write_atomic(html, notebook_html(nb, title=task.title))
        os.replace(tmp, notebook)
        task.failed_notebook.unlink(missing_ok=True)
        return result(True)
    except KeyboardInterrupt:
        tmp.unlink(missing_ok=True)
        raise
    except Exception as exc:  # noqa: BLE001
        tmp.unlink(missing_ok=True)
        kind, message = classify(exc)
        return result(False, kind, message)
