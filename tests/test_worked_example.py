"""The worked example end to end: every figure the published 2023 report of 广州市白云区应急管理局
states comes out of the engine from the inputs in params/baiyun-emergency/2023.yaml.

The figures (all stated in the report itself):
年初预算 5692.59 万元 = 3024.25 一般公共预算 + 2668.34 政府性基金预算; 调整后 5448.73 = 3168.02 + 2280.71;
支出 5369.24 = 3107.04 + 2262.2; 年度预算执行率 98.54 %; 年度评价执行率 47.78 % → 部门预算资金支出率 4.78/10;
产出 19.6/20 (11 indicators, two missed: 32 of 34 家, 12 of 13 台); 效益 20/20 (9); 履职效能 44.38/50;
管理效率 47.5/50 (22 leaves); total 91.88, 优; key project 669.98 of 673.28 万元 = 99.51 %;
隐患整改率 2560/2619 = 97.75 %; 森林火灾受害率 2.304/179000 亩 ≈ 0.013 ‰; 行政诉讼败诉率 0/8 = 0 %.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from perflib import evaluate
from perflib.cli import main
from perflib.numbers import percent

from .conftest import EXAMPLE

D = Decimal


@pytest.fixture(scope="module")
def ev():
    return evaluate(EXAMPLE)


def test_total_and_grade(ev) -> None:
    assert ev.total == D("91.88")
    assert ev.grade == "优"


@pytest.mark.parametrize(
    ("node", "max_", "score"),
    [
        ("履职效能", "50", "44.38"),
        ("产出指标完成情况", "20", "19.6"),
        ("效益指标完成情况", "20", "20"),
        ("部门预算资金支出率", "10", "4.78"),
        ("管理效率", "50", "47.5"),
        ("财务管理合规性", "3", "2"),
        ("资产管理合规性", "2", "1"),
        ("合同备案时效性", "3", "2.5"),
    ],
)
def test_node_scores(ev, node: str, max_: str, score: str) -> None:
    n = ev.scorecard.node(node)
    assert (n.max, n.score) == (D(max_), D(score))


def test_budget_totals(ev) -> None:
    m = ev.metrics
    assert (m.initial, m.adjusted, m.spent) == (D("5692.59"), D("5448.73"), D("5369.24"))
    by_type = {f.type: (f.initial, f.adjusted, f.spent) for f in m.funds}
    assert by_type["一般公共预算"] == (D("3024.25"), D("3168.02"), D("3107.04"))
    assert by_type["政府性基金预算"] == (D("2668.34"), D("2280.71"), D("2262.2"))


def test_rates(ev) -> None:
    m = ev.metrics
    assert percent(m.execution_rate) == D("98.54")
    assert percent(m.evaluation_rate) == D("47.78")
    assert m.evaluation.source == "monthly"  # recomputed from the (reconstructed) series, not typed in
    assert percent(m.projects[0].execution_rate) == D("99.51")


def test_indicator_counts_and_missed_targets(ev) -> None:
    produced = ev.scorecard.node("产出指标完成情况").children
    effects = ev.scorecard.node("效益指标完成情况").children
    assert (len(produced), len(effects)) == (11, 9)
    assert len([n for n in ev.scorecard.node("管理效率").walk() if n.kind == "management"]) == 22
    missed = {n.indicator.actual_short for n in produced if not n.indicator.met}
    assert missed == {"32家", "37次、12台"}


@pytest.mark.parametrize(
    ("name", "value", "unit"),
    [("安全生产排查隐患整改率", "97.75", "%"), ("森林火灾受害率", "0.013", "‰"), ("生产安全事故案的行政诉讼败诉率", "0.00", "%")],
)
def test_rates_recomputed_from_numerator_and_denominator(ev, name: str, value: str, unit: str) -> None:
    r = next(r for r in ev.scorecard.indicators if r.name == name)
    places = -D(value).as_tuple().exponent
    assert round(r.computed, places) == D(value)
    assert r.rate_unit == unit


def test_stated_figures_all_agree(ev) -> None:
    """The report's own totals, rates and scores check out: no error-level finding."""
    assert ev.findings_at("error") == []


def test_audit_finds_what_the_report_admits(ev) -> None:
    codes = {(f.code, f.subject) for f in ev.findings}
    for missing in ("产出/时效", "产出/成本", "效益/可持续影响"):
        assert ("CATEGORY_MISSING", missing) in codes
    assert ("SPENDING_BACKLOADED", "支出进度") in codes
    assert ("SPENDING_BEHIND_SCHEDULE", "支出进度") in codes
    # the forest-fire damage rate is written ≤1 % and 0.13 % elsewhere in the report
    two_ways = [f for f in ev.findings if f.code == "FIGURE_STATED_TWO_WAYS"]
    assert {f.subject for f in two_ways} == {"森林火灾受害率"}
    assert len(two_ways) == 2
    exceeded = {f.subject for f in ev.findings if f.code == "TARGET_EXCEEDED"}
    assert exceeded == {"组织全区性应急演练次数", "通过购买服务的方式，拖运“黑加油车”的次数、清洗“黑加油车”油罐的次数"}
    assert any(f.code == "RECONSTRUCTED" for f in ev.findings)


def test_score_json_cli(capsys) -> None:
    assert main(["score", str(EXAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["department"], data["year"], data["framework"]) == ("广州市白云区应急管理局", 2023, "guangzhou-department-overall")
    assert (data["total"], data["grade"]) == (91.88, "优")
    nodes = {n["name"]: (n["max"], n["score"]) for n in data["nodes"]}
    assert nodes["履职效能"] == (50, 44.38)
    assert nodes["部门预算资金支出率"] == (10, 4.78)
    assert nodes["管理效率"] == (50, 47.5)
    assert data["metrics"]["execution_rate"] == 98.54
    assert data["metrics"]["evaluation_rate"] == 47.78
    assert data["metrics"]["key_projects"][0]["execution_rate"] == 99.51
    assert {f["level"] for f in data["findings"]} <= {"error", "warning", "info"}
    assert all({"level", "code", "message"} <= set(f) for f in data["findings"])


def test_score_text_cli(capsys) -> None:
    assert main(["score", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "91.88" in out and "「优」" in out and "部门预算资金支出率" in out
