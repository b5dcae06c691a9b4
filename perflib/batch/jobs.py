"""What the batch renders: one job type per kind of page, each knowing its inputs, its check and its parameters.

* :class:`ReportJob` — a department-year's report, ``<code>/<year>.yaml`` → ``<code>/<year>/report.html``
  (and its Word, PDF and 自评表);
* :class:`ProjectJob` — a project self-evaluation's report, ``<code>/projects/<year>/<key>.yaml`` →
  ``<code>/<year>/projects/<key>/report.html`` (and its documents); without ``--projects`` it is only
  evaluated (no notebook), for the index, the summary and the overview's rollups (:attr:`ProjectJob.renders`);
* :class:`MonitorJob` — a mid-year monitoring report, ``<code>/<year>-<MM>.yaml`` → ``monitor-<MM>.html``;
* :class:`OverviewJob` — a year across departments → ``overview-<year>.html``.

A job's :meth:`check` evaluates its inputs in the batch's process, through :class:`Evaluations` — every
file at most once per batch, keyed by the digest of what it reads — and returns what the index, the
summary and the renderer need (:class:`Checked`): the summary, the page's title, and the
:class:`~perflib.engine.handover.Handover` that gives the notebook (and the worker's documents) that same
evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from ..engine.handover import Handover
from ..errors import InputError, InputErrors, PerflibError
from ..evaluation import Evaluation, evaluate
from ..inputs.locate import DATA, FRAMEWORKS_DIR, MONITOR_TEMPLATE, OVERVIEW_TEMPLATE, REPORT_TEMPLATE
from ..inputs.params import YEAR_FILE, discover, discover_projects, earlier_projects, project_key, project_place
from ..inputs.schema import CODE_PATTERN
from ..reviewer.scores import review_file
from .documents import FORMATS, MONITOR_FORMATS, document_name
from .fingerprint import inputs_digest


def _inside(path: Path, ev: Evaluations) -> None:
    """An input is a file of the params folder (of the --frameworks folder, for a framework), or one perflib
    ships: a link that leads elsewhere (to a secret, to another tree) is refused, not followed — what the
    file holds would otherwise reach the pages and the index, if only in an error message."""
    real = path.resolve()
    if not any(real.is_relative_to(root) for root in ev.roots):
        raise InputErrors([InputError(path, "(文件)", "是指向输入目录之外的链接，不予读取",
                                      expected=f"{ev.params_dir} 之内的文件")])


def _folder_is_a_code(path: Path, folder: Path | None = None) -> None:
    """A department's folder (``folder``, by default the file's) is named by its code: its pages are written
    under that name, so any other name (capitals, quotes, "<", "javascript:") is refused before anything is
    rendered."""
    folder = folder or path.parent
    if not re.fullmatch(CODE_PATTERN, folder.name) or len(folder.name) > 64:
        raise InputErrors([InputError(folder, "(目录名)", "目录名不是有效的部门代码", expected="小写字母、数字和连字符，"
                                      "与文件中的 department.code 相同", found=folder.name)])


def _named_by_a_key(path: Path) -> None:
    """A project's file is named by its key (:func:`~perflib.inputs.params.project_key`): its pages are
    written in a folder of that name, so no other name reaches a path or a link."""
    try:
        ok = project_key(path.stem) == path.stem
    except ValueError:
        ok = False
    if not ok:
        raise InputErrors([InputError(path, "(文件名)", "文件名不是有效的项目键", expected="项目名称（字母、汉字、"
                                      "数字、- _ ( )）.yaml", found=path.name)])


class Kind(StrEnum):
    """The kinds of page a batch renders (the values are what manifest.json and the task keys say)."""

    REPORT = "report"
    PROJECT = "project"
    MONITOR = "monitor"
    OVERVIEW = "overview"


@dataclass(frozen=True)
class Checked:
    """A job's inputs, evaluated: its summary (for the index and summary.csv), its page's title, and the
    hand-over of the evaluations to its notebook."""

    summary: dict
    title: str
    handover: Handover


class Evaluations:
    """Every input of a batch evaluated at most once, by its path, its options and the digest of the files
    it reads; a failure is remembered as well as a result."""

    def __init__(self, params_dir: Path, *, frameworks_dir: Path | None = None) -> None:
        self.params_dir = params_dir
        self.frameworks_dir = frameworks_dir
        folder = frameworks_dir or params_dir / FRAMEWORKS_DIR
        self.frameworks = sorted(folder.glob("*.yaml"))
        self._done: dict[tuple, object] = {}
        #: where inputs may be: the params folder, the frameworks folder given, what perflib ships
        self.roots = tuple(p.resolve() for p in (params_dir, *([frameworks_dir] if frameworks_dir else []), DATA))

    def _once(self, key: tuple, make: Callable[[], object]) -> object:
        if key not in self._done:
            try:
                self._done[key] = make()
            except PerflibError as exc:
                self._done[key] = exc
        result = self._done[key]
        if isinstance(result, PerflibError):
            raise result
        return result

    def evaluation(self, path: Path, *, strict: bool = False) -> Evaluation:
        """The evaluation of a year file (``strict``: its form's defects refused)."""
        digest = inputs_digest([path, *self.frameworks])
        passed = self._done.get(("evaluation", path, True, digest))
        if not strict and passed is not None and not isinstance(passed, PerflibError):
            return passed  # what passed the strict check reads the same without it
        return self._once(("evaluation", path, strict, digest),
                          lambda: evaluate(path, frameworks_dir=self.frameworks_dir, strict=strict))

    def monitoring(self, path: Path):  # Monitoring
        """A snapshot, lit and reviewed."""
        from ..monitoring.monitor import monitor

        digest = inputs_digest([path, path.with_name(f"{path.stem[:4]}.yaml")])
        return self._once(("monitoring", path, digest), lambda: monitor(path))

    def relative(self, path: Path) -> str:
        return path.relative_to(self.params_dir).as_posix()


class _Page:
    """Where a job's files go, from its ``folder`` (under the outputs folder), ``stem`` and ``page``."""

    folder: str
    stem: str
    page: str  # the page, relative to the outputs folder: the index links it
    month: int

    def html(self, outputs: Path) -> Path:
        return outputs / self.page

    def notebook(self, outputs: Path) -> Path:
        return outputs / self.folder / f"{self.stem}.ipynb"

    def sidecar(self, outputs: Path) -> Path:
        """The JSON beside the notebook: the fingerprint and summary of the last good rendering."""
        return outputs / self.folder / f"{self.stem}.json"

    def scored(self, outputs: Path) -> Path:
        """The JSON of a job only evaluated (a project form without ``--projects``): the fingerprint and
        summary of its last good evaluation, so an unchanged form is not evaluated again."""
        return outputs / self.folder / f"{self.stem}.scored.json"

    def document(self, fmt: str) -> str:
        """A document's path relative to the outputs folder (report.docx, 自评表.xlsx, monitor-06.pdf …)."""
        return f"{self.folder}/{document_name(fmt, self.month)}"


class _ReportPage(_Page):
    """A self-evaluation report's files: report.html, report.ipynb and its documents, in its folder."""

    stem: ClassVar[str] = "report"
    month: ClassVar[int] = 0

    @property
    def page(self) -> str:
        return f"{self.folder}/report.html"

    def formats(self, asked: tuple[str, ...]) -> tuple[str, ...]:
        """The documents besides the page this job writes, of those asked for."""
        return tuple(f for f in asked if f != "html" and f in FORMATS)


def _evaluated(path: Path, earlier: list[Path], ev: Evaluations, strict: bool):
    """A report's evaluation (``strict``: refusing its form's defects), its framework checked to lie where inputs
    may, and the evaluations of its earlier years by their paths — an earlier year that does not validate is
    left out of the trend, as the report says."""
    _inside(path, ev)
    main = ev.evaluation(path, strict=strict)
    if main.framework.path:
        _inside(Path(main.framework.path), ev)
    results = {ev.relative(path): main}
    for before in earlier:
        try:
            _inside(before, ev)
            results[ev.relative(before)] = ev.evaluation(before)
        except PerflibError:
            pass
    return main, results


@dataclass(frozen=True)
class ReportJob(_ReportPage):
    """The year-end self-evaluation report of one department-year."""

    code: str
    year: int
    path: Path  # the year file, under the batch's params folder

    kind: ClassVar[Kind] = Kind.REPORT
    template_name: ClassVar[str] = REPORT_TEMPLATE
    what: ClassVar[str] = "报告"

    @property
    def key(self) -> str:
        return f"report/{self.code}/{self.year}"

    @property
    def folder(self) -> str:
        """Where its files go, relative to the outputs folder."""
        return f"{self.code}/{self.year}"

    def inputs(self, ev: Evaluations) -> list[Path]:
        """The files its report reads: its year file and the department's earlier years, the frameworks."""
        earlier = [p for p in sorted(self.path.parent.glob("*.yaml")) if p.stem.isdigit() and int(p.stem) <= self.year]
        return [*earlier, *_review_of(self.path), *ev.frameworks]

    def parameters(self, params_dir: Path) -> dict[str, str | int]:
        return {"department": self.code, "year": self.year, "params_dir": str(params_dir)}

    def check(self, ev: Evaluations, *, strict: bool = False) -> Checked:
        """Evaluate the year (``strict``: refusing its form's defects) and the department's earlier years (an
        earlier year that does not validate is left out of the trend, as the report says)."""
        _folder_is_a_code(self.path)
        earlier = [p for p in discover(ev.params_dir, departments=[self.code]) if int(p.stem) < self.year]
        main, results = _evaluated(self.path, earlier, ev, strict)
        return Checked(main.to_dict(), main.title, Handover(ev.relative(self.path), results))


def _review_of(form: Path) -> list[Path]:
    """The reviewer's scores stored beside ``form``, when there are: its report shows them, so a review
    imported or changed since re-renders it (:mod:`perflib.reviewer`)."""
    stored = review_file(form)
    return [stored] if stored.is_file() else []


@dataclass(frozen=True)
class ProjectJob(_ReportPage):
    """The self-evaluation report of one project (项目支出绩效自评) of a department-year; ``renders`` False:
    evaluated only, for the index, the summary and the rollups (``perflib run`` without ``--projects``)."""

    code: str
    year: int
    project: str  # its key: the file's name without .yaml, the folder of its pages
    path: Path  # <code>/projects/<year>/<key>.yaml, under the batch's params folder
    renders: bool = True

    kind: ClassVar[Kind] = Kind.PROJECT
    template_name: ClassVar[str] = REPORT_TEMPLATE
    what: ClassVar[str] = "项目报告"

    @classmethod
    def of(cls, path: Path, *, renders: bool = True) -> ProjectJob:
        """The job of a project file ``<code>/projects/<year>/<key>.yaml``."""
        code, year = project_place(path) or (path.parent.name, 0)
        return cls(code, year, path.stem, path, renders)

    @property
    def key(self) -> str:
        return f"project/{self.code}/{self.year}/{self.project}"

    @property
    def folder(self) -> str:
        return f"{self.code}/{self.year}/projects/{self.project}"

    def _earlier(self, ev: Evaluations) -> list[Path]:
        """The same project's files of earlier years (same key), for the report's trend: looked up in its
        department's projects/ folder, not in all of params/ (a batch has thousands of project forms)."""
        return earlier_projects(self.path, self.year)

    def inputs(self, ev: Evaluations) -> list[Path]:
        return [*self._earlier(ev), self.path, *_review_of(self.path), *ev.frameworks]

    def parameters(self, params_dir: Path) -> dict[str, str | int]:
        return {"department": self.code, "year": self.year, "project": self.project, "params_dir": str(params_dir)}

    def check(self, ev: Evaluations, *, strict: bool = False) -> Checked:
        """Evaluate the project (as a year file's report is: the same refusals) and its earlier years."""
        _folder_is_a_code(self.path, self.path.parents[2])
        _named_by_a_key(self.path)
        main, results = _evaluated(self.path, self._earlier(ev), ev, strict)
        return Checked({**main.to_dict(), "project_key": self.project}, main.title,
                       Handover(ev.relative(self.path), results))


@dataclass(frozen=True)
class MonitorJob(_Page):
    """The mid-year monitoring report (绩效运行监控) of one snapshot."""

    code: str
    year: int
    month: int
    path: Path  # the snapshot <code>/<year>-<MM>.yaml

    kind: ClassVar[Kind] = Kind.MONITOR
    template_name: ClassVar[str] = MONITOR_TEMPLATE
    what: ClassVar[str] = "监控报告"

    @property
    def key(self) -> str:
        return f"monitor/{self.code}/{self.year}/{self.month:02d}"

    @property
    def folder(self) -> str:
        return f"{self.code}/{self.year}"

    @property
    def stem(self) -> str:
        return f"monitor-{self.month:02d}"

    @property
    def page(self) -> str:
        return f"{self.folder}/{self.stem}.html"

    def formats(self, asked: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f for f in asked if f != "html" and f in MONITOR_FORMATS)

    def inputs(self, ev: Evaluations) -> list[Path]:
        from ..monitoring.rules import RULES_DIR

        year_file = self.path.with_name(f"{self.year}.yaml")
        return [self.path, *([year_file] if year_file.is_file() else []),
                *sorted((ev.params_dir / RULES_DIR).glob("*.yaml"))]

    def parameters(self, params_dir: Path) -> dict[str, str | int]:
        return {"department": self.code, "year": self.year, "month": self.month, "params_dir": str(params_dir)}

    def check(self, ev: Evaluations, *, strict: bool = False) -> Checked:
        from ..monitoring.rules import LIGHT_NAMES, LIGHTS

        _folder_is_a_code(self.path)
        _inside(self.path, ev)
        m = ev.monitoring(self.path)
        lights = "，".join(f"{LIGHT_NAMES[lt]} {sum(1 for i in m.indicators if i.light == lt)}" for lt in LIGHTS
                          if any(i.light == lt for i in m.indicators))
        return Checked({"department": m.department, "lights": lights, **m.to_dict()},
                       f"{m.snapshot.year} 年 1–{m.month} 月{m.department}绩效运行监控报告",
                       Handover(ev.relative(self.path), {ev.relative(self.path): m}))


@dataclass(frozen=True)
class OverviewJob(_Page):
    """A year across departments: ranking, grades, heat map, spending, what was missed, findings, changes."""

    year: int
    code: ClassVar[str] = ""
    month: ClassVar[int] = 0

    kind: ClassVar[Kind] = Kind.OVERVIEW
    template_name: ClassVar[str] = OVERVIEW_TEMPLATE
    what: ClassVar[str] = "年度总览"

    @property
    def key(self) -> str:
        return f"overview/{self.year}"

    @property
    def folder(self) -> str:
        return f"overview/{self.year}"  # its notebook and sidecar; the page is outputs/overview-<year>.html

    @property
    def stem(self) -> str:
        return "overview"

    @property
    def page(self) -> str:
        return f"overview-{self.year}.html"

    def formats(self, asked: tuple[str, ...]) -> tuple[str, ...]:
        return ()

    def inputs(self, ev: Evaluations) -> list[Path]:
        return [*discover(ev.params_dir, years=[self.year - 1, self.year]),
                *discover_projects(ev.params_dir, years=[self.year]), *ev.frameworks]

    def parameters(self, params_dir: Path) -> dict[str, str | int]:
        return {"year": self.year, "params_dir": str(params_dir)}

    def check(self, ev: Evaluations, *, strict: bool = False) -> Checked:
        """The year's and the year before's evaluations, and the year's projects (one that does not validate is
        listed by the overview)."""
        results: dict[str, object] = {}
        for path in [*discover(ev.params_dir, years=[self.year - 1, self.year]),
                     *discover_projects(ev.params_dir, years=[self.year])]:
            try:
                _inside(path, ev)
                results[ev.relative(path)] = ev.evaluation(path)
            except PerflibError:
                pass
        return Checked({}, f"{self.year} 年度部门整体支出绩效自评总览", Handover("", results))


Job = ReportJob | ProjectJob | MonitorJob | OverviewJob


def job_for(path: Path) -> ReportJob | ProjectJob | MonitorJob:
    """The page a params file is rendered as: a year file ``<code>/<year>.yaml``'s report, a project's
    ``<code>/projects/<year>/<key>.yaml``'s report, a snapshot ``<code>/<year>-<MM>.yaml``'s monitoring
    report; a :class:`PerflibError` for any other name."""
    from ..monitoring.snapshot import SNAPSHOT_FILE

    path = Path(path)
    if path.suffix == ".yaml" and project_place(path):
        return ProjectJob.of(path)
    snapshot = SNAPSHOT_FILE.match(path.stem)
    if path.suffix == ".yaml" and snapshot:
        return MonitorJob(path.parent.name, int(snapshot[1]), int(snapshot[2]), path)
    if path.suffix == ".yaml" and YEAR_FILE.match(path.stem):
        return ReportJob(path.parent.name, int(path.stem), path)
    raise PerflibError(f"{path}: 应为年度文件 <部门代码>/<年度>.yaml、项目自评文件 <部门代码>/projects/<年度>/<项目>.yaml，"
                       "或监控快照 <部门代码>/<年度>-<月份>.yaml")
