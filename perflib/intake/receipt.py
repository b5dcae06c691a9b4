"""The receipt (收件清单): one line per file handed in — read, read with findings, or refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..numbers import fmt_points
from .refusal import Refusal

if TYPE_CHECKING:  # pragma: no cover
    from ..errors import Finding
    from ..evaluation import Evaluation

#: status → how the receipt says it
STATUS_NAMES = {"read": "已读取", "findings": "已读取（有审核发现）", "refused": "拒收"}
COLUMNS = ("文件", "状态", "部门代码", "年度", "项目", "总分", "等级", "审核发现", "工作表", "单元格", "原因", "输入文件")


@dataclass
class Intake:
    """One file handed in, as read: its status (``read``, ``findings``, ``refused``), what was read, its
    evaluation (None when refused, or when read in another process), the audit's findings, where its input
    file was written (None when nothing was written). ``data`` is None when refused, and when read in another
    process and written: the file holds it."""

    path: Path
    status: str
    code: str | None = None
    year: int | None = None
    project: str | None = None
    data: dict | None = None
    evaluation: Evaluation | None = None
    findings: tuple[Finding, ...] = ()
    refusal: Refusal | None = None
    total: Decimal | None = None
    grade: str | None = None
    written: Path | None = None

    def __repr__(self) -> str:
        if self.refusal is not None:
            return f"<Intake {self.path.name}：拒收，{self.refusal.line('')[2:]}>"
        return (f"<Intake {self.path.name}：{STATUS_NAMES[self.status]}，{self.code} {self.year}，"
                f"{fmt_points(self.total)} 分，{self.grade}，审核发现 {len(self.findings)} 项>")

    def row(self) -> dict[str, Any]:
        """This file's line of the receipt."""
        r = self.refusal
        return {"文件": str(self.path), "状态": STATUS_NAMES[self.status], "部门代码": self.code or "",
                "年度": self.year, "项目": self.project or "",
                "总分": None if self.total is None or r else float(self.total), "等级": "" if r else self.grade or "",
                "审核发现": None if r else len(self.findings), "工作表": r.sheet if r else "", "单元格": r.cell if r else "",
                "原因": r.reason if r else "", "输入文件": str(self.written) if self.written else ""}


@dataclass
class Receipt:
    """Every file of one intake, in the order handed in."""

    entries: list[Intake] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every file was read, 1 when some were refused."""
        return 1 if any(e.status == "refused" for e in self.entries) else 0

    def frame(self):  # pandas.DataFrame
        """The receipt as a table with Chinese column names (see :data:`COLUMNS`)."""
        import pandas as pd

        return pd.DataFrame([e.row() for e in self.entries], columns=list(COLUMNS))

    def text(self) -> str:
        """The receipt as printed by ``perflib intake``: a table, one line per file, then the counts; a refusal's
        sheet, cell and reason at the end of its line."""
        from ..text import display_width, pad

        head = ("状态", "文件", "部门代码", "年度", "项目", "总分", "等级", "审核发现", "原因或输入文件")
        rows = []
        for e in self.entries:
            r = e.refusal
            where = (f"{r.sheet}!{r.cell}" if r.sheet and r.cell else r.sheet or r.cell) if r else ""
            rows.append((STATUS_NAMES[e.status], str(e.path), e.code or "", str(e.year or ""), e.project or "",
                         fmt_points(e.total) if e.total is not None and r is None else "",
                         "" if r else e.grade or "",
                         str(len(e.findings)) if r is None else "",
                         (f"{where}：" if where else "") + r.reason if r else (f"→ {e.written}" if e.written else "")))
        widths = [max([int(display_width(h))] + [int(display_width(row[i])) for row in rows]) for i, h in
                  enumerate(head[:-1])]
        lines = ["  ".join(pad(c, w) for c, w in zip(head[:-1], widths)) + "  " + head[-1]]
        lines += ["  ".join(pad(c, w) for c, w in zip(row[:-1], widths)) + "  " + row[-1] for row in rows]
        counts = {s: sum(1 for e in self.entries if e.status == s) for s in STATUS_NAMES}
        lines.append(f"收件 {len(self.entries)} 份：已读取 {counts['read'] + counts['findings']} 份"
                     f"（其中有审核发现 {counts['findings']} 份），拒收 {counts['refused']} 份。")
        return "\n".join(lines)

    def write_xlsx(self, path: str | Path) -> Path:
        """The receipt as an .xlsx workbook (sheet 收件清单), written atomically."""
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, NamedStyle

        from ..files import write_atomic
        from ..present.xlsx import HEADER_FILL, THIN, print_landscape, save
        from ..text import display_width

        wb = Workbook()
        ws = wb.active
        ws.title = "收件清单"
        ws.append(list(COLUMNS))
        for e in self.entries:
            ws.append([e.row()[c] for c in COLUMNS])
        # one named style for the body (a style object set cell by cell costs openpyxl a hash each time:
        # 3.5 s for a receipt of 700 forms, 0.3 s this way)
        body = NamedStyle(name="收件清单", border=Border(top=THIN, bottom=THIN, left=THIN, right=THIN),
                          alignment=Alignment(vertical="top", wrap_text=True))
        wb.add_named_style(body)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.style = "收件清单"
        for cell in ws[1]:
            cell.border = body.border
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths = dict(zip("ABCDEFGHIJKL", (36, 18, 16, 6, 22, 8, 5, 9, 8, 10, 50, 40)))
        for col, width in widths.items():
            ws.column_dimensions[col].width = width
        for row in ws.iter_rows(min_row=2):  # wrapped text needs its height: spreadsheets do not grow a row on opening
            lines = max(-(-int(display_width(str(c.value or ""))) // max(widths[c.column_letter] - 1, 1)) for c in row)
            ws.row_dimensions[row[0].row].height = 15 * max(lines, 1)
        for cell in ws["F"][1:]:
            cell.number_format = "0.00"
        ws.freeze_panes = "A2"
        print_landscape(ws, footer="收件清单")
        path = Path(path)
        write_atomic(path, save(wb))
        return path

    def __repr__(self) -> str:
        return f"<Receipt {len(self.entries)} 份，拒收 {sum(1 for e in self.entries if e.status == 'refused')} 份>"
