"""The reviewer's workbook (复核表): the bureau's reviewer scores each row of the forms handed in.

``perflib review-template --year 2023 --to 复核表.xlsx`` writes one sheet per form — a department-year's, and
with ``--projects`` each project's — headed by the department, year and project and a key cell (表键) naming
the form; below, every scored row of the form (its 一级, 二级 and 指标, its 分值, the department's 自评分 and
perflib's 规则分), values only, protected but for the two columns the reviewer fills in: 复核分 and 复核意见.

``perflib review-import 复核表.xlsx`` reads them back into ``<params>/<code>/review/…`` (see
:mod:`perflib.reviewer.scores`), never into the department's file. Every problem names the file, the sheet
and cell, what was expected and what was found; nothing is written unless every sheet reads. A blank 复核分
means the reviewer accepts perflib's rule score (规则分) for the row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputError, InputErrors, PerflibError
from ..evaluation import Evaluation, evaluate
from ..inputs.locate import PROJECTS_DIR
from ..inputs.params import project_key
from ..inputs.schema import CODE_PATTERN
from ..numbers import fmt_points
from ..present.xlsx import HEADER_FILL, THIN, print_landscape, save
from ..reviewer.rows import Row, rows
from ..reviewer.scores import ReviewFile, review_file
from ..text import display_width
from .sheets import Column, Reader, blank, open_filled, yaml_text

#: The header block: label (column A) → what the cell beside it (column B) holds.
KEY_CELL = "B5"
REVIEWER_CELL = "B6"
DATE_LABEL_CELL, DATE_CELL = "C6", "D6"  # 复核日期 beside 复核人; blank: the day of the import
_DATE = re.compile(r"^\s*(\d{4})\s*[-年./／]\s*(\d{1,2})\s*[-月./／]\s*(\d{1,2})\s*日?\s*$")
HEADER_ROW = 9
COLUMNS = (
    Column("行次", "index", "int", 8), Column("一级", "top", width=14), Column("二级", "middle", width=18),
    Column("指标", "name", width=46), Column("分值", "max", "number", 8), Column("自评分", "self", "number", 9),
    Column("规则分", "rule", "number", 9), Column("复核分", "score", "number", 9),
    Column("复核意见", "comment", width=40), Column("路径", "path", width=30),
)
SCORE_COL, COMMENT_COL, PATH_COL = 8, 9, 10
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # what the reviewer fills in
GIVEN_FONT = Font(color="595959")
NOTE = ("只填浅黄色的「复核分」「复核意见」两列（及复核人、复核日期）；其余为自评表所载，已锁定。复核分留空即认可规则分；"
        "复核分与自评分不同时请填写复核意见。复核日期留空即按导入当天。")
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------------- the key of a form


def form_key(ev: Evaluation) -> str:
    """The key cell's text: the form's file under the params folder, without .yaml —
    ``<code>/<year>`` or ``<code>/projects/<year>/<project key>``."""
    if ev.project:
        return f"{ev.code}/{PROJECTS_DIR}/{ev.year}/{Path(ev.path).stem}"
    return f"{ev.code}/{ev.year}"


_KEY = re.compile(rf"^(?P<code>{CODE_PATTERN[1:-1]})/(?:(?P<year>\d{{4}})|{PROJECTS_DIR}/(?P<pyear>\d{{4}})/(?P<key>[^/]+))$")


def form_of_key(key: str, params_dir: Path) -> Path | None:
    """The form file a key names, when the key is one (a project key as :func:`project_key` makes it)."""
    match = _KEY.match(key)
    if match is None:
        return None
    if match["key"] is not None:
        try:
            if project_key(match["key"]) != match["key"]:
                return None
        except ValueError:
            return None
    return params_dir / f"{key}.yaml"


# ---------------------------------------------------------------------- writing


def sheet_name(ev: Evaluation, taken: set[str]) -> str:
    """A sheet name saying which form, at most 31 characters, none of : \\ / ? * [ ], unique in ``taken``."""
    base = f"{ev.year} {ev.code}" if not ev.project else f"{ev.year} {ev.project}"
    base = _FORBIDDEN.sub("-", base)[:31]
    name, n = base, 1
    while name in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name)
    return name


def template_workbook(evaluations: list[Evaluation]) -> bytes:
    """The reviewer's workbook of ``evaluations``: one sheet each (see the module's docstring)."""
    if not evaluations:
        raise PerflibError("没有可复核的自评表")
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for ev in evaluations:
        _form_sheet(wb.create_sheet(sheet_name(ev, taken)), ev)
    return save(wb)


def _form_sheet(ws: Worksheet, ev: Evaluation) -> None:
    block = (("复核表", ev.title), ("部门", f"{ev.department}（{ev.code}）"), ("年度", ev.year),
             ("项目", f"{ev.project}（{Path(ev.path).stem}）" if ev.project else "（部门整体支出）"),
             ("表键", form_key(ev)), ("复核人", None), ("说明", NOTE))
    for r, (label, value) in enumerate(block, 1):
        label_cell = ws.cell(row=r, column=1, value=label)
        label_cell.font = Font(bold=True)
        label_cell.alignment = Alignment(vertical="top")
        ws.cell(row=r, column=2, value=value)
    for r in (1, 2, 4, 7):  # long texts: across the table's width, not over the page's edge
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=COMMENT_COL)
        ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[7].height = 32
    ws["B1"].font = Font(bold=True, size=13)
    ws[KEY_CELL].font = Font(bold=True, color="C00000")
    ws[DATE_LABEL_CELL] = "复核日期"
    ws[DATE_LABEL_CELL].font = Font(bold=True)
    ws[DATE_LABEL_CELL].alignment = Alignment(horizontal="right")
    for cell in (ws[REVIEWER_CELL], ws[DATE_CELL]):
        cell.fill = INPUT_FILL
        cell.protection = Protection(locked=False)
    ws[DATE_CELL].number_format = "yyyy-mm-dd"
    for i, col in enumerate(COLUMNS, 1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = INPUT_FILL if i in (SCORE_COL, COMMENT_COL) else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    form = rows(ev)
    limits: dict[Decimal, DataValidation] = {}
    for i, row in enumerate(form, 1):
        r = HEADER_ROW + i
        values = (i, row.path[0] if len(row.path) > 1 else "", " / ".join(row.path[1:-1]), row.path[-1],
                  float(row.max), float(row.self_score), float(row.rule_score), None, None, row.label)
        for c, value in enumerate(values, 1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            cell.alignment = Alignment(vertical="top", wrap_text=c in (3, 4, COMMENT_COL, PATH_COL))
            if COLUMNS[c - 1].kind == "number":
                cell.number_format = "0.00"
            if c in (SCORE_COL, COMMENT_COL):
                cell.fill = INPUT_FILL
                cell.protection = Protection(locked=False)
            elif c == PATH_COL:
                cell.font = GIVEN_FONT
        # a row tall enough for its wrapped texts (Excel and LibreOffice do not fit a written file's rows)
        lines = max(math.ceil(display_width(str(v)) / (COLUMNS[c - 1].width - 1)) for c, v in
                    ((3, values[2]), (4, values[3])))
        ws.row_dimensions[r].height = 15 * max(lines, 1)
        if row.max not in limits:
            limits[row.max] = DataValidation(
                type="decimal", operator="between", formula1="0", formula2=fmt_points(row.max), allow_blank=True,
                showErrorMessage=True, errorTitle="复核分超出范围", error=f"复核分应在 0 到 {fmt_points(row.max)} 之间")
            ws.add_data_validation(limits[row.max])
        limits[row.max].add(ws.cell(row=r, column=SCORE_COL).coordinate)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1).coordinate
    print_landscape(ws, header_row=HEADER_ROW)
    ws.print_area = f"A1:{get_column_letter(COMMENT_COL)}{HEADER_ROW + len(form)}"  # 路径 is for the import
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights may be changed


# ---------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Imported:
    """One sheet read: where its review is stored, the review, and the YAML text to write there."""

    sheet: str
    target: Path
    review: ReviewFile
    text: str


def read_workbook(path: str | Path, params_dir: str | Path, *, reviewer: str | None = None,
                  today: dt.date | None = None) -> tuple[list[Imported], list[str]]:
    """Every sheet of a filled 复核表 as a review to store, and the warnings (a changed score without a
    复核意见); :class:`InputErrors` naming file, sheet and cell for every problem — nothing is to be written
    then."""
    path, params_dir = Path(path), Path(params_dir)
    wb = open_filled(path)
    reader = Reader(str(path), template="perflib review-template")
    warnings: list[str] = []
    out: list[Imported] = []
    seen: dict[Path, str] = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        form = _form(ws, params_dir, reader)
        if form is None:
            continue
        if form in seen:
            reader.error(f"{ws.title}!{KEY_CELL}（表键）", f"与工作表「{seen[form]}」是同一份自评表", found=ws[KEY_CELL].value)
            continue
        seen[form] = ws.title
        try:
            ev = evaluate(form)
        except PerflibError as exc:
            reader.error(f"{ws.title}!{KEY_CELL}（表键）", f"表键所指的自评表无法读取：{str(exc).splitlines()[0]}",
                         found=ws[KEY_CELL].value)
            continue
        read = _rows(ws, ev, reader, warnings)
        if read is None:
            continue
        signed = None if blank(ws[REVIEWER_CELL].value) else str(ws[REVIEWER_CELL].value).strip()
        if not read and signed is None:  # a sheet nobody filled in is not a review that agrees with every rule score
            warnings.append(f"{reader.file}: 工作表「{ws.title}」没有填写复核分、复核意见或复核人，未导入"
                            "（复核人签名而不改分，即认可规则分）")
            continue
        name = reviewer or signed
        when = _review_date(ws, reader, today or dt.date.today())
        if when is None:
            continue
        review = ReviewFile(code=ev.code, year=ev.year, project=form.stem if ev.project else None, reviewer=name,
                            date=when, source=path.name, rows=read)
        data = review.model_dump(mode="python", exclude_none=True)
        data["rows"] = [{k: v for k, v in r.items() if v is not None} for r in data["rows"]]
        text = (f"# 复核分：由 perflib review-import 从 {path.name}（工作表「{ws.title}」）导入；"
                f"自评表 {form_key(ev)}.yaml 未改动。重新导入即替换。\n" + yaml_text(data))
        out.append(Imported(ws.title, review_file(form), review, text))
    if reader.errors:
        raise InputErrors(reader.errors)
    if not out:
        raise InputErrors([InputError(path, "(文件)", "没有可导入的复核表工作表：没有一张填写了复核分、复核意见或复核人",
                                      expected="perflib review-template 生成并已填写的工作簿")])
    return out, warnings


def _review_date(ws: Worksheet, reader: Reader, today: dt.date) -> dt.date | None:
    """The sheet's 复核日期 (a date cell, or text such as 2026-12-05 or 2026年12月5日), else ``today``; None (the
    error recorded) for what is not a date or is later than today."""
    value = ws[DATE_CELL].value
    if blank(value):
        return today
    when = None
    if isinstance(value, dt.datetime):
        when = value.date()
    elif isinstance(value, dt.date):
        when = value
    elif (m := _DATE.match(str(value))) is not None:
        try:
            when = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            when = None
    where = f"{ws.title}!{DATE_CELL}（复核日期）"
    if when is None:
        reader.error(where, "复核日期不是日期", expected="如 2026-12-05 或 2026年12月5日（留空即按导入当天）", found=value)
        return None
    if when > today:
        reader.error(where, "复核日期晚于今天", expected=f"不晚于 {today:%Y-%m-%d}", found=f"{when:%Y-%m-%d}")
        return None
    return when


def _form(ws: Worksheet, params_dir: Path, reader: Reader) -> Path | None:
    """The form a sheet's key names; None (the error recorded) when the key names none."""
    where = f"{ws.title}!{KEY_CELL}（表键）"
    label, key = ws["A5"].value, ws[KEY_CELL].value
    if str(label or "").strip() != "表键" or blank(key):
        reader.error(where, "不是复核表工作表：没有表键", expected="perflib review-template 生成的工作表（A5 为「表键」，"
                     "B5 为 <部门代码>/<年度> 或 <部门代码>/projects/<年度>/<项目键>）", found=key)
        return None
    key = str(key).strip()
    form = form_of_key(key, params_dir)
    if form is None or not form.is_file():
        reader.error(where, "表键与输入目录中的任何自评表都不对应",
                     expected=f"{params_dir} 下的 <部门代码>/<年度> 或 <部门代码>/projects/<年度>/<项目键>", found=key)
        return None
    return form


def _rows(ws: Worksheet, ev: Evaluation, reader: Reader, warnings: list[str]) -> list[dict] | None:
    """The rows the reviewer filled in (复核分 or 复核意见), as stored; None when the header is not the template's."""
    for i, col in enumerate(COLUMNS, 1):
        found = ws.cell(row=HEADER_ROW, column=i).value
        if str(found or "").strip() != col.header:
            reader.error(f"{ws.title}!{get_column_letter(i)}{HEADER_ROW}（表头）", "表头与模板不一致",
                         expected=f"「{col.header}」", found=found)
            return None
    form: dict[str, Row] = {row.label: row for row in rows(ev)}
    places = ev.framework.rounding.places
    out, seen = [], set()
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        path_cell, score_cell = ws.cell(row=r, column=PATH_COL), ws.cell(row=r, column=SCORE_COL)
        comment = ws.cell(row=r, column=COMMENT_COL).value
        if blank(path_cell.value):
            if not (blank(score_cell.value) and blank(comment)):
                reader.error(Reader.where(ws, path_cell, "路径"), "复核分或复核意见所在的行没有路径，无法对应自评表的行",
                             expected="复核表原有的行（路径列不要删改）")
            continue
        label = str(path_cell.value).strip()
        row = form.get(label)
        if row is None:
            reader.error(Reader.where(ws, path_cell, "路径"), "自评表上没有这一行",
                         expected=f"自评表 {form_key(ev)} 的行（路径列不要删改）", found=label)
            continue
        if label in seen:
            reader.error(Reader.where(ws, path_cell, "路径"), "同一行出现两次", found=label)
            continue
        seen.add(label)
        score = reader.value(ws, score_cell, "复核分", "number", ("rows", label, "score"))
        where = Reader.where(ws, score_cell, "复核分")
        if score is not None:
            if score < 0:
                reader.error(where, "复核分不能为负", expected=f"0 到 {fmt_points(row.max)}", found=score_cell.value)
                continue
            if score > row.max:
                reader.error(where, "复核分超过该行分值", expected=f"0 到 {fmt_points(row.max)}", found=score_cell.value)
                continue
            if -score.normalize().as_tuple().exponent > places:
                reader.error(where, "复核分小数位数过多", expected=f"至多 {places} 位小数", found=score_cell.value)
                continue
        text = None if blank(comment) else str(comment).strip()
        if score is None and text is None:
            continue
        if score is not None and text is None and score != row.self_score:
            warnings.append(f"{reader.file}: {where}: 复核分 {fmt_points(score)} 与自评分 {fmt_points(row.self_score)} "
                            "不同，但未填写复核意见（请说明调整理由）")
        out.append({"path": list(row.path), "score": score, "comment": text})
    return out
