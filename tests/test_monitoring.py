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
    assert "4 月末" in page and "（应达 25%）" in page
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
    year_path.write_text(yaml.safe_dump(year, allow_unicode=True), encoding="utf-8")
    lit = monitor(path).indicators[0]
    assert (lit.direction, lit.light) == (direction, light)
