"""疑点清单.xlsx: the review's tables (:meth:`perflib.bureau.Review.sheets`) as a workbook a bureau prints and
filters — one sheet per table, Chinese headers, numbers as numbers (two decimals), percentages as Excel
percentages, long texts wrapped in columns of fixed width, A4 landscape one page wide with the header on every
page, values only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..frames import LABELS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: columns of long text: their width (Excel character units), wrapped
WIDE = {"issue": 54, "evidence": 26, "flip": 44, "variants": 30, "error": 60, "file": 40, "row": 18,
        "department": 16, "project": 18, "problem": 50, "this_year_says": 44, "status": 12, "reason": 40}
#: columns for filtering and for code, not for the printed list: kept, hidden (a hidden column is not printed)
HIDDEN = ("kind", "finding_code", "severity", "file", "code", "source", "topic", "said_in")
PERCENT = ("execution_rate", "verifiable_share", "judged_share", "unverifiable_share")
WHOLE = ("rank", "year", "queries", "forms", "last_year")

STYLE = "疑点清单"


def review_workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The workbook of ``sheets`` (sheet name → frame with English columns)."""
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, NamedStyle
    from openpyxl.utils import get_column_letter

    from ..present.xlsx import HEADER_FILL, PERCENT_FORMAT, THIN, column_width, print_landscape, save
    from ..text import display_width

    wb = Workbook()
    wb.remove(wb.active)
    border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
    # one named style for the body: a style object set cell by cell costs openpyxl a hash each time
    wb.add_named_style(NamedStyle(name=STYLE, border=border, alignment=Alignment(vertical="top", wrap_text=True)))
    for title, frame in sheets.items():
        ws = wb.create_sheet(title)
        columns = list(frame.columns)
        ws.append([LABELS.get(c, c) for c in columns])
        for values in frame.itertuples(index=False):
            ws.append([_value(v, c) for v, c in zip(values, columns)])
        widths = {}
        for i, c in enumerate(columns, 1):
            letter = get_column_letter(i)
            shown = [LABELS.get(c, c), *(_text(v) for v in frame[c].head(500))]
            widths[letter] = WIDE.get(c) or column_width(shown, most=24)
            ws.column_dimensions[letter].width = widths[letter]
            ws.column_dimensions[letter].hidden = c in HIDDEN and title != "未能读取"
            fmt = (PERCENT_FORMAT if c in PERCENT else "0" if c in WHOLE else
                   "0.00" if pd.api.types.is_float_dtype(frame[c]) else None)
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.style = STYLE
                if fmt:
                    cell.number_format = fmt
        for cell in ws[1]:
            cell.border, cell.font, cell.fill = border, Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in ws.iter_rows(min_row=2):  # a wrapped row needs its height: spreadsheets do not grow it on opening
            lines = max(-(-int(display_width(_text(c.value))) // max(widths[c.column_letter] - 1, 1)) for c in row
                        if not ws.column_dimensions[c.column_letter].hidden)
            ws.row_dimensions[row[0].row].height = 15 * max(lines, 1)
        ws.freeze_panes = "A2"
        if len(frame):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
        print_landscape(ws, footer=title)
    return save(wb)


def _value(value: object, column: str) -> object:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if column in PERCENT:
        return value / 100
    if isinstance(value, bool):
        return "是" if value else ""
    return value


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{value:.2f}" if isinstance(value, float) else str(value)
