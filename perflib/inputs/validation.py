"""Turning pydantic's validation errors into the project's one-line, Chinese :class:`InputError`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InputError, InputErrors, line_of

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "string_type": "文字",
    "decimal_parsing": "数值，如 3024.25",
    "decimal_type": "数值，如 3024.25",
    "float_parsing": "数值",
    "float_type": "数值",
    "int_parsing": "整数",
    "int_type": "整数",
    "int_from_float": "整数",
    "bool_type": "true 或 false",
    "bool_parsing": "true 或 false",
    "list_type": "列表（每项以「- 」开头）",
    "dict_type": "键值对（「名称: 值」的形式）",
    "model_type": "键值对（「名称: 值」的形式）",
    "model_attributes_type": "键值对（「名称: 值」的形式）",
    "decimal_whole_digits": "位数合理的数值",
    "decimal_max_digits": "位数合理的数值",
    "decimal_max_places": "小数位数合理的数值",
    "finite_number": "有限数值",
}


def _field(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # drop pydantic's internal branch names such as "function-after[...]" or "list[...]"
    return tuple(p for p in loc if isinstance(p, int) or "[" not in p)


def _translate(err: dict[str, Any]) -> tuple[str, str | None, object]:
    kind, ctx = err["type"], err.get("ctx") or {}
    found = err.get("input")
    if kind == "missing":
        return "缺少必填字段", None, None
    if kind == "extra_forbidden":
        return "未知字段（拼写错误？请对照 docs/input-format.md）", None, None
    if kind == "literal_error":
        # pydantic says "'万元' or '元'": the choices as a reader lists them
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or [str(ctx.get("expected"))]
        return "取值不在允许范围内", f"以下之一：{'、'.join(choices)}", found
    if kind == "string_pattern_mismatch":
        return "代码格式不对", "小写字母、数字和连字符组成的代码，如 baiyun-emergency", found
    if kind in ("too_short", "string_too_short"):
        if kind == "string_too_short":
            return "不能为空", None, None
        return "项数不足", f"至少 {ctx.get('min_length')} 项", f"{ctx.get('actual_length')} 项"
    if kind in ("too_long", "string_too_long"):
        limit = ctx.get("max_length")
        if kind == "string_too_long":
            return "文字过长", f"不超过 {limit} 字", f"{len(found)} 字" if isinstance(found, str) else None
        return "项数过多", f"至多 {limit} 项", f"{ctx.get('actual_length')} 项"
    if kind in ("greater_than_equal", "greater_than"):
        sign = "≥" if kind == "greater_than_equal" else ">"
        return "数值过小", f"{sign} {ctx.get('ge', ctx.get('gt'))}", found
    if kind in ("less_than_equal", "less_than"):
        sign = "≤" if kind == "less_than_equal" else "<"
        return "数值过大", f"{sign} {ctx.get('le', ctx.get('lt'))}", found
    if kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error") or err.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        return message, None, found if not isinstance(found, (dict, list)) else None
    if kind in _EXPECTED:
        return "类型不对", _EXPECTED[kind], found
    return err.get("msg", kind), None, found


def input_errors(
    exc: ValidationError, file: str | Path, lines: dict[tuple, int] | None = None
) -> list[InputError]:
    """One :class:`InputError` per problem pydantic found, with field path and line."""
    out = []
    for err in exc.errors(include_url=False):
        field = _field(err["loc"])
        message, expected, found = _translate(err)
        if isinstance(found, (dict, list)):
            found = None
        line = line_of(lines, field) if lines else None
        out.append(InputError(file, field, message, expected=expected, found=found, line=line))
    return out


def validate(model: type[M], data: Any, file: str | Path, lines: dict[tuple, int] | None = None) -> M:
    """``model`` built from ``data``, or :class:`InputErrors` listing every problem."""
    if not isinstance(data, dict):
        raise InputErrors(
            [InputError(file, "(文件)", "文件内容应为键值对（YAML 映射）", found=type(data).__name__)]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputErrors(input_errors(exc, file, lines)) from None
