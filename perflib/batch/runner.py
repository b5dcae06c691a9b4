"""``perflib run``: every department-year under params/ → executed notebook, page and documents.

:func:`run` strings together small steps, as :func:`perflib.evaluation.evaluate` does:

1. :func:`plan` — one job per page (:mod:`perflib.batch.jobs`: reports, their overviews, monitoring
   reports), each skipped when its inputs, template, options and perflib's code are those of its last good
   rendering (file hashes only, nothing parsed), unless ``--force``;
2. :func:`render` — start the executor (this process, a pool of worker processes, or a Dask cluster) and,
   while its workers start their kernels, check every job to render: its inputs are evaluated once, here
   (an invalid input fails with its one-line errors and is never rendered), and that evaluation goes with
   the job to the notebook and its documents; then render, collecting results as they finish;
3. :func:`write_outputs` — ``index.html``, ``summary.csv``/``.xlsx``, ``manifest.json`` and the monitoring
   overviews, each atomically — also when interrupted.

A failure of one page (invalid input, failing cell, cell timeout, dead kernel) is recorded; its failed
notebook is kept as ``report.failed.ipynb``; its last good page is not touched; the batch goes on. A lock
file keeps two batches from writing the same ``outputs/`` at once.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import Engine
from ..errors import InputError, InputErrors, PerflibError, RunError
from ..files import read_limited, write_atomic
from ..inputs.locate import notebook_template
from ..inputs.params import discover, discover_projects, project_place
from .documents import FORMATS
from .failures import Failure, classify
from .fingerprint import code_digest, inputs_digest, sha
from .jobs import Evaluations, Job, Kind, MonitorJob, OverviewJob, ProjectJob, ReportJob
from .lock import outputs_lock, remove_leftovers
from .options import Progress, RunOptions
from .outputs import Entry, IndexInfo, Status, index_html, manifest, read_json, review_pages
from .summary import projects_csv, summary_csv
from .tasks import RenderResult, RenderTask


@dataclass
class RunReport:
    entries: list[Entry]
    seconds: float
    interrupted: bool = False

    @property
    def failed(self) -> list[Entry]:
        return [e for e in self.entries if e.status is Status.FAILED]

    @property
    def failed_documents(self) -> list[tuple[Entry, str, str]]:
        """(entry, format, why) for every document that could not be made (its report's HTML was)."""
        return [(e, fmt, why) for e in self.entries for fmt, why in e.document_errors.items()]

    def line(self) -> str:
        reports = [e for e in self.entries if e.kind is Kind.REPORT]
        counts = {s: sum(1 for e in reports if e.status is s) for s in Status}
        unfinished = sum(1 for e in reports if e.error_kind == Failure.INTERRUPTED)
        text = (f"{len(reports)} 份报告：成功 {counts[Status.OK]}，失败 {counts[Status.FAILED] - unfinished}，"
                f"未变化跳过 {counts[Status.SKIPPED]}" + (f"，未完成 {unfinished}" if unfinished else ""))
        projects = [e for e in self.entries if e.kind is Kind.PROJECT]
        if projects:
            said = [f"{label} {n}" for label, n in (
                ("渲染报告", sum(1 for e in projects if e.status is Status.OK and e.has_report)),
                ("失败", sum(1 for e in projects if e.status is Status.FAILED)),
                ("未变化跳过", sum(1 for e in projects if e.status is Status.SKIPPED))) if n]
            text += f"；项目自评 {len(projects)} 份" + (f"（{'，'.join(said)}）" if said else "")
        for kind, label in ((Kind.MONITOR, "监控报告"), (Kind.OVERVIEW, "年度总览")):
            pages = [e for e in self.entries if e.kind is kind]
            if pages:
                failed = sum(1 for e in pages if e.status is Status.FAILED)
                text += f"；{label} {len(pages)} 份" + (f"（失败 {failed}）" if failed else "")
        if self.failed_documents:
            text += f"；另有 {len(self.failed_documents)} 份文档未能生成"
        text += f"；用时 {self.seconds:.1f} 秒"
        return text + ("（已中断，下次运行将补做未完成的报告）" if self.interrupted else "")


class BatchInterrupted(KeyboardInterrupt):
    """The batch was interrupted; ``report`` says what was done."""

    def __init__(self, report: RunReport) -> None:
        super().__init__(report.line())
        self.report = report


def run(opts: RunOptions, *, executor=None) -> RunReport:  # executors.Executor
    """Run the batch; see the module docstring."""
    started, started_at = time.perf_counter(), _now()
    with outputs_lock(opts.outputs_dir, opts.wait), _sigterm_as_interrupt():
        remove_leftovers(opts.outputs_dir)
        batch = plan(opts)
        try:
            with _outputs_written(batch, opts, started_at, started):
                render(batch, opts, executor)
        finally:  # the executor's workers ended while the outputs were written (one that says nothing has none)
            getattr(batch.executor, "join", lambda: None)()
    report = RunReport(batch.entries, batch.seconds if batch.seconds is not None else time.perf_counter() - started,
                       batch.interrupted)
    if batch.interrupted:
        raise BatchInterrupted(report)
    return report


# ---------------------------------------------------------------------- planning


@dataclass
class Planned:
    """A job in a batch: its record for the index, and — once checked — the task that renders it."""

    job: Job
    entry: Entry
    inputs: list[Path]
    digest: str
    template: Path
    sources: dict[str, str]  # format → digest of what its document is made from
    pending: bool = True  # still to check (render): not skipped, not yet evaluated
    task: RenderTask | None = None

    def fail(self, kind: Failure, message: str) -> None:
        self.entry.status, self.entry.error, self.entry.error_kind = Status.FAILED, message, kind


@dataclass
class Batch:
    """The batch's jobs, as planned and as they go."""

    opts: RunOptions
    evaluations: Evaluations
    planned: list[Planned]
    done: set[str] = field(default_factory=set)
    interrupted: bool = False
    executor: object | None = None  # executors.Executor, once started
    seconds: float | None = None  # from start to the end of rendering, once rendered

    @property
    def entries(self) -> list[Entry]:
        return [p.entry for p in self.planned]

    @property
    def todo(self) -> list[Planned]:
        return [p for p in self.planned if p.pending or p.task is not None]

    @property
    def tasks(self) -> dict[str, Planned]:
        return {p.task.key: p for p in self.planned if p.task is not None}

    def check(self) -> None:
        """Evaluate the inputs of every job still to render (see :func:`check`)."""
        for p in self.planned:
            if p.pending:
                check(p, self)
                p.pending = False  # not before: an interrupted check leaves the job unfinished

    def apply(self, result: RenderResult) -> None:
        """A task's result on its entry; a good rendering's sidecar beside its notebook."""
        if result.key in self.done:  # a retried task reported twice: count it once
            return
        self.done.add(result.key)
        p = self.tasks[result.key]
        entry = p.entry
        entry.seconds = result.seconds
        if not result.ok:
            p.fail(result.kind, result.error)
            return
        entry.status, entry.has_report, entry.error, entry.error_kind = Status.OK, True, None, None
        entry.document_errors = dict(result.document_errors)
        out = self.opts.outputs_dir.resolve()
        job = p.job
        made = {fmt for fmt in (p.task.documents if p.task else ()) if fmt not in result.document_errors}
        before = read_json(job.sidecar(out))
        kept = set(_current(out, job, p.sources, before))
        for fmt in _present(out, job):  # a document of other inputs beside the new page: removed, never linked
            if fmt not in made and fmt not in kept:
                (out / job.document(fmt)).unlink(missing_ok=True)
        entry.documents = tuple(fmt for fmt in _present(out, job) if fmt in made | kept)
        files = [job.page, *(job.document(fmt) for fmt in entry.documents)]
        write_atomic(job.sidecar(out), json.dumps(
            {"fingerprint": entry.fingerprint, "rendered": _now(), "seconds": round(entry.seconds, 3),
             "files": {name: _file_hash(out / name) for name in files},
             "sources": {fmt: p.sources[fmt] for fmt in entry.documents}, "summary": entry.summary or {}},
            ensure_ascii=False, indent=1))

    def finish(self) -> None:
        """Whatever was not done is failed: interrupted, or left by an executor that gave no result."""
        for p in self.planned:
            unfinished = p.pending or (p.task is not None and p.task.key not in self.done)
            if unfinished and p.entry.status is not Status.FAILED:
                p.fail(Failure.INTERRUPTED, "批处理被中断，未完成" if self.interrupted else "执行器未返回结果")


def jobs(opts: RunOptions, params_dir: Path) -> list[Job]:
    """The pages a batch renders: the year files' reports, the project forms (each rendered with
    ``--projects``, else only evaluated), each year's overview (not when only some departments were asked
    for), each snapshot's monitoring report."""
    from ..monitoring.snapshot import snapshots

    chosen = {"departments": list(opts.departments) or None, "years": list(opts.years) or None}
    files = discover(params_dir, **chosen)
    project_files = discover_projects(params_dir, **chosen)
    if not files and not project_files:
        raise RunError(f"{opts.params_dir}: 没有找到 <部门代码>/<年度>.yaml 输入文件"
                       + ("（请检查 --department / --year）" if opts.departments or opts.years else ""))
    reports = [ReportJob(path.parent.name, int(path.stem), path) for path in files]
    projects = [ProjectJob.of(path, renders=opts.projects) for path in project_files]
    overviews = ([OverviewJob(year) for year in sorted({j.year for j in [*reports, *projects]})]
                 if opts.overview and not opts.departments else [])
    monitors = ([MonitorJob(path.parent.name, year, month, path)
                 for path, year, month in snapshots(params_dir, departments=opts.departments, years=opts.years)]
                if opts.monitoring else [])
    return [*reports, *projects, *overviews, *monitors]


def plan(opts: RunOptions) -> Batch:
    """Every job of the batch, each to render or skipped as unchanged (file hashes and sidecars only)."""
    params_dir = opts.params_dir.resolve()
    evaluations = Evaluations(params_dir, frameworks_dir=opts.frameworks_dir.resolve() if opts.frameworks_dir else None)
    todo = jobs(opts, params_dir)
    code_hash = code_digest()
    docx_hash = _docx_template(opts)
    templates: dict[Kind, tuple[Path, str]] = {}
    planned = []
    for job in todo:
        if job.kind not in templates:
            templates[job.kind] = _template(opts, job)
        template, template_hash = templates[job.kind]
        inputs = job.inputs(evaluations)
        digest = inputs_digest(inputs)
        formats = job.formats(opts.formats)
        page = sha(digest.encode(), template_hash.encode(), code_hash.encode(),
                   b"strict" if opts.strict and job.kind in (Kind.REPORT, Kind.PROJECT) else b"")
        # what each document is made from: the page's sources (and the Word template for Word)
        sources = {fmt: sha(page.encode(), (docx_hash if fmt == "docx" else "").encode())
                   for fmt in job.formats(tuple(FORMATS))}
        fingerprint = sha(page.encode(), *(f"{fmt}:{sources[fmt]}".encode() for fmt in formats))
        out = opts.outputs_dir.resolve()
        entry = Entry(job.code, job.year, Status.OK, kind=job.kind, month=job.month, page=job.page,
                      has_report=job.html(out).is_file(), fingerprint=fingerprint,
                      project=getattr(job, "project", ""))
        p = Planned(job, entry, inputs, digest, template, sources)
        entry.documents = _current(out, job, sources, read_json(job.sidecar(out)))
        sidecar = _unchanged(opts, job, fingerprint)
        if sidecar is not None:  # same inputs, template, options and code as the last good rendering
            entry.status, entry.summary, p.pending = Status.SKIPPED, sidecar["summary"] or None, False
        elif not _renders(job):  # evaluated only: a page of other inputs beside it is not linked
            entry.has_report, entry.documents = False, ()
            scored = read_json(job.scored(out))
            if not opts.force and scored and scored.get("fingerprint") == page and isinstance(scored.get("summary"), dict):
                entry.status, entry.summary, p.pending = Status.SKIPPED, scored["summary"], False
            entry.fingerprint = page
        planned.append(p)
    return Batch(opts, evaluations, planned)


def _template(opts: RunOptions, job: Job) -> tuple[Path, str]:
    """The job's notebook template (the option's, else notebooks/ here, else the bundled one) and its hash."""
    chosen = {Kind.REPORT: opts.template, Kind.PROJECT: opts.template, Kind.OVERVIEW: opts.overview_template,
              Kind.MONITOR: opts.monitor_template}[job.kind]
    path = (chosen or notebook_template(job.template_name)).resolve()
    if not path.is_file():
        raise RunError(f"{path}: 找不到{job.what}模板")
    try:
        return path, sha(read_limited(path, TEMPLATE_LIMIT))
    except InputError as exc:
        raise RunError(f"{path}: {job.what}模板{exc.message}") from None


#: The largest notebook template the batch reads (a template is a few kilobytes; this is a guard).
TEMPLATE_LIMIT = 20_000_000


def _docx_template(opts: RunOptions) -> str:
    """The Word template's hash ("" without one), checked before any report is rendered: a template that
    lacks a style fails the run at once, naming the style, rather than every report's document."""
    if not opts.docx_template or "docx" not in opts.formats:
        return ""
    from ..present.word import open_template

    try:
        open_template(opts.docx_template)
    except PerflibError as exc:
        raise RunError(str(exc)) from None
    return sha(opts.docx_template.read_bytes())


def _renders(job: Job) -> bool:
    """Whether a job renders a page (a project form without ``--projects`` is only evaluated)."""
    return getattr(job, "renders", True)


def _unchanged(opts: RunOptions, job: Job, fingerprint: str) -> dict | None:
    """The sidecar of the last good rendering when it was made from the same inputs, template, options and
    code, and every document it made is still there."""
    out = opts.outputs_dir.resolve()
    if opts.force or not job.html(out).is_file():
        return None
    data = read_json(job.sidecar(out))
    if not data or data.get("fingerprint") != fingerprint or not isinstance(data.get("summary"), dict | None):
        return None
    files = data.get("files")
    wanted = [job.page, *(job.document(fmt) for fmt in job.formats(opts.formats))]
    if not isinstance(files, dict) or any(name not in files for name in wanted):
        return None  # a document was asked for that was not made, or an older sidecar: make it again
    if any(_file_hash(out / name) != files[name] for name in wanted):
        return None  # a file was removed, emptied or changed since: the cache claims what is not there
    return data


def _file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes ("" when it cannot be read)."""
    try:
        return sha(path.read_bytes())
    except OSError:
        return ""


def _current(outputs: Path, job: Job, sources: dict[str, str], sidecar: dict | None) -> tuple[str, ...]:
    """The documents beside a job's page that its last good rendering recorded as made from ``sources`` — the
    same inputs, template and code as now — and that are still the bytes it recorded."""
    if not sidecar:
        return ()
    files, made_from = sidecar.get("files"), sidecar.get("sources")
    if not isinstance(files, dict) or not isinstance(made_from, dict):
        return ()
    return tuple(fmt for fmt in _present(outputs, job) if made_from.get(fmt) == sources.get(fmt)
                 and files.get(job.document(fmt)) == _file_hash(outputs / job.document(fmt)))


def _present(outputs: Path, job: Job) -> tuple[str, ...]:
    """The document formats (besides HTML) found beside a job's page."""
    return tuple(fmt for fmt in job.formats(("docx", "pdf", "xlsx")) if (outputs / job.document(fmt)).is_file())


# ---------------------------------------------------------------------- checking


def check(p: Planned, batch: Batch) -> None:
    """Evaluate a job's inputs: its entry's summary and its task — or its failure, with the first lines of
    what is wrong (anything else, an unreadable file say, classified). The batch goes on with the others."""
    opts, job = batch.opts, p.job
    try:
        checked = job.check(batch.evaluations, strict=opts.strict)
    except InputErrors as exc:
        p.fail(Failure.INPUT, _first_lines(exc))
        return
    except Exception as exc:  # noqa: BLE001 - this job's failure, not the batch's
        kind, message = classify(exc)
        p.fail(kind, f"{getattr(job, 'path', opts.params_dir)}: {message}")
        return
    out = opts.outputs_dir.resolve()
    p.entry.summary = checked.summary or None
    if not _renders(job):  # evaluated: its summary is all the index, the summary and the rollups want of it
        try:  # a cache (not synced, compact): when it cannot be written or read, the form is evaluated again
            write_atomic(job.scored(out), json.dumps({"fingerprint": p.entry.fingerprint, "scored": _now(),
                                                      "summary": checked.summary}, ensure_ascii=False),
                         durable=False)
        except (OSError, PerflibError):
            pass
        return
    p.task = RenderTask(
        key=job.key, template=str(p.template), parameters=tuple(job.parameters(batch.evaluations.params_dir).items()),
        notebook=str(job.notebook(out)), html=str(job.html(out)), title=checked.title, timeout=opts.timeout,
        engine=opts.engine, restart_every=opts.restart_every, inputs=tuple(str(f) for f in p.inputs),
        inputs_digest=p.digest, documents=job.formats(opts.formats),
        docx_template=str(opts.docx_template.resolve()) if opts.docx_template else "",
        handover=checked.handover.pack())


def _first_lines(exc: PerflibError, limit: int = 5) -> str:
    lines = str(exc).splitlines()
    more = f"\n……另有 {len(lines) - limit} 处" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


# ---------------------------------------------------------------------- rendering


def render(batch: Batch, opts: RunOptions, executor=None) -> None:  # executors.Executor
    """Check and render every job still to do; a Ctrl-C or SIGTERM marks the batch interrupted."""
    from .executors import make_executor

    if not batch.todo:
        return
    if not any(_renders(p.job) for p in batch.todo):  # project forms to evaluate only: no workers, no kernels
        try:
            batch.check()
        except KeyboardInterrupt:
            batch.interrupted = True
        return
    executor = batch.executor = executor or make_executor(opts, sum(1 for p in batch.todo if _renders(p.job)))
    try:
        with ExitStack() as running:
            try:  # the workers and their kernels start now, while this process checks the inputs
                running.enter_context(executor)
            except RunError:
                batch.check()
                if batch.tasks:
                    raise  # pages to render and nowhere to render them
                return  # only invalid inputs: nothing to render, their failures are written
            # what the summaries import (pandas ~0.3 s, openpyxl ~0.1 s): while the workers render, not after
            # (started only now: a fork while another thread imports can deadlock the child)
            threading.Thread(target=_import, args=("pandas", *(["openpyxl"] if opts.excel else [])),
                             daemon=True).start()
            batch.check()
            tasks = batch.tasks
            with _progress(len(tasks), opts.progress) as bar:
                for result in executor.run([p.task for p in tasks.values()]) if tasks else ():
                    batch.apply(result)
                    bar.update(1)
    except KeyboardInterrupt:
        batch.interrupted = True


def _import(*modules: str) -> None:
    for name in modules:
        importlib.import_module(name)


def _progress(total: int, progress: Progress):  # tqdm
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is Progress.AUTO else progress is Progress.ON
    return tqdm(total=total, disable=not show or total == 0, unit="份", desc="渲染报告", leave=False,
                dynamic_ncols=True)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (e.g. from cron's timeout or systemd) stops the batch like Ctrl-C does."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# ---------------------------------------------------------------------- the batch's own outputs


@contextmanager
def _outputs_written(batch: Batch, opts: RunOptions, started_at: str, started: float) -> Iterator[None]:
    """Write the batch's outputs after rendering — also when it was interrupted or failed — except when the
    executor could not start or a write failed (:class:`RunError`): the outputs are then left as they were."""
    try:
        yield
    except RunError:
        raise
    except BaseException:
        batch.finish()
        batch.seconds = time.perf_counter() - started
        write_outputs(batch.entries, opts, started_at, batch.seconds)
        raise
    batch.finish()
    batch.seconds = time.perf_counter() - started  # the one 用时: the index, the manifest and the CLI print it
    write_outputs(batch.entries, opts, started_at, batch.seconds)


def write_outputs(entries: list[Entry], opts: RunOptions, started_at: str, seconds: float) -> None:
    """manifest.json, summary.csv (and .xlsx), the monitoring overviews and index.html."""
    out = opts.outputs_dir
    finished = _now()
    info = IndexInfo(generated=finished.replace("T", " "), seconds=seconds, review_pages=review_pages(out))
    reports = [e for e in entries if e.kind is Kind.REPORT]
    engine = str(opts.engine) + (f", dask {opts.scheduler}" if opts.scheduler else "")
    write_atomic(out / "manifest.json", manifest(entries, started=started_at, finished=finished, seconds=seconds,
                                                 engine=engine))
    projects = [e for e in entries if e.kind is Kind.PROJECT]
    write_atomic(out / "summary.csv", summary_csv(reports))
    if projects:
        write_atomic(out / "summary-projects.csv", projects_csv(projects))
    else:  # not one of an earlier batch's, beside this batch's summary.csv
        (out / "summary-projects.csv").unlink(missing_ok=True)
    if opts.excel:
        from .summary import summary_workbook

        write_atomic(out / "summary.xlsx", summary_workbook(reports, projects))
    if not opts.departments:  # a bureau's overview is of every department, not of a chosen few
        info.monitor_overviews = _write_monitor_overviews(entries, out)
    write_atomic(out / "index.html", index_html(entries, info))


def _write_monitor_overviews(entries: list[Entry], out: Path) -> list[tuple[int, int, str]]:
    """outputs/monitor-<year>-<MM>.html for every month with monitoring summaries: (year, month, href)."""
    months: dict[tuple[int, int], list[dict]] = {}
    for e in entries:
        if e.kind is Kind.MONITOR and e.summary:
            months.setdefault((e.year, e.month), []).append(e.summary)
    if not months:
        return []
    from ..present.monitor_overview import monitor_overview

    written = []
    for (year, month), snapshots in sorted(months.items()):
        year_end = {e.code: e.summary for e in entries if e.kind is Kind.REPORT and e.year == year and e.summary}
        href = f"monitor-{year}-{month:02d}.html"
        write_atomic(out / href, monitor_overview(year, month, snapshots, year_end))
        written.append((year, month, href))
    return written


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


# ---------------------------------------------------------------------- one document, without the batch


def export(path: Path, fmt: str, opts: RunOptions | None = None) -> bytes:
    """One document (``fmt``: docx, pdf, xlsx) of a year file's report or a snapshot's monitoring report,
    without the batch (``perflib export``): the file is checked and evaluated once as the batch would (with
    ``opts``' frameworks folder, strictness, Word template and cell timeout); the 自评表 comes from that
    evaluation, Word and PDF from the page rendered with a fresh kernel in a temporary folder."""
    import tempfile

    from .jobs import job_for
    from .tasks import document_path
    from .tasks import render as render_task

    opts = opts or RunOptions()
    path = Path(path).resolve()
    job = job_for(path)
    if fmt not in job.formats((fmt,)):
        raise PerflibError(f"{path.name} → .{fmt}: 不支持的格式；{'监控快照' if job.kind is Kind.MONITOR else '年度文件'}"
                           f"可导出：{'、'.join(f'.{f}' for f in job.formats(('docx', 'pdf', 'xlsx')))}")
    params_dir = path.parents[3] if project_place(path) else path.parent.parent
    evaluations = Evaluations(params_dir, frameworks_dir=opts.frameworks_dir.resolve() if opts.frameworks_dir else None)
    checked = job.check(evaluations, strict=opts.strict)  # every problem of the file, named, before any work
    if fmt == "xlsx":  # the form needs the evaluation only
        from .documents import make

        return make(fmt, "", checked.handover.main())
    template, _ = _template(opts, job)
    _docx_template(opts)
    with tempfile.TemporaryDirectory(prefix="perflib-export-") as tmp:
        out = Path(tmp)
        task = RenderTask(
            key=job.key, template=str(template), parameters=tuple(job.parameters(params_dir).items()),
            notebook=str(job.notebook(out)), html=str(job.html(out)), title=checked.title, timeout=opts.timeout,
            engine=Engine.COLD, restart_every=opts.restart_every, documents=(fmt,),
            docx_template=str(opts.docx_template.resolve()) if opts.docx_template else "",
            handover=checked.handover.pack())
        result = render_task(task)
        if not result.ok:
            raise PerflibError(f"报告未能生成：{result.error}")
        if result.document_errors:
            raise PerflibError(f"{fmt} 未能生成：{dict(result.document_errors)[fmt]}")
        return document_path(task, fmt).read_bytes()
