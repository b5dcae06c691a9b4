"""How perflib's workbooks look: number formats, header and grade fills, borders, column widths."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import PatternFill, Side

from ..text import display_width

AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
TEXT_FORMAT = "@"
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
GRADE_FILLS = {"优": "C6EFCE", "良": "DDEBF7", "中": "FFF2CC", "差": "F8CBAD"}
THIN = Side(style="thin", color="999999")


def column_width(texts: list[str], *, least: int = 6, most: int = 60) -> int:
    """A column width (in Excel's character units) that fits the widest text, Chinese counting double."""
    return min(max(int(max(display_width(t) for t in texts)) + 2, least), most)


def no_formulas(ws) -> None:  # an openpyxl Worksheet
    """perflib writes values, never formulas: a text that begins with "=" (a target "=100%", a name) is kept
    as the text it is — openpyxl would store it as a formula, which Excel computes and the import loses."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def save(wb: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file, every cell a value (see :func:`no_formulas`)."""
    for ws in wb.worksheets:
        no_formulas(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
