"""The rectification list (整改清单): last year's problems, what this year's report says of them, whether
they are found again, and the status rule (perflib.bureau.rectify)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from perflib.bureau import load_settings, review
from perflib.bureau.rectify import RECTIFICATION_COLUMNS, STATUSES, rectification_rows, sentences
from perflib.demo import RECTIFYING
from perflib.errors import Finding
from perflib.evaluation import evaluate
from perflib.frames import COLUMN_TYPES, LABELS
from perflib.inputs.params import year_file

SETTINGS = load_settings()


def _ev(year: int, findings=(), problems=(), improvements=(), rectification=()):
    """A stand-in for an Evaluation: what the rectification list reads of one."""
    narrative = SimpleNamespace(problems=list(problems), improvements=list(improvements),
                                rectification=list(rectification))
    return SimpleNamespace(code="d", department="某局", year=year, project=None, path=None,
                           params=SimpleNamespace(narrative=narrative), findings=list(findings))


LATE = Finding("warning", "SPENDING_BACKLOADED", "支出集中在下半年。", "支出进度")
TIMELY = Finding("warning", "CATEGORY_MISSING", "未设置时效指标。", "产出/时效")
COST = Finding("warning", "CATEGORY_MISSING", "未设置成本指标。", "产出/成本")
NOTE = Finding("info", "SYNTHETIC_DATA", "演示数据。", "数据来源")


def _rows(last, this) -> dict[str, dict]:
    return {r["row"] or r["problem"]: r for r in rectification_rows(this, last, SETTINGS)}


def test_sentences() -> None:
    assert sentences(["一是支出进度偏慢；二是指标不全。", "三是", ""]) == ["一是支出进度偏慢；", "二是指标不全。", "三是"]


def test_found_again_is_not_rectified_whatever_the_report_says() -> None:
    last = _ev(2023, [LATE, NOTE])
    rows = _rows(last, _ev(2024, [LATE], rectification=["上年支出进度偏慢的问题已完成整改。"]))
    assert list(rows) == ["支出进度"]  # information is no problem
    row = rows["支出进度"]
    assert row["recurs"] and row["status"] == "整改未到位" and row["finding_code"] == "SPENDING_BACKLOADED"
    assert row["this_year_says"] == "上年支出进度偏慢的问题已完成整改。" and row["said_in"] == "上年问题整改情况"
    assert (row["last_year"], row["year"], row["source"], row["topic"]) == (2023, 2024, "审核发现", "预算支出进度")


def test_said_and_not_found_again_is_rectified_else_unsaid() -> None:
    last = _ev(2023, [TIMELY, COST])
    rows = _rows(last, _ev(2024, rectification=["已增设产出时效指标。"]))
    assert rows["产出/时效"]["status"] == "已整改" and not rows["产出/时效"]["recurs"]
    # the sentence names another of last year's problems: no mention of 成本 through the topic alone
    assert rows["产出/成本"]["status"] == "未说明整改情况" and rows["产出/成本"]["this_year_says"] == ""
    # a sentence naming no problem but the topic mentions each
    rows = _rows(last, _ev(2024, rectification=["已按要求完善绩效指标体系。"]))
    assert [r["status"] for r in rows.values()] == ["已整改", "已整改"]


def test_without_rectification_problems_and_improvements_are_read() -> None:
    last = _ev(2023, [LATE, TIMELY])
    this = _ev(2024, problems=["部分项目支出进度仍然偏慢。"], improvements=["下一步完善绩效指标设置。"])
    rows = _rows(last, this)
    late, timely = rows["支出进度"], rows["产出/时效"]
    assert not late["recurs"] and late["status"] == "整改未到位" and late["said_in"] == "存在问题"
    assert timely["status"] == "未说明整改情况" and timely["said_in"] == "改进措施"  # a plan is no rectification
    assert timely["this_year_says"] == "下一步完善绩效指标设置。"


def test_stated_problems() -> None:
    last = _ev(2023, problems=["部分项目前期工作准备不足，支出进度偏慢。绩效目标设置不够细化。"])
    rows = _rows(last, _ev(2024, problems=["绩效目标设置不够细化"],
                           rectification=["针对项目前期工作准备不足的问题，已建立项目储备库。"]))
    first, second = rows["部分项目前期工作准备不足，支出进度偏慢。"], rows["绩效目标设置不够细化。"]
    assert (first["source"], first["finding_code"], first["recurs"], first["status"]) == ("报告所述问题", "", False, "已整改")
    assert first["this_year_says"] == "针对项目前期工作准备不足的问题，已建立项目储备库。"
    assert second["recurs"] and second["status"] == "整改未到位"  # stated again, word for word


@pytest.fixture(scope="module")
def demo_root(demo_portfolio: Path) -> Path:
    return demo_portfolio


def test_the_demo_shows_every_status(demo_root: Path) -> None:
    rv = review(demo_root, 2024)
    frame = rv.rectification_frame()
    assert list(frame.columns) == RECTIFICATION_COLUMNS
    assert set(frame.status) == set(STATUSES) and set(frame.source) == {"审核发现", "报告所述问题"}
    assert all(c in LABELS for c in frame.columns)
    assert frame.recurs.dtype == bool and frame.last_year.dtype == COLUMN_TYPES["last_year"]
    assert (frame.last_year == 2023).all() and set(frame.status[frame.recurs]) == {"整改未到位"}
    done = frame[frame.status == "已整改"]
    assert set(done.code) <= set(RECTIFYING) and (done.said_in == "上年问题整改情况").all()
    # the recurring query and the list agree on what was found again
    recurring = {(q.code, q.project or "", q.finding, q.row) for q in rv.queries if q.kind == "recurring"}
    again = {(r.code, r.project, r.finding_code, r.row) for r in frame.itertuples() if r.recurs and r.finding_code}
    assert again == recurring


def test_the_demo_writes_rectification_for_some_departments(demo_root: Path) -> None:
    for code in ("demo-culture", "demo-water"):
        first, later = (evaluate(year_file(demo_root, code, y)).params for y in (2022, 2024))
        assert first.narrative.rectification == []
        assert bool(later.narrative.rectification) == (code in RECTIFYING)
        assert later.synthetic
