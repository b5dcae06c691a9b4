"""The synthetic demo portfolio: plausible, labelled, varied, and the same every time."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from perflib import evaluate
from perflib.cli import main
from perflib.demo import generate

from .conftest import FRAMEWORKS


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("demo")
    paths = generate(root, frameworks_dir=FRAMEWORKS)
    return root, [evaluate(p) for p in paths]


def test_size_and_labels(demo) -> None:
    root, evs = demo
    assert len(evs) == 36 and len({ev.code for ev in evs}) == 12
    assert all(ev.params.synthetic for ev in evs)
    assert all(any(f.code == "SYNTHETIC_DATA" for f in ev.findings) for ev in evs)
    assert all("演示数据" in ev.title for ev in evs)


def test_every_grade_and_the_audit_tripped(demo) -> None:
    _, evs = demo
    assert set(Counter(ev.grade for ev in evs)) == {"优", "良", "中", "差"}
    codes = {f.code for ev in evs for f in ev.findings}
    for code in ("GRADE_OUT_OF_BAND", "BUDGET_SUM_MISMATCH", "RATE_MISMATCH", "SCORE_MISMATCH",
                 "MISSED_WITHOUT_ANALYSIS", "SELF_SCORE_DIFFERS", "INDICATOR_COUNT_MISMATCH",
                 "FIGURE_STATED_TWO_WAYS", "SPENDING_BACKLOADED", "TARGET_EXCEEDED", "CATEGORY_MISSING"):
        assert code in codes, code
    assert any(not r.met for ev in evs for r in ev.scorecard.indicators)


def test_seeded(tmp_path: Path, demo) -> None:
    root, _ = demo
    again = generate(tmp_path, frameworks_dir=FRAMEWORKS)
    for path in again:
        assert path.read_bytes() == (root / path.parent.name / path.name).read_bytes()
    other = generate(tmp_path / "other", seed=7, frameworks_dir=FRAMEWORKS)
    assert any(p.read_bytes() != (root / p.parent.name / p.name).read_bytes() for p in other)


def test_cli_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    assert main(["demo-data", str(tmp_path), "--frameworks", str(FRAMEWORKS)]) == 0
    assert main(["demo-data", str(tmp_path), "--frameworks", str(FRAMEWORKS)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["validate", str(tmp_path)]) == 0


def test_each_department_year_has_its_project_forms(demo, tmp_path: Path) -> None:
    """2–5 project forms per department-year under the MOF project framework, every one valid and labelled,
    a few weak: the rollups have every grade but 优 to show, and the same seed gives the same files."""
    from perflib.inputs.params import discover_projects, project_place

    root, evs = demo
    files = discover_projects(root)
    per = Counter(project_place(p) for p in files)
    assert set(per) == {(ev.code, ev.year) for ev in evs} and set(per.values()) <= {2, 3, 4, 5}
    projects = [evaluate(p) for p in files]
    assert all(ev.framework.kind == "project" and ev.params.synthetic and ev.project for ev in projects)
    assert all("演示数据" in ev.title and "项目支出绩效自评报告" in ev.title for ev in projects)
    assert {"优", "中", "差"} <= {ev.grade for ev in projects}
    generate(tmp_path, frameworks_dir=FRAMEWORKS)
    assert [p.read_bytes() for p in discover_projects(tmp_path)] == [p.read_bytes() for p in files]
    generate(tmp_path, seed=7, frameworks_dir=FRAMEWORKS)  # overwritten: no project of the first seed is left
    generate(tmp_path / "fresh", seed=7, frameworks_dir=FRAMEWORKS)
    assert ([p.relative_to(tmp_path) for p in discover_projects(tmp_path)]
            == [p.relative_to(tmp_path / "fresh") for p in discover_projects(tmp_path / "fresh")])
