"""The monitoring form in Excel (绩效运行监控表): what a department fills in at the end of month N.

``perflib monitor-template params/<code>/<year>.yaml --month 6 --to 监控表.xlsx`` writes the form with
everything the year's file already says filled in and greyed — the department, every indicator with its
category and 年度指标值, every fund and key project with its 全年预算数 — so that the department types
only what is new: 1–N 月完成值, 完成目标可能性, 全年预计完成值, 偏差原因 and 改进措施, and the spending to
date. Given an existing snapshot (``<year>-<MM>.yaml``) instead, the form carries its values too.

``perflib monitor-import 监控表.xlsx`` reads it back into ``params/<code>/<year>-<MM>.yaml``: the cells
are read as the year-end workbook's are (:mod:`perflib.workbooks.sheets`), the snapshot is checked as
``perflib monitor`` checks it (against the year's targets and the rules), and every problem names its
sheet, cell and column; nothing is written until the whole form reads. What the year's file gives is
not written into the snapshot again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputError, InputErrors
from ..inputs.params import YEAR_FILE, load_params
from ..inputs.settings import settings_file
from ..monitoring.monitor import Inputs, light, rules_of, year_of
from ..monitoring.rules import Rules, available, default_rules, find_rules, load_rules, rules_dir_for
from ..monitoring.snapshot import (
    LIKELY,
    REASON_CATEGORIES,
    SNAPSHOT_FILE,
    Snapshot,
    check_snapshot,
    load_snapshot,
    money_unit,
    snapshot_file,
    year_figures,
    year_file_of,
)
from ..present.xlsx import print_landscape, save
from .sheets import (
    Column,
    Reader,
    dropdown,
    format_column,
    header,
    open_filled,
    options_sheet,
    put,
    relocate,
    yaml_text,
)

#: The sheet of each part of a snapshot, for an error that no cell can be named for.
SHEET_OF_FIELD = {"indicators": "绩效指标", "budget": "预算执行", "next_steps": "下一步工作"}
GIVEN_FILL = PatternFill("solid", fgColor="EDEDED")  # filled in from the year's file: not to be typed again
BASIC = (("部门代码", ("department", "code"), "text"), ("部门名称", ("department", "name"), "text"),
         ("年度", ("year",), "int"), ("月份", ("month",), "int"), ("监控规则", ("rules",), "text"),
         ("金额单位", ("money_unit",), "text"))
SPENDING = (Column("类型", "kind", width=12), Column("名称", "name", width=28),
            Column("全年预算数", "budget", "amount", 16), Column("1–N 月执行数", "spent", "amount", 16))
INDICATORS = (Column("指标名称", "name", width=30), Column("指标类别", "category", width=16),
              Column("年度指标值", "target", "written", 16), Column("1–N 月完成值", "to_date", "written", 16),
              Column("完成目标可能性", "likely", width=14), Column("全年预计完成值", "forecast", "written", 16),
              Column("偏差原因类别", "reason_category", width=14), Column("偏差原因说明", "reason_text", width=36),
              Column("改进措施", "measures", width=40))
MONTHLY = (Column("月份", "month", width=10), Column("月末累计支出", "cumulative", "amount", 18))
NEXT_STEPS = (Column("下一步工作（每段一行）", "text", width=100),)
KINDS = ("资金", "重点项目")
INSTRUCTIONS = """绩效运行监控表（perflib 导入模板）
用途：填写一个部门一个年度截至某月末的绩效运行监控情况（“双监控”），然后用
  perflib monitor-import 本文件.xlsx
生成 params/<部门代码>/<年度>-<月份>.yaml，再用 perflib monitor 或 perflib run 出监控报告。
灰色单元格来自年度文件（年度绩效目标和预算），无需再填；改动它们不会改变年度目标。
各工作表：
- 基本信息：部门代码、部门名称、年度、月份（截至几月末，1–12）、监控规则、金额单位。监控规则决定红黄绿灯，已按
  --rules 或本地区的默认规则（params/settings.yaml 中的 monitoring.rules）选好，名称在其右侧；改选须经财政部门同意。
- 预算执行：每种资金性质、每个重点项目一行，填 1–N 月累计执行数（金额，不带单位，按「基本信息」中的金额单位）；没有年度文件时，另填全年预算数。
  灰色的全年预算数来自年度文件，已换算为本表的金额单位（1 万元 = 10,000 元）。
- 月度支出（可选）：1–N 月各月末的累计支出（各资金合计），用于绘制支出进度曲线；要么全部填写，要么全部留空。
- 下一步工作（可选）：每段一行。
- 绩效指标：每个指标一行，填 1–N 月完成值（按原文，如“9 次”“95.84%”，定性指标写进展）、完成目标可能性（确定能 / 有可能 /
  完全不可能）、全年预计完成值；进度滞后或可能完不成的，须填偏差原因（类别下拉选择，说明可自由填写）和改进措施。
注意：不要合并单元格、不要改动表头；导入时逐项校验，出错会指出工作表、单元格和列名，且不会生成任何文件。
"""


# ---------------------------------------------------------------------- writing


def template_workbook(path: str | Path, *, month: int | None = None, rules: str | None = None) -> bytes:
    """The form for the year file at ``path`` (``<code>/<year>.yaml``) and ``month``, or for the snapshot at
    ``path`` (``<code>/<year>-<MM>.yaml``) with its values. Invalid input raises :class:`InputErrors`."""
    path = Path(path)
    snapshot = None
    if SNAPSHOT_FILE.match(path.stem):
        snapshot = load_snapshot(path)[0]
        year_file = year_file_of(path, snapshot.year)
    elif YEAR_FILE.match(path.stem):
        year_file = path
    else:
        raise InputErrors([InputError(path, "(文件名)", "不是年度文件或监控快照",
                                      expected="params/<部门代码>/<年度>.yaml 或 <年度>-<月份>.yaml", found=path.name)])
    year = load_params(year_file)[0] if year_file.is_file() else None
    if snapshot is None and year is None:
        raise InputErrors([InputError(path, "(文件)", "文件不存在", expected="params/<部门代码>/<年度>.yaml")])
    month = snapshot.month if snapshot else month
    if month is None or not 1 <= month <= 12:
        raise InputErrors([InputError(path, "month", "须指定月份（--month）", expected="1–12", found=month)])
    rules_dir = rules_dir_for(path)
    choices = available(rules_dir)
    chosen = _rules(path, rules, snapshot)

    wb = Workbook()
    guide = wb.active
    guide.title = "说明"
    for row, line in enumerate(INSTRUCTIONS.splitlines(), 1):
        guide.cell(row=row, column=1, value=line)
    guide.column_dimensions["A"].width = 120
    refs = options_sheet(wb, {"监控规则": choices, "金额单位": ["万元", "元"], "类型": list(KINDS),
                               "完成目标可能性": list(LIKELY), "偏差原因类别": list(REASON_CATEGORIES)})
    department = (year.department.code, year.department.name) if year else (snapshot.department.code,
                                                                            snapshot.department.name)
    unit = money_unit(snapshot, year)
    basic = wb.create_sheet("基本信息")
    values = [department[0], department[1], (snapshot or year).year, month, chosen.id, unit]
    for row, ((label, _, _), value) in enumerate(zip(BASIC, values), 1):
        basic.cell(row=row, column=1, value=label).font = Font(bold=True)
        basic.cell(row=row, column=2, value=value)
    rules_row = [b[0] for b in BASIC].index("监控规则") + 1  # the rules' name beside their id: what lights the form
    basic.cell(row=rules_row, column=3, value=chosen.name).fill = GIVEN_FILL
    basic.column_dimensions["A"].width, basic.column_dimensions["B"].width = 14, 36
    basic.column_dimensions["C"].width = 40
    for label, ref in (("监控规则", refs["监控规则"]), ("金额单位", refs["金额单位"])):
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(type="list", formula1=ref, allow_blank=False)
        basic.add_data_validation(dv)
        dv.add(f"B{[b[0] for b in BASIC].index(label) + 1}")

    spending = wb.create_sheet("预算执行")
    header(spending, [replace(c, header=c.header.replace("N", str(month))) for c in SPENDING])
    rows = _spending_rows(year, snapshot, unit)
    for r, (kind, name, budget, spent, given) in enumerate(rows, 2):
        for c, value in enumerate((kind, name, budget, spent), 1):
            cell = spending.cell(row=r, column=c, value=value)
            if given and c <= 3:
                cell.fill = GIVEN_FILL
    for c, col in enumerate(SPENDING, 1):
        format_column(spending, c, col.kind, rows=max(len(rows), 20))
    dropdown(spending, refs["类型"], 1, rows=max(len(rows), 20))

    indicators = wb.create_sheet("绩效指标")
    header(indicators, [replace(c, header=c.header.replace("N", str(month))) for c in INDICATORS])
    for r, (values, given) in enumerate(_indicator_rows(year, snapshot), 2):
        for c, value in enumerate(values, 1):
            cell = indicators.cell(row=r, column=c, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if given and c <= 3:
                cell.fill = GIVEN_FILL
    count = max(indicators.max_row - 1, 30)
    for c, col in enumerate(INDICATORS, 1):
        format_column(indicators, c, col.kind, rows=count)
    dropdown(indicators, refs["完成目标可能性"], 5, rows=count)
    dropdown(indicators, refs["偏差原因类别"], 7, rows=count)
    monthly = wb.create_sheet("月度支出")
    header(monthly, MONTHLY)
    series = (snapshot.budget.monthly or []) if snapshot else []
    for mo in range(1, month + 1):
        monthly.cell(row=mo + 1, column=1, value=f"{mo}月")
        monthly.cell(row=mo + 1, column=2, value=series[mo - 1] if mo <= len(series) else None)
    format_column(monthly, 2, "amount", rows=month)
    steps = wb.create_sheet("下一步工作")
    header(steps, NEXT_STEPS)
    for r, text in enumerate(snapshot.next_steps if snapshot else [], 2):
        steps.cell(row=r, column=1, value=text).alignment = Alignment(wrap_text=True, vertical="top")
    for ws in (spending, indicators):
        print_landscape(ws)
    wb.move_sheet("选项", offset=len(wb.sheetnames))
    return save(wb)


def _rules(path: Path, asked: str | None, snapshot: Snapshot | None) -> Rules:
    """The rules a form is lit by, chosen — never the first in the alphabet: ``--rules``, else the snapshot's
    own, else the workspace's (``params/settings.yaml``: ``monitoring.rules``); asked for when none is."""
    rules_dir = rules_dir_for(path)
    where, chosen = ("--rules", asked) if asked else ("rules", snapshot.rules) if snapshot else (
        "--rules", default_rules(path.parent.parent))
    choices = "、".join(available(rules_dir))
    if chosen is None:
        raise InputErrors([InputError(path, "--rules", "未选择监控规则",
                                      expected=f"--rules 以下之一：{choices}；或在 {settings_file(path.parent.parent)} "
                                      "中设定本地区的默认规则 monitoring.rules")])
    found = find_rules(chosen, rules_dir)
    if found is None:
        raise InputErrors([InputError(path, where, "找不到该监控规则", expected=f"以下之一：{choices}", found=chosen)])
    return load_rules(found)


def _spending_rows(year, snapshot, unit: str) -> list[tuple[str, str, Any, Any, bool]]:
    """(类型, 名称, 全年预算数, 1–N 月执行数, from the year file) for every fund and key project, in ``unit``."""
    rows: list[tuple[str, str, Any, Any, bool]] = []
    spent = {("资金", f.type): (f.budget, f.spent) for f in snapshot.budget.funds} if snapshot else {}
    spent |= {("重点项目", p.name): (p.budget, p.spent) for p in snapshot.budget.key_projects} if snapshot else {}
    figures = year_figures(year, unit)
    given = {("资金", k): v for k, v in figures.budgets.items()} | {("重点项目", k): v for k, v in figures.projects.items()}
    for key in dict.fromkeys([*given, *spent]):
        budget, to_date = spent.get(key, (None, None))
        # the snapshot's own budget (a mid-year adjustment) wins over the year file's
        rows.append((*key, budget if budget is not None else given.get(key), to_date, key in given and budget is None))
    return rows


def _indicator_rows(year, snapshot) -> list[tuple[list[Any], bool]]:
    written = {i.name: i for i in snapshot.indicators} if snapshot else {}
    given = {i.name: (i.category, i.target) for i in year.indicators} if year else {}
    rows = []
    for name in dict.fromkeys([*given, *written]):
        s = written.get(name)
        category, target = given.get(name, (s.category if s else None, s.target if s else None))
        category = "/".join(category) if isinstance(category, (tuple, list)) else category
        reason_category, reason_text = _split_reason(s.reason if s else None)
        rows.append(([name, category, target, s.to_date if s else None, s.likely if s else None,
                      s.forecast if s else None, reason_category, reason_text, s.measures if s else None],
                     name in given))
    return rows


def _split_reason(reason: str | None) -> tuple[str | None, str | None]:
    """"经费保障：资金未到位" → ("经费保障", "资金未到位"); text without a standard category stays whole."""
    if not reason:
        return None, None
    for category in REASON_CATEGORIES:
        if reason == category:
            return category, None
        if reason.startswith(category + "："):
            return category, reason[len(category) + 1:] or None
    return None, reason


# ---------------------------------------------------------------------- reading


def read_workbook(path: str | Path, params_dir: str | Path) -> tuple[Path, str]:
    """A filled form as (``params_dir/<code>/<year>-<MM>.yaml``, its YAML text), checked as ``perflib
    monitor`` checks a snapshot; :class:`InputErrors` naming sheet, cell and column otherwise."""
    path, params_dir = Path(path), Path(params_dir)
    reader = Reader(str(path), sheets=SHEET_OF_FIELD, template="perflib monitor-template")
    data = _read(open_filled(path), reader)
    snapshot = reader.validated(Snapshot, data)
    target = snapshot_file(params_dir, snapshot.department.code, snapshot.year, snapshot.month)
    data = _without_what_the_year_gives(data, year_file_of(target, snapshot.year))
    try:  # as perflib monitor reads the file it becomes: the year's targets, the rules, every finding's inputs
        written = reader.validated(Snapshot, data)
        check_snapshot(written, target)
        light(Inputs(target, written, year_of(target, written), rules_of(written, target)))
    except InputErrors as exc:
        raise InputErrors([relocate(e, reader) for e in exc.errors]) from None
    text = f"# 由 perflib monitor-import 从 {path.name} 生成。可直接编辑，或改 Excel 后重新导入。\n" + yaml_text(data)
    return target, text


def _sheet(wb, name: str, columns: tuple[Column, ...], reader: Reader) -> Worksheet | None:
    if name not in wb.sheetnames:
        reader.error(f"{name}!（工作表）", f"缺少工作表「{name}」", expected="使用 perflib monitor-template 生成的工作簿")
        return None
    ws = wb[name]
    for i, col in enumerate(columns, 1):
        found = ws.cell(row=1, column=i).value
        want = col.header.split("N")[0] if "N" in col.header else col.header
        if not str(found or "").strip().startswith(want):
            reader.error(f"{name}!{ws.cell(row=1, column=i).coordinate}（表头）", "表头与模板不一致",
                         expected=f"「{col.header}」", found=found)
            return None
    return ws


def _header_of(ws: Worksheet, cell) -> str:
    """The column's header as the sheet has it ("1–6 月完成值")."""
    return str(ws.cell(row=1, column=cell.column).value or "").strip()


def _rows(ws: Worksheet, width: int) -> list[tuple[int, list]]:
    rows = []
    for r in range(2, ws.max_row + 1):
        cells = [ws.cell(row=r, column=c) for c in range(1, width + 1)]
        if any(c.value is not None and str(c.value).strip() for c in cells):
            rows.append((r, cells))
    return rows


def _read(wb, reader: Reader) -> dict:
    data: dict = {"schema_version": 1}
    if "基本信息" not in wb.sheetnames:
        reader.error("基本信息!（工作表）", "缺少工作表「基本信息」", expected="使用 perflib monitor-template 生成的工作簿")
        return data
    basic = wb["基本信息"]
    reader.no_merged_cells(basic)
    labels = {str(basic.cell(row=r, column=1).value or "").strip(): r for r in range(1, basic.max_row + 1)}
    for label, field, kind in BASIC:
        if label not in labels:
            reader.error(f"基本信息!A（{label}）", f"缺少「{label}」一行")
            continue
        put(data, field, reader.value(basic, basic.cell(row=labels[label], column=2), label, kind, field))
    data["budget"] = {"funds": [], "key_projects": []}
    ws = _sheet(wb, "预算执行", SPENDING, reader)
    for _r, cells in _rows(ws, len(SPENDING)) if ws else []:
        kind = reader.value(ws, cells[0], "类型", "text", ())
        group = {"资金": "funds", "重点项目": "key_projects"}.get(kind or "")
        if group is None:
            reader.error(reader.where(ws, cells[0], "类型"), "类型须为「资金」或「重点项目」", found=kind)
            continue
        i = len(data["budget"][group])
        item: dict = {}
        for cell, col, key in zip(cells[1:], SPENDING[1:], ("type" if group == "funds" else "name", "budget", "spent")):
            item[key] = reader.value(ws, cell, _header_of(ws, cell), col.kind, ("budget", group, i, key))
        if item["spent"] is None and item["budget"] is not None:
            continue  # listed from the year file, not reported this month (the monitor says NOT_REPORTED)
        data["budget"][group].append({k: v for k, v in item.items() if v is not None})
    if not data["budget"]["key_projects"]:
        del data["budget"]["key_projects"]
    ws = _sheet(wb, "月度支出", MONTHLY, reader) if "月度支出" in wb.sheetnames else None  # optional sheets
    rows = [(cells[1], reader.value(ws, cells[1], "月末累计支出", "amount", ("budget", "monthly", i)))
            for i, (_, cells) in enumerate(_rows(ws, len(MONTHLY)))] if ws else []
    if any(v is not None for _, v in rows):
        for cell, value in rows:
            if value is None:
                reader.error(reader.where(ws, cell, "月末累计支出"), "月末累计支出要么全部填写，要么全部留空")
        data["budget"]["monthly"] = [v for _, v in rows]
    ws = _sheet(wb, "下一步工作", NEXT_STEPS, reader) if "下一步工作" in wb.sheetnames else None
    steps = [reader.value(ws, cells[0], NEXT_STEPS[0].header, "text", ("next_steps", i))
             for i, (_, cells) in enumerate(_rows(ws, 1))] if ws else []
    if steps:
        data["next_steps"] = [s for s in steps if s]
    data["indicators"] = []
    ws = _sheet(wb, "绩效指标", INDICATORS, reader)
    for _r, cells in _rows(ws, len(INDICATORS)) if ws else []:
        i = len(data["indicators"])
        values = {col.key: reader.value(ws, cell, _header_of(ws, cell), col.kind,
                                        ("indicators", i, _FIELD.get(col.key, col.key)))
                  for cell, col in zip(cells, INDICATORS)}
        category, text = values.pop("reason_category"), values.pop("reason_text")
        if category and category not in REASON_CATEGORIES:
            reader.error(reader.where(ws, cells[6], "偏差原因类别"), "不是标准的偏差原因类别",
                         expected="、".join(REASON_CATEGORIES), found=category)
        measures = values.pop("measures")
        values["reason"] = f"{category}：{text}" if category and text else (category or text)
        values["measures"] = measures
        if all(values.get(k) is None for k in ("to_date", "likely", "forecast", "reason", "measures")):
            continue  # a row listed from the year file and not reported this month: NOT_REPORTED, as in the file
        data["indicators"].append({k: v for k, v in values.items() if v is not None})
    if "next_steps" in data:  # after the indicators, as the snapshot file has it
        data["next_steps"] = data.pop("next_steps")
    return data


#: a form column that fills a differently named snapshot field (for naming the cell of an error)
_FIELD = {"reason_category": "reason", "reason_text": "reason"}


def _without_what_the_year_gives(data: dict, year_file: Path) -> dict:
    """Leave out the targets, categories and budgets the year's file already gives: nothing typed twice.

    A budget is the year's when it is the year's figure in the form's unit (as the form greys it), or as the
    year file writes it (the greyed cell left as it was when the form's unit was switched afterwards)."""
    if not year_file.is_file():
        return data
    try:
        year = load_params(year_file)[0]
    except InputErrors:
        return data  # the snapshot's own check names the year file's problem
    targets = {i.name for i in year.indicators}
    unit = data.get("money_unit") if data.get("money_unit") in ("万元", "元") else year.money_unit
    written, converted = year_figures(year, year.money_unit), year_figures(year, unit)
    for ind in data.get("indicators", []):
        if ind.get("name") in targets:
            ind.pop("target", None)
            ind.pop("category", None)
    for group, key, figures in (("funds", "type", "budgets"), ("key_projects", "name", "projects")):
        for item in data["budget"].get(group, []):
            given = [getattr(f, figures).get(item.get(key)) for f in (converted, written)]
            if item.get("budget") is not None and item.get("budget") in given:
                item.pop("budget", None)
    if data.get("money_unit") == year.money_unit:
        data.pop("money_unit")
    return data
