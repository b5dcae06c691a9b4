"""summary.csv: one unit for every amount, every number rounded half-up."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from perflib.batch.outputs import Entry
from perflib.batch.summary import summary_csv, summary_rows
from perflib.present.report import amount


def _entry(code: str, unit: str, adjusted: float, rate: float = 98.54) -> Entry:
    summary = {"department": code, "framework": "f", "money_unit": unit, "total": 91.88, "grade": "优", "nodes": [],
               "metrics": {"initial_budget": adjusted, "adjusted_budget": adjusted, "spent": adjusted,
                           "execution_rate": rate, "evaluation_rate": rate, "budget_adjustment_rate": 0.0},
               "findings": []}
    return Entry(code, 2023, "ok", summary=summary, has_report=True)


def _rows(entries: list[Entry]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(summary_csv(entries).lstrip("\ufeff"))))


def test_amounts_in_yuan_are_converted_to_the_header_unit() -> None:
    rows = _rows([_entry("in-wan", "万元", 5448.73), _entry("in-yuan", "元", 54487300.0)])
    assert "调整后预算（万元）" in rows[0]
    assert [r["调整后预算（万元）"] for r in rows] == ["5448.73", "5448.73"]


@pytest.mark.parametrize(("value", "shown"), [(1234.125, "1234.13"), (0.125, "0.13"), (2.675, "2.68"), (1.005, "1.01")])
def test_summary_rounds_half_up(value: float, shown: str) -> None:
    assert _rows([_entry("d", "万元", value)])[0]["调整后预算（万元）"] == shown
    assert _rows([_entry("d", "万元", 1.0, rate=value)])[0]["年度预算执行率（%）"] == shown


def test_summary_rows_keep_numbers_as_numbers() -> None:
    _, rows = summary_rows([_entry("in-yuan", "元", 54487300.0)])
    assert 5448.73 in rows[0]


@pytest.mark.parametrize(("value", "shown"), [("1234.125", "1234.13 万元"), ("0.005", "0.01 万元"), ("2.665", "2.67 万元")])
def test_prose_amounts_round_half_up_as_tables_do(value: str, shown: str) -> None:
    assert amount(Decimal(value), "万元") == shown


def test_summary_is_the_portfolio_of_the_batch(tmp_path: Path) -> None:
    """summary.csv is ``perflib.portfolio``'s table (from the JSON the batch keeps), plus 状态 and 报告."""
    import pandas as pd

    import perflib
    from perflib.batch.summary import summary_frame
    from perflib.demo import generate

    from .conftest import FRAMEWORKS

    generate(tmp_path, frameworks_dir=FRAMEWORKS)
    paths = sorted(tmp_path.glob("demo-[a-h]*/[0-9][0-9][0-9][0-9].yaml"))
    entries = [Entry(p.parent.name, int(p.stem), "ok", summary=perflib.evaluate(p).to_dict(), has_report=True)
               for p in paths]
    summary = summary_frame(entries)
    portfolio = perflib.portfolio(tmp_path, departments=sorted({p.parent.name for p in paths}))
    shared = [c for c in portfolio.columns if c not in ("error", "file")]
    pd.testing.assert_frame_equal(summary[shared], portfolio[shared])
    assert summary.columns[4] == "status" and summary.columns[-1] == "report"
    assert len(summary) == len(paths) and set(summary.status) == {"成功"}


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"点此\")", "+1+1", "-2+3", "@SUM(A1)", "＝1+1"])
def test_a_name_that_looks_like_a_formula_reaches_the_csv_as_text(name: str) -> None:
    entry = _entry("d-x", "万元", 100.0)
    entry.summary["department"] = name
    row = _rows([entry])[0]
    assert next(v for k, v in row.items() if "部门" in k and "代码" not in k) == "'" + name
