"""Audit checks: each finding provoked by a small change to the worked example (table-driven)."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from perflib import evaluate
from perflib.present.report import _SUGGESTIONS as SUGGESTIONS
from perflib.present.report import Report, improvements, problems

from .test_malformed_inputs import _set

EVEN = [round(5369.24 * m / 12, 2) for m in range(1, 13)]

# (id, mutation, code, level, fragment of the message)
CASES = [
    ("budget-total", _set("budget.stated.initial", 5692.6), "BUDGET_SUM_MISMATCH", "error", "年初预算合计表述为 5,692.60"),
    ("spent-total", _set("budget.stated.spent", 5396.24), "BUDGET_SUM_MISMATCH", "error", "相差 27.00"),
    ("execution-rate", _set("budget.stated.execution_rate", "98.45%"), "RATE_MISMATCH", "error", "重算为 98.54%"),
    ("evaluation-rate", _set("execution.stated_rate", "48.78%"), "RATE_MISMATCH", "warning", "按月度支出重算为 47.78%"),
    ("project-rate", _set("key_projects[0].stated_rate", "95.51%"), "RATE_MISMATCH", "error", "重算为 99.51%"),
    ("indicator-rate", _set("indicators[14].actual", "安全生产排查隐患整改率=97.57%"), "RATE_MISMATCH", "error", "2560 ÷ 分母 2619"),
    ("total", _set("stated.total", 92.88), "SCORE_MISMATCH", "error", "重算为 91.88 分"),
    ("node", _set("stated.nodes.部门预算资金支出率", 5.78), "SCORE_MISMATCH", "error", "「部门预算资金支出率」得分表述为 5.78"),
    ("subscores", _set("stated.nodes.履职效能", 45.38), "SUBSCORES_DO_NOT_ADD_UP", "error", "下级表述得分合计 44.38"),
    ("first-level", _set("stated.nodes.管理效率", 48.5), "SUBSCORES_DO_NOT_ADD_UP", "error", "一级指标表述得分合计 92.88"),
    ("grade", _set("stated.grade", "良"), "GRADE_OUT_OF_BAND", "error", "91.88 分对应「优」"),
    ("count", _set("stated.indicator_counts.产出指标完成情况", 12), "INDICATOR_COUNT_MISMATCH", "warning", "实际列出 11 个"),
    ("self-score", _set("indicators[1].self_score", 3.5), "SELF_SCORE_DIFFERS", "warning", "按计分规则应为 3.29 分"),
    ("qualitative-band", _set("indicators[4].self_score", 1), "QUALITATIVE_OUT_OF_BAND", "error", "占分值 1.50 分的 66.67%"),
    ("no-analysis", _set("indicators[1].analysis", ...), "MISSED_WITHOUT_ANALYSIS", "warning", "没有偏差原因分析"),
    ("stated-rate-only", _set("execution.monthly", ...), "EVALUATION_RATE_STATED", "info", "47.78%"),
    ("overspent", _set("budget.funds[1].spent", 2300), "SPENT_OVER_BUDGET", "warning", "政府性基金预算支出 2,300.00"),
    ("monthly-total", _set("execution.monthly.values[11]", 5300), "MONTHLY_TOTAL_MISMATCH", "warning", "累计至 12 月为 5,300.00"),
    ("monthly-decreasing", _set("execution.monthly.values[2]", 100), "MONTHLY_DECREASING", "warning", "3 月"),
    ("management-no-reason", lambda d: d["management"][0].update(score=1), "DEDUCTION_WITHOUT_REASON", "warning", "预算编制完整性"),
    ("deductions-exceed", lambda d: d["management"][6]["deductions"].append({"points": 5, "reason": "多次违规"}),
     "DEDUCTIONS_EXCEED_POINTS", "info", "扣完为止"),
    ("synthetic", _set("synthetic", True), "SYNTHETIC_DATA", "info", "合成数据"),
    ("over-completion", _set("indicators[6].actual", "培训人员 200 人"), "TARGET_EXCEEDED", "warning", "133.33%"),
    ("compound-part-exceeded", _set("indicators[3].actual", "40 次、12 台"), "TARGET_EXCEEDED", "warning",
     "第 1 项（目标 ≥26次，实际 40次）完成值为目标值的 153.85%"),
    ("missing-satisfaction", lambda d: _drop_satisfaction(d), "CATEGORY_MISSING", "warning", "满意度"),
    ("no-basis", _set("indicators[14].numerator", ...), "RATE_WITHOUT_BASIS", "info", None),
]


def _drop_satisfaction(d: dict) -> None:
    d["indicators"] = [i for i in d["indicators"] if not i["category"].startswith("满意度")]
    d["indicators"][-1]["weight"] = 4  # keep 效益 at 20 points


@pytest.mark.parametrize(
    ("mutate", "code", "level", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_finding(example_data, write_params, mutate, code: str, level: str, fragment: str | None) -> None:
    if code == "RATE_WITHOUT_BASIS":
        example_data["indicators"][14].pop("denominator")
    mutate(example_data)
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    found = [f for f in ev.findings if f.code == code and (fragment is None or fragment in f.message)]
    assert found, [(f.code, f.message) for f in ev.findings]
    assert all(f.level == level for f in found)
    # a problem (error or warning) is discussed in the report's chapters 三 and 四 under its topic
    text = str(problems(Report(ev, (ev,)))) + str(improvements(Report(ev, (ev,))))
    for f in found:
        if f.level in ("error", "warning"):
            assert f.topic and f"{f.topic}方面" in text and escape(f.message) in text, (f.code, f.topic)
        else:
            assert f.topic is None


def test_every_check_yields_only_codes_with_a_topic_entry() -> None:
    import inspect

    from perflib import audit

    yielded = set(re.findall(r'Finding\(\s*[^,()]+,\s*"([A-Z_]+)"', inspect.getsource(audit)))
    assert yielded == set(audit.TOPICS)  # every code has its entry, and no entry is stale
    assert {t for t in audit.TOPICS.values() if t} <= set(SUGGESTIONS)  # and chapter 四 has advice for each topic
    with pytest.raises(ValueError):
        audit.Finding("warning", "NOT_A_CODE", "x")


def test_even_spending_is_not_back_loaded(example_data, write_params) -> None:
    example_data["execution"]["monthly"]["values"] = EVEN
    example_data["execution"].pop("stated_rate")
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    codes = {f.code for f in ev.findings}
    assert "SPENDING_BACKLOADED" not in codes and "SPENDING_BEHIND_SCHEDULE" not in codes


def test_monthly_basis_per_month_equals_cumulative(example_data, write_params) -> None:
    cum = example_data["execution"]["monthly"]["values"]
    per_month = [round(cum[0], 2)] + [round(cum[i] - cum[i - 1], 2) for i in range(1, 12)]
    example_data["execution"]["monthly"] = {"basis": "monthly", "values": per_month}
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    assert str(ev.total) == "91.88" and str(ev.metrics.cumulative[-1]) == "5369.24"


def test_clean_example_has_no_errors(example_data, write_params) -> None:
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    assert ev.findings_at("error") == []


def test_findings_sorted_errors_first(example_data, write_params) -> None:
    example_data["stated"]["grade"] = "良"
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    levels = [f.level for f in ev.findings]
    assert levels == sorted(levels, key=["error", "warning", "info"].index)


# (target as written, method given in the input, actual, full marks?, met?) — the method decides the
# direction, and score, met/missed and findings all follow it (forms often print targets without a sign)
DIRECTION = [
    ("5%", "reverse", "0%", True, True),
    ("5%", "reverse", "9%", False, False),
    ("5%", "reverse_ratio", "0%", True, True),
    ("5%", "reverse_ratio", "50%", False, False),
    ("0 起", "zero_target", "0 起", True, True),
    ("0 起", "zero_target", "2 起", False, False),
    ("5%", "positive", "9%", True, True),
    ("≥5%", None, "4%", False, False),
    ("≤5%", None, "4%", True, True),
]


@pytest.mark.parametrize(("target", "method", "actual", "full", "met"), DIRECTION)
def test_score_met_and_findings_follow_one_direction(example_data, write_params, target: str, method: str | None,
                                                     actual: str, full: bool, met: bool) -> None:
    ind = example_data["indicators"][2]
    ind.update(target=target, actual=actual, analysis="偏差原因：……")
    ind.pop("numerator", None), ind.pop("denominator", None)
    if method:
        ind["method"] = method
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    r = ev.scorecard.indicators[2]
    assert (r.score == r.weight, r.met) == (full, met), (r.score, r.weight, r.met, r.method)
    codes = {f.code for f in ev.findings if f.subject == r.name}
    assert ("TARGET_MISSED" in codes) == (not met)
    assert "TARGET_EXCEEDED" not in codes or met
