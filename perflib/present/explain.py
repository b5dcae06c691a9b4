"""``perflib score --explain``: how every indicator was read and scored, with the numbers.

For each indicator: the target and the actual as written and as read (operator, value, unit), the rule
and its direction, the formula with the numbers put in, and the rounding to the score that counts.
"""

from __future__ import annotations

from decimal import Decimal

from ..evaluation import Evaluation
from ..numbers import exact, fmt_points, quantize
from ..scoring.methods import DIRECTIONS
from ..scoring.targets import BETWEEN, OP_SYMBOLS
from ..text import circled

RULE_NAMES = {
    "per_point": "扣分制（偏离标准按百分点扣分）", "banded": "分档计分",
    "positive": "正向（越大越好）", "reverse_linear": "反向，线性（越小越好，超出目标一倍得 0）",
    "reverse_ratio": "反向，比例（越小越好，目标 ÷ 实际）", "zero_target": "零目标（实际不超过 0）",
    "range": "区间（在区间内得满分）",
}
FORMULAS = {
    "positive": "完成率 = min(实际 ÷ 目标, 1)",
    "reverse_linear": "完成率 = 实际 ≤ 目标 时为 1，否则 max(1 − (实际 − 目标) ÷ 目标, 0)",
    "reverse_ratio": "完成率 = 实际 ≤ 目标 时为 1，否则 目标 ÷ 实际",
    "zero_target": "完成率 = 实际 ≤ 0 时为 1，否则 0",
    "range": "完成率 = 在区间内为 1；低于下限按正向、高于上限按反向计算",
}
DIRECTION_NAMES = {"more": "实际 ≥ 目标为完成", "less": "实际 ≤ 目标为完成", "zero": "实际 ≤ 0 为完成",
                   "range": "实际在区间内为完成"}


def _n(value: Decimal | None) -> str:
    """A number to four decimals; one that small would show as 0 keeps two significant digits (0.00002),
    so a value that scores as above 0 never reads as 0."""
    if value is None:
        return "—"
    shown = quantize(value, 4)
    if shown == 0 and value != 0:
        shown = value.quantize(Decimal(1).scaleb(value.adjusted() - 1))
    return f"{shown.normalize():f}"


def _with_numbers(rule: str, actual: Decimal, target: Decimal) -> str:
    if rule == "positive" and target > 0:
        return f"min({_n(actual)} ÷ {_n(target)}, 1)"
    if rule == "reverse_linear" and actual > target and target > 0:
        return f"max(1 − ({_n(actual)} − {_n(target)}) ÷ {_n(target)}, 0)"
    if rule == "reverse_ratio" and actual > target and target > 0:
        return f"{_n(target)} ÷ {_n(actual)}"
    return f"实际 {_n(actual)}，目标 {_n(target)}"


@exact
def explain(ev: Evaluation) -> str:
    """The explanation of every indicator's score, as text."""
    rounding = ev.framework.rounding
    mode = {"half_up": "四舍五入", "half_even": "银行家舍入", "down": "截断"}[rounding.mode]
    out = [f"{ev.title}：各项绩效指标的读取与计分（得分保留 {rounding.places} 位小数，{mode}）", ""]
    for r in ev.scorecard.indicators:
        out.append(f"{circled(r.index + 1)} {r.name}（{r.category_label}，分值 {fmt_points(r.weight)}）")
        out.append(f"   目标：{r.target.text}")
        out.append(f"   实际：{r.actual_display}" + (f"（分子 {_n(r.source.numerator)} ÷ 分母 {_n(r.source.denominator)} = "
                                                     f"{_n(r.computed)}{r.rate_unit}）" if r.computed is not None else ""))
        if r.method == "missing":
            out.append(f"   未填：按评价框架（defaults.missing）计 {fmt_points(r.rule_score)} 分"
                       + (f"；自评得分 {fmt_points(r.self_score)} 分计入" if r.self_score is not None else ""))
            out.append("")
            continue
        if r.method == "stated":
            out.append(f"   按表上得分 {fmt_points(r.score)} 分计：{r.self_score_reason or '规则无法重算'}")
            out.append("")
            continue
        if r.qualitative:
            out.append(f"   定性指标：档次「{r.tier.name if r.tier else '—'}」，自评得分 {fmt_points(r.self_score)}")
            out.append("")
            continue
        for i, p in enumerate(r.parts, 1):
            target = (f"{_n(p.target.value)}～{_n(p.target.upper)}" if p.target.op == BETWEEN
                      else f"{OP_SYMBOLS[p.target.op]} {_n(p.target.value)}")
            label = f"第 {i} 项：" if len(r.parts) > 1 else ""
            out.append(f"   {label}读作 目标 {target}{p.target.unit}，实际 {_n(p.actual)}{p.target.unit}；"
                       f"方法 {RULE_NAMES[p.rule]}，{DIRECTION_NAMES[DIRECTIONS[p.rule]]}："
                       f"{'完成' if p.met else '未完成'}")
            out.append(f"   {FORMULAS[p.rule]} = {_with_numbers(p.rule, p.actual, p.target.value)}"
                       f" = {_n(p.completion)}")
        if len(r.parts) > 1:
            out.append(f"   复合目标：各项完成率{'取平均' if ev.framework.defaults.compound == 'mean' else '取最小'}"
                       f" = {_n(r.completion)}")
        exact_score = r.completion * r.weight if r.completion is not None else None
        out.append(f"   得分 = 完成率 × 分值 = {_n(r.completion)} × {_n(r.weight)} = {_n(exact_score)}"
                   f" → {fmt_points(r.rule_score)}")
        if r.self_score is not None:
            out.append(f"   自评得分 {fmt_points(r.self_score)} 分计入（按规则 {fmt_points(r.rule_score)} 分）")
        out.append("")
    out += _standard_rows(ev)
    out += _other_rows(ev)
    return "\n".join(out).rstrip() + "\n"


def _standard_rows(ev: Evaluation) -> list[str]:
    """The standard-indicator rows: the value (formula with numbers, or as printed), the rule with its
    numbers, and the rounding."""
    from ..scoring import standard

    rows = [n for n in ev.scorecard.walk() if n.standard]
    if not rows:
        return []
    out = ["按标准公式计算的指标（由预算数据计算，或按表上所列的完成值）", ""]
    for n in rows:
        d = n.standard
        indicator = standard.find(d.indicator)
        parts = indicator.value(ev.params.budget, ev.metrics) if indicator else None
        out.append(f"{n.name}（分值 {fmt_points(n.max)}）")
        out.append(f"   {d.indicator} = {d.formula}")
        value = d.value
        if d.target == "未填":
            out.append(f"   目标值由部门填写，表上未填：计 {fmt_points(n.score)} 分")
        elif value is None:
            why = "分母为 0，不适用" if d.source == "undefined" else "预算数据未填，表上也未列完成值"
            out.append(f"   无法计算（{why}）：计 {fmt_points(n.score)} 分")
        else:
            if d.source == "form":
                out.append(f"   预算数据未填，按表上所列完成值 {_n(value)}%")
            else:
                out.append(f"   = {_n(parts[0])} ÷ {_n(parts[1])} × 100% = {_n(value)}%")
            out.append(f"   标准 {d.target}（{DIRECTION_WORDS.get(d.direction, d.direction)}），"
                       f"方法 {RULE_NAMES.get(d.rule or '', d.rule or '')}")
            out.append(f"   {_standard_score(n, value)}")
        out.append("")
    return out


STRATEGY_WORDS = {
    "monthly_mean": "各月末累计执行率的平均", "year_end": "全年支出 ÷ 调整后预算",
    "schedule": "各月对序时进度的完成程度（封顶 100%）的平均", "stated": "财政部门核定的年度评价执行率",
}


def _other_rows(ev: Evaluation) -> list[str]:
    """The execution-rate leaves (rate × points) and the judged rows (points − deductions)."""
    out = []
    for n in ev.scorecard.walk():
        if n.method == "execution_rate" and n.execution:
            rate, strategy = n.execution.rate, n.execution.strategy
            share = min(max(rate, Decimal(0)), Decimal(1))
            out += [f"{n.name}（分值 {fmt_points(n.max)}）",
                    f"   执行率 = {STRATEGY_WORDS.get(strategy, strategy)} = {_n(rate * 100)}%",
                    f"   得分 = min(执行率, 100%) × 分值 = {_n(share)} × {_n(n.max)} = {_n(share * n.max)} → "
                    f"{fmt_points(n.score)}", ""]
        elif n.kind == "management" and n.management is not None:
            cuts = [d for d in n.management.deductions]
            if n.management.score is not None:
                how = f"自评得分 {fmt_points(n.management.score)} 分计入"
            elif cuts:
                how = "扣分：" + "；".join(f"{d.reason} 扣 {fmt_points(d.points)} 分" for d in cuts) + "（扣完为止）"
            else:
                how = "无扣分"
            out += [f"{n.name}（分值 {fmt_points(n.max)}，评价人判断）", f"   {how} → 得分 {fmt_points(n.score)}", ""]
    return (["执行率与评价人判断的指标", ""] + out) if out else []


DIRECTION_WORDS = {"≤": "越低越好", "≥": "越高越好", "区间": "在区间内为好", "分档": "按档计分"}


def _standard_score(n, value: Decimal) -> str:  # a NodeResult
    """The score of a standard row with its numbers and rounding."""
    d, rounded = n.standard, fmt_points(n.score)
    rule = d.rule or ""
    if d.completion is not None:
        completion = d.completion
        return (f"{FORMULAS[rule]} = {_with_numbers(rule, value, d.target_value)} = {_n(completion)}；"
                f"得分 {_n(completion)} × {_n(n.max)} = {_n(completion * n.max)} → {rounded}（四舍五入到两位小数）")
    if rule == "per_point":
        beyond, deduct, step = d.beyond, d.per_point, d.step
        if not beyond:
            return f"未偏离标准：得满分 {rounded}"
        units = beyond // step if step else beyond
        per = f"每 {_n(step)} 个百分点" if step else "每个百分点"
        return (f"偏离标准 {_n(beyond)} 个百分点，{per}扣 {_n(deduct)} 分：扣 {_n(units * deduct)} 分，"
                f"得分 max({_n(n.max)} − {_n(units * deduct)}, 0) → {rounded}（扣完为止）")
    if rule == "banded":
        return f"按 {_n(value)}% 所在的档计分 → 得分 {rounded}"
    return f"得分 {rounded}"
