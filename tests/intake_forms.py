"""Filled-in 项目支出绩效自评表 as departments hand them in, built for the intake tests.

The layout follows the published MOF project form (财预〔2020〕10号 附件): a title and a year line, 项目名称 /
主管部门 / 实施单位, the 项目资金 block (年度资金总额, 其中：财政拨款, 上年结转资金, 其他资金; 分值 before 执行率),
年度总体目标 (预期目标 / 实际完成情况), the 绩效指标 block (一级 / 二级 / 三级指标, 年度指标值, 实际完成值, 分值,
得分, 偏差原因分析及改进措施) with 一级 and 二级 merged over their rows, then 总分 and 自评等级. The project, its
figures and its words are made up for these tests.

:func:`project_form` returns the form as rows of cell values and the merged ranges; keyword changes make the
variants people produce (see ``tests/test_intake.py``); :func:`save_xlsx` and :func:`save_docx` write it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

WIDTH = 10  # columns A..J: 绩效指标 label, 一级, 二级, 三级, 指标值, 实际值, 分值, 得分, 偏差原因 (2 columns)

#: (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施)
INDICATORS = [
    ("产出指标", "数量指标", "清淤管网长度", "≥120公里", "126公里", 15, 15, ""),
    ("产出指标", "数量指标", "检查井清掏数量", "≥3000座", "2850座", 10, 9.5, "部分检查井位于施工围挡内，顺延至次年一季度清掏"),
    ("产出指标", "质量指标", "清淤后管道验收合格率", "≥95%", "98%", 10, 10, ""),
    ("产出指标", "时效指标", "汛前清淤完成率", "100%", "100%", 10, 10, ""),
    ("产出指标", "成本指标", "每公里清淤成本", "≤2.5万元", "2.4万元", 5, 5, ""),
    ("效益指标", "社会效益指标", "城区易涝点数量", "≤5个", "3个", 10, 10, ""),
    ("效益指标", "社会效益指标", "汛期排水安全", "不发生因管网堵塞导致的严重内涝", "未发生因管网堵塞导致的严重内涝", 10, 10, ""),
    ("效益指标", "可持续影响指标", "管网养护巡查覆盖率", "≥90%", "92%", 10, 10, ""),
    ("满意度指标", "服务对象满意度指标", "沿街商户满意度", "≥90%", "93%", 10, 10, ""),
]
#: what the base form scores: 执行率 95 % × 10 = 9.5, 产出 49.5, 效益 30, 满意度 10
TOTAL = "99.00"

FUNDS = [  # name, 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分
    ("年度资金总额", 300, 320, 304, 10, "95.00%", 9.5),
    ("其中：财政拨款", 280, 300, 286, "—", "95.33%", "—"),
    ("上年结转资金", 20, 20, 18, "—", "90.00%", "—"),
    ("其他资金", None, None, None, "—", None, "—"),
]


@dataclass
class Form:
    rows: list[list[object]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row, col, row, col), from 1


def project_form(*, title: str = "项目支出绩效自评表", year_line: str | None = "（2022 年度）",
                 project: str = "城区排水管网清淤维护", unit: str = "万元",
                 funds: list[tuple] | None = None, funds_labels: tuple = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
                 indicators: list[tuple] | None = None,
                 labels: tuple = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
                 order: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6, 7), total: object = 99, grade: str | None = "优",
                 merged: bool = True, extra_rows: list[tuple] | None = None, dated: bool = False) -> Form:
    """The rows of a filled-in MOF project form; every keyword is one way real forms differ."""
    rows: list[list[object]] = []
    merges: list[tuple[int, int, int, int]] = []

    def add(cells: list[object]) -> int:
        rows.append(list(cells) + [None] * (WIDTH - len(cells)))
        return len(rows)

    r = add([title])
    merges.append((r, 1, r, WIDTH))
    if year_line is not None:
        r = add([year_line])
        merges.append((r, 1, r, WIDTH))
    if dated:  # a header line with the date it was filled in: a year that is not the form's
        add(["填报单位：示例市排水管理所", None, None, None, None, None, "填报日期：2023年3月10日"])
    r = add(["项目名称", project])
    merges.append((r, 2, r, WIDTH))
    r = add(["主管部门", "示例市水务局", None, None, None, "实施单位", "示例市排水管理所"])
    merges += [(r, 2, r, 5), (r, 7, r, WIDTH)]
    top = add([f"项目资金（{unit}）", None, None, *funds_labels])
    for name, *figures in (FUNDS if funds is None else funds):
        add([None, name, None, *figures])
    merges.append((top, 1, len(rows), 1))
    for i in range(top, len(rows) + 1):
        merges.append((i, 2, i, 3))
    goal = add(["年度总体目标", "预期目标", None, None, None, "实际完成情况"])
    add([None, "完成城区主次干道排水管网清淤120公里以上，汛前全部完成，保障汛期排水通畅。", None, None, None,
         "完成清淤126公里，检查井清掏2850座，汛期未发生因管网堵塞导致的严重内涝。"])
    merges += [(goal, 1, goal + 1, 1), (goal, 2, goal, 5), (goal + 1, 2, goal + 1, 5), (goal, 6, goal, WIDTH),
               (goal + 1, 6, goal + 1, WIDTH)]
    head = add(["绩效指标", *[labels[i] for i in order]])
    merges.append((head, 9, head, WIDTH))
    body = list(INDICATORS if indicators is None else indicators) + list(extra_rows or [])
    first = len(rows) + 1
    for row in body:
        add([None, *[row[i] for i in order]])
        merges.append((len(rows), 9, len(rows), WIDTH))
    last = len(rows)
    merges.append((head, 1, last, 1))
    if merged:  # 一级 and 二级 merged over their rows; the cells below the first are emptied, as Excel does
        for col in (0, 1):
            pos = order.index(col) + 2
            start = first
            for i in range(first, last + 2):
                same = i <= last and rows[i - 1][pos - 1] == rows[start - 1][pos - 1] and (
                    col == 0 or rows[i - 1][order.index(0) + 1] == rows[start - 1][order.index(0) + 1])
                if not same:
                    if i - 1 > start:
                        merges.append((start, pos, i - 1, pos))
                        for j in range(start + 1, i):
                            rows[j - 1][pos - 1] = None
                    start = i
    cells: list[object] = ["总分"] + [None] * 8
    points_at, score_at = order.index(5) + 1, order.index(6) + 1
    cells[points_at], cells[score_at] = 100, total
    r = add(cells)
    merges.append((r, 1, r, min(points_at, score_at)))
    if grade is not None:
        if 8 not in (points_at, score_at):
            rows[r - 1][8] = f"自评等级：{grade}"
            merges.append((r, 9, r, WIDTH))
        else:
            add(["自评等级", grade])
    add([])
    add(["填报人：", None, None, "联系电话：", None, None, "填报日期：2023年3月15日"])
    return Form(rows, merges)


def blank_under_headings(form: Form) -> Form:
    """The same form with its merged headings unmerged: the heading once, blank cells under it."""
    out = copy.deepcopy(form)
    out.merges = [m for m in out.merges if not (m[1] in (2, 3) and m[3] == m[1] and m[2] > m[0])]
    return out


def save_xlsx(form: Form, path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    for row in form.rows:
        ws.append(row)
    for r0, c0, r1, c1 in form.merges:
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def save_docx(form: Form, path: Path, *, split_at: str | None = None, title_above: bool = False) -> Path:
    """The form as the table of a Word report (a heading paragraph, then the table, cells merged); with
    ``split_at``, two tables, the second from the row whose second cell is ``split_at``; with ``title_above``,
    the title rows as paragraphs above the table, as Word reports often have them."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("附件：项目支出绩效自评表")
    if title_above:
        form = copy.deepcopy(form)
        while form.rows and form.rows[0][1] is None and form.rows[0][0] and "项目名称" not in str(form.rows[0][0]):
            doc.add_paragraph(str(form.rows[0][0]))
            form.rows.pop(0)
            form.merges = [(a - 1, b, c - 1, d) for a, b, c, d in form.merges if a > 1]
    cut = next((i for i, row in enumerate(form.rows) if split_at and row[1] == split_at), len(form.rows))
    for lo, hi in ((0, cut), (cut, len(form.rows))):
        if hi <= lo:
            continue
        table = doc.add_table(rows=hi - lo, cols=WIDTH)
        for r, row in enumerate(form.rows[lo:hi]):
            for c, value in enumerate(row):
                if value is not None:
                    table.cell(r, c).text = str(value)
        for r0, c0, r1, c1 in form.merges:
            if lo < r0 <= hi and lo < r1 <= hi:
                first = table.cell(r0 - 1 - lo, c0 - 1)
                text = first.text
                merged = first.merge(table.cell(r1 - 1 - lo, c1 - 1))
                merged.text = text
        doc.add_paragraph("")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
