"""自评表.xlsx: the self-evaluation form, filled in from the scored tree, laid out as the framework says.

The form a department hands in with its report: a header line (部门名称 …), the funds block (年初预算数,
全年预算数, 全年执行数, 执行率, 分值, 得分 by fund and in total), the year's overall goal (预期目标 / 实际完成
情况), then every leaf of the framework's tree under its 一级 / 二级 / 三级 headings with 年度指标值, 实际完成值,
分值, 得分 and 偏差原因分析及改进措施, and the total with the grade. The layout belongs to the framework
(``form:`` in its file, :class:`perflib.scoring.frameworks.Form`): title, header line, the funds block's
column order and where its total goes, and the indicator block's columns — so the Guangzhou department
form and the MOF project form (项目名称 / 主管部门 / 实施单位; 年度资金总额 first; 分值 before 执行率) each
come out in their own shape. Numbers are numbers (formatted, not text); headings are merged cells; the
sheet prints on A4 landscape, one page wide, its header rows repeated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..numbers import exact, fmt_percent, quantize
from ..scoring.frameworks import FORM_FIELDS, FUND_FIELDS, Form, FormColumn
from ..text import display_width

if TYPE_CHECKING:  # pragma: no cover
    from ..evaluation import Evaluation
    from ..scoring.tree import NodeResult

WIDTHS = {"level1": 12, "level2": 16, "level3": 30, "target": 22, "actual": 22, "completion": 10, "points": 8,
          "score": 8, "analysis": 40}


def form_of(framework) -> Form:  # a Framework
    """The framework's form layout (its ``form:``), or the default one."""
    return framework.form or Form()


def _n(value: Decimal | None) -> float | None:
    return None if value is None else float(quantize(value, 2))


def _leaves(node: NodeResult, trail: tuple[str, ...]) -> list[tuple[tuple[str, ...], NodeResult]]:
    """The form's rows: every indicator, management and metric leaf with the names of the nodes above it."""
    if node.kind in ("group", "indicators") and node.children:
        return [row for child in node.children for row in _leaves(child, (*trail, node.name))]
    return [((*trail, node.name), node)]


def _row(node: NodeResult, ev: Evaluation) -> tuple[str, str, str]:
    """年度指标值, 实际完成值, 偏差原因分析及改进措施 of one leaf."""
    if node.indicator is not None:
        r = node.indicator
        why = "" if r.met else (r.analysis or "（未填写偏差原因）")
        return r.target.text, r.actual_display, why
    if node.management is not None:
        m = node.management
        reasons = "；".join(f"{d.reason}（扣 {d.points} 分）" for d in m.deductions) or (m.reason or "")
        shown = m.actual or ("达标" if node.score >= node.max else "未完全达标")
        return m.target or node.description or "—", shown, reasons
    if node.execution:
        why = "" if node.score >= node.max else (ev.params.execution.analysis or "支出进度偏慢（未填写原因）")
        return "100%", fmt_percent(node.execution.rate), why
    if s := node.standard:  # computed from the budget: its target, its value, how it was computed
        shown = ("未填" if s.source == "missing" else "不适用" if s.source == "undefined" else
                 "—" if s.value is None else f"{quantize(s.value, 2)}%")
        if node.score >= node.max:
            why = ""
        elif s.target == "未填" or s.source == "missing":
            why = "表上未填，按评价框架计分"
        else:
            why = f"{s.indicator} = {s.formula}"
        return s.target, shown, why
    if node.banded:
        return "—", f"{quantize(node.banded.value, 2)}", ""
    return "—", "—", ""


def _cells(ev: Evaluation, node: NodeResult, names: list[str]) -> dict[str, object]:
    """Every field a column of the indicator block may show, for one leaf."""
    target, actual, why = _row(node, ev)
    completion = (node.indicator.completion if node.indicator is not None else
                  node.execution.rate if node.execution else None)
    if completion is None and node.max:  # a computed or judged row: 得分系数 = 得分 ÷ 分值
        completion = node.score / node.max
    return {"level1": names[0], "level2": names[1], "level3": names[2], "target": target, "actual": actual,
            "completion": None if completion is None else float(quantize(completion, 4)),
            "points": _n(node.max), "score": _n(node.score), "analysis": why}


@exact
def form_workbook(ev: Evaluation) -> bytes:
    """The filled-in 自评表 of one department-year, as the bytes of an .xlsx file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    from .xlsx import AMOUNT_FORMAT, HEADER_FILL, PERCENT_FORMAT, THIN, print_landscape, save

    form = form_of(ev.framework)
    columns: list[FormColumn] = form.columns
    fields = [c.field for c in columns]
    widths = [c.width or WIDTHS[c.field] for c in columns]
    last = len(columns)
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = {"points": "0.00", "score": "0.00", "completion": PERCENT_FORMAT}

    lines: dict[int, int] = {}  # row → the most lines a cell of it needs (Excel does not grow rows itself)

    def put(row: int, col: int, value: object, *, bold: bool = False, fill: bool = False, fmt: str | None = None,
            align: Alignment = wrap, span: int = 1) -> None:
        if isinstance(value, str) and value:
            room = max(sum(widths[col - 1: col - 1 + span]) - 1, 4)
            need = sum(-(-int(display_width(part)) // room) or 1 for part in value.split("\n"))
            lines[row] = max(lines.get(row, 1), need)
        if span > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
        for c in range(col, col + span):
            cell = ws.cell(row=row, column=c)
            cell.border = border
            if fill:
                cell.fill = HEADER_FILL
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = Font(bold=bold)
        cell.alignment = align
        if fmt:
            cell.number_format = fmt

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    title = ws.cell(row=1, column=1, value=form.title.format(year=ev.year, department=ev.department))
    title.font, title.alignment = Font(bold=True, size=16), centre
    ws.row_dimensions[1].height = 30
    # the header line: the money unit takes one column, the other items share the rest (the first the most)
    project = ev.params.project
    values = {"department": ev.department, "framework": ev.framework.name, "unit": ev.metrics.unit, "blank": "",
              "project": project.name if project else "", "implementer": (project.implementer or "") if project else ""}
    wide = [item for item in form.header if item.value != "unit"]
    room = last - (len(form.header) - len(wide))
    spans = [room // len(wide) + (1 if i < room % len(wide) else 0) for i in range(len(wide))] if wide else []
    col = 1
    for item in form.header:
        span = 1 if item.value == "unit" else spans.pop(0)
        if span < 1 or col > last:
            break
        put(2, col, f"{item.label}：{values[item.value]}", span=min(span, last - col + 1))
        col += span

    # the funds block: its name column spans what the six figures leave
    row = 3
    first_span = last - 6
    put(row, 1, form.funds.label, bold=True, fill=True, align=centre, span=first_span)
    for i, key in enumerate(form.funds.columns):
        put(row, first_span + 1 + i, FUND_FIELDS[key], bold=True, fill=True, align=centre)
    execution = next((n for n in ev.scorecard.walk() if n.execution), None)
    m = ev.metrics
    funds = [(f.type, {"initial": f.initial, "adjusted": f.adjusted, "spent": f.spent, "rate": f.execution_rate},
              False) for f in m.funds]
    total = (form.funds.total, {"initial": m.initial, "adjusted": m.adjusted, "spent": m.spent,
                                "rate": m.execution_rate,
                                "points": execution.max if execution else None,
                                "score": execution.score if execution else None}, True)
    ordered = [total, *((f"其中：{n}" if i == 0 else n, v, t) for i, (n, v, t) in enumerate(funds))] \
        if form.funds.total_first else [*funds, total]
    for name, figures, is_total in ordered:
        row += 1
        put(row, 1, name, bold=is_total, span=first_span)
        for i, key in enumerate(form.funds.columns):
            value = figures.get(key)
            if key == "rate":
                put(row, first_span + 1 + i, None if value is None else float(quantize(value, 4)), fmt=PERCENT_FORMAT,
                    bold=is_total)
            else:
                put(row, first_span + 1 + i, _n(value), fmt="0.00" if key in ("points", "score") else AMOUNT_FORMAT,
                    bold=is_total)
    # the year's overall goal: 预期目标 and 实际完成情况 share the figures' six columns
    row += 1
    put(row, 1, "年度总体目标", bold=True, fill=True, align=centre, span=first_span)
    put(row, first_span + 1, "预期目标", bold=True, fill=True, align=centre, span=3)
    put(row, first_span + 4, "实际完成情况", bold=True, fill=True, align=centre, span=3)
    row += 1
    goals = "\n".join(ev.params.narrative.tasks) or "（输入文件未提供）"
    done = "\n".join(ev.params.narrative.achievements) or "（输入文件未提供）"
    put(row, 1, "", span=first_span)
    put(row, first_span + 1, goals, span=3)
    put(row, first_span + 4, done, span=3)

    # the indicators
    row += 1
    header_row = row
    for col, c in enumerate(columns, 1):
        put(row, col, c.header or FORM_FIELDS[c.field], bold=True, fill=True, align=centre)
    rows = [r for top in ev.scorecard.nodes for r in _leaves(top, ())]
    first = row + 1
    headings: list[tuple[str, str]] = []
    for trail, node in rows:
        row += 1
        names = list(trail) + [""] * (3 - len(trail))
        if len(trail) > 3:
            names = [trail[0], " / ".join(trail[1:-1]), trail[-1]]
        headings.append((names[0], names[1]))
        cells = _cells(ev, node, names)
        for col, field in enumerate(fields, 1):
            value = cells[field]
            if field in formats:
                put(row, col, value, fmt=formats[field])
            else:
                put(row, col, value or ("" if field == "analysis" else "—"))
    # merge the 一级 and 二级 names over their rows (decided from the names, not the sheet: merging empties cells)
    for depth, field in ((1, "level1"), (2, "level2")):
        if field not in fields:
            continue
        col = fields.index(field) + 1
        start = 0
        for i in range(1, len(headings) + 1):
            if i == len(headings) or headings[i][:depth] != headings[start][:depth]:
                if i - 1 > start:
                    ws.merge_cells(start_row=first + start, start_column=col, end_row=first + i - 1, end_column=col)
                    ws.cell(row=first + start, column=col).alignment = centre
                start = i
    row += 1
    points, score = fields.index("points") + 1, fields.index("score") + 1
    before = min(points, score) - 1
    if before >= 1:
        put(row, 1, "总分", bold=True, align=centre, span=before)
    put(row, points, _n(ev.framework.total), bold=True, fmt="0.00")
    put(row, score, _n(ev.total), bold=True, fmt="0.00")
    rest = [c for c in range(max(points, score) + 1, last + 1)]
    if rest:
        put(row, rest[0], f"自评等级：{ev.grade}", bold=True, span=len(rest))
    else:  # no room after the score: the grade goes on the next line
        row += 1
        put(row, 1, f"自评等级：{ev.grade}", bold=True, span=last)
    row += 2
    ws.cell(row=row, column=1, value="联系人：")
    ws.cell(row=row, column=max((last + 1) // 2, 2), value="联系电话：")
    ws.cell(row=row, column=max(last - 1, 3), value="填报日期：")

    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for r, n in lines.items():
        if n > 1:
            ws.row_dimensions[r].height = min(15 * n + 3, 409)  # 409 pt: Excel's highest row
    print_landscape(ws, header_row=header_row)
    ws.print_area = f"A1:{get_column_letter(last)}{row}"
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return save(wb)
