"""Budget metrics and execution-rate strategies (table-driven)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perflib.inputs.schema import Execution, Fund, KeyProject, Monthly
from perflib.numbers import percent
from perflib.scoring import budget

D = Decimal
EXAMPLE_CUM = [D(x) for x in "212.46 486.91 803.57 1148.32 1597.80 2096.45 2803.16 3398.72 3880.18 4538.67 4905.36 5369.24".split()]
EXAMPLE_FUNDS = [
    Fund(type="一般公共预算", initial=D("3024.25"), adjusted=D("3168.02"), spent=D("3107.04")),
    Fund(type="政府性基金预算", initial=D("2668.34"), adjusted=D("2280.71"), spent=D("2262.2")),
]


def metrics(**kw):
    execution = kw.pop("execution", Execution(monthly=Monthly(basis="cumulative", values=EXAMPLE_CUM)))
    rule = budget.ExecutionRule(**{k: kw.pop(k) for k in ("strategy", "base", "schedule") if k in kw})
    return budget.compute(EXAMPLE_FUNDS, execution, kw.pop("projects", []), rule=rule, **kw)


def test_even_spending_level() -> None:
    assert percent(budget.EVEN_SPENDING_RATE) == D("54.17")


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [("monthly_mean", "47.78"), ("year_end", "98.54"), ("schedule", "78.61")],
)
def test_strategies(strategy: str, expected: str) -> None:
    assert percent(metrics(strategy=strategy).evaluation_rate) == D(expected)


def test_stated_strategy_and_fallback() -> None:
    stated = Execution(stated_rate=D("47.78"))
    m = metrics(execution=stated)
    assert (percent(m.evaluation_rate), m.evaluation.source) == (D("47.78"), "stated")
    both = Execution(monthly=Monthly(basis="cumulative", values=EXAMPLE_CUM), stated_rate=D("50"))
    assert percent(metrics(execution=both, strategy="stated").evaluation_rate) == D("50")
    assert metrics(execution=both).evaluation.source == "monthly"


@pytest.mark.parametrize(
    ("initial", "adjusted", "expected"),
    [("5692.59", "5448.73", "-4.28"), ("100", "110", "10.00"), ("100", "100", "0.00")],
)
def test_adjustment_rate(initial: str, adjusted: str, expected: str) -> None:
    assert percent(budget.adjustment_rate(D(initial), D(adjusted))) == D(expected)


def test_adjustment_rate_without_initial() -> None:
    assert budget.adjustment_rate(None, D(5)) is None


def test_rates_by_fund_and_zero_budget() -> None:
    m = metrics()
    assert [percent(f.execution_rate) for f in m.funds] == [D("98.08"), D("99.19")]
    assert budget.execution_rate(D(5), D(0)) is None


def test_cumulative_from_monthly() -> None:
    per_month = [EXAMPLE_CUM[0]] + [EXAMPLE_CUM[i] - EXAMPLE_CUM[i - 1] for i in range(1, 12)]
    assert budget.cumulative(Monthly(basis="monthly", values=per_month)) == tuple(EXAMPLE_CUM)


def test_schedule_lags() -> None:
    lags = budget.schedule_lags(metrics().cumulative_rates)
    assert [(m, percent(r)) for m, r, _ in lags] == [(4, D("21.08")), (6, D("38.48"))]


def test_monthly_rate_capped_at_100_percent() -> None:
    over = [D("6000")] * 12
    m = metrics(execution=Execution(monthly=Monthly(basis="cumulative", values=over)))
    assert m.evaluation_rate == 1


def test_key_project() -> None:
    m = metrics(projects=[KeyProject(name="事故灾难应急救援系统", budget=D("673.28"), spent=D("669.98"))])
    assert percent(m.projects[0].execution_rate) == D("99.51")
    assert round(budget.metric_values(m)["key_project_execution_rate"], 2) == D("99.51")
