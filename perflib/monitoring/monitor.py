"""Scoring and auditing a monitoring snapshot: a light for every indicator and for the spending, and findings.

Per indicator: the annual target and the value to date are read with the same parser as the year-end
targets; each comparison gets an expected value (a cumulative target × N/12; a rate its target), a
progress (to date ÷ expected, %) and a light from the rules' bands; reverse and zero targets are green
within the target and red outside it; a qualitative one is read from its words. A compound target takes
its worst light. Spending: the execution rate to date against the checkpoint of the month (or N/12).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..audit import TOPICS as YEAR_END_TOPICS
from ..errors import Finding, InputError, InputErrors, Problems, TargetError, by_level, line_of
from ..evaluation import given
from ..inputs.params import load_params
from ..inputs.schema import ParamsFile
from ..numbers import ZERO, exact, fmt_number, fmt_percent, plain, quantize, ratio
from ..scoring import methods, outcomes
from ..scoring.targets import Parsed, Part, convert, parse
from .rules import BEHIND, LIGHT_NAMES, LIGHTS, Rules, available, find_rules, lamp, load_rules, rules_dir_for
from .snapshot import Snapshot, YearFigures, load_snapshot, money_unit, year_figures, year_file_of

SEVERITY = ("red", "yellow", "grey", "green", "blue")  # worst first: a compound target takes the worst
CODES = ("LAG_WITHOUT_REASON", "CERTAIN_BUT_RED", "FORECAST_BELOW_TARGET", "SPENDING_BEHIND_CHECKPOINT",
         "SPENT_AHEAD_OF_TARGETS", "SPENT_OVER_BUDGET", "CONTRADICTS_YEAR_END", "NOT_REPORTED", "QUALITATIVE_UNCLEAR",
         "MONTHLY_INCONSISTENT")
#: how a spending light above the annual budget is labelled wherever it is shown
OVER_BUDGET = "超出全年预算"


# reviewed in the monitoring report's own chapter, no year-end topic — except a finding the year-end audit
# raises too (SPENT_OVER_BUDGET: the same fact at month N), which keeps the code, and the topic, it has there
Finding.declare(dict.fromkeys(c for c in CODES if c not in YEAR_END_TOPICS))


@dataclass(frozen=True)
class IndicatorLight:
    name: str
    target: str
    to_date: str
    expected: Decimal | None  # of the first comparison, in the target's unit
    progress: Decimal | None  # to date ÷ expected, % (the worst comparison's)
    light: str
    direction: str  # more, less, zero, range, qualitative
    likely: str | None
    forecast: str | None
    reason: str | None
    measures: str | None
    share: Decimal | None = None  # to date ÷ annual target (cumulative "more" targets), for the spending gap


@dataclass(frozen=True)
class SpendingLight:
    name: str  # 合计, a fund type, or a key project
    budget: Decimal
    spent: Decimal
    rate: Decimal | None  # spent ÷ budget
    expected: Decimal  # the rate expected by month N (checkpoint or N/12)
    light: str

    @property
    def over(self) -> bool:
        """Spent above the annual budget (anything spent without a budget included)."""
        return self.spent > self.budget

    @property
    def behind(self) -> bool:
        """Behind what the rules expect by month N: its light says so (:data:`~.rules.BEHIND`), and it is not
        over the budget. SPENDING_BEHIND_CHECKPOINT and the overview's slow spenders read this, not a rule
        of their own."""
        return not self.over and self.light in BEHIND

    @property
    def lamp(self) -> str:
        return spending_lamp(self.light, over=self.over)


def spending_lamp(light: str, *, over: bool) -> str:
    """A spending light as a symbol and a word, and why when it is not about pace: ■ 红灯（超出全年预算）."""
    return lamp(light) + (f"（{OVER_BUDGET}）" if over else "")


@dataclass(frozen=True)
class Monitoring:
    path: Path | None
    snapshot: Snapshot
    rules: Rules
    department: str
    unit: str
    indicators: tuple[IndicatorLight, ...]
    spending: tuple[SpendingLight, ...]  # the total first
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def month(self) -> int:
        return self.snapshot.month

    def amount(self, value: Decimal | None) -> str:
        """An amount of this snapshot with its unit: ``8,000,000.00 元``."""
        return amount(value, self.unit)

    @property
    def cumulative_rates(self) -> tuple[Decimal | None, ...]:
        """Month-end cumulative execution rates for months 1–N (of the funds' budget), when the snapshot
        gives its monthly series; empty otherwise."""
        budget = self.spending[0].budget
        return tuple(ratio(v, budget) for v in self.snapshot.budget.monthly or ())

    def __repr__(self) -> str:
        counts = "，".join(f"{LIGHT_NAMES[lt]} {sum(1 for i in self.indicators if i.light == lt)}" for lt in LIGHTS
                          if any(i.light == lt for i in self.indicators))
        return f"<Monitoring {self.department} {self.snapshot.year} 年 1–{self.month} 月：{counts}>"

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``perflib monitor --json`` (rates and progress in %, 2 decimals)."""
        total, *parts = self.spending

        def spend(s: SpendingLight) -> dict[str, Any]:
            return {"name": s.name, "budget": plain(s.budget), "spent": plain(s.spent),
                    "rate": plain(_pct(s.rate)), "expected": plain(_pct(s.expected)), "light": s.light,
                    "over_budget": s.over, "behind": s.behind}

        return {
            "department": self.department, "code": self.snapshot.department.code, "year": self.snapshot.year,
            "month": self.month, "rules": self.rules.id, "rules_name": self.rules.name, "money_unit": self.unit,
            "spending": {**spend(total), "parts": [spend(s) for s in parts],
                         "cumulative_rates": [plain(_pct(r)) for r in self.cumulative_rates] or None},
            "indicators": [
                {"name": i.name, "target": i.target, "to_date": i.to_date,
                 "expected": plain(quantize(i.expected, 4)) if i.expected is not None else None,
                 "progress": plain(quantize(i.progress, 2)) if i.progress is not None else None,
                 "light": i.light, "direction": i.direction, "likely": i.likely, "forecast": i.forecast,
                 "reason": i.reason, "measures": i.measures}
                for i in self.indicators
            ],
            "next_steps": list(self.snapshot.next_steps),
            "findings": [f.as_dict() for f in self.findings],
        }


def amount(value: Decimal | None, unit: str) -> str:
    """An amount as every monitoring text prints it: two decimals, half up, thousands separated, with its unit."""
    return f"{fmt_number(value)} {unit}" if value is not None else "—"


def _pct(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else quantize(rate * 100, 2)


def _pairs(target: Parsed, to_date: Parsed, where: tuple, field_name: str, text: str,
           problems: Problems) -> list[tuple[Any, Decimal]]:
    """Each comparison of the target with its value to date, in the target's unit."""
    if len(to_date.parts) != len(target.parts):
        problems.add(where + (field_name,), "项数与年度指标值不一致",
                     expected=f"{len(target.parts)} 项（与目标「{target.text}」逐项对应）", found=text)
        return []
    out = []
    for part, value in zip(target.parts, to_date.parts):
        converted = convert(value.value, value.unit, part.unit)
        if converted is None:
            problems.add(where + (field_name,), "单位与年度指标值不可比", expected=f"单位「{part.unit}」",
                         found=f"{value.value}{value.unit}")
            return []
        out.append((part, converted))
    return out


@dataclass(frozen=True)
class Inputs:
    """What a snapshot is lit by: the snapshot, the year's file beside it (when there is one), the rules."""

    path: Path  # the snapshot's file (for messages; it need not exist: a form checked in memory)
    snapshot: Snapshot
    year: ParamsFile | None
    rules: Rules
    lines: dict[tuple, int] = field(default_factory=dict)  # the snapshot's line numbers, for messages


def load(path: str | Path, *, rules_dir: str | Path | None = None) -> Inputs:
    """Read the snapshot at ``path``, the year's file beside it and the rules it names; raise InputErrors."""
    path = Path(path)
    snapshot, lines = load_snapshot(path)
    return Inputs(path, snapshot, year_of(path, snapshot), rules_of(snapshot, path, rules_dir=rules_dir, lines=lines),
                  lines)


def year_of(path: Path, snapshot: Snapshot) -> ParamsFile | None:
    """The year's file beside a snapshot (``<code>/<year>.yaml``), when there is one."""
    beside = year_file_of(path, snapshot.year)
    return load_params(beside)[0] if beside.is_file() else None


def rules_of(snapshot: Snapshot, path: Path, *, rules_dir: str | Path | None = None,
             lines: dict[tuple, int] | None = None) -> Rules:
    """The rules a snapshot names, from ``rules_dir`` (by default the params folder's) or the bundled ones."""
    folder = Path(rules_dir) if rules_dir else rules_dir_for(path)
    rules_file = find_rules(snapshot.rules, folder)
    if rules_file is None:
        raise InputErrors([InputError(path, "rules", "找不到该监控规则", expected=f"以下之一：{'、'.join(available(folder))}",
                                      found=snapshot.rules, line=line_of(lines or {}, ("rules",)))])
    return load_rules(rules_file)


def monitor(path: str | Path, *, rules_dir: str | Path | None = None) -> Monitoring:
    """Read the snapshot at ``path`` (and its year file, when there is one), light it and audit it.

    In a notebook the batch runs, the batch's own result for ``path`` is returned (see
    :func:`perflib.evaluation.given`)."""
    handed = given(path)
    if isinstance(handed, Monitoring):
        return handed
    return light(load(path, rules_dir=rules_dir))


@exact
def light(inputs: Inputs) -> Monitoring:
    """Light every indicator and the spending of ``inputs`` and audit them; raise InputErrors naming what
    cannot be read. Pure: nothing is read from disk."""
    snapshot, year, rules, path = inputs.snapshot, inputs.year, inputs.rules, inputs.path
    problems = Problems(path, inputs.lines)
    elapsed = Decimal(snapshot.month) / 12
    targets = {ind.name: ind for ind in year.indicators} if year else {}
    lights: list[IndicatorLight] = []
    for i, ind in enumerate(snapshot.indicators):
        where = ("indicators", i)
        written = ind.target or (targets[ind.name].target if ind.name in targets else None)
        if year is not None and ind.name not in targets:
            problems.add(where + ("name",), "年度目标中没有这个指标", expected=f"{snapshot.year}.yaml 中的指标名称",
                         found=ind.name)
            continue
        if written is None:
            problems.add(where + ("target",), "须填写年度指标值（没有年度文件时）", found=None)
            continue
        try:
            target, to_date = parse(written), parse(ind.to_date)
        except TargetError as exc:
            problems.add(where + ("to_date" if exc.text == ind.to_date else "target",), exc.reason, found=exc.text)
            continue
        if not target.qualitative and to_date.qualitative:
            problems.add(where + ("to_date",), "无法读取完成值", expected=f"可与年度指标值「{written}」比较的数值",
                         found=ind.to_date)
            continue
        if target.qualitative:
            light = rules.read_qualitative(ind.to_date, written)
            lights.append(IndicatorLight(ind.name, written, ind.to_date, None, None, light, "qualitative",
                                         ind.likely, ind.forecast, ind.reason, ind.measures))
            continue
        pairs = _pairs(target, to_date, where, "to_date", ind.to_date, problems)
        if not pairs:
            continue
        worst: tuple[str, Decimal | None, Decimal | None, str] | None = None
        shares = []
        method = _method_of(targets.get(ind.name))
        for part, value in pairs:
            rule = methods.part_completion(part.op, value, part.value, upper=part.upper, method=method)[1]
            direction = methods.DIRECTIONS[rule]
            if direction == "more" and part.value <= 0:
                # a target of 0 or less ("≥-5%": a change rate): no share of it can be expected by month N
                expected, progress = part.value, None
                light = "green" if methods.rule_met(rule, value, part.value, part.upper) else "red"
            elif direction == "more":
                level = part.unit in rules.level_units
                expected = part.value if level else part.value * elapsed
                progress = ratio(value * 100, expected)
                light = rules.light(progress) if progress is not None else "green"
                if not level and part.value:
                    shares.append(min(value / part.value, Decimal(1)))
            else:
                expected, progress = part.value, None
                light = "green" if methods.rule_met(rule, value, part.value, part.upper) else "red"
            if worst is None or SEVERITY.index(light) < SEVERITY.index(worst[0]):
                worst = (light, expected, progress, direction)
        light, expected, progress, direction = worst  # type: ignore[misc]
        share = sum(shares, ZERO) / len(shares) if shares else None
        lights.append(IndicatorLight(ind.name, written, ind.to_date, expected, progress, light, direction,
                                     ind.likely, ind.forecast, ind.reason, ind.measures, share))
    unit = money_unit(snapshot, year)
    figures = year_figures(year, unit)
    spending = _spending(snapshot, figures, rules, where_problems=problems)
    problems.raise_if_any()
    name = snapshot.department.name or (year.department.name if year else snapshot.department.code)
    findings = audit(Lit(snapshot, rules, unit, tuple(lights), tuple(spending)), year, targets, figures)
    return Monitoring(path, snapshot, rules, name, unit, tuple(lights), tuple(spending), tuple(findings))


def _spending(snapshot: Snapshot, year: YearFigures, rules: Rules, *, where_problems: Problems) -> list[SpendingLight]:
    budgets, projects = year.budgets, year.projects
    checkpoint = rules.checkpoint(snapshot.month)
    expected = checkpoint[1] / 100 if checkpoint else Decimal(snapshot.month) / 12

    def light(name: str, budget: Decimal, spent: Decimal) -> SpendingLight:
        rate = ratio(spent, budget)
        progress = ratio(rate * 100, expected) if rate is not None else None
        return SpendingLight(name, budget, spent, rate, expected, rules.spending_light(progress, over=spent > budget))

    funds, projects_lit = [], []
    for i, fund in enumerate(snapshot.budget.funds):
        budget = fund.budget if fund.budget is not None else budgets.get(fund.type)
        if budget is None:
            where_problems.add(("budget", "funds", i, "budget"), "须填写全年预算数（年度文件中没有该资金性质）",
                               found=None)
            continue
        funds.append(light(fund.type, budget, fund.spent))
    for i, project in enumerate(snapshot.budget.key_projects):
        budget = project.budget if project.budget is not None else projects.get(project.name)
        if budget is None:
            where_problems.add(("budget", "key_projects", i, "budget"), "须填写全年预算数", found=None)
            continue
        projects_lit.append(light(project.name, budget, project.spent))
    total = light("合计", sum((f.budget for f in funds), ZERO), sum((f.spent for f in funds), ZERO))
    return [total, *funds, *projects_lit]


def _method_of(year_indicator) -> str:  # the year file's Indicator, or None
    """The scoring method the year file gives an indicator (its direction), as the year-end scoring uses it; a
    row scored as its form states (``stated``: no rule, no direction) is monitored by its target's operator."""
    method = getattr(year_indicator, "method", None)
    return (method if method in methods.INDICATOR_METHODS
            and method not in ("auto", "qualitative", "range", methods.STATED) else "auto")


@dataclass(frozen=True)
class Lit:
    """A snapshot with its lights, as the review reads it."""

    snapshot: Snapshot
    rules: Rules
    unit: str  # of every amount (万元 or 元)
    indicators: tuple[IndicatorLight, ...]
    spending: tuple[SpendingLight, ...]  # the total first

    @property
    def month(self) -> int:
        return self.snapshot.month

    def amount(self, value: Decimal) -> str:
        return amount(value, self.unit)


def audit(m: Lit, year: ParamsFile | None, targets: dict, figures: YearFigures) -> list[Finding]:
    """What a reviewer of a monitoring snapshot would raise."""
    out: list[Finding] = []
    for i in m.indicators:
        if i.light in m.rules.reason_required and not (i.reason and i.measures):
            missing = "、".join(w for w, v in (("偏差原因", i.reason), ("改进措施", i.measures)) if not v)
            out.append(Finding("warning", "LAG_WITHOUT_REASON",
                               f"指标「{i.name}」为{LIGHT_NAMES[i.light]}，未填写{missing}。", i.name))
        if i.likely == "确定能" and i.light == "red":
            out.append(Finding("warning", "CERTAIN_BUT_RED",
                               f"指标「{i.name}」为红灯，完成可能性却填“确定能”，前后矛盾。", i.name))
        if i.likely == "确定能" and i.forecast:
            reached = forecast_reaches(i.forecast, i.target, _method_of(targets.get(i.name)))
            if reached is not None:
                short = [str(part) for part, met in reached if met is False]
                if short:
                    out.append(Finding("warning", "FORECAST_BELOW_TARGET",
                                       f"指标「{i.name}」全年预计完成 {i.forecast}，达不到目标 {i.target}，"
                                       "完成可能性却填“确定能”。", i.name))
        if i.light == "grey" and i.direction == "qualitative":
            out.append(Finding("info", "QUALITATIVE_UNCLEAR",
                               f"定性指标「{i.name}」的完成情况“{i.to_date}”无法判断达成与否"
                               f"（可写：{outcomes.HOW_TO_WRITE}）。", i.name))
    total = m.spending[0]
    checkpoint = m.rules.checkpoint(m.month)
    if total.behind:
        required = (f"低于 {checkpoint[0]} 月末应达的 {fmt_percent(total.expected)}" if checkpoint
                    else f"落后于序时进度 {fmt_percent(total.expected)}")
        out.append(Finding("warning", "SPENDING_BEHIND_CHECKPOINT",
                           f"截至 {m.month} 月末累计执行率 {fmt_percent(total.rate)}，{required}（{total.lamp}）。",
                           "支出进度"))
    for s in m.spending[1:]:  # each fund and key project (the total is over only where one of them is)
        if s.over:
            out.append(Finding("warning", "SPENT_OVER_BUDGET",
                               f"{s.name} 1–{m.month} 月执行 {m.amount(s.spent)}，超出全年预算 {m.amount(s.budget)}"
                               f"（执行率 {fmt_percent(s.rate)}）：请核对执行数，或预算是否已调整。", s.name))
    shares = [i.share for i in m.indicators if i.share is not None]
    if m.rules.spending.gap is not None and shares and total.rate is not None:
        target_pct = sum(shares, ZERO) / len(shares) * 100
        if total.rate * 100 - target_pct > m.rules.spending.gap:
            out.append(Finding("warning", "SPENT_AHEAD_OF_TARGETS",
                               f"支出进度 {fmt_percent(total.rate)} 超过绩效目标平均完成进度 "
                               f"{quantize(target_pct, 2)}% 达 {quantize(total.rate * 100 - target_pct, 2)} 个百分点"
                               f"（允许 {m.rules.spending.gap} 个百分点）：资金已支出，产出尚未跟上。", "支出进度"))
    out += _monthly(m)
    if year is not None:
        reported = {i.name for i in m.indicators}
        for name in targets:
            if name not in reported:
                out.append(Finding("warning", "NOT_REPORTED", f"年度指标「{name}」未在监控中填报。", name))
        out += _contradictions(m, year, figures)
    return by_level(out)


def forecast_reaches(forecast: str, target: str, method: str = "auto") -> list[tuple[Part, bool | None]] | None:
    """Each part of ``target`` and whether ``forecast`` (全年预计完成值) reaches it under ``method`` — None for a
    part whose unit the forecast's does not convert to; None for the whole when they cannot be compared (either
    unreadable, the target qualitative, or a different number of parts)."""
    try:
        value, goal = parse(forecast), parse(target)
    except TargetError:
        return None
    if goal.qualitative or len(value.parts) != len(goal.parts):
        return None
    out: list[tuple[Part, bool | None]] = []
    for part, got in zip(goal.parts, value.parts):
        converted = convert(got.value, got.unit, part.unit)
        if converted is None:
            out.append((part, None))
            continue
        rule = methods.part_completion(part.op, converted, part.value, upper=part.upper, method=method)[1]
        out.append((part, methods.rule_met(rule, converted, part.value, part.upper)))
    return out


def _monthly(m: Lit) -> list[Finding]:
    """A month-end cumulative series that falls, or whose last month is not the funds' spending to date."""
    monthly = m.snapshot.budget.monthly
    if not monthly:
        return []
    out = []
    falls = [i + 1 for i in range(1, len(monthly)) if monthly[i] < monthly[i - 1]]
    if falls:
        out.append(Finding("warning", "MONTHLY_INCONSISTENT",
                           f"月末累计支出在 {'、'.join(f'{mo} 月' for mo in falls)}比上月减少：累计数不会下降，请核对是否填成了当月数。",
                           "月度支出"))
    spent = m.spending[0].spent
    if monthly[-1] != spent:
        out.append(Finding("warning", "MONTHLY_INCONSISTENT",
                           f"{m.month} 月末累计支出 {m.amount(monthly[-1])}与各资金 1–{m.month} 月执行数合计 "
                           f"{m.amount(spent)}不一致。", "月度支出"))
    return out


def _contradictions(m: Lit, year: ParamsFile, figures: YearFigures) -> list[Finding]:
    """Figures to date above the year-end ones (a cumulative value cannot fall after month N)."""
    out = []
    actuals = {ind.name: ind.actual for ind in year.indicators if ind.actual}
    for i in m.indicators:
        if i.direction != "more" or i.name not in actuals or i.share is None:
            continue
        try:
            to_date, final, target = parse(i.to_date), parse(actuals[i.name]), parse(i.target)
        except TargetError:
            continue
        if len(to_date.parts) == len(final.parts) == len(target.parts):
            for part, now, end in zip(target.parts, to_date.parts, final.parts):
                a, b = convert(now.value, now.unit, part.unit), convert(end.value, end.unit, part.unit)
                if a is not None and b is not None and a > b:
                    out.append(Finding("warning", "CONTRADICTS_YEAR_END",
                                       f"指标「{i.name}」1–{m.month} 月完成 {i.to_date}，多于年度实际完成 {actuals[i.name]}。",
                                       i.name))
                    break
    spent = figures.spent  # in the snapshot's unit
    for s in m.spending[1:]:
        if s.name in spent and s.spent > spent[s.name]:
            out.append(Finding("warning", "CONTRADICTS_YEAR_END",
                               f"{s.name} 1–{m.month} 月执行 {m.amount(s.spent)}，多于全年支出 {m.amount(spent[s.name])}。",
                               s.name))
    return out
