"""The house: layers that import only downward, no circles, and a wheel that works outside the checkout."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from perflib import evaluate
from perflib.cli import main
from perflib.inputs.locate import BUNDLED_FRAMEWORKS, available, find_framework

from .conftest import EXAMPLE, REPO, dump

PACKAGE = REPO / "perflib"
#: The pipeline, bottom to top: a module may import from its own layer and the layers below.
LAYERS = (
    ("perflib.errors", "perflib.numbers", "perflib.text", "perflib.files", "perflib._version"),
    ("perflib.inputs",),
    ("perflib.scoring",),
    ("perflib.audit",),
    ("perflib.reviewer",),
    ("perflib.evaluation", "perflib.frames"),
    ("perflib.monitoring",),
    ("perflib.portfolios",),
    ("perflib.bureau",),
    ("perflib.present",),
    ("perflib.workbooks",),
    ("perflib.engine",),
    ("perflib.batch",),
    ("perflib.intake",),
    ("perflib.demo", "perflib.workspace", "perflib.cli", "perflib"),
)
#: The most modules perflib's top level may hold: the rest live in the rooms of the pipeline.
MAX_TOP_LEVEL = 12


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    for i, prefixes in enumerate(LAYERS):
        if any(module == p or (p != "perflib" and module.startswith(p + ".")) for p in prefixes):
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _imports(path: Path) -> set[str]:
    """Every perflib module ``path`` imports, at the top or inside a function."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("perflib")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            if not base.startswith("perflib"):
                continue
            for alias in node.names:  # `from . import charts` imports a module; `from .x import f` imports .x
                candidate = f"{base}.{alias.name}"
                known = (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists() or (
                    PACKAGE.parent / candidate.replace(".", "/")).is_dir()
                out.add(candidate if known else base)
    return out


GRAPH = {_module(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py")) if "data" not in p.relative_to(PACKAGE).parts}


def test_no_module_imports_from_a_layer_above_it() -> None:
    upward = [f"{m} ({_layer(m)}) → {i} ({_layer(i)})" for m, imports in GRAPH.items() for i in imports
              if _layer(i) > _layer(m)]
    assert not upward


def test_the_top_level_holds_at_most_a_dozen_modules() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_TOP_LEVEL, top


def test_no_import_circles() -> None:
    state: dict[str, int] = {}

    def visit(module: str, trail: tuple[str, ...]) -> None:
        state[module] = 1
        for dep in sorted(GRAPH.get(module, ())):
            if dep == module or dep not in GRAPH or dep == "perflib":
                continue
            assert state.get(dep) != 1, " → ".join((*trail, module, dep))
            if dep not in state:
                visit(dep, (*trail, module))
        state[module] = 2

    for module in GRAPH:
        if module not in state:
            visit(module, ())


def test_a_framework_is_found_in_the_params_folder_first_then_among_the_bundled(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    alone = tmp_path / "somewhere" / "baiyun-emergency" / "2023.yaml"  # no frameworks/ anywhere near
    alone.parent.mkdir(parents=True)
    alone.write_text(text, encoding="utf-8")
    assert str(evaluate(alone).total) == "91.88"
    assert evaluate(alone).framework.path == str(BUNDLED_FRAMEWORKS / "guangzhou-department-overall.yaml")
    own = tmp_path / "somewhere" / "frameworks" / "guangzhou-department-overall.yaml"
    own.parent.mkdir()
    own.write_text((BUNDLED_FRAMEWORKS / own.name).read_text(encoding="utf-8").replace(
        "name: 广州市部门整体支出绩效自评指标体系", "name: 本区修订的指标体系", 1), encoding="utf-8")
    assert evaluate(alone).framework.name == "本区修订的指标体系"
    assert find_framework("no-such-framework", own.parent) is None
    assert set(available(own.parent)) >= {"guangzhou-department-overall", "mof-project-self-evaluation"}


def test_an_unknown_framework_names_the_ones_there_are(write_params, example_data, capsys) -> None:
    example_data["framework"] = "shenzhen-2099"
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert "framework: 找不到该评价框架" in err and "guangzhou-department-overall" in err


def test_init_lays_out_a_workspace_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    root = tmp_path / "bureau"
    assert main(["init", str(root)]) == 0
    assert (root / "params" / "baiyun-emergency" / "2023.yaml").read_text(encoding="utf-8") == EXAMPLE.read_text(
        encoding="utf-8")
    assert (root / "notebooks" / "report.ipynb").is_file() and (root / "params" / "frameworks").is_dir()
    assert "perflib run" in (root / "README.md").read_text(encoding="utf-8")
    assert main(["score", str(root / "params" / "baiyun-emergency" / "2023.yaml")]) == 0
    # the monitoring rules are the bureau's choice: none is made for it (issue 23, item 7)
    settings = yaml.safe_load((root / "params" / "settings.yaml").read_text(encoding="utf-8"))
    assert settings == {"monitoring": {"rules": None}}
    assert main(["validate", str(root / "params")]) == 0
    assert main(["init", str(root)]) == 2
    assert "文件已存在" in capsys.readouterr().err


def test_run_defaults_come_from_the_batch_options() -> None:
    """Each option of the batch is declared once: the command line's defaults are RunOptions' own."""
    from perflib.batch import RunOptions
    from perflib.batch.options import Progress
    from perflib.cli import build_parser

    assert RunOptions.from_args(build_parser().parse_args(["run"])) == RunOptions()
    opts = RunOptions.from_args(build_parser().parse_args(
        ["run", "--quiet", "--no-overview", "--jobs", "3", "--department", "a-b", "--year", "2023", "--formats", "docx",
         "--engine", "cold", "--params", "p", "--frameworks", "fw"]))
    assert (opts.progress, opts.overview, opts.jobs, opts.departments, opts.years, opts.formats, opts.engine,
            opts.params_dir, opts.frameworks_dir) == (Progress.OFF, False, 3, ("a-b",), (2023,), ("html", "docx"),
                                                      "cold", Path("p"), Path("fw"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """perflib built as a wheel and installed (not editable) into a folder of its own."""
    target = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                           str(REPO)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return target


def _perflib(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(installed))  # ahead of the editable install of the checkout
    return subprocess.run([sys.executable, "-m", "perflib.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_an_installed_wheel_works_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    probe = subprocess.run([sys.executable, "-c", "import perflib; print(perflib.__file__)"], cwd=tmp_path,
                           env=dict(os.environ, PYTHONPATH=str(installed)), capture_output=True, text=True)
    assert probe.stdout.startswith(str(installed)), probe.stdout
    demo = _perflib(installed, tmp_path, "demo-data", "d")
    assert demo.returncode == 0, demo.stderr
    run = _perflib(installed, tmp_path, "run", "--params", "d", "--outputs", "o", "--department", "demo-water",
                   "--quiet")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "o" / "demo-water" / "2023" / "report.html").stat().st_size > 50_000
    imported = tmp_path / "imported" / "baiyun-emergency" / "2023.yaml"  # as excel-import --out imported writes
    imported.parent.mkdir(parents=True)
    imported.write_text(dump(__import__("yaml").safe_load(EXAMPLE.read_text(encoding="utf-8"))), encoding="utf-8")
    score = _perflib(installed, tmp_path, "score", str(imported), "--json")
    assert score.returncode == 0, score.stderr
    assert '"total": 91.88' in score.stdout
