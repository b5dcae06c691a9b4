"""Scoring methods (计分方法): how a leaf's points follow from what was achieved.

Notation as in the rules: A the actual value (实际完成值), T the target (指标值), W the leaf's points
(分值). Each function returns the *completion* c in [0, 1]; the leaf earns c × W, rounded by the
framework's rule. Over-completion never earns more than W.

Sources (see docs/scoring-rules.md):

* positive (正向): A ≥ T → W, else A / T × W — 财预〔2020〕10号 "未完成指标值的，按照完成值与
  指标值的比例记分", and production 预算绩效 system configuration.
* reverse (反向): A ≤ T → W; linear rule T < A < 2T → (1 − (A − T) / T) × W, A ≥ 2T → 0
  (production configuration); the ratio rule T / A × W used by some localities.
* zero target (零目标, "败诉率 = 0", "不发生…"): A ≤ 0 → W, else 0.
* qualitative (定性): the analyst picks a tier and a score; the score must lie in the tier's band
  (达成 80–100 %, 部分达成 60–80 %, 未达成 0–60 %, lower edges inclusive).
* deduction (扣分制): W minus the deductions, floored at 0 ("扣完为止").
* banded (分档): the first band whose lower edge the value reaches.
* execution rate (支出率): rate × W, the rate capped at 100 %.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..numbers import ONE, ZERO
from . import outcomes
from .targets import BETWEEN, EQ, GE, GT, LE, LT


def positive(actual: Decimal, target: Decimal) -> Decimal:
    """正向指标: 1 when A ≥ T, else A / T (never below 0); below a target of 0 or less — a ratio means
    nothing there — 0, so that the score and "missed" agree."""
    if actual >= target:
        return ONE
    if target <= 0:
        return ZERO
    return max(actual / target, ZERO)


def reverse_linear(actual: Decimal, target: Decimal) -> Decimal:
    """反向指标 (linear): 1 when A ≤ T, falling linearly to 0 at A = 2T."""
    if actual <= target:
        return ONE
    if target <= 0:
        return ZERO
    return max(ONE - (actual - target) / target, ZERO)


def reverse_ratio(actual: Decimal, target: Decimal) -> Decimal:
    """反向指标 (ratio): 1 when A ≤ T, else T / A."""
    if actual <= target:
        return ONE
    if target <= 0:
        return ZERO
    return target / actual


def zero_target(actual: Decimal, target: Decimal = ZERO) -> Decimal:
    """零目标 ("= 0", "不发生"): 1 when A ≤ 0, else 0."""
    return ONE if actual <= 0 else ZERO


def in_range(actual: Decimal, lower: Decimal, upper: Decimal, *, reverse: str = "linear") -> Decimal:
    """区间目标: 1 inside [lower, upper]; positive rule below, reverse rule above."""
    if actual < lower:
        return positive(actual, lower)
    if actual > upper:
        return REVERSE_RULES[reverse](actual, upper)
    return ONE


REVERSE_RULES: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "linear": reverse_linear,
    "ratio": reverse_ratio,
}


def part_completion(
    op: str,
    actual: Decimal,
    target: Decimal,
    *,
    upper: Decimal | None = None,
    method: str = "auto",
    reverse: str = "linear",
) -> tuple[Decimal, str]:
    """Completion of one comparison and the name of the rule applied.

    With ``method="auto"`` the rule follows the operator: ≥, > and "= T" (T > 0) are positive;
    ≤ and < are reverse; "= 0" and "≤ 0" are zero targets; a range uses :func:`in_range`.
    """
    if method == "auto":
        if op == BETWEEN:
            method = "range"
        elif op in (LE, LT, EQ) and target == 0:
            method = "zero_target"
        elif op in (LE, LT):
            method = "reverse"
        else:
            method = "positive"
    if method in ("positive", "equal"):
        return positive(actual, target), "positive"
    if method == "reverse":
        return REVERSE_RULES[reverse](actual, target), f"reverse_{reverse}"
    if method in ("reverse_linear", "reverse_ratio"):
        return REVERSE_RULES[method.split("_")[1]](actual, target), method
    if method == "zero_target":
        return zero_target(actual), "zero_target"
    if method == "range":
        if upper is None:
            raise ValueError("a range needs an upper bound")
        return in_range(actual, target, upper, reverse=reverse), "range"
    raise ValueError(f"unknown indicator method {method!r}")


def combine(completions: Sequence[Decimal], how: str = "mean") -> Decimal:
    """Completion of a compound target ("≥26 次、≥13 台") from its parts' completions."""
    if not completions:
        raise ValueError("no parts to combine")
    if how == "mean":
        return sum(completions, ZERO) / len(completions)
    if how == "min":
        return min(completions)
    raise ValueError(f"unknown compound rule {how!r}")


#: The direction of each rule part_completion applies: what "met" means under it.
DIRECTIONS = {"positive": "more", "reverse_linear": "less", "reverse_ratio": "less", "zero_target": "zero",
              "range": "range"}


def rule_met(rule: str, actual: Decimal, target: Decimal, upper: Decimal | None = None) -> bool:
    """Whether ``actual`` meets ``target`` under the rule that scored it (see :func:`part_completion`).

    One direction for everything: the rule — from the operator, the input's method or the framework's —
    decides the score, met or missed, and which way "exceeded" points. Equality is met.
    """
    direction = DIRECTIONS[rule]
    if direction == "more":
        return actual >= target
    if direction == "less":
        return actual <= target
    if direction == "zero":
        return actual <= 0
    return target <= actual <= (upper if upper is not None else actual)


def met(op: str, actual: Decimal, target: Decimal, upper: Decimal | None = None) -> bool:
    """Whether ``actual`` meets the comparison as written (≥ counts equality as met, as do > and <)."""
    if op == BETWEEN:
        return target <= actual <= (upper if upper is not None else actual)
    if op in (GE, GT):
        return actual >= target
    if op in (LE, LT):
        return actual <= target
    if op == EQ:
        return actual <= 0 if target == 0 else actual >= target
    raise ValueError(op)


# ---------------------------------------------------------------- qualitative tiers


@dataclass(frozen=True)
class Tier:
    """A qualitative tier (定性档次) and the band of the leaf's points it allows."""

    name: str
    low: Decimal  # share of W, inclusive
    high: Decimal  # share of W; inclusive only for the top tier
    aliases: tuple[str, ...] = ()

    def admits(self, share: Decimal) -> bool:
        return self.low <= share <= self.high if self.high >= ONE else self.low <= share < self.high

    @property
    def outcome(self) -> str:
        """What the tier says of the target (:mod:`.outcomes`), by its band: from 80 % of the points up it
        was met (达成), from 0 not met (未达成), in between partly (部分达成)."""
        if self.low >= MET_SHARE:
            return outcomes.MET
        return outcomes.NOT_MET if self.low <= ZERO else outcomes.PARTLY


#: the lowest share of a qualitative indicator's points whose tier says its target was met (达成: 80–100 %)
MET_SHARE = Decimal("0.8")


DEFAULT_TIERS = (
    Tier("达成年度指标", Decimal("0.8"), ONE, ("达成", "完成", "全部达成")),
    Tier("部分达成年度指标并具有一定效果", Decimal("0.6"), Decimal("0.8"), ("部分达成", "基本达成")),
    Tier("未达成年度指标且效果较差", ZERO, Decimal("0.6"), ("未达成", "未完成")),
)


def find_tier(name: str, tiers: Iterable[Tier] = DEFAULT_TIERS, *, target: str | None = None) -> Tier | None:
    """The tier called ``name`` — its full name or one of its aliases — or, failing that, the tier of the
    outcome ``name`` states in the shared vocabulary (:func:`.outcomes.read`: 已达成, 达到, or 未发生 against a
    ``target`` that forbids it)."""
    tiers = tuple(tiers)
    for tier in tiers:
        if name == tier.name or name in tier.aliases:
            return tier
    return tier_of(outcomes.read(name, target), tiers)


def tier_of(outcome: str | None, tiers: Iterable[Tier] = DEFAULT_TIERS) -> Tier | None:
    """The one tier of ``tiers`` that says ``outcome``; None when none does, or several do (优 and 良 both
    met: which one is the analyst's call, not a guess)."""
    found = [t for t in tiers if outcome is not None and t.outcome == outcome]
    return found[0] if len(found) == 1 else None


def qualitative_band(score: Decimal, points: Decimal, tier: Tier) -> bool:
    """Whether the analyst's ``score`` lies in ``tier``'s band of ``points``."""
    if points == 0:
        return score == 0
    return tier.admits(score / points)


# ---------------------------------------------------------------- management and metric leaves


def deduction(points: Decimal, deductions: Iterable[Decimal]) -> Decimal:
    """扣分制: points left after the deductions, floored at 0 ("扣完为止"); returned as a share."""
    if points == 0:
        return ZERO
    left = points - sum(deductions, ZERO)
    return max(left, ZERO) / points


@dataclass(frozen=True)
class Band:
    """One band of a banded rule: a value in [``min``, ``max``] (either open) earns ``share`` of W."""

    share: Decimal
    min: Decimal | None = None
    max: Decimal | None = None

    def holds(self, value: Decimal) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


def banded(value: Decimal, bands: Sequence[Band]) -> Decimal:
    """分档: the share of the first band, in the order written, that holds ``value``; else 0.

    ``[{min: 90, points: 5}, {min: 80, points: 4}]`` reads "≥90 计 5 分，80–90 计 4 分";
    ``[{max: 5, points: 2}, {max: 10, points: 1}]`` reads "≤5 计 2 分，5–10 计 1 分".
    """
    for band in bands:
        if band.holds(value):
            return band.share
    return ZERO


def per_point(value: Decimal, op: str, target: Decimal, points: Decimal, deduct: Decimal,
              step: Decimal | None = None) -> Decimal:
    """扣分制: full ``points`` on the right side of the target; beyond it, ``deduct`` points for every percentage
    point (or, with ``step``, for every whole ``step`` points: "每低于 5% 扣 2 分"), down to 0 ("扣完为止").
    The side follows the operator: ≤/< deduct above the target, ≥/>/= below it."""
    excess = value - target if op in (LE, LT) else target - value
    if excess <= 0:
        return points
    units = (excess // step) if step else excess
    return max(points - deduct * units, ZERO)


def execution_rate(rate: Decimal, *, cap: bool = True) -> Decimal:
    """支出率: the rate itself, capped at 100 % (unless not ``cap``: the framework's ``defaults.execution:
    uncapped``, where spending above the budget scores above the leaf's points) and floored at 0."""
    return min(max(rate, ZERO), ONE) if cap else max(rate, ZERO)


def within_tier(score: Decimal, points: Decimal, tier: Tier, places: int = 2) -> Decimal:
    """A qualitative self-score held within ``tier``'s band of ``points`` (``defaults.qualitative: within_tier``):
    above the band it counts at the band's top (just below it, to the rounding's last place, for a band whose
    top belongs to the tier above), below it at the band's bottom."""
    low = tier.low * points
    high = tier.high * points if tier.high >= ONE else tier.high * points - Decimal(1).scaleb(-places)
    return min(max(score, low), max(high, low))


# ---------------------------------------------------------------- registry

#: Methods a framework file may name, with the parameters each accepts and their defaults.
METHODS: dict[str, dict[str, object]] = {
    "auto": {"reverse": "linear", "compound": "mean"},
    "positive": {"compound": "mean"},
    "equal": {"compound": "mean"},
    "reverse": {"reverse": "linear", "compound": "mean"},
    "reverse_linear": {"compound": "mean"},
    "reverse_ratio": {"compound": "mean"},
    "zero_target": {"compound": "mean"},
    "range": {"reverse": "linear", "compound": "mean"},
    "qualitative": {},
    "stated": {},
    "deduction": {},
    "banded": {"bands": None, "metric": None},
    "execution_rate": {"strategy": "monthly_mean", "budget": "adjusted", "schedule": None, "part": None},
    "standard": {"indicator": None, "target": None, "method": "auto", "undefined": "zero", "per_point": None,
                 "step": None, "bands": None},
}

#: Methods that score the department's own indicators (绩效指标) rather than a framework leaf.
INDICATOR_METHODS = frozenset(
    {"auto", "positive", "equal", "reverse", "reverse_linear", "reverse_ratio", "zero_target",
     "range", "qualitative", "stated"}
)

#: 按表上得分: an indicator whose score is the one its form states, because the form does not hold what the
#: rule needs (no target, no actual, an actual the rule cannot compare with its target). Requires self_score;
#: never an error for being incomparable; reported by the audit as NOT_RECOMPUTABLE with the points at stake.
STATED = "stated"
