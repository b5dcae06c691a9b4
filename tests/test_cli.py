"""The command line: exit codes and output forms."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from perflib.cli import main

from .conftest import REPO


def test_validate_default_is_params_dir(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    assert main(["validate"]) == 0
    err = capsys.readouterr().err
    assert "校验通过" in err


def test_validate_directory_and_frameworks(params_root: Path, example_data, write_params, capsys) -> None:
    write_params(example_data, code="baiyun-emergency", year=2023)
    assert main(["validate", str(params_root)]) == 0
    (params_root / "frameworks" / "broken.yaml").write_text("id: broken\nname: x\ntotal: 100\n", encoding="utf-8")
    assert main(["validate", str(params_root)]) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"{params_root / 'frameworks' / 'broken.yaml'}: ")


def test_validate_empty_dir(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "没有找到" in capsys.readouterr().err


def test_usage_error_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["score"])
    assert info.value.code == 2


def test_console_script_installed() -> None:
    """The `perflib` console script runs as a user would run it (no traceback on a user mistake)."""
    exe = Path(sys.executable).parent / "perflib"
    assert exe.exists(), "pip install -e . should install the perflib command"
    run = subprocess.run([str(exe), "score", "params/nope/2023.yaml"], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.strip() == "params/nope/2023.yaml: (文件): 文件不存在"


def test_validate_under_a_hidden_folder(tmp_path: Path, capsys) -> None:
    """Only dot-folders *inside* the tree are skipped, not the ones the tree lives in."""
    import shutil

    from .conftest import EXAMPLE, FRAMEWORKS

    root = tmp_path / ".cache" / "params"
    shutil.copytree(FRAMEWORKS, root / "frameworks")
    (root / "baiyun-emergency").mkdir()
    shutil.copyfile(EXAMPLE, root / "baiyun-emergency" / "2023.yaml")
    (root / ".git").mkdir()
    (root / ".git" / "junk.yaml").write_text("not: [valid", encoding="utf-8")
    assert main(["validate", str(root)]) == 0
    files = len(list(FRAMEWORKS.glob("*.yaml"))) + 1  # the frameworks and the example, not .git's junk
    assert f"{files} 个文件校验通过" in capsys.readouterr().err


def test_explain_shows_how_each_indicator_was_read_and_scored(capsys) -> None:
    from .conftest import EXAMPLE

    assert main(["score", str(EXAMPLE), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "② 委托专业技术机构" in out
    assert "完成率 = min(实际 ÷ 目标, 1) = min(32 ÷ 34, 1) = 0.9412" in out
    assert "得分 = 完成率 × 分值 = 0.9412 × 3.5 = 3.2941 → 3.29" in out
    assert "第 2 项：读作 目标 ≥ 13台，实际 12台" in out


def test_json_documents_every_field(capsys) -> None:
    import json
    import re

    from .conftest import EXAMPLE, REPO

    assert main(["score", str(EXAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    doc = (REPO / "docs" / "json.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)(?:\[\])?`", doc))
    keys = set(data) | set(data["metrics"]) | {k for n in data["nodes"] for k in n} | {
        k for i in data["indicators"] for k in i} | {k for i in data["indicators"] for p in i["parts"] for k in p} | {
        k for f in data["findings"] for k in f} | set(data["metrics"]["funds"][0]) | set(data["metrics"]["key_projects"][0])
    assert keys <= documented, keys - documented
    part = data["indicators"][3]["parts"][1]
    assert part == {"op": "≥", "target": 13.0, "upper": None, "unit": "台", "actual": 12.0, "rule": "positive",
                    "direction": "more", "completion": 92.31, "met": False}


@pytest.mark.parametrize(("settings", "problem"), [
    ("monitoring: {rules: sichuan-2025}\n", None),
    ("monitoring: {rules: null}\n", None),
    ("# 尚未设定\n", None),
    ("monitoring: {rules: mars}\n", "settings.yaml: monitoring.rules: 找不到该监控规则"),
    ("monitoring: {rules: Sichuan}\n", "settings.yaml: monitoring.rules: 代码格式不对"),
    ("monitor: {rules: shanxi}\n", "settings.yaml: monitor: 未知字段"),
])
def test_validate_checks_the_workspace_settings(params_root: Path, example_data, write_params, capsys,
                                               settings: str, problem: str | None) -> None:
    write_params(example_data, code="baiyun-emergency", year=2023)
    (params_root / "settings.yaml").write_text(settings, encoding="utf-8")
    assert main(["validate", str(params_root)]) == (2 if problem else 0)
    out = capsys.readouterr().out
    assert (problem or "") in out and (problem is not None) == bool(out), out
