"""绩效运行监控: lights by the rules files, spending checkpoints, findings, and bad snapshots refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from perflib import InputErrors
from perflib.cli import main
from perflib.monitoring.monitor import monitor
from perflib.monitoring.rules import BUNDLED_RULES, load_rules

from .conftest import EXAMPLE


def _snapshot(root: Path, indicators: list[dict], *, month: int = 6, rules: str = "shanxi",
              funds: list[dict] | None = None, year_file: bool = False) -> Path:
    folder = root / "params" / "demo-x"
    folder.mkdir(parents=True, exist_ok=True)
    data = {"year": 2023, "month": month, "rules": rules, "department": {"code": "demo-x", "name": "示范区某局"},
            "budget": {"funds": funds or [{"type": "一般公共预算", "budget": 1000, "spent": 500}]},
            "indicators": indicators}
    if year_file:
        year = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        year["department"]["code"] = "demo-x"
        (folder / "2023.yaml").write_text(yaml.safe_dump(year, allow_unicode=True), encoding="utf-8")
    path = folder / f"2023-{month:02d}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# (target, to date, month, light): the Shanxi bands — progress = to date ÷ (target × N/12) < 60 % red,
# < 80 % yellow, < 120 % green, else blue; rates against the target itself; reverse and zero targets
# green within the target; qualitative by its words
LIGHTS = [
    ("≥100 次", "30 次", 6, "yellow"),       # expected 50 by June; 30 is exactly 60 %: yellow, not red
    ("≥100 次", "29 次", 6, "red"),
    ("≥100 次", "30.5 次", 6, "yellow"),
    ("≥120 次", "36 次", 6, "yellow"),       # expected 60, 36 = 60 % → yellow
    ("≥120 次", "48 次", 6, "green"),        # 80 % → green
    ("≥120 次", "72 次", 6, "blue"),         # 120 % → blue
    ("≥120 次", "119 次", 12, "green"),      # month 12: expected the whole target
    ("≥95%", "96%", 3, "green"),             # a rate is expected at its target all year
    ("≥95%", "50%", 12, "red"),
    ("≤5 起", "3 起", 6, "green"),           # reverse: within the target
    ("≤5 起", "6 起", 6, "red"),
    ("0 起", "0 起", 6, "green"),            # zero target
    ("0 起", "1 起", 6, "red"),
    ("≥-5%", "-2%", 6, "green"),            # a target below 0 (a change rate): met or not, no share of it
    ("≥-5%", "-8%", 6, "red"),
    ("≥26 次、≥13 台", "13 次、2 台", 6, "red"),  # compound: the worst part
    ("不发生重特大事故", "已达到", 6, "green"),   # qualitative
    ("不发生重特大事故", "部分达到", 6, "yellow"),
    ("不发生重特大事故", "未达到", 6, "red"),
    ("不发生重特大事故", "进行中", 6, "grey"),
    # the year end's words are the same vocabulary (issue 23, item 5): none of these is grey any more
    ("完成系统建设", "已达成", 6, "green"),
    ("完成系统建设", "部分达成", 6, "yellow"),
    ("完成系统建设", "未达成", 6, "red"),     # red: on the red list, not grey and off it
    ("不发生重特大事故", "未发生", 6, "green"),
    ("不发生重特大事故", "未发生", 12, "green"),  # at the year end too
    ("杜绝重大安全责任事故", "0 起", 6, "green"),
    ("杜绝重大安全责任事故", "零发生", 6, "green"),
    ("完成系统建设", "未发生", 6, "grey"),     # nothing forbidden: "nothing happened" says nothing
]


@pytest.mark.parametrize(("target", "to_date", "month", "light"), LIGHTS)
def test_lights_follow_the_rules_file(tmp_path: Path, target: str, to_date: str, month: int, light: str) -> None:
    path = _snapshot(tmp_path, [{"name": "指标", "target": target, "to_date": to_date, "reason": "r",
                                 "measures": "m"}], month=month)
    assert monitor(path).indicators[0].light == light


def test_every_bundled_rules_file_loads_and_a_new_province_is_a_file(tmp_path: Path) -> None:
    assert {p.stem for p in BUNDLED_RULES.glob("*.yaml")} == {"shanxi", "sichuan-2025", "ningxia"}
    for path in BUNDLED_RULES.glob("*.yaml"):
        rules = load_rules(path)
        assert rules.bands[-1].below is None and rules.sources
    own = tmp_path / "params" / "monitoring"
    own.mkdir(parents=True)
    text = (BUNDLED_RULES / "shanxi.yaml").read_text(encoding="utf-8").replace("id: shanxi", "id: strict")
    (own / "strict.yaml").write_text(text.replace("{below: 60, light: red}", "{below: 90, light: red}"),
                                     encoding="utf-8")
    path = _snapshot(tmp_path, [{"name": "指标", "target": "≥100 次", "to_date": "40 次", "reason": "r",
                                 "measures": "m"}], rules="strict")
    assert monitor(path).indicators[0].light == "red"  # 80 %: yellow under Shanxi, red under this file


def _codes(path: Path) -> list[str]:
    return [f.code for f in monitor(path).findings]


def test_findings(tmp_path: Path) -> None:
    red = {"name": "培训人次", "target": "≥120 人", "to_date": "20 人", "likely": "确定能", "forecast": "100 人"}
    path = _snapshot(tmp_path, [red, {"name": "定性", "target": "稳定运行", "to_date": "进行中"}], rules="sichuan-2025",
                     funds=[{"type": "一般公共预算", "budget": 1000, "spent": 300}])
    codes = _codes(path)
    assert {"LAG_WITHOUT_REASON", "CERTAIN_BUT_RED", "FORECAST_BELOW_TARGET", "SPENDING_BEHIND_CHECKPOINT",
            "SPENT_AHEAD_OF_TARGETS", "QUALITATIVE_UNCLEAR"} <= set(codes)
    ningxia = _snapshot(tmp_path, [{**red, "to_date": "40 人", "likely": "有可能", "forecast": None}],
                        rules="ningxia")
    assert "LAG_WITHOUT_REASON" not in _codes(ningxia)  # yellow: Ningxia asks for reasons on red only
    shanxi = _snapshot(tmp_path, [{**red, "to_date": "40 人", "likely": "有可能", "forecast": None}], rules="shanxi")
    assert "LAG_WITHOUT_REASON" in _codes(shanxi)


def test_the_year_file_gives_targets_and_budgets_and_is_checked(tmp_path: Path) -> None:
    path = _snapshot(tmp_path, [{"name": "森林火灾扑救技能培训人次", "to_date": "200 人"}], year_file=True,
                     funds=[{"type": "一般公共预算", "spent": 3200}])
    m = monitor(path)
    assert m.indicators[0].target.endswith("共计150人") and str(m.spending[1].budget) == "3168.02"
    codes = [f.code for f in m.findings]
    assert codes.count("CONTRADICTS_YEAR_END") == 2  # 200 人 by June > 186 for the year; 3200 > 3107.04 spent
    assert "NOT_REPORTED" in codes


@pytest.mark.parametrize(("change", "field", "fragment"), [
    ({"month": 13}, "month", "数值过大"),
    ({"indicators": [{"name": "指标", "target": "≥10 次", "to_date": "很多"}]}, "indicators[0].to_date", "无法读取完成值"),
    ({"indicators": [{"name": "不在年度目标中", "to_date": "1 次"}]}, "indicators[0].name", "年度目标中没有这个指标"),
    ({"rules": "mars"}, "rules", "找不到该监控规则"),
])
def test_bad_snapshots_are_refused_naming_file_and_field(tmp_path: Path, capsys, change: dict, field: str,
                                                          fragment: str) -> None:
    year_file = "不在年度目标中" in json.dumps(change, ensure_ascii=False)
    path = _snapshot(tmp_path, [{"name": "指标", "target": "≥10 次", "to_date": "1 次"}], year_file=year_file)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    target = path if "month" not in change else path.with_name("2023-13.yaml")
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["monitor", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{target}: {field}: ") and fragment in err, err
    with pytest.raises(InputErrors):
        monitor(target)


def test_monitor_json_keys(tmp_path: Path, capsys) -> None:
    path = _snapshot(tmp_path, [{"name": "指标", "target": "≥10 次", "to_date": "5 次", "likely": "确定能",
                                 "forecast": "10 次", "reason": "r", "measures": "m"}])
    assert main(["monitor", str(path.with_name("2023.yaml")), "--month", "13"]) == 2
    assert "--month: 应为 1 到 12" in capsys.readouterr().err
    assert main(["monitor", str(path.with_name("2023.yaml")), "--month", "6", "--json"]) == 0  # finds 2023-06.yaml
    data = json.loads(capsys.readouterr().out)
    assert {"department", "code", "year", "month", "rules", "spending", "indicators", "findings"} <= set(data)
    assert {"rate", "expected", "light"} <= set(data["spending"])
    assert set(data["indicators"][0]) >= {"name", "target", "to_date", "expected", "progress", "light", "likely",
                                          "forecast", "reason", "measures"}
    assert (data["indicators"][0]["expected"], data["indicators"][0]["progress"]) == (5.0, 100.0)


def test_the_batch_renders_a_monitoring_report_per_snapshot_and_a_bad_one_fails_alone(tmp_path: Path) -> None:
    import lxml.html

    from perflib.batch import RunOptions, run
    from perflib.demo import generate

    params = tmp_path / "params"
    generate(params)
    for code in [p.name for p in params.iterdir() if p.is_dir() and p.name not in ("demo-water", "demo-health")]:
        __import__("shutil").rmtree(params / code)
    (params / "demo-health" / "2024-06.yaml").write_text(
        (params / "demo-health" / "2024-06.yaml").read_text(encoding="utf-8").replace("month: 6", "month: 13"),
        encoding="utf-8")
    done = run(RunOptions(params_dir=params, outputs_dir=tmp_path / "out", jobs=1, engine="warm", progress=False,
                          overview=False, years=[2024]))
    monitors = {e.code: e for e in done.entries if e.kind == "monitor"}
    assert monitors["demo-water"].status == "ok" and monitors["demo-health"].status == "failed"
    assert "month" in monitors["demo-health"].error
    assert all(e.status == "ok" for e in done.entries if e.kind == "report")  # the year-end reports are untouched
    page = (tmp_path / "out" / "demo-water" / "2024" / "monitor-06.html").read_text(encoding="utf-8")
    doc = lxml.html.fromstring(page)
    headings = [h.text_content() for h in doc.iter("h2")]
    assert headings == ["一、基本情况", "二、预算执行情况", "三、绩效目标完成情况", "四、偏差原因及改进措施", "五、下一步工作",
                        "六、审核发现"]
    assert "■ 红灯" in page and "截至 6 月末" in page and "<script" not in page
    assert len(doc.findall(".//img")) == 2  # the spending by fund, and the month-end curve against the checkpoints
    assert "4 月末" in page and "（应达 25.00%）" in page
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert {m["department"] for m in manifest["monitoring"]} == {"demo-water", "demo-health"}
    assert "demo-water/2024/monitor-06.html" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_the_bureaus_monitoring_overview(tmp_path: Path) -> None:
    import lxml.html

    from perflib.batch import RunOptions, run
    from perflib.demo import generate

    params = tmp_path / "params"
    generate(params)
    for code in [p.name for p in params.iterdir() if p.is_dir() and p.name not in ("demo-water", "demo-justice")]:
        __import__("shutil").rmtree(params / code)
    run(RunOptions(params_dir=params, outputs_dir=tmp_path / "out", jobs=1, engine="warm", progress=False,
                   overview=False, years=[2024]))
    page = (tmp_path / "out" / "monitor-2024-06.html").read_text(encoding="utf-8")
    doc = lxml.html.fromstring(page)
    assert [h.text_content() for h in doc.iter("h2")] == ["一、各部门预警情况", "二、红灯指标", "三、支出进度偏慢的部门",
                                                         "四、与年度自评结果的对照"]
    matrix = doc.findall(".//table")[0]
    assert {tr.findall("td")[0].text_content() for tr in matrix.iter("tr") if tr.findall("td")} == {
        "示范区水务局", "示范区司法局"}
    assert "19.81" in page  # demo-water's execution rate, two decimals
    assert "年中红灯指标" in page or "没有红灯指标" in page  # compared with the year-end result
    assert 'href="monitor-2024-06.html"' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_the_demo_snapshots_show_every_light_and_every_finding(tmp_path: Path) -> None:
    from perflib.demo import generate
    from perflib.monitoring.monitor import CODES
    from perflib.monitoring.rules import LIGHTS as ALL_LIGHTS

    generate(tmp_path)
    ms = [monitor(p) for p in sorted(tmp_path.glob("*/[0-9][0-9][0-9][0-9]-[0-9][0-9].yaml"))]
    assert len(ms) == 12 and all(m.cumulative_rates for m in ms)
    assert {f.code for m in ms for f in m.findings} == set(CODES)
    assert {i.light for m in ms for i in m.indicators} == set(ALL_LIGHTS)
    assert any(m.snapshot.next_steps for m in ms) and not all(m.snapshot.next_steps for m in ms)


@pytest.mark.parametrize(("monthly", "found"), [
    ([100, 200, 300, 400, 500, 600], None),
    ([100, 200, 300, 100, 500, 600], "4 月比上月减少"),
    ([100, 200, 300, 400, 500, 590], "不一致"),
])
def test_the_monthly_series_is_checked(tmp_path: Path, monthly: list, found: str | None) -> None:
    path = _snapshot(tmp_path, [{"name": "培训场次", "target": "≥12 场", "to_date": "6 场"}],
                     funds=[{"type": "一般公共预算", "budget": 1000, "spent": 600}])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["budget"]["monthly"] = monthly
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    messages = [f.message for f in monitor(path).findings if f.code == "MONTHLY_INCONSISTENT"]
    assert (found is None and not messages) or (found is not None and any(found in m for m in messages)), messages


def test_a_monthly_series_of_the_wrong_length_is_refused(tmp_path: Path, capsys) -> None:
    path = _snapshot(tmp_path, [{"name": "培训场次", "target": "≥12 场", "to_date": "6 场"}])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["budget"]["monthly"] = [1, 2, 3]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["monitor", str(path)]) == 2
    assert "budget.monthly" in capsys.readouterr().err


@pytest.mark.parametrize(("method", "to_date", "direction", "light"), [
    (None, "0%", "more", "red"),            # "5%" without an operator: reach 5 %
    ("reverse", "0%", "less", "green"),     # the year file says lower is better: 0 is within it
    ("reverse", "8%", "less", "red"),
    ("stated", "0%", "more", "red"),        # scored as the form states (no rule): the target's operator rules
])
def test_the_year_files_method_gives_the_lights_direction(tmp_path: Path, method: str | None, to_date: str,
                                                         direction: str, light: str) -> None:
    path = _snapshot(tmp_path, [{"name": "森林火灾扑救技能培训人次", "to_date": to_date}], year_file=True,
                     funds=[{"type": "一般公共预算", "spent": 1000}])
    year_path = path.parent / "2023.yaml"
    year = yaml.safe_load(year_path.read_text(encoding="utf-8"))
    row = next(i for i in year["indicators"] if i["name"] == "森林火灾扑救技能培训人次")
    row.update(target="5%", actual="4%")
    row.pop("numerator", None), row.pop("denominator", None)
    if method:
        row["method"] = method
    if method == "stated":
        row["self_score"] = row["weight"]
    year_path.write_text(yaml.safe_dump(year, allow_unicode=True), encoding="utf-8")
    lit = monitor(path).indicators[0]
    assert (lit.direction, lit.light) == (direction, light)


# ---------------------------------------------------------------------- money units (issue 23, item 3)


def _year_file(folder: Path, unit: str, *, adjusted: str, spent: str | None, project: str | None = None,
               indicators: list[dict] | None = None) -> Path:
    """A small year file of our own: one fund (and optionally one key project), in ``unit``."""
    fund = {"type": "一般公共预算", "adjusted": adjusted, **({"spent": spent} if spent is not None else {})}
    data = {"year": 2023, "framework": "mof-department-common", "money_unit": unit,
            "department": {"code": "demo-x", "name": "示范区某局"}, "budget": {"funds": [fund]},
            "indicators": indicators or [{"category": "产出/数量", "name": "巡查次数", "target": "≥120 次",
                                          "weight": 10}]}
    if project is not None:
        data["key_projects"] = [{"name": "河道整治工程", "budget": project,
                                 **({"spent": project} if spent is not None else {})}]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2023.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _over_year(tmp_path: Path, year_unit: str, snapshot_unit: str | None, spent: str, *, adjusted: str,
               year_spent: str | None = None, project: str | None = None, project_spent: str | None = None,
               monthly: list | None = None) -> Path:
    folder = tmp_path / "params" / "demo-x"
    _year_file(folder, year_unit, adjusted=adjusted, spent=year_spent or adjusted, project=project)
    data: dict = {"year": 2023, "month": 6, "rules": "shanxi", "department": {"code": "demo-x"},
                  "budget": {"funds": [{"type": "一般公共预算", "spent": spent}]},
                  "indicators": [{"name": "巡查次数", "to_date": "60 次"}]}
    if snapshot_unit:
        data["money_unit"] = snapshot_unit
    if project_spent is not None:
        data["budget"]["key_projects"] = [{"name": "河道整治工程", "spent": project_spent}]
    if monthly is not None:
        data["budget"]["monthly"] = monthly
    path = folder / "2023-06.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# (year file's unit, snapshot's unit, the year's adjusted budget, spent to date): the budget as the snapshot
# reads it, in the snapshot's unit, and the execution rate — the same whichever unit either is written in
UNITS = [
    ("万元", "元", "2000", "8000000", "20000000", "0.4"),      # a form in 元 over a year in 万元
    ("元", "万元", "20000000", "800", "2000", "0.4"),           # and the other way round
    ("万元", None, "2000", "800", "2000", "0.4"),               # a snapshot without a unit: the year's
    ("万元", "万元", "3168.02", "1267.21", "3168.02", "0.4000006313"),
    ("万元", "元", "3168.02", "12672080.01", "31680200", "0.4000000003"),  # × 10,000 exactly, no float
]


@pytest.mark.parametrize(("year_unit", "snapshot_unit", "adjusted", "spent", "budget", "rate"), UNITS)
def test_the_year_files_amounts_are_read_in_the_snapshots_unit(tmp_path: Path, year_unit: str, snapshot_unit: str,
                                                              adjusted: str, spent: str, budget: str,
                                                              rate: str) -> None:
    from decimal import Decimal

    m = monitor(_over_year(tmp_path, year_unit, snapshot_unit, spent, adjusted=adjusted))
    total = m.spending[0]
    assert m.unit == (snapshot_unit or year_unit)
    assert total.budget == Decimal(budget) and total.spent == Decimal(spent)
    assert total.rate is not None and total.rate.quantize(Decimal("1e-10")) == Decimal(rate)
    assert total.light == "green"  # 40 % of the year by June: on the even pace, not 237880 % and blue


@pytest.mark.parametrize(("snapshot_unit", "spent", "contradicts", "fragment"), [
    ("元", "8000000", False, None),  # 800 万元 by June, 1,950.50 万元 in the year: no contradiction
    ("元", "19600000", True, "1–6 月执行 19,600,000.00 元，多于全年支出 19,505,000.00 元"),
    ("万元", "1960", True, "1–6 月执行 1,960.00 万元，多于全年支出 1,950.50 万元"),
])
def test_the_year_ends_spending_is_compared_in_one_unit_and_printed_with_it(
        tmp_path: Path, snapshot_unit: str, spent: str, contradicts: bool, fragment: str | None) -> None:
    m = monitor(_over_year(tmp_path, "万元", snapshot_unit, spent, adjusted="2000", year_spent="1950.5"))
    found = [f.message for f in m.findings if f.code == "CONTRADICTS_YEAR_END"]
    assert bool(found) == contradicts, found
    assert fragment is None or fragment in found[0], found


def test_every_amount_the_monitor_prints_carries_its_unit(tmp_path: Path, capsys) -> None:
    path = _over_year(tmp_path, "万元", "元", "8000000", adjusted="2000",
                      monthly=[1000000, 2000000, 3000000, 4000000, 5000000, 7990000])
    assert main(["monitor", str(path)]) == 0
    out = capsys.readouterr().out
    assert "全年预算 20,000,000.00 元，1–6 月执行 8,000,000.00 元" in out, out
    assert "6 月末累计支出 7,990,000.00 元与各资金 1–6 月执行数合计 8,000,000.00 元不一致" in out, out


def test_the_overview_prints_each_departments_amounts_with_its_own_unit() -> None:
    from perflib.present.monitor_overview import monitor_overview

    def snapshot(code: str, unit: str, budget: float, spent: float) -> dict:
        return {"department": f"示范区{code}", "code": code, "money_unit": unit, "rules": "sichuan-2025",
                "rules_name": "四川省绩效运行监控规则（2025）",
                "spending": {"budget": budget, "spent": spent, "rate": 20.0, "expected": 40.0, "light": "red",
                             "over_budget": False, "behind": True},
                "indicators": [], "findings": []}

    page = monitor_overview(2024, 6, [snapshot("a", "万元", 2000.0, 400.0), snapshot("b", "元", 3000000.0, 600000.0)])
    assert "2,000.00 万元" in page and "400.00 万元" in page
    assert "3,000,000.00 元" in page and "600,000.00 元" in page


# ------------------------------------------- one rule lights spending, raises its finding, lists it (items 4, 6)


def _spending_snapshot(tmp_path: Path, rules: str, month: int, budget: str, spent: str,
                       project: tuple[str, str] | None = None) -> Path:
    path = _snapshot(tmp_path, [{"name": "巡查次数", "target": "≥120 次", "to_date": f"{10 * month} 次"}], month=month,
                     rules=rules, funds=[{"type": "一般公共预算", "budget": budget, "spent": spent}])
    if project:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["budget"]["key_projects"] = [{"name": "河道整治工程", "budget": project[0], "spent": project[1]}]
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# rules, month, budget, spent → the total's light, and whether it is behind (the finding and the overview's list)
SPENDING = [
    ("sichuan-2025", 6, "1000", "388.70", "yellow", True),   # 38.87 % against the 40 % required by June
    ("sichuan-2025", 6, "1000", "400", "green", False),      # at the checkpoint: met
    ("sichuan-2025", 6, "1000", "240", "yellow", True),      # 60 % of what is required
    ("sichuan-2025", 6, "1000", "239.99", "red", True),
    ("sichuan-2025", 6, "1000", "480", "blue", False),       # 120 % of the checkpoint: ahead
    ("sichuan-2025", 7, "1000", "399", "yellow", True),      # July: June's checkpoint still holds
    ("sichuan-2025", 3, "1000", "240", "yellow", True),      # before the first checkpoint: the even pace, 25 %
    ("shanxi", 6, "1000", "390", "yellow", True),            # no checkpoints: 78 % of the even pace (50 %)
    ("shanxi", 6, "1000", "400", "green", False),            # 80 % of it: green in Shanxi's bands
    ("shanxi", 6, "1000", "299", "red", True),
    ("shanxi", 6, "1000", "1225", "red", False),             # 122.5 % of the year's budget: over it, not behind
    ("shanxi", 12, "1000", "1000", "green", False),          # the whole budget by December: not over it
    ("shanxi", 6, "0", "5", "red", False),                   # spending with no budget at all: over it
    ("shanxi", 6, "0", "0", "grey", False),                  # nothing budgeted, nothing spent: no rate
]


@pytest.mark.parametrize(("rules", "month", "budget", "spent", "light", "behind"), SPENDING)
def test_the_spending_light_its_finding_and_the_overviews_list_agree(tmp_path: Path, rules: str, month: int,
                                                                     budget: str, spent: str, light: str,
                                                                     behind: bool) -> None:
    from perflib.present.monitor_overview import monitor_overview

    m = monitor(_spending_snapshot(tmp_path, rules, month, budget, spent))
    total = m.spending[0]
    codes = [f.code for f in m.findings]
    assert (total.light, total.behind) == (light, behind)
    assert ("SPENDING_BEHIND_CHECKPOINT" in codes) == behind
    over = total.spent > total.budget
    assert ("SPENT_OVER_BUDGET" in codes) == over
    section = monitor_overview(2023, month, [m.to_dict()]).split("三、支出进度偏慢的部门")[1].split("<h2")[0]
    assert ("示范区某局" in section) == behind, section


@pytest.mark.parametrize(("budget", "spent", "light", "fragment"), [
    ("100", "206", "red", "河道整治工程 1–6 月执行 206.00 万元，超出全年预算 100.00 万元（执行率 206.00%）"),
    ("100", "100", "blue", None),   # all of it by June: ahead, not over
    ("100", "100.01", "red", "超出全年预算 100.00 万元"),
])
def test_spending_above_the_annual_budget_is_a_warning_of_its_own(tmp_path: Path, budget: str, spent: str,
                                                                   light: str, fragment: str | None) -> None:
    m = monitor(_spending_snapshot(tmp_path, "shanxi", 6, "1000", "500", project=(budget, spent)))
    project = m.spending[-1]
    over = [f for f in m.findings if f.code == "SPENT_OVER_BUDGET"]
    assert project.light == light and project.over == (fragment is not None)
    assert [f.subject for f in over] == (["河道整治工程"] if fragment else [])
    assert fragment is None or fragment in over[0].message, over
    assert not any(f.code == "SPENDING_BEHIND_CHECKPOINT" for f in m.findings)  # the funds are on the even pace
    assert m.to_dict()["spending"]["parts"][-1]["over_budget"] == (fragment is not None)


@pytest.mark.parametrize(("qualitative", "light", "error"), [
    ("{达到: green, 部分达到: yellow, 未达到: red}", "red", None),       # a file of before, keyed by 达到: the same outcomes
    ("{达成: green, 部分达成: yellow, 未达成: red}", "red", None),
    ("{达成: green, 部分达成: yellow, 未达成: yellow}", "yellow", None),  # a province that never lights these red
    ("{进展顺利: green}", None, "qualitative"),                          # not a word of the vocabulary
    ("{达成: green, 达到: blue}", None, "qualitative"),                  # one outcome, two lights
])
def test_a_rules_file_lights_outcomes_not_words(tmp_path: Path, capsys, qualitative: str, light: str | None,
                                                error: str | None) -> None:
    own = tmp_path / "params" / "monitoring"
    own.mkdir(parents=True)
    text = (BUNDLED_RULES / "shanxi.yaml").read_text(encoding="utf-8").replace("id: shanxi", "id: own")
    start, end = text.index("qualitative:"), text.index("spending:")
    (own / "own.yaml").write_text(text[:start] + f"qualitative: {qualitative}\n" + text[end:], encoding="utf-8")
    path = _snapshot(tmp_path, [{"name": "队伍建设", "target": "建成专业救援队伍", "to_date": "未达成", "reason": "r",
                                 "measures": "m"}], rules="own")
    if error:
        assert main(["monitor", str(path)]) == 2
        err = capsys.readouterr().err
        assert f"own.yaml: {error}" in err and "Traceback" not in err, err
    else:
        assert monitor(path).indicators[0].light == light


def test_the_overview_shows_each_departments_rules_beside_its_figures(tmp_path: Path) -> None:
    from perflib.present.monitor_overview import monitor_overview

    one = monitor(_spending_snapshot(tmp_path / "a", "sichuan-2025", 6, "1000", "388.70"))
    other = monitor(_spending_snapshot(tmp_path / "b", "shanxi", 6, "1000", "388.70"))
    page = monitor_overview(2023, 6, [one.to_dict(), {**other.to_dict(), "department": "示范区另一局", "code": "demo-y"}])
    import lxml.html

    matrix = lxml.html.fromstring(page).findall(".//table")[0]
    rows = {tr.findall("td")[0].text_content(): tr.findall("td")[1].text_content() for tr in matrix.iter("tr")
            if tr.findall("td")}
    assert rows == {"示范区某局": "四川省绩效运行监控规则（2025）", "示范区另一局": "山西省绩效运行监控规则（一体化系统）"}


# ------------------------------------------ a year with no year end yet (issue 23, item 8)


def _open_year(tmp_path: Path) -> Path:
    """A year file as it stands in spring: targets and budgets set, nothing spent yet, no actuals."""
    return _year_file(tmp_path / "params" / "demo-x", "万元", adjusted="2000", spent=None, project="300",
                      indicators=[{"category": "产出/数量", "name": "巡查次数", "target": "≥120 次", "weight": 10},
                                  {"category": "效益/社会效益", "name": "安全生产形势", "target": "不发生重特大生产安全事故",
                                   "weight": 10}])


def test_a_year_without_spending_yet_is_valid_for_the_form_and_for_monitoring(tmp_path: Path, capsys) -> None:
    from openpyxl import load_workbook

    year = _open_year(tmp_path)
    form = tmp_path / "监控表.xlsx"
    assert main(["monitor-template", str(year), "--month", "6", "--rules", "sichuan-2025", "--to", str(form)]) == 0
    budgets = {r[1]: r[2] for r in load_workbook(form)["预算执行"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert budgets == {"一般公共预算": 2000, "河道整治工程": 300}
    snapshot = year.with_name("2023-06.yaml")
    snapshot.write_text(yaml.safe_dump({
        "year": 2023, "month": 6, "rules": "sichuan-2025", "department": {"code": "demo-x"},
        "budget": {"funds": [{"type": "一般公共预算", "spent": 820}],
                   "key_projects": [{"name": "河道整治工程", "spent": 90}]},
        "indicators": [{"name": "巡查次数", "to_date": "60 次"}, {"name": "安全生产形势", "to_date": "未发生"}]},
        allow_unicode=True), encoding="utf-8")
    m = monitor(snapshot)
    assert [s.budget for s in m.spending] == [2000, 2000, 300]
    assert [i.light for i in m.indicators] == ["green", "green"]
    assert not [f for f in m.findings if f.code in ("CONTRADICTS_YEAR_END", "NOT_REPORTED")]
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "params")]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(("spent", "project_spent", "fields"), [
    (None, None, ["budget.funds[0].spent", "key_projects[0].spent"]),   # an open year: no year-end evaluation
    ("1950", None, ["key_projects[0].spent"]),                          # half filled in: what is missing, named
])
def test_the_year_end_evaluation_still_needs_the_spending(tmp_path: Path, capsys, spent: str | None,
                                                          project_spent: str | None, fields: list[str]) -> None:
    year = _open_year(tmp_path)
    data = yaml.safe_load(year.read_text(encoding="utf-8"))
    if spent:
        data["budget"]["funds"][0]["spent"] = spent
    year.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["score", str(year)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1] for line in err if "支出" in line] == fields, err
    assert all(line.startswith(f"{year}: ") for line in err) and not any("Traceback" in line for line in err)


def test_a_finding_monitoring_shares_with_the_year_end_keeps_its_year_end_topic() -> None:
    from perflib.audit import TOPICS
    from perflib.errors import Finding
    from perflib.monitoring.monitor import CODES

    shared = [c for c in CODES if c in TOPICS]
    assert shared == ["SPENT_OVER_BUDGET"]
    assert Finding.TOPICS["SPENT_OVER_BUDGET"] == TOPICS["SPENT_OVER_BUDGET"] == "预算执行"


def test_an_indicators_progress_is_printed_at_two_decimals_half_up(tmp_path: Path, capsys) -> None:
    """完成进度 as every percentage: two decimals, half-up (13 of a 24-by-December target at June: 108.33 %;
    7 of 24: 58.33 %), the same in the report's table and the CLI."""
    from perflib.present.monitor_report import targets

    path = _snapshot(tmp_path, [{"name": "巡查次数", "target": "≥24次", "to_date": "13次"},
                                {"name": "培训人次", "target": "≥24人次", "to_date": "7人次", "reason": "r",
                                 "measures": "m"}])
    m = monitor(path)
    html = str(targets(m))
    assert ">108.33%<" in html and ">58.33%<" in html, html
    assert main(["monitor", str(path)]) in (0, 1)
    out = capsys.readouterr().out
    assert "完成进度 108.33%" in out and "完成进度 58.33%" in out, out
