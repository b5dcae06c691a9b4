"""The labels of a filled-in form and their synonyms, as data (``perflib/data/intake/labels.yaml``).

:func:`norm` is how two labels are compared: full-width characters as half-width, no whitespace, no unit
note in brackets ("得分（分）" is 得分, "全年预算数（万元）" is 全年预算数), the quotes of either script alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LABELS_FILE = Path(__file__).resolve().parent.parent / "data" / "intake" / "labels.yaml"

_SPACE = re.compile(r"\s+")
_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def text(value: object) -> str:
    """A cell's value as text, stripped ('' for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def norm(value: object) -> str:
    """A label as compared: NFKC, no whitespace, no trailing bracketed note, one kind of quote."""
    if value is None:
        return ""
    return _norm(text(value))


@lru_cache(maxsize=65536)  # a form repeats its labels and headings on every row
def _norm(value: str) -> str:
    out = _SPACE.sub("", unicodedata.normalize("NFKC", value)).translate(_QUOTES)
    while True:
        stripped = _NOTE.sub("", out)
        if stripped == out or not stripped:
            return out
        out = stripped


@dataclass(frozen=True)
class Labels:
    columns: dict[str, tuple[str, ...]]
    funds: dict[str, tuple[str, ...]]
    totals: frozenset[str]
    part_prefixes: tuple[str, ...]
    fund_names: dict[str, str]
    header: dict[str, tuple[str, ...]]
    total_row: frozenset[str]
    grade: tuple[str, ...]
    goals: dict[str, tuple[str, ...]]
    not_applicable: frozenset[str]
    placeholders: tuple[re.Pattern, ...]
    category_hints: dict[str, tuple[str, ...]]


def _names(values) -> tuple[str, ...]:
    return tuple(norm(v) for v in values)


@lru_cache(maxsize=1)
def labels() -> Labels:
    raw = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    return Labels(
        columns={k: _names(v) for k, v in raw["columns"].items()},
        funds={k: _names(v) for k, v in raw["funds"].items()},
        totals=frozenset(_names(raw["totals"])),
        part_prefixes=tuple(raw["part_prefixes"]),
        fund_names={norm(k): v for k, v in raw["fund_names"].items()},
        header={k: _names(v) for k, v in raw["header"].items()},
        total_row=frozenset(_names(raw["total_row"])),
        grade=_names(raw["grade"]),
        goals={k: _names(v) for k, v in raw["goals"].items()},
        not_applicable=frozenset(norm(v) for v in raw["not_applicable"]),
        placeholders=tuple(re.compile(p) for p in raw["placeholders"]),
        category_hints={k: tuple(v) for k, v in raw["category_hints"].items()},
    )


def placeholder(value: object) -> bool:
    """Whether a name is a template's placeholder ("指标1：……", "……", "xxx")."""
    name = norm(value)
    return bool(name) and any(p.fullmatch(name) for p in labels().placeholders)


def not_applicable(value: object) -> bool:
    """Whether a cell says "does not apply" ("/", "无", "—")."""
    return norm(value) in labels().not_applicable
