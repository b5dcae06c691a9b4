"""The audit: what a careful reviewer of a self-evaluation would find.

Each check is a small function returning :class:`Finding` objects with a level (error / warning /
info), a stable code and a Chinese message. :data:`CHECKS` lists them; :func:`audit` runs them all.
The codes are part of perflib's interface (reports, summaries and tests refer to them); see
``docs/audit.md`` for the full list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .errors import LEVEL_NAMES, Finding, Level, TargetError, by_level
from .inputs.schema import ParamsFile
from .numbers import fmt_number, fmt_percent, fmt_points, quantize
from .scoring import methods, standard
from .scoring.budget import DEFAULT_SCHEDULE, Metrics, schedule_lags
from .scoring.frameworks import Framework
from .scoring.indicators import IndicatorResult
from .scoring.methods import qualitative_band
from .scoring.targets import convert, parse
from .scoring.tree import Scorecard

#: How far (0.5 percentage points) below the even-spending level counts as back-loaded.
BACKLOAD_TOLERANCE = Decimal("0.005")

#: Every finding code, and the topic (问题方面) under which the report's chapters 三 (problems) and
#: 四 (improvements) discuss it when it is an error or a warning. None: information, listed only in
#: the appendix. One list: a check cannot yield a code that is not here (see :class:`~perflib.errors.Finding`).
TOPICS: dict[str, str | None] = {
    "NOT_FILLED": "数据完整性",
    "WEIGHTS_DO_NOT_ADD_UP": "绩效指标设置",
    "BUDGET_SUM_MISMATCH": "数据准确性",
    "RATE_MISMATCH": "数据准确性",
    "STANDARD_VALUE_DIFFERS": "数据准确性",
    "MONTHLY_TOTAL_MISMATCH": "数据准确性",
    "MONTHLY_DECREASING": "数据准确性",
    "SPENT_OVER_BUDGET": "预算执行",
    "SPENDING_BACKLOADED": "预算支出进度",
    "SPENDING_BEHIND_SCHEDULE": "预算支出进度",
    "SCORE_MISMATCH": "评分准确性",
    "SUBSCORES_DO_NOT_ADD_UP": "评分准确性",
    "GRADE_OUT_OF_BAND": "评分准确性",
    "SELF_SCORE_DIFFERS": "评分准确性",
    "QUALITATIVE_OUT_OF_BAND": "评分准确性",
    "DEDUCTION_WITHOUT_REASON": "扣分依据",
    "NOT_RECOMPUTABLE": "评分依据",
    "INDICATOR_COUNT_MISMATCH": "数据表述一致性",
    "FIGURE_STATED_TWO_WAYS": "数据表述一致性",
    "CATEGORY_MISSING": "绩效指标设置",
    "DUPLICATE_INDICATOR": "绩效指标设置",
    "TARGET_EXCEEDED": "绩效目标设定",
    "MISSED_WITHOUT_ANALYSIS": "偏差原因分析",
    "TARGET_MISSED": "绩效目标完成",
    "DEDUCTIONS_EXCEED_POINTS": None,
    "EVALUATION_RATE_STATED": None,
    "RATE_WITHOUT_BASIS": None,
    "RECONSTRUCTED": None,
    "SYNTHETIC_DATA": None,
}


Finding.declare(TOPICS)


class Findings(tuple):
    """An evaluation's findings: a tuple, shown in a notebook as a table."""

    __slots__ = ()

    def __repr__(self) -> str:
        counts = "，".join(f"{lv.label} {sum(1 for f in self if f.level == lv)}" for lv in Level)
        return f"<Findings {len(self)} 项：{counts}>"

    def _repr_html_(self) -> str:
        from markupsafe import escape

        rows = "".join(f"<tr><td>{LEVEL_NAMES[f.level]}</td><td>{f.code}</td><td>{escape(f.topic or '')}</td>"
                       f"<td>{escape(f.subject)}</td><td>{escape(f.message)}</td></tr>" for f in self)
        return ('<table border="1" cellspacing="0" cellpadding="3"><thead><tr><th>级别</th><th>代码</th>'
                f"<th>问题方面</th><th>对象</th><th>内容</th></tr></thead><tbody>{rows}</tbody></table>")


@dataclass(frozen=True)
class Context:
    params: ParamsFile
    framework: Framework
    metrics: Metrics
    scorecard: Scorecard


Check = Callable[[Context], Iterator[Finding]]


def _spending(kind: str) -> str:
    """"一般公共预算" → "一般公共预算支出"; "项目支出" stays "项目支出" (not "项目支出支出")."""
    return kind if kind.endswith("支出") else f"{kind}支出"


def _differs(stated: Decimal, computed: Decimal, places: int = 2) -> bool:
    """Whether a stated figure differs from the computed one at the stated precision (at least 2 dp)."""
    exponent = stated.normalize().as_tuple().exponent
    shown = max(-exponent if isinstance(exponent, int) else 0, places)
    return quantize(computed, shown) != quantize(stated, shown)


# ---------------------------------------------------------------------- amounts and rates


def budget_sums(ctx: Context) -> Iterator[Finding]:
    """The stated totals, and the split into 基本支出 and 项目支出 when given, equal the sum of the fund types."""
    stated, m, unit = ctx.params.budget.stated, ctx.metrics, ctx.metrics.unit
    if len(m.kinds) == 2:  # both kinds given: together they are the whole budget
        for label, kinds, funds in (
            ("调整后预算", sum((k.adjusted for k in m.kinds), Decimal(0)), m.adjusted),
            ("支出", sum((k.spent for k in m.kinds), Decimal(0)), m.spent),
        ):
            if _differs(kinds, funds):
                yield Finding(
                    "error", "BUDGET_SUM_MISMATCH",
                    f"基本支出与项目支出的{label}相加为 {fmt_number(kinds)} {unit}，但各资金性质相加为 "
                    f"{fmt_number(funds)} {unit}，相差 {fmt_number(kinds - funds)} {unit}。", f"{label}（按支出类型）",
                )
    if stated is None:
        return
    for label, said, computed in (
        ("年初预算", stated.initial, m.initial), ("调整后预算", stated.adjusted, m.adjusted), ("支出", stated.spent, m.spent),
    ):
        if said is not None and computed is not None and _differs(said, computed):
            yield Finding(
                "error", "BUDGET_SUM_MISMATCH",
                f"{label}合计表述为 {fmt_number(said)} {unit}，但各资金性质相加为 {fmt_number(computed)} {unit}，"
                f"相差 {fmt_number(said - computed)} {unit}。", label,
            )


def stated_rates(ctx: Context) -> Iterator[Finding]:
    """Stated rates equal the ones recomputed from the amounts."""
    m, params = ctx.metrics, ctx.params
    stated = params.budget.stated
    if stated is not None and stated.execution_rate is not None and m.execution_rate is not None:
        if _differs(stated.execution_rate, m.execution_rate * 100):
            yield Finding(
                "error", "RATE_MISMATCH",
                f"年度预算执行率表述为 {stated.execution_rate}%，按支出 ÷ 调整后预算重算为 {fmt_percent(m.execution_rate)}。",
                "年度预算执行率",
            )
    if m.stated_evaluation_rate is not None and m.monthly_mean_rate is not None:
        if _differs(m.stated_evaluation_rate * 100, m.monthly_mean_rate * 100):
            yield Finding(
                "warning", "RATE_MISMATCH",
                f"年度评价执行率表述为 {fmt_percent(m.stated_evaluation_rate)}，按月度支出重算为 "
                f"{fmt_percent(m.monthly_mean_rate)}。",
                "年度评价执行率",
            )
    rule = ctx.framework.execution_rule
    if (m.stated_evaluation_rate is not None and rule.strategy == "year_end" and rule.part is None
            and m.evaluation.rate is not None and _differs(m.stated_evaluation_rate * 100, m.evaluation.rate * 100)):
        yield Finding(
            "warning", "RATE_MISMATCH",
            f"年度评价执行率表述为 {fmt_percent(m.stated_evaluation_rate)}，评价框架按全年支出 ÷ 预算计分，"
            f"为 {fmt_percent(m.evaluation.rate)}；计分采用后者。",
            "年度评价执行率",
        )
    for fund, computed in zip(params.budget.funds, m.funds):
        if fund.stated_rate is not None and computed.execution_rate is not None and _differs(
                fund.stated_rate, computed.execution_rate * 100):
            yield Finding(
                "error", "RATE_MISMATCH",
                f"「{fund.type}」执行率表述为 {fund.stated_rate}%，按支出 ÷ 调整后预算重算为 {fmt_percent(computed.execution_rate)}。",
                fund.type,
            )
    for p in m.projects:
        if p.stated_rate is not None and p.execution_rate is not None and _differs(p.stated_rate * 100, p.execution_rate * 100):
            yield Finding(
                "error", "RATE_MISMATCH",
                f"重点项目「{p.name}」执行率表述为 {fmt_percent(p.stated_rate)}，按支出 ÷ 预算重算为 {fmt_percent(p.execution_rate)}。",
                p.name,
            )
    for r in ctx.scorecard.indicators:
        if r.computed is None or r.actual is None or len(r.actual.parts) != 1:
            continue
        part = r.actual.parts[0]
        value = convert(part.value, part.unit, r.rate_unit)
        if value is not None and _differs(value, r.computed):
            yield Finding(
                "error", "RATE_MISMATCH",
                f"指标「{r.name}」实际值表述为 {r.actual.text}，按分子 {r.source.numerator} ÷ 分母 "
                f"{r.source.denominator} 重算为 {quantize(r.computed, 2)}{r.rate_unit}。",
                r.name,
            )


def evaluation_source(ctx: Context) -> Iterator[Finding]:
    """Say when the evaluation rate is the stated one because there is no monthly series."""
    ev = ctx.metrics.evaluation
    if ev.source == "stated" and ev.strategy != "stated" and ev.rate is not None:
        yield Finding(
            "info", "EVALUATION_RATE_STATED",
            f"未提供月度支出数据，部门预算资金支出率按报告所述年度评价执行率 {fmt_percent(ev.rate)} 计分，无法复核。",
            "年度评价执行率",
        )


def spending_checks(ctx: Context) -> Iterator[Finding]:
    """Overspending and a monthly series that does not end at the year's spending."""
    m = ctx.metrics
    for f in m.funds:
        if f.spent > f.adjusted:
            yield Finding("warning", "SPENT_OVER_BUDGET",
                          f"{_spending(f.type)} {fmt_number(f.spent)} {m.unit} 超过调整后预算 {fmt_number(f.adjusted)} {m.unit}。",
                          f.type)
    for p in m.projects:
        if p.spent > p.budget:
            yield Finding("warning", "SPENT_OVER_BUDGET",
                          f"重点项目「{p.name}」支出 {fmt_number(p.spent)} {m.unit} 超过预算 {fmt_number(p.budget)} {m.unit}。", p.name)
    if m.cumulative:
        if _differs(m.cumulative[-1], m.spent):
            yield Finding(
                "warning", "MONTHLY_TOTAL_MISMATCH",
                f"月度支出累计至 12 月为 {fmt_number(m.cumulative[-1])} {m.unit}，与全年支出 {fmt_number(m.spent)} {m.unit} 不一致。",
                "月度支出",
            )
        falls = [i + 1 for i in range(1, 12) if m.cumulative[i] < m.cumulative[i - 1]]
        if falls:
            yield Finding("warning", "MONTHLY_DECREASING",
                          f"累计支出在 {'、'.join(f'{x} 月' for x in falls)} 比上月减少，请核对是否填成了当月数。", "月度支出")


def back_loaded(ctx: Context) -> Iterator[Finding]:
    """Spending slower than even, or behind the 25/40/60/80 % schedule.

    The even-spending level is what the evaluation rate would be had the year's actual spending
    been spread evenly over the months: 54.17 % × the year-end execution rate.
    """
    m = ctx.metrics
    rate = m.monthly_mean_rate if m.monthly_mean_rate is not None else m.stated_evaluation_rate
    even = m.even_spending_rate
    # where the framework scores another rate, the mean of the month-end rates is named as what it is
    label = ("年度评价执行率" if ctx.framework.execution_rule.strategy == "monthly_mean" or m.monthly_mean_rate is None
             else "各月末累计执行率的平均")
    if rate is not None and rate < even - BACKLOAD_TOLERANCE:
        yield Finding(
            "warning", "SPENDING_BACKLOADED",
            f"{label} {fmt_percent(rate)} 低于均衡支出水平 {fmt_percent(even)}"
            f"（全年支出 {fmt_percent(m.execution_rate)} 均匀分布于各月时的水平），支出集中在下半年或年末。",
            "支出进度",
        )
    if m.cumulative_rates:
        lags = schedule_lags(m.cumulative_rates, DEFAULT_SCHEDULE)
        if lags:
            text = "；".join(f"{mo} 月末 {fmt_percent(r)}（应达 {fmt_percent(req)}）" for mo, r, req in lags)
            yield Finding("warning", "SPENDING_BEHIND_SCHEDULE", f"累计支出进度落后于序时要求：{text}。", "支出进度")


# ---------------------------------------------------------------------- scores


def stated_scores(ctx: Context) -> Iterator[Finding]:
    """Stated sub-scores add up, equal the recomputed ones, and the grade fits its band."""
    stated, card, fw = ctx.params.stated, ctx.scorecard, ctx.framework
    for name, said in stated.nodes.items():
        node = card.node(name)
        if node is not None and said != node.score:
            how = "按各项得分重算为" if node.children else "按评分规则计为"  # a row of the form: its own rule
            yield Finding("error", "SCORE_MISMATCH",
                          f"「{name}」得分表述为 {fmt_points(said)} 分，{how} {fmt_points(node.score)} 分。", name)
    # stated parents against the sum of their stated children
    for node in card.walk():
        if node.name in stated.nodes and node.children and all(c.name in stated.nodes for c in node.children):
            parts = sum((stated.nodes[c.name] for c in node.children), Decimal(0))
            if parts != stated.nodes[node.name]:
                yield Finding("error", "SUBSCORES_DO_NOT_ADD_UP",
                              f"「{node.name}」表述为 {fmt_points(stated.nodes[node.name])} 分，但其下级表述得分合计 {fmt_points(parts)} 分。",
                              node.name)
    if stated.total is not None:
        firsts = [stated.nodes.get(n.name) for n in card.nodes]
        if all(v is not None for v in firsts) and sum(firsts, Decimal(0)) != stated.total:  # type: ignore[arg-type]
            yield Finding("error", "SUBSCORES_DO_NOT_ADD_UP",
                          f"总分表述为 {fmt_points(stated.total)} 分，但一级指标表述得分合计 {fmt_points(sum(firsts, Decimal(0)))} 分。",  # type: ignore[arg-type]
                          "总分")
        if stated.total != card.total:
            yield Finding("error", "SCORE_MISMATCH",
                          f"自评总分表述为 {fmt_points(stated.total)} 分，按各项得分重算为 {fmt_points(card.total)} 分。", "总分")
    if stated.grade is not None:
        basis = stated.total if stated.total is not None else card.total
        expected = fw.grade(basis)
        if stated.grade != expected:
            band = fw.band(stated.grade)
            band_text = "" if band is None else (
                f"（「{stated.grade}」须 {fmt_points(band[0])} 分及以上" + (f"、低于 {fmt_points(band[1])} 分）" if band[1] else "）")
            )
            yield Finding("error", "GRADE_OUT_OF_BAND",
                          f"等级表述为「{stated.grade}」，但 {fmt_points(basis)} 分对应「{expected}」{band_text}。", "等级")


def indicator_counts(ctx: Context) -> Iterator[Finding]:
    """A stated count of indicators equals the number listed."""
    for name, said in ctx.params.stated.indicator_counts.items():
        node = ctx.scorecard.node(name)
        if node is None:
            continue
        leaves = [n for n in node.walk() if not n.children and n is not node] or [node]
        count = len([n for n in leaves if n.kind in ("indicator", "management", "metric")])
        if count != said:
            yield Finding("warning", "INDICATOR_COUNT_MISMATCH",
                          f"「{name}」表述设置了 {said} 个指标，实际列出 {count} 个。", name)


def self_scores(ctx: Context) -> Iterator[Finding]:
    """A self-assessed score that differs from the rules', and qualitative scores outside their tier."""
    for node in ctx.scorecard.walk():
        if node.rule_score is not None and node.rule_score != node.score:
            why = node.indicator.self_score_reason if node.indicator is not None else None
            yield Finding("warning", "SELF_SCORE_DIFFERS",
                          f"「{node.name}」自评 {fmt_points(node.score)} 分，按计分规则应为 {fmt_points(node.rule_score)} 分"
                          + (f"（自评说明：{why}）" if why else "") + "。",
                          node.name)
        leaf = node.management
        if leaf is not None:
            lost = node.lost
            if lost > 0 and not (leaf.reason or leaf.deductions):
                yield Finding("warning", "DEDUCTION_WITHOUT_REASON", f"「{node.name}」扣 {fmt_points(lost)} 分但未说明原因。", node.name)
            total = sum((d.points for d in leaf.deductions), Decimal(0))
            if total > node.max:
                yield Finding("info", "DEDUCTIONS_EXCEED_POINTS",
                              f"「{node.name}」扣分合计 {fmt_points(total)} 分，超过分值 {fmt_points(node.max)} 分，按扣完为止计 0 分。",
                              node.name)
    for r in ctx.scorecard.indicators:
        if r.tier is not None and r.qualitative and r.self_score is not None:
            if not qualitative_band(r.self_score, r.weight, r.tier):
                share = r.self_score / r.weight if r.weight else Decimal(0)
                yield Finding(
                    "error", "QUALITATIVE_OUT_OF_BAND",
                    f"定性指标「{r.name}」档次为「{r.tier.name}」（{fmt_percent(r.tier.low)}–{fmt_percent(r.tier.high)}），"
                    f"但自评 {fmt_points(r.self_score)} 分占分值 {fmt_points(r.weight)} 分的 {fmt_percent(share)}。",
                    r.name,
                )


# ---------------------------------------------------------------------- the indicator set


def categories(ctx: Context) -> Iterator[Finding]:
    """The indicator set covers the categories the framework expects."""
    present = {r.category for r in ctx.scorecard.indicators}
    tops = {top for top, _ in present}
    for top, subs in ctx.framework.expected_categories().items():
        for sub, level in subs.items():
            if (top, sub) in present:
                continue
            label = top if sub == top else f"{top}/{sub}"
            why = "" if top in tops or sub == top else f"（{top}指标均未设置）"
            yield Finding(level, "CATEGORY_MISSING", f"未设置{sub}指标{why}，绩效指标不够全面（{label}）。", label)


def _part_actual(r: IndicatorResult, i: int) -> str:
    """What was achieved against part ``i`` of a compound target, as written where it can be told."""
    if r.actual is not None and len(r.actual.parts) == len(r.parts):
        return str(r.actual.parts[i])
    return f"{fmt_number(r.parts[i].actual, 4).rstrip('0').rstrip('.')}{r.parts[i].target.unit}"


def targets(ctx: Context) -> Iterator[Finding]:
    """Targets far exceeded (set too low?), and missed targets without analysis."""
    threshold = ctx.framework.defaults.over_completion
    for r in ctx.scorecard.indicators:
        exceeded = [(i, p) for i, p in enumerate(r.parts)
                    if p.ratio is not None and methods.DIRECTIONS[p.rule] == "more" and p.ratio >= threshold]
        for i, p in exceeded:  # a compound target's part is named: its other parts may be missed
            which = (f"第 {i + 1} 项（目标 {p.target}，实际 {_part_actual(r, i)}）" if len(r.parts) > 1
                     else f"（目标 {r.target_short}，实际 {r.actual_short}）")
            yield Finding(
                "warning", "TARGET_EXCEEDED",
                f"指标「{r.name}」{which}完成值为目标值的 {fmt_percent(p.ratio)}，"
                f"超过 {fmt_percent(threshold)}，请说明原因或检查目标是否偏低。",
                r.name,
            )
        if r.method in ("missing", methods.STATED):  # 未填 / 按表上得分: met or missed cannot be said
            continue
        if not r.met:
            if not (r.analysis or "").strip():
                yield Finding("warning", "MISSED_WITHOUT_ANALYSIS",
                              f"指标「{r.name}」未达到目标（目标 {r.target_short}，实际 {r.actual_short}），但没有偏差原因分析。", r.name)
            else:
                yield Finding("info", "TARGET_MISSED",
                              f"指标「{r.name}」未达到目标（目标 {r.target_short}，实际 {r.actual_short}），得 {fmt_points(r.score)}/{fmt_points(r.weight)} 分。",
                              r.name)
        if r.computed is None and r.actual is not None and len(r.parts) == 1 and r.parts[0].target.unit in ("%", "‰") \
                and r.name.endswith("率") and "满意度" not in r.name:
            yield Finding("info", "RATE_WITHOUT_BASIS",
                          f"比率指标「{r.name}」只给出了 {r.actual.text}，未附分子、分母，无法复核。", r.name)


_MENTION_STOP = re.compile(r"[。；;，,\n（(]")


def _mentions(text: str, key: str) -> Iterator[str]:
    start = 0
    while (i := text.find(key, start)) >= 0:
        window = text[i + len(key): i + len(key) + 24]
        stop = _MENTION_STOP.search(window)
        yield window[: stop.start()] if stop else window
        start = i + len(key)


def _agrees(value: Decimal, unit: str, candidates: list[tuple[Decimal, str]]) -> bool | None:
    comparable = False
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    for cand, cand_unit in candidates:
        converted = convert(cand, cand_unit, unit)
        if converted is None:
            continue
        comparable = True
        if quantize(converted, places) == value:
            return True
    return False if comparable else None


def duplicate_indicators(ctx: Context) -> Iterator[Finding]:
    """The same indicator name written twice (a copied row?): each counts, but a reader cannot tell them apart."""
    counts = Counter(ind.name for ind in ctx.params.indicators)
    for name, n in counts.items():
        if n > 1:
            yield Finding("warning", "DUPLICATE_INDICATOR", f"指标「{name}」出现 {n} 次，请核对是否重复填写。", name)


def narrative_consistency(ctx: Context) -> Iterator[Finding]:
    """The same figure is not stated two ways (e.g. "≤1‰" in one place and "≤1%" in another)."""
    narrative = ctx.params.narrative
    texts = {
        "年度工作任务": narrative.tasks, "主要成效": narrative.achievements, "存在问题": narrative.problems,
        "部门整体支出情况": narrative.budget_overview, "绩效管理情况": narrative.performance_management,
        "上年问题整改情况": narrative.rectification,
    }
    for r in ctx.scorecard.indicators:
        if r.qualitative:
            continue
        keys = {r.name} | {p.target.label for p in r.parts if len(p.target.label) >= 4}
        candidates = [(p.target.value, p.target.unit) for p in r.parts] + [(p.actual, p.target.unit) for p in r.parts]
        if r.actual is not None:
            candidates += [(p.value, p.unit) for p in r.actual.parts]
        reported = set()
        for section, paragraphs in texts.items():
            for paragraph in paragraphs:
                for key in keys:
                    for window in _mentions(paragraph, key):
                        try:
                            parsed = parse(window) if window else None
                        except TargetError:
                            continue
                        if parsed is None or len(parsed.parts) != 1:
                            continue
                        part = parsed.parts[0]
                        if _agrees(part.value, part.unit, candidates) is False and (section, str(part)) not in reported:
                            reported.add((section, str(part)))
                            yield Finding(
                                "warning", "FIGURE_STATED_TWO_WAYS",
                                f"「{section}」中写「{key}{window}」，与指标表中的目标 {r.target_short} / 实际 {r.actual_short} 不一致"
                                f"（单位或数值有误？）。",
                                r.name,
                            )


def provenance(ctx: Context) -> Iterator[Finding]:
    """Say when figures were reconstructed or the data is synthetic."""
    if ctx.params.synthetic:
        yield Finding("info", "SYNTHETIC_DATA", "本数据为演示用合成数据，不代表任何真实部门。", "数据来源")
    if ctx.params.reconstructed:
        notes = "；".join(n.rstrip("。；") for n in ctx.params.reconstructed)
        yield Finding("info", "RECONSTRUCTED", f"以下数据为重建，非原始公开数据：{notes}。", "数据来源")


def not_recomputable(ctx: Context) -> Iterator[Finding]:
    """An indicator scored as its form states (method ``stated``): the rule cannot recompute it, and the points
    at stake are said."""
    for r in ctx.scorecard.indicators:
        if r.method == methods.STATED:
            why = (r.self_score_reason or "表上未给出计分规则所需的数据").rstrip("。；")
            yield Finding("warning", "NOT_RECOMPUTABLE",
                          f"「{r.name}」按表上得分 {fmt_points(r.score)} 分计（分值 {fmt_points(r.weight)} 分）：{why}，"
                          "规则无法重算。", r.name)
    for node in ctx.scorecard.walk():  # a computed leaf (the execution rate) scored as stated
        if node.method == methods.STATED and node.indicator is None:
            why = (ctx.params.execution.self_score_reason or "表上未给出计分规则所需的数据").rstrip("。；")
            yield Finding("warning", "NOT_RECOMPUTABLE",
                          f"「{node.name}」按表上得分 {fmt_points(node.score)} 分计（分值 {fmt_points(node.max)} 分）：{why}，"
                          "规则无法重算。", node.name)


def form_defects(ctx: Context) -> Iterator[Finding]:
    """What the form got wrong and was read anyway (blank cells, weights that do not add up): errors."""
    for code, message, subject in ctx.scorecard.defects:
        if code == "NOT_FILLED":
            yield Finding("error", "NOT_FILLED", message, subject)
        else:
            yield Finding("error", "WEIGHTS_DO_NOT_ADD_UP", message, subject)


def standard_values(ctx: Context) -> Iterator[Finding]:
    """A rate printed on the form (``standard:``) agrees with the one computed from the budget."""
    for node in ctx.scorecard.walk():
        s = node.standard
        if s is None or s.printed is None or s.source != "budget" or s.value is None:
            continue
        if standard.differs(s.value, s.printed):
            yield Finding("warning", "STANDARD_VALUE_DIFFERS",
                          f"「{node.name}」表上列为 {fmt_number(s.printed)}%，由预算数据计算（{s.formula}）为 "
                          f"{fmt_number(s.value)}%；计分采用计算值。", node.name)


CHECKS: tuple[Check, ...] = (
    form_defects, standard_values, budget_sums, stated_rates, evaluation_source, spending_checks, back_loaded, stated_scores,
    indicator_counts, self_scores, not_recomputable, categories, targets, duplicate_indicators, narrative_consistency, provenance,
)


def audit(params: ParamsFile, framework: Framework, metrics: Metrics, scorecard: Scorecard) -> list[Finding]:
    """Every finding of every check, errors first."""
    ctx = Context(params, framework, metrics, scorecard)
    findings = [f for check in CHECKS for f in check(ctx)]
    return by_level(findings)
