"""Any handed-in file → its sheets as grids of cell values, merged cells filled in, within the limits.

.xlsx, .xlsm, .xls and .ods are read with python-calamine (one reader for all three, fast, values only);
the tables of a .docx with python-docx, a cell spanning columns (``gridSpan``) or rows (``vMerge``) read
as that many cells. A merged range holds its top-left value in every cell it covers, so a merged 一级 /
二级 heading is there on every row beneath it. The size limits of filled-in workbooks
(:mod:`perflib.workbooks.sheets`) apply before a file is opened and while it is read, so memory per form is
bounded whatever the file claims.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..files import regular_file_within
from ..workbooks.sheets import MAX_CELLS, MAX_FILE_BYTES, MAX_ROWS, unpacked_within_limits

#: The kinds of file intake reads (a folder is searched for these)
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
DOCUMENTS = (".docx",)
SUFFIXES = WORKBOOKS + DOCUMENTS


@dataclass(frozen=True)
class Grid:
    """One sheet (or one table of a document): ``rows[r][c]`` the value of a cell, None when empty."""

    name: str
    rows: list[list[object]]
    preamble: tuple[str, ...] = ()  # a document's paragraphs just above the table (its title and year)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def cell_name(grid: Grid, row: int, col: int, label: str = "") -> str:
    """``自评表!F12（得分）``: where a value is, as a person looking at the file finds it; a row below 0 is the
    document's text above the table."""
    if row < 0:
        return f"{grid.name}!表前文字" + (f"（{label}）" if label else "")
    return f"{grid.name}!{column_letter(col)}{row + 1}" + (f"（{label}）" if label else "")


def read_grids(path: Path) -> list[Grid]:
    """The grids of ``path``; :class:`InputError` (field "(文件)") when it cannot be read or is too large."""
    _within_limits(path)
    suffix = path.suffix.lower()
    if suffix in DOCUMENTS:
        return _docx(path)
    if suffix not in WORKBOOKS:
        raise InputError(path, "(文件)", "不是可读取的自评表文件", expected="、".join(SUFFIXES), found=suffix or "（无扩展名）")
    return _workbook(path)


def _within_limits(path: Path) -> None:
    regular_file_within(path, MAX_FILE_BYTES)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".docx"):
        try:
            with zipfile.ZipFile(path) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, OSError):
            raise InputError(path, "(文件)", "文件已损坏或不是所示的格式（不是有效的压缩包）",
                             expected=f"{path.suffix} 文件") from None
        unpacked_within_limits(path, parts)


def _bounded(path: Path, name: str, height: int, width: int, cells: int) -> int:
    if height > MAX_ROWS:
        raise InputError(path, f"(工作表 {name})", "行数过多", expected=f"不超过 {MAX_ROWS:,} 行", found=f"{height:,} 行")
    cells += height * max(width, 1)
    if cells > MAX_CELLS:
        raise InputError(path, "(文件)", "单元格过多", expected=f"不超过 {MAX_CELLS:,} 个", found=f"至少 {cells:,} 个")
    return cells


def _workbook(path: Path) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own types for every kind of damage
        raise InputError(path, "(文件)", f"无法打开工作簿：文件已损坏或不是 {path.suffix} 格式（{type(exc).__name__}）") from None
    grids, cells = [], 0
    for index, name in enumerate(book.sheet_names):
        try:
            sheet = book.get_sheet_by_index(index)
            cells = _bounded(path, name, sheet.total_height or sheet.height, sheet.total_width or sheet.width, cells)
            rows = [[None if v == "" else v for v in row] for row in sheet.to_python(skip_empty_area=False)]
            merged = sheet.merged_cell_ranges or []
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise InputError(path, f"(工作表 {name})", f"无法读取工作表（{type(exc).__name__}）") from None
        for (r0, c0), (r1, c1) in merged:
            _fill(rows, r0, c0, r1, c1)
        grids.append(Grid(name, rows))
    return grids


def _fill(rows: list[list[object]], r0: int, c0: int, r1: int, c1: int) -> None:
    """Every cell of a merged range holds its top-left value."""
    if r0 >= len(rows):
        return
    value = rows[r0][c0] if c0 < len(rows[r0]) else None
    for r in range(r0, min(r1, len(rows) - 1) + 1):
        row = rows[r]
        if len(row) <= c1:
            row.extend([None] * (c1 + 1 - len(row)))
        for c in range(c0, c1 + 1):
            row[c] = value


def _docx(path: Path) -> list[Grid]:
    from docx import Document
    from docx.oxml.ns import qn

    try:
        document = Document(str(path))
    except Exception as exc:  # noqa: BLE001
        raise InputError(path, "(文件)", f"无法打开 Word 文档：文件已损坏或不是 .docx 格式（{type(exc).__name__}）") from None
    grids, cells = [], 0
    preambles: dict[int, list[str]] = {}  # table → the paragraphs between it and the previous table
    texts: list[str] = []
    count = 0
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            t = "".join(x.text or "" for x in block.iter(qn("w:t"))).strip()
            if t:
                texts.append(t)
        elif block.tag == qn("w:tbl"):
            preambles[count] = texts[-5:]
            texts, count = [], count + 1
    for t, table in enumerate(document.tables, 1):
        rows: list[list[object]] = []
        for tr in table._tbl.tr_lst:
            row: list[object] = []
            for tc in tr.tc_lst:
                span = tc.grid_span
                text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))).strip() or None
                vmerge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
                if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue") and rows:
                    above = rows[-1]
                    text = above[len(row)] if len(row) < len(above) else None
                row.extend([text] * span)
            rows.append(row)
            if len(rows) > MAX_ROWS:
                _bounded(path, f"表格{t}", len(rows), len(row), cells)
        width = max((len(r) for r in rows), default=0)
        cells = _bounded(path, f"表格{t}", len(rows), width, cells)
        grids.append(Grid(f"表格{t}", [r + [None] * (width - len(r)) for r in rows], tuple(preambles.get(t - 1, ()))))
    return grids
