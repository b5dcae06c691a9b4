"""Budget and execution metrics (预算与执行): totals, rates, the annual evaluation execution rate.

Rates are returned as Decimal fractions (0.9854), never rounded: rounding is for display
(:func:`perflib.numbers.percent`) and for points.

The 年度评价执行率 that Guangzhou scores (部门预算资金支出率) is, by default, the mean of the twelve
month-end cumulative execution rates (cumulative spending to month m ÷ the adjusted budget). That
is the only reading that fits the worked example (47.78 % for a year that ended at 98.54 %).
Other strategies: ``year_end`` (spent ÷ budget), ``schedule`` (mean monthly attainment of a
spending schedule, capped at 100 %) and ``stated`` (the rate the finance bureau gives).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext

from ..inputs.schema import Execution, Fund, KeyProject, Monthly
from ..numbers import CONTEXT, ONE, ZERO, ratio

MONTHS = tuple(range(1, 13))
#: Spending evenly all year: the mean of m/12 over the twelve months, 6.5/12 = 54.17 %.
with localcontext(CONTEXT):  # at import, whatever context the importing thread has
    EVEN_SPENDING_RATE = sum((Decimal(m) / 12 for m in MONTHS), ZERO) / 12
#: A spending schedule for flagging slow spending: 25 % by April, 40 % by June, 60 % by August,
#: 80 % by October (Sichuan's monitoring thresholds, 川财绩〔2025〕10号 as summarised publicly).
DEFAULT_SCHEDULE = {4: Decimal("0.25"), 6: Decimal("0.40"), 8: Decimal("0.60"), 10: Decimal("0.80")}
EXECUTION_STRATEGIES = ("monthly_mean", "year_end", "schedule", "stated")
EXECUTION_BASES = ("adjusted", "initial")


@dataclass(frozen=True)
class ExecutionRule:
    """How a framework scores budget execution — the one place its defaults are written.

    ``strategy`` is one of :data:`EXECUTION_STRATEGIES`; ``base`` the budget it is measured against
    (``adjusted`` or ``initial``); ``schedule`` the spending schedule of the ``schedule`` strategy as
    (month, required cumulative rate) pairs, None for the even m/12.
    """

    strategy: str = "monthly_mean"
    base: str = "adjusted"
    schedule: tuple[tuple[int, Decimal], ...] | None = None
    part: str | None = None  # 基本支出, 项目支出, 重点项目 or a fund type: that part's year-end rate only


@dataclass(frozen=True)
class FundMetrics:
    """One fund type's amounts and rates."""

    type: str
    initial: Decimal | None
    adjusted: Decimal
    spent: Decimal
    execution_rate: Decimal | None  # spent ÷ adjusted
    adjustment_rate: Decimal | None  # (adjusted − initial) ÷ initial


@dataclass(frozen=True)
class ProjectMetrics:
    """A key project's budget, spending and execution rate."""

    name: str
    budget: Decimal
    spent: Decimal
    execution_rate: Decimal | None
    stated_rate: Decimal | None  # as a fraction


@dataclass(frozen=True)
class EvaluationRate:
    """The annual evaluation execution rate (年度评价执行率) and how it was obtained."""

    rate: Decimal | None
    strategy: str  # monthly_mean, year_end, schedule, stated
    source: str  # "monthly" (from the series), "budget" (year-end), "stated"


@dataclass(frozen=True)
class Metrics:
    """Everything perflib computes from the budget and spending of one department-year."""

    unit: str
    funds: tuple[FundMetrics, ...]
    initial: Decimal | None
    adjusted: Decimal
    spent: Decimal
    execution_rate: Decimal | None  # 年度预算执行率
    adjustment_rate: Decimal | None  # 预算调整率
    cumulative: tuple[Decimal, ...] | None  # month-end cumulative spending
    cumulative_rates: tuple[Decimal, ...] | None  # … ÷ adjusted budget
    monthly_mean_rate: Decimal | None  # mean of month-end cumulative rates
    stated_evaluation_rate: Decimal | None
    evaluation: EvaluationRate  # the rate the framework scores
    projects: tuple[ProjectMetrics, ...] = field(default_factory=tuple)
    kinds: tuple[FundMetrics, ...] = field(default_factory=tuple)  # by expenditure kind, when given

    @property
    def evaluation_rate(self) -> Decimal | None:
        return self.evaluation.rate

    @property
    def even_spending_rate(self) -> Decimal:
        """均衡支出水平: the mean of the month-end rates had the year's spending been spread evenly over the
        months — 54.17 % × the year-end execution rate (at most 100 %). The one level the report's text,
        its table and the audit compare with."""
        year_end = min(self.execution_rate, ONE) if self.execution_rate is not None else ONE
        with localcontext(CONTEXT):
            return EVEN_SPENDING_RATE * year_end

    def __repr__(self) -> str:
        return (f"<Metrics 调整后预算 {self.adjusted} {self.unit}，支出 {self.spent} {self.unit}，"
                f"{len(self.funds)} 种资金性质，{len(self.projects)} 个重点项目>")


def total(values: Sequence[Decimal | None]) -> Decimal | None:
    """Sum, or None when any value is missing."""
    if any(v is None for v in values):
        return None
    return sum(values, ZERO)  # type: ignore[arg-type]


def execution_rate(spent: Decimal, budget: Decimal) -> Decimal | None:
    """预算执行率: spent ÷ budget (None when the budget is zero)."""
    return ratio(spent, budget)


def adjustment_rate(initial: Decimal | None, adjusted: Decimal) -> Decimal | None:
    """预算调整率: (adjusted − initial) ÷ initial; negative when the budget was cut."""
    if initial is None:
        return None
    return ratio(adjusted - initial, initial)


def cumulative(monthly: Monthly) -> tuple[Decimal, ...]:
    """Month-end cumulative spending from a series given either way."""
    if monthly.basis == "cumulative":
        return tuple(monthly.values)
    out, running = [], ZERO
    for value in monthly.values:
        running += value
        out.append(running)
    return tuple(out)


def cumulative_rates(cum: Sequence[Decimal], budget: Decimal) -> tuple[Decimal, ...] | None:
    """Month-end cumulative execution rates (each capped at 100 %)."""
    if budget == 0:
        return None
    return tuple(min(c / budget, ONE) for c in cum)


def monthly_mean_rate(rates: Sequence[Decimal]) -> Decimal:
    """Mean of the month-end cumulative rates."""
    return sum(rates, ZERO) / len(rates)


def schedule_rate(rates: Sequence[Decimal], schedule: dict[int, Decimal] | None = None) -> Decimal:
    """Mean monthly attainment of a schedule (序时进度, m/12 by default), each month capped at 100 %."""
    months = schedule or {m: Decimal(m) / 12 for m in MONTHS}
    parts = [min(rates[m - 1] / required, ONE) if required else ONE for m, required in months.items()]
    return sum(parts, ZERO) / len(parts)


def evaluation_rate(
    strategy: str,
    *,
    rates: Sequence[Decimal] | None,
    year_end: Decimal | None,
    stated: Decimal | None,
    schedule: dict[int, Decimal] | None = None,
) -> EvaluationRate:
    """The annual evaluation execution rate under ``strategy``.

    When the strategy needs the monthly series and there is none, the stated rate is used
    (the finance bureau computes it from treasury data); ``source`` says which was used.
    """
    if strategy == "year_end":
        return EvaluationRate(year_end, strategy, "budget")
    if strategy == "stated" or rates is None:
        return EvaluationRate(stated, strategy, "stated")
    if strategy == "monthly_mean":
        return EvaluationRate(monthly_mean_rate(rates), strategy, "monthly")
    if strategy == "schedule":
        return EvaluationRate(schedule_rate(rates, schedule), strategy, "monthly")
    raise ValueError(f"unknown execution-rate strategy {strategy!r}")


def schedule_lags(
    rates: Sequence[Decimal], schedule: dict[int, Decimal] | None = None
) -> list[tuple[int, Decimal, Decimal]]:
    """Months where cumulative execution is behind the schedule: (month, rate, required)."""
    schedule = DEFAULT_SCHEDULE if schedule is None else schedule
    return [(m, rates[m - 1], req) for m, req in schedule.items() if rates[m - 1] < req]


def compute(
    funds: Sequence[Fund],
    execution: Execution,
    projects: Sequence[KeyProject] = (),
    *,
    unit: str = "万元",
    rule: ExecutionRule = ExecutionRule(),
    kinds: Sequence = (),
) -> Metrics:
    """All budget metrics of one department-year, the evaluation execution rate under ``rule``."""
    fund_metrics = tuple(
        FundMetrics(
            f.type, f.initial, f.adjusted, f.spent,
            execution_rate(f.spent, f.adjusted), adjustment_rate(f.initial, f.adjusted),
        )
        for f in funds
    )
    initial = total([f.initial for f in funds])
    adjusted = sum((f.adjusted for f in funds), ZERO)
    spent = sum((f.spent for f in funds), ZERO)
    cum = cumulative(execution.monthly) if execution.monthly else None
    rates = cumulative_rates(cum, adjusted) if cum else None
    stated = execution.stated_rate / 100 if execution.stated_rate is not None else None
    metrics = Metrics(
        unit=unit,
        funds=fund_metrics,
        initial=initial,
        adjusted=adjusted,
        spent=spent,
        execution_rate=execution_rate(spent, adjusted),
        adjustment_rate=adjustment_rate(initial, adjusted),
        cumulative=cum,
        cumulative_rates=rates,
        monthly_mean_rate=monthly_mean_rate(rates) if rates else None,
        stated_evaluation_rate=stated,
        evaluation=EvaluationRate(None, rule.strategy, "stated"),
        projects=tuple(
            ProjectMetrics(
                p.name, p.budget, p.spent, execution_rate(p.spent, p.budget),
                p.stated_rate / 100 if p.stated_rate is not None else None,
            )
            for p in projects
        ),
        kinds=tuple(
            FundMetrics(k.kind, k.initial, k.adjusted, k.spent, execution_rate(k.spent, k.adjusted),
                        adjustment_rate(k.initial, k.adjusted))
            for k in kinds
        ),
    )
    return replace(metrics, evaluation=rate_for(metrics, rule))


#: the parts an execution-rate leaf may be measured on, besides a fund type's name
KINDS = ("基本支出", "项目支出")
KEY_PROJECTS = "重点项目"


def part_amounts(metrics: Metrics, part: str) -> tuple[Decimal | None, Decimal | None, Decimal] | None:
    """(initial, adjusted, spent) of a part of the budget — an expenditure kind, a fund type, or the key
    projects together — or None when the input does not give that part."""
    if part == KEY_PROJECTS:
        if not metrics.projects:
            return None
        budget = sum((p.budget for p in metrics.projects), ZERO)
        return budget, budget, sum((p.spent for p in metrics.projects), ZERO)
    found = next((f for f in (*metrics.kinds, *metrics.funds) if f.type == part), None)
    return None if found is None else (found.initial, found.adjusted, found.spent)


def rate_for(metrics: Metrics, rule: ExecutionRule) -> EvaluationRate:
    """The evaluation execution rate of ``metrics`` under ``rule`` (its strategy, against its base budget;
    for a ``part`` of the budget, that part's year-end rate)."""
    if rule.part is not None:
        amounts = part_amounts(metrics, rule.part)
        if amounts is None:
            return EvaluationRate(None, "year_end", f"part:{rule.part}")
        initial, adjusted, spent = amounts
        base = adjusted if rule.base == "adjusted" or initial is None else initial
        return EvaluationRate(execution_rate(spent, base), "year_end", f"part:{rule.part}")
    budget = metrics.adjusted if rule.base == "adjusted" or metrics.initial is None else metrics.initial
    rates = cumulative_rates(metrics.cumulative, budget) if metrics.cumulative else None
    return evaluation_rate(
        rule.strategy,
        rates=rates,
        year_end=execution_rate(metrics.spent, budget),
        stated=metrics.stated_evaluation_rate,
        schedule=dict(rule.schedule) if rule.schedule else None,
    )


def metric_values(metrics: Metrics) -> dict[str, Decimal | None]:
    """The metrics a banded framework leaf can read, rates in percent (98.54, not 0.9854)."""
    projects_budget = sum((p.budget for p in metrics.projects), ZERO)
    projects_spent = sum((p.spent for p in metrics.projects), ZERO)
    as_pct = lambda r: None if r is None else r * 100  # noqa: E731
    adjustment = as_pct(metrics.adjustment_rate)
    return {
        "execution_rate": as_pct(metrics.execution_rate),
        "evaluation_rate": as_pct(metrics.evaluation_rate),
        "budget_adjustment_rate": adjustment,
        "budget_adjustment_rate_abs": None if adjustment is None else abs(adjustment),
        "key_project_execution_rate": as_pct(ratio(projects_spent, projects_budget)),
    }
