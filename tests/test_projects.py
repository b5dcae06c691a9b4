"""Project self-evaluations (项目支出绩效自评) as units of their own: where their files are, what is refused,
how they are found (issue 25, item 5)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from perflib import evaluate
from perflib.errors import InputErrors, PerflibError
from perflib.inputs.params import discover, discover_projects, load_params, project_file, project_place

from .conftest import dump

CODE = "baiyun-emergency"
NAME = "应急通信保障项目"


def project_data(example: dict, name: str = NAME, *, scale: float = 1.0) -> dict:
    """The worked example's indicators as a project's form under the MOF project framework (weights made to
    fit its 产出 50 / 效益 30 / 满意度 10); ``scale`` multiplies what was spent."""
    data = copy.deepcopy(example)
    data["framework"] = "mof-project-self-evaluation"
    data.pop("title", None)
    data["management"], data["stated"], data["key_projects"], data["standard"] = [], {}, [], {}
    data["project"] = {"name": name, "implementer": "区应急指挥中心"}
    for top, share in {"产出": 50, "效益": 30, "满意度": 10}.items():
        group = [i for i in data["indicators"] if i["category"].startswith(top)]
        for ind in group:
            ind["weight"] = 1
        group[0]["weight"] = share - (len(group) - 1)
        for ind in group:
            if "self_score" in ind:
                ind["self_score"] = ind["weight"]
    for fund in data["budget"]["funds"]:
        fund["spent"] = round(fund["spent"] * scale, 2)
    data.get("execution", {}).pop("monthly", None)
    return data


def write_project(root: Path, data: dict, *, code: str = CODE, year: int = 2023, name: str | None = None) -> Path:
    path = project_file(root, code, year, name or data["project"]["name"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(data), encoding="utf-8")
    return path


def test_a_project_form_in_its_place_evaluates_with_its_own_title(example_data: dict, params_root: Path) -> None:
    path = write_project(params_root, project_data(example_data))
    assert path == params_root / CODE / "projects" / "2023" / f"{NAME}.yaml"
    ev = evaluate(path)
    assert ev.project == NAME and ev.framework.kind == "project"
    assert ev.title == "2023 年度应急通信保障项目支出绩效自评报告"  # not "…项目项目…"
    other = write_project(params_root, project_data(example_data, "森林防火巡护"))
    assert evaluate(other).title == "2023 年度森林防火巡护项目支出绩效自评报告"
    assert project_place(path) == (CODE, 2023)
    assert project_place(params_root / CODE / "2023.yaml") is None


def _no_project(d: dict) -> None:
    del d["project"]


def _department_framework(d: dict) -> None:
    d["framework"] = "guangzhou-department-overall"


CASES = [  # (why, change to the data, where it is written (code, year folder), field, what the line says)
    ("no project: under projects/", _no_project, (CODE, 2023), "project", "须填写 project"),
    ("year differs from its folder", lambda d: d.update(year=2022), (CODE, 2023), "year", "年度与所在目录名不一致"),
    ("code differs from its folder", lambda d: None, ("other-dept", 2023), "department.code",
     "部门代码与所在目录名不一致"),
    ("a department's framework", _department_framework, (CODE, 2023), "framework", "须用项目类评价框架"),
]


@pytest.mark.parametrize(("why", "change", "where", "field", "says"), CASES, ids=[c[0] for c in CASES])
def test_what_a_project_form_must_say(example_data: dict, params_root: Path, why, change, where, field, says) -> None:
    data = project_data(example_data)
    change(data)
    path = write_project(params_root, data, code=where[0], year=where[1], name=NAME)
    with pytest.raises(InputErrors) as caught:
        evaluate(path)
    lines = [str(e) for e in caught.value.errors]
    assert any(f": {field}: " in line and says in line and str(path) in line for line in lines), lines
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize("name", ["bad name", "a.b", ".hidden"])
def test_a_project_file_is_named_by_a_key(example_data: dict, params_root: Path, name: str) -> None:
    path = params_root / CODE / "projects" / "2023" / f"{name}.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(dump(project_data(example_data)), encoding="utf-8")
    with pytest.raises(InputErrors, match="文件名不是有效的项目键"):
        load_params(path)


def test_a_department_year_file_is_not_a_project(example_data: dict, write_params) -> None:
    data = copy.deepcopy(example_data)
    data["project"] = {"name": NAME}
    with pytest.raises(InputErrors, match=r": project: 部门整体支出自评文件不应填写 project"):
        load_params(write_params(data))


def test_discovery_keeps_year_files_and_projects_apart(example_data: dict, params_root: Path, write_params) -> None:
    write_params(example_data)
    write_params({**example_data, "year": 2022}, year=2022)
    a = write_project(params_root, project_data(example_data, "乙项目"))
    b = write_project(params_root, project_data(example_data, "甲项目"))
    c = write_project(params_root, {**project_data(example_data), "year": 2022}, year=2022)
    d = write_project(params_root, {**project_data(example_data), "department": {**example_data["department"],
                                                                                  "code": "zz-dept"}}, code="zz-dept")
    (params_root / CODE / "projects" / "2023" / "notes.txt").write_text("x", encoding="utf-8")
    (params_root / CODE / "projects" / "misc").mkdir()
    (params_root / CODE / "projects" / "misc" / "x.yaml").write_text("x", encoding="utf-8")
    assert [p.name for p in discover(params_root)] == ["2022.yaml", "2023.yaml"]
    assert discover_projects(params_root) == [c, a, b, d]
    assert discover_projects(params_root, years=[2023]) == sorted([a, b, d])
    assert discover_projects(params_root, departments=[CODE], years=[2022]) == [c]
    assert discover_projects(params_root, departments=["nobody"]) == []
    with pytest.raises(PerflibError, match="没有找到这个目录"):
        discover_projects(params_root / "missing")


def test_validate_covers_project_files(example_data: dict, params_root: Path, write_params, capsys) -> None:
    from perflib.cli import main

    write_params(example_data)
    write_project(params_root, project_data(example_data))
    assert main(["validate", str(params_root)]) == 0
    bad = project_data(example_data, "乙项目")
    del bad["project"]
    write_project(params_root, bad, name="乙项目")
    assert main(["validate", str(params_root)]) == 2
    out = capsys.readouterr().out
    assert "乙项目.yaml: project: " in out


def test_a_project_files_framework_is_found_in_the_params_folder(example_data: dict, params_root: Path) -> None:
    """The params folder's frameworks/ (a bureau's amended one) is the project's too, three folders up."""
    own = params_root / "frameworks" / "mof-project-self-evaluation.yaml"
    own.write_text(own.read_text(encoding="utf-8").replace("name: 财政部项目支出绩效自评表",
                                                           "name: 本局项目支出绩效自评表"), encoding="utf-8")
    assert evaluate(write_project(params_root, project_data(example_data))).framework.name == "本局项目支出绩效自评表"


def test_a_linked_project_file_is_listed_and_refused_by_the_batch(example_data: dict, params_root: Path,
                                                                   tmp_path: Path) -> None:
    from perflib.batch.jobs import Evaluations, ProjectJob

    outside = tmp_path / "secret.yaml"
    outside.write_text(dump(project_data(example_data)), encoding="utf-8")
    link = params_root / CODE / "projects" / "2023" / f"{NAME}.yaml"
    link.parent.mkdir(parents=True)
    os.symlink(outside, link)
    assert discover_projects(params_root) == [link]
    with pytest.raises(InputErrors, match="输入目录之外的链接"):
        ProjectJob.of(link).check(Evaluations(params_root.resolve()))


# ---------------------------------------------------------------------- the batch


def _tree(root: Path, example: dict) -> Path:
    """A params folder: the worked example's department-year, two projects of it (one weak), one project
    form that does not validate."""
    import shutil

    from .conftest import EXAMPLE, FRAMEWORKS

    params = root / "params"
    shutil.copytree(FRAMEWORKS, params / "frameworks")
    (params / CODE).mkdir()
    shutil.copy(EXAMPLE, params / CODE / "2023.yaml")
    write_project(params, project_data(example))
    weak = project_data(example, "森林防火巡护", scale=0.5)
    for ind in weak["indicators"]:
        if ind["category"].startswith("效益") and "self_score" in ind:
            ind["self_score"] = 0
    write_project(params, weak)
    bad = project_data(example, "坏项目")
    del bad["project"]
    write_project(params, bad, name="坏项目")
    return params


def test_projects_without_rendering_are_scored_for_the_index_and_the_summary(example_data: dict,
                                                                              tmp_path: Path) -> None:
    from perflib.batch import RunOptions, run

    params = _tree(tmp_path, example_data)
    (params / CODE / "2023.yaml").unlink()  # only project forms: scored here, no worker or kernel started
    out = tmp_path / "outputs"
    report = run(RunOptions(params_dir=params, outputs_dir=out, departments=[CODE], progress=False, excel=False),
                 executor=object())  # an executor that would fail if it were used
    projects = {e.project: e for e in report.entries if e.kind == "project"}
    assert set(projects) == {"应急通信保障项目", "森林防火巡护", "坏项目"}
    assert projects["坏项目"].status == "failed" and "须填写 project" in projects["坏项目"].error
    good = projects["应急通信保障项目"]
    assert good.status == "ok" and not good.has_report and good.summary["project"] == "应急通信保障项目"
    assert not list((out / CODE / "2023").rglob("*.html"))
    again = run(RunOptions(params_dir=params, outputs_dir=out, departments=[CODE], progress=False, excel=False),
                executor=object())  # unchanged: not evaluated again (the bad form is: a failure is not kept)
    assert {e.project: e.status for e in again.entries} == {"应急通信保障项目": "skipped", "森林防火巡护": "skipped",
                                                            "坏项目": "failed"}
    assert "项目自评 3 份（失败 1，未变化跳过 2）" in again.line()
    assert {e.project: e.summary["total"] for e in again.entries if e.summary} == {
        k: e.summary["total"] for k, e in projects.items() if e.summary}
    assert "项目自评 3 份（失败 1）" in report.line()
    rows = (out / "summary-projects.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("部门代码,部门名称,年度,项目名称,实施单位,评价框架,调整后预算（万元）,支出（万元）")
    assert len(rows) == 4 and any(r.startswith(f"{CODE},,2023,坏项目,") for r in rows)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "项目：" in index and "已评分，未渲染报告" in index


def test_a_batch_renders_a_report_per_project_form_and_rolls_them_up(example_data: dict, tmp_path: Path) -> None:
    """One department with projects, ``--projects``: the project pages and their 自评表, the index's links under
    the department-year, the overview's section, the summaries and the frames (real notebooks)."""
    import lxml.html
    from openpyxl import load_workbook

    import perflib
    from perflib.batch import RunOptions, run
    from perflib.cli import main

    params = _tree(tmp_path, example_data)
    out = tmp_path / "outputs"
    code = main(["run", "--params", str(params), "--outputs", str(out), "--projects", "--quiet", "--jobs", "2",
                 "--engine", "cold"])
    assert code == 1  # the bad project form failed, alone
    folder = out / CODE / "2023" / "projects"
    assert sorted(p.name for p in folder.iterdir()) == ["应急通信保障项目", "森林防火巡护"]
    page = (folder / "应急通信保障项目" / "report.html").read_text(encoding="utf-8")
    assert "2023 年度应急通信保障项目支出绩效自评报告" in page and "一、项目基本情况" in page
    assert "主管部门为广州市白云区应急管理局，实施单位为区应急指挥中心" in page
    assert (folder / "应急通信保障项目" / "自评表.xlsx").is_file()
    assert (out / CODE / "2023" / "report.html").is_file()

    index = lxml.html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    rows = index.xpath("//table[contains(@class,'pf-index')]//tbody/tr")
    names = [r.xpath("string(td[1])").strip() for r in rows]
    assert names[0] == "项目：坏项目" or names[0].startswith("广州市白云区应急管理局")
    department_row = next(i for i, n in enumerate(names) if n == "广州市白云区应急管理局")
    under = names[department_row + 1:department_row + 4]
    assert under == ["项目：坏项目", "项目：应急通信保障项目", "项目：森林防火巡护"]
    links = index.xpath("//a/@href")
    assert f"{CODE}/2023/projects/应急通信保障项目/report.html" in links
    assert f"{CODE}/2023/projects/应急通信保障项目/自评表.xlsx" in links
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {p["key"]: p["status"] for p in manifest["projects"]} == {"坏项目": "failed", "应急通信保障项目": "ok",
                                                                     "森林防火巡护": "ok"}

    overview = (out / "overview-2023.html").read_text(encoding="utf-8")
    assert "项目支出绩效自评汇总" in overview and "森林防火巡护" in overview and "坏项目" in overview

    sheets = load_workbook(out / "summary.xlsx").sheetnames
    assert sheets[-2:] == ["项目", "项目汇总"]

    projects = perflib.projects_frame(params)
    assert list(projects.columns) == ["code", "department", "year", "project", "implementer", "framework",
                                      "budget_adjusted", "budget_spent", "execution_rate", "total", "grade",
                                      "findings", "main_finding", "error", "file"]
    assert projects.project.tolist() == ["坏项目", "应急通信保障项目", "森林防火巡护"]
    good, weak = projects.iloc[1], projects.iloc[2]
    assert weak.total < good.total and weak.budget_spent == pytest.approx(good.budget_spent / 2, abs=0.01)
    rolled = perflib.project_rollup(params)
    assert len(rolled) == 1
    r = rolled.iloc[0]
    assert (r.projects, r.invalid) == (3, 1)
    assert r.budget_adjusted == pytest.approx(good.budget_adjusted * 2, abs=0.01)
    assert r.min_total == weak.total and r.mean_total == pytest.approx((good.total + weak.total) / 2, abs=0.006)
    assert int(r[good.grade]) + int(r[weak.grade]) - (good.grade == weak.grade) * int(r[good.grade]) >= 1

    again = run(RunOptions(params_dir=params, outputs_dir=out, projects=True, progress=False, engine="cold"))
    assert {e.project: e.status for e in again.entries if e.kind == "project"} == {
        "坏项目": "failed", "应急通信保障项目": "skipped", "森林防火巡护": "skipped"}


def test_score_and_export_take_a_project_form(example_data: dict, params_root: Path, tmp_path: Path,
                                              capsys) -> None:
    from openpyxl import load_workbook

    from perflib.cli import main

    path = write_project(params_root, project_data(example_data))
    assert main(["score", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2023 年度应急通信保障项目支出绩效自评报告" in out and "项目：应急通信保障项目  实施单位：区应急指挥中心" in out
    form = tmp_path / "自评表.xlsx"
    assert main(["export", str(path), "--to", str(form)]) == 0
    assert load_workbook(form).active["A1"].value == "项目支出绩效自评表（2023 年度）"


def _row(code: str, project: str, total: float | None, grade: str | None, budget: float | None, spent: float | None,
         error: str | None = None) -> dict:
    return {"code": code, "department": f"{code}局", "year": 2023, "project": project, "total": total, "grade": grade,
            "budget_adjusted": budget, "budget_spent": spent, "error": error}


ROLLUPS = [  # (why, rows, expected rollup of the one department: projects, invalid, budget, spent, rate, mean, min)
    ("half-up mean of two decimals", [_row("a", "x", 90.01, "优", 100, 99), _row("a", "y", 80.00, "良", 50, 25)],
     (2, 0, 150.0, 124.0, 82.67, 85.01, 80.0)),  # 85.005 → 85.01, 124/150 = 82.666… → 82.67
    ("an invalid form counted, not summed", [_row("a", "x", 60.0, "中", 10, 5), _row("a", "bad", None, None, None, None,
                                                                                    "project: 须填写")],
     (2, 1, 10.0, 5.0, 50.0, 60.0, 60.0)),
    ("only invalid forms: nothing to average", [_row("a", "bad", None, None, None, None, "坏")],
     (1, 1, None, None, None, None, None)),
]


@pytest.mark.parametrize(("why", "rows", "expected"), ROLLUPS, ids=[c[0] for c in ROLLUPS])
def test_a_rollup_per_department_year(why, rows, expected) -> None:
    import math

    from perflib.portfolios import projects_table, rollup

    r = rollup(projects_table(rows)).iloc[0]
    got = (int(r.projects), int(r.invalid), r.budget_adjusted, r.budget_spent, r.execution_rate, r.mean_total,
           r.min_total)
    assert [None if isinstance(v, float) and math.isnan(v) else v for v in got] == list(expected)
    grades = [g for g in ("优", "良", "中", "差") for _ in range(int(r[g]))]
    assert sorted(grades) == sorted(row["grade"] for row in rows if row["grade"])


def test_main_finding_is_what_cost_most() -> None:
    from perflib.portfolios import main_finding

    findings = [{"level": "warning", "code": "CATEGORY_MISSING", "subject": "产出/质量", "message": "未设置质量指标"},
                {"level": "info", "code": "TARGET_MISSED", "subject": "甲", "message": "甲未达到目标"},
                {"level": "info", "code": "TARGET_MISSED", "subject": "乙", "message": "乙未达到目标"}]
    indicators = [{"name": "甲", "weight": 10, "score": 8}, {"name": "乙", "weight": 20, "score": 5}]
    assert main_finding({"findings": findings, "indicators": indicators}) == "乙未达到目标"
    assert main_finding({"findings": findings, "indicators": []}) == "未设置质量指标"
    error = {"level": "error", "code": "X", "subject": "", "message": "表上空白"}
    assert main_finding({"findings": [*findings, error], "indicators": indicators}) == "表上空白"
    assert main_finding({"findings": [], "indicators": indicators}) == ""


REFUSED = [  # (why, department folder, file name, what the batch says)
    ("a department folder that is not a code", "Bad Dept", f"{NAME}.yaml", "目录名不是有效的部门代码"),
    ("a file name that is not a key", CODE, "a<b>.yaml", "文件名不是有效的项目键"),
    ("a file name with a quote", CODE, "x'y.yaml", "文件名不是有效的项目键"),
]


@pytest.mark.parametrize(("why", "folder", "name", "says"), REFUSED, ids=[c[0] for c in REFUSED])
def test_the_batch_refuses_what_would_reach_a_path_or_a_link(example_data: dict, params_root: Path, why, folder,
                                                              name, says) -> None:
    from perflib.batch.jobs import Evaluations, ProjectJob

    path = params_root / folder / "projects" / "2023" / name
    path.parent.mkdir(parents=True)
    path.write_text(dump(project_data(example_data)), encoding="utf-8")
    assert path in discover_projects(params_root)
    with pytest.raises(InputErrors, match=says):
        ProjectJob.of(path).check(Evaluations(params_root.resolve()))


def test_a_project_reports_word_cover_names_the_project(example_data: dict, params_root: Path) -> None:
    from perflib.present.word import report_cover

    rows = dict(report_cover(evaluate(write_project(params_root, project_data(example_data)))))
    assert (rows["项目名称"], rows["主管部门"], rows["实施单位"]) == (NAME, "广州市白云区应急管理局", "区应急指挥中心")
    assert "部门名称" not in rows
