"""The monitoring form in Excel: made from the year's file, filled in, read back into a snapshot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from perflib.cli import main
from perflib.demo import generate

from .conftest import FRAMEWORKS


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("monitor-form") / "params"
    generate(root, frameworks_dir=FRAMEWORKS)
    return root


@pytest.fixture
def params(demo: Path, tmp_path: Path) -> Path:
    root = tmp_path / "params"
    shutil.copytree(demo / "frameworks", root / "frameworks")
    shutil.copytree(demo / "demo-agriculture", root / "demo-agriculture")
    return root


def _form(params: Path, tmp_path: Path, source: str, *extra: str) -> Path:
    out = tmp_path / "监控表.xlsx"
    assert main(["monitor-template", str(params / "demo-agriculture" / source), *extra, "--to", str(out)]) == 0
    return out


def _round_trip(params: Path, tmp_path: Path, snapshot: Path) -> tuple[dict, dict]:
    """The snapshot before, and as it comes back from its form (the file itself replaced by the import)."""
    before = yaml.safe_load(snapshot.read_text(encoding="utf-8"))
    form = _form(params, tmp_path, snapshot.name)
    snapshot.unlink()
    assert main(["monitor-import", str(form), "--out", str(params)]) == 0
    return before, yaml.safe_load(snapshot.read_text(encoding="utf-8"))


def test_a_snapshot_goes_to_excel_and_back_unchanged(params: Path, tmp_path: Path) -> None:
    before, after = _round_trip(params, tmp_path, params / "demo-agriculture" / "2024-06.yaml")
    assert after == before


def test_a_snapshots_own_budget_and_its_unreported_rows_survive_the_round_trip(params: Path, tmp_path: Path) -> None:
    """A mid-year budget of the snapshot's own is kept (the year file's is not put in its place), and rows the
    snapshot does not report come back unreported, not as rows missing a required value."""
    snapshot = params / "demo-agriculture" / "2024-06.yaml"
    data = yaml.safe_load(snapshot.read_text(encoding="utf-8"))
    data["budget"]["funds"][0]["budget"] = 12345.67
    data["indicators"] = data["indicators"][1:]           # the first indicator not reported this month
    data["budget"].pop("key_projects", None)              # nor any key project
    snapshot.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before, after = _round_trip(params, tmp_path, snapshot)
    assert after == before


def test_the_form_carries_what_the_year_gives_and_asks_only_for_what_is_new(params: Path, tmp_path: Path) -> None:
    from perflib import evaluate

    ev = evaluate(params / "demo-agriculture" / "2024.yaml")
    wb = load_workbook(_form(params, tmp_path, "2024.yaml", "--month", "9", "--rules", "sichuan-2025"))
    assert wb.sheetnames[:4] == ["说明", "基本信息", "预算执行", "绩效指标"] and wb["选项"].sheet_state == "hidden"
    basic = {r[0].value: r[1].value for r in wb["基本信息"].iter_rows()}
    assert basic["部门代码"] == "demo-agriculture" and basic["月份"] == 9
    sheet = wb["绩效指标"]
    assert [c.value for c in sheet[1]][3] == "1–9 月完成值"
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    assert [(r[0], r[2]) for r in rows] == [(r.name, r.target.text) for r in ev.scorecard.indicators]
    assert all(r[3] is None for r in rows)  # nothing of the year's result leaks into a mid-year form
    assert sheet["C2"].fill.fgColor.rgb.endswith("EDEDED") and sheet["D2"].fill.fgColor.rgb in (None, "00000000")
    funds = [r for r in wb["预算执行"].iter_rows(min_row=2, values_only=True) if r[0] is not None]
    assert [f[1] for f in funds if f[0] == "资金"] == [f.type for f in ev.metrics.funds]


def _fill(form: Path, cells: dict[tuple[str, str], object]) -> None:
    wb = load_workbook(form)
    for (sheet, ref), value in cells.items():
        wb[sheet][ref] = value
    wb.save(form)


@pytest.mark.parametrize(("cells", "where", "fragment"), [
    ({("绩效指标", "D2"): "很多"}, "绩效指标!D2（1–6 月完成值）", "无法读取"),
    ({("绩效指标", "A2"): "不存在的指标"}, "绩效指标!A2（指标名称）", "年度目标中没有这个指标"),
    ({("基本信息", "B4"): 13}, "基本信息!B4（月份）", "12"),
    ({("预算执行", "D2"): "四千"}, "预算执行!D2（1–6 月执行数）", "数值"),
    ({("绩效指标", "G2"): "天气原因"}, "绩效指标!G2（偏差原因类别）", "经费保障"),
    ({("绩效指标", "E2"): "也许"}, "绩效指标!E2（完成目标可能性）", "确定能"),
])
def test_a_bad_cell_is_named_and_nothing_is_written(params: Path, tmp_path: Path, capsys, cells: dict, where: str,
                                                    fragment: str) -> None:
    snapshot = params / "demo-agriculture" / "2024-06.yaml"
    form = _form(params, tmp_path, "2024-06.yaml")
    snapshot.unlink()
    _fill(form, cells)
    assert main(["monitor-import", str(form), "--out", str(params)]) == 2
    err = capsys.readouterr().err
    assert where in err and fragment in err and "Traceback" not in err, err
    assert not snapshot.exists() and not list((params / "demo-agriculture").glob(".*importing"))


def test_the_template_refuses_a_file_it_cannot_use(params: Path, tmp_path: Path, capsys) -> None:
    assert main(["monitor-template", str(params / "demo-agriculture" / "2024.yaml"), "--to",
                 str(tmp_path / "x.xlsx")]) == 2
    assert "--month" in capsys.readouterr().err
    other = tmp_path / "notes.yaml"
    other.write_text("a: 1\n", encoding="utf-8")
    assert main(["monitor-template", str(other), "--month", "6", "--to", str(tmp_path / "x.xlsx")]) == 2
    assert "不是年度文件或监控快照" in capsys.readouterr().err


def test_a_merged_range_in_the_basics_is_named(params: Path, tmp_path: Path, capsys) -> None:
    from openpyxl import load_workbook

    form = _form(params, tmp_path, "2024-06.yaml")
    wb = load_workbook(form)
    wb["基本信息"].merge_cells("B2:B3")
    wb.save(form)
    assert main(["monitor-import", str(form), "--out", str(tmp_path / "elsewhere")]) == 2
    err = capsys.readouterr().err
    assert "基本信息!B2:B3（合并单元格）" in err and "Traceback" not in err, err


def _in_yuan(snapshot: Path) -> dict:
    """The snapshot re-written in 元 (every amount × 10,000), over its year file in 万元."""
    from decimal import Decimal

    data = yaml.safe_load(snapshot.read_text(encoding="utf-8"))
    data["money_unit"] = "元"
    for group in ("funds", "key_projects"):
        for item in data["budget"].get(group, []):
            item["spent"] = float(Decimal(str(item["spent"])) * 10000)
    data["budget"]["monthly"] = [float(Decimal(str(v)) * 10000) for v in data["budget"]["monthly"]]
    snapshot.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def test_a_snapshot_in_yuan_over_a_year_in_wanyuan_gets_its_budgets_in_yuan_and_comes_back_unchanged(
        params: Path, tmp_path: Path) -> None:
    """The greyed budgets are the year's, in the form's unit (issue 23, item 3); they are not written back."""
    snapshot = params / "demo-agriculture" / "2024-06.yaml"
    _in_yuan(snapshot)
    wb = load_workbook(_form(params, tmp_path, snapshot.name))
    basic = {r[0].value: r[1].value for r in wb["基本信息"].iter_rows()}
    funds = {r[1]: r[2] for r in wb["预算执行"].iter_rows(min_row=2, values_only=True) if r[0] == "资金"}
    assert basic["金额单位"] == "元" and funds["一般公共预算"] == 137045600  # 13,704.56 万元
    before, after = _round_trip(params, tmp_path, snapshot)
    assert after == before


@pytest.mark.parametrize(("unit", "spent", "rate"), [
    ("元", 41043800, "29.95%"),    # the unit switched to 元 on the form, the year's greyed 万元 budget left as it was
    ("万元", 4104.38, "29.95%"),
])
def test_a_form_whose_unit_is_switched_reads_the_years_budget_in_that_unit(params: Path, tmp_path: Path, capsys,
                                                                          unit: str, spent: float, rate: str) -> None:
    from perflib.monitoring.monitor import monitor

    form = _form(params, tmp_path, "2024.yaml", "--month", "6", "--rules", "sichuan-2025")
    wb = load_workbook(form)
    rows = {r[1].value: r for r in wb["预算执行"].iter_rows(min_row=2) if r[0].value == "资金"}
    cells = {("基本信息", "B6"): unit, ("预算执行", rows["一般公共预算"][3].coordinate): spent,
             ("绩效指标", "D2"): "9次"}
    cells[("预算执行", rows["政府性基金预算"][3].coordinate)] = 0
    _fill(form, cells)
    snapshot = params / "demo-agriculture" / "2024-06.yaml"
    snapshot.unlink()
    assert main(["monitor-import", str(form), "--out", str(params)]) == 0, capsys.readouterr().err
    data = yaml.safe_load(snapshot.read_text(encoding="utf-8"))
    assert all("budget" not in f for f in data["budget"]["funds"])  # the year's budgets, not typed again
    fund = next(s for s in monitor(snapshot).spending if s.name == "一般公共预算")
    from perflib.numbers import fmt_percent

    assert fmt_percent(fund.rate) == rate


# ---------------------------------------------- the rules a form is lit by are chosen (issue 23, item 7)


@pytest.mark.parametrize(("settings", "source", "extra", "rules", "error"), [
    (None, "2024.yaml", [], None, "--rules: 未选择监控规则"),               # no default: asked for, not ningxia
    ("monitoring: {rules: sichuan-2025}\n", "2024.yaml", [], "sichuan-2025", None),  # the workspace's default
    ("monitoring: {rules: sichuan-2025}\n", "2024.yaml", ["--rules", "shanxi"], "shanxi", None),
    (None, "2024.yaml", ["--rules", "shanxi"], "shanxi", None),
    (None, "2024.yaml", ["--rules", "mars"], None, "--rules: 找不到该监控规则"),
    ("monitoring: {rules: mars}\n", "2024.yaml", [], None, "settings.yaml: monitoring.rules: 找不到该监控规则"),
    ("monitoring: {rule: shanxi}\n", "2024.yaml", [], None, "settings.yaml: monitoring.rule: 未知字段"),
    ("monitoring: {rules: shanxi}\n", "2024-06.yaml", [], "sichuan-2025", None),  # a snapshot keeps its own
])
def test_the_forms_rules_are_chosen_not_defaulted_alphabetically(params: Path, tmp_path: Path, capsys,
                                                                 settings: str | None, source: str, extra: list,
                                                                 rules: str | None, error: str | None) -> None:
    if settings is not None:
        (params / "settings.yaml").write_text(settings, encoding="utf-8")
    out = tmp_path / "监控表.xlsx"
    code = main(["monitor-template", str(params / "demo-agriculture" / source), "--month", "6", *extra,
                 "--to", str(out)])
    err = capsys.readouterr().err
    if error:
        assert code == 2 and error in err and "Traceback" not in err, err
        assert "ningxia、shanxi、sichuan-2025" in err or "settings.yaml" in err, err  # what may be chosen, or where
        return
    assert code == 0, err
    basic = {r[0].value: (r[1].value, r[2].value) for r in load_workbook(out)["基本信息"].iter_rows()}
    from perflib.monitoring.rules import BUNDLED_RULES, load_rules

    assert basic["监控规则"] == (rules, load_rules(BUNDLED_RULES / f"{rules}.yaml").name)  # the id, and its name
