"""What a review needs of the year's monitoring snapshots (``<code>/<year>-<MM>.yaml``): per indicator, the
target it was monitored against, whether it was reported certain (确定能), and whether its forecast reached
the target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import PerflibError, TargetError
from ..inputs.schema import ParamsFile
from ..monitoring.snapshot import load_snapshot, snapshot_path
from ..scoring import methods
from ..scoring.targets import convert, parse


@dataclass(frozen=True)
class MidIndicator:
    name: str
    target: str | None  # the snapshot's own target, when it wrote one
    certain: bool  # 完成可能性: 确定能
    forecast: str | None
    forecast_meets: bool  # the forecast reaches the target (the snapshot's, else the year file's)


@dataclass(frozen=True)
class Midyear:
    path: Path
    month: int
    indicators: tuple[MidIndicator, ...]


def snapshots_of(year_file: Path, year: ParamsFile) -> tuple[tuple[Midyear, ...], dict[Path, str]]:
    """The monitoring snapshots beside ``year_file`` (months 1–11), and those that could not be read, with why."""
    found, failed = [], {}
    for month in range(1, 12):
        path = snapshot_path(year_file, month)
        if not path.is_file():
            continue
        try:
            snapshot, _ = load_snapshot(path)
        except PerflibError as exc:
            failed[path] = str(exc).splitlines()[0]
            continue
        targets = {i.name: i.target for i in year.indicators}
        found.append(Midyear(path, snapshot.month, tuple(
            MidIndicator(i.name, i.target, i.likely == "确定能", i.forecast,
                         _meets(i.forecast, i.target or targets.get(i.name)))
            for i in snapshot.indicators)))
    return tuple(found), failed


def _meets(forecast: str | None, target: str | None) -> bool:
    if not forecast or not target:
        return False
    try:
        value, goal = parse(forecast), parse(target)
    except TargetError:
        return False
    if goal.qualitative or len(value.parts) != len(goal.parts):
        return False
    for part, got in zip(goal.parts, value.parts):
        converted = convert(got.value, got.unit, part.unit)
        if converted is None:
            return False
        rule = methods.part_completion(part.op, converted, part.value, upper=part.upper)[1]
        if not methods.rule_met(rule, converted, part.value, part.upper):
            return False
    return True
