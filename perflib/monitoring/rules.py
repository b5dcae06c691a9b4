"""Monitoring rules as data: how a province lights targets and spending at month N (绩效运行监控规则).

A rules file (``params/monitoring/<id>.yaml`` first, else one shipped in ``perflib/data/monitoring/``)
says how the value expected by month N is found (``linear``: the annual target × N/12; a rate — a unit
in ``level_units`` such as % — is expected at its target all year), the bands of progress (value to
date ÷ expected, in %) that give each light, how reverse and zero targets are lit, how qualitative
statements are read, the spending checkpoints by month and the allowed gap between spending progress
and target progress, and which lights must come with a reason and measures. A new province is a new
file, not code.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError, InputErrors
from ..inputs.locate import DATA
from ..inputs.validation import validate
from ..inputs.yamlio import load_yaml

RULES_DIR = "monitoring"
BUNDLED_RULES = DATA / "monitoring"
LIGHTS = ("red", "yellow", "green", "blue", "grey")
#: the lights that say "behind": a target or spending lit so lags, and is listed and warned of as lagging
BEHIND = ("red", "yellow")
#: how each light is written where colour may not print: a word and a symbol
LIGHT_NAMES = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "blue": "蓝灯", "grey": "未判定"}
LIGHT_SYMBOLS = {"red": "■", "yellow": "▲", "green": "●", "blue": "◆", "grey": "○"}
Light = Literal["red", "yellow", "green", "blue", "grey"]


def lamp(light: str) -> str:
    """A light as a symbol and a word, so that it survives grayscale printing: ■ 红灯."""
    return f"{LIGHT_SYMBOLS[light]} {LIGHT_NAMES[light]}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Model):
    below: Decimal | None = None  # progress (%) below this … (the last band has none: everything else)
    light: Light


class Spending(_Model):
    checkpoints: dict[Annotated[int, Field(ge=1, le=12)], Annotated[Decimal, Field(ge=0, le=100)]] = {}
    gap: Annotated[Decimal, Field(ge=0, le=100)] | None = None  # percentage points
    bands: Annotated[list[Band], Field(min_length=1)] | None = None  # of execution rate ÷ expected; the rules' own by default
    over_budget: Light = "red"  # spending above the annual budget: not "ahead", a warning of its own


class Rules(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=100)]
    name: str
    sources: list[str] = []
    expected: Literal["linear"] = "linear"
    level_units: list[str] = ["%", "‰"]  # rates: expected at the target itself, whatever the month
    bands: Annotated[list[Band], Field(min_length=1)]
    reverse: Literal["within"] = "within"
    qualitative: dict[str, Light] = {}
    spending: Spending = Spending()
    reason_required: list[Light] = ["red", "yellow"]

    def light(self, progress: Decimal | None, bands: list[Band] | None = None) -> str:
        """The light of a progress in % (value to date ÷ expected) in ``bands`` (the rules' own by default);
        grey when it cannot be computed."""
        if progress is None:
            return "grey"
        for band in bands or self.bands:
            if band.below is None or progress < band.below:
                return band.light
        return "grey"

    def spending_light(self, progress: Decimal | None, *, over: bool) -> str:
        """The light of spending — the one rule behind its light, its finding and the overview's list:
        ``over_budget``'s when above the annual budget, else the spending bands' (the rules' own unless
        ``spending.bands`` gives others) of its progress (execution rate ÷ the rate expected by month N, %)."""
        return self.spending.over_budget if over else self.light(progress, self.spending.bands)

    def read_qualitative(self, text: str) -> str:
        """The light of a qualitative statement to date ("部分达到" before "达到": the longest word that fits)."""
        for word in sorted(self.qualitative, key=len, reverse=True):
            if word in text:
                return self.qualitative[word]
        return "grey"

    def checkpoint(self, month: int) -> tuple[int, Decimal] | None:
        """The latest spending checkpoint at or before ``month``: (its month, the rate required, %)."""
        passed = [(m, rate) for m, rate in sorted(self.spending.checkpoints.items()) if m <= month]
        return passed[-1] if passed else None


def rules_dir_for(path: Path) -> Path:
    """The monitoring rules folder of a params tree laid out as ``<root>/<code>/<file>.yaml``."""
    return path.parent.parent / RULES_DIR


def find_rules(rules_id: str, rules_dir: Path | None) -> Path | None:
    for folder in [*([rules_dir] if rules_dir else []), BUNDLED_RULES]:
        candidate = folder / f"{rules_id}.yaml"
        if candidate.is_file():
            return candidate
    return None


def available(rules_dir: Path | None) -> list[str]:
    folders = [*([rules_dir] if rules_dir and rules_dir.is_dir() else []), BUNDLED_RULES]
    return sorted({p.stem for folder in folders for p in folder.glob("*.yaml")})


@lru_cache(maxsize=32)
def _load(path: str, mtime_ns: int) -> Rules:
    data, lines = load_yaml(path)
    rules = validate(Rules, data, path, lines)
    for where, bands in (("bands", rules.bands), ("spending.bands", rules.spending.bands or rules.bands)):
        if bands[-1].below is not None:
            raise InputErrors([InputError(path, where, "最后一档不能有 below：它收下其余的一切", found=str(bands[-1].below))])
    return rules


def load_rules(path: str | Path) -> Rules:
    path = Path(path)
    try:
        return _load(str(path), path.stat().st_mtime_ns)
    except InputError as exc:
        raise InputErrors([exc]) from None
    except FileNotFoundError:
        raise InputErrors([InputError(path, "(文件)", "监控规则文件不存在")]) from None
