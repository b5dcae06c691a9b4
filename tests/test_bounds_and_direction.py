"""In-bound numbers that used to end in a traceback, and rows whose score and "met" disagreed: each case
from a review of issue 15, table-driven, with what a reader should see instead."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from perflib import InputErrors, evaluate
from perflib.errors import PerflibError, TargetError
from perflib.scoring.frameworks import load_framework
from perflib.scoring.targets import parse

from .conftest import REPO
from .test_execution_parts import _framework, _mof

DEMO = yaml.safe_load((REPO / "docs" / "examples" / "demo-mof-finance" / "2024.yaml").read_text(encoding="utf-8"))


def _demo(write_params, edit) -> Path:
    data = copy.deepcopy(DEMO)
    edit(data)
    return write_params(data, code="demo-mof-finance", year=2024)


@pytest.mark.parametrize(("text", "reason"), [
    ("≥" + "1" * 401 + "次", "数值过大"),
    ("9999999999999999999999999999 次", "数值过大"),
    ("≤1e3%", None),                                  # not a number perflib reads: no crash either way
    ("≥0.0000001次", "小数位数过多"),
    ("1000000000000001元", "数值过大"),
    ("90%～" + "9" * 30 + "%", "数值过大"),
])
def test_a_number_written_in_a_target_is_held_to_the_inputs_bounds(text: str, reason: str | None) -> None:
    if reason is None:
        try:
            parse(text)
        except TargetError:
            pass
        return
    with pytest.raises(TargetError, match=reason):
        parse(text)


def test_the_largest_numbers_a_target_may_hold_still_parse() -> None:
    assert parse("≥1000000000000000元").parts[0].value == D("1e15")
    assert parse("≤0.000001%").parts[0].value == D("0.000001")


@pytest.mark.parametrize("edit", [
    # a rate from the largest numerator over the smallest denominator, in ‰: 10^24, four decimals kept
    lambda d: d["indicators"][2].update(target="≥99‰", actual=None, numerator=1e15, denominator=0.000001,
                                        rate_unit="‰"),
    # a stated execution rate checked against a fund of 0.000001 that spent 10^15
    lambda d: d["budget"].update(funds=[{"type": "一般公共预算", "initial": 1, "adjusted": 0.000001, "spent": 1e15}],
                                 by_kind=[], stated={"execution_rate": "98.123456%"}),
])
def test_in_bound_extremes_give_a_result(write_params, edit) -> None:
    ev = evaluate(_demo(write_params, edit))
    assert 0 <= ev.scorecard.total <= 100


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["indicators"][0].update(method="range"), "indicators[0].method: range（区间）计分须配区间目标"),
    (lambda d: d["indicators"][0].update(actual="9999999999999999999999999999 次"), "indicators[0].actual: 数值过大"),
    (lambda d: d["indicators"][0].update(target=float("nan")), "indicators[0].target: 应为文字"),
    (lambda d: d["indicators"][0].update(actual=".inf"), "indicators[0].actual: 应为文字"),
])
def test_bad_rows_are_refused_naming_the_field(write_params, edit, field: str) -> None:
    with pytest.raises(InputErrors) as err:
        evaluate(_demo(write_params, edit))
    assert field in str(err.value) and "Traceback" not in str(err.value)


def test_a_5000_digit_integer_is_refused_at_its_field(write_params) -> None:
    text = (REPO / "docs" / "examples" / "demo-mof-finance" / "2024.yaml").read_text(encoding="utf-8")
    assert "spent: 1890.00}" in text
    path = write_params(text=text.replace("spent: 1890.00}", "spent: " + "5" * 5000 + "}", 1),
                        code="demo-mof-finance", year=2024)
    with pytest.raises(InputErrors) as err:
        evaluate(path)
    assert "budget.funds[0].spent: 数值过大" in str(err.value)


@pytest.mark.parametrize(("params", "fragment"), [
    ({"indicator": "结转结余率", "target": "≤5%", "method": "range"}, "range（区间）计分须配区间目标"),
    ({"indicator": "结转结余率", "target": "≤5%", "per_point": 1, "step": 1e-28}, "step 须在 0.01 与 100 之间"),
    ({"indicator": "结转结余率", "target": "≤5%", "per_point": 1e9}, "per_point 须在 0.01 与 100 之间"),
])
def test_a_framework_leaf_out_of_bounds_is_refused_at_load(params_root: Path, params: dict, fragment: str) -> None:
    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard", "params": params}])
    with pytest.raises(PerflibError, match=fragment):
        load_framework(params_root / "frameworks" / "mof-project-self-evaluation.yaml")


# ------------------------------------------------------------------------------------ direction


@pytest.mark.parametrize(("params", "direction", "score"), [
    # 公用经费 280 of 300 = 93.33 %: under the ceiling whichever way the leaf says it
    ({"target": "100%", "method": "reverse", "per_point": 0.5}, "≤", D(10)),
    ({"target": "≤100%", "per_point": 0.5}, "≤", D(10)),
    ({"target": "100%", "per_point": 0.5}, "≤", D(10)),                     # bare: the indicator's own direction
    ({"target": "≥100%", "per_point": 0.5}, "≥", D("6.67")),               # the province says "reach": 6.67 below
    ({"target": "100%", "method": "positive"}, "≥", D("9.33")),
])
def test_the_direction_shown_is_the_one_applied(example_data, write_params, params_root: Path, params: dict,
                                                direction: str, score: D) -> None:
    _framework(params_root, [{"name": "测试指标", "points": 10, "method": "standard",
                              "params": {"indicator": "公用经费控制率", **params}}])
    data = _mof(example_data)
    data["budget"]["public_funds"] = {"budget": 300, "spent": 280}
    ev = evaluate(write_params(data, code="baiyun-emergency", year=2023))
    node = ev.scorecard.node("测试指标")
    assert (node.detail.direction, node.score) == (direction, score)
    shown = next(n for n in ev.to_dict()["nodes"] if n["name"] == "测试指标")["standard"]["direction"]
    assert shown == direction


@pytest.mark.parametrize(("target", "actual", "met"), [
    ("≥0人", "-3人", False),          # a net change that fell: scored 0, missed
    ("≥0人", "2人", True),
    ("-10～-5个", "-20个", False),    # below a negative range
    ("-10～-5个", "-7个", True),
])
def test_a_target_of_zero_or_less_scores_as_it_is_met(write_params, target: str, actual: str, met: bool) -> None:
    path = _demo(write_params, lambda d: d["indicators"][0].update(target=target, actual=actual))
    ev = evaluate(path)
    row = next(r for r in ev.scorecard.indicators if r.index == 0)
    assert row.met is met
    assert (row.score == row.weight) is met
    missed = {f.subject for f in ev.findings if f.code in ("MISSED_WITHOUT_ANALYSIS", "TARGET_MISSED")}
    assert (row.name in missed) is (not met)


def test_a_yes_no_value_is_shown_as_written(write_params) -> None:
    with pytest.raises(InputErrors) as err:
        evaluate(_demo(write_params, lambda d: d["indicators"][0].update(actual=True)))
    assert "实际为 true" in str(err.value) and "True" not in str(err.value)


def test_the_execution_section_is_needed_only_where_the_framework_scores_it(write_params, example_data) -> None:
    # 重庆's form scores spent ÷ budget: no monthly series, no stated rate needed
    data = yaml.safe_load((REPO / "docs" / "examples" / "cq-kxc-media" / "2021.yaml").read_text(encoding="utf-8"))
    data.pop("execution")
    assert evaluate(write_params(data, code="cq-kxc-media", year=2021)).scorecard.total == D("53.05")
    # a stated rate the framework does not score is checked against the one it does
    data["execution"] = {"stated_rate": "80%"}
    ev = evaluate(write_params(data, code="cq-kxc-media", year=2021))
    found = [f for f in ev.findings if f.code == "RATE_MISMATCH" and f.subject == "年度评价执行率"]
    assert found and "表述为 80.00%" in found[0].message and "为 76.00%" in found[0].message
    # Guangzhou's scores the month-end series: without it, one line naming the field and what to give
    example_data.pop("execution")
    with pytest.raises(InputErrors) as err:
        evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    assert "execution: 无法计算「部门预算资金支出率」的执行率：评价框架按各月末累计执行率的平均计分" in str(err.value)


CQ = yaml.safe_load((REPO / "docs" / "examples" / "cq-kxc-media" / "2021.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("row", "standard", "target", "direction", "score"), [
    ("预算完成率", {"target": "0%"}, "≥0%", "≥", D(2)),                   # "at least 0", not a zero target
    ("预算调整率", {"target": "=3%", "value": "0"}, "=3%", "≥", D(0)),    # an operator written is kept
    ("“三公”经费变动率", {"target": "≤-5%", "value": "-10%"}, "≤-5%", "≤", D(2)),  # a fall of at least 5 %
    ("“三公”经费变动率", {"target": "≤-5%", "value": "-2%"}, "≤-5%", "≤", D(0)),
])
def test_a_printed_target_is_read_in_one_direction(write_params, row: str, standard: dict, target: str,
                                                   direction: str, score: D) -> None:
    data = copy.deepcopy(CQ)
    data["standard"][row] = standard
    ev = evaluate(write_params(data, code="cq-kxc-media", year=2021))
    node = ev.scorecard.node(row)
    assert (node.detail.target, node.detail.direction, node.score) == (target, direction, score)


def test_a_negative_target_is_neither_exceeded_nor_a_share(write_params) -> None:
    path = _demo(write_params, lambda d: d["indicators"][0].update(target="≥-5个", actual="-10个"))
    ev = evaluate(path)
    codes = {f.code for f in ev.findings if f.subject == "开展财政监督检查次数"}
    assert "TARGET_EXCEEDED" not in codes and "MISSED_WITHOUT_ANALYSIS" in codes


def test_a_tiny_rate_that_scores_above_zero_never_reads_as_zero(write_params, capsys) -> None:
    from perflib.cli import main

    path = _demo(write_params, lambda d: d["budget"].update(carryover={"start": 50000, "end": 50000.01}))
    ev = evaluate(path)
    assert ev.scorecard.node("结转结余变动率").score == 0  # ≤0 %: a rise of 0.00002 % is a rise
    assert main(["score", str(path), "--explain"]) == 0
    out = capsys.readouterr().out.split("结转结余变动率（分值")[1]
    assert "= 0.00002%" in out
