"""Each check of perflib.bureau on small variations of the worked example (baiyun-emergency 2023, 91.88 优): one
form that should raise the query and one that should not, with the points at stake and the risk score of
perflib/bureau/query.py (weight × (1 + points) × 2 when the points reach the distance to the grade's bottom)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from perflib import evaluate
from perflib.bureau import load_settings, review_form
from perflib.bureau.midyear import MidIndicator, Midyear
from perflib.evaluation import Evaluation, evaluate_params
from perflib.inputs.schema import ParamsFile
from perflib.numbers import quantize

from .conftest import EXAMPLE, PARAMS

D = Decimal
SETTINGS = load_settings(PARAMS)
BASE = evaluate(EXAMPLE)
MARGIN = D("1.88")  # 91.88 − 90, the bottom of 优
HAZARDS = "安全生产排查隐患整改率"  # ≥90% / 97.75%, 2.5 points, met
FIRMS = "委托专业技术机构对工贸行业粉尘涉爆、有限空间企业、安全评价机构检查、评审的家数"  # 34 家 / 32 家, 3.5, missed
FILMS = "安全生产事故警示片制作期数"  # ≥2 期 / 2 期, 1 point, met
FIRE = "火灾程度"  # qualitative, 2 points
DRILLS = "组织全区性应急演练次数"  # 1次 / 2次: TARGET_EXCEEDED (200 %), 1 point
PROJECT = "广州市白云区事故灾难应急救援系统建设项目"


def risk(kind: str, points: Decimal, margin: Decimal = MARGIN, code: str | None = None,
         severity: str | None = None) -> Decimal:
    """weight × (1 + points) × 2 when the points reach the margin; the weight is the kind's, times a finding's
    code's or level's (``finding_weights`` of review.yaml)."""
    factor = 2 if points > 0 and points >= margin else 1
    return quantize(SETTINGS.weight(kind, code, severity) * (1 + points) * factor, 2)


def edited(change) -> Evaluation:
    """The example with ``change(data)`` applied to its inputs as a dict (for what a what-if cannot change)."""
    data = BASE.params.model_dump()
    change(data)
    return evaluate_params(ParamsFile.model_validate(data), BASE.framework)


def spent_share(share: str):
    def change(data: dict) -> None:
        for f in data["budget"]["funds"]:
            f["spent"] = quantize(f["adjusted"] * D(share), 2)
        data["budget"]["stated"] = None
    return change


def renamed(old: str, new: str):
    def change(data: dict) -> None:
        next(i for i in data["indicators"] if i["name"] == old)["name"] = new
    return change


def zero_project(data: dict) -> None:
    data["key_projects"][0]["budget"] = D(0)


def zero_fund(data: dict) -> None:
    data["budget"]["funds"].append({"type": "其他资金", "initial": D(0), "adjusted": D(0), "spent": D(12)})
    data["budget"]["stated"] = None


def june(*rows: MidIndicator) -> tuple[Midyear, ...]:
    return (Midyear(Path("2023-06.yaml"), 6, rows),)


def queries(kind: str, ev: Evaluation = BASE, **beside):
    fr = review_form(ev, SETTINGS, **beside)
    return [q for q in fr.queries if q.kind == kind], fr


def test_the_example_is_what_the_cases_assume() -> None:
    fr = review_form(BASE, SETTINGS)
    assert (BASE.total, BASE.grade, fr.margin) == (D("91.88"), "优", MARGIN)
    assert {q.kind for q in fr.queries} == {"finding"}  # the published form: audit findings only


# (kind, how the form is made, what the review knows beside it, the row queried or None, points at stake)
CASES = [
    # finding: the audit's TARGET_EXCEEDED on the drills (at stake: the row's score); none once 1 次 was done
    ("finding", lambda: BASE, {}, DRILLS, D(1)),
    ("finding", lambda: BASE.what_if({DRILLS: "1次"}), {}, "not " + DRILLS, None),
    # unverifiable: a bare 效果良好 / a row scored as stated (its score); the published rows rest on something
    ("unverifiable", lambda: BASE.what_if({FIRE: {"actual": "效果良好", "analysis": None, "self_score": 2}}), {},
     FIRE, D(2)),
    ("unverifiable", lambda: BASE.what_if({FILMS: {"method": "stated", "actual": None, "self_score": 1}}), {},
     FILMS, D(1)),
    ("unverifiable", lambda: BASE.what_if({FIRE: {"actual": "全区未发生较大以上森林火灾", "self_score": 2}}), {},
     None, None),
    # disagree: 隐患整改企业数 missed while 隐患整改率 met (at stake: the rate's score); no such pair as published
    ("disagree", lambda: edited(renamed(FIRMS, "安全生产排查隐患整改企业数")), {}, HAZARDS, D("2.5")),
    ("disagree", lambda: BASE, {}, None, None),
    # results_ahead: 75 % spent, the indicators as they were; none at 98.54 % spent
    ("results_ahead", lambda: edited(spent_share("0.75")), {}, "绩效指标", "formula"),
    ("results_ahead", lambda: BASE, {}, None, None),
    # unspent: 25 % unspent (at stake: the execution leaf's score); 1.46 % is not
    ("unspent", lambda: edited(spent_share("0.75")), {}, "预算执行", "execution"),
    ("unspent", lambda: edited(spent_share("0.85")), {}, None, None),
    # zero_budget: a key project without budget, a fund spent from without budget (nothing at stake)
    ("zero_budget", lambda: edited(zero_project), {}, PROJECT, D(0)),
    ("zero_budget", lambda: edited(zero_fund), {}, "其他资金", D(0)),
    ("zero_budget", lambda: BASE, {}, None, None),
    # forecast_missed: 确定能 in June, missed, no analysis (at stake: its weight); with its analysis, or not
    # promised, or met, no query
    ("forecast_missed", lambda: BASE.what_if({FIRMS: {"analysis": None}}),
     {"midyear": june(MidIndicator(FIRMS, None, True, None, False))}, FIRMS, D("3.5")),
    ("forecast_missed", lambda: BASE.what_if({FIRMS: {"analysis": None}}),
     {"midyear": june(MidIndicator(FIRMS, None, False, "34 家", True))}, FIRMS, D("3.5")),
    ("forecast_missed", lambda: BASE, {"midyear": june(MidIndicator(FIRMS, None, True, None, False))}, None, None),
    ("forecast_missed", lambda: BASE.what_if({FIRMS: {"analysis": None}}),
     {"midyear": june(MidIndicator(FIRMS, None, False, "30 家", False))}, None, None),
    ("forecast_missed", lambda: BASE, {"midyear": june(MidIndicator(FILMS, None, True, None, False))}, None, None),
    # target_changed: June's ≥3 期 against the year's ≥2 期 (at stake: its score); ≥2期 is the same target
    ("target_changed", lambda: BASE, {"midyear": june(MidIndicator(FILMS, "≥3 期", True, None, False))}, FILMS, D(1)),
    ("target_changed", lambda: BASE, {"midyear": june(MidIndicator(FILMS, "≥2期", True, None, False))}, None, None),
    ("target_changed", lambda: BASE, {"midyear": june(MidIndicator(FILMS, None, True, None, False))}, None, None),
    # recurring: last year's TARGET_EXCEEDED on the drills found again (its score); not when last year was fine
    ("recurring", lambda: BASE, {"last": BASE}, DRILLS, D(1)),
    ("recurring", lambda: BASE, {"last": BASE.what_if({DRILLS: "1次"})}, "not " + DRILLS, None),
    ("recurring", lambda: BASE, {}, None, None),
]


@pytest.mark.parametrize(("kind", "make", "beside", "row", "points"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_check(kind: str, make, beside: dict, row: str | None, points) -> None:
    ev = make()
    found, fr = queries(kind, ev, **beside)
    if row is None:
        assert found == [], [(q.row, q.issue) for q in found]
        return
    if row.startswith("not "):
        assert found and all(q.row != row.removeprefix("not ") for q in found)
        return
    mine = [q for q in found if q.row == row]
    assert mine, [(q.row, q.issue) for q in found]
    q = mine[0]
    if points == "formula":  # the indicators' score ratio − the execution rate, × their weights
        rows = ev.scorecard.indicators
        weights = sum(r.weight for r in rows)
        points = quantize((sum(r.score for r in rows) / weights - ev.metrics.execution_rate) * weights, 2)
        assert D(70) < ev.metrics.execution_rate * 100 < D(80) and points > D(5)
    elif points == "execution":  # the execution-rate leaf's score
        points = next(n for n in ev.scorecard.walk() if n.method == "execution_rate").score  # 部门预算资金支出率
        assert points > 0
    assert q.points == points
    assert q.risk == risk(kind, q.points, fr.margin, q.finding, q.severity)
    assert q.flips_grade == (q.points > 0 and fr.margin is not None and q.points >= fr.margin)
    assert q.code == "baiyun-emergency" and q.year == 2023 and q.evidence and q.issue
