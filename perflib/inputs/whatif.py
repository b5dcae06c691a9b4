"""What if: a department-year's inputs with some values changed, validated as a params file is.

Used by :meth:`perflib.Evaluation.what_if`; nothing is read from or written to disk.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..errors import InputError, InputErrors
from .schema import ParamsFile
from .validation import input_errors

WHERE = "(what-if)"
INDICATOR_FIELDS = ("actual", "numerator", "denominator", "self_score", "self_score_reason", "tier", "analysis",
                    "target", "weight", "method")
MANAGEMENT_FIELDS = ("deductions", "score", "reason")


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
            _update(indicators[name], change if isinstance(change, dict) else {"actual": change},
                    INDICATOR_FIELDS, ("indicators", name), problems)
        elif name in leaves:
            if not isinstance(change, dict):
                problems.append(InputError(WHERE, ("management", name), "管理效率指标的变化须写成字典",
                                           expected="如 {'deductions': []} 或 {'score': 2}", found=change))
                continue
            _update(leaves[name], change, MANAGEMENT_FIELDS, ("management", name), problems)
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


def _update(entry: dict, change: dict, allowed: tuple[str, ...], where: tuple, problems: list[InputError]) -> None:
    for key, value in change.items():
        if key not in allowed:
            problems.append(InputError(WHERE, (*where, key), "不能修改这个字段", expected="、".join(allowed), found=key))
        elif value is None:
            entry.pop(key, None)
        else:
            entry[key] = str(value) if key == "actual" and not isinstance(value, str) else value
