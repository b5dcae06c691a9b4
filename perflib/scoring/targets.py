"""Reading targets (指标值) and actual values (实际完成值) as they are written in real forms.

Examples that are understood::

    "≥26 次"                      one part: ≥ 26 次
    "≥26 次、≥13 台"              two parts (a compound target)
    "不低于 95%"  "95%以上"        ≥ 95 %
    "≤1‰"  "控制在 5% 以内"        ≤
    "100%"  "共计150人"            a bare number: "reach this" (=)
    "败诉率=A/B*100%（≤20%）"      the formula is dropped, the bracketed target kept
    "90%-110%"                     a range
    "不发生重特大生产安全事故"       qualitative (定性): no number to compare
    "安全生产形势稳定"              qualitative

Notes in brackets such as "（根据实际情况设置）" and titles such as 《…规划》 are ignored, and so
are dates ("2023年", "12月底前"). Text with an operator but no number, two numbers run
together, or contradictory operators raise :class:`~perflib.errors.TargetError`; nothing is ever
read as a silent zero.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..errors import TargetError

GE, LE, GT, LT, EQ, BETWEEN = ">=", "<=", ">", "<", "=", "between"
OP_SYMBOLS = {GE: "≥", LE: "≤", GT: ">", LT: "<", EQ: "=", BETWEEN: "～"}

# Operator words written before the number, longest first so that 不低于 wins over 低于.
_PRE_WORDS = {
    "大于或等于": GE, "大于等于": GE, "不低于": GE, "不少于": GE, "不小于": GE, "至少": GE,
    "最少": GE, "达到": GE, "高于或等于": GE, "≥": GE, "达": GE,
    "小于或等于": LE, "小于等于": LE, "不超过": LE, "不高于": LE, "不大于": LE, "不多于": LE,
    "最多": LE, "控制在": LE, "≤": LE, "低于或等于": LE,
    "大于": GT, "高于": GT, "超过": GT, "多于": GT, ">": GT,
    "低于": LT, "少于": LT, "小于": LT, "<": LT,
    "等于": EQ, "=": EQ, "为": EQ, "是": EQ,
}
# Operator words written after the number and unit.
_POST_WORDS = {
    "及以上": GE, "以上": GE, "或以上": GE,
    "及以下": LE, "以下": LE, "或以下": LE, "以内": LE, "之内": LE, "内": LE,
}
_PRE_SORTED = tuple(sorted(_PRE_WORDS.items(), key=lambda item: len(item[0]), reverse=True))
# Words that qualify an actual value without changing it ("约186人").
_FILLERS = re.compile(r"(?:达到约|共计|累计|合计|总计|约|近|共)(?=[+-]?\d)")

# Units seen in real forms; a number may also carry none. Longest first when matching.
UNITS = (
    "%", "‰", "个工作日", "工作日", "人次", "户次", "车次", "架次", "场次", "批次", "元", "万元", "亿元",
    "千元", "平方公里", "平方千米", "平方米", "立方米", "公里", "千米", "公顷", "千克", "公斤", "小时",
    "分钟", "m2", "km", "人", "次", "台", "套", "家", "户", "个", "项", "期", "件", "宗", "起", "场",
    "篇", "份", "本", "册", "所", "座", "处", "条", "名", "辆", "艘", "架", "批", "轮", "类", "张",
    "块", "棵", "株", "头", "只", "吨", "克", "亩", "米", "天", "日", "周", "月", "年", "分", "秒",
    "栋", "间", "床", "支", "队", "组", "村", "镇", "街", "所", "点", "路", "层", "门", "节", "课时",
    "学时", "万人次", "万人", "万户", "万亩", "万吨", "万平方米", "万个", "万件", "万册",
)
_UNITS_SORTED = tuple(sorted(set(UNITS), key=len, reverse=True))
_MAGNITUDE = {"": Decimal(1), "千": Decimal(1000), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
# units that are the same thing under two names
_SYNONYMS = {"日": "天", "公斤": "千克", "公里": "千米", "km": "千米", "平方公里": "平方千米", "m2": "平方米"}

_NUMBER = r"[+-]?\d+(?:\.\d+)?"
_FORMULA = re.compile(r"=[^=≥≤<>()]*?[/÷][^=≥≤<>]*?[*×]100(?:\.0+)?[%‰]")
_BOOK_TITLE = re.compile(r"《[^《》]*》")
_PAREN = re.compile(r"\(([^()]*)\)")
_COMMA_NUMBER = re.compile(r"\d+(?:,\d+)+")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_SPLIT = re.compile(r"[、,;，；]|(?<!\d)/(?!\d)")
_DATE = re.compile(
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末|前|以前|之前|内)?"
    r"|\d{1,2}月(?:\d{1,2}日)?(?:底|末|份|中旬|上旬|下旬)?(?:前|以前|之前)"
    r"|\d{1,2}月\d{1,2}日"
)
_RANGE = re.compile(rf"({_NUMBER})\s*([%‰]?)\s*(?:-|~|～|—|至|到)\s*({_NUMBER})")
_LATEX = (
    (r"\geq", "≥"), (r"\leq", "≤"), (r"\ge", "≥"), (r"\le", "≤"), (r"\%", "%"), (r"\times", "×"),
    ("$", ""), ("≧", "≥"), ("≦", "≤"), (">=", "≥"), ("<=", "≤"), ("⩾", "≥"), ("⩽", "≤"),
    ("％", "%"), ("～", "~"),
)


@dataclass(frozen=True)
class Part:
    """One comparison of a target, or one value of an actual: ``op value unit``.

    ``label`` is the text before it in its clause (e.g. "卫星电话通讯畅通率"), ``upper`` the upper
    bound of a range.
    """

    op: str
    value: Decimal
    unit: str = ""
    label: str = ""
    upper: Decimal | None = None

    def __str__(self) -> str:
        if self.op == BETWEEN:
            return f"{_num(self.value)}{self.unit}～{_num(self.upper)}{self.unit}"
        sign = "" if self.op == EQ else OP_SYMBOLS[self.op]
        return f"{sign}{_num(self.value)}{self.unit}"


@dataclass(frozen=True)
class Parsed:
    """A target or actual as written, with its comparable parts (none when qualitative)."""

    text: str
    parts: tuple[Part, ...]

    @property
    def qualitative(self) -> bool:
        """True for a 定性 statement with no number to compare."""
        return not self.parts

    def __str__(self) -> str:
        return "、".join(str(p) for p in self.parts) if self.parts else self.text


def _num(value: Decimal | None) -> str:
    """A number of a target or actual with the digits written: 83.90 stays 83.90."""
    return f"{value:f}"


def normalize(text: str) -> str:
    """Full-width to half-width, LaTeX-ish operators to symbols, whitespace removed.

    A full-width comma "，" is a list separator ("26，13" is two numbers). An ASCII comma between digits
    is a thousands separator only in groups of three ("1,500"); any other ("95,5%": a decimal comma, or
    a list?) cannot be read as written and raises :class:`~perflib.errors.TargetError`."""
    original = text
    text = unicodedata.normalize("NFKC", text.replace("，", "、"))
    for old, new in _LATEX:
        text = text.replace(old, new)

    def thousands(match: re.Match[str]) -> str:
        if not _GROUPED.fullmatch(match.group()):
            raise TargetError(original, f"逗号用法不明确：「{match.group()}」中的逗号不是千位分隔符（三位一组）；"
                                        "小数点请写“.”（如 95.5%），并列的数请用“、”或“，”分开")
        return match.group().replace(",", "")

    return re.sub(r"\s+", "", _COMMA_NUMBER.sub(thousands, text))


def _has_comparison(text: str) -> bool:
    return bool(re.search(_NUMBER, _DATE.sub("", text)))


def _strip_notes(text: str) -> str:
    text = _BOOK_TITLE.sub("《》", text)
    text = _FORMULA.sub("", text)
    # innermost brackets first: keep a bracketed comparison "(≤20%)", drop a note "(根据…设置)"
    while True:
        new = _PAREN.sub(lambda m: m.group(1) if _has_comparison(m.group(1)) else "", text)
        if new == text:
            break
        text = new
    return text


def _read_unit(rest: str) -> str:
    for unit in _UNITS_SORTED:
        if rest.startswith(unit):
            return unit
    for prefix in ("万", "亿", "千"):
        if rest.startswith(prefix):
            tail = rest[len(prefix):]
            return prefix + next((u for u in _UNITS_SORTED if tail.startswith(u)), "")
    return ""


#: Numbers written in a target or actual are held to the input's bounds: |x| ≤ 10^15, six decimals.
_LARGEST, _PLACES = Decimal("1e15"), 6


def _number(text: str, original: str) -> Decimal:
    """``text`` (matched by _NUMBER) as a Decimal within the input's bounds, else TargetError."""
    whole, _, decimals = text.lstrip("+-").partition(".")
    if len(whole.lstrip("0")) > 16 or Decimal(text).copy_abs() > _LARGEST:
        raise TargetError(original, "数值过大：绝对值应不超过 1,000,000,000,000,000")
    if len(decimals.rstrip("0")) > _PLACES:
        raise TargetError(original, f"小数位数过多：最多 {_PLACES} 位")
    return Decimal(text)


def _parse_clause(clause: str, original: str) -> Part | None:
    clause = _FILLERS.sub("", _DATE.sub("", clause))
    rng = _RANGE.search(clause)
    if rng:
        lo, unit1, hi = _number(rng.group(1), original), rng.group(2), _number(rng.group(3), original)
        unit = _read_unit(clause[rng.end():]) or unit1
        if lo > hi:
            raise TargetError(original, f"区间下限 {_num(lo)} 大于上限 {_num(hi)}")
        return Part(BETWEEN, lo, unit, clause[: rng.start()], upper=hi)
    numbers = list(re.finditer(_NUMBER, clause))
    if not numbers:
        dangling = re.search(r"[≥≤<>]|=$|=[%‰]", clause)
        if dangling:
            raise TargetError(original, f"「{dangling.group()[0]}」后缺少数值")
        return None
    if len(numbers) > 1:
        raise TargetError(
            original, "一个分句中有多个数值，多个目标请用「、」分开，区间请写作「90%-110%」"
        )
    match = numbers[0]
    head, rest = clause[: match.start()], clause[match.end():]
    value = _number(match.group(), original)
    unit = _read_unit(rest)
    rest = rest[len(unit):]
    word, pre = next(((w, op) for w, op in _PRE_SORTED if head.endswith(w)), ("", None))
    head = head[: len(head) - len(word)]
    post = next((op for word, op in _POST_WORDS.items() if rest.startswith(word)), None)
    if pre is not None and post is not None and pre != post and pre != EQ:
        raise TargetError(original, f"运算符矛盾：前面是「{OP_SYMBOLS[pre]}」，后面却是「{OP_SYMBOLS[post]}」")
    op = post if post is not None and pre in (None, EQ) else (pre or EQ)
    return Part(op, value, unit, head.rstrip("=:："))


@lru_cache(maxsize=4096)
def parse(text: str) -> Parsed:
    """Read a target or an actual value as written; see the module docstring.

    Raises :class:`~perflib.errors.TargetError` when the text cannot be read.
    """
    if not isinstance(text, str):
        raise TargetError(str(text), "应为文字")
    if not text.strip():
        raise TargetError(text, "内容为空")
    cleaned = _strip_notes(normalize(text))
    parts = []
    for clause in _SPLIT.split(cleaned):
        if clause:
            part = _parse_clause(clause, text)
            if part is not None:
                parts.append(part)
    return Parsed(text, tuple(parts))


def base_unit(unit: str) -> tuple[str, Decimal]:
    """``"万人次"`` → ``("人次", 10000)``: the unit without its magnitude prefix, and the factor."""
    unit = _SYNONYMS.get(unit, unit)
    if unit in ("%", "‰"):
        return "%", Decimal("1") if unit == "%" else Decimal("0.1")
    if unit[:1] in _MAGNITUDE and unit[:1]:
        rest = _SYNONYMS.get(unit[1:], unit[1:])
        return rest, _MAGNITUDE[unit[:1]]
    return unit, Decimal(1)


def convert(value: Decimal, unit: str, to_unit: str) -> Decimal | None:
    """``value`` in ``unit`` expressed in ``to_unit``; None when the units are not comparable.

    A missing unit on either side is taken to be the other's (forms often write it once).
    """
    if not unit or not to_unit or unit == to_unit:
        return value
    base_from, f_from = base_unit(unit)
    base_to, f_to = base_unit(to_unit)
    if base_from != base_to:
        return None
    return value * f_from / f_to
