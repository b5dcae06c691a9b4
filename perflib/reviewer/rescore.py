"""A form's total re-added with the reviewer's scores (复核总分), as the scorer adds it up: each leaf the
reviewer scored counts its 复核分 (rounded as the framework rounds), every other leaf its rule score (规则分);
a parent is the sum of its children (a 绩效指标 node at most its points), the total the sum of the first
level, the grade the framework's. The same sum over the 自评分 and the 规则分 gives 自评总分 and 规则总分."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import InputError, InputErrors
from ..numbers import ZERO, fmt_points, quantize
from ..scoring.tree import NodeKind, NodeResult
from .rows import Row, rows
from .scores import ReviewFile, ReviewRow, review_file, stored


@dataclass(frozen=True)
class ReviewedRow:
    """One scored row beside the reviewer's score of it."""

    row: Row
    review_score: Decimal | None  # 复核分 as entered (rounded as the framework rounds); None: left blank
    comment: str | None  # 复核意见

    @property
    def score(self) -> Decimal:
        """What the row counts in the reviewed total: the 复核分, else the rule score."""
        return self.review_score if self.review_score is not None else self.row.rule_score

    @property
    def differs(self) -> bool:
        """Whether 自评分, 规则分 and the reviewed score are not all the same."""
        return len({self.row.self_score, self.row.rule_score, self.score}) > 1


@dataclass(frozen=True)
class Reviewed:
    """A form's scores three ways: the department's (自评), perflib's rules (规则) and the reviewer's (复核)."""

    ev: object  # perflib.evaluation.Evaluation
    review: ReviewFile
    rows: tuple[ReviewedRow, ...]
    scores: dict[tuple[str, ...], Decimal]  # every node's reviewed score, by path
    self_scores: dict[tuple[str, ...], Decimal]  # … its score added up from the 自评分
    rule_scores: dict[tuple[str, ...], Decimal]  # … and from the 规则分
    self_total: Decimal
    rule_total: Decimal
    total: Decimal

    @property
    def self_grade(self) -> str:
        return self.ev.framework.grade(self.self_total)

    @property
    def rule_grade(self) -> str:
        return self.ev.framework.grade(self.rule_total)

    @property
    def grade(self) -> str:
        return self.ev.framework.grade(self.total)

    def row(self, path: tuple[str, ...]) -> ReviewedRow | None:
        return next((r for r in self.rows if r.row.path == tuple(path)), None)

    def __repr__(self) -> str:
        return (f"<Reviewed {self.ev.department} {self.ev.year}：自评 {fmt_points(self.self_total)}，"
                f"规则 {fmt_points(self.rule_total)}，复核 {fmt_points(self.total)} 分，{self.grade}>")


def add_up(ev, leaf: Callable[[NodeResult], Decimal]) -> tuple[dict[tuple[str, ...], Decimal], Decimal]:
    """Every node's score and the total when each leaf scores ``leaf(node)``, added up as the scorer does."""
    out: dict[tuple[str, ...], Decimal] = {}

    def walk(node: NodeResult) -> Decimal:
        if not node.children:
            value = leaf(node) if node.kind != NodeKind.INDICATORS else node.score
        else:
            value = sum((walk(c) for c in node.children), ZERO)
            if node.kind == NodeKind.INDICATORS:
                value = min(value, node.max)
        out[node.path] = value
        return value

    total = sum((walk(n) for n in ev.scorecard.nodes), ZERO)
    return out, total


def reviewed(ev, review: ReviewFile | None = None) -> Reviewed | None:
    """``ev`` with its reviewer's scores (``review``, else the one stored beside its form); None when there is
    none. Raise :class:`InputErrors` naming the review's file and row when a stored row is not on the form
    or scores above its points (the form changed since it was reviewed)."""
    review = review if review is not None else stored(ev)
    if review is None:
        return None
    fw = ev.framework
    where = review_file(ev.path) if ev.path is not None else Path("(复核)")
    form = rows(ev)
    by_path = {r.path: r for r in form}
    problems = []
    given: dict[tuple[str, ...], ReviewRow] = {}
    for i, entry in enumerate(review.rows):
        path = tuple(entry.path)
        if path not in by_path:
            problems.append(InputError(where, ("rows", i, "path"), "自评表上没有这一行（自评表在复核后改过？）",
                                       found=" / ".join(path)))
        elif entry.score is not None and entry.score > by_path[path].max:
            problems.append(InputError(where, ("rows", i, "score"), "复核分超过该行分值",
                                       expected=f"≤ {fmt_points(by_path[path].max)}", found=entry.score))
        else:
            given[path] = entry
    if problems:
        raise InputErrors(problems)

    def score_of(entry) -> Decimal | None:
        return None if entry is None or entry.score is None else quantize(entry.score, fw.rounding.places,
                                                                            fw.rounding.mode)

    out = tuple(ReviewedRow(r, score_of(given.get(r.path)), given[r.path].comment if r.path in given else None)
                for r in form)
    counted = {r.row.path: r.score for r in out}
    selfs = {r.path: r.self_score for r in form}
    rules = {r.path: r.rule_score for r in form}
    scores, total = add_up(ev, lambda n: counted[n.path])
    self_scores, self_total = add_up(ev, lambda n: selfs[n.path])
    rule_scores, rule_total = add_up(ev, lambda n: rules[n.path])
    return Reviewed(ev, review, out, scores, self_scores, rule_scores, self_total, rule_total, total)
