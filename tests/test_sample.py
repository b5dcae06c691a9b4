"""Sampling (抽评): perflib.bureau.sample and ``perflib sample`` — reproducible picks, each with its reason."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

import perflib
from perflib.bureau import load_settings, review
from perflib.bureau.sample import SAMPLE_COLUMNS, sample_review
from perflib.cli import main
from perflib.errors import PerflibError
from perflib.frames import LABELS


@pytest.fixture(scope="module")
def demo_root(demo_portfolio: Path) -> Path:
    return demo_portfolio


@pytest.fixture(scope="module")
def demo_review(demo_root: Path):
    return review(demo_root, 2024)


def _form(code: str, budget: str, risk: str, kinds: tuple[str, ...] = ("finding",), project: str | None = None):
    """A stand-in for a FormReview: what sampling reads of one."""
    ev = SimpleNamespace(code=code, department=f"{code} 局", year=2024, project=project, path=None)
    queries = tuple(SimpleNamespace(kind=k, risk=Decimal(risk) / len(kinds)) for k in kinds)
    return SimpleNamespace(ev=ev, budget=Decimal(budget), risk=Decimal(risk), queries=queries,
                           share=SimpleNamespace(number=Decimal(1), total=Decimal(2)))


def _review(*forms):
    return SimpleNamespace(forms=tuple(forms), years=(2024,), params_dir=Path("params"), settings=load_settings(),
                           failed={})


def _picks(frame) -> list[tuple[str, str]]:
    return list(zip(frame.code, frame.project))


@pytest.mark.parametrize("by", ["risk", "amount", "random"])
def test_same_seed_same_picks(demo_review, by: str) -> None:
    first = sample_review(demo_review, 6, seed=7, by=by)
    again = demo_review.sample(6, seed=7, by=by)
    assert len(first) == 6 and _picks(first) == _picks(again)
    assert list(first.reason) == list(again.reason) and first["rank"].tolist() == list(range(1, 7))


def test_columns_labelled_and_typed(demo_review) -> None:
    frame = sample_review(demo_review, 3, seed=1, by="amount")
    assert list(frame.columns) == SAMPLE_COLUMNS and all(c in LABELS for c in frame.columns)
    assert {c: str(frame[c].dtype) for c in ("rank", "year", "queries", "probability", "budget_adjusted")} == {
        "rank": "int64", "year": "int64", "queries": "int64", "probability": "float64", "budget_adjusted": "float64"}


def test_different_seed_different_random_picks(demo_review) -> None:
    picks = {tuple(_picks(sample_review(demo_review, 5, seed=seed, by="random"))) for seed in range(4)}
    assert len(picks) > 1
    frame = sample_review(demo_review, 5, seed=3, by="random")
    assert set(frame.reason) == {"随机抽取，种子 3。"}
    assert frame.probability.tolist() == [round(5 / len(demo_review.forms) * 100, 2)] * 5


def test_picks_do_not_depend_on_listing_order(demo_review) -> None:
    shuffled = replace(demo_review, forms=tuple(reversed(demo_review.forms)))
    for by in ("risk", "amount", "random"):
        assert _picks(sample_review(demo_review, 7, seed=11, by=by)) == \
               _picks(sample_review(shuffled, 7, seed=11, by=by))


def test_pps_certainty_units() -> None:
    tens = [_form(f"d{i}", "10", "1") for i in range(5)]
    frame = sample_review(_review(*tens, _form("big", "100", "1")), 3, seed=1, by="amount")
    assert frame.code.iloc[0] == "big" and frame.probability.iloc[0] == 100.0
    assert "不小于抽样间距 50.00 万元，必然入样" in frame.reason.iloc[0]
    # the rest: 2 picks by amount among 50 万元, 10 万元 each → 40 %
    assert len(frame) == 3 and frame.probability.iloc[1:].tolist() == [40.0, 40.0]
    assert "入样概率 40.00%" in frame.reason.iloc[1] and "抽样间距 25.00 万元" in frame.reason.iloc[1]


def test_pps_certainty_cascades_and_skips_zero_budgets() -> None:
    forms = [_form("a", "600", "1"), _form("b", "300", "1"), _form("c", "60", "1"), _form("d", "40", "1"),
             _form("z", "0", "1")]
    # interval 1000 / 3: a certain; then 400 / 2 = 200: b certain; then 100 / 1: c or d by amount
    for seed in range(20):
        frame = sample_review(_review(*forms), 3, seed=seed, by="amount")
        assert frame.code.tolist()[:2] == ["a", "b"] and frame.code.iloc[2] in ("c", "d")
    codes = {sample_review(_review(*forms), 3, seed=seed, by="amount").code.iloc[2] for seed in range(20)}
    assert codes == {"c", "d"}
    # more picks than forms with a budget: the zero budget is filled in at random, and says so
    frame = sample_review(_review(*forms), 4, seed=1, by="amount")
    assert frame.code.tolist() == ["a", "b", "c", "d"]
    frame = sample_review(_review(*forms[:4], _form("y", "0", "1"), _form("z", "0", "1")), 5, seed=1, by="amount")
    assert frame.code.tolist()[:4] == ["a", "b", "c", "d"] and "预算为 0" in frame.reason.iloc[4]


def test_pps_on_the_demo(demo_review) -> None:
    frame = sample_review(demo_review, 5, seed=1, by="amount", scope="departments")
    assert frame.code.iloc[0] == "demo-water" and frame.probability.iloc[0] == 100.0  # the largest budget
    for row in frame.itertuples():
        assert ("必然入样" in row.reason) == (row.probability == 100.0)
        assert f"预算 {row.budget_adjusted:,.2f} 万元" in row.reason and f"{row.probability:.2f}%" in row.reason


def test_risk_ordering_and_tie_break() -> None:
    forms = [_form("a", "1", "1"), _form("b", "1", "3", ("disagree", "finding")), _form("c", "1", "3"),
             _form("d", "1", "5", ("recurring",)), _form("e", "1", "3")]
    seconds = set()
    for seed in range(12):
        frame = sample_review(_review(*forms), 2, seed=seed, by="risk")
        assert frame.code.iloc[0] == "d" and frame.risk.tolist()[0] == 5.0
        assert frame.code.iloc[1] in ("b", "c", "e") and "与另 2 份风险分相同，按种子" in frame.reason.iloc[1]
        seconds.add(frame.code.iloc[1])
    assert len(seconds) > 1  # the seed decides among equals
    frame = sample_review(_review(*forms), 5, seed=0, by="risk")
    assert frame.risk.tolist() == [5.0, 3.0, 3.0, 3.0, 1.0] and frame.probability.isna().all()
    assert frame.reason.iloc[0] == "风险分 5.00，居 5 份中第 1 位；主要疑点：上年问题重复出现（整改未到位） 1 个（风险分 5.00）。"


def test_more_than_all_and_refusals(demo_review) -> None:
    everything = len(demo_review.forms)
    for by in ("risk", "amount", "random"):
        frame = sample_review(demo_review, everything + 5, seed=2, by=by)
        assert len(frame) == everything and "全部入选" in frame.attrs["note"]
    for n in (0, -1):
        with pytest.raises(PerflibError, match="抽样数应为正整数"):
            sample_review(demo_review, n, seed=1)
    with pytest.raises(PerflibError, match="抽样方法应为 risk、amount、random 之一"):
        sample_review(demo_review, 1, seed=1, by="size")
    with pytest.raises(PerflibError, match="没有可抽取的项目自评表"):
        sample_review(_review(_form("a", "1", "1")), 1, seed=1, scope="projects")


def test_scope(demo_review) -> None:
    projects = sample_review(demo_review, 4, seed=1, by="random", scope="projects")
    departments = sample_review(demo_review, 4, seed=1, by="random", scope="departments")
    assert (projects.project != "").all() and (departments.project == "").all()


def test_python_entry_and_cli(demo_root: Path, capsys) -> None:
    frame = perflib.sample(demo_root, 5, seed=1, year=2024, by="amount")
    assert main(["sample", "--year", "2024", "--n", "5", "--seed", "1", "--by", "amount", "--params", str(demo_root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("从 2024 年度 51 份自评表中按预算金额成比例概率（系统抽样）抽取 5 份（种子 1）。")
    assert "入样概率" in out and all(reason in out for reason in frame.reason)
    assert main(["sample", "--year", "2024", "--n", "3", "--seed", "1", "--params", str(demo_root), "--projects",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scope"] == "projects" and data["method"] == "risk" and len(data["picks"]) == 3
    assert all(p["project"] for p in data["picks"])
    assert main(["sample", "--year", "2024", "--n", "0", "--seed", "1", "--params", str(demo_root)]) == 2
    assert capsys.readouterr().err.strip() == "抽样数应为正整数，实际为 0"
    assert main(["sample", "--year", "2031", "--n", "2", "--seed", "1", "--params", str(demo_root)]) == 2
    assert "2031" in capsys.readouterr().err
