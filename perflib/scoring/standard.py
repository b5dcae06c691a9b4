"""Standard indicators computed from the budget: the 过程 and 投入 rows of most department-overall forms.

The Ministry of Finance's common framework for department-overall spending (《预算绩效评价共性指标体系框架》,
财预〔2013〕53号, its 部门整体支出 annex) defines these indicators by formulas over the budget; provinces' forms
descend from it. A framework leaf names one (``method: standard``, ``params: {indicator: 结转结余率,
target: "≤5%"}``); perflib computes its value from the department's budget input and scores it against the
target as an indicator would be (the direction follows the target's operator, the leaf's ``method``, or —
for a target written without an operator — the indicator's own direction).

Every value is a percentage. The formulas (docs/standard-indicators.md says the same):

============================  ==============================================================  ===========
indicator                     formula (× 100 %)                                                input
============================  ==============================================================  ===========
预算完成率                    支出 ÷ 调整后预算                                                budget.funds
预算调整率                    |调整后预算 − 年初预算| ÷ 年初预算                               budget.funds
结转结余率                    年末结转结余 ÷ 调整后预算                                        budget.carryover
结转结余变动率                (年末结转结余 − 年初结转结余) ÷ 年初结转结余                     budget.carryover
公用经费控制率                公用经费实际支出 ÷ 公用经费预算                                  budget.public_funds
"三公经费"控制率              "三公"经费实际支出 ÷ "三公"经费预算                              budget.three_public
"三公经费"变动率              ("三公"经费本年支出 − 上年支出) ÷ 上年支出                      budget.three_public
政府采购执行率                政府采购实际金额 ÷ 政府采购预算（计划）                         budget.procurement
在职人员控制率                实有在职人数 ÷ 编制数                                            budget.staffing
重点支出安排率                重点项目预算 ÷ 项目支出预算（调整后）                            key_projects, budget.by_kind
固定资产利用率                实际在用固定资产总额 ÷ 所有固定资产总额                          budget.assets
============================  ==============================================================  ===========

Each has a direction (:attr:`Standard.direction`): 预算调整率 and the control and change rates are better
lower (≤), the others higher (≥). A target written without an operator — forms print "3%" for 预算调整率,
meaning at most 3 % — is read in that direction.

A form often prints the rate without its base data. The input's ``standard`` section gives such a row's
target and value as printed (:func:`value_of` prefers the budget's figures and reports a printed value
that differs from them).

A value is ``None`` when its input is missing (:func:`value_of` says which, and ``needs`` names the field) or its denominator
is zero (e.g. no procurement plan): the leaf then scores as the framework's ``undefined`` says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..numbers import HUNDRED, ZERO, ratio
from .budget import Metrics


@dataclass(frozen=True)
class Standard:
    name: str
    formula: str  # in words, as a reader checks it
    needs: str  # the input field it reads (for the message when it is missing)
    value: Callable[[Any, Metrics], tuple[Decimal | None, Decimal | None] | None]  # (numerator, denominator)
    direction: str = "≤"  # "≤": lower is better (a ceiling); "≥": higher is better


def _pct(parts: tuple[Decimal | None, Decimal | None] | None) -> Decimal | None:
    if parts is None or parts[0] is None or parts[1] is None:
        return None
    r = ratio(parts[0], parts[1])
    return None if r is None else r * HUNDRED


def _change(now: Decimal | None, before: Decimal | None) -> tuple[Decimal | None, Decimal | None] | None:
    return None if now is None or before is None else (now - before, before)


def _key_spending(budget: Any, m: Metrics) -> tuple[Decimal | None, Decimal | None] | None:
    """重点项目 as arranged in the budget ÷ all project spending as arranged (the annex: 年度预算安排的)."""
    projects = next((k for k in m.kinds if k.type == "项目支出"), None)
    if projects is None or not m.projects:
        return None
    return sum((p.budget for p in m.projects), ZERO), projects.adjusted


def _adjustment(m: Metrics) -> tuple[Decimal | None, Decimal | None] | None:
    """预算调整数 ÷ 年初预算. The annex counts every 追加、追减 and 结构调整; from the two totals a form gives,
    the net change is what can be known, and a cut is as much an adjustment as an addition."""
    if m.adjusted is None or m.initial is None:
        return None
    return abs(m.adjusted - m.initial), m.initial


STANDARDS: tuple[Standard, ...] = (
    Standard("预算完成率", "支出 ÷ 调整后预算 × 100%", "budget.funds", lambda b, m: (m.spent, m.adjusted), "≥"),
    Standard("预算调整率", "|调整后预算 − 年初预算| ÷ 年初预算 × 100%", "budget.funds[].initial",
             lambda b, m: _adjustment(m)),
    Standard("结转结余率", "年末结转结余 ÷ 调整后预算 × 100%", "budget.carryover",
             lambda b, m: None if b.carryover is None else (b.carryover.end, m.adjusted)),
    Standard("结转结余变动率", "（年末结转结余 − 年初结转结余）÷ 年初结转结余 × 100%", "budget.carryover.start",
             lambda b, m: None if b.carryover is None else _change(b.carryover.end, b.carryover.start)),
    Standard("公用经费控制率", "公用经费实际支出 ÷ 公用经费预算 × 100%", "budget.public_funds",
             lambda b, m: None if b.public_funds is None else (b.public_funds.spent, b.public_funds.budget)),
    Standard("“三公”经费控制率", "“三公”经费实际支出 ÷ “三公”经费预算 × 100%", "budget.three_public",
             lambda b, m: None if b.three_public is None else (b.three_public.spent, b.three_public.budget)),
    Standard("“三公”经费变动率", "（“三公”经费本年支出 − 上年支出）÷ 上年支出 × 100%", "budget.three_public.last_year",
             lambda b, m: None if b.three_public is None else _change(b.three_public.spent, b.three_public.last_year)),
    Standard("政府采购执行率", "政府采购实际金额 ÷ 政府采购预算 × 100%", "budget.procurement",
             lambda b, m: None if b.procurement is None else (b.procurement.actual, b.procurement.plan), "≥"),
    Standard("在职人员控制率", "实有在职人数 ÷ 编制数 × 100%", "budget.staffing",
             lambda b, m: None if b.staffing is None else (Decimal(b.staffing.actual), Decimal(b.staffing.authorized))),
    Standard("重点支出安排率", "重点项目预算 ÷ 项目支出预算（调整后）× 100%", "key_projects 与 budget.by_kind（项目支出）",
             _key_spending, "≥"),
    Standard("固定资产利用率", "实际在用固定资产总额 ÷ 所有固定资产总额 × 100%", "budget.assets",
             lambda b, m: None if b.assets is None else (b.assets.in_use, b.assets.total), "≥"),
)
#: name → its definition; names also accepted with plain quotes ("三公经费"控制率) or none (三公经费控制率)
BY_NAME: dict[str, Standard] = {s.name: s for s in STANDARDS}


def find(name: str) -> Standard | None:
    """The standard indicator called ``name`` (the quotes around 三公 may be written any way, or left out)."""
    key = str(name).strip()
    for quote in ('"', "“", "”", "'", "‘", "’"):
        key = key.replace(quote, "")
    return next((s for s in STANDARDS if s.name.replace("“", "").replace("”", "") == key), None)


def value_of(standard: Standard, budget: Any, metrics: Metrics,
             printed: Decimal | None) -> tuple[Decimal | None, str]:
    """The value a leaf scores and where it came from: ``"budget"`` (computed), ``"form"`` (the value
    printed on the form, when the budget lacks the facts), or ``"missing"``/``"undefined"`` (no value:
    the input lacks the facts, or the denominator is zero)."""
    parts = standard.value(budget, metrics)
    if parts is not None and parts[0] is not None and parts[1] is not None:  # the input has the facts
        computed = _pct(parts)
        return computed, "budget" if computed is not None else "undefined"
    if printed is not None:
        return printed, "form"
    return None, "missing"


def differs(computed: Decimal, printed: Decimal) -> bool:
    """Whether a printed value disagrees with the computed one beyond the printed value's own rounding
    (92% agrees with 92.31 %; 72.74% agrees with 72.7449 %)."""
    places = max(0, -printed.as_tuple().exponent) if isinstance(printed.as_tuple().exponent, int) else 2
    half = Decimal(1).scaleb(-places) / 2
    return abs(computed - printed) > half
