"""The report as a Word document (report.docx) in official-document layout, from the same sections as the HTML.

The content is the report's own: :data:`perflib.present.report.OUTLINE`'s chapters, each an HTML
fragment built once (escaped text, tables, figures), rendered here to Word instead of to a page — the
prose is never written twice. The layout follows the common official-document format (GB/T 9704): A4,
margins 37/35/28/26 mm, body 3号 (16 pt) 仿宋 with fixed 28 pt lines and a two-character first-line
indent, the title 2号 小标宋, level headings 一、 黑体 / （一） 楷体 / 1. 仿宋 bold, page numbers "— 1 —".
Every font is named for East Asian text too (``w:eastAsia``), or Word shows Chinese in a fallback font.
Styles are Word's own names (Title, Heading 1–3, Normal, Caption, Table Grid, and perflib's
"Table Text"), so a bureau restyles the whole document in one step.

A cover page (department, year, 评价方式 自评, 报告日期) opens it and a signature block (单位负责人, 填报人,
联系电话, 日期, 单位盖章) closes it, left blank for hand-filling. The mid-year monitoring report
(:func:`monitor_docx`) is made the same way from its own chapters.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PerflibError
from ..numbers import exact
from ..text import display_width
from . import report as sections

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document

    from ..monitoring.monitor import Monitoring

# fonts as offices have them; Word substitutes when one is missing, LibreOffice too
FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋", "黑体", "楷体", "方正小标宋简体", "宋体"
BODY_PT, TITLE_PT, TABLE_PT, CAPTION_PT, PAGE_NUMBER_PT = 16, 22, 10.5, 12, 14
LINE_PT = 28
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156 mm
CHART_DPI = 200
BLANK_DATE = "        年    月    日"  # filled in by hand
HEADING_STYLES = {"h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3", "h5": "Heading 3"}


def _fonts(style_or_run, name: str, size: float | None = None, *, bold: bool | None = None) -> None:
    """Set the font for Latin and East Asian text alike (python-docx sets only the Latin slots)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style_or_run.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _spacing(style, *, before: float = 0, after: float = 0, line: float | None = LINE_PT,
             indent: float | None = None) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    if indent is not None:
        fmt.first_line_indent = Pt(indent)


def setup_document(doc: Document) -> None:
    """A4, official margins, the styles and the page-number footer."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.footer_distance = Mm(20)
        _page_number(section)
    styles = doc.styles
    _fonts(styles["Normal"], FANGSONG, BODY_PT)
    _spacing(styles["Normal"], indent=2 * BODY_PT)
    styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _fonts(styles["Title"], XIAOBIAOSONG, TITLE_PT, bold=False)
    _spacing(styles["Title"], before=0, after=LINE_PT / 2, line=36, indent=0)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_border(styles["Title"])
    for name, font, bold in (("Heading 1", HEITI, False), ("Heading 2", KAITI, False), ("Heading 3", FANGSONG, True)):
        _fonts(styles[name], font, BODY_PT, bold=bold)
        _spacing(styles[name], indent=2 * BODY_PT)
        styles[name].paragraph_format.keep_with_next = True
    _fonts(styles["Caption"], HEITI, CAPTION_PT, bold=False)
    _spacing(styles["Caption"], before=6, after=6, line=None, indent=0)
    styles["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if "Table Text" not in [s.name for s in styles]:
        styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]
    _fonts(styles["Table Text"], FANGSONG, TABLE_PT)
    _spacing(styles["Table Text"], line=None, indent=0)
    styles["Table Text"].paragraph_format.line_spacing = 1.0  # single: a table's rows are not the body's grid
    if "Signature" not in [s.name for s in styles]:
        styles.add_style("Signature", WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]
    _spacing(styles["Signature"], indent=0)


def _no_border(style) -> None:
    """Word's Title has a bottom border; an official title has none."""
    from docx.oxml.ns import qn

    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _field(run, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES …) in ``run``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _page_number(section) -> None:
    """"— 1 —", 4号, centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = section.footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.text = ""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = 0
    for text in ("— ", None, " —"):
        run = paragraph.add_run(text or "")
        _fonts(run, SONGTI, PAGE_NUMBER_PT)
        if text is None:
            _field(run, "PAGE")


# ---------------------------------------------------------------------- cover and signature


def cover(doc: Document, title: str, rows: list[tuple[str, str]]) -> None:
    """The cover page: the title and ``rows`` of label and value — department, year, 评价方式, 报告日期 …
    (a bureau's own cover comes with its template, see :func:`open_template`)."""
    from docx.enum.text import WD_BREAK

    for _ in range(3):
        doc.add_paragraph(style="Signature")
    doc.add_paragraph(title, style="Title")
    for _ in range(4):
        doc.add_paragraph(style="Signature")
    for label, value in rows:
        p = doc.add_paragraph(style="Signature")
        p.paragraph_format.left_indent = doc.styles["Normal"].font.size * 4
        p.add_run(f"{label}：").bold = True
        p.add_run(value)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def signature(doc: Document) -> None:
    """单位负责人, 填报人, 联系电话, 日期, 单位盖章: blank lines to sign and fill by hand."""
    doc.add_paragraph(style="Signature")
    for label in ("单位负责人（签字）", "填报人", "联系电话", "日期"):
        doc.add_paragraph(f"{label}：" + "＿" * 10, style="Signature").paragraph_format.left_indent = (
            doc.styles["Normal"].font.size * 8)
    stamp = doc.add_paragraph("（单位盖章）", style="Signature")
    stamp.paragraph_format.left_indent = doc.styles["Normal"].font.size * 8


# ---------------------------------------------------------------------- HTML fragment → Word


class _Writer:
    def __init__(self, doc: Document, images: dict[str, bytes]) -> None:
        self.doc, self.images = doc, images
        # a style set by its id: python-docx's paragraph.style = … searches every style each time (~1 ms)
        self.table_text = doc.styles["Table Text"].style_id

    def block(self, el) -> None:  # lxml element
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in HEADING_STYLES:
            self.doc.add_paragraph(_text(el), style=HEADING_STYLES[tag])
        elif tag == "h1":
            self.doc.add_paragraph(_text(el), style="Title")
        elif tag == "p":
            self.paragraph(el)
        elif tag in ("ul", "ol"):
            for i, li in enumerate(el.iterfind("li"), 1):
                p = self.doc.add_paragraph(style="Normal")
                p.add_run(f"{i}. ")
                self.inline(p, li)
        elif tag == "table":
            self.table(el)
        elif tag == "figure":
            self.figure(el)
        else:  # div, section, main …: their blocks
            if (el.text or "").strip():
                self.doc.add_paragraph(el.text.strip(), style="Normal")
            for child in el:
                self.block(child)
                if (child.tail or "").strip():
                    self.doc.add_paragraph(child.tail.strip(), style="Normal")

    def paragraph(self, el) -> None:
        p = self.doc.add_paragraph(style="Normal")
        classes = (el.get("class") or "").split()
        if "pf-noindent" in classes or "pf-item" in classes:
            p.paragraph_format.first_line_indent = 0
        self.inline(p, el, small="pf-small" in classes)

    def inline(self, p, el, *, bold: bool = False, small: bool = False) -> None:
        from docx.shared import Pt

        def run(text: str, strong: bool) -> None:
            if not text:
                return
            r = p.add_run(text)
            r.bold = strong or None
            if small:
                r.font.size = Pt(TABLE_PT + 1.5)

        run(el.text or "", bold)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                p.add_run().add_break()
            elif tag in ("ul", "ol"):
                self.block(child)
            else:
                self.inline(p, child, bold=bold or tag in ("strong", "b"), small=small)
            run(child.tail or "", bold)

    def table(self, el) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        caption = el.find("caption")
        if caption is not None:
            self.doc.add_paragraph(_text(caption), style="Caption").paragraph_format.keep_with_next = True
        rows = [tr for part in ("thead", "tbody", "tfoot") for sec in el.iterfind(part) for tr in sec.iterfind("tr")]
        rows = rows or list(el.iterfind("tr"))
        if not rows:
            return
        width = max(len(tr.findall("td")) + len(tr.findall("th")) for tr in rows)
        table = self.doc.add_table(rows=0, cols=width)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header_rows = sum(1 for sec in el.iterfind("thead") for _ in sec.iterfind("tr"))
        widths = _column_widths(rows, width)
        table.autofit = False
        for j, column in enumerate(table.columns):  # the grid (LibreOffice reads it) as well as every cell
            column.width = widths[j]
        for i, tr in enumerate(rows):
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            row = table.add_row()
            _row_properties(row, header=i < header_rows)
            bold_row = "pf-total" in (tr.get("class") or "").split()
            for j, cell in enumerate(cells[:width]):
                row.cells[j].width = widths[j]
                paragraph = row.cells[j].paragraphs[0]
                paragraph._p.style = self.table_text
                numeric = "num" in (cell.get("class") or "").split()
                if i < header_rows:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                else:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                self.inline(paragraph, cell, bold=bold_row or cell.tag == "th")
        self.doc.add_paragraph(style="Signature").paragraph_format.space_after = 0

    def figure(self, el) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        img = el.find(".//img")
        caption = el.find("figcaption")
        text = _text(caption) if caption is not None else (img.get("alt") if img is not None else "")
        png = next((data for caption, data in self.images.items()
                    if re.sub(r"[ \t\r\n]+", " ", caption).strip() == text), None)
        if png is None:
            return
        p = self.doc.add_paragraph(style="Signature")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = None
        p.paragraph_format.line_spacing = 1.0
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=Mm(min(TEXT_WIDTH_MM, 150)))
        self.doc.add_paragraph(text, style="Caption")


_UNBREAKABLE = re.compile(r"[0-9A-Za-z.,%‰+\-_:/()]+")
#: the text width in "display units" at the table font: a CJK character is two, a digit one (≈ 1.9 mm)
_UNITS_PER_LINE = TEXT_WIDTH_MM / (TABLE_PT * 0.3528 / 2)


def _column_widths(rows, columns: int) -> list[int]:
    """Column widths (EMU) that fit the text width: every column first gets its longest unbreakable token
    (a figure such as "100.00%" never wraps), then the rest of the width goes to the columns with the most
    text, in proportion to what they hold."""
    from docx.shared import Mm

    least, want = [2.0] * columns, [2.0] * columns
    for tr in rows:
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        for j, cell in enumerate(cells[:columns]):
            text = _text(cell)
            tokens = _UNBREAKABLE.findall(text)
            short = display_width(text) <= 10  # "序号", "警示", "产出/数量": never broken
            token = display_width(text) if short else min(max((len(tok) for tok in tokens), default=2), 24) * 1.2
            least[j] = max(least[j], token + 3)  # + the cell's padding
            want[j] = max(want[j], min(display_width(text), 80) + 3)
    least = [min(n, w) if w > n else n for n, w in zip(least, want)]
    spare = _UNITS_PER_LINE - sum(least)
    if spare <= 0:
        units = [n * _UNITS_PER_LINE / sum(least) for n in least]
    else:
        extra = [w - n for n, w in zip(least, want)]
        share = sum(extra) or 1
        units = [n + spare * e / share for n, e in zip(least, extra)] if sum(extra) > spare else [
            w + (spare - sum(extra)) / columns for w in want]
    total = sum(units)
    return [int(Mm(TEXT_WIDTH_MM) * u / total) for u in units]


#: The styles a bureau's template must define (by these names: Word's own, and perflib's "Table Text").
TEMPLATE_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Table Grid",
                   "Table Text", "Signature")


def open_template(path: str | Path) -> Document:
    """A bureau's Word template, checked: a clear error names the file and each style it lacks."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    path = Path(path)
    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise PerflibError(f"{path}: 不是可读取的 Word 模板（.docx）：{exc}") from None
    missing = check_template(doc)
    if missing:
        raise PerflibError(f"{path}: Word 模板缺少样式 {'、'.join(missing)}"
                           "（在 Word 中新建同名样式即可；默认模板见 perflib export --to report.docx 的输出）")
    return doc


def check_template(doc: Document) -> list[str]:
    """The styles of :data:`TEMPLATE_STYLES` a document does not define."""
    have = {s.name for s in doc.styles}
    return [name for name in TEMPLATE_STYLES if name not in have]


def _row_properties(row, *, header: bool) -> None:
    """No row split across pages; header rows repeat on every page."""
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _text(el) -> str:
    """The element's text, runs of ASCII whitespace as one space (an ideographic space 　 is kept)."""
    return re.sub(r"[ \t\r\n]+", " ", "".join(el.itertext())).strip()


@exact
def report_docx(report: sections.Report, *, template: str | Path | None = None) -> bytes:
    """The report's Word document: cover, every chapter of the outline, signature block.

    With a ``template`` (a bureau's .docx) its styles, page set-up, header and footer are kept, and so is
    its content — its cover, say — with the report appended after it; see :func:`check_template`.
    """
    images: dict[str, bytes] = {}
    report = replace(report, figures=[0], images=images)
    ev = report.ev
    cover_rows = [("部门名称", ev.department), ("评价年度", f"{ev.year}年度"), ("评价方式", "自评"),
                  ("评价框架", ev.framework.name), ("报告日期", BLANK_DATE)]
    chapters = (sections.chapter(report, n) for n in range(1, len(sections.OUTLINE) + 1))
    return compose(ev.title, chapters, images, cover_rows=cover_rows, author=ev.department, template=template)


@exact
def monitor_docx(m: Monitoring, *, template: str | Path | None = None) -> bytes:
    """The mid-year monitoring report (绩效运行监控报告) as Word: the same chapters as its HTML
    (:mod:`perflib.present.monitor_report`), cover and signature block as the year-end report's."""
    from . import monitor_report

    images: dict[str, bytes] = {}
    figures = [0]
    title = monitor_report.report_title(m)
    cover_rows = [("部门名称", m.department), ("监控期间", f"{m.snapshot.year}年1–{m.month}月"),
                  ("监控规则", m.rules.name), ("报告日期", BLANK_DATE)]
    chapters = (monitor_report.chapter(m, n, figures=figures, images=images)
                for n in range(1, len(monitor_report.OUTLINE) + 1))
    return compose(title, chapters, images, cover_rows=cover_rows, author=m.department, template=template)


def compose(title: str, chapters: Iterable[object], images: dict[str, bytes], *,
            cover_rows: list[tuple[str, str]], author: str, template: str | Path | None = None) -> bytes:
    """A Word document from HTML chapters: the default official-document set-up and cover (or a bureau's
    template), the title, each chapter's blocks as Word paragraphs, tables and pictures (a figure's PNG
    looked up in ``images`` by its caption; the chapters fill it as they are rendered), the signature
    block."""
    import lxml.html
    from docx import Document

    if template is None:
        doc = Document()
        setup_document(doc)
        cover(doc, title, cover_rows)
    else:
        doc = open_template(template)
    writer = _Writer(doc, images)
    doc.add_paragraph(title, style="Title")
    for chapter in chapters:
        for element in lxml.html.fragments_fromstring(str(chapter)):
            if isinstance(element, str):
                if element.strip():
                    doc.add_paragraph(element.strip(), style="Normal")
                continue
            writer.block(element)
    signature(doc)
    doc.core_properties.title = title
    doc.core_properties.author = author
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
