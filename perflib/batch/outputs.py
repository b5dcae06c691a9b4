"""The batch's own outputs: the index page and manifest.json (each written with :func:`perflib.files.write_atomic`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import LEVEL_NAMES
from ..files import write_atomic
from ..numbers import fmt_number
from ..present.html import HTML, join, para, table, tag
from ..present.page import page
from .documents import FORMATS, document_name
from .failures import Failure
from .jobs import Kind


class Status(StrEnum):
    """What became of a page in a batch (the values are what manifest.json says)."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # unchanged since its last good rendering


STATUS_NAMES = {Status.OK: "成功", Status.FAILED: "失败", Status.SKIPPED: "未变化，跳过"}
@dataclass
class Entry:
    """One page of a batch — a department-year's report, a monitoring report or a year's overview — as the
    index, summary and manifest show it."""

    code: str
    year: int
    status: Status
    seconds: float = 0.0
    error: str | None = None
    error_kind: Failure | None = None
    summary: dict[str, Any] | None = None  # the inputs' JSON (Evaluation.to_dict()), when they validated
    has_report: bool = False  # a (possibly older) page exists
    fingerprint: str | None = None
    kind: Kind = Kind.REPORT
    documents: tuple[str, ...] = ()  # formats besides HTML present beside the page (docx …)
    month: int = 0  # a monitoring report's month
    document_errors: dict[str, str] = field(default_factory=dict)  # format → why it could not be made
    page: str = ""  # the page, relative to the outputs folder ("" : the department-year's report.html)
    project: str = ""  # a project form's key (its file's name), "" for any other page

    def __post_init__(self) -> None:
        self.status, self.kind = Status(self.status), Kind(self.kind)
        if self.error_kind is not None:
            self.error_kind = Failure(self.error_kind)

    @property
    def department(self) -> str:
        return (self.summary or {}).get("department") or self.code

    @property
    def project_name(self) -> str:
        """A project form's 项目名称 (its key when it did not validate)."""
        return (self.summary or {}).get("project") or self.project

    @property
    def report_href(self) -> str:
        return self.page or f"{self.code}/{self.year}/report.html"

    def document_href(self, fmt: str) -> str:
        """A document beside the page: in the page's folder."""
        return f"{self.report_href.rpartition('/')[0]}/{document_name(fmt, self.month)}"


def manifest(entries: Sequence[Entry], *, started: str, finished: str, seconds: float, engine: str) -> str:
    """manifest.json: per report its status, seconds and error."""
    return json.dumps({
        "started": started, "finished": finished, "seconds": round(seconds, 3), "engine": engine,
        "counts": {s: sum(1 for e in entries if e.status is s and e.kind is Kind.REPORT) for s in Status},
        "reports": [
            {"department": e.code, "name": e.department, "year": e.year, "status": e.status,
             "seconds": round(e.seconds, 3), "error": e.error, "error_kind": e.error_kind,
             "report": e.report_href if e.has_report else None, "fingerprint": e.fingerprint,
             "documents": {fmt: e.document_href(fmt) for fmt in e.documents},
             "document_errors": e.document_errors}
            for e in entries if e.kind is Kind.REPORT
        ],
        "projects": [
            {"department": e.code, "year": e.year, "project": e.project_name, "key": e.project, "status": e.status,
             "seconds": round(e.seconds, 3), "error": e.error, "error_kind": e.error_kind,
             "report": e.report_href if e.has_report else None, "fingerprint": e.fingerprint,
             "documents": {fmt: e.document_href(fmt) for fmt in e.documents},
             "document_errors": e.document_errors}
            for e in entries if e.kind is Kind.PROJECT
        ],
        "overviews": [
            {"year": e.year, "status": e.status, "seconds": round(e.seconds, 3), "error": e.error,
             "error_kind": e.error_kind, "overview": e.report_href if e.has_report else None}
            for e in entries if e.kind is Kind.OVERVIEW
        ],
        "monitoring": [
            {"department": e.code, "year": e.year, "month": e.month, "status": e.status,
             "seconds": round(e.seconds, 3), "error": e.error, "error_kind": e.error_kind,
             "report": e.report_href if e.has_report else None,
             "documents": {fmt: e.document_href(fmt) for fmt in e.documents},
             "document_errors": e.document_errors}
            for e in entries if e.kind is Kind.MONITOR
        ],
    }, ensure_ascii=False, indent=2)


@dataclass
class IndexInfo:
    title: str = "部门整体支出绩效自评报告汇总"
    generated: str = ""
    seconds: float = 0.0
    monitor_overviews: list[tuple[int, int, str]] = field(default_factory=list)  # (year, month, href)
    review_pages: list[tuple[int, str]] = field(default_factory=list)  # (year, href): perflib review's pages


#: what ``perflib review`` replaces in an index written before its pages were: the links to them
REVIEW_LINKS = re.compile(r"<!--pf-review-->.*?<!--/pf-review-->", re.S)
REVIEW_PAGE = re.compile(r"^review-(\d{4})\.html$")


def review_pages(out: Path) -> list[tuple[int, str]]:
    """The review pages (``review-<year>.html``) in ``out``, by year: (year, href)."""
    found = [(int(m[1]), p.name) for p in out.glob("review-*.html") if (m := REVIEW_PAGE.match(p.name))]
    return sorted(found)


def review_links(pages: Sequence[tuple[int, str]]) -> str:
    """The index's paragraph of links to the review pages, between markers :func:`refresh_review_links` finds."""
    inner = (str(para("复核疑点清单：", *(join(tag("a", f"{y} 年度", href=href), "　") for y, href in pages),
                      cls="pf-noindent")) if pages else "")
    return f"<!--pf-review-->{inner}<!--/pf-review-->"


def refresh_review_links(out: Path) -> bool:
    """Link the review pages now in ``out`` from its index.html (written by an earlier batch); False when there is
    no index or it has no place for them (an index of an older perflib: the next batch writes one)."""
    index = out / "index.html"
    if not index.is_file():
        return False
    text = index.read_text(encoding="utf-8")
    if not REVIEW_LINKS.search(text):
        return False
    write_atomic(index, REVIEW_LINKS.sub(lambda _: review_links(review_pages(out)), text, count=1))
    return True


def index_html(entries: Sequence[Entry], info: IndexInfo) -> str:
    """outputs/index.html: the yearly overviews, then every report, failed ones first with their error."""
    reports = [e for e in entries if e.kind is Kind.REPORT]
    overviews = sorted((e for e in entries if e.kind is Kind.OVERVIEW), key=lambda e: e.year)
    failed = [e for e in reports if e.status is Status.FAILED]
    rest = sorted((e for e in reports if e.status is not Status.FAILED), key=lambda e: (e.code, e.year))
    counts = {s: sum(1 for e in reports if e.status is s) for s in Status}
    intro = (f"共 {len(reports)} 份报告：成功 {counts[Status.OK]}，失败 {counts[Status.FAILED]}，"
             f"未变化跳过 {counts[Status.SKIPPED]}。")
    n_projects = sum(1 for e in entries if e.kind is Kind.PROJECT)
    if n_projects:
        bad = sum(1 for e in entries if e.kind is Kind.PROJECT and e.status is Status.FAILED)
        intro += (f"项目支出绩效自评 {n_projects} 份（列在所属部门年度之下" + (f"，失败 {bad}" if bad else "")
                  + "）。")
    intro += f"生成时间 {info.generated}，用时 {info.seconds:.1f} 秒。"
    projects: dict[tuple[str, int], list[Entry]] = {}
    for e in sorted((e for e in entries if e.kind is Kind.PROJECT), key=lambda e: (e.code, e.year, e.project)):
        projects.setdefault((e.code, e.year), []).append(e)
    rows, classes = [], []
    for e in [*sorted(failed, key=lambda e: (e.code, e.year)), *rest]:
        rows.append(_row(e, e.department))
        classes.append("pf-failed" if e.status is Status.FAILED else None)
        for p in projects.pop((e.code, e.year), []):  # a department-year's projects under it
            rows.append(_row(p, join("　项目：", p.project_name)))
            classes.append("pf-failed pf-project" if p.status is Status.FAILED else "pf-project")
    for _, alone in sorted(projects.items()):  # projects of a department-year not in this batch
        for p in alone:
            rows.append(_row(p, join(f"{p.department}　项目：", p.project_name)))
            classes.append("pf-failed pf-project" if p.status is Status.FAILED else "pf-project")
    body = [tag("h1", info.title), para(intro, cls="pf-noindent")]
    if overviews:
        links = []
        for e in overviews:
            label = f"{e.year} 年度总览"
            item: object = tag("a", label, href=e.report_href) if e.has_report else label
            if e.status is Status.FAILED:
                item = join(item, "（本次渲染失败：", e.error or "", "）")
            links.append(join(item, "　"))
        body.append(para("年度总览：", *links, cls="pf-noindent"))
    body.append(HTML(review_links(info.review_pages)))
    body.append(table(["部门", "代码", "年度", "总分", "等级", "审核发现", "状态", "报告"], rows, numeric=[2, 3],
                      row_classes=classes, cls="pf-index"))
    monitors = sorted((e for e in entries if e.kind is Kind.MONITOR),
                      key=lambda e: (e.status is not Status.FAILED, e.code, e.year, e.month))
    if monitors:
        body.append(tag("h2", "绩效运行监控"))
        if info.monitor_overviews:
            links = [join(tag("a", f"{y} 年 1–{m} 月总览", href=href), "　") for y, m, href in info.monitor_overviews]
            body.append(para("监控总览：", *links, cls="pf-noindent"))
        rows = []
        for e in monitors:
            link: object = tag("a", "打开监控报告", href=e.report_href) if e.has_report else "—"
            link, status = _with_documents(e, link)
            rows.append([(e.summary or {}).get("department") or e.code, e.code, e.year, f"1–{e.month} 月",
                         (e.summary or {}).get("lights", "—"), status, link])
        body.append(table(["部门", "代码", "年度", "期间", "预警", "状态", "报告"], rows, numeric=[2],
                          row_classes=["pf-failed" if e.status is Status.FAILED else None for e in monitors],
                          cls="pf-index"))
    return page(info.title, join(*body))


def _row(e: Entry, name: object) -> list[object]:
    """A report's (or a project form's) row of the index: its scores, findings, status and links."""
    s = e.summary or {}
    levels = [f["level"] for f in s.get("findings", [])]
    findings = (f"{len(levels)}（" + "，".join(f"{name} {levels.count(level)}" for level, name in LEVEL_NAMES.items())
                + "）" if s else "—")
    link: object = tag("a", "打开报告", href=e.report_href) if e.has_report else "—"
    if e.status is Status.FAILED and e.has_report:
        link = tag("a", "上次成功的报告", href=e.report_href)
    link, status = _with_documents(e, link)
    if e.kind is Kind.PROJECT and not e.has_report and e.status is not Status.FAILED:
        status = join(status, "（已评分，未渲染报告：加 --projects）")
    total = s.get("total")
    return [name, e.code, e.year, fmt_number(total) if total is not None else "—", s.get("grade", "—"), findings,
            status, link]


def _with_documents(e: Entry, link: object) -> tuple[object, object]:
    """An index row's link cell with the documents beside the page (Word, PDF, 自评表), and its status cell
    with the error and the documents that could not be made."""
    if e.documents and e.has_report:
        link = join(link, *(join("　", tag("a", FORMATS[fmt][1], href=e.document_href(fmt))) for fmt in e.documents))
    status: object = STATUS_NAMES[e.status]
    if e.error:
        status = join(tag("strong", status), tag("div", e.error, cls="pf-error"))
    if e.document_errors:
        status = join(status, tag("div", "；".join(f"{FORMATS[f][1]} 未能生成：{why}"
                                                 for f, why in e.document_errors.items()), cls="pf-error"))
    return link, status


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from a file, or None when missing, unreadable or not an object (a sidecar is a cache,
    never authoritative)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None

