"""Text as a reader sees it: display widths of mixed Chinese and Latin text, circled numbers.

East Asian wide and fullwidth characters (汉字, 全角标点) take two columns in a terminal or a
spreadsheet and about one em in a chart; the rest one column, or about 0.6 em.
"""

from __future__ import annotations

import unicodedata


def is_wide(ch: str) -> bool:
    """Whether a character is East Asian wide or fullwidth (Unicode's East_Asian_Width W or F)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def display_width(text: str, *, wide: float = 2, narrow: float = 1) -> float:
    """The width of ``text``: ``wide`` per wide character, ``narrow`` per other character."""
    return sum(wide if is_wide(ch) else narrow for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (at least one space)."""
    return text + " " * max(width - int(display_width(text)), 1)


def circled(n: int) -> str:
    """1 → ①, … 20 → ⑳, 21 → ㉑ … 50 → ㊿, then (51)."""
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return f"({n})"
