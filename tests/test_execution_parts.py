"""Execution scored per part of the budget (基本支出, 项目支出, a fund type, the key projects), as many forms
score it row by row; and a row's stated score checked against the rule."""

from __future__ import annotations

from decimal import Decimal as D
from decimal import localcontext
from pathlib import Path

import pytest
import yaml

from perflib import InputErrors, evaluate
from perflib.numbers import CONTEXT
from perflib.scoring.frameworks import load_framework

# the worked example's budget split by kind, as a form gives it (adds up to the fund types' 5448.73 / 5369.24)
BY_KIND = [{"kind": "基本支出", "initial": 2300.00, "adjusted": 2260.50, "spent": 2260.50},
           {"kind": "项目支出", "initial": 3392.59, "adjusted": 3188.23, "spent": 3108.74}]


def _framework(params_root: Path, leaves: list[dict]) -> None:
    """The MOF project framework with its 预算执行率 row (10 points) replaced by ``leaves``."""
    path = params_root / "frameworks" / "mof-project-self-evaluation.yaml"
    fw = yaml.safe_load(path.read_text(encoding="utf-8"))
    fw["tree"] = [*leaves, *fw["tree"][1:]]
    path.write_text(yaml.safe_dump(fw, allow_unicode=True), encoding="utf-8")


def _mof(data: dict) -> dict:
    data["framework"] = "mof-project-self-evaluation"
    data["management"], data["stated"] = [], {}
    for top, share in {"产出": 50, "效益": 30, "满意度": 10}.items():
        group = [i for i in data["indicators"] if i["category"].startswith(top)]
        for ind in group:
            ind["weight"] = 1
            ind.pop("self_score", None)
            if ind.get("tier"):
                ind["self_score"] = 1
        group[0]["weight"] = share - (len(group) - 1)
        if group[0].get("tier"):
            group[0]["self_score"] = group[0]["weight"]
    data["budget"]["by_kind"] = BY_KIND
    return data


# (part, its year-end rate by hand: spent ÷ adjusted), in perflib's decimal context (50 digits)
with localcontext(CONTEXT):
    PARTS = [
        ("基本支出", D("2260.50") / D("2260.50")),                # 100 %
        ("项目支出", D("3108.74") / D("3188.23")),                # 97.51 %
        ("政府性基金预算", D("2262.20") / D("2280.71")),          # a fund type: 99.19 %
        ("重点项目", D("669.98") / D("673.28")),                  # the key projects together: 99.51 %
    ]


@pytest.mark.parametrize(("part", "rate"), PARTS)
def test_an_execution_leaf_measured_on_one_part(example_data, write_params, params_root: Path, part: str,
                                                rate: D) -> None:
    _framework(params_root, [{"name": "执行率（部分）", "points": 10, "method": "execution_rate",
                              "params": {"part": part}}])
    ev = evaluate(write_params(_mof(example_data), code="baiyun-emergency", year=2023))
    node = ev.scorecard.node("执行率（部分）")
    assert node.detail.rate == rate
    assert node.score == (min(rate, D(1)) * 10).quantize(D("0.01"))
    # the department's own 年度评价执行率 is still measured on the whole budget
    assert ev.metrics.evaluation.source != f"part:{part}"


def test_rows_per_kind_and_a_stated_row_score_checked_against_the_rule(example_data, write_params,
                                                                      params_root: Path) -> None:
    _framework(params_root, [
        {"name": "基本支出执行率", "points": 5, "method": "execution_rate", "params": {"part": "基本支出"}},
        {"name": "项目支出执行率", "points": 5, "method": "execution_rate", "params": {"part": "项目支出"}},
    ])
    data = _mof(example_data)
    data["stated"] = {"nodes": {"基本支出执行率": 5, "项目支出执行率": 5}}  # the form says full marks for both
    ev = evaluate(write_params(data, code="baiyun-emergency", year=2023))
    assert ev.scorecard.node("基本支出执行率").score == 5
    assert ev.scorecard.node("项目支出执行率").score == D("4.88")  # 97.51 % × 5 = 4.875 → 4.88, half-up
    found = [f for f in ev.findings if f.code == "SCORE_MISMATCH"]
    assert [f.subject for f in found] == ["项目支出执行率"]
    assert "表述为 5.00 分" in found[0].message and "4.88 分" in found[0].message


def test_a_part_the_input_does_not_give_is_named(example_data, write_params, params_root: Path) -> None:
    _framework(params_root, [{"name": "项目支出执行率", "points": 10, "method": "execution_rate",
                              "params": {"part": "项目支出"}}])
    data = _mof(example_data)
    del data["budget"]["by_kind"]
    path = write_params(data, code="baiyun-emergency", year=2023)
    with pytest.raises(InputErrors, match="没有「项目支出」的预算"):
        evaluate(path)


def test_a_part_with_the_monthly_strategy_is_refused(params_root: Path) -> None:
    from perflib.errors import PerflibError

    _framework(params_root, [{"name": "项目支出执行率", "points": 10, "method": "execution_rate",
                              "params": {"part": "项目支出", "strategy": "monthly_mean"}}])
    with pytest.raises(PerflibError, match="只能用 year_end"):
        load_framework(params_root / "frameworks" / "mof-project-self-evaluation.yaml")


def test_kinds_that_do_not_add_up_to_the_funds_are_a_finding(example_data, write_params) -> None:
    example_data["budget"]["by_kind"] = [dict(BY_KIND[0]), dict(BY_KIND[1], spent=3100.00)]
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    found = [f for f in ev.findings if f.code == "BUDGET_SUM_MISMATCH"]
    assert len(found) == 1 and "5,360.50" in found[0].message and "5,369.24" in found[0].message
    assert ev.total == D("91.88")  # the split is checked, not scored, under a framework that does not use it
