"""Reading a department-year's input file, ``params/<department-code>/<year>.yaml``, and finding them all."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError, InputErrors, PerflibError, Problems
from .locate import FRAMEWORKS_DIR
from .schema import CODE_PATTERN, ParamsFile
from .validation import validate
from .yamlio import load_yaml

#: A year file's name without .yaml: the year
YEAR_FILE = re.compile(r"^\d{4}$")
#: A monitoring snapshot's name without .yaml: the year and the month, ``2024-06`` (see monitoring.snapshot)
SNAPSHOT_FILE = re.compile(r"^(\d{4})-(\d{2})$")


def year_file(params_dir: str | Path, code: str, year: int) -> Path:
    """Where a department-year's input file is: ``<params_dir>/<code>/<year>.yaml``."""
    return Path(params_dir) / code / f"{year}.yaml"


def load_params(path: str | Path) -> tuple[ParamsFile, dict[tuple, int]]:
    """Read and validate a params file (schema only); raise :class:`InputErrors`, and refuse a monitoring
    snapshot (``<year>-<MM>.yaml``) in one line naming what reads it, rather than listing every field in
    which a snapshot differs from a year file."""
    path = Path(path)
    if SNAPSHOT_FILE.match(path.stem):
        raise InputErrors([InputError(
            path, (), "这是绩效运行监控快照（<年度>-<月份>.yaml），不是年度自评输入文件：请用 monitor 读取"
                      "（perflib.monitoring.monitor.monitor(路径)，或命令 perflib monitor 路径）")])
    try:
        data, lines = load_yaml(path)
    except InputError as exc:
        raise InputErrors([exc]) from None
    params = validate(ParamsFile, data, path, lines)
    problems = Problems(path, lines)
    if YEAR_FILE.match(path.stem):
        if path.stem != str(params.year):
            problems.add(("year",), "年度与文件名不一致", expected=f"{path.stem}（文件名）", found=params.year)
        if re.match(CODE_PATTERN, path.parent.name) and path.parent.name != params.department.code:
            problems.add(
                ("department", "code"), "部门代码与所在目录名不一致",
                expected=f"{path.parent.name}（目录名）", found=params.department.code,
            )
    problems.raise_if_any()
    return params, lines


def discover(root: str | Path, *, departments: list[str] | None = None, years: list[int] | None = None) -> list[Path]:
    """Every ``<root>/<code>/<year>.yaml``, sorted, optionally filtered by code and year; raise PerflibError
    when ``root`` is not a folder (a mistyped folder is not a folder without files)."""
    root = Path(root)
    if not root.is_dir():
        raise PerflibError(f"{root}: " + ("不是目录，应为输入目录 <部门代码>/<年度>.yaml 所在的目录" if root.exists()
                                          else "没有找到这个目录，应为输入目录 <部门代码>/<年度>.yaml 所在的目录"))
    found = []
    for path in sorted(root.glob("*/*.yaml")):
        if path.parent.name == FRAMEWORKS_DIR or not YEAR_FILE.match(path.stem):
            continue
        if departments and path.parent.name not in departments:
            continue
        if years and int(path.stem) not in years:
            continue
        found.append(path)
    return found
