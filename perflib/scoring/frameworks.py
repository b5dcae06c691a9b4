"""Frameworks as data: the indicator tree (指标体系), points, methods, grade bands and rounding.

A framework file (``params/frameworks/<id>.yaml``) describes one locality's rules; the code only
implements the methods. Describing another province's framework is a new file, not new code.
See ``docs/frameworks.md`` for the format. Each node of ``tree`` is one of:

* a group: ``children`` whose points add up to the node's;
* an indicator node: ``indicators: [产出]`` — its leaves are the department's own indicators whose
  category starts with one of these names, their weights adding up to the node's points;
* a leaf scored by a ``method`` (``execution_rate``, ``banded`` on a metric, or ``deduction`` with
  ``input: management`` — the 管理效率 entry of the same name in the params file).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..errors import FrameworkError, InputErrors, Level, TargetError, line_of
from ..inputs.schema import CODE_PATTERN
from ..inputs.validation import validate
from ..inputs.yamlio import load_yaml
from ..numbers import quantize, to_decimal
from .budget import EXECUTION_BASES, EXECUTION_STRATEGIES, ExecutionRule
from .methods import DEFAULT_TIERS, INDICATOR_METHODS, METHODS, Band, Tier
from .standard import STANDARDS, find
from .targets import parse

METRICS = (  # values a banded leaf can read; rates in percent
    "execution_rate",
    "evaluation_rate",
    "budget_adjustment_rate",
    "budget_adjustment_rate_abs",
    "key_project_execution_rate",
)


def _num(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except ValueError:
        raise ValueError("应为数值") from None


Num = Annotated[Decimal, BeforeValidator(_num)]
Pts = Annotated[Decimal, BeforeValidator(_num), Field(ge=0, le=1000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Grade(_Model):
    name: Annotated[str, Field(min_length=1, max_length=20)]  # 优, 良, 中, 差
    min: Pts  # lower edge, inclusive


class Rounding(_Model):
    places: Annotated[int, Field(ge=0, le=4)] = 2
    mode: Literal["half_up", "half_even", "down"] = "half_up"
    # the total rounded to this many places (by ``mode``) before it is graded; None grades the total as it is.
    # With 0 the grade bands read as printed in whole numbers (90–100 优, 80–89 良): a total between two of
    # them (89.5) is graded by its rounding and reported ambiguous (:meth:`Framework.grade_ambiguity`)
    grade_places: Annotated[int, Field(ge=0, le=4)] | None = None


class TierSpec(_Model):
    name: str
    low: Num
    high: Num
    aliases: list[str] = []


class Defaults(_Model):
    method: str = "auto"  # rule for indicators with no method of their own
    reverse: Literal["linear", "ratio"] = "linear"
    compound: Literal["mean", "min"] = "mean"
    over_completion: Num = Decimal("1.3")  # A ≥ 130 % of T asks for an explanation
    tiers: list[TierSpec] | None = None  # qualitative tiers; the MOF three by default
    missing: Annotated[Decimal, BeforeValidator(_num), Field(ge=0, le=1)] = Decimal(0)  # share of its points an indicator left blank (未填) scores
    # a qualitative indicator's score: its self-score as written (self_score), or the self-score held within its
    # tier's band of points (within_tier: above the band counts at its top, below at its bottom)
    qualitative: Literal["self_score", "within_tier"] = "self_score"
    # an execution_rate leaf's score: rate × W capped at W (capped), or rate × W with no cap (uncapped)
    execution: Literal["capped", "uncapped"] = "capped"


class Node(_Model):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    full_name: str | None = None
    points: Pts
    description: str | None = None
    children: list[Node] | None = None
    indicators: list[str] | None = None
    optional: bool = False  # an indicator node that may be empty …
    give_to: list[str] = []  # … giving its points to these sibling indicator nodes
    method: str | None = None
    params: dict[str, Any] = {}
    input: Literal["management"] | None = None

    @property
    def kind(self) -> str:
        if self.children is not None:
            return "group"
        if self.indicators is not None:
            return "indicators"
        return "management" if self.input == "management" else "metric"


#: what a column of the 自评表's indicator block shows, and its header when the framework does not say
FORM_FIELDS = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "target": "年度指标值",
               "actual": "实际完成值", "completion": "完成率", "points": "分值", "score": "得分",
               "analysis": "偏差原因分析及改进措施"}
#: what a column of the form's funds block shows, and its header
FUND_FIELDS = {"initial": "年初预算数", "adjusted": "全年预算数", "spent": "全年执行数", "rate": "执行率",
               "points": "分值", "score": "得分"}


class FormColumn(_Model):
    field: Literal["level1", "level2", "level3", "target", "actual", "completion", "points", "score", "analysis"]
    header: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    width: Annotated[int, Field(ge=4, le=80)] | None = None


class FormHeader(_Model):
    label: Annotated[str, Field(min_length=1, max_length=20)]
    # what follows the label: the department's name (主管部门 on a project form), the project's name and its
    # implementer (项目名称, 实施单位), the framework's name, the money unit, or nothing (filled in by hand)
    value: Literal["department", "project", "implementer", "framework", "unit", "blank"] = "blank"


class FormFunds(_Model):
    columns: Annotated[list[Literal["initial", "adjusted", "spent", "rate", "points", "score"]],
                       Field(min_length=6, max_length=6)] = ["initial", "adjusted", "spent", "rate", "points", "score"]
    label: str = "资金性质"  # the block's first header
    total: str = "合计"  # the total row's name
    total_first: bool = False  # the MOF form puts 年度资金总额 first, its parts under it


class Form(_Model):
    """How the framework's 自评表 is laid out (perflib.present.form): title, header line, funds block, and
    the indicator block's columns in order. Every part has a default (the Guangzhou department form)."""

    title: Annotated[str, Field(max_length=80)] = "{year} 年度部门整体支出绩效自评表"
    header: list[FormHeader] = [FormHeader(label="部门名称", value="department"),
                                FormHeader(label="评价框架", value="framework"), FormHeader(label="金额单位", value="unit")]
    funds: FormFunds = FormFunds()
    columns: Annotated[list[FormColumn], Field(min_length=7, max_length=14)] = [
        FormColumn(field=f) for f in ("level1", "level2", "level3", "target", "actual", "points", "score", "analysis")]

    @model_validator(mode="after")
    def _columns(self) -> Form:
        fields = [c.field for c in self.columns]
        missing = [FORM_FIELDS[f] for f in ("level1", "points", "score") if f not in fields]
        if missing:
            raise ValueError(f"自评表的列须包括{'、'.join(missing)}")
        if len(set(fields)) != len(fields):
            raise ValueError("自评表的列有重复")
        if "{" in self.title.replace("{year}", "").replace("{department}", ""):
            raise ValueError("标题中只能用 {year} 和 {department}")
        return self


class Framework(_Model):
    id: Annotated[str, Field(pattern=CODE_PATTERN, max_length=100)]
    name: str
    kind: Literal["department", "project"] = "department"
    description: str | None = None
    sources: list[str] = []
    notes: list[str] = []
    total: Pts
    rounding: Rounding = Rounding()
    grades: Annotated[list[Grade], Field(min_length=1)]
    defaults: Defaults = Defaults()
    categories: dict[str, dict[str, Level] | Level]
    tree: Annotated[list[Node], Field(min_length=1)]
    form: Form | None = None  # the 自评表's layout; None: the default for the framework's kind
    path: str | None = None  # where it was read from (set by the loader)

    # ------------------------------------------------------------------ queries

    def walk(self) -> Iterator[tuple[tuple[str, ...], Node]]:
        """Every node with its path of names, parents before children."""

        def _walk(nodes: list[Node], prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Node]]:
            for node in nodes:
                path = prefix + (node.name,)
                yield path, node
                yield from _walk(node.children or [], path)

        yield from _walk(self.tree, ())

    def node(self, name: str) -> Node | None:
        """The node called ``name`` (names are unique within a framework)."""
        return next((n for _, n in self.walk() if n.name == name), None)

    def graded_total(self, total: Decimal) -> Decimal:
        """The total the grade is read from: ``total`` itself, or rounded to ``rounding.grade_places``."""
        places = self.rounding.grade_places
        return total if places is None else quantize(total, places, self.rounding.mode)

    def grade(self, total: Decimal) -> str:
        """The grade (等级) whose band holds ``total`` (rounded first when ``rounding.grade_places`` says so)."""
        total = self.graded_total(total)
        for band in sorted(self.grades, key=lambda g: g.min, reverse=True):
            if total >= band.min:
                return band.name
        return self.grades[-1].name

    def grade_ambiguity(self, total: Decimal) -> tuple[str, str] | None:
        """(lower grade, upper grade) when ``total`` falls between two bands printed to
        ``rounding.grade_places`` (90–100 优, 80–89 良: 89.5 is in neither); None otherwise."""
        places = self.rounding.grade_places
        if places is None:
            return None
        step = Decimal(1).scaleb(-places)
        for band in self.grades:
            if band.min - step < total < band.min:
                lower = self.grade(band.min - step)
                return (lower, band.name) if lower != band.name else None
        return None

    def band(self, grade: str) -> tuple[Decimal, Decimal | None] | None:
        """The [low, high) score band of ``grade``; high is None for the top band."""
        ordered = sorted(self.grades, key=lambda g: g.min, reverse=True)
        for i, band in enumerate(ordered):
            if band.name == grade:
                return band.min, ordered[i - 1].min if i else None
        return None

    def __repr__(self) -> str:
        return f"<Framework {self.id}：{self.name}，满分 {self.total}，{sum(1 for _ in self.walk())} 个节点>"

    def _repr_html_(self) -> str:
        """The tree with points and methods, for a notebook."""
        from markupsafe import escape

        rows = "".join(
            f"<tr><td>{'　' * (len(path) - 1)}{escape(node.name)}</td><td style=\"text-align:right\">{node.points}</td>"
            f"<td>{escape(node.method or ('、'.join(node.indicators) if node.indicators else ''))}</td></tr>"
            for path, node in self.walk())
        return (f"<p><strong>{escape(self.name)}</strong>（{escape(self.id)}，满分 {self.total}）</p>"
                f'<table border="1" cellspacing="0" cellpadding="3"><thead><tr><th>指标</th><th>分值</th>'
                f"<th>计分方法 / 指标类别</th></tr></thead><tbody>{rows}</tbody></table>")

    @property
    def execution_rule(self) -> ExecutionRule:
        """How this framework scores the department's execution: its first ``execution_rate`` leaf measured on
        the whole budget (not on a ``part``), else the default."""
        return next((execution_rule(n.params) for _, n in self.walk()
                     if n.method == "execution_rate" and not n.params.get("part")), ExecutionRule())

    def tiers(self) -> tuple[Tier, ...]:
        if not self.defaults.tiers:
            return DEFAULT_TIERS
        return tuple(Tier(t.name, t.low, t.high, tuple(t.aliases)) for t in self.defaults.tiers)

    def expected_categories(self) -> dict[str, dict[str, str]]:
        """Top-level category → {second-level category: finding level when missing}."""
        out: dict[str, dict[str, str]] = {}
        for top, subs in self.categories.items():
            out[top] = {top: subs} if isinstance(subs, str) else dict(subs)
        return out

    @cached_property
    def _category_memo(self) -> tuple[object, dict[str, tuple[str, str] | None]]:
        """:meth:`category_of`'s answers so far, by what was written, with the categories they hold for."""
        return self.categories, {}

    def category_of(self, written: str) -> tuple[str, str] | None:
        """``"效益/社会效益指标"`` → ``("效益", "社会效益")``; None if the framework has no such category.

        Accepts the second level with or without 指标/效益 suffixes and a missing second level for a
        top category that has a single one (e.g. ``满意度``). Remembered per framework: scoring and the
        intake ask it about every indicator, over and over.
        """
        categories, memo = self._category_memo
        if categories is not self.categories:  # a copy with other categories (model_copy) carried the memo over
            return self._category_of(written)
        if written not in memo:
            if len(memo) >= 4096:
                memo.clear()
            memo[written] = self._category_of(written)
        return memo[written]

    def _category_of(self, written: str) -> tuple[str, str] | None:
        top, _, sub = written.replace("／", "/").partition("/")
        cats = self.expected_categories()
        top = top.strip()
        if top not in cats:  # "产出指标" is 产出; a category named 个性指标 stays itself
            top = top.removesuffix("指标")
        sub = sub.strip().removesuffix("指标").replace("可持续性", "可持续")
        if top not in cats:
            return None
        subs = cats[top]
        if list(subs) == [top]:  # a single-level category such as 满意度 takes any sub-name
            return top, top
        if not sub:
            return (top, next(iter(subs))) if len(subs) == 1 else None
        for name in subs:
            if sub == name or sub + top == name or sub == name.removesuffix(top) or (
                name.startswith(sub) and len(sub) >= 2
            ):
                return top, name
        return None


# ---------------------------------------------------------------------- checking the tree


def _tree_problems(fw: Framework) -> list[tuple[tuple, str]]:
    problems: list[tuple[tuple, str]] = []
    seen: dict[str, tuple] = {}
    categories = fw.expected_categories()
    claimed: dict[str, str] = {}

    def check(nodes: list[Node], loc: tuple, siblings: list[Node]) -> None:
        for i, node in enumerate(nodes):
            here = loc + (i,)
            if node.name in seen:
                problems.append((here + ("name",), f"节点名称「{node.name}」重复，名称须唯一"))
            seen[node.name] = here
            shapes = [node.children is not None, node.indicators is not None, node.method is not None]
            if sum(shapes) != 1 and not (node.input == "management" and sum(shapes) == 0):
                problems.append((here, "每个节点须且只能有 children、indicators、method 之一"))
                continue
            if node.children is not None:
                total = sum((c.points for c in node.children), Decimal(0))
                if total != node.points:
                    problems.append((
                        here + ("points",),
                        f"「{node.name}」{node.points} 分，但其下级合计 {total} 分，须相等",
                    ))
                if not node.children:
                    problems.append((here + ("children",), "children 不能为空"))
                check(node.children, here + ("children",), node.children)
            elif node.indicators is not None:
                _check_indicator_node(node, here, siblings, categories, claimed, problems)
            else:
                _check_leaf(node, here, problems)

    check(fw.tree, ("tree",), fw.tree)
    total = sum((n.points for n in fw.tree), Decimal(0))
    if total != fw.total:
        problems.append((("total",), f"总分 {fw.total}，但一级指标合计 {total} 分，须相等"))
    mins = [g.min for g in fw.grades]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        problems.append((("grades",), "等级须按下限从高到低排列，且下限互不相同"))
    if min(mins) != 0:
        problems.append((("grades",), "最低等级的下限须为 0，使任何得分都有等级"))
    if fw.defaults.method not in INDICATOR_METHODS:
        problems.append((("defaults", "method"), f"未知的指标计分方法「{fw.defaults.method}」"))
    return problems


def _check_indicator_node(node, here, siblings, categories, claimed, problems) -> None:
    for j, cat in enumerate(node.indicators or []):
        if cat not in categories:
            problems.append((
                here + ("indicators", j),
                f"指标类别「{cat}」未在 categories 中定义（已定义：{'、'.join(categories)}）",
            ))
        elif cat in claimed:
            problems.append((here + ("indicators", j), f"指标类别「{cat}」已属于节点「{claimed[cat]}」"))
        else:
            claimed[cat] = node.name
    names = {s.name: s for s in siblings}
    for j, target in enumerate(node.give_to):
        other = names.get(target)
        if other is None or other.indicators is None or other is node:
            problems.append((here + ("give_to", j), f"give_to 须指向同级的其他指标节点，找不到「{target}」"))
    if node.give_to and not node.optional:
        problems.append((here + ("give_to",), "只有 optional: true 的节点才能把分值让给其他节点"))
    if node.method is not None or node.params:
        problems.append((here, "指标节点不能设置 method/params；请在 defaults 或各指标中设置"))


def _check_leaf(node: Node, here: tuple, problems: list) -> None:
    method = node.method or ("deduction" if node.input == "management" else None)
    if method not in METHODS:
        known = "、".join(sorted(METHODS))
        problems.append((here + ("method",), f"未知的计分方法「{method}」（可用：{known}）"))
        return
    if method in INDICATOR_METHODS:
        problems.append((here + ("method",), f"「{method}」用于绩效指标，不能直接作为框架末级节点的方法"))
        return
    allowed = METHODS[method]
    for key in node.params:
        if key not in allowed:
            problems.append((here + ("params", key), f"方法「{method}」没有参数「{key}」（可用：{'、'.join(allowed) or '无'}）"))
    if node.input == "management" and method != "deduction":
        problems.append((here + ("method",), "input: management 的节点须用 deduction 方法"))
    if method == "execution_rate":
        strategy = node.params.get("strategy", ExecutionRule.strategy)
        if strategy not in EXECUTION_STRATEGIES:
            problems.append((here + ("params", "strategy"), f"未知的执行率口径「{strategy}」（可用：{'、'.join(EXECUTION_STRATEGIES)}）"))
        if node.params.get("budget", ExecutionRule.base) not in EXECUTION_BASES:
            problems.append((here + ("params", "budget"), "budget 须为 adjusted（调整后预算）或 initial（年初预算）"))
        part = node.params.get("part")
        if part is not None and (not isinstance(part, str) or not part.strip()):
            problems.append((here + ("params", "part"), "part 须为 基本支出、项目支出、重点项目 或一种资金性质的名称"))
        if part and node.params.get("strategy", "year_end") != "year_end":
            problems.append((here + ("params", "strategy"), "按部分（part）计的执行率只能用 year_end 口径：月度支出只有合计"))
        schedule = node.params.get("schedule")
        if schedule is not None:
            try:
                parse_schedule(schedule)
            except ValueError as exc:
                problems.append((here + ("params", "schedule"), str(exc)))
    if method == "standard":
        if find(node.params.get("indicator", "")) is None:
            problems.append((here + ("params", "indicator"),
                             f"standard 须指定 indicator（可用：{'、'.join(s.name for s in STANDARDS)}）"))
        if node.params.get("target") == "input":  # each department prints its own target (standard: in the input)
            pass
        elif node.params.get("bands") is None or node.params.get("target") is not None:
            try:
                target = parse(str(node.params.get("target", "")))
                if target.qualitative or len(target.parts) != 1 or target.parts[0].unit not in ("%", ""):
                    raise ValueError
                part = target.parts[0]
                if node.params.get("method") == "zero_target" and (part.value != 0 or part.upper is not None):
                    problems.append((here + ("params", "method"), "zero_target（零目标）须配目标 \"≤0%\" 或 \"0%\""))
                if node.params.get("per_point") is not None and part.upper is not None:
                    problems.append((here + ("params", "per_point"), "扣分制（per_point）须配单边目标，如 \"≤3%\""))
            except (TargetError, ValueError):
                problems.append((here + ("params", "target"),
                                 "standard 须写一个百分数目标，如 \"≤5%\"、\"≥95%\"、\"=100%\"（或用 bands 分档；"
                                 "各部门自定目标的写 input，由输入文件 standard 填写）"))
        if node.params.get("method") == "range" and node.params.get("target") not in (None, "input"):
            try:
                if parse(str(node.params["target"])).parts[0].upper is None:
                    problems.append((here + ("params", "method"), "range（区间）计分须配区间目标，如 \"90%～110%\""))
            except (TargetError, IndexError):
                pass  # the target's own check reports it
        if node.params.get("method", "auto") not in ("auto", "positive", "equal", "reverse", "reverse_linear",
                                                     "reverse_ratio", "zero_target", "range"):
            problems.append((here + ("params", "method"), "standard 的 method 须为指标计分方法之一（auto、positive、reverse …）"))
        if node.params.get("undefined", "zero") not in ("zero", "full"):
            problems.append((here + ("params", "undefined"), "undefined 须为 zero（计 0 分）或 full（计满分）"))
        for key in ("per_point", "step"):
            if node.params.get(key) is not None:
                try:
                    if not Decimal("0.01") <= to_decimal(node.params[key]) <= 100:
                        raise ValueError
                except (ValueError, ArithmeticError):
                    problems.append((here + ("params", key), f"{key} 须在 0.01 与 100 之间（每个百分点扣几分 / 每几个百分点计一次）"))
        if node.params.get("step") is not None and node.params.get("per_point") is None:
            problems.append((here + ("params", "step"), "step 须与 per_point 一起写"))
        if node.params.get("bands") is not None:
            if node.params.get("per_point") is not None:
                problems.append((here + ("params", "bands"), "bands 与 per_point 只能写一种"))
            try:
                parse_bands(node.params["bands"], node.points)
            except ValueError as exc:
                problems.append((here + ("params", "bands"), str(exc)))
    if method == "banded":
        if node.params.get("metric") not in METRICS:
            problems.append((here + ("params", "metric"), f"banded 须指定 metric（可用：{'、'.join(METRICS)}）"))
        try:
            parse_bands(node.params.get("bands"), node.points)
        except ValueError as exc:
            problems.append((here + ("params", "bands"), str(exc)))


def parse_bands(raw: object, points: Decimal) -> list[Band]:
    """Bands from ``[{min: 90, points: 5}, {min: 80, share: 0.8}, {max: 5, points: 2}, …]``.

    Each band has ``min`` and/or ``max`` (the last may have neither: "otherwise") and either
    ``points`` or ``share`` (a fraction of the node's points). Raises ValueError if malformed.
    """
    if not isinstance(raw, list) or not raw:
        raise ValueError("bands 须为非空列表，如 [{min: 90, points: 5}, {min: 80, points: 4}]")
    bands = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or ("points" in item) == ("share" in item):
            raise ValueError(f"第 {i + 1} 档须写 points 或 share 之一")
        unknown = set(item) - {"min", "max", "points", "share"}
        if unknown:
            raise ValueError(f"第 {i + 1} 档有未知的键：{'、'.join(map(str, unknown))}")
        try:
            low = to_decimal(item["min"]) if item.get("min") is not None else None
            high = to_decimal(item["max"]) if item.get("max") is not None else None
            share = to_decimal(item["share"]) if "share" in item else to_decimal(item["points"]) / points
        except (ValueError, ArithmeticError):
            raise ValueError(f"第 {i + 1} 档的数值无法读取") from None
        if not 0 <= share <= 1:
            raise ValueError(f"第 {i + 1} 档的得分超出该节点分值")
        if low is not None and high is not None and low > high:
            raise ValueError(f"第 {i + 1} 档的下限大于上限")
        bands.append(Band(share, low, high))
    return bands


def execution_rule(params: dict) -> ExecutionRule:
    """The :class:`ExecutionRule` of an ``execution_rate`` leaf's params (checked when the framework loaded)."""
    schedule = params.get("schedule")
    part = params.get("part")
    return ExecutionRule(
        strategy=params.get("strategy", "year_end" if part else ExecutionRule.strategy),
        base=params.get("budget", ExecutionRule.base),
        schedule=tuple(parse_schedule(schedule).items()) if schedule else None,
        part=str(part) if part else None,
    )


def parse_schedule(raw: object) -> dict[int, Decimal]:
    """A spending schedule ``{4: 25%, 6: 40%, …}`` → {month: required cumulative rate}."""
    if not isinstance(raw, dict) or not raw:
        raise ValueError("schedule 须为「月份: 累计进度」的映射，如 {4: 25%, 6: 40%}")
    out = {}
    for month, rate in raw.items():
        try:
            m = int(month)
            text = str(rate).strip().removesuffix("%")
            value = to_decimal(text) / 100
        except (ValueError, TypeError):
            raise ValueError(f"schedule 中「{month}: {rate}」无法读取") from None
        if not 1 <= m <= 12 or not 0 <= value <= 1:
            raise ValueError(f"schedule 中「{month}: {rate}」超出范围（月份 1–12，进度 0–100%）")
        out[m] = value
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------- loading


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, size: int) -> Framework:
    data, lines = load_yaml(path)
    fw = validate(Framework, data, path, lines)
    problems = _tree_problems(fw)
    if problems:
        raise InputErrors([
            FrameworkError(path, field, message, line=line_of(lines, field)) for field, message in problems
        ])
    return fw.model_copy(update={"path": path})


def load_framework(path: str | Path) -> Framework:
    """Read and check a framework file; raise :class:`InputErrors` listing every problem."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputErrors([FrameworkError(path, "(文件)", "框架文件不存在")]) from None
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)
