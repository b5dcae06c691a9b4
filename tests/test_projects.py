"""Project self-evaluations (项目支出绩效自评) as units of their own: where their files are, what is refused,
how they are found (issue 25, item 5)."""

from __future__ import annotations

import copy
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
