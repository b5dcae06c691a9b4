"""Reading YAML input files safely.

* Only plain data is built (``yaml.SafeLoader``): no Python objects, ever.
* Floats become :class:`~decimal.Decimal` exactly as written, so ``3024.25`` is not 3024.2499….
* A duplicated key, a YAML alias (``*anchor``, the "billion laughs" trick), nesting deeper than
  :data:`MAX_DEPTH` or a file larger than :data:`MAX_BYTES` is refused with an :class:`InputError`
  that names the file and the line, before any memory is spent on it.
* Alongside the data, :func:`load_yaml` returns the line of every field, so that schema errors
  found later can point at the line too.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..files import read_limited

MAX_BYTES = 2_000_000
MAX_DEPTH = 32

class _Problem(Exception):
    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


# libyaml (the C parser) when PyYAML was built with it: ~10x faster than the pure-Python one. Only the
# parser and composer are C; construction — where Decimal floats and duplicate keys are handled — is
# the Python SafeConstructor either way, so both loaders build the same data.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """SafeLoader refusing duplicate keys; aliases and deep nesting are refused in :func:`_check`."""

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise _Problem("键必须是文字或数字", key_node.start_mark) from None
            if duplicate:
                raise _Problem(f"键「{key}」重复出现", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_BLOCK_DASHES = re.compile(rf"^(?:[ \t]*-[ \t]+){{{MAX_DEPTH + 1},}}", re.M)


def _precheck(text: str) -> None:
    """Refuse nesting the C composer would recurse into too deeply, before it sees the text."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    match = _BLOCK_DASHES.search(text)
    if deepest > MAX_DEPTH or match:
        line = text.count("\n", 0, match.start()) + 1 if match else None
        raise _Problem(f"嵌套层数超过 {MAX_DEPTH} 层") if line is None else _Problem(
            f"嵌套层数超过 {MAX_DEPTH} 层", _Mark(line - 1))


class _Mark:
    def __init__(self, line: int) -> None:
        self.line = line


def _check(node: yaml.Node, depth: int = 0, seen: set[int] | None = None) -> None:
    """Refuse aliases (a node reached twice) and nesting deeper than MAX_DEPTH."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        raise _Problem("不允许使用 YAML 别名（*名称），请直接写出内容", node.start_mark)
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _Problem(f"嵌套层数超过 {MAX_DEPTH} 层", node.start_mark)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _check(key_node, depth + 1, seen)
            _check(value_node, depth + 1, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check(item, depth + 1, seen)


#: a number as YAML resolves it that is the decimal digits written: an integer (leading zeros read as the
#: decimal digits they are, 03107 is 3107) or a decimal with an optional exponent
_DECIMAL_INT = re.compile(r"[-+]?[0-9]+")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    """A float as the Decimal written. YAML 1.1's other float forms — base 60 (``52:48.5``), underscores,
    ``.nan``, ``.inf`` — stay text, for the schema to refuse at their field: a number is read as the digits
    written, or refused, never guessed."""
    text = str(loader.construct_scalar(node))
    if not _DECIMAL_FLOAT.fullmatch(text):
        return text
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


MAX_DIGITS = 100  # an integer longer than this is no figure of a budget (and Python refuses > 4300)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    """An integer as the decimal digits written (``03107`` is 3107, never YAML 1.1's octal 1607). YAML 1.1's
    other integer forms — octal ``0o17``, hex ``0x1F``, binary, base 60 ``52:48``, underscores — stay text, as
    does an integer too long for any budget (Python refuses past 4300 digits), so the schema refuses them at
    their field."""
    text = str(loader.construct_scalar(node))
    if not _DECIMAL_INT.fullmatch(text) or sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        return text
    return int(text, 10)


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            out[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), out)
    return out


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The file's text, refusing what is not a regular file, oversized and non-UTF-8 files with an
    :class:`InputError` (see :func:`perflib.files.read_limited`)."""
    raw = read_limited(path, max_bytes)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            "(文件)",
            "文件不是 UTF-8 编码（如由 Windows 记事本以 GBK/ANSI 保存，请另存为 UTF-8）",
            found=f"第 {exc.start} 字节处的 {raw[exc.start:exc.start + 2]!r}",
        ) from None


def parse_yaml(text: str, path: str | Path = "(输入)") -> tuple[Any, dict[tuple, int]]:
    """Parse YAML ``text``; return the data and a map from field path to line number."""
    loader = None
    try:
        _precheck(text)
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _check(node)
        lines = _line_map(node)
        data = loader.construct_document(node)
    except _Problem as exc:
        raise InputError(path, "(文件)", exc.message, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(path, "(文件)", f"YAML 格式错误：{exc.problem or exc.context}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(path, "(文件)", f"YAML 格式错误：{exc}") from None
    except RecursionError:
        raise InputError(path, "(文件)", "嵌套过深") from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines


def load_yaml(path: str | Path, *, max_bytes: int = MAX_BYTES) -> tuple[Any, dict[tuple, int]]:
    """Read and parse a YAML file safely; see the module docstring for what is refused."""
    path = Path(path)
    return parse_yaml(read_text(path, max_bytes=max_bytes), path)
