"""自评表.xlsx: the self-evaluation form, filled in from the scored tree.

The form a department hands in with its report: the budget block (年初预算数, 全年预算数, 全年执行数,
执行率, 分值, 得分), the year's overall goal (预期目标 / 实际完成情况), then every leaf of the framework's
tree under its 一级 / 二级 / 三级 headings with 年度指标值, 实际完成值, 分值, 得分 and 偏差原因分析及改进措施,
and the total with the grade. The rows follow the framework's own tree, so the Guangzhou department-overall
form and the MOF project form each come out in their own shape. Numbers are numbers (formatted, not text);
headings are merged cells; the sheet prints on A4 landscape, one page wide, its header rows repeated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..numbers import exact, fmt_percent, quantize
from ..text import display_width

if TYPE_CHECKING:  # pragma: no cover
    from ..evaluation import Evaluation
    from ..scoring.tree import NodeResult

COLUMNS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
WIDTHS = (12, 16, 30, 22, 22, 8, 8, 40)
BUDGET_COLUMNS = ("资金性质", "年初预算数", "全年预算数", "全年执行数", "执行率", "分值", "得分")


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
        return node.description or "—", "达标" if node.score >= node.max else "未完全达标", reasons
    if "rate" in node.detail:
        return "100%", fmt_percent(node.detail["rate"]), "" if node.score >= node.max else "支出进度偏慢"
    if "value" in node.detail:
        return "—", f"{quantize(node.detail['value'], 2)}", ""
    return "—", "—", ""


@exact
def form_workbook(ev: Evaluation) -> bytes:
    """The filled-in 自评表 of one department-year, as the bytes of an .xlsx file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    from .xlsx import AMOUNT_FORMAT, HEADER_FILL, PERCENT_FORMAT, THIN, save

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    last = len(COLUMNS)

    lines: dict[int, int] = {}  # row → the most lines a cell of it needs (Excel does not grow rows itself)

    def put(row: int, col: int, value: object, *, bold: bool = False, fill: bool = False, fmt: str | None = None,
            align: Alignment = wrap, span: int = 1) -> None:
        if isinstance(value, str) and value:
            room = max(sum(WIDTHS[col - 1: col - 1 + span]) - 1, 4)
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
    title = ws.cell(row=1, column=1, value=f"{ev.year} 年度部门整体支出绩效自评表")
    title.font, title.alignment = Font(bold=True, size=16), centre
    ws.row_dimensions[1].height = 30
    put(2, 1, f"部门名称：{ev.department}", span=4)
    put(2, 5, f"评价框架：{ev.framework.name}", span=3)
    put(2, 8, f"金额单位：{ev.metrics.unit}")

    # the budget block
    row = 3
    spans = (2, 1, 1, 1, 1, 1, 1)
    col = 1
    for label, span in zip(BUDGET_COLUMNS, spans):
        put(row, col, label, bold=True, fill=True, align=centre, span=span)
        col += span
    execution = next((n for n in ev.scorecard.walk() if "rate" in n.detail), None)
    m = ev.metrics
    funds = [(f.type, f.initial, f.adjusted, f.spent, f.execution_rate) for f in m.funds]
    funds.append(("合计", m.initial, m.adjusted, m.spent, m.execution_rate))
    for i, (kind, initial, adjusted, spent, rate) in enumerate(funds):
        row += 1
        total = i == len(funds) - 1
        put(row, 1, kind, bold=total, span=2)
        for col, value in ((3, initial), (4, adjusted), (5, spent)):
            put(row, col, _n(value), fmt=AMOUNT_FORMAT, bold=total)
        put(row, 6, None if rate is None else float(quantize(rate, 4)), fmt=PERCENT_FORMAT, bold=total)
        put(row, 7, _n(execution.max) if total and execution else None, fmt="0.00", bold=total)
        put(row, 8, _n(execution.score) if total and execution else None, fmt="0.00", bold=total)
    # the year's overall goal
    row += 1
    put(row, 1, "年度总体目标", bold=True, fill=True, align=centre, span=2)
    put(row, 3, "预期目标", bold=True, fill=True, align=centre, span=3)
    put(row, 6, "实际完成情况", bold=True, fill=True, align=centre, span=3)
    row += 1
    goals = "\n".join(ev.params.narrative.tasks) or "（输入文件未提供）"
    done = "\n".join(ev.params.narrative.achievements) or "（输入文件未提供）"
    put(row, 1, "", span=2)
    put(row, 3, goals, span=3)
    put(row, 6, done, span=3)

    # the indicators
    row += 1
    header_row = row
    for col, label in enumerate(COLUMNS, 1):
        put(row, col, label, bold=True, fill=True, align=centre)
    rows = [r for top in ev.scorecard.nodes for r in _leaves(top, ())]
    first = row + 1
    headings: list[tuple[str, str]] = []
    for trail, node in rows:
        row += 1
        names = list(trail) + [""] * (3 - len(trail))
        if len(trail) > 3:
            names = [trail[0], " / ".join(trail[1:-1]), trail[-1]]
        headings.append((names[0], names[1]))
        target, actual, why = _row(node, ev)
        for col, value in enumerate((names[0], names[1], names[2], target, actual), 1):
            put(row, col, value or "—")
        put(row, 6, _n(node.max), fmt="0.00")
        put(row, 7, _n(node.score), fmt="0.00")
        put(row, 8, why)
    # merge the 一级 and 二级 names over their rows (decided from the names, not the sheet: merging empties cells)
    for col in (1, 2):
        start = 0
        for i in range(1, len(headings) + 1):
            if i == len(headings) or headings[i][:col] != headings[start][:col]:
                if i - 1 > start:
                    ws.merge_cells(start_row=first + start, start_column=col, end_row=first + i - 1, end_column=col)
                    ws.cell(row=first + start, column=col).alignment = centre
                start = i
    row += 1
    put(row, 1, "总分", bold=True, align=centre, span=5)
    put(row, 6, _n(ev.framework.total), bold=True, fmt="0.00")
    put(row, 7, _n(ev.total), bold=True, fmt="0.00")
    put(row, 8, f"自评等级：{ev.grade}", bold=True)
    row += 2
    ws.cell(row=row, column=1, value="联系人：")
    ws.cell(row=row, column=4, value="联系电话：")
    ws.cell(row=row, column=7, value="填报日期：")

    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for r, n in lines.items():
        if n > 1:
            ws.row_dimensions[r].height = min(15 * n + 3, 409)  # 409 pt: Excel's highest row
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(last)}{row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return save(wb)
