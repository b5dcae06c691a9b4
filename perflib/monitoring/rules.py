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

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import InputError, InputErrors, line_of
from ..inputs.locate import DATA
from ..inputs.settings import load_settings
from ..inputs.validation import validate
from ..inputs.yamlio import load_yaml
from ..scoring import outcomes

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
    qualitative: dict[str, Light] = {}  # outcome (达成, 部分达成, 未达成: any word of the vocabulary) → light
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

    @field_validator("qualitative")
    @classmethod
    def _outcomes(cls, lights: dict[str, str]) -> dict[str, str]:
        """Keyed by outcome: a key is a word of the shared vocabulary (:mod:`perflib.scoring.outcomes`) —
        达成, or 达到, as the files of before wrote it — and names the outcome, not a word to look for."""
        out: dict[str, str] = {}
        for key, light in lights.items():
            outcome = outcomes.word(key)
            if outcome is None:
                raise ValueError(f"「{key}」不是完成情况的用语；应为 {'、'.join(outcomes.NAMES.values())}（或其同义词，如 达到）")
            if out.get(outcome, light) != light:
                raise ValueError(f"「{key}」与同义词的灯不同：{outcomes.NAMES[outcome]}只能对应一种灯")
            out[outcome] = light
        return out

    def read_qualitative(self, text: str, target: str | None = None) -> str:
        """The light of a qualitative statement to date against its target: the outcome it states in the
        shared vocabulary (:func:`perflib.scoring.outcomes.read` — 达到 or 达成, 未发生 against 不发生…), lit
        as ``qualitative`` says; grey when it states none."""
        return self.qualitative.get(outcomes.read(text, target) or "", "grey")

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


def default_rules(params_dir: Path) -> str | None:
    """The id of the workspace's own monitoring rules (``monitoring.rules`` of ``params/settings.yaml``), or
    None when it chooses none; :class:`InputErrors` naming the settings file when they cannot be found."""
    loaded = load_settings(params_dir)
    rules_id = loaded.settings.monitoring.rules
    folder = params_dir / RULES_DIR
    if rules_id is not None and find_rules(rules_id, folder) is None:
        raise InputErrors([InputError(loaded.path, "monitoring.rules", "找不到该监控规则",
                                      expected=f"以下之一：{'、'.join(available(folder))}", found=rules_id,
                                      line=line_of(loaded.lines, ("monitoring", "rules")))])
    return rules_id


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
