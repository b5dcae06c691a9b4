"""What a review needs of the year's monitoring snapshots (``<code>/<year>-<MM>.yaml``): per indicator, the
target it was monitored against, whether it was reported certain (确定能), and whether its forecast reached
the target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import PerflibError
from ..inputs.schema import ParamsFile
from ..monitoring.monitor import forecast_reaches
from ..monitoring.snapshot import load_snapshot, snapshot_path


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
    """Whether ``forecast`` reaches every part of ``target`` (by the targets' operators)."""
    reached = forecast_reaches(forecast, target) if forecast and target else None
    return reached is not None and all(met is True for _, met in reached)
