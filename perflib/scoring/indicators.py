"""Scoring one performance indicator (绩效指标) against its target.

:func:`score_indicator` reads the target and the actual value as written (or computes the actual
from numerator and denominator), pairs the parts of a compound target with the parts of the
actual, converts units (% and ‰, 万元 and 元, …) and applies the indicator's method.
Problems are reported through the caller's :class:`~perflib.inputs.params.Problems` with the field path,
and the indicator is then skipped (None is returned).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import TargetError
from ..inputs.schema import Indicator
from ..numbers import HUNDRED, fmt_points, quantize
from . import methods, outcomes
from .frameworks import Framework
from .methods import Tier, find_tier, tier_of
from .targets import Parsed, Part, convert, parse

RATE_FACTOR = {"%": HUNDRED, "‰": Decimal(1000)}
RATE_PLACES = {"%": 2, "‰": 3}  # decimals a computed rate is shown with


@dataclass(frozen=True)
class PartResult:
    """One comparison of a (compound) target and what was achieved against it."""

    target: Part
    actual: Decimal  # in the target's unit
    completion: Decimal  # in [0, 1]
    ratio: Decimal | None  # A ÷ T, uncapped (None when T is 0)
    met: bool
    rule: str  # positive, reverse_linear, …


@dataclass(frozen=True)
class IndicatorResult:
    """An indicator as scored."""

    index: int
    name: str
    category: tuple[str, str]  # (产出, 数量)
    target: Parsed
    actual: Parsed | None  # as written
    computed: Decimal | None  # numerator ÷ denominator, in rate_unit
    rate_unit: str
    parts: tuple[PartResult, ...]
    tier: Tier | None
    weight: Decimal
    completion: Decimal | None  # combined, in [0, 1]; None for qualitative
    rule_score: Decimal | None  # by the rules; None for qualitative
    self_score: Decimal | None
    score: Decimal  # the score that counts
    method: str
    analysis: str | None
    self_score_reason: str | None
    source: Indicator

    def __repr__(self) -> str:
        return (f"<IndicatorResult {self.name}：目标 {self.target.text}，实际 {self.actual_display}，"
                f"{self.score}/{self.weight} 分>")

    @property
    def qualitative(self) -> bool:
        return not self.parts

    @property
    def met(self) -> bool:
        """Whether the target was reached (qualitative: its tier says 达成)."""
        if self.qualitative:
            return self.tier is not None and self.tier.outcome == outcomes.MET
        return all(p.met for p in self.parts)

    @property
    def max_ratio(self) -> Decimal | None:
        """The highest A ÷ T of the parts that are "more is better" (for over-completion)."""
        ratios = [p.ratio for p in self.parts if p.ratio is not None and methods.DIRECTIONS[p.rule] == "more"]
        return max(ratios) if ratios else None

    @property
    def category_label(self) -> str:
        """``产出/数量``, or ``满意度`` for a single-level category."""
        top, sub = self.category
        return top if sub == top else f"{top}/{sub}"

    @property
    def target_short(self) -> str:
        """The target without its notes: "≥26次、≥13台", or the text when qualitative."""
        return str(self.target)

    @property
    def actual_short(self) -> str:
        """The actual value without its wording: "37次、12台", "97.75%"; as written when qualitative.

        A qualitative indicator's actual is text even where it holds a number ("370M 无线应急通信系统"
        is not 370): it is shown as written, never as the number parsed out of it."""
        if self.computed is not None:
            return self.computed_text
        if not self.qualitative and self.actual is not None and not self.actual.qualitative:
            return str(self.actual)
        return self.actual_display

    @property
    def computed_text(self) -> str:
        """numerator ÷ denominator as printed everywhere: "97.75%", "0.013‰" (percent at two decimals, per mille
        at three — a rate per thousand is small: 0.01‰ would hide what the form says), rounded half-up."""
        if self.computed is None:
            return ""
        return f"{quantize(self.computed, RATE_PLACES.get(self.rate_unit, 2))}{self.rate_unit}"

    @property
    def actual_display(self) -> str:
        """The actual value for tables: as written, else as computed."""
        if self.actual is not None:
            return self.actual.text
        if self.method == "missing":
            return NOT_FILLED
        if self.computed is not None:
            return self.computed_text
        return self.tier.name if self.tier else "—"


def _ratio(actual: Decimal, target: Decimal) -> Decimal | None:
    """A ÷ T, where it means "how much of the target": only for a positive target (−10 ÷ −5 is not 200 %)."""
    return actual / target if target > 0 else None


BLANK_NAMES = {"target": "年度指标值", "actual": "实际完成值"}
NOT_FILLED = "未填"


def _not_filled(index: int, ind: Indicator, fw: Framework, category, blank: list[str], here: tuple,
                problems) -> IndicatorResult | None:
    """An indicator whose target or actual was left blank: 未填, scored as the framework says for missing
    data (``defaults.missing`` of its points, 0 by default), and reported (refused with ``strict``)."""
    names = "、".join(BLANK_NAMES[f] for f in blank)
    rule_score = quantize(fw.defaults.missing * ind.weight, fw.rounding.places, fw.rounding.mode)
    problems.defect(here + (blank[0],), "NOT_FILLED",
                    f"指标「{ind.name}」的{names}未填，按评价框架计 {fmt_points(rule_score)} 分"
                    f"（满分 {fmt_points(ind.weight)} 分）。",
                    subject=ind.name, refusal=f"须填写{names}",
                    expected="年度指标值 target 与实际完成值 actual（或分子/分母，或定性档次 tier）")
    if category is None or problems.strict:
        return None
    target = _parsed_or(ind.target, NOT_FILLED)
    actual = _parsed_or(ind.actual, None)
    return IndicatorResult(
        index=index, name=ind.name, category=category, target=target, actual=actual, computed=None,
        rate_unit=ind.rate_unit, parts=(), tier=None, weight=ind.weight, completion=None, rule_score=rule_score,
        self_score=ind.self_score, score=ind.self_score if ind.self_score is not None else rule_score,
        method="missing", analysis=ind.analysis, self_score_reason=ind.self_score_reason, source=ind,
    )


def _stated(index: int, ind: Indicator, category, here: tuple, problems) -> IndicatorResult | None:
    """An indicator scored as its form states (method ``stated``): the rule cannot recompute it, so its
    self_score counts; target and actual are kept as written (read for display where they can be)."""
    if ind.self_score is None:
        problems.add(here + ("self_score",), "按表上得分（stated）计分的指标须填写自评得分 self_score",
                     expected="表上的得分，如 4.5", found=None)
        return None
    if ind.self_score > ind.weight:
        problems.add(here + ("self_score",), "自评得分超过该指标分值", expected=f"≤ {ind.weight}", found=ind.self_score)
        return None
    if category is None:
        return None
    return IndicatorResult(
        index=index, name=ind.name, category=category, target=_parsed_or(ind.target, NOT_FILLED),  # type: ignore[arg-type]
        actual=_parsed_or(ind.actual, None), computed=None, rate_unit=ind.rate_unit, parts=(), tier=None,
        weight=ind.weight, completion=None, rule_score=None, self_score=ind.self_score, score=ind.self_score,
        method=methods.STATED, analysis=ind.analysis, self_score_reason=ind.self_score_reason, source=ind,
    )


def _parsed_or(text: str | None, blank: str | None) -> Parsed | None:
    """``text`` as read (for display beside a blank cell), or ``blank`` read when it cannot be."""
    for candidate in (text, blank):
        if candidate is not None:
            try:
                return parse(candidate)
            except TargetError:
                continue
    return None


def score_indicator(index: int, ind: Indicator, fw: Framework, problems) -> IndicatorResult | None:
    """Score ``ind`` (the ``index``-th indicator) under ``fw``; report problems and return None."""
    here = ("indicators", index)
    before = len(problems.errors)
    category = fw.category_of(ind.category)
    if category is None:
        allowed = "、".join(
            f"{top}/{sub}" if sub != top else top for top, subs in fw.expected_categories().items() for sub in subs
        )
        problems.add(here + ("category",), "指标类别不在评价框架中", expected=f"以下之一：{allowed}", found=ind.category)
    method = ind.method or fw.defaults.method
    if method not in methods.INDICATOR_METHODS:
        problems.add(
            here + ("method",), "未知的指标计分方法",
            expected=f"以下之一：{'、'.join(sorted(methods.INDICATOR_METHODS))}", found=method,
        )
        return None
    if method == methods.STATED:
        return _stated(index, ind, category, here, problems)
    blank = [field for field, given in (("target", ind.target is not None),
                                        ("actual", ind.actual is not None or ind.numerator is not None
                                         or ind.tier is not None)) if not given]
    if blank:
        return _not_filled(index, ind, fw, category, blank, here, problems)
    try:
        target = parse(ind.target)
    except TargetError as exc:
        problems.add(here + ("target",), exc.reason, found=ind.target)
        return None
    actual = None
    if ind.actual:
        try:
            actual = parse(ind.actual)
        except TargetError as exc:
            problems.add(here + ("actual",), exc.reason, found=ind.actual)
            return None
    computed = None
    if ind.numerator is not None and ind.denominator is not None:
        computed = ind.numerator / ind.denominator * RATE_FACTOR[ind.rate_unit]

    qualitative = target.qualitative or method == "qualitative"
    tier = None
    if ind.tier:
        tier = find_tier(ind.tier, fw.tiers(), target=ind.target)
        if tier is None:
            names = "、".join(t.name for t in fw.tiers())
            problems.add(here + ("tier",), "未知的定性档次", expected=f"以下之一：{names}", found=ind.tier)
    if ind.self_score is not None and ind.self_score > ind.weight:
        problems.add(here + ("self_score",), "自评得分超过该指标分值", expected=f"≤ {ind.weight}", found=ind.self_score)

    parts: list[PartResult] = []
    if qualitative and not ind.tier and ind.actual:
        # a tier left blank is the one the actual states, read by the shared vocabulary ("未发生…" against
        # "不发生…": 达成), when it states one
        tier = tier_of(outcomes.read(ind.actual, ind.target), fw.tiers())
    if qualitative:
        if tier is None and not ind.tier:
            problems.add(here + ("tier",), "定性指标须填写档次 tier（达成 / 部分达成 / 未达成），或在实际完成值中写明"
                         "（如“已达成”，目标为“不发生…”的写“未发生…”）")
        if ind.self_score is None:
            problems.add(here + ("self_score",), "定性指标须填写自评得分 self_score（在所选档次的分值区间内）")
    else:
        values = _actual_parts(ind, target, actual, computed, here, problems)
        if method == "range" and any(t.upper is None for t, _ in values):
            problems.add(here + ("method" if ind.method else "target",), "range（区间）计分须配区间目标",
                         expected="如 \"90%～110%\"", found=ind.target)
            return None
        for tpart, value in values:
            rule_method = "auto" if method in ("auto", "qualitative") else method
            completion, rule = methods.part_completion(
                tpart.op, value, tpart.value, upper=tpart.upper, method=rule_method, reverse=fw.defaults.reverse
            )
            parts.append(PartResult(
                tpart, value, completion, _ratio(value, tpart.value),
                methods.rule_met(rule, value, tpart.value, tpart.upper), rule,
            ))
    if len(problems.errors) > before:
        return None

    completion = methods.combine([p.completion for p in parts], fw.defaults.compound) if parts else None
    rounding = fw.rounding
    rule_score = (
        quantize(completion * ind.weight, rounding.places, rounding.mode) if completion is not None else None
    )
    score = ind.self_score if ind.self_score is not None else rule_score
    if qualitative and tier is not None and score is not None and fw.defaults.qualitative == "within_tier":
        held = methods.within_tier(score, ind.weight, tier, rounding.places)  # the band's rule, not the form's
        if held != score:
            rule_score = score = held
    return IndicatorResult(
        index=index,
        name=ind.name,
        category=category,  # type: ignore[arg-type]
        target=target,
        actual=actual,
        computed=computed,
        rate_unit=ind.rate_unit,
        parts=tuple(parts),
        tier=tier,
        weight=ind.weight,
        completion=completion,
        rule_score=rule_score,
        self_score=ind.self_score,
        score=score,  # type: ignore[arg-type]
        method="qualitative" if qualitative else (parts[0].rule if len({p.rule for p in parts}) == 1 else "compound"),
        analysis=ind.analysis,
        self_score_reason=ind.self_score_reason,
        source=ind,
    )


def _actual_parts(ind, target, actual, computed, here, problems) -> list[tuple[Part, Decimal]]:
    """Pair each target part with the actual value in the target's unit."""
    if computed is not None:
        if len(target.parts) != 1:
            problems.add(here + ("numerator",), "复合目标不能用单一的分子/分母给出实际值")
            return []
        written: list[tuple[Decimal, str]] = [(computed, ind.rate_unit)]
    elif actual is None or actual.qualitative:
        problems.add(
            here + ("actual",), "定量目标须给出数值形式的实际完成值（或分子/分母）",
            expected=f"与目标「{ind.target}」可比的数值", found=ind.actual,
        )
        return []
    else:
        written = [(p.value, p.unit) for p in actual.parts]
    if len(written) != len(target.parts):
        problems.add(
            here + ("actual",), "实际完成值的项数与目标值不一致",
            expected=f"{len(target.parts)} 项（与目标「{ind.target}」逐项对应）", found=ind.actual,
        )
        return []
    out = []
    for tpart, (value, unit) in zip(target.parts, written):
        converted = convert(value, unit, tpart.unit)
        if converted is None:
            problems.add(
                here + ("actual",), "实际完成值的单位与目标值不可比",
                expected=f"单位「{tpart.unit}」", found=f"{value}{unit}",
            )
            return []
        out.append((tpart, converted))
    return out
