"""``summary.csv`` and ``summary.xlsx``: one row per department-year, every node's score and key metrics.

Amounts are in 万元 whatever unit a department's file is written in (a file in 元 is converted), so
one column never mixes units. Every number is rounded half-up, as the scoring rules round.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..audit import LEVEL_NAMES, LEVELS
from ..numbers import quantize
from .outputs import STATUS_NAMES, Entry

#: The unit of every amount in the summaries, and how many of a file's unit make one of it.
SUMMARY_UNIT = "万元"
UNIT_FACTORS = {"万元": Decimal(1), "元": Decimal(10000)}

AMOUNT_COLUMNS = (
    (f"年初预算（{SUMMARY_UNIT}）", "initial_budget"), (f"调整后预算（{SUMMARY_UNIT}）", "adjusted_budget"),
    (f"支出（{SUMMARY_UNIT}）", "spent"),
)
RATE_COLUMNS = (
    ("年度预算执行率（%）", "execution_rate"), ("年度评价执行率（%）", "evaluation_rate"),
    ("预算调整率（%）", "budget_adjustment_rate"),
)
METRIC_COLUMNS = AMOUNT_COLUMNS + RATE_COLUMNS
TEXT_COLUMNS = ("部门代码", "部门名称", "评价框架", "状态", "等级", "报告")
COUNT_COLUMNS = ("年度", *(LEVEL_NAMES[level] for level in LEVELS))


def _node_columns(entries: Sequence[Entry]) -> list[str]:
    columns: list[str] = []
    for e in entries:
        for node in (e.summary or {}).get("nodes", []):
            if node["kind"] not in ("indicator",) and node["name"] not in columns:
                columns.append(node["name"])
    return columns


def _in_summary_unit(value: float | None, unit: str) -> float | None:
    """An amount from a department's file in the summary's unit (exact to the file's 0.01)."""
    if value is None or unit == SUMMARY_UNIT:
        return value
    return float(Decimal(repr(value)) / UNIT_FACTORS[unit])


def summary_rows(entries: Sequence[Entry]) -> tuple[list[str], list[list[Any]]]:
    """The summary table: one row per department-year, every node's score and the key metrics."""
    nodes = _node_columns(entries)
    headers = ["部门代码", "部门名称", "年度", "评价框架", "状态", "总分", "等级", *nodes,
               *(h for h, _ in METRIC_COLUMNS), *(LEVEL_NAMES[level] for level in LEVELS), "报告"]
    rows = []
    for e in sorted(entries, key=lambda e: (e.code, e.year)):
        s = e.summary or {}
        scores = {n["name"]: n["score"] for n in s.get("nodes", [])}
        metrics = s.get("metrics", {})
        unit = s.get("money_unit", SUMMARY_UNIT)
        levels = [f["level"] for f in s.get("findings", [])]
        rows.append([
            e.code, s.get("department", ""), e.year, s.get("framework", ""), STATUS_NAMES[e.status],
            s.get("total"), s.get("grade", ""), *(scores.get(n) for n in nodes),
            *(_in_summary_unit(metrics.get(k), unit) for _, k in AMOUNT_COLUMNS),
            *(metrics.get(k) for _, k in RATE_COLUMNS),
            *(levels.count(lv) if s else None for lv in LEVELS),
            e.report_href if e.has_report else "",
        ])
    return headers, rows


def _two_decimals(value: float) -> str:
    """A number with two decimals, rounded half-up from its shortest decimal form (1234.125 → 1234.13)."""
    return f"{quantize(Decimal(repr(value)), 2):f}"


def summary_csv(entries: Sequence[Entry]) -> str:
    """summary.csv (UTF-8 with BOM so that Excel opens the Chinese headers correctly)."""
    headers, rows = summary_rows(entries)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _two_decimals(v) if isinstance(v, float) else v for v in row])
    return "\ufeff" + buf.getvalue()


def summary_workbook(entries: Sequence[Entry]) -> bytes:
    """summary.xlsx: the rows of summary.csv, a sheet for all years and one per year."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ..present.xlsx import AMOUNT_FORMAT, GRADE_FILLS, HEADER_FILL, PERCENT_FORMAT, column_width, save

    headers, rows = summary_rows(entries)
    percent_columns = {h for h, _ in RATE_COLUMNS}
    amount_columns = {h for h, _ in AMOUNT_COLUMNS}
    wb = Workbook()
    wb.remove(wb.active)
    year_col = headers.index("年度")
    for title, subset in [("全部年度", rows), *[(f"{y}年", [r for r in rows if r[year_col] == y])
                                             for y in sorted({r[year_col] for r in rows})]]:
        ws = wb.create_sheet(title)
        for c, header in enumerate(headers, 1):
            cell = ws.cell(row=1, column=c, value=header)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, row in enumerate(subset, 2):
            for c, (header, value) in enumerate(zip(headers, row), 1):
                if header in percent_columns and value is not None:
                    value = value / 100
                cell = ws.cell(row=r, column=c, value=value)
                if header in percent_columns:
                    cell.number_format = PERCENT_FORMAT
                elif header in amount_columns:
                    cell.number_format = AMOUNT_FORMAT
                elif header not in TEXT_COLUMNS and header not in COUNT_COLUMNS:
                    cell.number_format = "0.00"
                if header == "等级" and value in GRADE_FILLS:
                    cell.fill = PatternFill("solid", fgColor=GRADE_FILLS[value])
                    cell.alignment = Alignment(horizontal="center")
        ws.freeze_panes = "C2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(subset) + 1, 1)}"
        for c, header in enumerate(headers, 1):
            texts = [header] + [_display(row[c - 1], header in percent_columns) for row in subset]
            ws.column_dimensions[get_column_letter(c)].width = column_width(texts)
    return save(wb)


def _display(value: object, percent: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{_two_decimals(value)}%" if percent else f"{quantize(Decimal(repr(value)), 2):,f}"
    return str(value)
