"""A published department-overall form, filled in from its public text, scored and audited.

Source: 《部门整体绩效自评表》, 2021 年度, of 西部（重庆）科学城融媒体中心 (the name as the form's own text gives
it; contact 曾雪莲), reposted by a document site at https://m.yzwku.com/doc/98587.html . Only its first page
can be read, as recognised text with some cells garbled. Its rows descend from the MOF common framework
(财预〔2013〕53号 附件2): the 投入/过程 indicators of the framework as rows with a department-set target, then
the department's own output rows; perflib's framework for it is ``chongqing-department-overall``. The input
(docs/examples/cq-kxc-media/2021.yaml) says cell by cell what was read and what could not be.

The form states 自评总分 97.6. perflib scores 53.05. The hand check of every row, and of the difference:

- 预算执行率: 76% × 10 = 7.6 (stated 7.6). The amounts are illegible; the input carries the rate as 76 of 100.
- 共性指标 (30 points), the rates as printed:
  财政供养人员控制率 92% ≤ 100% → 2; 预算完成率 76% ≥ 70% → 2; 预算调整率 0 ≤ 3% → 2 (the form prints "3%": a
  ceiling, read in the indicator's direction); 结转结余率 0 ≤ 2% → 2; 公用经费控制率 97% ≤ 100% → 2;
  固定资产利用率 100% ≥ 90% → 2; the five judged rows 1 + 3 + 5 + 1 + 2 = 12 at full marks, as stated.
  “三公”经费变动率 and “三公”经费控制率: target and value blank on the form → 未填, 0 each (stated 2 each).
  政府采购执行率 72.74% against 100%: 2 × 0.7274 = 1.4548 → 1.45 (stated 2: the form scores a 72.74 % row as
  if met). Sum 6 × 2 + 12 + 0 + 0 + 1.45 = 25.45.
- 个性指标 (60 points): the legible rows weigh 5 + 10 + 5 + 10 + 10 = 40, not 60 (the rest is on page 2).
  播发稿件数量 2859 ≥ 2200 篇 → 10; 业务保障能力提升 95% ≥ 90% → 10; three rows whose targets are garbled
  (党性教育培训次数, 组织宣传活动次数, 制作宣传品数量) are 未填 → 0 (stated 5, 10, 5). Sum 20.
- Total 7.6 + 25.45 + 20 = 53.05. The 44.55 between it and 97.6 is, each part a finding:
  20 (page 2's rows, WEIGHTS_DO_NOT_ADD_UP 40 against 60) + 20 (three illegible targets, NOT_FILLED and
  SCORE_MISMATCH 5 + 10 + 5) + 4 (the blank 三公 rows, NOT_FILLED and SCORE_MISMATCH 2 + 2) + 0.55 (政府采购执行率,
  SCORE_MISMATCH 2 against 1.45).

The last two, 4.55 points, are the form's own: rows blank or missed yet stated at full marks. The other 40
are what the repost does not let anyone read; the findings say so rather than guessing.
"""

from __future__ import annotations

from decimal import Decimal as D

import yaml

from perflib import evaluate
from perflib.inputs.locate import BUNDLED_FRAMEWORKS
from perflib.scoring.frameworks import load_framework

from .conftest import REPO

FORM = REPO / "docs" / "examples" / "cq-kxc-media" / "2021.yaml"

# row: (perflib's score, the form's stated score)
ROWS = {
    "预算执行率": (D("7.6"), D("7.6")),
    "财政供养人员控制率": (D(2), D(2)),
    "“三公”经费变动率": (D(0), D(2)),
    "基础信息完善性": (D(1), D(1)),
    "预算完成率": (D(2), D(2)),
    "预算调整率": (D(2), D(2)),
    "结转结余率": (D(2), D(2)),
    "公用经费控制率": (D(2), D(2)),
    "“三公”经费控制率": (D(0), D(2)),
    "政府采购执行率": (D("1.45"), D(2)),
    "管理制度健全性": (D(3), D(3)),
    "资金使用合规性": (D(5), D(5)),
    "预决算信息公开性": (D(1), D(1)),
    "资产管理安全性": (D(2), D(2)),
    "固定资产利用率": (D(2), D(2)),
    "党性教育培训次数": (D(0), D(5)),
    "组织宣传活动次数": (D(0), D(10)),
    "制作宣传品数量": (D(0), D(5)),
    "播发稿件数量": (D(10), D(10)),
    "业务保障能力提升": (D(10), D(10)),
}


def test_the_input_states_what_the_form_states() -> None:
    stated = yaml.safe_load(FORM.read_text(encoding="utf-8"))["stated"]
    assert D(str(stated["total"])) == D("97.6")
    assert {name: D(str(v)) for name, v in stated["nodes"].items()} == {name: s for name, (_, s) in ROWS.items()}
    # the form's own rows add up to its total: the stated total is the sum of the stated rows plus page 2's 20
    assert sum((s for _, s in ROWS.values()), D(0)) + 20 == D("97.6")


def test_each_row_scores_as_the_hand_check_says() -> None:
    ev = evaluate(FORM)
    for name, (score, _) in ROWS.items():
        assert ev.scorecard.node(name).score == score, name
    assert ev.scorecard.node("共性指标").score == D("25.45")
    assert ev.scorecard.node("个性指标").score == D(20)
    assert ev.scorecard.total == D("53.05")


def test_every_difference_from_the_stated_total_is_a_finding() -> None:
    ev = evaluate(FORM)
    errors = [f for f in ev.findings if f.level == "error"]
    mismatched = {f.subject for f in errors if f.code == "SCORE_MISMATCH"}
    assert mismatched == {name for name, (score, said) in ROWS.items() if score != said} | {"总分"}
    assert {f.subject for f in errors if f.code == "NOT_FILLED"} == {
        "“三公”经费变动率", "“三公”经费控制率", "党性教育培训次数", "组织宣传活动次数", "制作宣传品数量"}
    weights = [f for f in errors if f.code == "WEIGHTS_DO_NOT_ADD_UP"]
    assert len(weights) == 1 and "合计 40.00 分，应为 60.00 分" in weights[0].message
    assert {f.code for f in errors} == {"SCORE_MISMATCH", "NOT_FILLED", "WEIGHTS_DO_NOT_ADD_UP"}
    # the hand check: page 2 (60 − 40) + three illegible targets + two blank 三公 rows + 政府采购执行率
    lost = {name: said - score for name, (score, said) in ROWS.items() if score != said}
    assert D("97.6") - ev.scorecard.total == 20 + sum(lost.values(), D(0))
    assert sum(lost.values(), D(0)) == 20 + 4 + D("0.55")
    # read where the form gives no operator: 预算调整率 "3%" is a ceiling, 政府采购执行率 "100%" a level to reach
    assert ev.scorecard.node("预算调整率").detail.target == "≤3%"
    assert ev.scorecard.node("政府采购执行率").detail.source == "form"


def test_the_framework_is_the_common_framework_with_the_forms_points() -> None:
    fw = load_framework(BUNDLED_FRAMEWORKS / "chongqing-department-overall.yaml")
    common = next(n for n in fw.tree if n.name == "共性指标")
    assert sum((c.points for c in common.children), D(0)) == common.points == 30
    computed = [c for c in common.children if c.method == "standard"]
    assert len(computed) == 9 and all(c.params["target"] == "input" for c in computed)
    assert [n.points for n in fw.tree] == [10, 30, 60]


def test_the_report_and_the_form_say_where_each_rate_came_from() -> None:
    import io

    from openpyxl import load_workbook

    from perflib.present.form import form_workbook
    from perflib.present.report import Report, scoring_details

    ev = evaluate(FORM)
    text = str(scoring_details(Report(ev, (ev,))))
    assert "表上所列为 72.74%（未提供计算所需的预算数据），标准为 ≥100%，得分 1.45 分" in text
    assert "预算完成率 = 支出 ÷ 调整后预算 × 100% = 76.00%，标准为 ≥70%" in text  # computed from the budget
    assert "本年度无法计算（预算数据和表上完成值均未填）" in text
    assert ">定性<" not in text  # a row whose target is 未填 is not a qualitative one
    sheet = list(load_workbook(io.BytesIO(form_workbook(ev))).active.iter_rows(values_only=True))
    assert sheet[0][0] == "部门整体绩效自评表（2021 年度）"  # the framework's own form title
    rows = {r[1]: r for r in sheet if len(r) > 1 and r[1]}
    assert rows["“三公”经费变动率"][2:4] == ("未填", "未填") and rows["“三公”经费变动率"][-1] == "表上未填，按评价框架计分"
    assert rows["管理制度健全性"][2:4] == ("高", "高") and rows["资金使用合规性"][2:4] == ("好", "好")  # as printed
    procurement = rows["政府采购执行率"]
    assert procurement[2:7] == ("≥100%", "72.74%", 0.725, 2, 1.45)  # 年初指标值 … 指标得分, 得分系数 = 1.45 ÷ 2


def test_the_reports_score_table_adds_up() -> None:
    import re

    from perflib.present.report import Report, conclusion

    ev = evaluate(FORM)
    html = str(conclusion(Report(ev, (ev,))))
    rows = re.findall(r"<tr><td[^>]*>(?:　)?([^<]+)</td><td[^>]*>([\d.]+)</td><td[^>]*>([\d.]+)</td>", html)
    scores = {name: D(score) for name, _, score in rows}
    assert scores["共性指标"] == D("25.45")
    children = [n.name for n in ev.scorecard.node("共性指标").children]
    assert all(name in scores for name in children)  # the judged rows too
    assert sum((scores[name] for name in children), D(0)) == scores["共性指标"]


def test_the_score_table_lists_only_the_rows_that_lost_points(capsys) -> None:
    from perflib.cli import main

    assert main(["score", str(FORM)]) == 0
    out = capsys.readouterr().out
    assert "政府采购执行率" in out and "“三公”经费控制率" in out and "党性教育培训次数" in out
    assert "财政供养人员控制率" not in out.split("审核发现")[0]  # full marks: "从略"


def test_the_execution_rows_reason_is_the_analysts(write_params) -> None:
    import io

    from openpyxl import load_workbook

    from perflib.present.form import form_workbook

    data = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    for analysis, shown in ((None, "支出进度偏慢（未填写原因）"), ("部分项目资金年底前未支付", "部分项目资金年底前未支付")):
        if analysis:
            data["execution"]["analysis"] = analysis
        ev = evaluate(write_params(data, code="cq-kxc-media", year=2021))
        sheet = list(load_workbook(io.BytesIO(form_workbook(ev))).active.iter_rows(values_only=True))
        row = next(r for r in sheet if r[0] == "预算执行率")
        assert row[-1] == shown
