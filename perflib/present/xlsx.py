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


def print_landscape(ws, *, header_row: int = 1, footer: str | None = None) -> None:  # an openpyxl Worksheet
    """Printed as a bureau files it: A4 landscape, every column on one page's width, the header row (``header_row``)
    on every page; ``footer``: centred at the foot of each page, before 「第 N 页，共 M 页」."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    if footer is not None:
        ws.oddFooter.center.text = f"{footer}　第 &P 页，共 &N 页"


def save(wb: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file, every cell a value (see :func:`no_formulas`)."""
    for ws in wb.worksheets:
        no_formulas(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
