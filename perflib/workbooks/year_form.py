"""Excel in and out: the 自评表 workbook analysts fill in, and the 汇总表 their bosses want.

* :func:`template_workbook` — an empty workbook to fill in: one sheet per part of the params file,
  Chinese headers, drop-down lists for categories, methods, tiers and fund types, an instructions
  sheet, and the framework's 管理效率 leaves pre-filled when a framework is named.
* :func:`export_workbook` — an existing params file as such a workbook.
* :func:`read_workbook` — a filled workbook back to a params file. Every error names the sheet, the
  cell and its column; nothing is written unless the whole workbook converts and validates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputError, InputErrors, format_field
from ..inputs.locate import available, find_framework
from ..inputs.schema import FUND_TYPES, ParamsFile
from ..present.xlsx import AMOUNT_FORMAT, PERCENT_FORMAT, TEXT_FORMAT, save
from ..scoring.frameworks import Framework, load_framework
from ..scoring.methods import DEFAULT_TIERS, INDICATOR_METHODS
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

NARRATIVE = {
    "部门职能": ("department", "functions"), "年度工作任务": ("narrative", "tasks"),
    "部门整体支出情况": ("narrative", "budget_overview"), "绩效管理情况": ("narrative", "performance_management"),
    "主要成效": ("narrative", "achievements"), "存在问题": ("narrative", "problems"),
    "改进措施": ("narrative", "improvements"), "上年问题整改情况": ("narrative", "rectification"),
    "资料来源": ("sources",), "重建说明": ("reconstructed",),
}


# label, field path, kind, required, note
BASIC = (
    ("部门代码", ("department", "code"), "text", True, "小写字母、数字和连字符，如 baiyun-emergency"),
    ("部门名称", ("department", "name"), "text", True, ""),
    ("所属地区", ("department", "region"), "text", False, ""),
    ("级次", ("department", "level"), "text", False, "如 区级"),
    ("年度", ("year",), "int", True, "如 2023"),
    ("评价框架", ("framework",), "text", True, "下拉选择"),
    ("金额单位", ("money_unit",), "text", False, "万元 或 元"),
    ("报告标题", ("title",), "text", False, "留空则自动生成"),
    ("年度评价执行率（报告所述）", ("execution", "stated_rate"), "percent", False,
     "评价框架按月度支出计分、又无月度支出数据时必填"),
    ("预算执行偏差原因", ("execution", "analysis"), "text", False, "执行率未达 100% 时，自评表“偏差原因分析”一栏所列"),
    ("年初预算合计（报告所述）", ("budget", "stated", "initial"), "amount", False, "用于核对"),
    ("调整后预算合计（报告所述）", ("budget", "stated", "adjusted"), "amount", False, "用于核对"),
    ("支出合计（报告所述）", ("budget", "stated", "spent"), "amount", False, "用于核对"),
    ("年度预算执行率（报告所述）", ("budget", "stated", "execution_rate"), "percent", False, "用于核对"),
    ("自评得分（报告所述）", ("stated", "total"), "number", False, "用于核对，不参与计分"),
    ("等级（报告所述）", ("stated", "grade"), "text", False, "用于核对"),
    ("演示数据", ("synthetic",), "bool", False, "是 / 否"),
)

# 预算明细: the facts the standard indicators read (perflib.scoring.standard), each optional
FACTS = (
    ("年初结转结余", ("budget", "carryover", "start"), "amount", False, "结转结余变动率"),
    ("年末结转结余", ("budget", "carryover", "end"), "amount", False, "结转结余率、结转结余变动率"),
    ("公用经费预算", ("budget", "public_funds", "budget"), "amount", False, "公用经费控制率"),
    ("公用经费实际支出", ("budget", "public_funds", "spent"), "amount", False, "公用经费控制率"),
    ("“三公”经费预算", ("budget", "three_public", "budget"), "amount", False, "“三公”经费控制率"),
    ("“三公”经费实际支出", ("budget", "three_public", "spent"), "amount", False, "“三公”经费控制率、变动率"),
    ("上年“三公”经费实际支出", ("budget", "three_public", "last_year"), "amount", False, "“三公”经费变动率"),
    ("政府采购预算（计划）", ("budget", "procurement", "plan"), "amount", False, "政府采购执行率"),
    ("政府采购实际金额", ("budget", "procurement", "actual"), "amount", False, "政府采购执行率"),
    ("编制数", ("budget", "staffing", "authorized"), "int", False, "在职人员控制率"),
    ("实有在职人数", ("budget", "staffing", "actual"), "int", False, "在职人员控制率"),
    ("固定资产总额", ("budget", "assets", "total"), "amount", False, "固定资产利用率"),
    ("在用固定资产总额", ("budget", "assets", "in_use"), "amount", False, "固定资产利用率"),
)

SHEETS: dict[str, tuple[Column, ...]] = {
    "按支出类型": (
        Column("支出类型", "kind", width=12), Column("年初预算", "initial", "amount"),
        Column("调整后预算", "adjusted", "amount"), Column("支出", "spent", "amount"),
    ),
    "共性指标": (
        Column("指标名称", "name", width=20), Column("计算公式", "formula", width=44),
        Column("评价框架标准", "standard", width=14), Column("目标值（表上所列）", "target", "written", 18),
        Column("完成值（表上所列）", "value", "written", 18),
    ),
    "预算": (
        Column("资金性质", "type", width=18), Column("年初预算", "initial", "amount"),
        Column("调整后预算", "adjusted", "amount"), Column("支出", "spent", "amount"),
    ),
    "月度支出": (
        Column("月份", "month", width=8), Column("累计支出", "cumulative", "amount"),
        Column("当月支出", "monthly", "amount"),
    ),
    "绩效指标": (
        Column("指标类别", "category", width=16), Column("指标名称", "name", width=32),
        Column("指标值", "target", "written", 26), Column("实际完成值", "actual", "written", 26),
        Column("分子", "numerator", "number", 10), Column("分母", "denominator", "number", 10),
        Column("比率单位", "rate_unit", width=9), Column("分值", "weight", "number", 8),
        Column("计分方法", "method", width=14), Column("定性档次", "tier", width=12),
        Column("自评得分", "self_score", "number", 9), Column("自评理由", "self_score_reason", width=20),
        Column("完成情况分析", "analysis", width=48), Column("备注", "note", width=20),
    ),
    "管理效率": (
        Column("一级指标", "group", width=12), Column("三级指标", "name", width=20), Column("分值", "weight", "number", 8),
        Column("扣分", "points", "number", 8), Column("扣分原因", "reason", width=40),
        Column("自评得分", "score", "number", 9), Column("说明", "explanation", width=30),
        Column("年初指标值（表上所列）", "target", "written", 14, optional=True),
        Column("完成值（表上所列）", "actual", "written", 14, optional=True),
    ),
    "重点项目": (
        Column("项目名称", "name", width=36), Column("全年预算数", "budget", "amount"), Column("实际支出", "spent", "amount"),
        Column("预算执行率（报告所述）", "stated_rate", "percent", 20), Column("用途说明", "purpose", width=40),
    ),
    "文字说明": (Column("类别", "category", width=16), Column("内容", "text", width=100)),
    "报告所述得分": (
        Column("指标名称", "name", width=24), Column("表述得分", "score", "number", 10),
        Column("表述指标个数", "count", "int", 12),
    ),
}
ORDER = ("说明", "基本信息", "预算", "按支出类型", "预算明细", "月度支出", "绩效指标", "管理效率", "共性指标", "重点项目",
         "文字说明", "报告所述得分")
#: Sheets added after the first templates: a workbook without them reads as if they were empty.
OPTIONAL_SHEETS = ("按支出类型", "预算明细", "共性指标")
#: The sheet of each part of the params file, for an error that no cell can be named for.
SHEET_OF_FIELD = {"indicators": "绩效指标", "management": "管理效率", "budget": "预算", "key_projects": "重点项目",
                  "execution": "月度支出", "narrative": "文字说明", "stated": "报告所述得分"}
KINDS = ("基本支出", "项目支出")
MONTHS = [f"{m}月" for m in range(1, 13)]


# ---------------------------------------------------------------------- writing


def _categories(frameworks: Iterable[Framework]) -> list[str]:
    out: list[str] = []
    for fw in frameworks:
        for top, subs in fw.expected_categories().items():
            for sub in subs:
                label = top if sub == top else f"{top}/{sub}"
                if label not in out:
                    out.append(label)
    return out


def _new_workbook(framework: Framework | None, frameworks: list[Framework]) -> tuple[Workbook, dict[str, str]]:
    wb = Workbook()
    wb.remove(wb.active)
    instructions = wb.create_sheet("说明")
    for i, line in enumerate(INSTRUCTIONS.splitlines(), 1):
        instructions.cell(row=i, column=1, value=line)
    instructions.column_dimensions["A"].width = 110
    instructions["A1"].font = Font(bold=True, size=14)
    refs = options_sheet(wb, {
        "评价框架": [fw.id for fw in frameworks], "金额单位": ["万元", "元"], "是否": ["否", "是"],
        "资金性质": list(FUND_TYPES), "指标类别": _categories([framework] if framework else frameworks),
        "计分方法": sorted(INDICATOR_METHODS), "定性档次": [t.name for t in (framework.tiers() if framework else DEFAULT_TIERS)],
        "比率单位": ["%", "‰"], "文字类别": list(NARRATIVE),
    })
    for name, items in (("基本信息", BASIC), ("预算明细", FACTS)):
        ws = wb.create_sheet(name)
        header(ws, (Column("项目", "label", width=28), Column("内容", "value", width=40),
                     Column("说明", "note", width=40)))
        for i, (label, _, kind, required, note) in enumerate(items, 2):
            ws.cell(row=i, column=1, value=label).font = Font(bold=required)
            ws.cell(row=i, column=3, value=("必填。" if required else "") + (note if name == "基本信息" else
                                                                             f"用于{note}；不用可留空"))
            value_cell = ws.cell(row=i, column=2)
            value_cell.number_format = {"percent": PERCENT_FORMAT, "amount": AMOUNT_FORMAT}.get(kind, TEXT_FORMAT)
            choices = {"评价框架": "评价框架", "金额单位": "金额单位", "演示数据": "是否"}.get(label)
            if choices:
                dv = DataValidation(type="list", formula1=refs[choices], allow_blank=True)
                ws.add_data_validation(dv)
                dv.add(value_cell.coordinate)
    for name in ORDER[2:]:
        if name == "预算明细":
            wb.move_sheet(name, offset=len(wb.sheetnames))  # keep ORDER: created above, moved into place
            continue
        ws = wb.create_sheet(name)
        header(ws, SHEETS[name])
        for i, col in enumerate(SHEETS[name], 1):
            format_column(ws, i, col.kind)
    for row, kind in enumerate(KINDS, 2):
        wb["按支出类型"].cell(row=row, column=1, value=kind)
    dropdown(wb["预算"], refs["资金性质"], 1, strict=False)
    indicators = wb["绩效指标"]
    dropdown(indicators, refs["指标类别"], 1)
    dropdown(indicators, refs["比率单位"], 7)
    dropdown(indicators, refs["计分方法"], 9)
    dropdown(indicators, refs["定性档次"], 10)
    dropdown(wb["文字说明"], refs["文字类别"], 1)
    for row, month in enumerate(MONTHS, 2):
        wb["月度支出"].cell(row=row, column=1, value=month)
    wb.move_sheet("选项", offset=len(wb.sheetnames))  # the hidden choices go last
    return wb, refs


def _frameworks(frameworks_dir: Path) -> list[Framework]:
    return [load_framework(find_framework(fid, frameworks_dir)) for fid in available(frameworks_dir)]


def template_workbook(*, framework: Framework | None, frameworks_dir: Path) -> bytes:
    """An empty workbook to fill in; with ``framework``, its 管理效率 leaves are pre-filled."""
    wb, _ = _new_workbook(framework, _frameworks(frameworks_dir))
    basic = wb["基本信息"]
    if framework is not None:
        basic.cell(row=_basic_row("评价框架"), column=2, value=framework.id)
        _management_rows(wb["管理效率"], framework, [])
        _standard_rows(wb["共性指标"], framework, {})
    basic.cell(row=_basic_row("金额单位"), column=2, value="万元")
    for row, fund in enumerate(FUND_TYPES[:2], 2):
        wb["预算"].cell(row=row, column=1, value=fund)
    return save(wb)


def _basic_row(label: str) -> int:
    return next(i for i, item in enumerate(BASIC, 2) if item[0] == label)


def _management_rows(ws: Worksheet, framework: Framework | None, entries: list) -> None:
    """Framework leaves in framework order, with the params' deductions (one row per deduction)."""
    leaves: list[tuple[str, str, Decimal | None]] = []
    if framework is not None:
        for path, node in framework.walk():
            if node.input == "management":
                leaves.append((path[-2] if len(path) > 1 else "", node.name, node.points))
    known = {name for _, name, _ in leaves}
    leaves += [(e.group, e.name, e.weight) for e in entries if e.name not in known]
    by_name = {e.name: e for e in entries}
    row = 2
    for group, name, points in leaves:
        entry = by_name.get(name)
        deductions = list(entry.deductions) if entry else []
        first = deductions[0] if deductions else None
        values = [group, name, points, first.points if first else None, first.reason if first else None,
                  entry.score if entry else None, entry.reason if entry else None,
                  entry.target if entry else None, entry.actual if entry else None]
        for col, value in enumerate(values, 1):
            ws.cell(row=row, column=col, value=_cell_value(value))
        row += 1
        for extra in deductions[1:]:
            for col, value in ((1, group), (2, name), (4, extra.points), (5, extra.reason)):
                ws.cell(row=row, column=col, value=_cell_value(value))
            row += 1


def _standard_rows(ws: Worksheet, framework: Framework | None, rows: dict) -> None:
    """The framework's standard-indicator leaves, with the form's printed target and value where given."""
    from ..scoring.standard import find

    leaves = [n for _, n in framework.walk() if n.method == "standard"] if framework is not None else []
    names = [n.name for n in leaves] + [name for name in rows if name not in {n.name for n in leaves}]
    by_name = {n.name: n for n in leaves}
    for r, name in enumerate(names, 2):
        node = by_name.get(name)
        indicator = find(node.params["indicator"]) if node is not None else None
        own = node.params.get("target") if node is not None else None
        standard = "部门自定" if own == "input" else (own or ("分档计分" if node is not None else None))
        row = rows.get(name)
        values = [name, indicator.formula if indicator else None, standard,
                  row.target if row is not None else None,
                  (format(row.value.normalize(), "f") + "%") if row is not None and row.value is not None else None]
        for c, value in enumerate(values, 1):
            ws.cell(row=r, column=c, value=value)


def _cell_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _percent_value(value: Decimal | None) -> float | None:
    return None if value is None else float(value / 100)


def export_workbook(params: ParamsFile, *, framework: Framework | None, frameworks_dir: Path) -> bytes:
    """``params`` as a filled workbook; :func:`read_workbook` gives the same params back."""
    wb, _ = _new_workbook(framework, _frameworks(frameworks_dir))
    basic = wb["基本信息"]
    data = params.model_dump(mode="python")
    for i, (_, path, kind, _, _) in enumerate(BASIC, 2):
        value: Any = data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if kind == "percent":
            value = _percent_value(value)
        elif kind == "bool":
            value = "是" if value else None
        basic.cell(row=i, column=2, value=_cell_value(value))
    facts = wb["预算明细"]
    for i, (_, path, _, _, _) in enumerate(FACTS, 2):
        facts.cell(row=i, column=2, value=_cell_value(_get(data, path)))
    by_kind = {k.kind: k for k in params.budget.by_kind}
    for r, kind in enumerate(KINDS, 2):
        k = by_kind.get(kind)
        for c, value in enumerate([k.initial, k.adjusted, k.spent] if k else [], 2):
            wb["按支出类型"].cell(row=r, column=c, value=_cell_value(value))
    _standard_rows(wb["共性指标"], framework, dict(params.standard))
    rows = {
        "预算": [[f.type, f.initial, f.adjusted, f.spent] for f in params.budget.funds],
        "绩效指标": [[i.category, i.name, i.target, i.actual, i.numerator, i.denominator,
                  i.rate_unit if i.numerator is not None else None, i.weight, i.method, i.tier, i.self_score,
                  i.self_score_reason, i.analysis, i.note] for i in params.indicators],
        "重点项目": [[p.name, p.budget, p.spent, _percent_value(p.stated_rate), p.purpose] for p in params.key_projects],
        "文字说明": [[label, text] for label, path in NARRATIVE.items() for text in _field(params, path)],
        "报告所述得分": [[n, params.stated.nodes.get(n), params.stated.indicator_counts.get(n)]
                   for n in list(params.stated.nodes) + [c for c in params.stated.indicator_counts
                                                         if c not in params.stated.nodes]],
    }
    monthly = params.execution.monthly
    if monthly is not None:
        col = 2 if monthly.basis == "cumulative" else 3
        for row, value in enumerate(monthly.values, 2):
            wb["月度支出"].cell(row=row, column=col, value=_cell_value(value))
    for sheet, values in rows.items():
        for r, row in enumerate(values, 2):
            for c, value in enumerate(row, 1):
                wb[sheet].cell(row=r, column=c, value=_cell_value(value))
    _management_rows(wb["管理效率"], framework, list(params.management))
    return save(wb)


def _field(params: ParamsFile, path: tuple[str, ...]) -> list[str]:
    value: Any = params
    for key in path:
        value = getattr(value, key)
    return list(value)


# ---------------------------------------------------------------------- reading


def read_workbook(path: str | Path, *, frameworks_dir: Path, strict: bool = False) -> ParamsFile:
    """A filled workbook as validated params; raise :class:`InputErrors` naming sheet, cell and column."""
    path = Path(path)
    reader = Reader(str(path), sheets=SHEET_OF_FIELD)
    params = reader.validated(ParamsFile, _read(open_filled(path), reader))
    fw_file = find_framework(params.framework, frameworks_dir)
    if fw_file is None:
        raise InputErrors([InputError(path, reader.cells.get("framework", "基本信息!B7（评价框架）"), "找不到该评价框架",
                                      expected=f"以下之一：{'、'.join(available(frameworks_dir))}", found=params.framework)])
    from ..evaluation import evaluate_params

    try:
        evaluate_params(params, load_framework(fw_file), path=path, strict=strict)
    except InputErrors as exc:
        raise InputErrors([relocate(e, reader) for e in exc.errors]) from None
    return params


def _table(reader: Reader, wb, name: str) -> tuple[Worksheet | None, list[tuple[int, list]]]:
    """A table sheet's data rows: 月度支出 keeps its twelve labelled months."""
    return reader.table(wb, name, SHEETS[name], optional=name in OPTIONAL_SHEETS,
                        labelled_rows=len(MONTHS) if name == "月度支出" else 0)


def _read(wb, reader: Reader) -> dict:  # one pass per sheet
    data: dict = {"schema_version": 1}
    # 基本信息: label → value
    if "基本信息" not in wb.sheetnames:
        reader.error("基本信息!（工作表）", "缺少工作表「基本信息」")
    else:
        seen = _key_values(wb["基本信息"], BASIC, reader, data, keep_blank=True)
        for label, path, _, required, _ in BASIC:
            if required and (label not in seen or _get(data, path) is None):
                reader.error(f"基本信息!B{_basic_row(label)}（{label}）", "必填项为空")
    # 预算明细: label → value, each optional; a group left wholly blank is absent
    if "预算明细" in wb.sheetnames:
        facts: dict = {}
        _key_values(wb["预算明细"], FACTS, reader, facts, keep_blank=False)
        data.setdefault("budget", {}).update(facts.get("budget", {}))
    # 按支出类型
    ws, rows = _table(reader, wb, "按支出类型")
    kinds = []
    for _r, cells in rows:
        i = len(kinds)
        item = {col.key: reader.value(ws, cell, col.header, col.kind, ("budget", "by_kind", i, col.key))
                for col, cell in zip(SHEETS["按支出类型"], cells)}
        if any(item[k] is not None for k in ("initial", "adjusted", "spent")):  # a pre-filled name alone is no row
            kinds.append({k: v for k, v in item.items() if v is not None})
    if kinds:
        data.setdefault("budget", {})["by_kind"] = kinds
    # 共性指标: the form's printed target and value of standard rows (formula and standard are for reading)
    ws, rows = _table(reader, wb, "共性指标")
    seen_rows: dict[str, str] = {}
    for _r, cells in rows:
        name = ws.cell(row=_r, column=1).value
        name = str(name).strip() if name is not None and str(name).strip() else None
        if name is not None:
            reader.value(ws, cells[0], "指标名称", "text", ("standard", name))  # errors about the row land here
        target = reader.value(ws, cells[3], "目标值（表上所列）", "written", ("standard", name or "", "target"))
        value = reader.value(ws, cells[4], "完成值（表上所列）", "written", ("standard", name or "", "value"))
        if target is None and value is None:
            continue
        if name is None:
            reader.error(reader.where(ws, cells[0], "指标名称"), "指标名称为空")
            continue
        if name in seen_rows:
            reader.error(reader.where(ws, cells[0], "指标名称"), f"与 {seen_rows[name]} 重复", found=name)
            continue
        seen_rows[name] = cells[0].coordinate
        for text, cell, label in ((target, cells[3], "目标值（表上所列）"), (value, cells[4], "完成值（表上所列）")):
            bare = text is not None and "%" not in text and "％" not in text
            if bare and text.strip().lstrip("≤≥<>=＜＞").strip() not in ("0", "0.0", "0.00"):
                # a General cell's 0.1 may mean 10 % or 0.1 %: only the form's own percent sign says which
                numeric = re.fullmatch(r"[≤≥<>=＜＞]?\s*-?\d+(\.\d+)?", text.strip()) is not None
                reader.error(reader.where(ws, cell, label), "请写成百分数（带 %），或把单元格设为百分比格式",
                             expected=f"如 {text}% 或 {_as_percent(text)}" if numeric else "如 3%、≤5%、≥95%",
                             found=text)
        data.setdefault("standard", {})[name] = {k: v for k, v in (("target", target), ("value", value))
                                                 if v is not None}
    # 预算
    ws, rows = _table(reader, wb, "预算")
    funds = []
    for _r, cells in rows:
        i = len(funds)
        fund = {}
        for col, cell in zip(SHEETS["预算"], cells):
            fund[col.key] = reader.value(ws, cell, col.header, col.kind, ("budget", "funds", i, col.key))
        if all(fund[k] is None for k in ("initial", "adjusted", "spent")):
            continue  # a fund type the template lists but the department does not have
        funds.append({k: v for k, v in fund.items() if v is not None})
    data.setdefault("budget", {})["funds"] = funds
    data["budget"] = {"funds": data["budget"].pop("funds"), **data["budget"]}  # funds first, as files write it
    # 月度支出
    ws, rows = _table(reader, wb, "月度支出")
    if ws is not None:
        cumulative = [reader.value(ws, cells[1], "累计支出", "amount", ("execution", "monthly", "values", i))
                      for i, (_, cells) in enumerate(rows[:12])]
        monthly = [reader.value(ws, cells[2], "当月支出", "amount", ("execution", "monthly", "values", i))
                   for i, (_, cells) in enumerate(rows[:12])]
        filled = [(basis, values) for basis, values in (("cumulative", cumulative), ("monthly", monthly))
                  if any(v is not None for v in values)]
        if len(filled) > 1:
            reader.error("月度支出!B2（累计支出）", "「累计支出」和「当月支出」只能填写一列")
        elif filled:
            basis, values = filled[0]
            column = "B" if basis == "cumulative" else "C"
            for i, value in enumerate(values):
                if value is None:
                    reader.error(f"月度支出!{column}{i + 2}（{MONTHS[i]}）", "月度支出须填满 12 个月")
            data.setdefault("execution", {})["monthly"] = {"basis": basis, "values": values}
    data.setdefault("execution", {})
    # 绩效指标
    ws, rows = _table(reader, wb, "绩效指标")
    indicators = []
    for i, (_, cells) in enumerate(rows):
        item = {col.key: reader.value(ws, cell, col.header, col.kind, ("indicators", i, col.key))
                for col, cell in zip(SHEETS["绩效指标"], cells)}
        indicators.append({k: v for k, v in item.items() if v is not None})
    data["indicators"] = indicators
    # 管理效率: rows of the same leaf are its deductions
    ws, rows = _table(reader, wb, "管理效率")
    leaves: dict[str, dict] = {}
    for _r, cells in rows:
        values = {col.key: (col, cell) for col, cell in zip(SHEETS["管理效率"], cells)}
        index = len(leaves)
        name_col, name_cell = values["name"]
        name = reader.value(ws, name_cell, name_col.header, "text", ("management", index, "name"))
        if name is None:
            reader.error(reader.where(ws, name_cell, "三级指标"), "三级指标名称为空")
            continue
        leaf = leaves.get(name)
        if leaf is None:
            leaf = leaves[name] = {"name": name, "deductions": [], "_index": index}
            for key in ("group", "weight", "score", "explanation", "target", "actual"):
                col, cell = values[key]
                target = "reason" if key == "explanation" else key
                leaf[target] = reader.value(ws, cell, col.header, col.kind, ("management", index, target))
        i = leaf["_index"]
        points = reader.value(ws, values["points"][1], "扣分", "number", ("management", i, "deductions",
                                                                         len(leaf["deductions"]), "points"))
        reason = reader.value(ws, values["reason"][1], "扣分原因", "text", ("management", i, "deductions",
                                                                        len(leaf["deductions"]), "reason"))
        if points is not None or reason is not None:
            leaf["deductions"].append({k: v for k, v in (("points", points), ("reason", reason)) if v is not None})
    data["management"] = [{k: v for k, v in leaf.items() if v is not None and k != "_index"
                           and not (k == "deductions" and not v)} for leaf in leaves.values()]
    # 重点项目
    ws, rows = _table(reader, wb, "重点项目")
    data["key_projects"] = [
        {k: v for k, v in {col.key: reader.value(ws, cell, col.header, col.kind, ("key_projects", i, col.key))
                           for col, cell in zip(SHEETS["重点项目"], cells)}.items() if v is not None}
        for i, (_, cells) in enumerate(rows)
    ]
    # 文字说明
    ws, rows = _table(reader, wb, "文字说明")
    for _, cells in rows:
        category = reader.value(ws, cells[0], "类别", "text", ("narrative",))
        text = reader.value(ws, cells[1], "内容", "text", ("narrative",))
        if category not in NARRATIVE:
            reader.error(reader.where(ws, cells[0], "类别"), "未知的类别", expected=f"以下之一：{'、'.join(NARRATIVE)}",
                         found=category)
            continue
        if text:
            target = data
            *parents, last = NARRATIVE[category]
            for key in parents:
                target = target.setdefault(key, {})
            target.setdefault(last, []).append(text)
            reader.cells.setdefault(format_field(NARRATIVE[category]), reader.where(ws, cells[1], "内容"))
    # 报告所述得分
    ws, rows = _table(reader, wb, "报告所述得分")
    for _, cells in rows:
        name = reader.value(ws, cells[0], "指标名称", "text", ("stated",))
        if name is None:
            reader.error(reader.where(ws, cells[0], "指标名称"), "指标名称为空")
            continue
        score = reader.value(ws, cells[1], "表述得分", "number", ("stated", "nodes", name))
        count = reader.value(ws, cells[2], "表述指标个数", "int", ("stated", "indicator_counts", name))
        if score is not None:
            data.setdefault("stated", {}).setdefault("nodes", {})[name] = score
        if count is not None:
            data.setdefault("stated", {}).setdefault("indicator_counts", {})[name] = count
    if "department" in data and "functions" not in data["department"]:
        data["department"]["functions"] = []
    return data


def _as_percent(text: str) -> str:
    """``"0.1"`` → ``"10%"`` (what a fraction typed in a General cell would mean), for the message."""
    head = text.rstrip("0123456789.")
    try:
        return head + format((Decimal(text[len(head):]) * 100).normalize(), "f") + "%"
    except (InvalidOperation, ValueError):
        return text + "%"


def _key_values(ws: Worksheet, items: tuple, reader: Reader, data: dict, *, keep_blank: bool) -> set[str]:
    """A 项目 / 内容 sheet (基本信息, 预算明细) into ``data`` by each label's field path; the labels seen."""
    reader.no_merged_cells(ws)
    labels = {item[0]: item for item in items}
    seen = set()
    for r in range(2, ws.max_row + 1):
        label_cell = ws.cell(row=r, column=1)
        label = str(label_cell.value).strip() if label_cell.value is not None else ""
        if not label:
            continue
        if label not in labels:
            reader.error(f"{ws.title}!{label_cell.coordinate}（项目）", "未知的项目", expected="模板中的项目名称",
                         found=label)
            continue
        seen.add(label)
        _, path, kind, _, _ = labels[label]
        value = reader.value(ws, ws.cell(row=r, column=2), label, kind, path)
        if value is not None or keep_blank:
            put(data, path, value)
    return seen


def _get(data: dict, path: tuple) -> object:
    value: Any = data
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def params_yaml(params: ParamsFile, *, source: str) -> str:
    """The params file's YAML text, with a header saying where it came from."""
    data = params.model_dump(mode="python", exclude_defaults=True)
    data = {"schema_version": 1, **data}
    origin = f"# 由 perflib excel-import 从 {source} 生成。可直接编辑，或改 Excel 后重新导入。\n"
    return origin + yaml_text(data)


INSTRUCTIONS = """部门整体支出绩效自评表（perflib 导入模板）
用途：填写一个部门一个年度的自评数据，然后用 perflib excel-import 本文件.xlsx 生成 params/<部门代码>/<年度>.yaml。
各工作表：
- 基本信息：部门代码（小写字母、数字、连字符，如 baiyun-emergency）、部门名称、年度、评价框架等；“报告所述”各项仅用于核对，不参与计分。
- 预算：每种资金性质一行：年初预算、调整后预算、支出（金额单位见基本信息，默认万元）；没有的资金性质金额留空即可。
- 按支出类型：基本支出、项目支出各一行（可不填）；两行合计须与各资金性质合计一致。
- 预算明细：结转结余、公用经费、“三公”经费、政府采购、编制与在职人数、固定资产（均可不填）；评价框架中按标准公式计算的指标（共性指标）由此计算。
- 月度支出：12 个月的累计支出，或当月支出（二选一）；用于计算年度评价执行率。没有月度数据时，在基本信息中填“年度评价执行率（报告所述）”。
- 绩效指标：每个指标一行。指标类别从下拉列表选择（列表随评价框架而定，如 产出/数量、效益/社会效益、满意度，或 个性指标）。指标值和实际完成值按原文填写，如“≥26 次、≥13 台”“不低于 95%”“≤1‰”；比率可另填分子、分母（比率单位 % 或 ‰）。分值合计须等于评价框架中该类指标的分值。定性指标须选定性档次（达成/部分达成/未达成）并填自评得分。
- 管理效率：已按评价框架列出各三级指标。满分的指标无需填写；扣分的填扣分和扣分原因，同一指标有多项扣分时另起一行、重复一级和三级指标名称。填了“自评得分”的，按自评得分计入（按扣分计算的得分另行核对并列为审核发现）。
- 共性指标：已按评价框架列出按标准公式计算的指标。表上只列比率、没有上面的基础数据时，在“完成值”填表上所列的比率；评价框架标准为“部门自定”的，在“目标值”填表上的目标（如 3%）。有基础数据时完成值可不填（填了会与计算值核对）。
- 重点项目：项目名称、全年预算数、实际支出。
- 文字说明：每段一行，类别从下拉列表选择（部门职能、年度工作任务、主要成效、存在问题、改进措施、上年问题整改情况等）。
- 报告所述得分：报告中表述的各级得分和指标个数（用于核对）。
注意：
- 百分比可填 47.78% 或 47.78；金额请填数字，不要带单位。
- 表格中不要合并单元格，不要留空行，不要改动表头。
- 导入时逐项校验，出错会指出工作表、单元格和列名，且不会生成任何文件。
"""
