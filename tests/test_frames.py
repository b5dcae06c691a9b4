"""The analyst's surface: DataFrames of an evaluation, the portfolio, what-if and compare."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import perflib
from perflib import InputErrors, PerflibError, evaluate
from perflib.batch.outputs import Entry
from perflib.batch.summary import summary_frame
from perflib.demo import PROFILES, generate
from perflib.frames import COLUMN_TYPES, GRADES, LABELS, chinese
from perflib.portfolios import indicators_table

from .conftest import EXAMPLE, FRAMEWORKS

CODES = [p.code for p in PROFILES]


@pytest.fixture(scope="module")
def ev():
    return evaluate(EXAMPLE)


def test_import_perflib_does_not_import_pandas() -> None:
    code = "import sys, perflib; perflib.evaluate; assert 'pandas' not in sys.modules, 'pandas imported'"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_nodes_frame_has_the_worked_examples_scores(ev) -> None:
    nodes = ev.nodes_frame().set_index("path")
    assert nodes.loc["履职效能", ["max", "score", "lost"]].tolist() == [50.0, 44.38, 5.62]
    assert nodes.loc["管理效率", "score"] == 47.5
    assert nodes.loc["履职效能 / 产出指标完成情况", "score"] == 19.6
    assert nodes.loc["履职效能 / 部门预算资金支出率", "rate"] == 47.78
    assert nodes[nodes.level == 1].score.sum().round(2) == 91.88
    assert list(nodes.reset_index().columns) == ["path", "level", "name", "parent", "kind", "max", "score", "lost",
                                                 "rule_score", "method", "rate"]


def test_indicators_frame(ev) -> None:
    ind = ev.indicators_frame()
    assert len(ind) == 20 and ind["no"].tolist() == list(range(1, 21))
    row = ind[ind.name.str.startswith("委托专业技术机构")].iloc[0]
    assert (row.target, row.actual, row.completion, row.met, row.weight, row.score) == ("34 家", "32 家", 94.12,
                                                                                        False, 3.5, 3.29)
    assert ind.weight.sum() == 40.0 and ind.score.sum().round(2) == 39.6  # 产出 19.6 + 效益 20
    assert set(ind.top) == {"产出", "效益", "满意度"} or set(ind.top) <= {"产出", "效益", "满意度"}


def test_budget_and_findings_frames(ev) -> None:
    budget = ev.budget_frame().set_index("fund")
    assert budget.loc["合计", ["initial", "adjusted", "spent", "execution_rate", "adjustment_rate"]].tolist() == [
        5692.59, 5448.73, 5369.24, 98.54, -4.28]
    findings = ev.findings_frame()
    assert len(findings) == len(ev.findings) == 17
    assert set(findings.severity) <= {"error", "warning", "info"}
    assert findings[findings.finding_code == "SPENDING_BACKLOADED"].topic.tolist() == ["预算支出进度"]
    assert set(chinese(findings).columns) == {LABELS[c] for c in findings.columns}


def test_half_up_in_frames() -> None:
    from decimal import Decimal

    from perflib.frames import num, pct
    assert (num(Decimal("1234.125")), num(Decimal("2.675")), pct(Decimal("0.123455"))) == (1234.13, 2.68, 12.35)


def test_reprs_are_short_and_notebooks_get_html(ev) -> None:
    for obj in (ev, ev.scorecard, ev.framework, ev.params, ev.metrics, ev.findings, ev.scorecard.nodes[0],
                ev.scorecard.indicators[0]):
        assert len(repr(obj)) < 200, type(obj)
    assert "91.88 分，优" in repr(ev)
    html = ev._repr_html_()
    assert "91.88" in html and "履职效能" in html and "SPENDING_BACKLOADED" in html
    assert "部门预算资金支出率" in ev.framework._repr_html_() and "<table" in ev.findings._repr_html_()


def test_what_if_changes_nothing_on_disk_and_compare_shows_what_moved(ev) -> None:
    before = EXAMPLE.read_bytes()
    name = next(r.name for r in ev.scorecard.indicators if r.name.startswith("委托专业技术机构"))
    after = ev.what_if({name: "34 家"})
    assert EXAMPLE.read_bytes() == before and str(ev.total) == "91.88"
    assert str(after.total) == "92.09"
    diff = perflib.compare(ev, after)
    moved = diff[diff.changed & (diff.kind == "node")]
    assert set(moved.name) == {"履职效能", "产出指标完成情况", name}
    assert moved.set_index("name").loc[name, ["before", "after", "change"]].tolist() == [3.29, 3.5, 0.21]
    assert diff.iloc[0].tolist() == ["total", "总分", "", "", 91.88, 92.09, 0.21, True]
    gone = diff[(diff.kind == "finding") & (diff.after == "无")]
    assert gone.name.str.startswith("TARGET_MISSED").all() and len(gone) == 1
    leaf = ev.what_if({"财务管理合规性": {"deductions": []}})
    assert str(leaf.total) == "92.88"
    monthly = ev.what_if({"monthly": [round(5369.24 * m / 12, 2) for m in range(1, 13)]})
    assert monthly.metrics.evaluation_rate > ev.metrics.evaluation_rate


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"不存在的指标": "1 家"}, "没有这个指标"),
    ({"财务管理合规性": 3}, "须写成字典"),
    ({"财务管理合规性": {"colour": 1}}, "不能修改这个字段"),
])
def test_what_if_names_what_is_wrong(ev, changes: dict, fragment: str) -> None:
    with pytest.raises(InputErrors, match=fragment):
        ev.what_if(changes)


def test_portfolio_agrees_with_score_json(tmp_path: Path) -> None:
    generate(tmp_path, frameworks_dir=FRAMEWORKS)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "2023.yaml").write_text("year: 2023\n", encoding="utf-8")
    frame = perflib.portfolio(tmp_path)
    assert len(frame) == 37 and frame.columns[:6].tolist() == ["code", "department", "year", "framework", "total",
                                                                "grade"]
    broken = frame[frame.code == "broken"].iloc[0]
    assert pd.isna(broken.total) and "department" in broken.error
    for path in sorted(tmp_path.glob("demo-*/[0-9][0-9][0-9][0-9].yaml"))[::5]:
        out = subprocess.run([sys.executable, "-m", "perflib.cli", "score", str(path), "--json"], capture_output=True,
                             text=True, check=True).stdout
        data = json.loads(out)
        row = frame[(frame.code == data["code"]) & (frame.year == data["year"])].iloc[0]
        assert (row.total, row.grade) == (data["total"], data["grade"])
        for node in data["nodes"]:
            if len(node["path"]) <= 2:
                assert row[node["name"]] == node["score"], node["name"]
        assert row.execution_rate == data["metrics"]["execution_rate"]
        assert row.warnings == sum(1 for f in data["findings"] if f["level"] == "warning")
    indicators = perflib.portfolio_indicators(tmp_path, years=[2023])
    assert set(indicators.year) == {2023} and indicators.columns[:4].tolist() == ["code", "department", "year",
                                                                                 "framework"]
    assert len(indicators) == sum(len(evaluate(p).scorecard.indicators) for p in tmp_path.glob("demo-*/2023.yaml"))


# ---------------------------------------------------------------------- issue 23, item 13: one type per column


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portfolio: 12 departments × 3 years, and a year snapshot beside some."""
    root = tmp_path_factory.mktemp("demo")
    generate(root, frameworks_dir=FRAMEWORKS)
    return root


def _without_monthly(tmp_path: Path) -> perflib.Evaluation:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    del data["execution"]["monthly"]
    path = tmp_path / "baiyun-emergency" / "2023.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return evaluate(path)


#: (what, the frame from the demo folder and a scratch folder): every frame perflib returns, including ones
#: whose score columns are all empty (demo-culture 2024 has no self-score) and empty frames
FRAMES = {
    "indicators, no self-score": lambda d, t: evaluate(d / "demo-culture" / "2024.yaml").indicators_frame(),
    "nodes": lambda d, t: evaluate(d / "demo-water" / "2024.yaml").nodes_frame(),
    "findings": lambda d, t: evaluate(d / "demo-water" / "2024.yaml").findings_frame(),
    "budget": lambda d, t: evaluate(d / "demo-water" / "2024.yaml").budget_frame(),
    "monthly": lambda d, t: evaluate(d / "demo-water" / "2024.yaml").monthly_frame(),
    "monthly, empty": lambda d, t: _without_monthly(t).monthly_frame(),
    "portfolio": lambda d, t: perflib.portfolio(d),
    "portfolio indicators": lambda d, t: perflib.portfolio_indicators(d, years=[2024]),
    "portfolio findings": lambda d, t: perflib.portfolio_findings(d, departments=["demo-water"]),
    "indicators table, empty": lambda d, t: indicators_table([]),
    "compare": lambda d, t: perflib.compare(evaluate(d / "demo-water" / "2023.yaml"),
                                            evaluate(d / "demo-water" / "2024.yaml")),
    "summary": lambda d, t: summary_frame([Entry(p.parent.name, int(p.stem), "ok", summary=evaluate(p).to_dict())
                                           for p in sorted(d.glob("demo-w*/2024.yaml"))]),
    "summary, empty": lambda d, t: summary_frame([]),
}


@pytest.mark.parametrize("what", FRAMES)
def test_every_column_has_its_type_whatever_the_data(demo: Path, tmp_path: Path, what: str) -> None:
    frame = FRAMES[what](demo, tmp_path)
    for column, dtype in frame.dtypes.items():
        expected = COLUMN_TYPES.get(column)
        if column == "grade":
            assert dtype == pd.CategoricalDtype(GRADES, ordered=True), what
        elif expected is not None:
            assert str(dtype) == expected, (what, column, dtype)
        elif not column.isascii():  # the portfolio's node columns, named by the node: scores
            assert str(dtype) == "float64", (what, column, dtype)
    frame.select_dtypes("number").round(1)  # what an analyst does first


@pytest.mark.parametrize(("frame", "column"), [
    (lambda d: evaluate(d / "demo-culture" / "2024.yaml").indicators_frame(), "self_score"),  # no self-score at all
    (lambda d: perflib.portfolio_indicators(d, years=[2024]), "self_score"),  # object once frames are concatenated
    (lambda d: perflib.portfolio_indicators(d, departments=["demo-culture"], years=[2024]), "self_score"),
])
def test_an_empty_score_column_is_numeric(demo: Path, frame, column: str) -> None:
    values = frame(demo)[column]
    assert values.dtype == "float64" and values.round(1).isna().sum() == values.isna().sum()


def test_grade_is_ordered_best_last(demo: Path) -> None:
    frame = perflib.portfolio(demo)
    assert frame.grade.cat.categories.tolist() == ["差", "中", "良", "优"] and frame.grade.cat.ordered
    assert ((frame.grade > "良") == (frame.grade == "优")).all()
    assert frame.sort_values("grade").grade.drop_duplicates().tolist() == sorted(set(frame.grade),
                                                                               key=GRADES.index)


@pytest.mark.parametrize(("names", "expected"), [
    (["优", "良", "中", "差"], ["差", "中", "良", "优"]),
    (["优秀", "良好", "合格", "不合格"], ["不合格", "合格", "良好", "优秀"]),  # a framework of one's own: by its bands
])
def test_grades_are_in_the_order_of_their_bands(demo: Path, params_root: Path, names: list[str],
                                               expected: list[str]) -> None:
    fw = yaml.safe_load((params_root / "frameworks" / "guangzhou-department-overall.yaml").read_text(encoding="utf-8"))
    fw["id"] = "own-grades"
    for grade, name in zip(fw["grades"], names):
        grade["name"] = name
    (params_root / "frameworks" / "own-grades.yaml").write_text(yaml.safe_dump(fw, allow_unicode=True),
                                                                encoding="utf-8")
    for path in demo.glob("demo-*/2024.yaml"):  # the demo's departments, every grade, under that framework
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("stated", None)
        (params_root / path.parent.name).mkdir()
        (params_root / path.parent.name / path.name).write_text(
            yaml.safe_dump({**data, "framework": "own-grades"}, allow_unicode=True), encoding="utf-8")
    frame = perflib.portfolio(params_root)
    categories = frame.grade.cat.categories.tolist()
    assert frame.grade.cat.ordered and set(frame.grade) <= set(categories)
    assert categories == [n for n in expected if n in categories]
    assert frame.sort_values(["grade", "total"]).total.is_monotonic_increasing  # the bands, in order


@pytest.mark.parametrize("frame", [
    lambda d: perflib.portfolio(d),
    lambda d: perflib.portfolio_indicators(d),
    lambda d: perflib.portfolio_findings(d),
    lambda d: summary_frame([Entry("demo-water", 2024, "ok", summary=evaluate(d / "demo-water" / "2024.yaml")
                                   .to_dict()), Entry("broken", 2024, "failed")]),
])
def test_year_has_one_dtype_in_every_frame(demo: Path, frame) -> None:
    assert frame(demo).year.dtype == "int64"


@pytest.mark.parametrize("call", [perflib.portfolio, perflib.portfolio_indicators, perflib.portfolio_findings])
@pytest.mark.parametrize(("where", "kwargs", "says"), [
    ("nowhere", {}, "没有找到这个目录"),
    ("demo-water/2024.yaml", {}, "不是目录"),
    ("", {"departments": "demo-wter"}, r"没有找到所选的输入文件（部门 demo-wter）；该目录中有部门 demo-"),
    ("", {"years": 2030}, r"没有找到所选的输入文件（年度 2030）.*年度 2022、2023、2024"),
    ("demo-water", {}, "没有找到 <部门代码>/<年度>.yaml 输入文件"),  # a department's folder for the params folder
])
def test_a_folder_or_selection_with_nothing_in_it_is_an_error(demo: Path, call, where: str, kwargs: dict,
                                                              says: str) -> None:
    with pytest.raises(PerflibError, match=says):
        call(demo / where, **kwargs)


@pytest.mark.parametrize(("kwargs", "rows"), [
    ({"years": 2024}, {(c, 2024) for c in CODES}),
    ({"years": "2024"}, {(c, 2024) for c in CODES}),
    ({"years": np.int64(2024)}, {(c, 2024) for c in CODES}),  # as frame.year.max() gives it
    ({"years": [2023, 2024]}, {(c, y) for c in CODES for y in (2023, 2024)}),
    ({"departments": "demo-water"}, {("demo-water", y) for y in (2022, 2023, 2024)}),
    ({"departments": ["demo-water"], "years": 2022}, {("demo-water", 2022)}),
    ({"departments": ("demo-water", "demo-health"), "years": range(2022, 2023)}, {("demo-water", 2022),
                                                                                  ("demo-health", 2022)}),
])
def test_one_year_or_department_selects_as_a_list_of_one_does(demo: Path, kwargs: dict, rows: set) -> None:
    for call in (perflib.portfolio, perflib.portfolio_indicators):
        frame = call(demo, **kwargs)
        assert set(zip(frame.code, frame.year)) == rows, call


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"years": True}, "years: 应为年度（如 2024）或年度的列表，实际为 True"),
    ({"years": "二〇二四"}, "years: 应为年度"),
    ({"years": [2024, None]}, "实际为 None"),
    ({"years": 2024.0}, "实际为 2024.0"),
    ({"departments": 3}, "departments: 应为部门代码（如 demo-water）或部门代码的列表，实际为 3"),
    ({"departments": ["demo-water", b"demo-health"]}, "实际为 b'demo-health'"),
    ({"departments": {"demo-water": 1}}, "departments: 应为部门代码"),
])
def test_a_selection_that_is_not_years_or_codes_is_refused(demo: Path, kwargs: dict, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        perflib.portfolio(demo, **kwargs)


@pytest.mark.parametrize("what", FRAMES)
def test_chinese_labels_every_column(demo: Path, tmp_path: Path, what: str) -> None:
    frame = FRAMES[what](demo, tmp_path)
    labelled = chinese(frame).columns.tolist()
    assert not [c for c in labelled if c.isascii()], what  # every English column has its label
    assert len(set(labelled)) == len(labelled), what  # and no two the same


@pytest.mark.parametrize(("frame", "column", "label", "holds"), [
    (lambda d: evaluate(d / "demo-water" / "2024.yaml").nodes_frame(), "path", "指标路径", "履职效能 / "),
    (lambda d: perflib.compare(evaluate(d / "demo-water" / "2023.yaml"), evaluate(d / "demo-water" / "2024.yaml")),
     "path", "指标路径", "履职效能 / "),
    (lambda d: perflib.portfolio(d), "file", "文件", "2024.yaml"),
])
def test_a_column_name_means_one_thing(demo: Path, frame, column: str, label: str, holds: str) -> None:
    values = frame(demo)
    assert LABELS[column] == label and values[column].str.contains(holds, regex=False).any()


def test_compare_gives_a_finding_its_message(demo: Path) -> None:
    diff = perflib.compare(evaluate(demo / "demo-water" / "2023.yaml"), evaluate(demo / "demo-water" / "2024.yaml"))
    findings = diff[diff.kind == "finding"]
    assert len(findings) and (findings.message != "").all() and (findings.path == "").all()
    assert (diff[diff.kind != "finding"].message == "").all()


@pytest.mark.parametrize(("frame", "index", "columns"), [
    (lambda d: evaluate(d / "demo-water" / "2024.yaml").nodes_frame().set_index("path"), ["指标路径"], [None]),
    (lambda d: perflib.portfolio(d).groupby(["year", "grade"], observed=True)[["total"]].mean(), ["年度", "等级"],
     [None]),
    (lambda d: perflib.portfolio(d).pivot_table(index="code", columns="year", values="total"), ["部门代码"], ["年度"]),
])
def test_chinese_labels_the_axes_too(demo: Path, frame, index: list, columns: list) -> None:
    labelled = chinese(frame(demo))
    assert (labelled.index.names, labelled.columns.names) == (index, columns)


# ---------------------------------------------------------------------- issue 23, item 14: what-if says or refuses

WATER = "demo-water/2024.yaml"  # 监督检查问题整改率: numerator ÷ denominator, and the department's own score 6


@pytest.fixture(scope="module")
def water(demo: Path) -> perflib.Evaluation:
    ev = evaluate(demo / WATER)
    assert str(ev.total) == "79.82"
    return ev


@pytest.mark.parametrize(("changes", "says"), [
    ({"监督检查问题整改率": "95%"}, "indicators.监督检查问题整改率.actual: 该指标的实际完成值由分子 ÷ 分母算出（1923 ÷ 2774），改 actual 不会改变得分"),
    ({"投诉办结率": "99%"}, "indicators.投诉办结率.actual: 该指标的实际完成值由分子 ÷ 分母算出"),  # no self-score
    ({"投诉办结率": {"actual": "99%", "numerator": 1030}}, "由分子 ÷ 分母算出（1030 ÷ 1037）"),
    ({"监督检查问题整改率": {"numerator": 2700}}, "按部门自评得分 self_score（6.00 分）计分，改 numerator 不会改变得分"),
    ({"监督检查问题整改率": {"target": "≥95%", "weight": 7}}, "改 target、weight 不会改变得分"),
    ({"不发生重大水利工程安全责任事故": {"tier": "未达成"}}, "self_score（4.50 分）计分，改 tier 不会改变得分"),
])
def test_what_if_refuses_a_change_the_score_would_not_see(water, changes: dict, says: str) -> None:
    with pytest.raises(InputErrors, match=re.escape(says)) as info:
        water.what_if(changes)
    assert len(info.value.errors) == 1 and ("self_score" in str(info.value) or "numerator" in str(info.value))


@pytest.mark.parametrize(("changes", "name", "total", "rule_score"), [
    ({"监督检查问题整改率": {"self_score": 5}}, "监督检查问题整改率", "78.82", 4.62),
    ({"监督检查问题整改率": {"numerator": 1000, "self_score": None}}, "监督检查问题整改率", "76.22", 2.4),
    ({"监督检查问题整改率": {"numerator": 2700, "self_score": 6}}, "监督检查问题整改率", "79.82", 6.0),  # kept, said so
    ({"监督检查问题整改率": {"analysis": "已复核"}}, "监督检查问题整改率", "79.82", 4.62),  # not scored
    ({"投诉办结率": {"numerator": None, "denominator": None, "actual": "90%"}}, "投诉办结率", "79.66", 2.84),
])
def test_what_if_applies_a_change_that_says_what_becomes_of_the_own_score(water, changes: dict, name: str,
                                                                        total: str, rule_score: float) -> None:
    after = water.what_if(changes)
    assert str(after.total) == total
    assert after.indicators_frame().set_index("name").loc[name, "rule_score"] == rule_score


def test_what_if_refuses_new_deductions_of_a_leaf_scored_by_hand(water) -> None:
    scored = water.what_if({"财务管理合规性": {"score": 2}})
    with pytest.raises(InputErrors, match=re.escape("management.财务管理合规性.deductions: 该项按自评得分 score（2.00 分）计分")):
        scored.what_if({"财务管理合规性": {"deductions": []}})
    assert scored.what_if({"财务管理合规性": {"deductions": [], "score": None}}).total > scored.total


@pytest.mark.parametrize("call", [
    lambda path: evaluate(path),
    lambda path: evaluate(path, strict=True),
    lambda path: perflib.evaluation.load(path),
])
def test_evaluate_on_a_monitoring_snapshot_points_to_monitor(demo: Path, call) -> None:
    snapshot = demo / "demo-water" / "2024-06.yaml"
    with pytest.raises(InputErrors) as info:
        call(snapshot)
    assert str(info.value) == (f"{snapshot}: (文件): 这是绩效运行监控快照（<年度>-<月份>.yaml），不是年度自评输入文件："
                               "请用 monitor 读取（perflib.monitoring.monitor.monitor(路径)，或命令 perflib monitor 路径）")


def test_perflib_score_on_a_snapshot_says_monitor(demo: Path, capsys) -> None:
    from perflib.cli import main

    assert main(["score", str(demo / "demo-water" / "2024-06.yaml")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "perflib monitor" in err
