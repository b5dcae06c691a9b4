"""Scoring a department-year against its framework's indicator tree.

Leaves are rounded by the framework's rule (two decimals, half up); every parent is the sum of its
rounded children, and the total the sum of the first level — so the published sub-scores always
add up. Where the analyst entered a self-assessed score (自评得分) the node counts that score, and
the rule-based score is kept beside it for the audit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from ..errors import Problems, TargetError
from ..inputs.schema import ManagementLeaf, ParamsFile
from ..numbers import ZERO, fmt_points, quantize, to_decimal
from . import methods, standard
from .budget import Metrics, metric_values, rate_for
from .frameworks import Framework, Node, execution_rule, parse_bands
from .indicators import IndicatorResult, score_indicator
from .targets import BETWEEN, EQ, GE, GT, LE, LT, parse


class NodeKind(StrEnum):
    """What a node of the scored tree is."""

    GROUP = "group"  # a node with children of the framework's own
    INDICATORS = "indicators"  # the department's 绩效指标 of some categories
    INDICATOR = "indicator"  # one of them
    MANAGEMENT = "management"  # a judged leaf (管理效率): points less deductions
    METRIC = "metric"  # a leaf computed from the figures: execution rate, banded, standard indicator


#: The kinds of node that are a scored row of the form (:meth:`Scorecard.rows`).
ROW_KINDS = (NodeKind.INDICATOR, NodeKind.MANAGEMENT, NodeKind.METRIC)


@dataclass(frozen=True)
class ExecutionDetail:
    """How an execution-rate leaf was scored: the rate and how it was reached."""

    rate: Decimal
    strategy: str  # monthly_mean, year_end, schedule, stated (see budget.ExecutionRule)
    source: str  # where the rate came from: monthly, year_end, stated


@dataclass(frozen=True)
class BandedDetail:
    """A leaf scored by bands of a metric (e.g. 结转结余率 ≤ 5 %: full marks)."""

    metric: str
    value: Decimal


@dataclass(frozen=True)
class StandardDetail:
    """A standard indicator (perflib.scoring.standard), computed from the budget or as the form prints it."""

    indicator: str  # the standard indicator's name (预算完成率 …)
    formula: str
    target: str  # as shown: "≥95%", "≤3%", "分档计分", or "未填" when the department's own target is blank
    value: Decimal | None  # in %: computed, or as printed; None when neither
    source: str  # budget, form, missing, undefined (see standard.value_of)
    direction: str  # ≥, ≤, 区间, 分档
    printed: Decimal | None = None  # the value the form prints, when it does
    rule: str | None = None  # the scoring rule applied: a completion rule, per_point or banded
    completion: Decimal | None = None  # completion rules: the share of the points
    target_value: Decimal | None = None  # the target as a number, in %
    per_point: Decimal | None = None  # 扣分制: points off per step beyond the target …
    step: Decimal | None = None  # … per this many percentage points (None: per point)
    beyond: Decimal | None = None  # … and how far beyond it the value is


@dataclass(frozen=True)
class NodeResult:
    """One node of the scored tree."""

    name: str
    path: tuple[str, ...]
    kind: NodeKind
    max: Decimal
    score: Decimal
    rule_score: Decimal | None = None  # the rules' score where a self score counts instead
    method: str | None = None
    full_name: str | None = None
    description: str | None = None
    children: tuple[NodeResult, ...] = ()
    indicator: IndicatorResult | None = None
    management: ManagementLeaf | None = None
    detail: ExecutionDetail | BandedDetail | StandardDetail | None = None  # how a computed leaf was scored

    @property
    def level(self) -> int:
        return len(self.path)

    @property
    def execution(self) -> ExecutionDetail | None:
        """An execution-rate leaf's rate and how it was reached."""
        return self.detail if isinstance(self.detail, ExecutionDetail) else None

    @property
    def standard(self) -> StandardDetail | None:
        """A standard indicator's value, target and rule."""
        return self.detail if isinstance(self.detail, StandardDetail) else None

    @property
    def banded(self) -> BandedDetail | None:
        """A banded leaf's metric and its value."""
        return self.detail if isinstance(self.detail, BandedDetail) else None

    def __repr__(self) -> str:
        return f"<NodeResult {' / '.join(self.path)}：{self.score}/{self.max} 分，{len(self.children)} 个下级>"

    @property
    def lost(self) -> Decimal:
        """Points not earned (扣分)."""
        return self.max - self.score

    def walk(self):  # generator of NodeResult
        """This node and every node below it, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Scorecard:
    """The scored tree, total and grade of one department-year."""

    framework: Framework
    nodes: tuple[NodeResult, ...]  # first level
    total: Decimal
    grade: str
    indicators: tuple[IndicatorResult, ...]
    defects: tuple[tuple[str, str, str], ...] = ()  # (code, message, subject): what the form got wrong, read anyway

    def __repr__(self) -> str:
        return f"<Scorecard {self.framework.id}：{self.total} 分，{self.grade}，{len(self.indicators)} 个绩效指标>"

    def walk(self):
        for node in self.nodes:
            yield from node.walk()

    def rows(self):  # generator of NodeResult
        """The scored rows of the form, in the tree's order: every leaf that is an indicator, a 管理效率 leaf or a
        leaf computed from the figures (a node of indicators with none scores nothing and is no row)."""
        return (n for n in self.walk() if not n.children and n.kind in ROW_KINDS)

    def node(self, name: str) -> NodeResult | None:
        """The first node of that name (parents first), or None."""
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, NodeResult]:  # the audit looks up every stated node: not a walk each
        out: dict[str, NodeResult] = {}
        for n in self.walk():
            out.setdefault(n.name, n)
        return out


def score(params: ParamsFile, fw: Framework, metrics: Metrics, problems: Problems) -> Scorecard:
    """Score ``params`` under ``fw``; raise :class:`~perflib.errors.InputErrors` on any problem."""
    results = [score_indicator(i, ind, fw, problems) for i, ind in enumerate(params.indicators)]
    scored = [r for r in results if r is not None]
    leaves = _management_leaves(fw)
    _check_management(params, leaves, problems)
    _check_stated(params, fw, problems)
    _check_standard_rows(params, fw, problems)
    problems.raise_if_any()

    ctx = _Context(params, fw, metrics, scored, problems)
    nodes = tuple(ctx.group(fw.tree, ()))
    _check_unclaimed(params, fw, scored, problems)
    problems.raise_if_any()
    total = sum((n.score for n in nodes), ZERO)
    return Scorecard(fw, nodes, total, fw.grade(total), tuple(scored), tuple(problems.defects))


class _Context:
    def __init__(self, params, fw, metrics, indicators, problems) -> None:
        self.params, self.fw, self.metrics, self.problems = params, fw, metrics, problems
        self.indicators = indicators
        self.management = {(m.name): (i, m) for i, m in enumerate(params.management)}

    def round(self, value: Decimal) -> Decimal:
        return quantize(value, self.fw.rounding.places, self.fw.rounding.mode)

    def group(self, nodes: list[Node], prefix: tuple[str, ...]) -> list[NodeResult]:
        maxima = self._indicator_maxima(nodes)
        out = []
        for node in nodes:
            path = prefix + (node.name,)
            if node.children is not None:
                children = tuple(self.group(node.children, path))
                out.append(self._result(node, path, NodeKind.GROUP, node.points, sum((c.score for c in children), ZERO),
                                        children=children))
            elif node.indicators is not None:
                out.append(self._indicator_node(node, path, maxima.get(node.name, node.points)))
            elif node.input == "management":
                out.append(self._management_leaf(node, path))
            else:
                out.append(self._metric_leaf(node, path))
        return out

    def _result(self, node: Node, path, kind, max_, score_, **kw) -> NodeResult:
        return NodeResult(node.name, path, kind, max_, score_, full_name=node.full_name,
                          description=node.description, **kw)

    def members(self, node: Node) -> list[IndicatorResult]:
        cats = set(node.indicators or [])
        return [r for r in self.indicators if r.category[0] in cats]

    def _indicator_maxima(self, siblings: list[Node]) -> dict[str, Decimal]:
        """Points of indicator nodes, moving an empty optional node's points to its recipients."""
        maxima: dict[str, Decimal] = {}
        for node in siblings:
            if node.indicators is None or not node.optional or self.members(node) or not node.give_to:
                continue
            pool = node.points + sum((n.points for n in siblings if n.name in node.give_to), ZERO)
            weights = {
                n.name: sum((r.weight for r in self.members(n)), ZERO) for n in siblings if n.name in node.give_to
            }
            if sum(weights.values(), ZERO) != pool:
                self.problems.defect(
                    ("indicators",), "WEIGHTS_DO_NOT_ADD_UP",
                    f"没有「{node.name}」指标时，其 {fmt_points(node.points)} 分须分配给{'、'.join(node.give_to)}：这些指标的"
                    f"分值合计应为 {fmt_points(pool)} 分，实为 {fmt_points(sum(weights.values(), ZERO))} 分；各项按其指标得分之和计。",
                    subject=node.name, found=f"{sum(weights.values(), ZERO)} 分",
                    refusal=f"没有「{node.name}」指标时，其 {node.points} 分须分配给{'、'.join(node.give_to)}："
                            f"这些指标的分值合计应为 {pool}",
                )
            maxima[node.name] = ZERO
            maxima.update(weights)
        return maxima

    def _indicator_node(self, node: Node, path, max_: Decimal) -> NodeResult:
        members = self.members(node)
        weights = sum((r.weight for r in members), ZERO)
        if not members and not node.optional:
            self.problems.add(("indicators",), f"评价框架的「{node.name}」没有任何指标",
                              expected=f"类别为 {'、'.join(node.indicators or [])} 的指标，分值合计 {node.points}")
        earned = sum((r.score for r in members), ZERO)
        if members and weights != max_:
            counted = (f"该项按其指标得分之和计 {fmt_points(earned)} 分" if earned <= max_ else
                       f"其指标得分之和 {fmt_points(earned)} 分，以该项分值为限计 {fmt_points(max_)} 分")
            self.problems.defect(
                ("indicators",), "WEIGHTS_DO_NOT_ADD_UP",
                f"「{node.name}」下各指标分值合计 {fmt_points(weights)} 分，应为 {fmt_points(max_)} 分；{counted}。",
                subject=node.name, found=f"{weights} 分", refusal=f"「{node.name}」下各指标分值合计须等于 {max_} 分",
            )
        children = tuple(
            NodeResult(
                r.name, path + (r.name,), NodeKind.INDICATOR, r.weight, r.score,
                rule_score=r.rule_score if r.self_score is not None else None,
                method=r.method, indicator=r,
            )
            for r in members
        )
        # weights above the node's points (a form's bad sum) never lift it above them
        return self._result(node, path, NodeKind.INDICATORS, max_, min(sum((c.score for c in children), ZERO), max_),
                            children=children)

    def _management_leaf(self, node: Node, path) -> NodeResult:
        _, entry = self.management[node.name]
        rule = self.round(methods.deduction(node.points, [d.points for d in entry.deductions]) * node.points)
        score_ = entry.score if entry.score is not None else rule
        shown_rule = rule if entry.score is not None and entry.deductions else None
        return self._result(node, path, NodeKind.MANAGEMENT, node.points, score_, rule_score=shown_rule,
                            method="deduction", management=entry)

    def _metric_leaf(self, node: Node, path) -> NodeResult:
        method = node.method
        if method == "execution_rate":
            rule = execution_rule(node.params)
            # the framework's rule was applied once, by budget.compute; another leaf's own rule here
            evaluation = self.metrics.evaluation if rule == self.fw.execution_rule else rate_for(self.metrics, rule)
            if evaluation.rate is None and rule.part:
                self.problems.add(("budget",), f"无法计算「{node.name}」的执行率：输入中没有「{rule.part}」的预算",
                                  expected=f"budget.by_kind（基本支出/项目支出）、budget.funds 或 key_projects 中有「{rule.part}」，"
                                           "且其预算不为 0")
                return self._result(node, path, NodeKind.METRIC, node.points, ZERO, method=method)
            stated = self.params.execution.self_score
            if evaluation.rate is None and stated is not None:
                # the form does not hold what the rule needs: the stated score counts (audit NOT_RECOMPUTABLE)
                if stated > node.points:
                    self.problems.add(("execution", "self_score"), f"「{node.name}」的自评得分超过该项分值",
                                      expected=f"≤ {node.points}", found=stated)
                return self._result(node, path, NodeKind.METRIC, node.points, stated, method=methods.STATED)
            if evaluation.rate is None:
                how = {"monthly_mean": "按各月末累计执行率的平均计分", "schedule": "按各月对序时进度的完成程度计分",
                       "stated": "按财政部门核定的年度评价执行率计分"}.get(rule.strategy, "按全年支出 ÷ 预算计分")
                self.problems.add(("execution",), f"无法计算「{node.name}」的执行率：评价框架{how}",
                                  expected="12 个月的月度支出（execution.monthly），或报告所述的年度评价执行率"
                                           "（execution.stated_rate），且预算不为 0")
                return self._result(node, path, NodeKind.METRIC, node.points, ZERO, method=method)
            share = methods.execution_rate(evaluation.rate, cap=self.fw.defaults.execution == "capped")
            detail = ExecutionDetail(evaluation.rate, evaluation.strategy, evaluation.source)
            return self._result(node, path, NodeKind.METRIC, node.points, self.round(share * node.points),
                                 method=method, detail=detail)
        if method == "banded":
            metric = node.params["metric"]
            value = metric_values(self.metrics).get(metric)
            if value is None:
                self.problems.add(("budget",), f"无法计算「{node.name}」所需的指标 {metric}")
                return self._result(node, path, NodeKind.METRIC, node.points, ZERO, method=method)
            share = methods.banded(value, parse_bands(node.params["bands"], node.points))
            return self._result(node, path, NodeKind.METRIC, node.points, self.round(share * node.points),
                                method=method, detail=BandedDetail(metric, value))
        if method == "standard":
            return self._standard_leaf(node, path)
        raise AssertionError(f"framework check let through method {method!r}")  # pragma: no cover

    def _standard_leaf(self, node: Node, path) -> NodeResult:
        """A standard indicator (perflib.scoring.standard), computed from the budget or as the form prints
        it, scored against the leaf's target as an indicator is: the direction from the target's operator,
        the leaf's method, or the indicator's own direction when the target has no operator."""
        indicator = standard.find(node.params["indicator"])
        row = self.params.standard.get(node.name)
        printed = row.value if row is not None else None
        target_text = row.target if row is not None and row.target is not None else node.params.get("target")
        value, source = standard.value_of(indicator, self.params.budget, self.metrics, printed)
        detail = StandardDetail(indicator.name, indicator.formula,
                                str(target_text) if target_text is not None else "分档计分", value, source,
                                indicator.direction, printed=printed)
        if target_text == "input":  # the department sets the target, and the form leaves it blank
            rule = self.round(self.fw.defaults.missing * node.points)
            self.problems.defect(
                ("standard", node.name, "target"), "NOT_FILLED",
                f"「{node.name}」的目标值由部门填写，表上未填"
                f"{'，完成值也未填（也没有计算所需的预算数据：' + indicator.needs + '）' if source == 'missing' else ''}"
                f"，按评价框架计 {fmt_points(rule)} 分"
                f"（满分 {fmt_points(node.points)} 分）。",
                subject=node.name, refusal=f"「{node.name}」的目标值由部门填写，输入中未填",
                expected=f"表上所列的目标值，填在 standard 中（{node.name}: {{target: …%}}）或 Excel 的共性指标表")
            return self._result(node, path, NodeKind.METRIC, node.points, rule, method="standard",
                                detail=replace(detail, target="未填"))
        if source == "missing":
            # the form asks for a figure the input does not give: a blank cell
            rule = self.round(self.fw.defaults.missing * node.points)
            self.problems.defect(
                ("budget",), "NOT_FILLED",
                f"「{node.name}」按 {indicator.formula} 计算，所需的预算数据未填（{indicator.needs}），表上也未列"
                f"完成值，按评价框架计 {fmt_points(rule)} 分（满分 {fmt_points(node.points)} 分）。",
                subject=node.name, refusal=f"「{node.name}」须填写 {indicator.needs}，或在 standard 中填写表上的完成值",
                expected=indicator.formula)
            return self._result(node, path, NodeKind.METRIC, node.points, rule, method="standard", detail=detail)
        if source == "undefined":
            # a zero denominator (no procurement plan, say): the framework says what that scores
            full = node.params.get("undefined", "zero") == "full"
            return self._result(node, path, NodeKind.METRIC, node.points, node.points if full else ZERO,
                                method="standard", detail=detail)
        if node.params.get("bands") is not None and (row is None or row.target is None):  # 分档
            share = methods.banded(value, parse_bands(node.params["bands"], node.points))
            return self._result(node, path, NodeKind.METRIC, node.points, self.round(share * node.points),
                                method="standard", detail=replace(detail, rule="banded", direction="分档"))
        target = parse(str(target_text)).parts[0]
        op, leaf_method = target.op, node.params.get("method", "auto")
        if leaf_method in ("reverse", "reverse_linear", "reverse_ratio", "zero_target") and op in (EQ, GE, GT):
            op = LE  # the leaf says lower is better, whatever the target's sign
        elif leaf_method in ("positive", "equal") and op in (EQ, LE, LT):
            op = GE
        elif leaf_method == "auto" and op == EQ and not str(target_text).lstrip().startswith(("=", "＝")):
            # no operator written: the indicator's own direction ("3%" printed for 预算调整率 means at most 3 %)
            op = LE if indicator.direction == "≤" else GE
            detail = replace(detail, target=f"{indicator.direction}{target_text}")
        detail = replace(detail, direction="区间" if op == BETWEEN else ("≤" if op in (LE, LT) else "≥"),
                         target_value=target.value)
        if node.params.get("per_point") is not None:  # 扣分制: points off per percentage point beyond the target
            step = node.params.get("step")
            deduct, step = to_decimal(node.params["per_point"]), (to_decimal(step) if step is not None else None)
            score_ = methods.per_point(value, op, target.value, node.points, deduct, step)
            beyond = value - target.value if op in (LE, LT) else target.value - value
            return self._result(node, path, NodeKind.METRIC, node.points, self.round(score_), method="standard",
                                detail=replace(detail, rule="per_point", per_point=deduct, step=step,
                                               beyond=max(beyond, ZERO)))
        completion, rule = methods.part_completion(op, value, target.value, upper=target.upper,
                                                   method=node.params.get("method", "auto"),
                                                   reverse=self.fw.defaults.reverse)
        return self._result(node, path, NodeKind.METRIC, node.points, self.round(completion * node.points),
                            method="standard", detail=replace(detail, rule=rule, completion=completion))


def _management_leaves(fw: Framework) -> dict[str, tuple[str, Node]]:
    """Framework leaves scored from the params' 管理效率 entries: name → (group name, node)."""
    out = {}
    for path, node in fw.walk():
        if node.input == "management":
            out[node.name] = (path[-2] if len(path) > 1 else "", node)
    return out


def _check_management(params: ParamsFile, leaves: dict[str, tuple[str, Node]], problems: Problems) -> None:
    seen: set[str] = set()
    for i, entry in enumerate(params.management):
        here = ("management", i)
        if entry.name not in leaves:
            problems.add(here + ("name",), "评价框架中没有这个管理效率指标",
                         expected=f"以下之一：{'、'.join(leaves) or '（该框架没有管理效率指标）'}", found=entry.name)
            continue
        group, node = leaves[entry.name]
        if entry.name in seen:
            problems.add(here + ("name",), "管理效率指标重复填写", found=entry.name)
        seen.add(entry.name)
        if group and entry.group != group:
            problems.add(here + ("group",), "所属一级与评价框架不一致", expected=group, found=entry.group)
        if entry.weight is not None and entry.weight != node.points:
            problems.add(here + ("weight",), "分值与评价框架不一致", expected=str(node.points), found=entry.weight)
        if entry.score is not None and entry.score > node.points:
            problems.add(here + ("score",), "得分超过分值", expected=f"≤ {node.points}", found=entry.score)
    missing = [name for name in leaves if name not in seen]
    if missing:
        problems.add(("management",), "缺少评价框架中的管理效率指标（满分也请列出，deductions 留空）",
                     expected="、".join(missing))


def _check_standard_rows(params: ParamsFile, fw: Framework, problems: Problems) -> None:
    """``standard:`` rows name the framework's standard leaves, and their targets can be read."""
    leaves = [n.name for _, n in fw.walk() if n.method == "standard"]
    for name, row in params.standard.items():
        if name not in leaves:
            problems.add(("standard", name), "评价框架中没有这个按标准公式计算的指标",
                         expected=f"以下之一：{'、'.join(leaves) or '（该框架没有 method: standard 的指标）'}", found=name)
        elif row.target is not None:
            try:
                parts = parse(row.target).parts
            except TargetError as exc:
                problems.add(("standard", name, "target"), f"目标值无法读取：{exc.reason}",
                             expected="一个数值目标，如 \"3%\"、\"≤3%\"、\"≥95%\"", found=row.target)
                continue
            if len(parts) != 1 or parts[0].unit not in ("%", ""):
                problems.add(("standard", name, "target"), "目标值应为一个百分数",
                             expected="如 \"3%\"、\"≤3%\"、\"≥95%\"", found=row.target)
            elif parts[0].upper is None and _leaf(fw, name).params.get("method") == "range":
                problems.add(("standard", name, "target"), "评价框架按区间（range）计分，目标值须为区间",
                             expected="如 \"1%～3%\"", found=row.target)
            elif parts[0].upper is not None and _leaf(fw, name).params.get("per_point") is not None:
                problems.add(("standard", name, "target"), "评价框架按扣分制（per_point）计分，目标值须为单边",
                             expected="如 \"≤3%\" 或 \"≥95%\"", found=row.target)


def _leaf(fw: Framework, name: str) -> Node:
    return next(n for _, n in fw.walk() if n.name == name)


def _check_stated(params: ParamsFile, fw: Framework, problems: Problems) -> None:
    # a stated score may be given for any node of the framework or any indicator row of the form
    names = {n.name for _, n in fw.walk()} | {ind.name for ind in params.indicators}
    for name in list(params.stated.nodes) + list(params.stated.indicator_counts):
        if name not in names:
            problems.add(("stated", "nodes" if name in params.stated.nodes else "indicator_counts", name),
                         "评价框架中没有这个节点", expected=f"以下之一：{'、'.join(sorted(names))}", found=name)
    grades = [g.name for g in fw.grades]
    if params.stated.grade is not None and params.stated.grade not in grades:
        problems.add(("stated", "grade"), "未知的等级", expected=f"以下之一：{'、'.join(grades)}",
                     found=params.stated.grade)


def _check_unclaimed(params: ParamsFile, fw: Framework, scored, problems: Problems) -> None:
    claimed = {cat for _, n in fw.walk() for cat in (n.indicators or [])}
    for r in scored:
        if r.category[0] not in claimed:
            problems.add(("indicators", r.index, "category"), "该类别的指标在评价框架中没有计分节点",
                         expected=f"以下类别之一：{'、'.join(sorted(claimed))}", found=params.indicators[r.index].category)
