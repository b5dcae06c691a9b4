"""A cell's value as the number it states: an amount, points or a score, a rate — read exactly.

Numbers in cells are the digits they show (3024.25 stays 3024.25, 2.0 is 2); text is read with the project's
exact reader (:func:`perflib.numbers.number_text`: full-width digits, a comma only as a thousands separator in
groups of three — anything else refused as ambiguous) after the unit written with it (万元 / 元, 分, %) is taken
off. A blank cell or one saying "does not apply" ("—", "/") is no value. Whatever cannot be read is refused,
naming the cell (:func:`perflib.intake.refusal.refuse`).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from ..numbers import HUNDRED, AmbiguousNumber, number_text
from .labels import not_applicable, text
from .refusal import refuse

#: a bare rate up to this is read as a fraction (0.985 → 98.5 %, "1" → 100 %), above it as a percentage
FRACTION_UP_TO = Decimal("1.5")


def exact(value: int | float) -> Decimal:
    """A cell's number as the digits it shows (3024.25 stays 3024.25; 2.0 is 2)."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() and abs(number) < Decimal("1e15") else number


def _text(value: object, *, drop: tuple[str, ...] = ()) -> str:
    raw = unicodedata.normalize("NFKC", text(value))
    for part in drop:
        raw = raw.replace(part, "")
    return raw.strip()


def _number(raw: str, value: object, where: str, what: str, example: str) -> Decimal:
    try:
        return number_text(raw)
    except AmbiguousNumber as exc:
        raise refuse(where, str(exc)) from None
    except ValueError:
        raise refuse(where, f"无法读作{what}", expected=example, found=text(value)) from None


def amount(value: object, where: str, unit: str) -> Decimal | None:
    """An amount: a number, or text with 万元 / 万 / 元 (which must be the form's ``unit``) and full-width digits."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return exact(value)
    raw = _text(value, drop=("￥", "¥"))
    if not raw or not_applicable(raw):
        return None
    for written, meaning in (("万元", "万元"), ("元", "元"), ("万", "万元")):
        if raw.endswith(written):
            if meaning != unit:
                raise refuse(where, "金额的单位与表头的金额单位不一致", expected=unit, found=text(value))
            raw = raw[: -len(written)].strip()
            break
    return _number(raw, value, where, "金额", "数值，如 3024.25 或 3,024.25 万元")


def points(value: object, where: str) -> Decimal | None:
    """Points or a score: a number, or text such as "4.5分"."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return exact(value)
    raw = _text(value).removesuffix("分").strip()
    if not raw or not_applicable(raw):
        return None
    return _number(raw, value, where, "分数", "数值，如 4.5 或 4.5分")


def percent(value: object, where: str) -> tuple[Decimal, bool] | None:
    """A rate → (percent, whether it could be a fraction: 0.985 or "1" with no % sign, read ×100)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = exact(value)
        return (number * HUNDRED, True) if number <= FRACTION_UP_TO else (number, False)
    raw = _text(value)
    if not raw or not_applicable(raw):
        return None
    has_sign = raw.endswith("%")
    number = _number(raw.removesuffix("%").strip(), value, where, "执行率", "百分比，如 98.5%、0.985 或 98.5")
    if has_sign or number > FRACTION_UP_TO:
        return number, False
    return number * HUNDRED, True
