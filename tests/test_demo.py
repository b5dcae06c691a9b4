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
