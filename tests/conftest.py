"""Shared fixtures: the worked example as data, and a scratch params/ tree to write variants into."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from perflib.inputs.locate import BUNDLED_FRAMEWORKS

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "params"
FRAMEWORKS = BUNDLED_FRAMEWORKS  # the frameworks that ship with perflib
EXAMPLE = PARAMS / "baiyun-emergency" / "2023.yaml"


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="session", autouse=True)
def _jupyter_runtime(tmp_path_factory: pytest.TempPathFactory):
    """Kernels started by the tests keep their connection and socket files in a scratch folder.

    Tests that kill workers and kernels on purpose leave those files behind: not in the developer's
    own Jupyter runtime folder. (Subprocesses inherit the variable.)
    """
    patch = pytest.MonkeyPatch()
    patch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path_factory.mktemp("jupyter-runtime")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def example_data_session() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def example_data(example_data_session: dict) -> dict:
    """The worked example as a plain dict, a fresh copy per test to mutate."""
    return copy.deepcopy(example_data_session)


@pytest.fixture
def params_root(tmp_path: Path) -> Path:
    """A scratch ``params/`` with the shipped frameworks."""
    root = tmp_path / "params"
    shutil.copytree(FRAMEWORKS, root / "frameworks")
    return root


@pytest.fixture
def write_params(params_root: Path) -> Callable[..., Path]:
    """Write a params dict (or raw text) as ``<root>/<code>/<year>.yaml`` and return its path."""

    def write(data: dict | None = None, *, code: str | None = None, year: int | str | None = None,
              text: str | None = None) -> Path:
        code = code or (data or {}).get("department", {}).get("code", "dept")
        year = year or (data or {}).get("year", 2023)
        path = params_root / str(code) / f"{year}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text is not None else dump(data or {}), encoding="utf-8")
        return path

    return write


# Hypothesis: the same examples on every run (CI must not flake); `--hypothesis-profile=explore` to search anew.
from hypothesis import settings  # noqa: E402

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=5000)
settings.load_profile("default")


def processes() -> dict[int, tuple[int, bytes]]:
    """Every process on the machine, by pid: its parent's pid and its command line (from /proc; a process
    that ends while read is left out)."""
    found: dict[int, tuple[int, bytes]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        found[int(proc.name)] = (ppid, cmd)
    return found


@pytest.fixture(scope="session")
def demo_portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic demo portfolio (``perflib demo-data``, default seed), generated once per test process for the
    tests that read it (the review, sampling, rectification): read it, never write into it."""
    from perflib.demo import generate

    root = tmp_path_factory.mktemp("demo-portfolio")
    generate(root, frameworks_dir=FRAMEWORKS)
    return root
