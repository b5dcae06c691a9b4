"""One vocabulary of how far a target was reached — 达成 / 部分达成 / 未达成 — for the year end and monitoring.

A year file writes a qualitative indicator's tier (定性档次) as 达成 / 部分达成 / 未达成 (the MOF tiers by
their short names); a monitoring form writes 达到 / 部分达到 / 未达到, or 已达成; and a target that forbids
something ("不发生重特大生产安全事故", "杜绝…") is met by saying that nothing happened ("未发生…", "0 起",
"零发生"). :data:`WORDS` and :data:`ANSWERS` are the one table of those words and the outcome each states,
:func:`read` reads a value against its target with them. The year end finds the framework's tier of an
outcome (:func:`perflib.scoring.methods.find_tier`); monitoring lights it as its rules say
(:meth:`perflib.monitoring.rules.Rules.read_qualitative`).
"""

from __future__ import annotations

import re

from ..errors import TargetError
from .targets import parse

MET, PARTLY, NOT_MET = "met", "partly", "not_met"
OUTCOMES = (MET, PARTLY, NOT_MET)
#: each outcome as the forms name it
NAMES = {MET: "达成", PARTLY: "部分达成", NOT_MET: "未达成"}

#: words that state an outcome wherever they stand in a sentence ("全年已达成预期目标"); the longest that
#: appears wins, so 部分达到 is not read as 达到, nor 未达成 as 达成
WORDS = {
    "达成": MET, "已达成": MET, "全部达成": MET, "达到": MET, "已达到": MET, "全部达到": MET,
    "部分达成": PARTLY, "基本达成": PARTLY, "部分达到": PARTLY, "基本达到": PARTLY,
    "未全部达成": PARTLY, "未全部达到": PARTLY, "未完全达成": PARTLY, "未完全达到": PARTLY,
    "未达成": NOT_MET, "未能达成": NOT_MET, "没有达成": NOT_MET,
    "未达到": NOT_MET, "未能达到": NOT_MET, "没有达到": NOT_MET,
}
#: words that state an outcome only as the whole answer: "完成" is met, "完成项目招标" says nothing of the target
ANSWERS = {"完成": MET, "已完成": MET, "全部完成": MET, "部分完成": PARTLY, "基本完成": PARTLY, "未完成": NOT_MET}
#: a target that forbids something …
PROHIBITIONS = ("不发生", "杜绝", "不出现")
#: … is met by a value that says nothing happened — or by counts that are all zero ("0 起")
NOTHING_HAPPENED = ("未发生", "零发生", "没有发生", "未出现", "没有出现")
#: how to write an outcome, for messages
HOW_TO_WRITE = ("达成 / 部分达成 / 未达成（或 达到 / 部分达到 / 未达到）；目标为“不发生…”“杜绝…”的，"
                "可写“未发生”或“0 起”")

_WORDS_LONGEST_FIRST = sorted(WORDS, key=len, reverse=True)
_ENDS = re.compile(r"^[\s。.，,；;！!]+|[\s。.，,；;！!]+$")


def word(text: str) -> str | None:
    """The outcome one word of the vocabulary names (达到, 已达成, 完成 …), or None."""
    return WORDS.get(text) or ANSWERS.get(text)


def forbids(target: str) -> bool:
    """Whether a target forbids something: "不发生重特大生产安全事故", "杜绝…"."""
    return any(w in target for w in PROHIBITIONS)


def read(value: str, target: str | None = None) -> str | None:
    """The outcome ``value`` states against ``target`` (:data:`MET`, :data:`PARTLY`, :data:`NOT_MET`), or None
    when its words state none: an answer of :data:`ANSWERS` as a whole, else the longest word of
    :data:`WORDS` in it, else — against a target that forbids something — that nothing happened."""
    text = _ENDS.sub("", value)
    if text in ANSWERS:
        return ANSWERS[text]
    for w in _WORDS_LONGEST_FIRST:
        if w in text:
            return WORDS[w]
    if target is not None and forbids(target) and _nothing_happened(text):
        return MET
    return None


def _nothing_happened(text: str) -> bool:
    if any(w in text for w in NOTHING_HAPPENED):
        return True
    try:
        parsed = parse(text)
    except TargetError:
        return False
    return not parsed.qualitative and all(part.value == 0 and part.upper is None for part in parsed.parts)
