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
import platform
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from .failures import Failure, classify
from .fingerprint import inputs_digest


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
    documents: tuple[str, ...] = ()  # formats besides HTML (see batch.documents), written beside it
    docx_template: str = ""  # a bureau's Word template for report.docx

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


def execute(task: RenderTask, output_path: Path):  # noqa: ANN201 - NotebookNode
    """Execute the template for ``task`` with its engine, writing the notebook to ``output_path``."""
    import papermill as pm

    from ..engine import engines

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
        except BaseException as exc:  # noqa: BLE001 - a notebook's failure is data, not a crash
            if isinstance(exc, KeyboardInterrupt):
                raise
            kind, message = classify(exc)
            if tmp.exists():
                os.replace(tmp, task.failed_notebook)
            return result(False, kind, message)
        if task.inputs and _digest(task.inputs) != task.inputs_digest:
            tmp.unlink(missing_ok=True)
            return result(False, Failure.CHANGED, "输入文件在运行期间被修改，本次结果未采用；请重新运行")
        write_atomic(html, notebook_html(nb, title=task.title))
        os.replace(tmp, notebook)
        task.failed_notebook.unlink(missing_ok=True)
        return replace(result(True), document_errors=_documents(task))
    except KeyboardInterrupt:
        tmp.unlink(missing_ok=True)
        raise
    except Exception as exc:  # noqa: BLE001
        tmp.unlink(missing_ok=True)
        kind, message = classify(exc)
        return result(False, kind, message)


def render_page(params_dir: Path, department: str, year: int, out_dir: Path, *, month: int = 0) -> Path:
    """Render the report (or the monitoring report of ``month``) to ``out_dir`` with a fresh kernel, as the
    batch would, for a document made without the batch (perflib export --to report.pdf); its HTML file."""
    from ..errors import PerflibError
    from ..inputs.locate import MONITOR_TEMPLATE, REPORT_TEMPLATE, notebook_template

    stem = f"monitor-{month:02d}" if month else "report"
    parameters = {"department": department, "year": year, **({"month": month} if month else {}),
                  "params_dir": str(params_dir.resolve())}
    task = RenderTask(key=f"export/{department}/{year}",
                      template=str(notebook_template(MONITOR_TEMPLATE if month else REPORT_TEMPLATE)),
                      parameters=tuple(parameters.items()), notebook=str(out_dir / f"{stem}.ipynb"),
                      html=str(out_dir / f"{stem}.html"), title=f"{department} {year}", timeout=600, engine="cold")
    result = render(task)
    if not result.ok:
        raise PerflibError(f"报告未能生成：{result.error}")
    return Path(task.html)


def document_path(task: RenderTask, fmt: str) -> Path:
    """Where the task's ``fmt`` is written: beside its HTML (report.docx, monitor-06.docx …)."""
    from .documents import document_name

    return Path(task.html).with_name(document_name(fmt, int(dict(task.parameters).get("month", 0))))


def _documents(task: RenderTask) -> tuple[tuple[str, str], ...]:
    """Write the task's other formats beside its HTML; each failure is that format's alone."""
    from ..files import write_atomic
    from .documents import make

    params = dict(task.parameters)
    failed = []
    for fmt in task.documents:
        try:
            data = make(fmt, Path(str(params["params_dir"])), str(params["department"]), int(params["year"]),
                        month=int(params.get("month", 0)), docx_template=task.docx_template, html=Path(task.html))
            write_atomic(document_path(task, fmt), data)
        except Exception as exc:  # noqa: BLE001 - a broken format fails itself, not the report
            failed.append((fmt, classify(exc)[1]))
    return tuple(failed)


# ---------------------------------------------------------------------- workers without the shared disk

TEMPLATE_NAME = "template.ipynb"
DOCX_TEMPLATE_NAME = "docx-template.docx"  # a bureau's Word template travels with the task too


def payload(task: RenderTask, params_dir: Path) -> tuple[dict[str, bytes], str]:
    """The files a task reads, relative to ``params_dir`` (plus the template), and their digest now."""
    files = {Path(f).relative_to(params_dir).as_posix(): Path(f).read_bytes() for f in task.inputs}
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
