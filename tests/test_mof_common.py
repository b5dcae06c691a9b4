"""The MOF common framework for department-overall spending (财预〔2013〕53号 附件2: 投入 / 过程 / 产出 / 效果),
with its budget-derived rows computed, on the documented example instance (docs/examples/demo-mof-finance,
synthetic data). Every row below is computed by hand from the example's figures, so a reader can check it."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from perflib import evaluate
from perflib.inputs.locate import BUNDLED_FRAMEWORKS
from perflib.scoring.frameworks import load_framework

from .conftest import REPO

EXAMPLE = REPO / "docs" / "examples" / "demo-mof-finance" / "2024.yaml"

# row: (score, the hand calculation)
ROWS = {
    "在职人员控制率": (D(4), "58 ÷ 60 = 96.67% ≤ 100%: full"),
    "“三公”经费变动率": (D(4), "(27.60 − 28.80) ÷ 28.80 = −4.17% ≤ 0%: full"),
    "重点支出安排率": (D(4), "budgets (500 + 300) ÷ 1200 = 66.67% ≥ 50%: full"),
    "绩效指标明确性": (D(3), "4 − 1 deducted"),
    "预算完成率": (D("3.87"), "2030 ÷ 2100 = 96.667%; × 4 = 3.8667 → 3.87"),
    "预算调整率": (D(3), "(2100 − 2000) ÷ 2000 = 5% ≤ 10%: full"),
    "支付进度率": (D("2.5"), "3 − 0.5 deducted"),
    "结转结余率": (D(3), "70 ÷ 2100 = 3.33% ≤ 10%: full"),
    "结转结余变动率": (D(3), "(70 − 80) ÷ 80 = −12.5% ≤ 0%: full"),
    "公用经费控制率": (D(2), "112.50 ÷ 120 = 93.75% ≤ 100%: full"),
    "“三公”经费控制率": (D(2), "27.60 ÷ 30 = 92% ≤ 100%: full"),
    "政府采购执行率": (D("1.86"), "372 ÷ 400 = 93%; × 2 = 1.86"),
    "固定资产利用率": (D("1.5"), "300 ÷ 400 = 75%; × 2 = 1.5"),
    "职责履行": (D("19.4"), "6 + 36/40 × 6 = 5.4 + 4 + 4"),
    "履职效益": (D("19.78"), "10 + 88/90 × 10 = 9.78"),
    "投入": (D(19), "7 + 12"),
    "过程": (D("38.73"), "21.23 + 12 + 4 + 1.5"),
}


@pytest.fixture(scope="module")
def ev():
    return evaluate(EXAMPLE)


def test_the_framework_is_the_common_tree_with_points_a_province_fills_in() -> None:
    fw = load_framework(BUNDLED_FRAMEWORKS / "mof-department-common.yaml")
    assert [n.name for n in fw.tree] == ["投入", "过程", "产出", "效果"]
    assert sum(n.points for n in fw.tree) == fw.total == 100
    standard = [n.params["indicator"] for _, n in fw.walk() if n.method == "standard"]
    assert {"在职人员控制率", "“三公”经费变动率", "重点支出安排率", "预算完成率", "预算调整率", "结转结余率",
            "结转结余变动率", "公用经费控制率", "“三公”经费控制率", "政府采购执行率", "固定资产利用率"} == set(standard)


@pytest.mark.parametrize("row", sorted(ROWS))
def test_every_row_as_computed_by_hand(ev, row: str) -> None:
    assert ev.scorecard.node(row).score == ROWS[row][0], ROWS[row][1]


def test_the_total_and_the_rows_the_form_misstates(ev) -> None:
    assert (ev.total, ev.grade) == (D("96.91"), "优")  # 19 + 38.73 + 19.4 + 19.78
    mismatches = {f.subject: f.message for f in ev.findings if f.code == "SCORE_MISMATCH"}
    # the form gives full marks to two rows the rules score lower; its total is off by exactly their sum
    assert set(mismatches) == {"预算完成率", "政府采购执行率", "总分"}
    assert "按评分规则计为 3.87 分" in mismatches["预算完成率"] and "按评分规则计为 1.86 分" in mismatches["政府采购执行率"]
    assert D("97.18") - ev.total == (4 - D("3.87")) + (2 - D("1.86"))
    assert not [f for f in ev.findings if f.code in ("NOT_FILLED", "WEIGHTS_DO_NOT_ADD_UP", "BUDGET_SUM_MISMATCH")]


def test_the_json_shows_how_a_standard_row_was_computed(ev) -> None:
    node = next(n for n in ev.to_dict()["nodes"] if n["name"] == "政府采购执行率")
    assert node["standard"] == {"indicator": "政府采购执行率", "formula": "政府采购实际金额 ÷ 政府采购预算 × 100%",
                                "target": "=100%", "value": 93.0, "source": "budget", "direction": "≥",
                                "printed": None}


def test_explain_shows_each_computed_row_with_its_numbers(capsys) -> None:
    from perflib.cli import main

    assert main(["score", str(EXAMPLE), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "按标准公式计算的指标" in out and "= 2030 ÷ 2100 × 100% = 96.6667%\n   标准 =100%（越高越好）" in out
    assert "= 372 ÷ 400 × 100% = 93%" in out
    assert "完成率 = min(实际 ÷ 目标, 1) = min(93 ÷ 100, 1) = 0.93；得分 0.93 × 2 = 1.86 → 1.86" in out
