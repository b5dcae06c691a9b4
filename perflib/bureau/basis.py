"""What each point of a score rests on: a number the rule recomputes, a judgement, or nothing checkable.

Every leaf of the scored tree is one of:

* ``number`` (可核验) — recomputed from figures on the form: a quantitative indicator's target and actual, an
  execution rate from the budget, a standard indicator computed or printed;
* ``judged`` (评判) — a judgement the form records in words a reviewer can weigh: a qualitative indicator
  whose actual describes what was done, a 管理效率 leaf scored by its deductions;
* ``none`` (无据) — nothing checkable: a row whose score the form states but the rule cannot recompute
  (method ``stated``), a blank target or actual, a qualitative actual that is only a stock phrase
  ("完成", "效果良好"; the list is ``stock_phrases`` of ``review.yaml``).

The **verifiable share** of a form is the points of its ``number`` leaves ÷ all the points it scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..evaluation import Evaluation
from ..numbers import ZERO
from ..scoring import methods
from ..scoring.tree import NodeKind, NodeResult
from .settings import Settings

NUMBER, JUDGED, NONE = "number", "judged", "none"
NAMES = {NUMBER: "可核验", JUDGED: "评判", NONE: "无据"}
_ENDS = re.compile(r"^[\s。.，,；;！!、]+|[\s。.，,；;！!、]+$")


@dataclass(frozen=True)
class Leaf:
    """One scored leaf and what its points rest on (``why``: for ``none``, what is missing)."""

    node: NodeResult
    basis: str
    why: str = ""


@dataclass(frozen=True)
class Share:
    """A form's points by what they rest on; ``share`` = number ÷ total (None when nothing was scored)."""

    number: Decimal
    judged: Decimal
    none: Decimal

    @property
    def total(self) -> Decimal:
        return self.number + self.judged + self.none

    @property
    def share(self) -> Decimal | None:
        return self.number / self.total if self.total else None


def stock_phrase(text: str | None, settings: Settings) -> bool:
    """Whether ``text`` is only a stock phrase of ``settings.stock_phrases`` (or empty)."""
    return not text or _ENDS.sub("", text) in settings.stock_phrases


def leaves(ev: Evaluation, settings: Settings) -> Iterator[Leaf]:
    """Every scored leaf of ``ev`` with its basis."""
    for node in ev.scorecard.rows():
        if node.kind == NodeKind.INDICATOR:
            yield _indicator(node, settings)
        elif node.kind == NodeKind.MANAGEMENT:
            yield Leaf(node, JUDGED)
        elif node.method == methods.STATED:  # a leaf computed from the figures, from here on
            yield Leaf(node, NONE, "表上得分，规则无法重算")
        elif (s := node.standard) is not None and s.value is None:
            yield Leaf(node, NONE, "未给出完成值，也无法由预算数据计算")
        else:
            yield Leaf(node, NUMBER)


def _indicator(node: NodeResult, settings: Settings) -> Leaf:
    r = node.indicator
    assert r is not None
    src = r.source
    if r.method == methods.STATED:
        return Leaf(node, NONE, (r.self_score_reason or "表上得分，规则无法重算").rstrip("。；"))
    blank = [w for w, given in (("指标值", src.target is not None),
                                ("实际完成值", src.actual is not None or src.numerator is not None or src.tier is not None))
             if not given]
    if blank:
        return Leaf(node, NONE, f"{'、'.join(blank)}未填")
    if r.qualitative:
        if stock_phrase(src.actual, settings) and src.analysis is None:
            said = f"“{src.actual}”" if src.actual else "（只有档次）"
            return Leaf(node, NONE, f"实际完成值只写{said}，没有可核验的数字或事实")
        return Leaf(node, JUDGED)
    return Leaf(node, NUMBER)


def share(all_leaves: list[Leaf]) -> Share:
    sums = {NUMBER: ZERO, JUDGED: ZERO, NONE: ZERO}
    for leaf in all_leaves:
        sums[leaf.basis] += leaf.node.score
    return Share(sums[NUMBER], sums[JUDGED], sums[NONE])
