"""Standard indicators computed from the budget (perflib.scoring.standard): every formula, its direction
and its edge cases, by hand from the worked example's budget plus the facts each formula reads."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from perflib import InputErrors, evaluate
from perflib.scoring.frameworks import load_framework

from .test_execution_parts import _framework, _mof

FACTS = {
    "carryover": {"start": 200, "end": 100},
    "public_funds": {"budget": 300, "spent": 280, "last_year": 290},
    "three_public": {"budget": 50, "spent": 40, "last_year": 50},
    "procurement": {"plan": 1000, "actual": 950},
    "staffing": {"authorized": 120, "actual": 118},
}

# (indicator, target, facts changed, value in % by hand, score of 10 points by hand)
CASES = [
    ("预算完成率", "=100%", {}, D("5369.24") / D("5448.73") * 100, D("9.85")),          # 98.54 %, positive
    ("预算调整率", "≤5%", {}, (D("5448.73") - D("5692.59")) / D("5692.59") * 100, D(10)),  # −4.28 % ≤ 5 %
    ("结转结余率", "≤5%", {}, D(100) / D("5448.73") * 100, D(10)),                      # 1.84 %
    ("结转结余率", "≤1%", {"carryover": {"end": 109}}, D(109) / D("5448.73") * 100, D("0.00")),  # 2.00 %: zero at 2×
    ("结转结余率", "≤5%", {"carryover": {"end": 0}}, D(0), D(10)),                      # no carry-over at all
    ("结转结余变动率", "≤0%", {}, D(-50), D(10)),                                       # (100 − 200) ÷ 200
    ("公用经费控制率", "≤100%", {}, D(280) / D(300) * 100, D(10)),
    ("公用经费控制率", "≤100%", {"public_funds": {"budget": 300, "spent": 330}}, D(110), D("9.00")),  # 10 % over
    ("“三公”经费控制率", "≤100%", {}, D(80), D(10)),
    ("“三公”经费变动率", "≤0%", {}, D(-20), D(10)),                                    # fell by a fifth
    ("“三公”经费变动率", "≤0%", {"three_public": {"budget": 50, "spent": 55, "last_year": 50}}, D(10), D(0)),
    ("政府采购执行率", "≥100%", {}, D(95), D("9.50")),
    ("在职人员控制率", "≤100%", {}, D(118) / D(120) * 100, D(10)),
    ("重点支出安排率", "≥20%", {}, D("669.98") / D("3108.74") * 100, D(10)),             # 21.55 %
]


def _evaluate(example_data, write_params, params_root: Path, indicator: str, target: str, facts: dict,
              **params) -> object:
    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard",
                              "params": {"indicator": indicator, "target": target, **params}}])
    data = _mof(example_data)
    data["budget"].update({**FACTS, **facts})
    return evaluate(write_params(data, code="baiyun-emergency", year=2023))


@pytest.mark.parametrize(("indicator", "target", "facts", "value", "score"), CASES)
def test_formula_direction_and_score(example_data, write_params, params_root: Path, indicator: str, target: str,
                                     facts: dict, value: D, score: D) -> None:
    ev = _evaluate(example_data, write_params, params_root, indicator, target, facts)
    node = ev.scorecard.node("测试指标")
    assert node.detail["value"] == value
    assert node.score == score


def test_the_direction_can_be_set_by_the_leaf(example_data, write_params, params_root: Path) -> None:
    # 公用经费 10 % over its ceiling: linear loses a tenth, ratio keeps 100/110
    ev = _evaluate(example_data, write_params, params_root, "公用经费控制率", "≤100%",
                   {"public_funds": {"budget": 300, "spent": 330}}, method="reverse_ratio")
    assert ev.scorecard.node("测试指标").score == D("9.09")


@pytest.mark.parametrize(("undefined", "score"), [("zero", D(0)), ("full", D(10))])
def test_a_zero_denominator_scores_as_the_framework_says(example_data, write_params, params_root: Path,
                                                         undefined: str, score: D) -> None:
    ev = _evaluate(example_data, write_params, params_root, "政府采购执行率", "≥100%",
                   {"procurement": {"plan": 0, "actual": 0}}, undefined=undefined)  # no procurement plan
    node = ev.scorecard.node("测试指标")
    assert node.detail["value"] is None and node.score == score
    assert not [f for f in ev.findings if f.code == "NOT_FILLED"]


def test_a_fact_the_input_does_not_give_is_a_blank_cell(example_data, write_params, params_root: Path) -> None:
    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard",
                              "params": {"indicator": "政府采购执行率", "target": "≥100%"}}])
    path = write_params(_mof(example_data), code="baiyun-emergency", year=2023)
    ev = evaluate(path)
    assert ev.scorecard.node("测试指标").score == 0
    found = [f for f in ev.findings if f.code == "NOT_FILLED"]
    assert found and "budget.procurement" in found[0].message
    with pytest.raises(InputErrors, match="budget.procurement"):
        evaluate(path, strict=True)


@pytest.mark.parametrize(("params", "fragment"), [
    ({"indicator": "不存在的指标", "target": "≤5%"}, "standard 须指定 indicator"),
    ({"indicator": "结转结余率", "target": "尽量少"}, "数值目标"),
    ({"indicator": "结转结余率", "target": "≤5%", "undefined": "half"}, "undefined"),
])
def test_a_bad_standard_leaf_is_refused_when_the_framework_loads(params_root: Path, params: dict,
                                                                 fragment: str) -> None:
    from perflib.errors import PerflibError

    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard", "params": params}])
    with pytest.raises(PerflibError, match=fragment):
        load_framework(params_root / "frameworks" / "mof-project-self-evaluation.yaml")


def test_quotes_around_sangong_may_be_written_any_way() -> None:
    from perflib.scoring.standard import find

    assert find('"三公经费"控制率') is find("三公经费控制率") is find("“三公”经费控制率") is not None
