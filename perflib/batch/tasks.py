"""One page's rendering: the unit of work that executors run (locally or on a Dask worker).

:func:`render` executes a template notebook (a department-year's report, a monitoring report, a year's
overview) with papermill — the kernel first receives the batch's own evaluations (the task's hand-over,
see :mod:`perflib.engine.handover`) — exports the page and makes the documents beside it from that page and
that evaluation, putting each in place atomically. It never raises for the notebook's own failure: it
returns a :class:`RenderResult` saying what went wrong (input, cell, timeout, dead kernel, changed,
internal), keeps the failed notebook (``report.failed.ipynb``) and leaves the last good page. Tasks and
results are small frozen dataclasses of strings, numbers and bytes, so they pickle across processes and
machines.
"""

from __future__ import annotations

import os
import platform
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..engine import RESTART_EVERY, Engine
from ..errors import PerflibError
from .failures import Failure, classify
from .fingerprint import inputs_digest


@dataclass(frozen=True)
class RenderTask:
    key: str  # the job's: "report/<code>/<year>", "monitor/<code>/<year>/<MM>", "overview/<year>"
    template: str  # absolute path of the notebook template
    parameters: tuple[tuple[str, str | int], ...]  # papermill parameters (params_dir among them)
    notebook: str  # absolute path of the executed notebook
    html: str  # absolute path of the HTML page
    title: str
    timeout: int  # seconds per cell
    engine: Engine
    restart_every: int = RESTART_EVERY  # warm engine: restart the kernel after this many notebooks
    inputs: tuple[str, ...] = ()  # the files the notebook reads …
    inputs_digest: str = ""  # … and their hash when the batch planned the task
    documents: tuple[str, ...] = ()  # formats besides HTML (see batch.documents), written beside it
    docx_template: str = ""  # a bureau's Word template for report.docx
    handover: bytes = b""  # the batch's evaluations for the notebook and the documents (engine.handover)

    def __post_init__(self) -> None:
        object.__setattr__(self, "engine", Engine(self.engine))

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
    kind: Failure | None = None
    error: str | None = None
    worker: str = ""
    document_errors: tuple[tuple[str, str], ...] = ()  # (format, why) for each format that failed


def _digest(files: tuple[str, ...]) -> str:
    return inputs_digest([Path(f) for f in files])


def execute(task: RenderTask, output_path: Path):
    """Execute the template for ``task`` with its engine, writing the notebook to ``output_path``; the kernel
    receives the task's hand-over before the first cell."""
    import papermill as pm

    from ..engine import engines
    from ..engine.handover import handed_over

    engines.register()
    with ExitStack() as stack:
        prelude = (stack.enter_context(handed_over(task.handover, dict(task.parameters)["params_dir"]))
                   if task.handover else None)
        return pm.execute_notebook(
            task.template, str(output_path), parameters=dict(task.parameters),
            engine_name=task.engine.papermill_name, kernel_name="python3", language="python", progress_bar=False,
            log_output=False, request_save_on_cell_execute=False, execution_timeout=task.timeout, start_timeout=120,
            save_on_failure=str(output_path), prelude=prelude,
            **({"warm_max_runs": task.restart_every} if task.engine is Engine.WARM else {}),
        )


def render(task: RenderTask) -> RenderResult:
    """Render one notebook; see the module docstring."""
    from ..engine.export import notebook_html
    from ..files import write_atomic

    started = time.perf_counter()
    notebook, html = Path(task.notebook), Path(task.html)
    worker = f"{platform.node()}:{os.getpid()}"
    tmp = notebook.with_name(f".{notebook.stem}.{os.getpid()}.ipynb")

    def result(ok: bool, kind: Failure | None = None, error: str | None = None) -> RenderResult:
        return RenderResult(task.key, ok, time.perf_counter() - started, kind, error, worker)

    try:
        notebook.parent.mkdir(parents=True, exist_ok=True)
        try:
            nb = execute(task, tmp)
        except BaseException as exc:  # a notebook's failure is data, not a crash
            if isinstance(exc, KeyboardInterrupt):
                raise
            kind, message = classify(exc)
            if tmp.exists():
                os.replace(tmp, task.failed_notebook)
            return result(False, kind, message)
        if task.inputs and _digest(task.inputs) != task.inputs_digest:
            tmp.unlink(missing_ok=True)
            return result(False, Failure.CHANGED, "输入文件在运行期间被修改，本次结果未采用；请重新运行")
        page = notebook_html(nb, title=task.title)
        write_atomic(html, page)
        os.replace(tmp, notebook)
        task.failed_notebook.unlink(missing_ok=True)
        document_errors = _documents(task, page)
        return replace(result(True), document_errors=document_errors)  # the time recorded is every format's
    except KeyboardInterrupt:
        tmp.unlink(missing_ok=True)
        raise
    except Exception as exc:  # noqa: BLE001
        tmp.unlink(missing_ok=True)
        kind, message = classify(exc)
        return result(False, kind, message)


def document_path(task: RenderTask, fmt: str) -> Path:
    """Where the task's ``fmt`` is written: beside its HTML (report.docx, monitor-06.docx …)."""
    from .documents import document_name

    return Path(task.html).with_name(document_name(fmt, int(dict(task.parameters).get("month", 0))))


def _documents(task: RenderTask, page: str) -> tuple[tuple[str, str], ...]:
    """Write the task's other formats beside its page, from that page and the task's evaluation; each failure
    is that format's alone."""
    from ..engine.handover import unpack
    from ..files import write_atomic
    from .documents import FORMATS, make

    subject = unpack(task.handover).main() if task.documents and task.handover else None
    failed = []
    for fmt in task.documents:
        try:
            with deadline(task.timeout, f"{FORMATS[fmt][1]} 未能在 {task.timeout} 秒内生成，已中止（--timeout）"):
                data = make(fmt, page, subject, docx_template=task.docx_template)
            write_atomic(document_path(task, fmt), data)
        except Exception as exc:  # noqa: BLE001 - a broken format fails itself, not the report
            failed.append((fmt, classify(exc)[1]))
    return tuple(failed)


class DocumentTimeout(PerflibError):
    """A document took longer than the batch's --timeout."""


@contextmanager
def deadline(seconds: float, message: str) -> Iterator[None]:
    """Stop what runs inside after ``seconds`` with :class:`DocumentTimeout` (``message``), as ``--timeout``
    stops a cell: an alarm in the process's main thread — where a pool worker runs its tasks. In another
    thread (a Dask worker's) there is no alarm to set, and nothing is limited."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise DocumentTimeout(message)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------- workers without the shared disk

TEMPLATE_NAME = "template.ipynb"
DOCX_TEMPLATE_NAME = "docx-template.docx"  # a bureau's Word template travels with the task too


def payload(task: RenderTask, params_dir: Path) -> tuple[dict[str, bytes], str]:
    """The files a task reads, relative to ``params_dir`` (plus the template), and their digest now."""
    files = {Path(f).relative_to(params_dir).as_posix(): Path(f).read_bytes() for f in task.inputs
             if Path(f).is_relative_to(params_dir)}  # frameworks elsewhere (--frameworks): the hand-over has them
    files[TEMPLATE_NAME] = Path(task.template).read_bytes()
    if task.docx_template and "docx" in task.documents:
        files[DOCX_TEMPLATE_NAME] = Path(task.docx_template).read_bytes()
    return files, inputs_digest([Path(f) for f in task.inputs])


def render_transferred(task: RenderTask, files: dict[str, bytes]) -> tuple[RenderResult, dict[str, bytes]]:
    """Render on a worker that cannot see the batch's disk.

    The inputs come with the task; they are written to a temporary folder, the notebook is rendered
    there, and the executed notebook and HTML (or the failed notebook) are sent back as bytes.
    """
    with tempfile.TemporaryDirectory(prefix="perflib-") as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            target = root / ("params" if rel not in (TEMPLATE_NAME, DOCX_TEMPLATE_NAME) else "") / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        parameters = tuple((k, str(root / "params") if k == "params_dir" else v) for k, v in task.parameters)
        local = replace(task, template=str(root / TEMPLATE_NAME), parameters=parameters,
                        notebook=str(root / "out" / Path(task.notebook).name),
                        html=str(root / "out" / Path(task.html).name), inputs=(), inputs_digest="",
                        docx_template=str(root / DOCX_TEMPLATE_NAME) if DOCX_TEMPLATE_NAME in files else "")
        result = render(local)
        sent = {}
        for name, path in (("notebook", Path(local.notebook)), ("html", Path(local.html)),
                           ("failed", local.failed_notebook),
                           *((fmt, document_path(local, fmt)) for fmt in local.documents)):
            if path.exists():
                sent[name] = path.read_bytes()
        return result, sent


def receive(task: RenderTask, result: RenderResult, files: dict[str, bytes]) -> RenderResult:
    """Put files sent back by :func:`render_transferred` in place, as :func:`render` would have."""
    from ..files import write_atomic

    try:
        if result.ok and "html" in files:
            write_atomic(Path(task.html), files["html"])
            write_atomic(Path(task.notebook), files["notebook"])
            task.failed_notebook.unlink(missing_ok=True)
            for fmt in task.documents:
                if fmt in files:
                    write_atomic(document_path(task, fmt), files[fmt])
        elif "failed" in files:
            write_atomic(task.failed_notebook, files["failed"])
    except Exception as exc:  # noqa: BLE001 - a full disk here is this report's failure
        kind, message = classify(exc)
        return RenderResult(task.key, False, result.seconds, kind, message, result.worker)
    return result
