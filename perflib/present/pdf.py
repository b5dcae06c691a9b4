"""report.pdf for publication: the report's rendered page, laid out for print by Typst.

One source: the PDF follows ``report.html`` itself (and ``monitor-<MM>.html`` for a monitoring report) —
the page's HTML is read into blocks (:mod:`perflib.present.blocks`) and set by a fixed Typst template
(``templates/page.typ``), which reads the blocks as data (``page.json``) and each chart's SVG as a file
beside it, so no text of the page is ever read as Typst markup. An edited notebook changes the page, the
Word document and the PDF alike, and nothing is computed twice.

What the template gives: A4 with the official-document margins (37 / 35 / 28 / 26 mm), page numbers
"— 1 —"; the title, subtitle and data note, then the table of contents with page numbers on the first page;
headings kept with what follows; body paragraphs with a two-character first-line indent; tables whose
header row repeats on every page, rows never split across pages, captions never left alone at a page
foot, numeric columns right-aligned, totals bold; charts as vector SVG (their text real, searchable text)
kept with their captions; grayscale. Fonts are perflib's own, embedded as subsets
(:mod:`perflib.present.typeset`): a PDF costs some 0.05 s.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import PerflibError
from .blocks import Figure, Paragraph, Table, Title, page_blocks
from .typeset import TypesetError, typeset, workdir

TEMPLATE = Path(__file__).parent / "templates" / "page.typ"
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm between the official margins
TABLE_PT = 10.5
#: the text width in display units at the table font: a CJK character (one em) is two, a digit about one
UNITS_PER_LINE = TEXT_WIDTH_MM / (TABLE_PT * 0.3528 / 2)
MOST = 60  # a column wants at most this much: a long text is wrapped anyway
LONG = 10  # a column of long text gets at least five characters a line
PADDING = 2.1  # a cell's inset left and right (2 × 5 pt) and its rule, in display units
#: the print stylesheet's minimum column widths (in em) for a table class: the indicator's name is never squeezed
MIN_EM = {"pf-indicator-table": {0: 2.2, 1: 8}}

class PdfError(PerflibError):
    """A PDF cannot be made here (a font is missing, the page cannot be set)."""


@lru_cache(maxsize=1)
def _template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def page_pdf(html: str) -> bytes:
    """The PDF of a rendered page (the text of ``report.html`` or ``monitor-<MM>.html``, or bare chapters)."""
    blocks = page_blocks(html)
    title = next((b.text for b in blocks if isinstance(b, Title)), None)
    try:
        with workdir() as folder:
            images: list[Figure] = []

            def image_file(figure: Figure) -> str:
                images.append(figure)
                name = f"figure-{len(images)}.{figure.format}"
                (folder / name).write_bytes(figure.data)
                return name

            data = {"title": title, "blocks": [_data(b, image_file) for b in blocks]}
            (folder / "page.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            (folder / "main.typ").write_text(_template(), encoding="utf-8")
            pdf = typeset(folder)
    except TypesetError as exc:
        raise PdfError(f"PDF 未能生成：{exc}") from None
    return pdf


def _data(value, image_file):  # a block (or part of one) → JSON data
    """A block as the template reads it: its fields, its kind, and what the template needs computed."""
    if isinstance(value, tuple | list):
        return [_data(v, image_file) for v in value]
    if not is_dataclass(value):
        return value
    if isinstance(value, Figure):
        size = value.size_pt
        return {"kind": "figure", "file": image_file(value), "caption": value.caption,
                "width": size[0] if size else None, "height": size[1] if size else None}
    out = {"kind": type(value).__name__.lower()}
    out.update({f.name: _data(getattr(value, f.name), image_file) for f in fields(value)})
    if isinstance(value, Paragraph):
        out.update(indented=value.indented, small=value.small)
    elif isinstance(value, Table):
        widths = column_widths(value)
        out.update(columns=value.columns, fit=widths is None, shares=widths or [])
    return out


def _width(text: str) -> float:
    """``text``'s width in display units (an em is two) much as Noto Sans SC sets it: a CJK character or
    symbol (East Asian wide, or ambiguous such as ■ ● ≥ ‰ ① “) one em, ``%`` 0.92 em, ``. , : ; ' |`` about
    0.28 em, another letter or digit about 0.55 em."""
    total = 0.0
    for ch in text:
        if ch in ".,:;'|!il ":
            total += 0.6
        elif ch == "%":
            total += 1.85
        elif ord(ch) < 0x80 or unicodedata.east_asian_width(ch) not in ("W", "F", "A"):
            total += 1.1
        else:
            total += 2.0
    return total


_UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")  # a word, a figure


def column_widths(table: Table) -> list[float] | None:
    """Column widths (display units) much as a browser's automatic table layout gives them, or None when every
    column can have its text on one line (Typst's own natural widths then).

    A column needs at least its widest piece that cannot be broken (a word, a figure, a short body cell the
    page keeps on one line such as "100.00%" — though "效益/社会效益" may break after its "/"), and a column
    of long text at least :data:`LONG` units; the width left over goes to the columns in proportion to how
    much more they want (their widest line, at most :data:`MOST`). Where even the least is too wide, every
    column gives up the same share of it: a table never runs into the margin."""
    columns = table.columns
    natural, least, most, firm = ([PADDING] * columns for _ in range(4))
    short = [True] * columns  # every body cell one the page keeps on one line
    for i, j, cell in table.grid():
        if cell.colspan > 1 or j >= columns:
            continue
        lines = "".join(r.text for r in cell.runs).split("\n")
        full = max(_width(line) for line in lines)
        pieces = [_width(w) for line in lines for w in _UNBREAKABLE.findall(line)]
        if any(not ch.isspace() and not _UNBREAKABLE.fullmatch(ch) for line in lines for ch in line):
            pieces.append(2.0)  # one CJK character
        natural[j] = max(natural[j], full + PADDING)
        least[j] = max(least[j], max(pieces, default=0) + PADDING, min(full, LONG) + PADDING)
        most[j] = max(most[j], min(full, MOST) + PADDING)
        if i >= len(table.header):
            short[j] = short[j] and cell.nowrap
            firm[j] = max(firm[j], max(_width(p) for line in lines for p in line.split("/")) + PADDING)
    least = [max(n, f) if s else n for n, f, s in zip(least, firm, short)]
    for cls in table.classes:
        for j, em in MIN_EM.get(cls, {}).items():
            if j < columns:
                least[j] = max(least[j], em * 2 + PADDING)
    if sum(natural) <= UNITS_PER_LINE:
        return None
    if sum(least) >= UNITS_PER_LINE:
        return [n * UNITS_PER_LINE / sum(least) for n in least]
    spare = UNITS_PER_LINE - sum(least)
    extra = [max(m - n, 0) for n, m in zip(least, most)]
    return [n + spare * e / (sum(extra) or 1) for n, e in zip(least, extra)]
