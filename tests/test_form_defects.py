"""A form with blank cells and sums that do not add up is read, scored as the rules say and audited — and
refused only with --strict (data entry)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from perflib import InputErrors, evaluate
from perflib.cli import main

# (what is left blank, how it is written in the file)
BLANKS = [
    ("target", ""),
    ("target", "   "),
    ("target", None),
    ("actual", ""),
    ("actual", None),
]


@pytest.mark.parametrize(("field", "value"), BLANKS)
def test_a_blank_cell_is_read_as_not_filled_scored_zero_and_reported(example_data, write_params, field: str,
                                                                    value: str | None) -> None:
    ind = example_data["indicators"][1]  # 委托专业技术机构…检查、评审的家数: 3.29 of 3.5 when filled in
    if value is None:
        ind.pop(field, None)
    else:
        ind[field] = value
    ind.pop("numerator", None), ind.pop("denominator", None)
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    r = ev.scorecard.indicators[1]
    assert (r.score, r.method, r.met) == (0, "missing", False)
    assert ev.total == D("91.88") - D("3.29")  # everything else scores as before
    found = [f for f in ev.findings if f.code == "NOT_FILLED"]
    assert len(found) == 1 and found[0].level == "error" and ind["name"] in found[0].message
    assert {"target": "年度指标值", "actual": "实际完成值"}[field] + "未填" in found[0].message
    assert "未填" in (r.target.text if field == "target" else r.actual_display)


def test_the_framework_says_what_missing_data_scores(example_data, write_params, params_root: Path) -> None:
    import yaml

    path = params_root / "frameworks" / "guangzhou-department-overall.yaml"
    fw = yaml.safe_load(path.read_text(encoding="utf-8"))
    fw["defaults"]["missing"] = 0.5
    path.write_text(yaml.safe_dump(fw, allow_unicode=True), encoding="utf-8")
    example_data["indicators"][1]["actual"] = ""
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    assert ev.scorecard.indicators[1].score == D("1.75")  # half of its 3.5 points


def test_weights_that_do_not_add_up_are_an_error_finding_and_the_node_scores_its_indicators(
        example_data, write_params) -> None:
    example_data["indicators"][0]["weight"] = 1  # 2 → 1: 产出 sums to 19, not 20
    example_data["indicators"][0].pop("self_score", None)
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    node = ev.scorecard.node("产出指标完成情况")
    assert node.score == sum(c.score for c in node.children) == D("18.60")
    found = next(f for f in ev.findings if f.code == "WEIGHTS_DO_NOT_ADD_UP")
    assert found.level == "error" and "合计 19.00 分，应为 20.00 分" in found.message and "18.60 分" in found.message


def test_weights_above_the_node_never_lift_it_above_its_points(example_data, write_params) -> None:
    example_data["indicators"][0]["weight"] = 42  # 2 → 42: 产出 sums to 60 of its 20 points
    example_data["indicators"][0].pop("self_score", None)
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    node = ev.scorecard.node("产出指标完成情况")
    assert sum(c.score for c in node.children) > 20 and node.score == 20
    assert ev.scorecard.total <= 100
    found = next(f for f in ev.findings if f.code == "WEIGHTS_DO_NOT_ADD_UP")
    assert "合计 60.00 分，应为 20.00 分" in found.message and "以该项分值为限计 20.00 分" in found.message


@pytest.mark.parametrize(("mutate", "field", "fragment"), [
    (lambda d: d["indicators"][1].update(actual=""), "indicators[1].actual", "须填写实际完成值"),
    (lambda d: d["indicators"][1].update(target=" "), "indicators[1].target", "须填写年度指标值"),
    (lambda d: d["indicators"][0].update(weight=1), "indicators", "合计须等于 20"),
])
def test_strict_refuses_them_naming_the_field(example_data, write_params, capsys, mutate, field: str,
                                              fragment: str) -> None:
    mutate(example_data)
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    with pytest.raises(InputErrors, match=fragment):
        evaluate(path, strict=True)
    assert main(["validate", "--strict", str(path)]) == 2
    out = capsys.readouterr().out
    assert f"{path}: {field}: " in out and fragment in out
    assert main(["validate", str(path)]) == 0  # read, not refused, without --strict


def test_explain_says_a_blank_row_was_not_filled(example_data, write_params, capsys) -> None:
    example_data["indicators"][1]["actual"] = ""
    example_data["indicators"][1].pop("numerator", None), example_data["indicators"][1].pop("denominator", None)
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    assert main(["score", str(path), "--explain"]) == 0
    assert "未填：按评价框架（defaults.missing）计 0.00 分" in capsys.readouterr().out


def test_a_strict_batch_rechecks_what_a_lenient_one_rendered(example_data, write_params, tmp_path: Path) -> None:
    from perflib.batch import RunOptions, run

    example_data["indicators"][1]["actual"] = ""
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    opts = RunOptions(params_dir=path.parents[1], outputs_dir=tmp_path / "out", jobs=1, engine="cold",
                      progress=False, overview=False)
    assert [e.status for e in run(opts).entries] == ["ok"]  # read, scored, its defect reported
    strict = run(RunOptions(**{**opts.__dict__, "strict": True})).entries[0]
    assert strict.status == "failed" and "须填写实际完成值" in strict.error  # not skipped as unchanged
