"""The demo portfolio's review: every kind of query (疑点) the bureau's review raises, each where a trip of
perflib.demo (REVIEW_TRIPS, REVIEW_MONITOR_TRIPS) put it."""

from __future__ import annotations

from pathlib import Path

import pytest

from perflib.bureau import KINDS, review

#: the monitoring snapshots (month 6) are the latest year's only: 2023 has no mid-year promise to miss
MONITORING = {"forecast_missed", "target_changed"}


@pytest.fixture(scope="module")
def demo(demo_portfolio: Path) -> Path:
    return demo_portfolio


def test_every_kind_of_query_in_the_demo_review(demo: Path) -> None:
    latest = review(demo, 2024, jobs=2)
    assert not latest.failed
    assert {q.kind for q in latest.queries} == set(KINDS)
    earlier = review(demo, 2023)
    assert {q.kind for q in earlier.queries} == set(KINDS) - MONITORING


@pytest.mark.parametrize(("kind", "code", "row"), [
    ("unverifiable", "demo-hrss", "不发生重大就业创业安全责任事故"),  # only “效果良好”
    ("unverifiable", "demo-agriculture", "开展乡村振兴专项行动次数"),  # method stated
    ("disagree", "demo-transport", "交通基础设施安全隐患整改率"),
    ("results_ahead", "demo-market", "绩效指标"),
    ("unspent", "demo-market", "预算执行"),
    ("zero_budget", "demo-civil-affairs", "社会救助临时应急项目"),
    ("forecast_missed", "demo-agriculture", "乡村振兴服务覆盖人次"),
    ("target_changed", "demo-justice", "开展公共法律服务专项行动次数"),
    ("recurring", "demo-ecology", "年度预算执行率"),
])
def test_each_trip_makes_its_query(demo: Path, kind: str, code: str, row: str) -> None:
    rv = review(demo, 2024, departments=code, projects=False)
    assert any(q.kind == kind and q.row == row for q in rv.queries), [(q.kind, q.row) for q in rv.queries]


def test_the_parallel_review_is_the_serial_one(demo: Path) -> None:
    one, two = review(demo, [2023, 2024]), review(demo, [2023, 2024], jobs=2)
    assert one.queries == two.queries and one.failed == two.failed
    assert [f.ev.path for f in one.forms] == [f.ev.path for f in two.forms]
