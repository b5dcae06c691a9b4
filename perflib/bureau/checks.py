"""The queries of one form, each check one kind (perflib.bureau.settings.KINDS), from what perflib knows of it.

Each check takes a :class:`Form` — the evaluation and what the review knows beside it (last year's, the
year's monitoring snapshots) — and yields :class:`~perflib.bureau.query.Query` objects without a risk score
(:func:`~perflib.bureau.query.with_risk` adds it). What each counts as the points at stake is said in its
docstring and in docs/review.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..errors import Level, TargetError
from ..evaluation import Evaluation
from ..numbers import HUNDRED, ZERO, fmt_number, fmt_percent, fmt_points, quantize
from ..scoring import methods
from ..scoring.targets import parse
from ..scoring.tree import NodeKind, NodeResult
from . import basis
from .midyear import Midyear
from .query import Query
from .settings import Settings

#: audit codes a query of another kind already covers (NOT_RECOMPUTABLE: ``unverifiable``)
COVERED = {"NOT_RECOMPUTABLE"}
#: audit codes whose subject is a stated figure: the points at stake are the stated − computed difference
SCORING = {"SCORE_MISMATCH", "SUBSCORES_DO_NOT_ADD_UP", "SELF_SCORE_DIFFERS"}


@dataclass(frozen=True)
class Form:
    """One form under review: its evaluation, last year's (same department, or same project), and the
    monitoring snapshots of its year (department forms)."""

    ev: Evaluation
    settings: Settings
    last: Evaluation | None = None
    midyear: tuple[Midyear, ...] = ()
    leaves: tuple[basis.Leaf, ...] = ()

    def query(self, kind: str, row: str, issue: str, points: Decimal, *, topic: str | None = None,
              finding: str | None = None, severity: str | None = None) -> Query:
        ev = self.ev
        return Query(kind, ev.code, ev.department, ev.year, ev.project, row, issue,
                     self.settings.evidence(kind, topic), quantize(max(points, ZERO), 2), finding=finding, severity=severity,
                     file=str(ev.path or ""))

    def node(self, name: str) -> NodeResult | None:
        return self.ev.scorecard.node(name)


def findings(form: Form) -> Iterator[Query]:
    """The audit's errors and warnings. At stake: for a stated score against the computed one, their difference;
    for a finding about a row, the row's score; else none."""
    ev = form.ev
    stated = ev.params.stated
    for f in ev.findings:
        if f.level == Level.INFO or f.code in COVERED:
            continue
        node = form.node(f.subject)
        points = ZERO
        if f.code in SCORING:
            if f.subject == "总分" and stated.total is not None:
                points = abs(stated.total - ev.total)
            elif node is not None and f.subject in stated.nodes:
                points = abs(stated.nodes[f.subject] - node.score)
            elif node is not None and node.rule_score is not None:
                points = abs(node.score - node.rule_score)
        elif node is not None:
            points = node.score
        yield form.query("finding", f.subject, f.message, points, topic=f.topic, finding=f.code,
                         severity=str(f.level))


def unverifiable(form: Form) -> Iterator[Query]:
    """Rows whose points rest on nothing checkable (:mod:`perflib.bureau.basis`, ``none``). At stake: the
    row's score."""
    for leaf in form.leaves:
        if leaf.basis == basis.NONE and leaf.node.score > ZERO:
            yield form.query("unverifiable", leaf.node.name,
                             f"「{leaf.node.name}」得 {fmt_points(leaf.node.score)} 分（分值 {fmt_points(leaf.node.max)} 分），"
                             f"{leaf.why}。", leaf.node.score)


def disagree(form: Form) -> Iterator[Query]:
    """A rate (a % or ‰ target, a name ending in 率, not a 满意度) met while an absolute figure of the same
    subject is missed: the same subject when, the generic words of ``review.yaml`` and the final 率 taken off,
    the absolute's name holds at least three characters and three quarters of the rate's name, in order
    ("隐患整改率" and "完成隐患排查整改数"). At stake: the rate's score."""
    generic = tuple(form.settings.generic_words)
    rows = [r for r in form.ev.scorecard.indicators if r.parts and r.method != methods.STATED]
    rates = [r for r in rows if r.met and r.name.endswith("率") and "满意" not in r.name
             and all(p.target.unit in ("%", "‰") for p in r.parts)]
    absolutes = [r for r in rows if not r.met and all(p.target.unit not in ("%", "‰") for p in r.parts)]
    for a in absolutes:
        for r in rates:
            if _same_subject(r.name, a.name, generic):
                yield form.query(
                    "disagree", r.name,
                    f"「{a.name}」未完成（目标 {a.target_short}，实际 {a.actual_short}），而同一事项的"
                    f"「{r.name}」达成（目标 {r.target_short}，实际 {r.actual_short}）并得 {fmt_points(r.score)} 分："
                    "两者口径须一致。", r.score)


def _core(name: str, generic: tuple[str, ...]) -> str:
    for word in generic:
        name = name.replace(word, "")
    return name.removesuffix("率")


def _same_subject(rate: str, absolute: str, generic: tuple[str, ...]) -> bool:
    a, b = _core(rate, generic), _core(absolute, generic)
    if not a or not b:
        return False
    matched = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched >= 3 and matched * 4 >= len(a) * 3


def results_ahead(form: Form) -> Iterator[Query]:
    """The indicators' score ratio (their points ÷ their weights) above the year's execution rate by more than
    the threshold (the national module's 5 %). At stake: the excess ratio × the indicators' weights (to 0.01)."""
    ev = form.ev
    rows = ev.scorecard.indicators
    weights = sum((r.weight for r in rows), ZERO)
    rate = ev.metrics.execution_rate
    if not rows or not weights or rate is None:
        return
    ratio = sum((r.score for r in rows), ZERO) / weights
    gap = (ratio - min(rate, Decimal(1))) * HUNDRED
    if gap > form.settings.thresholds.results_ahead:
        yield form.query(
            "results_ahead", "绩效指标",
            f"绩效指标得分率 {fmt_percent(ratio)}，而预算执行率 {fmt_percent(rate)}，高出 {fmt_number(gap)} 个百分点"
            f"（超过 {fmt_number(form.settings.thresholds.results_ahead)} 个百分点）：资金未用完，结果却更好，须核实。",
            quantize((ratio - rate) * weights, 2))


def unspent(form: Form) -> Iterator[Query]:
    """More than the threshold (20 %) of the adjusted budget unspent. At stake: the execution leaf's score."""
    m = form.ev.metrics
    if not m.adjusted or m.execution_rate is None:
        return
    left = (1 - m.execution_rate) * HUNDRED
    if left > form.settings.thresholds.unspent:
        execution = [n for n in form.ev.scorecard.walk() if n.method in ("execution_rate", methods.STATED)
                     and n.kind == NodeKind.METRIC]
        yield form.query(
            "unspent", "预算执行",
            f"调整后预算 {fmt_number(m.adjusted)} {m.unit}，支出 {fmt_number(m.spent)} {m.unit}，"
            f"未支出 {fmt_number(m.adjusted - m.spent)} {m.unit}（{fmt_number(left)}%，超过 "
            f"{fmt_number(form.settings.thresholds.unspent)}%）。",
            sum((n.score for n in execution), ZERO))


def zero_budget(form: Form) -> Iterator[Query]:
    """A budget of zero: the whole form's (at stake: every indicator's score — results without money), or a fund
    type's or key project's that was spent from (at stake: none)."""
    ev, m = form.ev, form.ev.metrics
    if not m.adjusted:
        yield form.query("zero_budget", "预算",
                         f"调整后预算为 0，支出 {fmt_number(m.spent)} {m.unit}，却报告了绩效指标完成情况。",
                         sum((r.score for r in ev.scorecard.indicators), ZERO))
        return
    for f in ev.params.budget.funds:
        if not f.adjusted and f.spent:
            yield form.query("zero_budget", f.type, f"「{f.type}」调整后预算为 0，却有支出 {fmt_number(f.spent)} {m.unit}。",
                             ZERO)
    for p in ev.params.key_projects:
        if not p.budget:
            yield form.query("zero_budget", p.name, f"重点项目「{p.name}」预算为 0。", ZERO)


def forecast_missed(form: Form) -> Iterator[Query]:
    """A target reported 确定能 at mid-year, or forecast to reach it, missed at the year end with no analysis of
    why. At stake: the indicator's points (its weight)."""
    by_name = {r.name: r for r in form.ev.scorecard.indicators}
    for snap in form.midyear:
        for i in snap.indicators:
            r = by_name.get(i.name)
            if r is None or r.met or (r.analysis and r.analysis.strip()) or not (i.certain or i.forecast_meets):
                continue
            said = "完成可能性填“确定能”" if i.certain else f"全年预计完成 {i.forecast}"
            yield form.query(
                "forecast_missed", r.name,
                f"{snap.month} 月监控时{said}，年末未完成（目标 {r.target_short}，实际 {r.actual_short}），且未说明原因。",
                r.weight)


def target_changed(form: Form) -> Iterator[Query]:
    """An indicator whose target in a monitoring snapshot differs from the year file's. At stake: its score."""
    by_name = {r.name: r for r in form.ev.scorecard.indicators}
    for snap in form.midyear:
        for i in snap.indicators:
            r = by_name.get(i.name)
            if r is None or i.target is None or r.source.target is None or _same_target(i.target, r.source.target):
                continue
            yield form.query(
                "target_changed", r.name,
                f"{snap.month} 月监控时目标为 {i.target}，年末自评按 {r.source.target} 评价：目标调整须有批复。",
                r.score)


def _same_target(a: str, b: str) -> bool:
    try:
        pa, pb = parse(a), parse(b)
    except TargetError:
        return a.strip() == b.strip()
    if pa.qualitative or pb.qualitative:
        return "".join(a.split()) == "".join(b.split())
    return str(pa) == str(pb)


def recurring(form: Form) -> Iterator[Query]:
    """Last year's errors and warnings found again this year on the same row (same code and subject): 整改未到位.
    At stake: the row's score this year."""
    if form.last is None:
        return
    before = {(f.code, f.subject): f for f in form.last.findings if f.level != Level.INFO}
    seen = set()
    for f in form.ev.findings:
        key = (f.code, f.subject)
        if f.level == Level.INFO or key not in before or key in seen:
            continue
        seen.add(key)
        node = form.node(f.subject)
        yield form.query(
            "recurring", f.subject,
            f"{form.last.year} 年已发现、{form.ev.year} 年再次出现：{f.message}",
            node.score if node is not None else ZERO, topic=f.topic, finding=f.code, severity=str(f.level))


CHECKS: dict[str, Callable[[Form], Iterator[Query]]] = {
    "finding": findings, "unverifiable": unverifiable, "disagree": disagree, "results_ahead": results_ahead,
    "unspent": unspent, "zero_budget": zero_budget, "forecast_missed": forecast_missed,
    "target_changed": target_changed, "recurring": recurring,
}
