"""Where things are on a filled-in form, found by their labels, never by fixed cell positions.

The indicator block's header row is the row whose cells name 分值 and 得分 and at least one of the 一级 /
二级 / 三级 columns (the framework's own headers — ``form:`` — or a synonym from the labels file); every
column is then wherever its label is, in any order. The funds block's header is the row above it naming at
least three of 年初预算数 / 全年预算数 / 全年执行数 / 执行率. The title, the header line (部门名称, 项目名称,
主管部门, 实施单位, 金额单位 …) and the year are read above the funds block; the stated total and grade below
the indicators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..scoring.frameworks import FORM_FIELDS, FUND_FIELDS, Framework
from .grid import Grid
from .labels import labels, norm, text

_YEAR = re.compile(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")  # 2022 年度, 2022年; not a date (填报日期：2023年3月15日)
_UNIT = re.compile(r"[(（]\s*(?:单位[:：]\s*)?([^()（）\s:：]{0,3}元)\s*[)）]")
_YEAR_LABELS = {"年度", "评价年度", "自评年度", "所属年度", "预算年度"}
_STOP = ("联系人", "填报人", "填表人", "审核人", "填报日期", "单位负责人", "财务负责人")


@dataclass
class Layout:
    """What :func:`locate` found on one grid (row and column numbers from 0)."""

    grid: Grid
    title: str = ""
    years: list[tuple[int, int, int]] = field(default_factory=list)  # (year, row, col) as written above the blocks
    header: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # item → (value, row, col)
    units: list[tuple[str, int, int]] = field(default_factory=list)  # 万元 / 元 where the form says so
    funds_header: int | None = None
    funds_columns: dict[str, int] = field(default_factory=dict)
    funds_rows: list[int] = field(default_factory=list)
    goals: tuple[str, str] | None = None  # 预期目标, 实际完成情况
    indicator_header: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    labels_of: dict[int, str] = field(default_factory=dict)  # column → its header as printed
    rows: list[int] = field(default_factory=list)
    total_row: int | None = None
    grade: tuple[str, int, int] | None = None


def column_labels(fw: Framework) -> dict[str, str]:
    """Normalized header label → field of the indicator block: the framework's own first, then synonyms."""
    out: dict[str, str] = {}
    form = fw.form
    if form is not None:
        for c in form.columns:
            out.setdefault(norm(c.header or FORM_FIELDS[c.field]), c.field)
    for name, synonyms in labels().columns.items():
        for label in synonyms:
            out.setdefault(label, name)
    return out


def fund_labels(fw: Framework) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, title in FUND_FIELDS.items():
        out.setdefault(norm(title), key)
    for name, synonyms in labels().funds.items():
        if name == "label":
            continue
        for label in synonyms:
            out.setdefault(label, name)
    return out


def _mapped(row: list[object], names: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for col, value in enumerate(row):
        if not isinstance(value, str):  # a label is text; numbers and blanks are not
            continue
        name = names.get(norm(value))
        if name is not None and name not in found:
            found[name] = col
    return found


def find_header(grids: list[Grid], fw: Framework) -> tuple[Grid, int, dict[str, int]] | None:
    """The first grid with an indicator header row, that row and its columns."""
    names = column_labels(fw)
    for grid in grids:
        for r, row in enumerate(grid.rows):
            found = _mapped(row, names)
            if {"points", "score"} <= set(found) and {"level1", "level2", "level3"} & set(found) and len(found) >= 4:
                return grid, r, found
    return None


def locate(grid: Grid, header_row: int, columns: dict[str, int], fw: Framework) -> Layout:
    """Everything else on the grid, around the indicator header."""
    lab = labels()
    out = Layout(grid, indicator_header=header_row, columns=columns)
    out.labels_of = {c: text(grid.rows[header_row][c]) for c in columns.values()}
    funds = fund_labels(fw)
    for r in range(header_row):
        found = _mapped(grid.rows[r], funds)
        if len({"initial", "adjusted", "spent", "rate"} & set(found)) >= 3:
            out.funds_header, out.funds_columns = r, found
            break
    top = out.funds_header if out.funds_header is not None else header_row
    _read_top(out, top)
    if out.funds_header is not None:
        for c, value in enumerate(grid.rows[out.funds_header]):
            if m := _UNIT.search(text(value)):
                out.units.append((m.group(1), out.funds_header, c))
        goals_at = _goals(out, out.funds_header + 1, header_row)
        end = goals_at if goals_at is not None else header_row
        out.funds_rows = [r for r in range(out.funds_header + 1, end) if any(text(v) for v in grid.rows[r])]
    else:
        _goals(out, 0, header_row)
    for r in range(header_row + 1, len(grid.rows)):
        row = grid.rows[r]
        firsts = list(dict.fromkeys(norm(v) for v in row if text(v)))[:3]
        if not firsts:
            out.rows.append(r)
            continue
        if firsts[0].startswith(_STOP):
            break
        if any(f in lab.total_row or f.startswith("总分") for f in firsts):
            out.total_row = r
            break
        out.rows.append(r)
    if out.total_row is not None:
        for r in range(out.total_row, min(out.total_row + 4, len(grid.rows))):
            if grade := _grade(grid.rows[r]):
                out.grade = (grade[0], r, grade[1])
                break
    return out


def _read_top(out: Layout, top: int) -> None:
    """Title, year and header line: the rows above the first block."""
    lab = labels()
    items = {label: item for item, names in lab.header.items() for label in names}
    for line in out.grid.preamble:  # a Word report's title and year, in the paragraphs above the table
        plain = unicodedata.normalize("NFKC", line)
        label, sep, _ = plain.replace("：", ":").partition(":")
        if not sep or norm(label) in _YEAR_LABELS:
            out.years += [(int(m.group(1)), -1, 0) for m in _YEAR.finditer(plain)]
        if not out.title and "表" in line and not sep:
            out.title = line
    for r in range(top):
        row = out.grid.rows[r]
        seen = set()
        for c, value in enumerate(row):
            t = text(value)
            if not t or t in seen:
                continue
            seen.add(t)
            plain = unicodedata.normalize("NFKC", t)
            label, sep, rest = plain.replace("：", ":").partition(":")
            if not sep or norm(label) in _YEAR_LABELS:  # the title, or "评价年度：2022"; not 项目名称：2021年…
                for m in _YEAR.finditer(plain):
                    out.years.append((int(m.group(1)), r, c))
            if not out.title and ("表" in t) and "：" not in t and ":" not in t:
                out.title = t
            if sep:
                item = items.get(norm(label))
                if item is not None and item not in out.header:
                    out.header[item] = (rest.strip(), r, c)
                if item == "unit" and rest.strip():
                    out.units.append((rest.strip(), r, c))
                continue
            item = items.get(norm(t))
            if item is not None and item not in out.header:
                following = next(((text(v), c2) for c2, v in enumerate(row[c + 1:], c + 1) if text(v) and text(v) != t),
                                 None)
                if following:
                    out.header[item] = (following[0], r, following[1])
                    seen.add(following[0])
                    if item == "unit":
                        out.units.append((following[0], r, following[1]))
            if m := _UNIT.search(plain):
                out.units.append((m.group(1), r, c))


def _goals(out: Layout, start: int, end: int) -> int | None:
    """The row of 预期目标 / 实际完成情况 between ``start`` and ``end``, its texts read from the row below."""
    lab = labels()
    for r in range(start, end):
        row = out.grid.rows[r]
        cols = {}
        for c, value in enumerate(row):
            n = norm(value)
            for key, names in lab.goals.items():
                if n in names and key not in cols:
                    cols[key] = c
        if len(cols) == 2:
            if r + 1 < end:
                below = out.grid.rows[r + 1]
                out.goals = (text(below[cols["expected"]]), text(below[cols["achieved"]]))
            return r
    return None


def _grade(row: list[object]) -> tuple[str, int] | None:
    lab = labels()
    for c, value in enumerate(row):
        t = unicodedata.normalize("NFKC", text(value)).replace("：", ":")
        label, sep, rest = t.partition(":")
        if sep and norm(label) in lab.grade and rest.strip():
            return rest.strip(), c
        if norm(t) in lab.grade:
            following = next(((text(v), c2) for c2, v in enumerate(row[c + 1:], c + 1) if text(v) and text(v) != t), None)
            if following:
                return following
    return None
