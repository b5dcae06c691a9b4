"""Rule variants (issue 26, item 2): totals and grades under each reading of the rules, hand-checked, and the
smallest single-row change that flips the grade."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from perflib import evaluate
from perflib.cli import main
from perflib.errors import InputErrors
from perflib.inputs.locate import BUNDLED_FRAMEWORKS, available
from perflib.scoring import methods
from perflib.scoring.frameworks import load_framework
from perflib.scoring.variants import apply, grade_flip, load_variants, merge, score_variants, variants_note

from .conftest import EXAMPLE, dump

#: 89.50: the worked example (91.88) with 2.38 points deducted from 预算执行监控 (3 points, none lost before)
AT_89_5 = {"预算执行监控": {"deductions": [{"points": 2.38, "reason": "演示：扣 2.38 分"}]}}
#: a reverse indicator and a qualitative one: 应急安全系列培训考核合格率 (1 point, full) becomes ≤10 % against an
#: actual 15 %; 组织应急预案编修、评审数量类别 (1.5 points, 达成 1.5) becomes 部分达成 with 0.5 — out of its band
REVERSE_AND_QUALITATIVE = {
    "应急安全系列培训考核合格率": {"target": "≤10%", "actual": "15%"},
    "组织应急预案编修、评审数量类别": {"tier": "部分达成", "self_score": 0.5},
}


@pytest.fixture(scope="module")
def example():
    return evaluate(EXAMPLE)


def by_id(results) -> dict:
    return {r.id: r for r in results}


# variant → (total, grade, ambiguous) — worked by hand in the comments
CASES = {
    # the worked example, 91.88 优 under its own rules (90/80/60, reverse linear, self-scores as written): it has
    # no reverse indicator over its target, no qualitative score out of its band and a capped monthly-mean rate,
    # so every variant leaves the total; 91.88 ≥ 80 stays 优 under 80/70/60, and rounds to 92 under integer bands
    "example": ({}, {
        "reverse-linear": ("91.88", "优", None), "reverse-ratio": ("91.88", "优", None),
        "qualitative-80-60": ("91.88", "优", None), "qualitative-80-50": ("91.88", "优", None),
        "execution-capped": ("91.88", "优", None), "execution-uncapped": ("91.88", "优", None),
        "grades-90-80-60": ("91.88", "优", None), "grades-80-70-60": ("91.88", "优", None),
        "grades-integer": ("91.88", "优", None),
    }),
    # 89.50 is 良 under 90/80/60, 优 under 80/70/60; printed as 90–100 优 and 80–89 良 it lies in neither band:
    # rounded half-up to 90 it grades 优, and is reported ambiguous between 良 and 优
    "89.5": (AT_89_5, {
        "grades-90-80-60": ("89.50", "良", None), "grades-80-70-60": ("89.50", "优", None),
        "grades-integer": ("89.50", "优", ("良", "优")), "reverse-ratio": ("89.50", "良", None),
    }),
    # base 91.88 − (1 − 0.5) − (1.5 − 0.5) = 90.38: reverse linear 1 − (15 − 10) / 10 = 0.5 of 1 point;
    # ratio 10 / 15 = 0.6667 → 0.67 (+0.17); 部分达成 0.5 of 1.5 held within its band: 80/60 → 0.6 × 1.5 = 0.90
    # (+0.40), 80/50 → 0.5 × 1.5 = 0.75 (+0.25)
    "reverse and qualitative": (REVERSE_AND_QUALITATIVE, {
        "reverse-linear": ("90.38", "优", None), "reverse-ratio": ("90.55", "优", None),
        "qualitative-80-60": ("90.78", "优", None), "qualitative-80-50": ("90.63", "优", None),
        "grades-integer": ("90.38", "优", None),
    }),
}


@pytest.mark.parametrize("case", list(CASES))
def test_totals_and_grades_under_each_variant(example, case):
    changes, expected = CASES[case]
    ev = example.what_if(changes) if changes else example
    results = by_id(score_variants(ev))
    assert set(results) >= set(expected)
    for vid, (total, grade, ambiguous) in expected.items():
        r = results[vid]
        assert r.applicable, vid
        assert (r.total, r.grade, r.ambiguous) == (D(total), grade, ambiguous), vid
        assert r.difference == r.total - ev.total
        assert r.grade_differs == (r.grade != ev.grade)


def test_the_example_is_91_88_under_its_own_rules(example):
    assert (example.total, example.grade) == (D("91.88"), "优")
    assert example.what_if(AT_89_5).total == D("89.50")
    assert example.what_if(REVERSE_AND_QUALITATIVE).total == D("90.38")


def test_an_ambiguous_grade_is_shown_as_such(example):
    results = score_variants(example.what_if(AT_89_5))
    r = by_id(results)["grades-integer"]
    assert r.grade_text == "良/优？" and r.grade_differs
    assert variants_note(results) == "等级 80/70/60（优良中差）：优；等级按整数分段（总分取整后定级）：良/优？"
    assert variants_note(score_variants(example)) == ""  # the review's column is empty where all agree


def test_a_variant_needing_an_execution_leaf_is_not_applicable_without_one():
    fw = load_framework(BUNDLED_FRAMEWORKS / "mof-department-common.yaml")
    variants = by_id(load_variants())
    assert apply(fw, variants["execution-uncapped"]) is None
    assert apply(fw, variants["grades-80-70-60"]).grade(D("75")) == "良"


def test_every_variant_applies_to_every_bundled_framework_as_a_valid_framework():
    for fw_id in available(None):
        fw = load_framework(BUNDLED_FRAMEWORKS / f"{fw_id}.yaml")
        for v in load_variants():
            apply(fw, v)  # raises if the merged data is not a valid framework


def test_the_uncapped_execution_rule():
    assert methods.execution_rate(D("1.1")) == 1
    assert methods.execution_rate(D("1.1"), cap=False) == D("1.1")
    assert methods.execution_rate(D("-0.1"), cap=False) == 0


def test_merge_is_deep_for_mappings_and_replaces_lists():
    assert merge({"a": {"b": 1, "c": 2}, "l": [1, 2]}, {"a": {"c": 3}, "l": [9]}) == {"a": {"b": 1, "c": 3}, "l": [9]}


# ---------------------------------------------------------------------- the grade flip

FLIPS = {
    # 91.88 优: below 90 is 89.99, 1.89 points down; the rows scoring ≥ 1.89, the one whose points make it the
    # smallest share: 部门预算资金支出率 (1.89 of 10), 4.78 → 2.89
    "example": ({}, "良", "部门预算资金支出率", "4.78", "2.89", "1.88", "1.89"),
    # 89.50 良: 0.50 up to 90; 部门预算资金支出率 has lost 5.22 of 10 (0.05 of its points; 预算执行监控 0.5 / 3)
    "89.5": (AT_89_5, "优", "部门预算资金支出率", "4.78", "5.28", "0.50", "0.50"),
}


@pytest.mark.parametrize("case", list(FLIPS))
def test_the_smallest_single_row_change_that_flips_the_grade(example, case):
    changes, to_grade, row, score, new, distance, needed = FLIPS[case]
    flip = grade_flip(example.what_if(changes) if changes else example)
    assert (flip.to_grade, flip.row, flip.score, flip.new_score) == (to_grade, row, D(score), D(new))
    assert (flip.distance, flip.needed) == (D(distance), D(needed))
    assert flip.text().startswith(f"离「{to_grade}」线差 {distance} 分：最小的单项变动是「{row}」")


def test_the_flip_under_integer_bands_is_read_from_the_rounded_total(example):
    """89.50 grades 优 under integer bands: one hundredth less (89.49 → 89) is 良."""
    from perflib.scoring.variants import scorecard

    ev = example.what_if(AT_89_5)
    card = scorecard(ev.params, apply(ev.framework, by_id(load_variants())["grades-integer"]))
    flip = grade_flip(card)
    assert (card.grade, flip.to_grade, flip.needed) == ("优", "良", D("0.01"))


# ---------------------------------------------------------------------- the file


@pytest.mark.parametrize(("variant", "field"), [
    ({"id": "x", "name": "甲", "source": "乙", "changes": {"defaults": {"reverse_rule": "ratio"}}},
     "variants[0].changes.defaults.reverse_rule"),
    ({"id": "x", "name": "甲", "source": "乙", "changes": {"grade_bands": []}}, "variants[0].changes.grade_bands"),
    ({"id": "x", "name": "甲", "source": "乙", "changes": {"defaults": {"reverse": "ratio"}}, "used_in": "某省"},
     "variants[0].used_in"),
])
def test_a_variant_file_with_an_unknown_key_is_refused_in_one_line(tmp_path, variant, field):
    path = tmp_path / "variants.yaml"
    path.write_text(dump({"variants": [variant]}), encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        load_variants(path)
    [line] = str(exc.value).splitlines()
    assert line.startswith(f"{path}: {field}: "), line


def test_a_bureau_s_own_variants_file_beside_its_frameworks(write_params, example_data, params_root):
    (params_root / "frameworks" / "variants.yaml").write_text(dump({"variants": [
        {"id": "strict-grades", "name": "等级 95/85/60", "source": "本局口径",
         "changes": {"grades": [{"name": "优", "min": 95}, {"name": "良", "min": 85}, {"name": "中", "min": 60},
                                {"name": "差", "min": 0}]}}]}), encoding="utf-8")
    path = write_params(example_data)
    assert [(r.id, r.grade) for r in score_variants(evaluate(path))] == [("strict-grades", "良")]
    assert "variants" not in available(params_root / "frameworks")


def test_the_frame(example):
    frame = example.variants_frame()
    assert list(frame.columns)[:7] == ["variant", "name", "source", "applicable", "total", "grade", "difference"]
    assert frame.total.dtype == "float64" and frame.applicable.dtype == bool
    assert frame.set_index("variant").loc["grades-80-70-60", "total"] == 91.88


def test_score_variants_on_the_command_line(capsys):
    assert main(["score", str(EXAMPLE), "--variants"]) == 0
    out = capsys.readouterr().out
    assert "规则口径差异" in out and "等级 80/70/60（优良中差）" in out
    row = next(line for line in out.splitlines() if line.startswith("等级 80/70/60"))
    assert row.split()[-3:] == ["91.88", "优", "0.00"]  # a difference of nothing is printed as every score is
    assert "离「良」线差 1.88 分：最小的单项变动是「部门预算资金支出率」由 4.78 分降至 2.89 分" in out


def test_score_variants_as_json(capsys):
    import json

    assert main(["score", str(EXAMPLE), "--variants", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["variants"]) == len(load_variants())
    assert data["grade_flip"]["row"] == "部门预算资金支出率" and data["grade_flip"]["needed"] == 1.89
