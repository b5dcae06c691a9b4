"""``perflib run``: every department-year under params/ → executed notebook and shareable HTML.

The batch:

1. finds the params files (``--department``, ``--year`` filter them);
2. skips a report whose inputs (params files it reads, its framework, the template, perflib's
   version and source) are unchanged since its last good rendering, unless ``--force`` — from
   file hashes alone, nothing parsed;
3. if anything is left, starts an :class:`~perflib.batch.executors.Executor` (this process, a pool of
   worker processes, or a Dask cluster) — workers start their kernels — and meanwhile evaluates
   each remaining params file in this process: an invalid input fails here, with its one-line
   errors, and is never rendered;
4. renders the rest, collecting results as they finish;
5. writes ``index.html``, ``summary.csv`` and ``manifest.json`` — always, even when interrupted —
   each atomically.

A failure of one report (invalid input, failing cell, cell timeout, dead kernel) is recorded; its
failed notebook is kept as ``report.failed.ipynb``; its last good ``report.html`` is not touched;
the batch goes on. A lock file keeps two batches from writing the same ``outputs/`` at once.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..errors import InputErrors, PerflibError, RunError
from ..evaluation import evaluate
from ..files import write_atomic
from ..inputs.locate import FRAMEWORKS_DIR, MONITOR_TEMPLATE, OVERVIEW_TEMPLATE, REPORT_TEMPLATE, notebook_template
from ..inputs.params import discover
from .documents import DEFAULT_FORMATS, FORMATS, MONITOR_FORMATS, document_name
from .failures import Failure, classify
from .fingerprint import code_digest, input_files, inputs_digest, sha
from .lock import outputs_lock, remove_leftovers
from .outputs import Entry, IndexInfo, index_html, manifest, read_json
from .summary import summary_csv
from .tasks import RenderResult, RenderTask

SIDECAR = "report.json"
ENGINES = ("warm", "cold")  # warm: a reused kernel per worker; cold: a new kernel per report


@dataclass
class RunOptions:
    params_dir: Path = Path("params")
    outputs_dir: Path = Path("outputs")
    template: Path | None = None  # None: notebooks/report.ipynb here, else the bundled template
    departments: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    jobs: int = os.cpu_count() or 1
    force: bool = False
    timeout: int = 300  # seconds per cell
    engine: str = "warm"
    scheduler: str | None = None  # a Dask scheduler address, or "local" for a LocalCluster
    transfer_files: bool = False  # Dask workers without the shared disk: inputs go with the task
    restart_every: int = 25  # warm engine: restart a kernel after this many reports (K)
    wait: float = 0.0  # seconds to wait for another batch's lock
    progress: bool | None = None  # None: a bar when stderr is a terminal
    overview: bool = True  # render outputs/overview-<year>.html
    overview_template: Path | None = None  # None: notebooks/overview.ipynb here, else the bundled one
    excel: bool = True  # write outputs/summary.xlsx
    formats: tuple[str, ...] = DEFAULT_FORMATS  # what each report is written as (batch.documents.FORMATS)
    strict: bool = False  # refuse a form's defects (blank cells, weights that do not add up) instead of reporting them
    monitoring: bool = True  # render a monitoring report for every snapshot <code>/<year>-<MM>.yaml
    monitor_template: Path | None = None  # None: notebooks/monitor.ipynb here, else the bundled one
    docx_template: Path | None = None  # a bureau's Word template for report.docx


@dataclass
class RunReport:
    entries: list[Entry]
    seconds: float
    interrupted: bool = False

    @property
    def failed(self) -> list[Entry]:
        return [e for e in self.entries if e.status == "failed"]

    @property
    def failed_documents(self) -> list[tuple[Entry, str, str]]:
        """(entry, format, why) for every document that could not be made (its report's HTML was)."""
        return [(e, fmt, why) for e in self.entries for fmt, why in e.document_errors.items()]

    def line(self) -> str:
        reports = [e for e in self.entries if e.kind == "report"]
        counts = {s: sum(1 for e in reports if e.status == s) for s in ("ok", "failed", "skipped")}
        unfinished = sum(1 for e in reports if e.error_kind == Failure.INTERRUPTED)
        text = (f"{len(reports)} 份报告：成功 {counts['ok']}，失败 {counts['failed'] - unfinished}，"
                f"未变化跳过 {counts['skipped']}" + (f"，未完成 {unfinished}" if unfinished else ""))
        monitors = [e for e in self.entries if e.kind == "monitor"]
        if monitors:
            failed = sum(1 for e in monitors if e.status == "failed")
            text += f"；监控报告 {len(monitors)} 份" + (f"（失败 {failed}）" if failed else "")
        overviews = [e for e in self.entries if e.kind == "overview"]
        if overviews:
            failed = sum(1 for e in overviews if e.status == "failed")
            text += f"；年度总览 {len(overviews)} 份" + (f"（失败 {failed}）" if failed else "")
        if self.failed_documents:
            text += f"；另有 {len(self.failed_documents)} 份文档未能生成"
        text += f"；用时 {self.seconds:.1f} 秒"
        return text + ("（已中断，下次运行将补做未完成的报告）" if self.interrupted else "")


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (e.g. from cron's timeout or systemd) stops the batch like Ctrl-C does."""

    def handler(signum, frame):  # noqa: ANN001
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


# ---------------------------------------------------------------------- planning


@dataclass
class Planned:
    entry: Entry
    task: RenderTask | None  # None: failed before rendering, or skipped (or not yet evaluated)
    evaluate: Callable[[], None] | None = None  # to do before rendering: validate the inputs, make the task


def _first_lines(exc: PerflibError, limit: int = 5) -> str:
    lines = str(exc).splitlines()
    more = f"\n……另有 {len(lines) - limit} 处" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def _template(path: Path | None, default: str, what: str) -> tuple[Path, str]:
    path = (path or notebook_template(default)).resolve()
    if not path.is_file():
        raise RunError(f"{path}: 找不到{what}模板")
    return path, sha(path.read_bytes())


def _task(opts: RunOptions, key: str, template: Path, parameters: dict, notebook: Path, html: Path, title: str,
          inputs: list[Path], digest: str) -> RenderTask:
    return RenderTask(
        key=key, template=str(template), parameters=tuple(parameters.items()), notebook=str(notebook),
        html=str(html), title=title, timeout=opts.timeout, engine=opts.engine, restart_every=opts.restart_every,
        inputs=tuple(str(p) for p in inputs), inputs_digest=digest,
        documents=_documents(opts, monitor=key.startswith("monitor/")) if not key.startswith("overview/") else (),
        docx_template=str(opts.docx_template.resolve()) if opts.docx_template else "",
    )


def _docx_template(opts: RunOptions) -> str:
    """The Word template's hash ("" without one), checked before any report is rendered: a template that
    lacks a style fails the run at once, naming the style, rather than every report's document."""
    if not opts.docx_template or "docx" not in opts.formats:
        return ""
    from ..errors import PerflibError
    from ..present.word import open_template

    try:
        open_template(opts.docx_template)
    except PerflibError as exc:
        raise RunError(str(exc)) from None
    return sha(opts.docx_template.read_bytes())


def _documents(opts: RunOptions, *, monitor: bool = False) -> tuple[str, ...]:
    """The formats besides HTML each report (or monitoring report) is written as."""
    return tuple(f for f in opts.formats if f != "html" and (not monitor or f in MONITOR_FORMATS))


def _unchanged(opts: RunOptions, html: Path, sidecar: Path, fingerprint: str) -> dict | None:
    """The sidecar of the last good rendering when it was made from the same inputs, template and code."""
    if opts.force or not html.is_file():
        return None
    data = read_json(sidecar)
    return data if data and data.get("fingerprint") == fingerprint else None


def plan(opts: RunOptions, code_hash: str) -> list[Planned]:
    """Decide for each report: skip (unchanged), or render after evaluating its params file.

    Cheap — file hashes and sidecars, nothing parsed: reports still to render carry an ``evaluate``
    step (:func:`evaluate_planned`), so the batch can start its workers first and validate the
    inputs while their kernels start.
    """
    params_dir = opts.params_dir.resolve()
    template, template_hash = _template(opts.template, REPORT_TEMPLATE, "报告")
    files = discover(params_dir, departments=opts.departments or None, years=opts.years or None)
    if not files:
        raise RunError(f"{opts.params_dir}: 没有找到 <部门代码>/<年度>.yaml 输入文件"
                       + ("（请检查 --department / --year）" if opts.departments or opts.years else ""))
    frameworks = sorted((params_dir / FRAMEWORKS_DIR).glob("*.yaml"))
    docx_hash = _docx_template(opts)
    planned = []
    for path in files:
        code, year = path.parent.name, int(path.stem)
        out_dir = opts.outputs_dir.resolve() / code / str(year)
        has_report = (out_dir / "report.html").is_file()
        inputs = input_files(path, frameworks)
        digest = inputs_digest(inputs)
        fingerprint = sha(digest.encode(), template_hash.encode(), code_hash.encode(),
                          *(fmt.encode() for fmt in _documents(opts)), docx_hash.encode(),
                          b"strict" if opts.strict else b"")  # --strict checks what a lenient run let through
        sidecar = _unchanged(opts, out_dir / "report.html", out_dir / SIDECAR, fingerprint)
        if sidecar and not all((out_dir / FORMATS[fmt][0]).is_file() for fmt in _documents(opts)):
            sidecar = None  # a document was removed since: make it again
        if sidecar and sidecar.get("summary"):
            # same inputs, template and code as the last good rendering: so is its evaluation
            planned.append(Planned(Entry(code, year, "skipped", summary=sidecar["summary"], has_report=True,
                                         fingerprint=fingerprint, documents=_present(out_dir)), None))
            continue
        p = Planned(Entry(code, year, "ok", has_report=has_report, fingerprint=fingerprint,
                          documents=_present(out_dir)), None)
        parameters = {"department": code, "year": year, "params_dir": str(params_dir)}
        p.evaluate = partial(_evaluate, p, opts, path, template, parameters, out_dir, inputs, digest)
        planned.append(p)
    return planned


def _checked(p: Planned, path: Path, check: Callable[[Path], object]):  # noqa: ANN202 - what check returns
    """``check(path)``, or None with the failure recorded on the entry: invalid input with its first lines,
    anything else (an unreadable file, say) classified. The batch goes on with the others."""
    try:
        return check(path)
    except InputErrors as exc:
        p.entry.status, p.entry.error, p.entry.error_kind = "failed", _first_lines(exc), Failure.INPUT
    except Exception as exc:  # noqa: BLE001
        kind, message = classify(exc)
        p.entry.status, p.entry.error, p.entry.error_kind = "failed", f"{path}: {message}", kind
    return None


def _evaluate(p: Planned, opts: RunOptions, path: Path, template: Path, parameters: dict, out_dir: Path,
              inputs: list[Path], digest: str) -> None:
    """Validate and score the params file: the report's summary and its task, or its failure.

    Any failure is this report's (an unreadable file, say): the batch goes on with the others.
    """
    ev = _checked(p, path, partial(evaluate, strict=True) if opts.strict else evaluate)
    if ev is None:
        return
    p.entry.summary = ev.to_dict()
    p.task = _task(opts, p.entry.key, template, parameters, out_dir / "report.ipynb", out_dir / "report.html",
                   ev.title, inputs, digest)


def evaluate_planned(planned: list[Planned]) -> None:
    """Run the pending ``evaluate`` steps of :func:`plan`."""
    for p in planned:
        if p.evaluate is not None:
            p.evaluate()
            p.evaluate = None  # not before: an interrupted evaluation leaves the report unfinished


def plan_monitoring(opts: RunOptions, code_hash: str) -> list[Planned]:
    """One monitoring report per snapshot ``<code>/<year>-<MM>.yaml`` (see perflib.monitoring)."""
    from ..monitoring.rules import RULES_DIR
    from ..monitoring.snapshot import SNAPSHOT_FILE

    if not opts.monitoring:
        return []
    params_dir = opts.params_dir.resolve()
    snapshots = []
    for path in sorted(params_dir.glob("*/*.yaml")):
        named = SNAPSHOT_FILE.match(path.stem)
        if not named or path.parent.name in (FRAMEWORKS_DIR, RULES_DIR):
            continue
        if (opts.departments and path.parent.name not in opts.departments) or (
                opts.years and int(named[1]) not in opts.years):
            continue
        snapshots.append((path, int(named[1]), int(named[2])))
    if not snapshots:
        return []
    template, template_hash = _template(opts.monitor_template, MONITOR_TEMPLATE, "监控报告")
    rules = sorted((params_dir / RULES_DIR).glob("*.yaml"))
    documents = _documents(opts, monitor=True)
    docx_hash = _docx_template(opts) if "docx" in documents else ""
    planned = []
    for path, year, month in snapshots:
        code = path.parent.name
        out_dir = opts.outputs_dir.resolve() / code / str(year)
        html = out_dir / f"monitor-{month:02d}.html"
        inputs = [path, *([path.with_name(f"{year}.yaml")] if path.with_name(f"{year}.yaml").is_file() else []),
                  *rules]
        digest = inputs_digest(inputs)
        fingerprint = sha(digest.encode(), template_hash.encode(), code_hash.encode(),
                          *(fmt.encode() for fmt in documents), docx_hash.encode())
        entry = Entry(code, year, "ok", kind="monitor", month=month, has_report=html.is_file(),
                      fingerprint=fingerprint, documents=_present(out_dir, month))
        sidecar = _unchanged(opts, html, out_dir / f"monitor-{month:02d}.json", fingerprint)
        if sidecar and not all((out_dir / document_name(fmt, month)).is_file() for fmt in documents):
            sidecar = None  # a document was removed since: make it again
        if sidecar and sidecar.get("summary"):
            entry.status, entry.summary = "skipped", sidecar["summary"]
            planned.append(Planned(entry, None))
            continue
        p = Planned(entry, None)
        parameters = {"department": code, "year": year, "month": month, "params_dir": str(params_dir)}
        p.evaluate = partial(_check_snapshot, p, opts, path, template, parameters, out_dir, html, inputs, digest)
        planned.append(p)
    return planned


def _check_snapshot(p: Planned, opts: RunOptions, path: Path, template: Path, parameters: dict, out_dir: Path,
                    html: Path, inputs: list[Path], digest: str) -> None:
    """Light and audit the snapshot before rendering it: an invalid one fails here, with its lines."""
    from ..monitoring.monitor import monitor
    from ..monitoring.rules import LIGHT_NAMES, LIGHTS

    m = _checked(p, path, monitor)
    if m is None:
        return
    lights = "，".join(f"{LIGHT_NAMES[lt]} {sum(1 for i in m.indicators if i.light == lt)}" for lt in LIGHTS
                      if any(i.light == lt for i in m.indicators))
    p.entry.summary = {"department": m.department, "lights": lights, **m.to_dict()}
    stem = f"monitor-{p.entry.month:02d}"
    p.task = _task(opts, p.entry.key, template, parameters, out_dir / f"{stem}.ipynb", html,
                   f"{m.snapshot.year} 年 1–{m.month} 月{m.department}绩效运行监控报告", inputs, digest)


def plan_overviews(opts: RunOptions, code_hash: str, reports: list[Planned]) -> list[Planned]:
    """One overview per year among the reports (not when only some departments were asked for)."""
    if not opts.overview or opts.departments:
        return []
    params_dir = opts.params_dir.resolve()
    template, template_hash = _template(opts.overview_template, OVERVIEW_TEMPLATE, "年度总览")
    frameworks = sorted((params_dir / FRAMEWORKS_DIR).glob("*.yaml"))
    planned = []
    for year in sorted({p.entry.year for p in reports}):
        reads = [*discover(params_dir, years=[year - 1, year]), *frameworks]
        digest = inputs_digest(reads)
        fingerprint = sha(digest.encode(), template_hash.encode(), code_hash.encode())
        out_dir = opts.outputs_dir.resolve() / "overview" / str(year)
        html = opts.outputs_dir.resolve() / f"overview-{year}.html"
        entry = Entry("", year, "ok", kind="overview", has_report=html.is_file(), fingerprint=fingerprint)
        if _unchanged(opts, html, out_dir / "overview.json", fingerprint):
            entry.status = "skipped"
            planned.append(Planned(entry, None))
            continue
        title = f"{year} 年度部门整体支出绩效自评总览"
        task = _task(opts, entry.key, template, {"year": year, "params_dir": str(params_dir)},
                     out_dir / "overview.ipynb", html, title, reads, digest)
        planned.append(Planned(entry, task))
    return planned


# ---------------------------------------------------------------------- running


def _progress(total: int, enabled: bool | None):  # noqa: ANN202
    from tqdm import tqdm

    show = sys.stderr.isatty() if enabled is None else enabled
    return tqdm(total=total, disable=not show or total == 0, unit="份", desc="渲染报告", leave=False,
                dynamic_ncols=True)


def _present(out_dir: Path, month: int = 0) -> tuple[str, ...]:
    """The document formats (besides HTML) found in a report's folder (of a monitoring report: ``month``)."""
    return tuple(fmt for fmt in (MONITOR_FORMATS if month else FORMATS) if fmt != "html"
                 and (out_dir / document_name(fmt, month)).is_file())


def _apply(entry: Entry, result: RenderResult, out_dir: Path | None = None) -> None:
    entry.seconds = result.seconds
    if result.ok:
        entry.status, entry.has_report = "ok", True
        entry.error = entry.error_kind = None
        entry.document_errors = dict(result.document_errors)
        if out_dir is not None:
            entry.documents = _present(out_dir, entry.month)
    else:
        entry.status, entry.error, entry.error_kind = "failed", result.error, result.kind


def run(opts: RunOptions, *, executor=None) -> RunReport:  # noqa: ANN001 - executors.Executor
    """Run the batch; see the module docstring."""
    from .executors import make_executor

    started = time.perf_counter()
    started_at = _dt.datetime.now().isoformat(timespec="seconds")
    with outputs_lock(opts.outputs_dir, opts.wait), _sigterm_as_interrupt():
        remove_leftovers(opts.outputs_dir)
        code_hash = code_digest()
        planned = plan(opts, code_hash)
        planned += plan_overviews(opts, code_hash, planned)
        planned += plan_monitoring(opts, code_hash)
        entries = [p.entry for p in planned]
        todo = [p for p in planned if p.task is not None or p.evaluate is not None]
        tasks: dict[str, Planned] = {}
        interrupted = skip_outputs = False
        done: set[str] = set()
        try:
            if todo:
                executor = executor or make_executor(opts, len(todo))
                with ExitStack() as running:
                    try:  # the workers and their kernels start now, while this process checks the inputs
                        running.enter_context(executor)
                    except RunError:
                        evaluate_planned(planned)
                        if any(p.task is not None for p in planned):
                            raise  # reports to render and nowhere to render them
                        # only invalid inputs: nothing to render, their failures are written below
                    else:
                        if opts.excel:  # openpyxl's ~0.2 s import: while the workers render, not after
                            # (started only now: a fork while another thread imports can deadlock the child)
                            threading.Thread(target=importlib.import_module, args=("openpyxl",),
                                             daemon=True).start()
                        evaluate_planned(planned)
                    tasks = {p.task.key: p for p in planned if p.task is not None}
                    with _progress(len(tasks), opts.progress) as bar:
                        for result in executor.run([p.task for p in tasks.values()]) if tasks else ():
                            if result.key in done:  # a retried task reported twice: count it once
                                continue
                            done.add(result.key)
                            p = tasks[result.key]
                            _apply(p.entry, result, Path(p.task.html).parent)
                            if result.ok:
                                _write_sidecar(p)
                            bar.update(1)
        except KeyboardInterrupt:
            interrupted = True
        except RunError:  # the executor could not start (no scheduler) or a write failed: leave outputs as they were
            skip_outputs = True
            raise
        finally:
            for p in planned:
                unfinished = p.evaluate is not None or (p.task is not None and p.task.key not in done)
                if unfinished and p.entry.status != "failed":
                    p.entry.status, p.entry.error_kind = "failed", Failure.INTERRUPTED
                    p.entry.error = "批处理被中断，未完成" if interrupted else "执行器未返回结果"
            if not skip_outputs:
                _write_batch_outputs(entries, opts, started_at, time.perf_counter() - started)
    report = RunReport(entries, time.perf_counter() - started, interrupted)
    if interrupted:
        raise BatchInterrupted(report)
    return report


class BatchInterrupted(KeyboardInterrupt):
    """The batch was interrupted; ``report`` says what was done."""

    def __init__(self, report: RunReport) -> None:
        super().__init__(report.line())
        self.report = report


def _write_sidecar(p: Planned) -> None:
    import json

    notebook = Path(p.task.notebook)
    write_atomic(notebook.with_suffix(".json"), json.dumps(
        {"fingerprint": p.entry.fingerprint, "rendered": _dt.datetime.now().isoformat(timespec="seconds"),
         "seconds": round(p.entry.seconds, 3), "summary": p.entry.summary},
        ensure_ascii=False, indent=1,
    ))


def _write_batch_outputs(entries: list[Entry], opts: RunOptions, started_at: str, seconds: float) -> None:
    out = opts.outputs_dir
    finished = _dt.datetime.now().isoformat(timespec="seconds")
    info = IndexInfo(generated=finished.replace("T", " "), seconds=seconds)
    reports = [e for e in entries if e.kind == "report"]
    engine = opts.engine + (f", dask {opts.scheduler}" if opts.scheduler else "")
    write_atomic(out / "manifest.json", manifest(entries, started=started_at, finished=finished, seconds=seconds,
                                                 engine=engine))
    write_atomic(out / "summary.csv", summary_csv(reports))
    if opts.excel:
        from .summary import summary_workbook

        write_atomic(out / "summary.xlsx", summary_workbook(reports))
    if not opts.departments:  # a bureau's overview is of every department, not of a chosen few
        info.monitor_overviews = _write_monitor_overviews(entries, out)
    write_atomic(out / "index.html", index_html(entries, info))


def _write_monitor_overviews(entries: list[Entry], out: Path) -> list[tuple[int, int, str]]:
    """outputs/monitor-<year>-<MM>.html for every month with monitoring summaries: (year, month, href)."""
    months: dict[tuple[int, int], list[dict]] = {}
    for e in entries:
        if e.kind == "monitor" and e.summary:
            months.setdefault((e.year, e.month), []).append(e.summary)
    if not months:
        return []
    from ..present.monitor_overview import monitor_overview

    written = []
    for (year, month), snapshots in sorted(months.items()):
        year_end = {e.code: e.summary for e in entries if e.kind == "report" and e.year == year and e.summary}
        href = f"monitor-{year}-{month:02d}.html"
        write_atomic(out / href, monitor_overview(year, month, snapshots, year_end))
        written.append((year, month, href))
    return written
