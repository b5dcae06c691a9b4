"""Target parsing: the expressions found in real forms (table-driven)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perflib.errors import TargetError
from perflib.scoring.targets import BETWEEN, EQ, GE, GT, LE, LT, convert, parse

D = Decimal

# text as written → [(op, value, unit)]
PARSED = [
    ("≥26 次", [(GE, "26", "次")]),
    ("≥26 次、≥13 台", [(GE, "26", "次"), (GE, "13", "台")]),
    ("37 次、12 台", [(EQ, "37", "次"), (EQ, "12", "台")]),
    ("≤1‰", [(LE, "1", "‰")]),
    ("100%", [(EQ, "100", "%")]),
    ("90%", [(EQ, "90", "%")]),
    ("24 个", [(EQ, "24", "个")]),
    ("≥2 期", [(GE, "2", "期")]),
    ("34 家", [(EQ, "34", "家")]),
    ("不低于 95%", [(GE, "95", "%")]),
    ("不少于 3 次", [(GE, "3", "次")]),
    ("不超过 5 天", [(LE, "5", "天")]),
    ("不高于 2%", [(LE, "2", "%")]),
    ("达到 100 人次", [(GE, "100", "人次")]),
    ("合格率达100%", [(GE, "100", "%")]),
    ("95%以上", [(GE, "95", "%")]),
    ("95%及以上", [(GE, "95", "%")]),
    ("5%以下", [(LE, "5", "%")]),
    ("控制在 5% 以内", [(LE, "5", "%")]),
    ("3 个工作日以内", [(LE, "3", "个工作日")]),
    (">90%", [(GT, "90", "%")]),
    ("<3 起", [(LT, "3", "起")]),
    ("大于 80%", [(GT, "80", "%")]),
    ("低于 1‰", [(LT, "1", "‰")]),
    ("=0", [(EQ, "0", "")]),
    ("0 起", [(EQ, "0", "起")]),
    ("≥ 98 %", [(GE, "98", "%")]),
    ("＞９０％", [(GT, "90", "%")]),
    (">=95%", [(GE, "95", "%")]),
    ("$\\geq 90\\%$", [(GE, "90", "%")]),
    ("1,200 万元", [(EQ, "1200", "万元")]),
    ("≤ 673.28 万元", [(LE, "673.28", "万元")]),
    ("10万人次以上", [(GE, "10", "万人次")]),
    ("17.9 万亩", [(EQ, "17.9", "万亩")]),
    ("12 月", [(EQ, "12", "月")]),
    ("≥2次/年", [(GE, "2", "次")]),
    ("约186人", [(EQ, "186", "人")]),
    ("共计150人", [(EQ, "150", "人")]),
    ("90%-110%", [(BETWEEN, "90", "%")]),
    ("5～10 个", [(BETWEEN, "5", "个")]),
    # real examples from the worked example
    ("1次（根据广州市突发事件《应急委员会关于开展应急演练季活动的通知》要求设置）", [(EQ, "1", "次")]),
    ("森林火灾受害率≤1‰（根据《广州市森林防火“十三五”发展规划》的要求设置）", [(LE, "1", "‰")]),
    ("安全生产排查隐患整改率=完成隐患整改的企业数/检查出的存在隐患的企业数*100%（≥90%）（根据实际情况设置）",
     [(GE, "90", "%")]),
    ("生产安全事故案的行政诉讼败诉率 = 败诉宗数 / 总宗数 * 100% (≤20%)", [(LE, "20", "%")]),
    ("应急保障系统畅通率≥95%、会商值守系统畅通率≥95%、卫星电话通讯畅通率≥90%（根据合同规定设置）",
     [(GE, "95", "%"), (GE, "95", "%"), (GE, "90", "%")]),
    ("组织全区专业、半专业森林消防队伍，镇街、村社一线扑火指挥员培训，共计150人", [(EQ, "150", "人")]),
    ("中心办公设备、消防车辆、监控系统正常运转率≥95%", [(GE, "95", "%")]),
    ("区内 24 个镇街", [(EQ, "24", "个")]),
    ("生产安全事故案的行政诉讼败诉率 = 0%", [(EQ, "0", "%")]),
    # a comma in groups of three is a thousands separator; a full-width comma or a spaced one separates
    ("≥1,500 人", [(GE, "1500", "人")]),
    ("≥3,168.02万元", [(GE, "3168.02", "万元")]),
    ("≥26次,≥13台", [(GE, "26", "次"), (GE, "13", "台")]),
    ("26，13台", [(EQ, "26", ""), (EQ, "13", "台")]),
    ("26, 13台", [(EQ, "26", ""), (EQ, "13", "台")]),
]

QUALITATIVE = [
    "不发生重特大生产安全事故",
    "安全生产形势稳定，不发生重特大生产安全事故",
    "不发生重大以上或者造成人员伤亡的森林火灾",
    "形势稳定",
    "完成《白云区突发事件总体应急预案》修编及评审（根据《突发事件应急预案管理办法》要求设置）",
    "2023年12月底前完成验收",
    "有效提升",
]

UNREADABLE = [
    ("", "为空"),
    ("   ", "为空"),
    ("≥", "缺少数值"),
    ("≥九成", "缺少数值"),
    ("≤%", "缺少数值"),
    ("95%98%", "多个数值"),
    ("不低于95%以下", "矛盾"),
    ("110%-90%", "下限"),
    # a decimal comma is never guessed: 95,5% is refused, not read as 95% and 5%
    ("≥95,5%", "逗号用法不明确"),
    ("1234,567人", "逗号用法不明确"),
    ("≥1,50万元", "逗号用法不明确"),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse(text: str, expected: list[tuple[str, str, str]]) -> None:
    parsed = parse(text)
    assert [(p.op, p.value, p.unit) for p in parsed.parts] == [(op, D(v), u) for op, v, u in expected]
    assert not parsed.qualitative


@pytest.mark.parametrize("text", QUALITATIVE)
def test_qualitative(text: str) -> None:
    parsed = parse(text)
    assert parsed.qualitative
    assert str(parsed) == text


@pytest.mark.parametrize(("text", "reason"), UNREADABLE)
def test_unreadable_is_an_error_never_zero(text: str, reason: str) -> None:
    with pytest.raises(TargetError, match=reason) as info:
        parse(text)
    assert text.strip() in str(info.value) or not text.strip()


def test_range_upper_bound() -> None:
    part = parse("90%-110%").parts[0]
    assert (part.value, part.upper) == (D(90), D(110))


def test_labels_of_compound_target() -> None:
    parts = parse("应急保障系统畅通率≥95%、卫星电话通讯畅通率≥90%").parts
    assert [p.label for p in parts] == ["应急保障系统畅通率", "卫星电话通讯畅通率"]


def test_display_drops_notes() -> None:
    assert str(parse("1次（根据《通知》要求设置）")) == "1次"
    assert str(parse("≥26 次、≥13 台")) == "≥26次、≥13台"


@pytest.mark.parametrize(
    ("value", "unit", "to", "expected"),
    [
        ("0.13", "%", "‰", "1.3"),
        ("1", "‰", "%", "0.1"),
        ("1", "万元", "元", "10000"),
        ("5000", "元", "万元", "0.5"),
        ("3", "日", "天", "3"),
        ("2", "公斤", "千克", "2"),
        ("1.5", "万人次", "人次", "15000"),
        ("5", "", "%", "5"),
        ("5", "次", "", "5"),
    ],
)
def test_convert(value: str, unit: str, to: str, expected: str) -> None:
    assert convert(D(value), unit, to) == D(expected)


@pytest.mark.parametrize(("unit", "to"), [("%", "次"), ("台", "次"), ("万元", "人")])
def test_convert_incomparable(unit: str, to: str) -> None:
    assert convert(D(1), unit, to) is None


def test_a_negative_rate_is_a_change_rate_not_an_error() -> None:
    """变动率 targets and actuals go below 0: "≤-5%" (a fall of at least 5 %), "-2%" (fell by 2 %)."""
    assert parse("≤-5%").parts[0].value == Decimal("-5") and parse("-2%").parts[0].value == Decimal("-2")
