"""The batch's own outputs: the index page and manifest.json (each written with :func:`perflib.files.write_atomic`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..audit import LEVEL_NAMES
from ..numbers import fmt_number
from ..present.html import join, para, table, tag
from ..present.page import page
from .documents import FORMATS, document_name
from .failures import Failure

STATUS_NAMES = {"ok": "成功", "failed": "失败", "skipped": "未变化，跳过"}
@dataclass
class Entry:
    """One department-year of a batch, as the index, summary and manifest show it."""

    code: str
    year: int
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    error: str | None = None
    error_kind: Failure | None = None
    summary: dict[str, Any] | None = None  # Evaluation.to_dict() of the inputs, when they validated
    has_report: bool = False  # a (possibly older) report.html exists
    fingerprint: str | None = None
    kind: str = "report"  # or "overview"
    documents: tuple[str, ...] = ()  # formats besides HTML present beside the report (docx …)
    month: int = 0  # a monitoring report's month
    document_errors: dict[str, str] = field(default_factory=dict)  # format → why it could not be made

    @property
    def key(self) -> str:
        if self.kind == "monitor":
            return f"monitor/{self.code}/{self.year}/{self.month:02d}"
        return f"report/{self.code}/{self.year}" if self.kind == "report" else f"overview/{self.year}"

    @property
    def department(self) -> str:
        return (self.summary or {}).get("department") or self.code

    @property
    def report_href(self) -> str:
        if self.kind == "monitor":
            return f"{self.code}/{self.year}/monitor-{self.month:02d}.html"
        return f"{self.code}/{self.year}/report.html" if self.kind == "report" else f"overview-{self.year}.html"

    def document_href(self, fmt: str) -> str:
        return f"{self.code}/{self.year}/{document_name(fmt, self.month)}"


def manifest(entries: Sequence[Entry], *, started: str, finished: str, seconds: float, engine: str) -> str:
    """manifest.json: per report its status, seconds and error."""
    return json.dumps({
        "started": started, "finished": finished, "seconds": round(seconds, 3), "engine": engine,
        "counts": {s: sum(1 for e in entries if e.status == s and e.kind == "report") for s in STATUS_NAMES},
        "reports": [
            {"department": e.code, "name": e.department, "year": e.year, "status": e.status,
             "seconds": round(e.seconds, 3), "error": e.error, "error_kind": e.error_kind,
             "report": e.report_href if e.has_report else None, "fingerprint": e.fingerprint,
             "documents": {fmt: e.document_href(fmt) for fmt in e.documents},
             "document_errors": e.document_errors}
            for e in entries if e.kind == "report"
        ],
        "overviews": [
            {"year": e.year, "status": e.status, "seconds": round(e.seconds, 3), "error": e.error,
             "error_kind": e.error_kind, "overview": e.report_href if e.has_report else None}
            for e in entries if e.kind == "overview"
        ],
        "monitoring": [
            {"department": e.code, "year": e.year, "month": e.month, "status": e.status,
             "seconds": round(e.seconds, 3), "error": e.error, "error_kind": e.error_kind,
             "report": e.report_href if e.has_report else None,
             "documents": {fmt: e.document_href(fmt) for fmt in e.documents},
             "document_errors": e.document_errors}
            for e in entries if e.kind == "monitor"
        ],
    }, ensure_ascii=False, indent=2)


@dataclass
class IndexInfo:
    title: str = "部门整体支出绩效自评报告汇总"
    generated: str = ""
    seconds: float = 0.0
    monitor_overviews: list[tuple[int, int, str]] = field(default_factory=list)  # (year, month, href)


def index_html(entries: Sequence[Entry], info: IndexInfo) -> str:
    """outputs/index.html: the yearly overviews, then every report, failed ones first with their error."""
    reports = [e for e in entries if e.kind == "report"]
    overviews = sorted((e for e in entries if e.kind == "overview"), key=lambda e: e.year)
    failed = [e for e in reports if e.status == "failed"]
    rest = sorted((e for e in reports if e.status != "failed"), key=lambda e: (e.code, e.year))
    counts = {s: sum(1 for e in reports if e.status == s) for s in STATUS_NAMES}
    intro = (f"共 {len(reports)} 份报告：成功 {counts['ok']}，失败 {counts['failed']}，"
             f"未变化跳过 {counts['skipped']}。生成时间 {info.generated}，用时 {info.seconds:.1f} 秒。")
    rows = []
    for e in [*sorted(failed, key=lambda e: (e.code, e.year)), *rest]:
        s = e.summary or {}
        levels = [f["level"] for f in s.get("findings", [])]
        findings = (f"{len(levels)}（{LEVEL_NAMES['error']} {levels.count('error')}，"
                    f"{LEVEL_NAMES['warning']} {levels.count('warning')}）" if s else "—")
        link: object = tag("a", "打开报告", href=e.report_href) if e.has_report else "—"
        if e.status == "failed" and e.has_report:
            link = tag("a", "上次成功的报告", href=e.report_href)
        link, status = _with_documents(e, link)
        total = s.get("total")
        rows.append([e.department, e.code, e.year, fmt_number(total) if total is not None else "—",
                     s.get("grade", "—"), findings, status, link])
    body = [tag("h1", info.title), para(intro, cls="pf-noindent")]
    if overviews:
        links = []
        for e in overviews:
            label = f"{e.year} 年度总览"
            item: object = tag("a", label, href=e.report_href) if e.has_report else label
            if e.status == "failed":
                item = join(item, "（本次渲染失败：", e.error or "", "）")
            links.append(join(item, "　"))
        body.append(para("年度总览：", *links, cls="pf-noindent"))
    body.append(table(["部门", "代码", "年度", "总分", "等级", "审核发现", "状态", "报告"], rows, numeric=[2, 3],
                      row_classes=["pf-failed"] * len(failed), cls="pf-index"))
    monitors = sorted((e for e in entries if e.kind == "monitor"), key=lambda e: (e.status != "failed", e.code,
                                                                                 e.year, e.month))
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
                          row_classes=["pf-failed" if e.status == "failed" else None for e in monitors],
                          cls="pf-index"))
    return page(info.title, join(*body))


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
    """A JSON file, or None when missing or unreadable (a sidecar is a cache, never authoritative)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

