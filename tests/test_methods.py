"""Scoring methods, one table per method, rows from the rules (财预〔2020〕10号, production
configurations) and the worked example."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perflib.numbers import quantize, round_points
from perflib.scoring import methods
from perflib.scoring.methods import Band, find_tier, qualitative_band
from perflib.scoring.targets import BETWEEN, EQ, GE, LE

D = Decimal


def points(completion: Decimal, weight: str) -> Decimal:
    return round_points(completion * D(weight))


# (actual, target, weight, expected points)
POSITIVE = [
    ("32", "34", "3.5", "3.29"),  # worked example ②: 32 of 34 家
    ("34", "34", "3.5", "3.5"),
    ("40", "34", "3.5", "3.5"),  # over-completion earns nothing extra
    ("0", "34", "2", "0"),
    ("97.38", "90", "2", "2"),
    ("45", "90", "10", "5"),
    ("1", "3", "1", "0.33"),
    ("2", "3", "1", "0.67"),
    ("5", "0", "2", "2"),  # a zero "at least" target is always met
]

REVERSE_LINEAR = [
    ("0", "20", "2", "2"),  # worked example ⑭: 0 % lost of ≤20 %
    ("20", "20", "2", "2"),
    ("25", "20", "2", "1.5"),  # 1 − 5/20 = 75 %
    ("30", "20", "10", "5"),
    ("40", "20", "2", "0"),  # zero at twice the target
    ("50", "20", "2", "0"),
    ("0.0129", "1", "2", "2"),  # worked example ⑲: 0.0129 ‰ of ≤1 ‰
]

REVERSE_RATIO = [
    ("25", "20", "2", "1.6"),  # 20/25
    ("40", "20", "2", "1"),
    ("80", "20", "2", "0.5"),
    ("10", "20", "2", "2"),
]

ZERO_TARGET = [("0", "2", "2"), ("1", "2", "0"), ("0.5", "2", "0"), ("-1", "2", "2")]


@pytest.mark.parametrize(("actual", "target", "weight", "expected"), POSITIVE)
def test_positive(actual: str, target: str, weight: str, expected: str) -> None:
    assert points(methods.positive(D(actual), D(target)), weight) == D(expected)


@pytest.mark.parametrize(("actual", "target", "weight", "expected"), REVERSE_LINEAR)
def test_reverse_linear(actual: str, target: str, weight: str, expected: str) -> None:
    assert points(methods.reverse_linear(D(actual), D(target)), weight) == D(expected)


@pytest.mark.parametrize(("actual", "target", "weight", "expected"), REVERSE_RATIO)
def test_reverse_ratio(actual: str, target: str, weight: str, expected: str) -> None:
    assert points(methods.reverse_ratio(D(actual), D(target)), weight) == D(expected)


@pytest.mark.parametrize(("actual", "weight", "expected"), ZERO_TARGET)
def test_zero_target(actual: str, weight: str, expected: str) -> None:
    assert points(methods.zero_target(D(actual)), weight) == D(expected)


# operator → rule chosen by "auto"
AUTO = [
    (GE, "90", "positive"),
    (EQ, "90", "positive"),
    (LE, "20", "reverse_linear"),
    (LE, "0", "zero_target"),
    (EQ, "0", "zero_target"),
    (BETWEEN, "90", "range"),
]


@pytest.mark.parametrize(("op", "target", "rule"), AUTO)
def test_auto_picks_rule_from_operator(op: str, target: str, rule: str) -> None:
    _, chosen = methods.part_completion(op, D(50), D(target), upper=D(110) if op == BETWEEN else None)
    assert chosen == rule


def test_reverse_variant_is_configurable() -> None:
    linear, _ = methods.part_completion(LE, D(25), D(20), reverse="linear")
    ratio, _ = methods.part_completion(LE, D(25), D(20), reverse="ratio")
    assert (linear, ratio) == (D("0.75"), D("0.8"))


@pytest.mark.parametrize(
    ("actual", "expected"), [("100", "1"), ("85", "0.9444444444444444444444444444"), ("120", "0.9090909090909090909090909091")]
)
def test_range(actual: str, expected: str) -> None:
    assert methods.in_range(D(actual), D(90), D(110)) == D(expected)


def test_compound_worked_example() -> None:
    """④ "≥26 次、≥13 台" achieved 37 次、12 台: mean completion (1 + 12/13) / 2 of 5 points = 4.81."""
    parts = [methods.positive(D(37), D(26)), methods.positive(D(12), D(13))]
    assert points(methods.combine(parts, "mean"), "5") == D("4.81")
    assert points(methods.combine(parts, "min"), "5") == D("4.62")


# tier, score, weight, within band?
QUALITATIVE = [
    ("达成", "2", "2", True),
    ("达成", "1.6", "2", True),  # 80 % is the lower edge, inclusive
    ("达成", "1.5", "2", False),
    ("部分达成", "1.2", "2", True),  # 60 % inclusive
    ("部分达成", "1.59", "2", True),
    ("部分达成", "1.6", "2", False),  # 80 % belongs to 达成
    ("未达成", "0", "2", True),
    ("未达成", "1.19", "2", True),
    ("未达成", "1.2", "2", False),
    ("达成年度指标", "10", "10", True),
    ("部分达成年度指标并具有一定效果", "7", "10", True),
    ("未达成年度指标且效果较差", "5.9", "10", True),
]


@pytest.mark.parametrize(("tier", "score", "weight", "ok"), QUALITATIVE)
def test_qualitative_band(tier: str, score: str, weight: str, ok: bool) -> None:
    found = find_tier(tier)
    assert found is not None
    assert qualitative_band(D(score), D(weight), found) is ok


def test_unknown_tier() -> None:
    assert find_tier("优秀") is None


# weight, deductions, expected points
DEDUCTION = [
    ("3", [], "3"),
    ("3", ["1"], "2"),  # worked example 财务管理合规性
    ("3", ["0.5"], "2.5"),  # 合同备案时效性
    ("2", ["1", "0.5"], "0.5"),
    ("2", ["1", "1", "1"], "0"),  # 扣完为止
]


@pytest.mark.parametrize(("weight", "deductions", "expected"), DEDUCTION)
def test_deduction(weight: str, deductions: list[str], expected: str) -> None:
    assert points(methods.deduction(D(weight), [D(d) for d in deductions]), weight) == D(expected)


HIGHER = [Band(D(1), min=D(90)), Band(D("0.8"), min=D(80)), Band(D("0.6"), min=D(60))]
LOWER = [Band(D(1), max=D(5)), Band(D("0.5"), max=D(10)), Band(D(0))]


@pytest.mark.parametrize(
    ("bands", "value", "expected"),
    [
        (HIGHER, "95", "1"), (HIGHER, "90", "1"), (HIGHER, "89.99", "0.8"), (HIGHER, "60", "0.6"),
        (HIGHER, "59", "0"), (LOWER, "4.28", "1"), (LOWER, "5", "1"), (LOWER, "7", "0.5"), (LOWER, "12", "0"),
    ],
)
def test_banded(bands: list[Band], value: str, expected: str) -> None:
    assert methods.banded(D(value), bands) == D(expected)


@pytest.mark.parametrize(
    ("rate", "weight", "expected"),
    [("0.4778", "10", "4.78"), ("0.985411", "10", "9.85"), ("1.02", "10", "10"), ("0", "10", "0"), ("0.9287", "10", "9.29")],
)
def test_execution_rate(rate: str, weight: str, expected: str) -> None:
    """47.78 % → 4.78 of 10 (worked example); a 92.87 % rate earns 9.29, not full marks."""
    assert points(methods.execution_rate(D(rate)), weight) == D(expected)


@pytest.mark.parametrize(
    ("value", "half_up", "half_even"),
    [("2.345", "2.35", "2.34"), ("0.125", "0.13", "0.12"), ("4.785", "4.79", "4.78"), ("2.355", "2.36", "2.36")],
)
def test_rounding_is_half_up_not_bankers(value: str, half_up: str, half_even: str) -> None:
    assert round_points(D(value)) == D(half_up)
    assert quantize(D(value), 2, "half_even") == D(half_even)  # what round() would do: not the rule
