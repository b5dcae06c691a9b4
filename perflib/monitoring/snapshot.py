"""A monitoring snapshot: ``params/<code>/<year>-<MM>.yaml``, what a department reports at the end of month MM.

It sits beside the year's file (``<year>.yaml``), which may exist or not yet. Nothing is typed twice:
an indicator's annual target and category, and a fund's annual budget, come from the year file when it
has them, and are written in the snapshot only when it does not. Several snapshots (6 and 9, say) are
several files.

.. code-block:: yaml

    year: 2023
    month: 6
    rules: sichuan-2025          # the monitoring rules (params/monitoring/ or bundled)
    department: {code: baiyun-emergency, name: 广州市白云区应急管理局}
    budget:
      funds:
        - {type: 一般公共预算, spent: 1200.50}          # budget: from the year file's adjusted budget
    indicators:
      - name: 安全生产事故警示片制作期数                  # target and category from the year file
        to_date: 1 期                                     # 1–6 月完成值, as written
        likely: 确定能                                    # 完成目标可能性: 确定能 / 有可能 / 完全不可能
        forecast: 2 期                                    # 全年预计完成值 (optional)
        reason: 经费保障：……                              # 偏差原因 (a category and/or text)
        measures: ……                                      # 改进措施
    next_steps:                                           # 下一步工作 (optional), a paragraph each
      - 加快项目招标进度……

``budget.monthly`` (optional) gives the month-end cumulative spending of all funds for months 1–N, for
the curve against the rules' checkpoints; its last value is the funds' spending to date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..errors import InputError, InputErrors, Problems
from ..inputs.locate import FRAMEWORKS_DIR
from ..inputs.params import SNAPSHOT_FILE, year_file
from ..inputs.schema import CODE_PATTERN, Amount, Name, ParamsFile, _written
from ..inputs.validation import validate
from ..inputs.yamlio import load_yaml
from ..numbers import exact
from ..scoring.targets import convert
from .rules import RULES_DIR

DEFAULT_MONEY_UNIT = "万元"
LIKELY = ("确定能", "有可能", "完全不可能")
REASON_CATEGORIES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
Written = Annotated[str, BeforeValidator(_written), Field(min_length=1, max_length=500)]
Text = Annotated[str, Field(max_length=5000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Department(_Model):
    code: Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
    name: Name | None = None


class Fund(_Model):
    type: Name
    budget: Amount | None = None  # 全年预算数; from the year file's adjusted budget when omitted
    spent: Amount  # 1–N 月执行数


class KeyProject(_Model):
    name: Name
    budget: Amount | None = None
    spent: Amount


class Budget(_Model):
    funds: Annotated[list[Fund], Field(min_length=1)]
    key_projects: list[KeyProject] = []
    monthly: Annotated[list[Amount], Field(min_length=1, max_length=12)] | None = None  # 1–N 月各月末累计支出（合计）


class Indicator(_Model):
    name: Name
    target: Written | None = None  # the annual target, when the year file does not give it
    category: Name | None = None
    to_date: Written  # 1–N 月完成值 as written
    likely: Literal["确定能", "有可能", "完全不可能"] | None = None  # 完成目标可能性
    forecast: Written | None = None  # 全年预计完成值
    reason: Text | None = None  # 偏差原因
    measures: Text | None = None  # 改进措施


class Snapshot(_Model):
    schema_version: Literal[1] = 1
    department: Department
    year: Annotated[int, Field(ge=2000, le=2100)]
    month: Annotated[int, Field(ge=1, le=12)]
    rules: Annotated[str, Field(pattern=CODE_PATTERN, max_length=100)]
    money_unit: Literal["万元", "元"] | None = None
    budget: Budget
    indicators: Annotated[list[Indicator], Field(min_length=1)]
    next_steps: Annotated[list[Text], Field(max_length=50)] = []  # 下一步工作, a paragraph each


def money_unit(snapshot: Snapshot | None, year: ParamsFile | None) -> str:
    """The unit of every amount of a snapshot: its own ``money_unit``, else its year file's, else 万元."""
    if snapshot is not None and snapshot.money_unit:
        return snapshot.money_unit
    return year.money_unit if year is not None else DEFAULT_MONEY_UNIT


@dataclass(frozen=True)
class YearFigures:
    """What a snapshot takes from its year's file, in the snapshot's money unit (converted exactly, 万元 ↔ 元)."""

    unit: str
    budgets: dict[str, Decimal]  # fund type → 调整后预算
    projects: dict[str, Decimal]  # key project → 全年预算数
    spent: dict[str, Decimal]  # fund type → the year's spending, once the year file gives it


@exact
def year_figures(year: ParamsFile | None, unit: str) -> YearFigures:
    """The year file's budgets and spending in ``unit``: the one place a snapshot meets its year's amounts."""
    if year is None:
        return YearFigures(unit, {}, {}, {})

    def money(value: Decimal) -> Decimal:
        converted = convert(value, year.money_unit, unit)  # 万元 and 元 share a base: never None
        assert converted is not None
        return converted

    return YearFigures(unit, {f.type: money(f.adjusted) for f in year.budget.funds},
                       {p.name: money(p.budget) for p in year.key_projects},
                       {f.type: money(f.spent) for f in year.budget.funds if f.spent is not None})


def load_snapshot(path: str | Path) -> tuple[Snapshot, dict[tuple, int]]:
    """Read and check a snapshot file (schema, and the year and month against its name)."""
    path = Path(path)
    try:
        data, lines = load_yaml(path)
    except InputError as exc:  # one line naming the file
        raise InputErrors([exc]) from None
    snapshot = validate(Snapshot, data, path, lines)
    check_snapshot(snapshot, path, lines)
    return snapshot, lines


def check_snapshot(snapshot: Snapshot, path: Path, lines: dict[tuple, int] | None = None) -> None:
    """What the schema cannot say: year, month and code against the file's name and folder, one month-end
    figure per month, no indicator twice; raise InputErrors."""
    problems = Problems(path, lines)
    named = SNAPSHOT_FILE.match(path.stem)
    if named:
        if int(named[1]) != snapshot.year:
            problems.add(("year",), "年度与文件名不一致", expected=f"{named[1]}（文件名）", found=snapshot.year)
        if int(named[2]) != snapshot.month:
            problems.add(("month",), "月份与文件名不一致", expected=f"{int(named[2])}（文件名）", found=snapshot.month)
    if re.match(CODE_PATTERN, path.parent.name) and path.parent.name != snapshot.department.code:
        problems.add(("department", "code"), "部门代码与所在目录名不一致", expected=f"{path.parent.name}（目录名）",
                     found=snapshot.department.code)
    monthly = snapshot.budget.monthly
    if monthly is not None and len(monthly) != snapshot.month:
        problems.add(("budget", "monthly"), "月末累计支出的个数与月份不一致",
                     expected=f"1–{snapshot.month} 月各一个，共 {snapshot.month} 个", found=f"{len(monthly)} 个")
    seen: set[str] = set()
    for i, ind in enumerate(snapshot.indicators):
        if ind.name in seen:
            problems.add(("indicators", i, "name"), "指标重复填写", found=ind.name)
        seen.add(ind.name)
    problems.raise_if_any()


def year_file_of(snapshot: Path, year: int) -> Path:
    """The year file beside a snapshot: ``<code>/<year>-<MM>.yaml`` → ``<code>/<year>.yaml``."""
    return snapshot.with_name(f"{year}.yaml")


def snapshot_file(params_dir: str | Path, code: str, year: int, month: int) -> Path:
    """Where a snapshot is: ``<params_dir>/<code>/<year>-<MM>.yaml``."""
    return snapshot_path(year_file(params_dir, code, year), month)


def snapshot_path(year_file: Path, month: int) -> Path:
    """The snapshot of ``month`` beside a year file: ``<code>/<year>.yaml`` → ``<code>/<year>-<MM>.yaml``."""
    return year_file.with_name(f"{year_file.stem}-{month:02d}.yaml")


def snapshots(root: str | Path, *, departments: Sequence[str] = (), years: Sequence[int] = ()) -> list[
        tuple[Path, int, int]]:
    """Every snapshot ``<root>/<code>/<year>-<MM>.yaml`` as (path, year, month), sorted, optionally filtered by
    code and year."""
    found = []
    for path in sorted(Path(root).glob("*/*.yaml")):
        named = SNAPSHOT_FILE.match(path.stem)
        if not named or path.parent.name in (FRAMEWORKS_DIR, RULES_DIR):
            continue
        if (departments and path.parent.name not in departments) or (years and int(named[1]) not in years):
            continue
        found.append((path, int(named[1]), int(named[2])))
    return found
