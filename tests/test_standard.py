"""Standard indicators computed from the budget (perflib.scoring.standard): every formula, its direction
and its edge cases, by hand from the worked example's budget plus the facts each formula reads."""

from __future__ import annotations

from decimal import Decimal as D
from decimal import localcontext
from pathlib import Path

import pytest
import yaml

from perflib import InputErrors, evaluate
from perflib.numbers import CONTEXT
from perflib.scoring.frameworks import load_framework

from .test_execution_parts import _framework, _mof

FACTS = {
    "carryover": {"start": 200, "end": 100},
    "public_funds": {"budget": 300, "spent": 280, "last_year": 290},
    "three_public": {"budget": 50, "spent": 40, "last_year": 50},
    "procurement": {"plan": 1000, "actual": 950},
    "staffing": {"authorized": 120, "actual": 118},
    "assets": {"total": 800, "in_use": 760},
}

# (indicator, target, facts changed, value in % by hand, score of 10 points by hand), computed in perflib's
# own decimal context (50 digits), as perflib computes them
with localcontext(CONTEXT):
    CASES = [
        ("预算完成率", "=100%", {}, D("5369.24") / D("5448.73") * 100, D("9.85")),          # 98.54 %, positive
        ("预算调整率", "≤5%", {}, (D("5692.59") - D("5448.73")) / D("5692.59") * 100, D(10)),  # a 4.28 % cut ≤ 5 %
        ("预算调整率", "≤3%", {}, (D("5692.59") - D("5448.73")) / D("5692.59") * 100, D("5.72")),  # a cut counts:
        # 1 − (4.2838 − 3) ÷ 3 = 0.5721
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
        ("重点支出安排率", "≥20%", {}, D("673.28") / D("3188.23") * 100, D(10)),             # 21.12 %, as arranged
        ("固定资产利用率", "≥100%", {}, D(95), D("9.50")),                                  # 760 ÷ 800
        ("固定资产利用率", "≥90%", {"assets": {"total": 0, "in_use": 0}}, None, D(0)),       # no fixed assets
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
    assert node.detail.value == value
    assert node.score == score


# A target written without an operator is read in the indicator's own direction: (indicator, target,
# value as printed on the form, score of 10 points by hand)
BARE_TARGETS = [
    ("预算调整率", "3%", "0", D(10)),             # ≤3 %: none at all is full marks
    ("预算调整率", "3%", "4.5%", D(5)),           # 1.5 points over a 3 % ceiling: linear loses half
    ("结转结余率", "2%", "0", D(10)),
    ("公用经费控制率", "100%", "97%", D(10)),     # ≤100 %, not "reach 100 %"
    ("在职人员控制率", "100%", "92%", D(10)),
    ("“三公”经费变动率", "0%", "5%", D(0)),       # ≤0 % is a zero target: any rise scores nothing
    ("“三公”经费控制率", "100%", "100%", D(10)),
    ("结转结余变动率", "0", "-12%", D(10)),
    ("预算完成率", "70%", "76%", D(10)),           # ≥: the higher the better
    ("政府采购执行率", "100%", "72.74%", D("7.27")),
    ("重点支出安排率", "50%", "40%", D(8)),
    ("固定资产利用率", "90%", "100%", D(10)),
]


@pytest.mark.parametrize(("indicator", "target", "printed", "score"), BARE_TARGETS)
def test_a_target_without_operator_follows_the_indicators_direction(
        example_data, write_params, params_root: Path, indicator: str, target: str, printed: str, score: D) -> None:
    from perflib.scoring.standard import find

    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard",
                              "params": {"indicator": indicator, "target": "input"}}])
    data = _mof(example_data)
    for key in ("carryover", "public_funds", "three_public", "procurement", "staffing", "assets"):
        data["budget"].pop(key, None)
    data.pop("key_projects", None)
    data["standard"] = {"测试指标": {"target": target, "value": printed}}
    ev = evaluate(write_params(data, code="baiyun-emergency", year=2023))
    node = ev.scorecard.node("测试指标")
    computed_from_budget = indicator in ("预算完成率", "预算调整率")  # the funds always give these two
    assert node.detail.source == ("budget" if computed_from_budget else "form")
    if not computed_from_budget:
        assert node.score == score
        assert node.detail.direction == find(indicator).direction


def test_a_printed_value_that_differs_from_the_budget_is_a_finding(example_data, write_params,
                                                                  params_root: Path) -> None:
    ev = _evaluate(example_data, write_params, params_root, "政府采购执行率", "≥100%", {})
    assert not [f for f in ev.findings if f.code == "STANDARD_VALUE_DIFFERS"]
    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard",
                              "params": {"indicator": "政府采购执行率", "target": "≥100%"}}])
    data = _mof(example_data)
    data["budget"].update(FACTS)
    for printed, differs in (("95%", False), ("95.00%", False), ("95.4%", True), ("96%", True), ("94.9%", True)):
        data["standard"] = {"测试指标": {"value": printed}}
        ev = evaluate(write_params(data, code="baiyun-emergency", year=2023))
        found = [f for f in ev.findings if f.code == "STANDARD_VALUE_DIFFERS"]
        assert bool(found) is differs, printed
        assert ev.scorecard.node("测试指标").score == D("9.50")  # the budget's 95 % is scored either way
        if found:
            assert found[0].level == "warning" and "95.00%" in found[0].message


@pytest.mark.parametrize(("standard", "fragment"), [
    ({"不存在的行": {"value": "5%"}}, "standard.不存在的行: 评价框架中没有这个按标准公式计算的指标"),
    ({"测试指标": {"target": "≥"}}, "standard.测试指标.target: 目标值无法读取"),
    ({"测试指标": {"target": "尽量少"}}, "standard.测试指标.target: 目标值应为一个百分数"),
    ({"测试指标": {"target": "≥26次"}}, "standard.测试指标.target: 目标值应为一个百分数"),
    ({"测试指标": {"value": "九成"}}, "standard.测试指标.value"),
])
def test_a_bad_standard_row_names_its_field(example_data, write_params, params_root: Path, standard: dict,
                                            fragment: str) -> None:
    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard",
                              "params": {"indicator": "结转结余率", "target": "≤5%"}}])
    data = _mof(example_data)
    data["standard"] = standard
    with pytest.raises(InputErrors) as err:
        evaluate(write_params(data, code="baiyun-emergency", year=2023))
    assert fragment in str(err.value)


def test_a_department_target_left_blank_is_not_filled(example_data, write_params, params_root: Path) -> None:
    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard",
                              "params": {"indicator": "结转结余率", "target": "input"}}])
    data = _mof(example_data)
    data["standard"] = {"测试指标": {"value": "1%"}}
    path = write_params(data, code="baiyun-emergency", year=2023)
    ev = evaluate(path)
    assert ev.scorecard.node("测试指标").score == 0
    assert [f for f in ev.findings if f.code == "NOT_FILLED" and "目标值由部门填写，表上未填" in f.message]
    with pytest.raises(InputErrors, match="standard.测试指标.target"):
        evaluate(path, strict=True)


def test_the_direction_can_be_set_by_the_leaf(example_data, write_params, params_root: Path) -> None:
    # 公用经费 10 % over its ceiling: linear loses a tenth, ratio keeps 100/110
    ev = _evaluate(example_data, write_params, params_root, "公用经费控制率", "≤100%",
                   {"public_funds": {"budget": 300, "spent": 330}}, method="reverse_ratio")
    assert ev.scorecard.node("测试指标").score == D("9.09")


ZERO_BUDGET = {"funds": [{"type": "一般公共预算", "initial": 0, "adjusted": 0, "spent": 0}]}


@pytest.mark.parametrize(("indicator", "facts"), [
    ("预算完成率", ZERO_BUDGET),                                      # a zero budget: nothing to complete
    ("预算调整率", ZERO_BUDGET),                                      # no initial budget to adjust
    ("结转结余率", ZERO_BUDGET),
    ("公用经费控制率", {"public_funds": {"budget": 0, "spent": 0}}),
    ("“三公”经费控制率", {"three_public": {"budget": 0, "spent": 0}}),
    ("“三公”经费变动率", {"three_public": {"budget": 10, "spent": 5, "last_year": 0}}),
    ("结转结余变动率", {"carryover": {"start": 0, "end": 30}}),       # no carry-over at the start
    ("在职人员控制率", {"staffing": {"authorized": 0, "actual": 0}}),
])
def test_a_zero_denominator_never_divides(example_data, write_params, params_root: Path, indicator: str,
                                          facts: dict) -> None:
    data_facts = dict(facts)
    if "funds" in facts:
        data_facts["by_kind"] = []
    ev = _evaluate(example_data, write_params, params_root, indicator, "≤5%", data_facts, undefined="full")
    node = ev.scorecard.node("测试指标")
    assert node.detail.value is None and node.detail.source == "undefined" and node.score == 10


@pytest.mark.parametrize(("undefined", "score"), [("zero", D(0)), ("full", D(10))])
def test_a_zero_denominator_scores_as_the_framework_says(example_data, write_params, params_root: Path,
                                                         undefined: str, score: D) -> None:
    ev = _evaluate(example_data, write_params, params_root, "政府采购执行率", "≥100%",
                   {"procurement": {"plan": 0, "actual": 0}}, undefined=undefined)  # no procurement plan
    node = ev.scorecard.node("测试指标")
    assert node.detail.value is None and node.score == score
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
    ({"indicator": "结转结余率", "target": "尽量少"}, "百分数目标"),
    ({"indicator": "结转结余率", "target": "≤5‰"}, "百分数目标"),
    ({"indicator": "结转结余率", "target": "≤5%", "method": "zero_target"}, "zero_target（零目标）须配目标"),
    ({"indicator": "结转结余率", "target": "1%～3%", "per_point": 0.5}, "扣分制（per_point）须配单边目标"),
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


# ---------------------------------------------------------------------- provincial scoring rules


@pytest.mark.parametrize(("value", "op", "target", "deduct", "step", "score"), [
    (D("95.10"), "le", D(100), D("0.5"), None, D(8)),       # within the ceiling: full
    (D("104.5"), "le", D(100), D("0.5"), None, D("5.75")),  # 4.5 points over × 0.5
    (D("98.31"), "le", D(0), D("0.8"), None, D(0)),         # 扣完为止
    (D("99.27"), "ge", D(100), D(2), D(5), D(8)),           # 0.73 below: no whole 5 % step
    (D("89.00"), "ge", D(100), D(2), D(5), D(4)),           # 11 below: two whole steps
])
def test_per_point_deduction(value: D, op: str, target: D, deduct: D, step: D | None, score: D) -> None:
    from perflib.scoring.methods import per_point
    from perflib.scoring.targets import GE, LE

    assert per_point(value, {"le": LE, "ge": GE}[op], target, D(8), deduct, step) == score


def test_a_reposted_2018_form_scores_as_it_states(example_data, write_params, params_root: Path) -> None:
    """The legible rows of a published 2018 部门整体支出绩效评价指标表 on the common framework's Hunan variant,
    reposted at https://wanglu.net/thread/t4-462766-0.html (2019-07-07; the department's name is not shown;
    only 投入/预算配置 and the first two rows of 过程/预算执行 can be read). Its base data (万元): 编制 143, 在职 136;
    “三公”经费 compared on budgets, 2018 63.46 against 2017 32; 年初预算 1922.76, 追加 767.86, 年初与年末结余
    19.8 each. Its rules and stated scores, checked here by hand:

    - 在职人员控制率 ≤100% 计 8 分，每超 1 个百分点扣 0.5 分: 136 ÷ 143 = 95.10% → 8 (stated 8);
    - “三公经费”变动率 ≤0 计 8 分，每超 1 个百分点扣 0.8 分: (63.46 − 32) ÷ 32 = 98.31% → 0 (stated 0);
    - 预算完成率 100% 计满分，每低 5% 扣 2 分: (19.8 + 1922.76 + 767.86 − 19.8) ÷ (19.8 + 1922.76 + 767.86)
      = 2690.62 ÷ 2710.42 = 99.27% → 8 (stated 8);
    - 预算控制率 (追加 ÷ 年初) =0 计 8 分，0–10% 6，10–20% 4，20–30% 2，>30% 0: here 预算调整率 on the same figures,
      (2710.42 − 1942.56) ÷ 1942.56 = 39.53% (the form's own 767.86 ÷ 1922.76 = 39.93%) → 0 either way (its
      stated score is cut off in the repost).
    """
    _framework(params_root, [{"name": "预算配置", "points": 16, "children": [
        {"name": "在职人员控制率", "points": 8, "method": "standard",
         "params": {"indicator": "在职人员控制率", "target": "≤100%", "per_point": 0.5}},
        {"name": "三公经费变动率", "points": 8, "method": "standard",
         "params": {"indicator": "三公经费变动率", "target": "≤0%", "per_point": 0.8}}]},
        {"name": "预算执行", "points": 16, "children": [
            {"name": "预算完成率", "points": 8, "method": "standard",
             "params": {"indicator": "预算完成率", "target": "=100%", "per_point": 2, "step": 5}},
            {"name": "预算控制率", "points": 8, "method": "standard",
             "params": {"indicator": "预算调整率", "bands": [
                 {"max": 0, "points": 8}, {"max": 10, "points": 6}, {"max": 20, "points": 4}, {"max": 30, "points": 2},
                 {"points": 0}]}}]}])
    # the unreadable rest of the form is not modelled: the framework's total is what its rows add up to
    path = params_root / "frameworks" / "mof-project-self-evaluation.yaml"
    fw = yaml.safe_load(path.read_text(encoding="utf-8"))
    fw["total"] = 32 + 90
    path.write_text(yaml.safe_dump(fw, allow_unicode=True), encoding="utf-8")
    data = _mof(example_data)
    data["budget"] = {
        "funds": [{"type": "一般公共预算", "initial": 1942.56, "adjusted": 2710.42, "spent": 2690.62}],  # 年初含上年结余
        "staffing": {"authorized": 143, "actual": 136},
        "three_public": {"budget": 63.46, "spent": 63.46, "last_year": 32},  # the form compares budgets
    }
    data["key_projects"] = []
    data["stated"] = {"nodes": {"在职人员控制率": 8, "三公经费变动率": 0, "预算完成率": 8}}
    ev = evaluate(write_params(data, code="baiyun-emergency", year=2023))
    card = ev.scorecard
    assert card.node("在职人员控制率").detail.value.quantize(D("0.01")) == D("95.10")
    assert card.node("三公经费变动率").detail.value.quantize(D("0.01")) == D("98.31")
    assert card.node("预算完成率").detail.value.quantize(D("0.01")) == D("99.27")
    assert [card.node(n).score for n in ("在职人员控制率", "三公经费变动率", "预算完成率", "预算控制率")] == [8, 0, 8, 0]
    assert not [f for f in ev.findings if f.code == "SCORE_MISMATCH"]  # every stated row as the rules give it


def test_explain_gives_a_per_point_row_its_numbers(example_data, write_params, params_root: Path, capsys) -> None:
    from perflib.cli import main

    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard",
                              "params": {"indicator": "公用经费控制率", "target": "≤100%", "per_point": 0.5}}])
    data = _mof(example_data)
    data["budget"]["public_funds"] = {"budget": 300, "spent": 330}   # 110 %: 10 points over the ceiling
    path = write_params(data, code="baiyun-emergency", year=2023)
    assert main(["score", str(path), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "偏离标准 10 个百分点，每个百分点扣 0.5 分：扣 5 分，得分 max(10 − 5, 0) → 5.00（扣完为止）" in out
