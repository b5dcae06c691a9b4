"""A form's review (复核) as the pages show it: one sentence of the three totals, the score table with
自评分 | 规则分 | 复核分 and the difference, the rows the reviewer changed with the 复核意见 — in the report's
conclusion (:func:`perflib.present.report.conclusion`, so HTML, Word and PDF agree) and in the review report
(复核报告, :func:`review_page`, written as Word by :func:`perflib.present.word.review_docx`)."""

from __future__ import annotations

from decimal import Decimal

from ..numbers import exact, fmt_points, from_plain
from ..scoring.tree import NodeResult
from .html import HTML, heading, join, para, table


def _signed(value: Decimal) -> str:
    return "0.00" if not value else f"{'+' if value > 0 else '−'}{fmt_points(abs(value))}"


def reviewed_cell(total: object, grade: object) -> str:
    """A table's cell of a reviewer's total and grade (a frame's float and grade), "84.22（良）"; "—" for a form
    not reviewed."""
    shown = from_plain(total)
    return "—" if shown is None else f"{fmt_points(shown)}（{grade}）"


def review_sentence(review) -> str:  # a perflib.reviewer.rescore.Reviewed
    """What the review found, in one sentence: who, when, and the three totals and grades."""
    who = f"（复核人：{review.review.reviewer}，{review.review.date:%Y年%m月%d日}）" if review.review.reviewer else \
        f"（{review.review.date:%Y年%m月%d日}）"
    return (f"经财政部门复核{who}，复核得分 {fmt_points(review.total)} 分，等级“{review.grade}”；"
            f"自评得分 {fmt_points(review.self_total)} 分（“{review.self_grade}”），"
            f"按计分规则得分 {fmt_points(review.rule_total)} 分（“{review.rule_grade}”）。")


def review_table(review, nodes: list[NodeResult]) -> HTML:
    """The score table with a review: 分值 | 自评分 | 规则分 | 复核分 | 复核−自评, the first two levels and 合计."""
    rows = [[("　" * (n.level - 1)) + n.name, n.max, review.self_scores[n.path], review.rule_scores[n.path],
             review.scores[n.path], _signed(review.scores[n.path] - review.self_scores[n.path])] for n in nodes]
    rows.append(["合计", review.ev.framework.total, review.self_total, review.rule_total, review.total,
                 _signed(review.total - review.self_total)])
    rows.append(["等级", "", review.self_grade, review.rule_grade, review.grade, ""])
    return table(["指标", "分值", "自评分", "规则分", "复核分", "复核−自评"], rows, numeric=[1, 2, 3, 4, 5],
                 emphasis=[len(rows) - 2, len(rows) - 1], caption="自评、规则与复核得分")


def reviewed_rows_table(review) -> HTML:
    """Every row whose 自评分, 规则分 and 复核分 are not all the same, with the 复核意见; nothing when none."""
    rows = [[" / ".join(r.row.path[1:]), r.row.max, r.row.self_score, r.row.rule_score, r.score,
             _signed(r.score - r.row.self_score), r.comment or "—"] for r in review.rows if r.differs]
    if not rows:
        return para("复核分与自评分、规则分逐项一致。")
    return table(["指标", "分值", "自评分", "规则分", "复核分", "复核−自评", "复核意见"], rows, numeric=[1, 2, 3, 4, 5],
                 caption="复核调整的指标")


@exact
def review_page(review) -> HTML:  # a perflib.reviewer.rescore.Reviewed
    """The review report of one form (复核报告): the form identified, the three totals and grades, every row
    where they differ with the 复核意见, the reviewer and the date."""
    ev, stored = review.ev, review.review
    form = (f"项目：{ev.project}（主管部门：{ev.department}，部门代码 {ev.code}）" if ev.project
            else f"部门：{ev.department}（部门代码 {ev.code}）")
    nodes = [n for n in ev.scorecard.walk() if n.level <= 2 and n.kind != "indicator"]
    changed = sum(1 for r in review.rows if r.review_score is not None and r.review_score != r.row.rule_score)
    return join(
        heading(1, f"{ev.year} 年度{ev.project.removesuffix('项目') + '项目' if ev.project else ev.department}"
                   "绩效自评复核报告"),
        para(f"{form}　年度：{ev.year}　评价框架：{ev.framework.name}", cls="pf-subtitle pf-noindent"),
        heading(2, "一、复核结论"),
        para(review_sentence(review)),
        para(f"复核表逐行列出评分表的 {len(review.rows)} 行（指标、管理效率及按数据计算的各项），复核人填写复核分的 "
             f"{sum(1 for r in review.rows if r.review_score is not None)} 行中，{changed} 行与规则分不同；"
             "未填复核分的行按规则分计入复核得分。"),
        heading(2, "二、得分对照"),
        review_table(review, nodes),
        heading(2, "三、复核调整的指标"),
        reviewed_rows_table(review),
        heading(2, "四、复核人与日期"),
        para(f"复核人：{stored.reviewer or '（未填写）'}　复核日期：{stored.date:%Y年%m月%d日}"
             + (f"　复核表：{stored.source}" if stored.source else "")),
    )
