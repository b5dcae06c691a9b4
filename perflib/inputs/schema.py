"""The input file of one department-year (``params/<code>/<year>.yaml``), as pydantic models.

Field names are English identifiers; the official Chinese term of each is in its description and in
``docs/input-format.md``. Amounts are in the file's ``money_unit`` (万元 by default); rates are
percentages written either as ``"47.78%"`` or as the number ``47.78``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..numbers import AmbiguousNumber, to_decimal

CODE_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
FUND_TYPES = (
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "财政专户管理资金",
    "单位资金",
    "上年结转",
    "其他资金",
)


#: Every number in an input file: at most this large (10^15 — a thousand trillion of any unit) …
LARGEST = Decimal("1e15")
#: … and at most this many decimal places; so any sum, rate or score of in-bound values is exact.
PLACES = 6


def _bounded(value: Decimal) -> Decimal:
    """``value`` if it is within what an input may hold (-0 becomes 0); else ValueError saying why."""
    if value.copy_abs() > LARGEST:  # copy_abs: no context, so 1e999999999 cannot overflow here
        raise ValueError("数值过大：绝对值应不超过 1,000,000,000,000,000")
    if not value.is_zero() and _decimal_places(value) > PLACES:
        raise ValueError(f"小数位数过多：最多 {PLACES} 位")
    return value.copy_abs() if value.is_zero() else value


def _decimal_places(value: Decimal) -> int:
    """Decimal places of a finite non-zero value, trailing zeros aside (1.2300 → 2), with no context."""
    _, digits, exponent = value.as_tuple()
    while len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    return max(-exponent, 0)


def _percent(value: object) -> Decimal:
    if isinstance(value, str):
        value = value.strip().replace("％", "%").removesuffix("%")
    try:
        number = to_decimal(value)
    except AmbiguousNumber as exc:
        raise ValueError(str(exc)) from None
    except ValueError:
        raise ValueError("应为百分比，如 47.78% 或 47.78") from None
    return _bounded(number)


def _number(value: object) -> Decimal:
    try:
        number = to_decimal(value)
    except AmbiguousNumber as exc:
        raise ValueError(str(exc)) from None
    except ValueError:
        raise ValueError("应为数值，如 3024.25") from None
    return _bounded(number)


def _paragraphs(value: object) -> object:
    if isinstance(value, str):
        parts = [p.strip() for p in re.split(r"\n\s*\n", value.strip())]
        return [p for p in parts if p]
    return value


Percent = Annotated[Decimal, BeforeValidator(_percent), Field(ge=0, le=1000)]
Number = Annotated[Decimal, BeforeValidator(_number), Field(ge=0)]
Amount = Annotated[Decimal, BeforeValidator(_number), Field(ge=0)]
Points = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, le=1000)]
Text = Annotated[list[Annotated[str, Field(max_length=20_000)]], BeforeValidator(_paragraphs)]


def _written(value: object) -> object:
    """A target or actual as written: a bare number (``actual: 0``, unquoted) is read as its text."""
    if isinstance(value, bool):
        raise ValueError("应为文字（如 \"0 起\"）；YAML 把不加引号的 是/否、yes/no 读成了真假值，请加引号")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().lower() in (".nan", ".inf", "+.inf", "-.inf"):
        value = Decimal("NaN")
    if isinstance(value, float):
        value = Decimal(repr(value)) if value == value and value not in (float("inf"), float("-inf")) else Decimal("NaN")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("应为文字（如 \"≥95%\"）或数值；.nan、.inf 不是可读的数值")
        return format(value, "f") if abs(value.adjusted()) < 30 else str(value)
    return value


Written = Annotated[str, BeforeValidator(_written), Field(min_length=1, max_length=500)]


def _blank(value: object) -> object:
    """A blank cell (empty or only spaces) is no value."""
    value = _written(value)
    return None if isinstance(value, str) and not value.strip() else value


Blankable = Annotated[Annotated[str, Field(max_length=500)] | None, BeforeValidator(_blank)]
Name = Annotated[str, Field(min_length=1, max_length=500)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Department(_Model):
    """部门: who is evaluated."""

    code: Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
    name: Name  # 部门名称
    region: Name | None = None  # 所属地区
    level: Name | None = None  # 级次, e.g. 区级
    functions: Text = []  # 部门职能


class Project(_Model):
    """项目: the project of a project self-evaluation (项目支出绩效自评表). The department above it is the one
    responsible (主管部门); a department has many projects a year, each in a file of its own
    (``params/<code>/projects/<year>/<project key>.yaml``, see :func:`perflib.inputs.params.project_file`)."""

    name: Name  # 项目名称
    implementer: Name | None = None  # 实施单位 (when not the department itself)


class Fund(_Model):
    """One fund type of the budget (资金性质): 年初预算, 调整后预算, 支出."""

    type: Name  # 一般公共预算, 政府性基金预算, …
    initial: Amount | None = None  # 年初预算
    adjusted: Amount  # 调整后预算
    spent: Amount | None = None  # 支出（实际支出）; blank before the year ends (monitoring only, see before_year_end)
    stated_rate: Percent | None = None  # 执行率 as the form prints it for this fund (checked: RATE_MISMATCH)


class StatedBudget(_Model):
    """Totals and rates as the report states them, to be checked against the fund types."""

    initial: Amount | None = None
    adjusted: Amount | None = None
    spent: Amount | None = None
    execution_rate: Percent | None = None  # 年度预算执行率


class KindAmounts(_Model):
    """The same budget split by expenditure kind (支出功能分类的 基本支出 / 项目支出)."""

    kind: Literal["基本支出", "项目支出"]
    initial: Amount | None = None
    adjusted: Amount
    spent: Amount


class Carryover(_Model):
    """结转结余: at the start of the year (optional) and at its end."""

    start: Amount | None = None  # 年初结转结余
    end: Amount  # 年末结转结余


class Controlled(_Model):
    """An expense under a ceiling: 公用经费 or “三公”经费, this year's budget and spending, last year's."""

    budget: Amount  # 预算数
    spent: Amount  # 实际支出
    last_year: Amount | None = None  # 上年实际支出 (for the 变动率)


class Procurement(_Model):
    """政府采购: the year's plan (预算) and what was bought."""

    plan: Amount  # 政府采购预算（计划）
    actual: Amount  # 实际政府采购金额


class Staffing(_Model):
    """人员编制."""

    authorized: Annotated[int, Field(ge=0, le=10_000_000)]  # 编制数
    actual: Annotated[int, Field(ge=0, le=10_000_000)]  # 实有在职人数


class Assets(_Model):
    """固定资产: the total and what is in use (for 固定资产利用率)."""

    total: Amount  # 所有固定资产总额
    in_use: Amount  # 实际在用固定资产总额


class Budget(_Model):
    funds: Annotated[list[Fund], Field(min_length=1, max_length=20)]
    by_kind: Annotated[list[KindAmounts], Field(max_length=2)] = []  # optional: 基本支出 and 项目支出
    # optional facts for the standard indicators a framework may compute (perflib.scoring.standard)
    carryover: Carryover | None = None  # 结转结余
    public_funds: Controlled | None = None  # 公用经费
    three_public: Controlled | None = None  # “三公”经费
    procurement: Procurement | None = None  # 政府采购
    staffing: Staffing | None = None  # 编制数 / 实有人数
    assets: Assets | None = None  # 固定资产
    stated: StatedBudget | None = None

    @field_validator("by_kind")
    @classmethod
    def _unique_kinds(cls, kinds: list[KindAmounts]) -> list[KindAmounts]:
        if len({k.kind for k in kinds}) != len(kinds):
            raise ValueError("基本支出、项目支出各填一行")
        return kinds

    @field_validator("funds")
    @classmethod
    def _unique_types(cls, funds: list[Fund]) -> list[Fund]:
        seen = set()
        for fund in funds:
            if fund.type in seen:
                raise ValueError(f"资金性质「{fund.type}」重复")
            seen.add(fund.type)
        return funds


class Monthly(_Model):
    """Monthly spending (月度支出), January to December."""

    basis: Literal["cumulative", "monthly"]  # 累计数 or 当月数
    values: Annotated[list[Amount], Field(min_length=12, max_length=12)]


class Execution(_Model):
    """What is known of the year's spending progress (支出进度)."""

    monthly: Monthly | None = None
    stated_rate: Percent | None = None  # 年度评价执行率 as stated by the report or finance bureau
    analysis: Annotated[str, Field(max_length=5000)] | None = None  # 偏差原因分析 of the execution row
    # the execution row's stated score: it counts only where the rule cannot compute the rate (a monthly
    # rule with neither the series nor a stated rate), as an indicator's with method `stated` does
    # (audit NOT_RECOMPUTABLE, naming the points at stake); where the rule computes the rate it is not used
    self_score: Points | None = None
    self_score_reason: Annotated[str, Field(max_length=5000)] | None = None
    # Neither is required here: a framework that scores the year-end rate (spent ÷ budget) needs neither;
    # one that scores the monthly series says so, naming the field, when it is scored.


class Indicator(_Model):
    """One performance indicator (绩效指标) of the department."""

    category: Name  # 指标类别, e.g. 产出/数量, 效益/社会效益, 满意度/服务对象满意度
    name: Name  # 指标名称
    target: Blankable = None  # 指标值 as written, e.g. "≥26 次、≥13 台"; blank: 未填 (a finding, or refused with --strict)
    actual: Blankable = None  # 实际完成值 as written; blank: 未填, unless numerator/denominator or tier give it
    numerator: Number | None = None  # 分子, when the actual is a rate
    denominator: Number | None = None  # 分母
    rate_unit: Literal["%", "‰"] = "%"  # unit of numerator / denominator
    weight: Points  # 分值
    method: Name | None = None  # overrides the framework's rule for this indicator
    tier: Name | None = None  # 定性档次, for qualitative indicators
    self_score: Points | None = None  # 自评得分 entered by the analyst
    self_score_reason: Annotated[str, Field(max_length=5000)] | None = None
    analysis: Annotated[str, Field(max_length=20_000)] | None = None  # 完成情况分析
    note: Annotated[str, Field(max_length=5000)] | None = None

    @model_validator(mode="after")
    def _actual_given(self) -> Indicator:
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("分子 numerator 与分母 denominator 须同时填写")
        if self.denominator is not None and self.denominator == 0:
            raise ValueError("分母 denominator 不能为 0")
        return self


class Deduction(_Model):
    points: Points  # 扣分
    reason: Name  # 扣分原因


class ManagementLeaf(_Model):
    """One 管理效率 leaf: its group (一级), name, points and what was deducted."""

    group: Name  # 预算编制, 预算执行, …
    name: Name
    weight: Points | None = None  # 分值; must match the framework when it fixes one
    deductions: list[Deduction] = []
    score: Points | None = None  # 自评得分, when the analyst scored it directly
    reason: Annotated[str, Field(max_length=5000)] | None = None
    # as the form prints the row (重庆's 年初指标值 / 全年完成值, e.g. 高 → 高): shown on the 自评表, not scored
    target: Blankable = None
    actual: Blankable = None


class KeyProject(_Model):
    """重点项目: a key project's budget and spending."""

    name: Name
    budget: Amount  # 全年预算数
    spent: Amount | None = None  # 实际支出; blank before the year ends
    stated_rate: Percent | None = None  # 预算执行率 as stated
    purpose: Annotated[str, Field(max_length=5000)] | None = None


class Narrative(_Model):
    """The report's own text (文字说明)."""

    tasks: Text = []  # 年度总体工作和重点工作任务
    budget_overview: Text = []  # 部门整体支出情况 (extra text)
    performance_management: Text = []  # 部门整体绩效管理情况
    achievements: Text = []  # 主要工作成效
    problems: Text = []  # 存在的主要问题
    improvements: Text = []  # 下一步改进措施
    rectification: Text = []  # 上年问题整改情况: what was done about last year's problems


SignedPercent = Annotated[Decimal, BeforeValidator(_percent), Field(ge=-1000, le=1000)]


class StandardRow(_Model):
    """A standard-indicator row as the form prints it (``standard:`` in the input, keyed by the leaf's name).

    ``target`` replaces the framework's target where each department sets its own (重庆's form prints
    预算调整率 "3%"); without an operator it is read in the indicator's direction. ``value`` is the rate as
    printed: scored when the budget lacks the facts to compute it, and checked against them when it has.
    """

    target: Blankable = None  # 目标值 as printed, e.g. "3%" or "≤3%"
    value: SignedPercent | None = None  # 完成值 as printed, e.g. "92%"


class Stated(_Model):
    """Results as the published report states them — checked, never used as results."""

    total: Points | None = None  # 自评得分
    grade: Name | None = None  # 等级
    nodes: dict[Name, Points] = {}  # node name → score as stated
    indicator_counts: dict[Name, Annotated[int, Field(ge=0, le=10_000)]] = {}


class ParamsFile(_Model):
    """The whole input of one department-year."""

    def __repr__(self) -> str:
        return (f"<ParamsFile {self.department.code} {self.year}（{self.framework}）：{len(self.indicators)} 个绩效指标，"
                f"{len(self.management)} 个管理效率指标>")

    schema_version: Literal[1] = 1
    department: Department
    year: Annotated[int, Field(ge=2000, le=2100)]
    framework: Annotated[str, Field(pattern=CODE_PATTERN, max_length=100)]
    money_unit: Literal["万元", "元"] = "万元"
    project: Project | None = None  # 项目: set for a project self-evaluation, absent for the department's own
    title: Name | None = None  # report title, defaults to "<year> 年度<name>部门整体支出绩效自评报告"
    budget: Budget
    execution: Execution = Execution()
    indicators: Annotated[list[Indicator], Field(max_length=2000)] = []
    management: Annotated[list[ManagementLeaf], Field(max_length=2000)] = []
    key_projects: Annotated[list[KeyProject], Field(max_length=500)] = []
    standard: dict[Name, StandardRow] = {}  # rows of standard indicators as printed on the form
    narrative: Narrative = Narrative()
    stated: Stated = Stated()
    sources: list[Name] = []  # where the figures come from
    reconstructed: list[Annotated[str, Field(max_length=5000)]] = []  # what was reconstructed, and how
    synthetic: bool = False  # True for generated demo data
