"""Writing the batch's outputs: atomic files, the index page, summary.csv and manifest.json.

Every file is written to a temporary name in the same folder and renamed into place, so a reader
never sees half a file and a crash (or a full disk) leaves the previous version intact.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RunError
from .html import join, para, table, tag
from .numbers import fmt_number
from .render import page

STATUS_NAMES = {"ok": "成功", "failed": "失败", "skipped": "未变化，跳过"}
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``; on error the old file stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; reports are meant to be read by others
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise RunError(f"{path}: 写入失败（{exc.strerror or exc}），原文件未改动") from exc


@dataclass
class Entry:
    """One department-year of a batch, as the index, summary and manifest show it."""

    code: str
    year: int
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    error: str | None = None
    error_kind: str | None = None  # input, cell, timeout, dead_kernel, interrupted, internal
    summary: dict[str, Any] | None = None  # Evaluation.to_dict() of the inputs, when they validated
    has_report: bool = False  # a (possibly older) report.html exists
    fingerprint: str | None = None
    kind: str = "report"  # or "overview"

    @property
    def key(self) -> str:
        return f"report/{self.code}/{self.year}" if self.kind == "report" else f"overview/{self.year}"

    @property
    def department(self) -> str:
        return (self.summary or {}).get("department") or self.code

    @property
    def report_href(self) -> str:
        return f"{self.code}/{self.year}/report.html" if self.kind == "report" else f"overview-{self.year}.html"


def manifest(entries: Sequence[Entry], *, started: str, finished: str, seconds: float, engine: str) -> str:
    """manifest.json: per report its status, seconds and error."""
    return json.dumps({
        "started": started, "finished": finished, "seconds": round(seconds, 3), "engine": engine,
        "counts": {s: sum(1 for e in entries if e.status == s and e.kind == "report") for s in STATUS_NAMES},
        "reports": [
            {"department": e.code, "name": e.department, "year": e.year, "status": e.status,
             "seconds": round(e.seconds, 3), "error": e.error, "error_kind": e.error_kind,
             "report": e.report_href if e.has_report else None, "fingerprint": e.fingerprint}
            for e in entries if e.kind == "report"
        ],
        "overviews": [
            {"year": e.year, "status": e.status, "seconds": round(e.seconds, 3), "error": e.error,
             "error_kind": e.error_kind, "overview": e.report_href if e.has_report else None}
            for e in entries if e.kind == "overview"
        ],
    }, ensure_ascii=False, indent=2)


def _node_columns(entries: Sequence[Entry]) -> list[str]:
    columns: list[str] = []
    for e in entries:
        for node in (e.summary or {}).get("nodes", []):
            if node["kind"] not in ("indicator",) and node["name"] not in columns:
                columns.append(node["name"])
    return columns


METRIC_COLUMNS = (
    ("年初预算（万元）", "initial_budget"), ("调整后预算（万元）", "adjusted_budget"), ("支出（万元）", "spent"),
    ("年度预算执行率（%）", "execution_rate"), ("年度评价执行率（%）", "evaluation_rate"),
    ("预算调整率（%）", "budget_adjustment_rate"),
)


def summary_rows(entries: Sequence[Entry]) -> tuple[list[str], list[list[Any]]]:
    """The summary table: one row per department-year, every node's score and the key metrics."""
    nodes = _node_columns(entries)
    headers = ["部门代码", "部门名称", "年度", "评价框架", "状态", "总分", "等级", *nodes,
               *(h for h, _ in METRIC_COLUMNS), "错误", "警示", "提示", "报告"]
    rows = []
    for e in sorted(entries, key=lambda e: (e.code, e.year)):
        s = e.summary or {}
        scores = {n["name"]: n["score"] for n in s.get("nodes", [])}
        metrics = s.get("metrics", {})
        levels = [f["level"] for f in s.get("findings", [])]
        rows.append([
            e.code, s.get("department", ""), e.year, s.get("framework", ""), STATUS_NAMES[e.status],
            s.get("total"), s.get("grade", ""), *(scores.get(n) for n in nodes),
            *(metrics.get(k) for _, k in METRIC_COLUMNS),
            *(levels.count(lv) if s else None for lv in ("error", "warning", "info")),
            e.report_href if e.has_report else "",
        ])
    return headers, rows


def summary_csv(entries: Sequence[Entry]) -> str:
    """summary.csv (UTF-8 with BOM so that Excel opens the Chinese headers correctly)."""
    headers, rows = summary_rows(entries)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else f"{v:.2f}" if isinstance(v, float) else v for v in row])
    return "\ufeff" + buf.getvalue()


@dataclass
class IndexInfo:
    title: str = "部门整体支出绩效自评报告汇总"
    generated: str = ""
    seconds: float = 0.0


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
        findings = f"{len(levels)}（错误 {levels.count('error')}，警示 {levels.count('warning')}）" if s else "—"
        link: object = tag("a", "打开报告", href=e.report_href) if e.has_report else "—"
        if e.status == "failed" and e.has_report:
            link = tag("a", "上次成功的报告", href=e.report_href)
        status: object = STATUS_NAMES[e.status]
        if e.error:
            status = join(tag("strong", status), tag("div", e.error, cls="pf-error"))
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
    return page(info.title, join(*body))


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON file, or None when missing or unreadable (a sidecar is a cache, never authoritative)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

