"""The rows a reviewer scores: every leaf of a form's scored tree (绩效指标, 管理效率 leaves, leaves computed
from the figures) with the department's own score (自评分) and perflib's rule score (规则分)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..scoring.tree import NodeResult


@dataclass(frozen=True)
class Row:
    """One scored row of a form."""

    node: NodeResult
    self_score: Decimal  # 自评分: the department's own score (its self score, or the score its form states) …
    rule_score: Decimal  # 规则分: perflib's score by the rules (the score that counts where there is no rule)

    @property
    def path(self) -> tuple[str, ...]:
        return self.node.path

    @property
    def max(self) -> Decimal:
        return self.node.max

    @property
    def label(self) -> str:
        """The row as the reviewer's sheet names it: its path, " / " between the levels."""
        return " / ".join(self.path)


def self_score(node: NodeResult, ev) -> Decimal:
    """The department's own score of a leaf: the indicator's or 管理效率 leaf's self score, the execution
    rate's stated score, or the score the form states for the node; else the score that counts."""
    own = None
    if node.indicator is not None:
        own = node.indicator.self_score
    elif node.management is not None:
        own = node.management.score
    elif node.method == "execution_rate" or node.execution is not None:
        own = ev.params.execution.self_score
    if own is None:
        own = ev.params.stated.nodes.get(node.name)
    return own if own is not None else node.score


def rows(ev) -> list[Row]:  # ev: perflib.evaluation.Evaluation
    """The scored rows of ``ev``'s form, in the order of its tree."""
    return [Row(n, self_score(n, ev), n.rule_score if n.rule_score is not None else n.score)
            for n in ev.scorecard.rows()]
