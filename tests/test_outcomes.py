"""One vocabulary of outcomes (达成 / 部分达成 / 未达成) for the year end and monitoring (issue 23, item 5)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from perflib.scoring.methods import DEFAULT_TIERS, Tier, find_tier
from perflib.scoring.outcomes import MET, NOT_MET, PARTLY, read

# value as written, the target it is read against, the outcome it states (None: it states none)
READINGS = [
    ("达到", None, MET),
    ("已达到", None, MET),
    ("达成", None, MET),
    ("已达成", None, MET),
    ("全年已达成预期目标", None, MET),
    ("部分达到", None, PARTLY),
    ("部分达成，招标已完成", None, PARTLY),
    ("基本达成", None, PARTLY),
    ("未全部达到", None, PARTLY),
    ("未达到", None, NOT_MET),
    ("未达成", None, NOT_MET),
    ("尚未达成", None, NOT_MET),
    ("完成", None, MET),                      # a whole answer …
    ("未完成", None, NOT_MET),
    ("完成项目招标，尚未建设", None, None),     # … but not inside a sentence: 完成 what?
    ("进行中", None, None),
    ("未发生", "不发生重特大生产安全事故", MET),
    ("全区未发生较大以上森林火灾，无人员伤亡", "不发生重大以上或者造成人员伤亡的森林火灾", MET),
    ("0 起", "不发生重特大生产安全事故", MET),
    ("0起", "杜绝重大安全责任事故", MET),
    ("零发生", "杜绝重大安全责任事故", MET),
    ("未出现", "不出现系统性风险", MET),
    ("未发生", "安全生产形势稳定", None),      # nothing happened, but nothing was forbidden: says nothing
    ("2 起", "不发生重特大生产安全事故", None),  # 2 of what? A count of lesser accidents says nothing of these
    ("确保不发生", "不发生重特大生产安全事故", None),  # the target restated is no report
]


@pytest.mark.parametrize(("value", "target", "outcome"), READINGS)
def test_one_table_reads_every_way_an_outcome_is_written(value: str, target: str | None, outcome: str | None) -> None:
    assert read(value, target) == outcome


# a tier as written in the year file → the tier of the framework (the MOF three) it is
@pytest.mark.parametrize(("written", "target", "tier"), [
    ("达成", None, "达成年度指标"),                   # an alias the tiers list
    ("达成年度指标", None, "达成年度指标"),
    ("已达成", None, "达成年度指标"),                 # a word of the vocabulary: the tier of its outcome
    ("达到", None, "达成年度指标"),
    ("部分达到", None, "部分达成年度指标并具有一定效果"),
    ("未达到", None, "未达成年度指标且效果较差"),
    ("未发生", "不发生重特大生产安全事故", "达成年度指标"),
    ("未发生", None, None),
    ("优秀", None, None),
])
def test_a_tier_is_read_through_the_same_vocabulary(written: str, target: str | None, tier: str | None) -> None:
    found = find_tier(written, DEFAULT_TIERS, target=target)
    assert (found.name if found else None) == tier


def test_a_framework_with_two_tiers_of_one_outcome_is_not_guessed() -> None:
    tiers = (Tier("优", Decimal("0.9"), Decimal(1)), Tier("良", Decimal("0.8"), Decimal("0.9")),
             Tier("中", Decimal("0.6"), Decimal("0.8")), Tier("差", Decimal(0), Decimal("0.6")))
    assert [t.outcome for t in tiers] == [MET, MET, PARTLY, NOT_MET]
    assert find_tier("达到", tiers) is None  # 优 or 良? not guessed
    assert find_tier("未达到", tiers).name == "差"


@pytest.mark.parametrize(("actual", "tier", "score", "met", "error"), [
    ("未发生重特大生产安全事故", None, 2.5, True, None),       # read as met: no tier needed
    ("0 起", None, 2.5, True, None),
    ("已达成", None, 2.5, True, None),
    ("未发生重特大生产安全事故", "已达成", 2.5, True, None),    # the tier as written, read by the vocabulary
    ("部分达到", None, 1.8, False, None),
    ("推进中", None, 2.5, None, "indicators[16].tier"),      # says nothing: the tier is still required
])
def test_the_year_end_reads_a_qualitative_actual_with_the_vocabulary(
        write_params, example_data: dict, actual: str, tier: str | None, score: float, met: bool | None,
        error: str | None) -> None:
    from perflib import InputErrors, evaluate

    row = example_data["indicators"][16]
    assert row["name"] == "安全生产形势" and "不发生" in row["target"]
    row.update(actual=actual, self_score=score)
    row.pop("tier")
    if tier:
        row["tier"] = tier
    path = write_params(example_data)
    if error:
        with pytest.raises(InputErrors, match=error.replace("[", r"\[").replace("]", r"\]")):
            evaluate(path)
        return
    result = next(r for r in evaluate(path).scorecard.indicators if r.name == "安全生产形势")
    assert result.met is met


def test_the_worked_example_keeps_its_score() -> None:
    from perflib import evaluate

    from .conftest import EXAMPLE

    ev = evaluate(EXAMPLE)
    assert (str(ev.total), ev.grade) == ("91.88", "优")


def test_monitoring_lights_the_year_ends_words_and_the_red_list_keeps_them(tmp_path: Path) -> None:
    from perflib.monitoring.monitor import monitor
    from perflib.present.monitor_overview import monitor_overview

    folder = tmp_path / "params" / "demo-x"
    folder.mkdir(parents=True)
    rows = [("安全生产形势", "不发生重特大生产安全事故", "未发生", "green"),
            ("事故起数", "杜绝重大安全责任事故", "0 起", "green"),
            ("预案修编", "完成总体应急预案修编", "已达成", "green"),
            ("系统建设", "完成智慧应急系统建设", "部分达成", "yellow"),
            ("队伍建设", "建成专业救援队伍", "未达成", "red")]
    data = {"year": 2023, "month": 6, "rules": "sichuan-2025", "department": {"code": "demo-x", "name": "示范区某局"},
            "budget": {"funds": [{"type": "一般公共预算", "budget": 1000, "spent": 400}]},
            "indicators": [{"name": n, "target": t, "to_date": v, "reason": "其他：r", "measures": "m"}
                           for n, t, v, _ in rows]}
    path = folder / "2023-06.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    m = monitor(path)
    assert [i.light for i in m.indicators] == [light for *_, light in rows]
    assert not any(f.code == "QUALITATIVE_UNCLEAR" for f in m.findings)
    red = monitor_overview(2023, 6, [m.to_dict()]).split("二、红灯指标")[1].split("<h2")[0]
    assert "队伍建设" in red and "系统建设" not in red
