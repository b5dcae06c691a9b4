"""The report as a Word document (report.docx) in official-document layout, laid out from the rendered page.

Every document follows the page: :func:`page_docx` reads the page's HTML (``report.html``,
``monitor-<MM>.html``, or bare chapters) into blocks (:mod:`perflib.present.blocks`) and writes them as
Word paragraphs, tables and pictures — so a bureau's edited notebook changes the Word document as it
changes the page, and nothing is computed twice. Each chart is the page's own SVG, rasterised by Typst at
print resolution (:func:`perflib.present.typeset.svg_png`), never drawn again. The layout follows the
common official-document format (GB/T 9704): A4, margins 37/35/28/26 mm, body 3号 (16 pt) 仿宋 with fixed
28 pt lines and a two-character first-line indent, the title 2号 小标宋, level headings 一、 黑体 / （一） 楷体
/ 1. 仿宋 bold, page numbers "— 1 —". Every font is named for East Asian text too (``w:eastAsia``), or Word
shows Chinese in a fallback font. Styles are Word's own names (Title, Heading 1–3, Normal, Caption, Table
Grid, and perflib's "Table Text"), so a bureau restyles the whole document in one step.

A cover page (department, year, 评价方式 自评, 报告日期) opens it and a signature block (单位负责人, 填报人,
联系电话, 日期, 单位盖章) closes it, left blank for hand-filling. :func:`report_docx` and
:func:`monitor_docx` make the same from an evaluation (its title and chapters' HTML, as the notebook shows
them), for use without a rendered page.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, PerflibError
from ..evaluation import Evaluation
from ..files import read_limited
from ..numbers import exact
from ..text import display_width
from . import report as sections
from .blocks import (
    Block,
    Figure,
    Group,
    Heading,
    ItemList,
    Note,
    Paragraph,
    Preformatted,
    Quote,
    Rule,
    Run,
    Subtitle,
    Table,
    Title,
    page_blocks,
)
from .html import join
from .typeset import svg_png

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


#: the signature block of a department's report, and of the bureau's 复核报告: (lines to sign, the stamp)
DEPARTMENT_SIGNATURE = (("单位负责人（签字）", "填报人", "联系电话", "日期"), "（单位盖章）")
REVIEW_SIGNATURE = (("复核人（签字）", "复核单位负责人（签字）", "日期"), "（复核单位盖章）")
#: characters of a signature line, label and blank together: one line of the page right of the indent
SIGNATURE_WIDTH = 19


def signature(doc: Document, block: tuple[tuple[str, ...], str] = DEPARTMENT_SIGNATURE) -> None:
    """Blank lines to sign and fill by hand (单位负责人, 填报人, 联系电话, 日期 by default), then the stamp."""
    labels, stamp_text = block
    doc.add_paragraph(style="Signature")
    indent = doc.styles["Normal"].font.size * 8
    for label in labels:
        line = "＿" * max(SIGNATURE_WIDTH - len(label) - 1, 6)
        doc.add_paragraph(f"{label}：{line}", style="Signature").paragraph_format.left_indent = indent
    stamp = doc.add_paragraph(stamp_text, style="Signature")
    stamp.paragraph_format.left_indent = indent


# ---------------------------------------------------------------------- the page's blocks → Word


class _Writer:
    """Blocks → Word paragraphs, tables and pictures. Each style is resolved once and set by its id:
    python-docx's ``add_paragraph(style="…")`` searches every style by name each time (~1 ms)."""

    def __init__(self, doc: Document, pictures: dict[int, bytes]) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self.doc, self.pictures = doc, pictures
        default = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        # the default paragraph style is no pStyle at all, as python-docx writes it
        self.ids = {name: (None if default is not None and style.style_id == default.style_id else style.style_id)
                    for name in TEMPLATE_STYLES if name != "Table Grid" for style in [doc.styles[name]]}
        self.table_style = doc.styles["Table Grid"]
        self.small = doc.styles["Normal"].font.size

    def paragraph(self, style: str, text: str = ""):  # docx Paragraph
        p = self.doc.add_paragraph(text)
        if self.ids[style] is not None:
            p._p.style = self.ids[style]
        return p

    def block(self, block: Block, *, boxed: bool = False) -> list:
        """Write ``block``; the paragraphs it made (a group keeps them together; a note boxes them)."""
        made: list = []
        if isinstance(block, Title):
            made.append(self.paragraph("Title", block.text))
        elif isinstance(block, Subtitle):
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            p = self.paragraph("Normal")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = 0
            self.runs(p, (Run(block.text),), small=True)
            made.append(p)
        elif isinstance(block, Heading):
            made.append(self.paragraph(HEADING_STYLES.get(f"h{block.level}", "Heading 3"), block.text))
        elif isinstance(block, Paragraph):
            p = self.paragraph("Normal")
            if not block.indented or boxed:
                p.paragraph_format.first_line_indent = 0
            self.runs(p, block.runs, small=block.small or boxed)
            made.append(p)
        elif isinstance(block, ItemList):
            for i, item in enumerate(block.items, block.start if block.ordered else 1):
                first, *rest = item
                if isinstance(first, Paragraph):
                    p = self.paragraph("Normal")
                    if boxed:
                        p.paragraph_format.first_line_indent = 0
                    self.runs(p, (Run(f"{i}. "), *first.runs), small=first.small or boxed)
                    made.append(p)
                else:
                    rest = item
                for inner in rest:
                    made += self.block(inner, boxed=boxed)
        elif isinstance(block, Note):
            paragraphs = [p for inner in block.blocks for p in self.block(inner, boxed=True)]
            for p in paragraphs:
                _box(p)
            made += paragraphs
        elif isinstance(block, Quote):
            for inner in block.blocks:
                for p in self.block(inner, boxed=boxed):
                    p.paragraph_format.left_indent = self.small * 2
                    p.paragraph_format.first_line_indent = 0
                    made.append(p)
        elif isinstance(block, Group):
            made = [p for inner in block.blocks for p in self.block(inner, boxed=boxed)]
            for p in made[:-1]:
                p.paragraph_format.keep_with_next = True
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Figure):
            self.figure(block)
        elif isinstance(block, Preformatted):
            p = self.paragraph("Table Text")
            for k, line in enumerate(block.text.split("\n")):
                if k:
                    p.add_run().add_break()
                p.add_run(line)
            made.append(p)
        elif isinstance(block, Rule):
            p = self.paragraph("Signature")
            _box(p, sides=("bottom",))
            made.append(p)
        # Contents: Word has its own (References → Table of Contents); the page's is not copied
        return made

    def runs(self, p, runs, *, bold: bool = False, small: bool = False) -> None:
        from docx.shared import Pt

        for r in runs:
            if r.text == "\n":
                p.add_run().add_break()
                continue
            run = p.add_run(r.text)
            run.bold = (bold or r.bold) or None
            if r.italic:
                run.italic = True
            if small or r.small:
                run.font.size = Pt(TABLE_PT + 1.5)

    def table(self, block: Table) -> None:
        """The caption (kept with the table), the table — its grid as python-docx sets it up, its rows
        written as XML in one go (python-docx builds a cell in ~0.1 ms, and a report has ~1,000) — and
        the blank line after it."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.oxml.parser import parse_xml
        from docx.table import _Cell

        if block.caption or block.unit:
            self.paragraph("Caption", block.caption + block.unit).paragraph_format.keep_with_next = True
        rows = block.rows
        width = block.columns
        if not rows or not width:
            return
        table = self.doc.add_table(rows=0, cols=width)
        table.style = self.table_style
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = _column_widths(block)
        table.autofit = False
        for j, column in enumerate(table.columns):  # the grid (LibreOffice reads it) as well as every cell
            column.width = widths[j]
        for tr in parse_xml(_rows_xml(block, [round(w / 635) for w in widths], self.ids["Table Text"])):
            table._tbl.append(tr)
        spans = [(i, j, cell) for i, j, cell in block.grid() if cell.colspan > 1 or cell.rowspan > 1]
        if spans:
            trs = table._tbl.tr_lst
            for i, j, cell in spans:
                last = trs[min(i + cell.rowspan, len(rows)) - 1].tc_lst[min(j + cell.colspan, width) - 1]
                _Cell(trs[i].tc_lst[j], table).merge(_Cell(last, table))
        self.paragraph("Signature").paragraph_format.space_after = 0

    def figure(self, block: Figure) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        picture = self.pictures.get(id(block))
        if picture is None:
            return
        size = block.size_pt if block.format != "svg" else None
        width = min(TEXT_WIDTH_MM, 150, size[0] * 25.4 / 72) if size else min(TEXT_WIDTH_MM, 150)
        p = self.paragraph("Signature")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = None
        p.paragraph_format.line_spacing = 1.0
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(picture), width=Mm(width))
        if block.caption:
            self.paragraph("Caption", block.caption)


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


#: a table of at most this many rows is kept on one page (each row kept with the next): it moves to the next page
#: whole rather than leave a few rows behind
KEEP_TOGETHER_ROWS = 15


def _rows_xml(block: Table, twips: list[int], text_style: str | None) -> str:
    """A table's rows as WordprocessingML, as python-docx would make them: every row of the grid's width,
    rows not split across pages (``cantSplit``), header rows repeated on every page (``tblHeader``), a short
    table kept together and a total row kept with the row before it (``keepNext``); each
    cell its width, one paragraph in "Table Text" — centred in a header row, right-aligned for a figure —
    header cells and total rows bold."""
    from xml.sax.saxutils import quoteattr

    style = f"<w:pStyle w:val={quoteattr(text_style)}/>" if text_style else ""
    grid = {(i, j): cell for i, j, cell in block.grid()}
    header_rows = len(block.header)
    out = [f"<w:tbl {_W}>"]
    rows = block.rows
    together = len(rows) <= KEEP_TOGETHER_ROWS
    for i, row in enumerate(rows):
        # kept with the next row: a short table's every row (it moves to the next page whole), the header, and
        # the row before a total row (合计 is never left alone at the top of a page)
        keep = i + 1 < len(rows) and (together or i < header_rows or rows[i + 1].total)
        keep_xml = "<w:keepNext/>" if keep else ""
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if i < header_rows else "") + "</w:trPr>")
        for j, tw in enumerate(twips):
            out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{tw}"/></w:tcPr>')
            cell = grid.get((i, j))
            if cell is None:
                out.append(f"<w:p><w:pPr>{keep_xml}</w:pPr></w:p></w:tc>" if keep else "<w:p/></w:tc>")
                continue
            align = "center" if i < header_rows else "right" if cell.numeric else "left"
            out.append(f'<w:p><w:pPr>{style}{keep_xml}<w:jc w:val="{align}"/></w:pPr>')
            out += [_run_xml(r, bold=row.total or cell.header) for r in cell.runs]
            out.append("</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _run_xml(run: Run, *, bold: bool) -> str:
    """A run as python-docx's ``add_run`` writes it (bold, italic, the small size as in :meth:`_Writer.runs`)."""
    from xml.sax.saxutils import escape

    if run.text == "\n":
        return "<w:r><w:br/></w:r>"
    props = ("<w:b/>" if bold or run.bold else "") + ("<w:i/>" if run.italic else "") + (
        f'<w:sz w:val="{round(2 * (TABLE_PT + 1.5))}"/>' if run.small else "")
    text = _XML_UNSAFE.sub("", run.text)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}<w:t{space}>{escape(text)}</w:t></w:r>"


def _pictures(blocks: list[Block]) -> dict[int, bytes]:
    """Every figure's picture, by the figure's id: an SVG chart rasterised by Typst at :data:`CHART_DPI`
    (all in one Typst job), a PNG, JPEG or GIF as it is."""
    figures = [b for b in _walk(blocks) if isinstance(b, Figure)]
    svgs = [f for f in figures if f.format == "svg"]
    out = {id(f): f.data for f in figures if f.format != "svg"}
    out.update(zip((id(f) for f in svgs), svg_png([f.data for f in svgs], ppi=CHART_DPI)))
    return out


def _walk(blocks):  # Iterator[Block]
    for b in blocks:
        yield b
        if isinstance(b, Note | Quote | Group):
            yield from _walk(b.blocks)
        elif isinstance(b, ItemList):
            for item in b.items:
                yield from _walk(item)


def _box(p, sides: tuple[str, ...] = ("top", "left", "bottom", "right")) -> None:
    """A border round the paragraph: Word draws one box round neighbours that have the same (a note)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "4"), ("color", "000000")):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                              "w:pPrChange")


_UNBREAKABLE = re.compile(r"[0-9A-Za-z.,%‰+\-_:/()]+")
#: the text width in "display units" at the table font: a CJK character is two, a digit one (≈ 1.9 mm)
_UNITS_PER_LINE = TEXT_WIDTH_MM / (TABLE_PT * 0.3528 / 2)


def _column_widths(table: Table) -> list[int]:
    """Column widths (EMU) that fit the text width: every column first gets its longest unbreakable token
    (a figure such as "100.00%" never wraps), then the rest of the width goes to the columns with the most
    text, in proportion to what they hold."""
    from docx.shared import Mm

    columns = table.columns
    least, want = [2.0] * columns, [2.0] * columns
    for _, j, cell in table.grid():
        if cell.colspan > 1:
            continue
        text = cell.text.strip()  # str.strip: an indent of ideographic spaces (　) is not measured
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


#: What a bureau's Word template may be: a template is some tens of kilobytes, its pictures a few megabytes.
TEMPLATE_BYTES = 20_000_000  # the .docx itself
TEMPLATE_PART_BYTES = 50_000_000  # any one part, unpacked (a picture, the document's XML)
TEMPLATE_UNPACKED_BYTES = 100_000_000  # all its parts, unpacked


def open_template(path: str | Path) -> Document:
    """A bureau's Word template, checked before it is used: a regular .docx within the limits above, intact
    (every part's checksum), with no DTD or entity declaration (Word writes none; they are how XML bombs and
    XXE are made) and no link to anything outside it (a remote picture, a hyperlink, an attached template,
    which every report would carry); then every style perflib needs. Each refusal is one line naming the file
    and why."""
    from docx import Document

    path = Path(path)
    try:
        data = read_limited(path, TEMPLATE_BYTES)
    except InputError as exc:
        raise PerflibError(f"{path}: Word 模板{exc.message}") from None
    problem = _template_problem(data)
    if problem:
        raise PerflibError(f"{path}: 不能用作 Word 模板：{problem}")
    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx's, zipfile's and lxml's errors alike
        raise PerflibError(f"{path}: 不是可读取的 Word 模板（.docx）：{type(exc).__name__}") from None
    missing = check_template(doc)
    if missing:
        raise PerflibError(f"{path}: Word 模板缺少样式 {'、'.join(missing)}"
                           "（在 Word 中新建同名样式即可；默认模板见 perflib export --to report.docx 的输出）")
    return doc


def _template_problem(data: bytes) -> str | None:
    """Why a template's bytes cannot be used (see :func:`open_template`), or None."""
    import zipfile
    import zlib

    from lxml import etree

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return "不是 .docx 文件（不是 zip 包）；请在 Word 中另存为 .docx"
    with archive:
        parts = archive.infolist()
        for part in parts:
            if part.file_size > TEMPLATE_PART_BYTES:
                return f"其中 {part.filename} 解压后 {part.file_size:,} 字节，超过 {TEMPLATE_PART_BYTES:,} 字节（疑为压缩炸弹）"
        if sum(part.file_size for part in parts) > TEMPLATE_UNPACKED_BYTES:
            return f"解压后超过 {TEMPLATE_UNPACKED_BYTES:,} 字节（疑为压缩炸弹）"
        if "word/document.xml" not in archive.namelist():
            return "缺少 word/document.xml，不是 Word 文档"
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        for part in parts:
            try:
                text = archive.read(part)  # its checksum checked as it is read
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
                return f"文件已损坏（{part.filename} 校验失败）"
            if not part.filename.endswith((".xml", ".rels")):
                continue
            if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
                return f"{part.filename} 含 DTD 或实体声明（Word 不会写入这些，它们可用来攻击读取程序）"
            try:
                root = etree.fromstring(text, parser)
            except etree.XMLSyntaxError as exc:
                return f"{part.filename} 不是完好的 XML（{exc.msg}）"
            if part.filename.endswith(".rels"):
                external = [r.get("Target", "") for r in root if r.get("TargetMode") == "External"]
                if external:
                    return (f"含指向文件外的链接（{external[0][:80]}）：每份报告都会带上它；请在 Word 中删除超链接、"
                            "链接的图片或附加的模板后再用")
    return None


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


@exact
def report_docx(report: sections.Report, *, template: str | Path | None = None) -> bytes:
    """The report's Word document: cover, the title and every chapter of the outline as the page shows them
    (:func:`perflib.present.report.title` and :func:`~perflib.present.report.chapter`), signature block —
    through :func:`page_docx`, as the batch's page goes.

    With a ``template`` (a bureau's .docx) its styles, page set-up, header and footer are kept, and so is
    its content — its cover, say — with the report appended after it; see :func:`check_template`.
    """
    report = replace(report, figures=[0])  # figures numbered from 1, as on the page
    html = join(sections.title(report), *(sections.chapter(report, n)
                                          for n in range(1, len(sections.outline(report)) + 1)))
    return page_docx(html, cover_rows=report_cover(report.ev), author=report.ev.department, template=template)


def report_cover(ev: Evaluation) -> list[tuple[str, str]]:
    """The year-end report's cover rows: 部门名称, 评价年度, 评价方式, 评价框架, 报告日期 (blank); a project's
    report names the project, its 主管部门 and its 实施单位 (when given) instead of 部门名称."""
    project = ev.params.project
    who = ([("项目名称", project.name), ("主管部门", ev.department),
            *([("实施单位", project.implementer)] if project.implementer else [])] if project
           else [("部门名称", ev.department)])
    return [*who, ("评价年度", f"{ev.year}年度"), ("评价方式", "自评"), ("评价框架", ev.framework.name),
            ("报告日期", BLANK_DATE)]


@exact
def monitor_docx(m: Monitoring, *, template: str | Path | None = None) -> bytes:
    """The mid-year monitoring report (绩效运行监控报告) as Word: the same title and chapters as its page
    (:mod:`perflib.present.monitor_report`), cover and signature block as the year-end report's."""
    from . import monitor_report

    figures = [0]
    html = join(monitor_report.title(m), *(monitor_report.chapter(m, n, figures=figures)
                                           for n in range(1, len(monitor_report.OUTLINE) + 1)))
    return page_docx(html, cover_rows=monitor_cover(m), author=m.department, template=template)


def monitor_cover(m: Monitoring) -> list[tuple[str, str]]:
    """The monitoring report's cover rows: 部门名称, 监控期间, 监控规则, 报告日期 (blank)."""
    return [("部门名称", m.department), ("监控期间", f"{m.snapshot.year}年1–{m.month}月"),
            ("监控规则", m.rules.name), ("报告日期", BLANK_DATE)]


@exact
def review_docx(review, *, template: str | Path | None = None) -> bytes:  # a perflib.reviewer.rescore.Reviewed
    """The review report of one form (复核报告) as Word: :func:`perflib.present.reviewed.review_page` through
    :func:`page_docx`, with a cover naming the form, the reviewer and the date."""
    from .reviewed import review_page

    return page_docx(review_page(review), cover_rows=review_cover(review), author=review.review.reviewer or "",
                     template=template, signed=REVIEW_SIGNATURE)


def review_cover(review) -> list[tuple[str, str]]:
    """The review report's cover rows: the form (as its report's cover names it), 评价方式 复核, 复核人, 复核日期."""
    rows = [r for r in report_cover(review.ev) if r[0] not in ("评价方式", "报告日期")]
    return [*rows, ("评价方式", "财政部门复核"), ("复核人", review.review.reviewer or BLANK_DATE),
            ("复核日期", f"{review.review.date:%Y年%m月%d日}")]


def cover_rows(subject: Evaluation | Monitoring) -> list[tuple[str, str]]:
    """The cover rows of the page an evaluation (a year-end report) or a monitoring result renders."""
    return report_cover(subject) if isinstance(subject, Evaluation) else monitor_cover(subject)


def page_docx(html: str, *, cover_rows: list[tuple[str, str]], author: str,
              template: str | Path | None = None,
              signed: tuple[tuple[str, ...], str] = DEPARTMENT_SIGNATURE) -> bytes:
    """A rendered page (``report.html``, ``monitor-<MM>.html`` or bare chapters) as a Word document: the
    default official-document set-up and a cover with the page's title (its h1) and ``cover_rows`` (or a
    bureau's template), the page's blocks as Word paragraphs, tables and pictures (each chart's SVG
    rasterised by Typst at :data:`CHART_DPI`), the signature block ``signed`` (the department's by default)."""
    from docx import Document

    blocks = page_blocks(html)
    title = next((b.text for b in blocks if isinstance(b, Title)), "")
    if template is None:
        doc = Document()
        setup_document(doc)
        cover(doc, title, cover_rows)
    else:
        doc = open_template(template)
    writer = _Writer(doc, _pictures(blocks))
    for block in blocks:
        writer.block(block)
    signature(doc, signed)
    doc.core_properties.title = title
    doc.core_properties.author = author
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
