"""``summary.csv`` and ``summary.xlsx``: the portfolio table of the batch, one row per department-year.

The table is :func:`perflib.portfolio.table` — the same rows ``perflib.portfolio(...)`` gives an analyst —
built from the JSON form the batch keeps for every report (so a report skipped as unchanged is not scored
again), with the batch's own columns: 状态 and the link to the report. Amounts are in 万元 whatever unit a
department's file is written in, so one column never mixes units; every number is rounded half-up to two
decimals. Headers are the Chinese labels of :data:`perflib.frames.LABELS`.

The project self-evaluations have a table of their own, ``summary-projects.csv`` (and the sheets 项目 and
项目汇总 of summary.xlsx): one row per project form, :func:`perflib.portfolio.projects_frame`'s columns with
状态 and the link to its report (when rendered); the department-year columns are not changed by them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..frames import LABELS, typed
from ..portfolios import AMOUNTS, COUNTS, PROJECT_COLUMNS, RATES, project_summary_row, rollup, summary_row, table
from .outputs import STATUS_NAMES, Entry

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Where the summary's header differs from the portfolio's label: it is the year's rate, as the form says.
HEADERS = {**LABELS, "execution_rate": "年度预算执行率（%）", "adjustment_rate": "预算调整率（%）"}
TEXT = ("code", "department", "framework", "status", "grade", "reviewed_grade", "report", "project", "implementer", "main_finding",
        "error", "file")
PERCENT = tuple(c for c, _ in RATES)
AMOUNT = tuple(c for c, _ in AMOUNTS)
WHOLE = ("year", *COUNTS, "findings", "projects", "invalid", "优", "良", "中", "差")
HEAD = ("code", "department", "year", "framework", "status", "total", "grade")


def summary_frame(entries: Sequence[Entry]) -> pd.DataFrame:
    """The summary as a DataFrame with English columns (see :func:`perflib.portfolio.summary_row`), sorted by
    code and year, with ``status`` after ``framework`` and ``report`` (the report's link) last."""
    import pandas as pd

    ordered = sorted(entries, key=lambda e: (e.code, e.year))
    rows = []
    for e in ordered:
        row: dict[str, Any] = {"code": e.code, "department": "", "year": e.year, "framework": "",
                               "status": STATUS_NAMES[e.status]}
        if e.summary:  # a department-year that failed has no scores: its counts stay empty, not 0
            row.update((k, v) for k, v in summary_row(e.summary).items() if k not in ("code", "year"))
        rows.append(row)
    if not rows:
        return typed(pd.DataFrame(columns=[*HEAD, *AMOUNT, *PERCENT, *COUNTS, "report"]))
    frame = table(rows, tail=[*AMOUNT, *PERCENT, *COUNTS])
    frame["report"] = [e.report_href if e.has_report else "" for e in ordered]
    return frame


def projects_summary_frame(entries: Sequence[Entry]) -> pd.DataFrame:
    """One row per project form of the batch, by code, year and project: :func:`perflib.portfolio.projects_frame`'s
    columns (without ``error`` and ``file``) with ``status`` after ``grade`` and ``report`` (its page, when
    rendered) last. A form that did not validate is named by its file and scores nothing."""
    import pandas as pd

    columns = [c for c in PROJECT_COLUMNS if c not in ("error", "file")]
    columns.insert(columns.index("grade") + 1, "status")
    rows = []
    for e in sorted(entries, key=lambda e: (e.code, e.year, e.project)):
        row: dict[str, Any] = {"code": e.code, "year": e.year, "project": e.project_name}
        if e.summary:
            row.update((k, v) for k, v in project_summary_row(e.summary).items() if k not in ("code", "year"))
        rows.append({**row, "status": STATUS_NAMES[e.status], "report": e.report_href if e.has_report else ""})
    return typed(pd.DataFrame(rows, columns=[*columns, "report"]))


def projects_csv(entries: Sequence[Entry]) -> str:
    """summary-projects.csv: :func:`projects_summary_frame` as summary.csv is written."""
    return _csv(projects_summary_frame(entries))


def summary_rows(entries: Sequence[Entry]) -> tuple[list[str], list[list[Any]]]:
    """The summary as Chinese headers and rows of plain values (None where empty)."""
    frame = summary_frame(entries)
    rows = [[None if _missing(v) else v for v in r] for r in frame.itertuples(index=False)]
    return [HEADERS.get(c, c) for c in frame.columns], rows


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def summary_csv(entries: Sequence[Entry]) -> str:
    """summary.csv (UTF-8 with BOM so that Excel opens the Chinese headers correctly); numbers with two
    decimals (already rounded half-up), counts and years as integers; a text that a spreadsheet would take
    for a formula is written as text (see :func:`spreadsheet_safe`)."""
    return _csv(summary_frame(entries))


def _csv(frame: pd.DataFrame) -> str:
    import pandas as pd

    for column in frame.columns:  # every text: strings, and categories (a framework's own grade names)
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(spreadsheet_safe)
    return "\ufeff" + frame.rename(columns=HEADERS).to_csv(index=False, float_format="%.2f", lineterminator="\n")


#: what a spreadsheet reads as the start of a formula (or a command) in a CSV cell
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_safe(value: object) -> object:
    """A text cell that begins like a formula (``=HYPERLINK(…)``, ``+1``, ``@SUM``) with a leading apostrophe,
    as spreadsheet-safe CSV writers do (OWASP "CSV injection"), so Excel and WPS show it as the text it is;
    any other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def summary_workbook(entries: Sequence[Entry], projects: Sequence[Entry] = ()) -> bytes:
    """summary.xlsx: the rows of summary.csv, a sheet for all years and one per year, styled for print and
    filtering: numbers as numbers (rates as Excel percentages), grades filled, header frozen; with project
    forms, a sheet 项目 (the rows of summary-projects.csv) and 项目汇总 (:func:`perflib.portfolio.rollup`)."""
    import io

    import pandas as pd

    frame = summary_frame(entries)
    sheets = [("全部年度", frame), *[(f"{y}年", frame[frame.year == y]) for y in sorted(frame.year.dropna().unique())]]
    if projects:
        listed = projects_summary_frame(projects)
        sheets += [("项目", listed), ("项目汇总", rollup(listed.assign(error=None)))]
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for title, subset in sheets:
            _sheet(writer, title, subset)
    return buf.getvalue()


def _sheet(writer, title: str, frame: pd.DataFrame) -> None:  # a pandas ExcelWriter
    """One styled sheet of summary.xlsx."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ..present.xlsx import AMOUNT_FORMAT, GRADE_FILLS, HEADER_FILL, PERCENT_FORMAT, column_width, no_formulas

    shown = frame.copy()
    for c in PERCENT:
        if c in shown.columns:
            shown[c] = shown[c] / 100
    formats = {c: PERCENT_FORMAT for c in PERCENT} | {c: AMOUNT_FORMAT for c in AMOUNT}
    shown.rename(columns=HEADERS).to_excel(writer, sheet_name=title, index=False)
    ws = writer.sheets[title]
    for c, column in enumerate(frame.columns, 1):
        head = ws.cell(row=1, column=c)
        head.font = Font(bold=True)
        head.fill = HEADER_FILL
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        number_format = formats.get(column, None if column in TEXT or column in WHOLE else "0.00")
        for r in range(2, len(frame) + 2):
            cell = ws.cell(row=r, column=c)
            if number_format:
                cell.number_format = number_format
            if column in ("grade", "reviewed_grade") and cell.value in GRADE_FILLS:
                cell.fill = PatternFill("solid", fgColor=GRADE_FILLS[cell.value])
                cell.alignment = Alignment(horizontal="center")
        texts = [HEADERS.get(column, column), *(_display(v, column) for v in frame[column])]
        ws.column_dimensions[get_column_letter(c)].width = column_width(texts)
    ws.freeze_panes = "C2"
    no_formulas(ws)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"


def _display(value: object, column: str) -> str:
    """How a cell reads in Excel, for its column's width."""
    if _missing(value):
        return ""
    if column in PERCENT:
        return f"{value:.2f}%"
    if column in AMOUNT:
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
