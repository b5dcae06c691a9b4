"""Exact arithmetic for money, rates and points.

Scores are rounded per leaf to two decimals, half away from zero (四舍五入), as the production
budget-performance systems do with Oracle ``ROUND``. Python's built-in ``round`` rounds half to
even, which is wrong here, so everything goes through :func:`round_points`.
Floats appear only at the edges (charts, JSON).

Every computation runs in perflib's own decimal context (:data:`CONTEXT`, through :func:`exact`), not
the thread's: a notebook cell that sets ``decimal.getcontext().prec = 5`` changes nothing perflib
computes or shows.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}

#: The context of perflib's arithmetic, fixed here: 50 digits, so that any ratio of two in-bound inputs
#: (|x| ≤ 10^15, six decimals; up to 10^24 in ‰) still has its four decimals, and every sum of amounts is
#: exact; rounding happens only where the rules say, with the mode they name.
CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN, Emin=-999999, Emax=999999, capitals=1, clamp=0,
                  traps=[InvalidOperation, DivisionByZero, Overflow])

P = ParamSpec("P")
R = TypeVar("R")


def exact(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` in :data:`CONTEXT`, whatever the calling thread's decimal context is."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


class AmbiguousNumber(ValueError):
    """A number written so that its value cannot be told (a decimal comma: 3168,02)."""


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def number_text(text: str) -> Decimal:
    """A number written as text, read as the digits written.

    Full-width digits, signs and points read as their ASCII forms (``３１６８．０２``); a comma is a thousands
    separator only where it is one — groups of three digits, every group (``3,168.02``) — and anything else
    with a comma (``3168,02``, ``3.168,02``: a decimal comma?) is refused as ambiguous rather than guessed;
    no other form is a number (no hex, octal, underscores or base 60). Raises :class:`AmbiguousNumber` or
    ``ValueError``."""
    plain = unicodedata.normalize("NFKC", text).strip().replace("−", "-")
    if "," in plain:
        if not _GROUPED.fullmatch(plain):
            raise AmbiguousNumber(f"逗号用法不明确：「{text.strip()}」中的逗号不是千位分隔符（三位一组），"
                                  "无法确定数值；小数点请写“.”，如 3168.02")
        plain = plain.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(plain):
        raise ValueError(f"not a number: {text!r}")
    return Decimal(plain)


def to_decimal(value: object) -> Decimal:
    """``value`` as a Decimal; floats go through ``str`` so 3024.25 stays 3024.25.

    Raises ``ValueError`` for anything that is not a finite number.
    """
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        result = number_text(value)
    else:
        raise ValueError(f"not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


@exact
def quantize(value: Decimal, places: int = 2, mode: str = "half_up") -> Decimal:
    """``value`` rounded to ``places`` decimals with the named rounding mode."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING_MODES[mode])


def round_points(value: Decimal, places: int = 2) -> Decimal:
    """A score rounded half away from zero to ``places`` decimals (default 2)."""
    return quantize(value, places, "half_up")


@exact
def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator``, or None when the denominator is zero."""
    if denominator == 0:
        return None
    return numerator / denominator


@exact
def percent(rate: Decimal | None, places: int = 2) -> Decimal | None:
    """A rate (0.9854) as a percentage rounded for display (98.54)."""
    if rate is None:
        return None
    return round_points(rate * HUNDRED, places)


@exact
def fmt_number(value: Decimal | int | None, places: int = 2) -> str:
    """``1234.5`` → ``"1,234.50"``; None → ``"—"``."""
    if value is None:
        return "—"
    return f"{quantize(Decimal(value), places):,.{places}f}"


@exact
def fmt_percent(rate: Decimal | None, places: int = 2) -> str:
    """A rate (0.4778) as ``"47.78%"``; None → ``"—"``."""
    if rate is None:
        return "—"
    return f"{percent(rate, places):.{places}f}%"


@exact
def fmt_points(value: Decimal | None) -> str:
    """Points at two decimals, rounded half-up, in prose as in tables: 19.6 → ``"19.60"``, 20 → ``"20.00"``
    (one score printed one way: a chapter saying 84.6 beside a table saying 84.60 reads as two figures)."""
    if value is None:
        return "—"
    return f"{quantize(Decimal(value), 2):f}"


def from_plain(value: object) -> Decimal | None:
    """A number a frame or JSON holds (a float already rounded half-up, as :func:`plain` writes it) as the Decimal
    it stands for: 98.54 → Decimal("98.54"), not the float's binary expansion; None and NaN as None."""
    return None if value is None or value != value else Decimal(repr(float(value)))


def plain(value: Decimal | None) -> float | None:
    """A Decimal as a float for JSON and charts (2-decimal values print exactly; −0 prints as 0)."""
    return None if value is None else float(value) + 0.0
