"""Frameworks as data: the shipped ones load; malformed trees are rejected with the field named."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from perflib import InputErrors, evaluate
from perflib.scoring.frameworks import load_framework

from .conftest import FRAMEWORKS, dump

D = Decimal
GZ = FRAMEWORKS / "guangzhou-department-overall.yaml"
MOF = FRAMEWORKS / "mof-project-self-evaluation.yaml"


def test_guangzhou_structure() -> None:
    fw = load_framework(GZ)
    assert [(n.name, n.points) for n in fw.tree] == [("履职效能", 50), ("管理效率", 50)]
    assert [(c.name, c.points) for c in fw.tree[0].children] == [
        ("产出指标完成情况", 20), ("效益指标完成情况", 20), ("部门预算资金支出率", 10),
    ]
    groups = fw.tree[1].children
    assert [g.name for g in groups] == ["预算编制", "预算执行", "信息公开", "绩效管理", "采购管理", "资产管理", "运行成本"]
    assert sum(len(g.children) for g in groups) == 22


def test_mof_structure() -> None:
    fw = load_framework(MOF)
    assert [(n.name, n.points) for n in fw.tree] == [("预算执行率", 10), ("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)]


@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"), ("59.99", "差"), ("0", "差")],
)
def test_grade_bands(total: str, grade: str) -> None:
    assert load_framework(GZ).grade(D(total)) == grade


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "frameworks" / "custom.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(dump(data), encoding="utf-8")
    return path


@pytest.fixture
def gz_data() -> dict:
    return yaml.safe_load(GZ.read_text(encoding="utf-8"))


def _mut(fn):
    return fn


BROKEN = [
    ("children-do-not-add-up", lambda d: d["tree"][0]["children"][0].update(points=25), "tree[0].points", "下级合计 55"),
    ("first-level-not-total", lambda d: d.update(total=120), "total", "一级指标合计 100"),
    ("unknown-method", lambda d: d["tree"][0]["children"][2].update(method="magic"), "tree[0].children[2].method", "未知的计分方法「magic」"),
    ("unknown-param", lambda d: d["tree"][0]["children"][2]["params"].update(speed=1), "tree[0].children[2].params.speed", "没有参数"),
    ("unknown-strategy", lambda d: d["tree"][0]["children"][2]["params"].update(strategy="average"), "tree[0].children[2].params.strategy", "未知的执行率口径"),
    ("duplicate-name", lambda d: d["tree"][1]["children"][0]["children"][1].update(name="预算编制完整性"), "tree[1].children[0].children[1].name", "重复"),
    ("grades-order", lambda d: d.update(grades=[{"name": "差", "min": 0}, {"name": "优", "min": 90}]), "grades", "从高到低"),
    ("grades-no-zero", lambda d: d.update(grades=[{"name": "优", "min": 90}, {"name": "良", "min": 80}]), "grades", "下限须为 0"),
    ("undefined-category", lambda d: d["tree"][0]["children"][0].update(indicators=["投入"]), "tree[0].children[0].indicators[0]", "未在 categories 中定义"),
    ("two-shapes", lambda d: d["tree"][0]["children"][0].update(method="execution_rate"), "tree[0].children[0]", "只能有"),
    ("bad-bands", lambda d: d["tree"][0]["children"][2].update(method="banded", params={"metric": "execution_rate", "bands": [{"min": 90}]}), "tree[0].children[2].params.bands", "points 或 share"),
    ("indicator-method-on-leaf", lambda d: d["tree"][0]["children"][2].update(method="positive", params={}), "tree[0].children[2].method", "用于绩效指标"),
    ("missing-points", lambda d: d["tree"][0].pop("points"), "tree[0].points", "缺少必填字段"),
    ("bad-rounding", lambda d: d.update(rounding={"places": 2, "mode": "bankers"}), "rounding.mode", "half_up"),
]


@pytest.mark.parametrize(("mutate", "field", "fragment"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_framework_rejected(tmp_path: Path, gz_data: dict, mutate, field: str, fragment: str) -> None:
    mutate(gz_data)
    path = _write(tmp_path, gz_data)
    with pytest.raises(InputErrors) as info:
        load_framework(path)
    lines = str(info.value).splitlines()
    assert any(line.startswith(f"{path}: {field}: ") and fragment in line for line in lines), lines


def test_a_new_province_needs_only_a_file(params_root: Path, example_data: dict, write_params) -> None:
    """Describe another framework (投入/过程/产出效益 as in a Hunan sample) in data, score with it."""
    fw = {
        "id": "yueyang-sample",
        "name": "岳阳部门整体支出绩效评价（示意）",
        "total": 100,
        "grades": [{"name": "优", "min": 80}, {"name": "良", "min": 70}, {"name": "中", "min": 60}, {"name": "差", "min": 0}],
        "defaults": {"reverse": "ratio", "compound": "min"},
        "categories": {"产出": {"数量": "warning", "质量": "warning"}, "效益": {"社会效益": "warning", "生态效益": "info"}, "满意度": "info"},
        "tree": [
            {"name": "投入", "points": 15, "children": [
                {"name": "预算调整", "points": 5, "method": "banded",
                 "params": {"metric": "budget_adjustment_rate_abs", "bands": [{"max": 5, "points": 5}, {"max": 10, "points": 3}, {"points": 0}]}},
                {"name": "执行进度", "points": 10, "method": "execution_rate",
                 "params": {"strategy": "schedule", "schedule": {4: "25%", 6: "40%", 8: "60%", 10: "80%"}}},
            ]},
            {"name": "过程", "points": 40, "children": [
                {"name": "财务管理合规性", "points": 40, "input": "management"},
            ]},
            {"name": "产出效益", "points": 45, "indicators": ["产出", "效益", "满意度"]},
        ],
    }
    (params_root / "frameworks" / "yueyang-sample.yaml").write_text(dump(fw), encoding="utf-8")
    data = copy.deepcopy(example_data)
    data["framework"] = "yueyang-sample"
    data["management"] = [{"group": "过程", "name": "财务管理合规性", "deductions": [{"points": 3, "reason": "示例"}]}]
    data["stated"] = {}
    total_weight = sum(D(str(i["weight"])) for i in data["indicators"])
    for ind in data["indicators"]:  # rescale 40 points of indicators to 45
        ind["weight"] = float(D(str(ind["weight"])) * 45 / total_weight)
        if "self_score" in ind:
            ind["self_score"] = ind["weight"]
    ev = evaluate(write_params(data, code="baiyun-emergency", year=2023))
    assert ev.framework.id == "yueyang-sample"
    assert ev.scorecard.node("预算调整").score == 5  # |−4.28 %| ≤ 5 %
    assert ev.scorecard.node("财务管理合规性").score == 37
    # schedule strategy: months 4 and 6 behind (21.08/25, 38.48/40), 8 and 10 ahead
    rate = (D("1148.32") / D("5448.73") / D("0.25") + D("2096.45") / D("5448.73") / D("0.40") + 2) / 4
    assert ev.scorecard.node("执行进度").score == round(rate * 10, 2)
    assert ev.grade in ("优", "良")


def test_optional_node_gives_its_points(params_root: Path, example_data: dict, write_params) -> None:
    """MOF: without a satisfaction indicator its 10 points go to 产出/效益 as the weights say."""
    data = copy.deepcopy(example_data)
    data["framework"] = "mof-project-self-evaluation"
    data["management"], data["stated"] = [], {}
    data["indicators"] = [i for i in data["indicators"] if not i["category"].startswith("满意度")]
    produced = [i for i in data["indicators"] if i["category"].startswith("产出")]
    effects = [i for i in data["indicators"] if i["category"].startswith("效益")]
    for group, share in ((produced, 55), (effects, 35)):
        for ind in group:
            ind["weight"] = 0
        group[0]["weight"] = share - (len(group) - 1)
        for ind in group[1:]:
            ind["weight"] = 1
        for ind in group:
            if "self_score" in ind:
                ind["self_score"] = ind["weight"]
    ev = evaluate(write_params(data, code="baiyun-emergency", year=2023))
    assert ev.scorecard.node("满意度指标").max == 0
    assert (ev.scorecard.node("产出指标").max, ev.scorecard.node("效益指标").max) == (55, 35)
    assert ev.scorecard.node("预算执行率").score == D("9.85")  # year-end 98.54 % × 10
    assert sum(n.max for n in ev.scorecard.nodes) == 100
