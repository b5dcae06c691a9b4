"""The project stands alone: pyproject and environment.yml agree, the README's commands exist, CI runs them."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        wanted |= {_name(r) for r in extra}
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    conda, pip = set(), []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
        else:
            conda.add(_name(dep))
    assert "-e ." in pip
    listed = (conda - {"python", "pip"}) | {_name(p) for p in pip if p != "-e ."}
    assert listed == wanted
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.replace(" ", "") == "python" + project["requires-python"].replace(" ", "")


def test_readme_quick_start_and_ci() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip() and not line.startswith("#")]
    assert commands == ["make run", "make test"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_outputs_hold_only_their_readme_in_git() -> None:
    ignore = (REPO / ".gitignore").read_text(encoding="utf-8")
    assert "/outputs/*" in ignore and "!/outputs/README.md" in ignore


def test_nothing_reads_outside_the_project() -> None:
    needle = ".." + "/shared"  # the workplace's reference folder: users clone the project without it
    for path in [*REPO.glob("perflib/**/*.py"), *REPO.glob("tests/**/*.py"), *REPO.glob("notebooks/*.ipynb"),
                 REPO / "Makefile", REPO / ".ci" / "run"]:
        if path.exists():
            assert needle not in path.read_text(encoding="utf-8"), path
