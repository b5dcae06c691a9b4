"""Reading an input file and finding them all: a department-year's, ``params/<department-code>/<year>.yaml``,
and a project self-evaluation's, ``params/<department-code>/projects/<year>/<project key>.yaml``.

A department has one 部门整体支出绩效自评 a year and many 项目支出绩效自评: each project's form is a file of
its own, named by the project (:func:`project_key`), in the folder of its department and year. What the
location says must be what the file says: the year, the department's code, and whether it is a project's
(``project:``) or the department's own (no ``project:``). A project's framework is one of kind ``project``
(checked where the framework is read, :func:`perflib.evaluation.load`)."""

from __future__ import annotations

import glob
import re
from pathlib import Path

from ..errors import InputError, InputErrors, PerflibError, Problems
from .locate import FRAMEWORKS_DIR, PROJECTS_DIR
from .schema import CODE_PATTERN, ParamsFile
from .validation import validate
from .yamlio import load_yaml

#: A year file's name without .yaml: the year
YEAR_FILE = re.compile(r"^\d{4}$")
#: A monitoring snapshot's name without .yaml: the year and the month, ``2024-06`` (see monitoring.snapshot)
SNAPSHOT_FILE = re.compile(r"^(\d{4})-(\d{2})$")

#: What a project key keeps of a project's name: letters (any script, so 中文 stays), digits, - _ ( ) （ ）
_KEY_DROP = re.compile(r"[^\w\-()（）]+")
KEY_LENGTH = 60


def project_key(name: str) -> str:
    """The file name (without .yaml) of a project's input: its 项目名称 with whatever a file name or a link
    should not hold (slashes, quotes, spaces, dots, angle brackets …) turned into "-", at most
    :data:`KEY_LENGTH` characters. "防汛抗旱/应急 (2024)" → "防汛抗旱-应急-(2024)". ValueError when nothing is left."""
    key = _KEY_DROP.sub("-", name.strip()).strip("-_")[:KEY_LENGTH].strip("-_")
    if not key:
        raise ValueError(f"项目名称「{name}」中没有可用作文件名的文字")
    return key


def project_file(params_dir: str | Path, code: str, year: int, name: str) -> Path:
    """Where a project self-evaluation's input file is: ``<params_dir>/<code>/projects/<year>/<key>.yaml``,
    the key made of the project's name by :func:`project_key`."""
    return Path(params_dir) / code / PROJECTS_DIR / str(year) / f"{project_key(name)}.yaml"


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
    place = project_place(path)
    if place is not None:
        _check_project_place(params, path, place, problems)
    elif YEAR_FILE.match(path.stem):
        if path.stem != str(params.year):
            problems.add(("year",), "年度与文件名不一致", expected=f"{path.stem}（文件名）", found=params.year)
        _check_code(params, path.parent.name, problems)
        if params.project is not None:
            problems.add(("project",), "部门整体支出自评文件不应填写 project；项目支出绩效自评应放在 "
                         f"{PROJECTS_DIR}/<年度>/<项目>.yaml", expected="（不填写）", found=params.project.name)
    problems.raise_if_any()
    return params, lines


def project_place(path: str | Path) -> tuple[str, int] | None:
    """(department folder, year folder) of a file laid out as a project's, ``<code>/projects/<year>/<key>.yaml``;
    None for any other file."""
    path = Path(path)
    if len(path.parents) < 3 or path.parent.parent.name != PROJECTS_DIR or not YEAR_FILE.match(path.parent.name):
        return None
    return path.parents[2].name, int(path.parent.name)


def earlier_projects(path: Path, year: int) -> list[Path]:
    """The files of the same project (same key) in the years before ``year``, by year, beside ``path``
    (``<code>/projects/<year>/<key>.yaml``)."""
    return sorted(p for p in path.parents[1].glob(f"*/{glob.escape(path.name)}")
                  if YEAR_FILE.match(p.parent.name) and int(p.parent.name) < year)


def _check_code(params: ParamsFile, folder: str, problems: Problems) -> None:
    if re.match(CODE_PATTERN, folder) and folder != params.department.code:
        problems.add(("department", "code"), "部门代码与所在目录名不一致", expected=f"{folder}（目录名）",
                     found=params.department.code)


def _check_project_place(params: ParamsFile, path: Path, place: tuple[str, int], problems: Problems) -> None:
    """A project's file: it says it is a project's, of its folder's year and department, and is named by a key."""
    folder, year = place
    if params.project is None:
        problems.add(("project",), f"{PROJECTS_DIR}/ 下的文件是项目支出绩效自评，须填写 project",
                     expected="project: {name: 项目名称, implementer: 实施单位}", found="（未填写）")
    if params.year != year:
        problems.add(("year",), "年度与所在目录名不一致", expected=f"{year}（目录名）", found=params.year)
    _check_code(params, folder, problems)
    try:
        key = project_key(path.stem)
    except ValueError:
        key = ""
    if key != path.stem:
        problems.add(("(文件名)",), "文件名不是有效的项目键（字母、汉字、数字、- _ ( )，至多 "
                     f"{KEY_LENGTH} 个字符）", expected=f"{key or '项目名称'}.yaml", found=path.name)


def before_year_end(params: ParamsFile) -> bool:
    """Whether a year file is still the year's plan: its targets and budgets, nothing spent yet (no fund or key
    project says what was spent). Such a file is input for monitoring, not yet for the year-end evaluation."""
    return all(f.spent is None for f in params.budget.funds) and all(p.spent is None for p in params.key_projects)


def unspent(params: ParamsFile, path: str | Path, lines: dict[tuple, int] | None = None) -> None:
    """Raise :class:`InputErrors` naming every fund and key project whose spending the year-end evaluation
    needs and the file does not give."""
    problems = Problems(path, lines)
    reason = "年度自评须填写支出（实际支出）；未填支出的年度文件只能用于绩效运行监控"
    for i, fund in enumerate(params.budget.funds):
        if fund.spent is None:
            problems.add(("budget", "funds", i, "spent"), reason)
    for i, project in enumerate(params.key_projects):
        if project.spent is None:
            problems.add(("key_projects", i, "spent"), reason)
    problems.raise_if_any()


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


def discover_projects(root: str | Path, *, departments: list[str] | None = None,
                      years: list[int] | None = None) -> list[Path]:
    """Every project self-evaluation ``<root>/<code>/projects/<year>/<key>.yaml``, sorted by code, year and
    key, optionally filtered by code and year; raise PerflibError when ``root`` is not a folder. Like
    :func:`discover`, it only lists: whether a file is inside the params folder (not a link leading out),
    under a folder named by a code and named by a key is checked where the file is read."""
    root = Path(root)
    if not root.is_dir():
        raise PerflibError(f"{root}: " + ("不是目录，应为输入目录" if root.exists() else "没有找到这个目录，应为输入目录"))
    found = []
    for path in sorted(root.glob(f"*/{PROJECTS_DIR}/*/*.yaml")):
        code, year = path.parents[2].name, path.parent.name
        if code == FRAMEWORKS_DIR or not YEAR_FILE.match(year) or not path.is_file():
            continue
        if departments and code not in departments:
            continue
        if years and int(year) not in years:
            continue
        found.append(path)
    return found
