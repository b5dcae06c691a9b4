"""What a review asks: the kinds of query, the evidence to ask for, weights and thresholds — as data.

``perflib/data/review.yaml`` ships the defaults; a bureau's own ``review.yaml`` in its params folder's
``frameworks/`` replaces them (the whole file, checked by the same model). The kinds are perflib's: a file
may rename them, change their evidence and weights, not add new ones (each kind is one check).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..errors import FrameworkError, InputErrors
from ..inputs.locate import DATA, FRAMEWORKS_DIR
from ..inputs.validation import validate
from ..inputs.yamlio import load_yaml

REVIEW_FILE = "review.yaml"
BUNDLED = DATA / REVIEW_FILE

#: Every kind of query, in the order a department's list shows them (perflib.bureau.checks makes each).
KINDS = ("finding", "unverifiable", "disagree", "results_ahead", "unspent", "zero_budget", "forecast_missed",
         "target_changed", "recurring")

Text = Annotated[str, Field(min_length=1, max_length=200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Kind(_Model):
    name: Text  # 疑点类别
    evidence: Text  # 佐证材料 to ask for
    weight: Annotated[Decimal, Field(ge=0, le=10)]


class Thresholds(_Model):
    results_ahead: Annotated[Decimal, Field(ge=0, le=100)] = Decimal(5)  # percentage points
    unspent: Annotated[Decimal, Field(ge=0, le=100)] = Decimal(20)  # % of the adjusted budget
    grade_flip_factor: Annotated[Decimal, Field(ge=1, le=10)] = Decimal(2)
    same_words: Annotated[int, Field(ge=2, le=50)] = 6  # 整改清单: characters in a row that make a mention


class FindingWeights(_Model):
    error: Annotated[Decimal, Field(ge=0, le=10)] = Decimal(1)
    warning: Annotated[Decimal, Field(ge=0, le=10)] = Decimal("0.6")
    codes: dict[str, Annotated[Decimal, Field(ge=0, le=10)]] = {}

    def of(self, code: str | None, severity: str | None) -> Decimal:
        if code is None:
            return Decimal(1)
        if code in self.codes:
            return self.codes[code]
        return self.error if severity == "error" else self.warning


class Settings(_Model):
    thresholds: Thresholds = Thresholds()
    stock_phrases: Annotated[list[Text], Field(max_length=500)] = []
    generic_words: Annotated[list[Text], Field(max_length=500)] = []  # not a stem of their own (同类指标)
    kinds: dict[str, Kind]
    finding_evidence: dict[str, Text] = {}
    finding_weights: FindingWeights = FindingWeights()

    def weight(self, kind: str, code: str | None = None, severity: str | None = None) -> Decimal:
        """A query's weight in the risk score: its kind's, times its audit code's (or level's) when it is a
        finding or a recurring one."""
        return self.kinds[kind].weight * self.finding_weights.of(code, severity)
    topic_words: dict[str, Annotated[list[Text], Field(max_length=100)]] = {}  # 整改清单: a topic's words

    def evidence(self, kind: str, topic: str | None = None) -> str:
        if kind == "finding" and topic in self.finding_evidence:
            return self.finding_evidence[topic]
        return self.kinds[kind].evidence


def settings_file(params_dir: str | Path | None) -> Path:
    """The review settings of a params folder: its ``frameworks/review.yaml`` when there is one, else bundled."""
    if params_dir is not None:
        own = Path(params_dir) / FRAMEWORKS_DIR / REVIEW_FILE
        if own.is_file():
            return own
    return BUNDLED


def load_settings(params_dir: str | Path | None = None) -> Settings:
    """The review settings for ``params_dir`` (see :func:`settings_file`); raise InputErrors naming the file and
    field of a problem, a kind missing or unknown among them."""
    path = settings_file(params_dir)
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, size: int) -> Settings:
    data, lines = load_yaml(path)
    settings = validate(Settings, data, path, lines)
    missing = [k for k in KINDS if k not in settings.kinds]
    unknown = [k for k in settings.kinds if k not in KINDS]
    if missing or unknown:
        raise InputErrors([FrameworkError(
            path, "kinds", "疑点类别须为 perflib 的各类，一类不少、不多",
            expected="、".join(KINDS),
            found="；".join(filter(None, (missing and f"缺少 {'、'.join(missing)}",
                                          unknown and f"未知 {'、'.join(unknown)}"))),
        )])
    return settings
