"""What if: a department-year's inputs with some values changed, validated as a params file is.

Used by :meth:`perflib.Evaluation.what_if`; nothing is read from or written to disk. A change that the
scoring would ignore is refused, not applied in silence: a new actual of an indicator whose actual is
computed from numerator ÷ denominator, and a new actual, target, weight, method or tier of an indicator (or
new deductions of a 管理效率 leaf) whose score is the department's own — unless the change also says what
becomes of that own score.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..errors import InputError, InputErrors
from ..numbers import fmt_points
from .schema import ParamsFile
from .validation import input_errors

WHERE = "(what-if)"
INDICATOR_FIELDS = ("actual", "numerator", "denominator", "self_score", "self_score_reason", "tier", "analysis",
                    "target", "weight", "method")
MANAGEMENT_FIELDS = ("deductions", "score", "reason")
#: what an indicator's score by the rules is computed from: none of it counts while a self-score does
RULE_INPUTS = ("actual", "numerator", "denominator", "target", "weight", "method", "tier")


def apply(params: ParamsFile, changes: dict[str, Any], *, keep_stated: bool = False) -> ParamsFile:
    """``params`` with ``changes`` applied (see :meth:`~perflib.Evaluation.what_if`); raise InputErrors."""
    data = params.model_dump(mode="python", exclude_none=True)
    if not keep_stated:
        data.pop("stated", None)
        if data.get("budget", {}).get("stated") is not None:
            data["budget"].pop("stated")
    indicators = {ind["name"]: ind for ind in data.get("indicators", [])}
    leaves = {leaf["name"]: leaf for leaf in data.get("management", [])}
    problems: list[InputError] = []
    for name, change in changes.items():
        if name == "monthly":
            data.setdefault("execution", {})["monthly"] = {"basis": "cumulative", "values": list(change)}
        elif name in indicators:
            change = change if isinstance(change, dict) else {"actual": change}
            _update(indicators[name], change, INDICATOR_FIELDS, ("indicators", name), problems)
            problems += _ignored_by_indicator(indicators[name], change, ("indicators", name))
        elif name in leaves:
            if not isinstance(change, dict):
                problems.append(InputError(WHERE, ("management", name), "管理效率指标的变化须写成字典",
                                           expected="如 {'deductions': []} 或 {'score': 2}", found=change))
                continue
            _update(leaves[name], change, MANAGEMENT_FIELDS, ("management", name), problems)
            problems += _ignored_by_leaf(leaves[name], change, ("management", name))
        else:
            problems.append(InputError(
                WHERE, (name,), "没有这个指标",
                expected=f"绩效指标、管理效率指标的名称或 monthly；如 {'、'.join(list(indicators)[:3])}", found=name))
    if problems:
        raise InputErrors(problems)
    try:
        return ParamsFile.model_validate(data)
    except ValidationError as exc:
        raise InputErrors(input_errors(exc, WHERE)) from None


def _ignored_by_indicator(entry: dict, change: dict, where: tuple) -> list[InputError]:
    """The changes to an indicator (``entry`` as changed) that its score would not see."""
    if entry.get("numerator") is not None and change.get("actual") is not None:
        return [InputError(
            WHERE, (*where, "actual"),
            f"该指标的实际完成值由分子 ÷ 分母算出（{entry['numerator']} ÷ {entry['denominator']}），改 actual 不会改变得分",
            expected="改分子 numerator 与分母 denominator（或将二者设为 None，以 actual 为准）", found=change["actual"])]
    moved = [key for key in RULE_INPUTS if key in change]
    if entry.get("self_score") is not None and moved and "self_score" not in change:
        return [InputError(
            WHERE, (*where, moved[0]),
            f"该指标按部门自评得分 self_score（{fmt_points(entry['self_score'])} 分）计分，"
            f"改 {'、'.join(moved)} 不会改变得分",
            expected="同时给出新的 self_score（或 self_score: None，改按评分规则计分）")]
    return []


def _ignored_by_leaf(entry: dict, change: dict, where: tuple) -> list[InputError]:
    """The changes to a 管理效率 leaf (``entry`` as changed) that its score would not see."""
    if entry.get("score") is not None and "deductions" in change and "score" not in change:
        return [InputError(
            WHERE, (*where, "deductions"),
            f"该项按自评得分 score（{fmt_points(entry['score'])} 分）计分，改扣分 deductions 不会改变得分",
            expected="同时给出新的 score（或 score: None，改按扣分计分）")]
    return []


def _update(entry: dict, change: dict, allowed: tuple[str, ...], where: tuple, problems: list[InputError]) -> None:
    for key, value in change.items():
        if key not in allowed:
            problems.append(InputError(WHERE, (*where, key), "不能修改这个字段", expected="、".join(allowed), found=key))
        elif value is None:
            entry.pop(key, None)
        else:
            entry[key] = str(value) if key == "actual" and not isinstance(value, str) else value
