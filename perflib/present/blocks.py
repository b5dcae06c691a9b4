"""A rendered page as typed blocks: what the Word and PDF documents lay out.

Every document follows the rendered page: the notebook (which a bureau may edit) makes ``report.html``
(or ``monitor-<MM>.html``), and Word and PDF are laid out from that page's HTML, read here into a list of
small blocks — :class:`Title` (h1), :class:`Subtitle`, :class:`Heading` (h2–h6), :class:`Paragraph` (runs
of text), :class:`Note` (``div.pf-note``), :class:`ItemList`, :class:`Table`, :class:`Figure` (the chart's
SVG bytes, or a PNG), :class:`Preformatted` (``print()`` output, ``<pre>``), :class:`Quote`,
:class:`Group` (``div.pf-indicator``: kept on one page where it fits), :class:`Rule` and :class:`Contents`
(where the page had its table of contents; each format makes its own).

nbconvert's wrappers (``jp-Cell``, ``jp-OutputArea`` …) are unwrapped; what a bureau's own notebook adds
comes through as the nearest block: markdown headings, paragraphs, lists, quotes, code and tables, PNG
images, printed text. Text is whitespace-collapsed as a browser shows it (an ideographic space 　 is kept).
"""

from __future__ import annotations

import base64
import re
import struct
from dataclasses import dataclass, replace
from urllib.parse import unquote_to_bytes

#: the paragraph classes that change how a paragraph is laid out
PARAGRAPH_CLASSES = ("pf-noindent", "pf-item", "pf-small")
#: image formats a figure may carry (what both Word and Typst read)
IMAGE_FORMATS = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg",
                 "image/gif": "gif"}


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style; ``"\\n"`` alone is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    small: bool = False


@dataclass(frozen=True)
class Title:
    """The page's title (h1)."""

    text: str


@dataclass(frozen=True)
class Subtitle:
    """The line under the title (``p.pf-subtitle``: framework, money unit)."""

    text: str


@dataclass(frozen=True)
class Heading:
    """h2–h6 as the page has them: h2 一、 chapters, h3 （一） sections, h4 1. subsections, h5 and h6 below."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``classes`` keeps those of :data:`PARAGRAPH_CLASSES` it had."""

    runs: tuple[Run, ...]
    classes: tuple[str, ...] = ()

    @property
    def indented(self) -> bool:
        """Whether the body's two-character first-line indent applies (not to ``pf-noindent``, ``pf-item``)."""
        return "pf-noindent" not in self.classes and "pf-item" not in self.classes

    @property
    def small(self) -> bool:
        return "pf-small" in self.classes

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Note:
    """A boxed note (``div.pf-note``) and what it holds: paragraphs, lists."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Quote:
    """A block quotation (``blockquote``, ``dd``)."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Group:
    """Blocks the page keeps on one page where they fit (``div.pf-indicator``: one indicator's details)."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ItemList:
    """A bulleted (``ul``) or numbered (``ol``) list; each item is a sequence of blocks."""

    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Cell:
    """A table cell: ``header`` for ``th``, ``numeric`` for ``td.num`` (a figure, right-aligned; so is a cell
    the page aligns right, as a markdown table's ``---:`` column), ``nowrap`` for a short
    cell the page keeps on one line (``pf-nowrap``; a figure of ``td.num`` too)."""

    runs: tuple[Run, ...]
    header: bool = False
    numeric: bool = False
    nowrap: bool = False
    colspan: int = 1
    rowspan: int = 1

    @property
    def text(self) -> str:
        """The cell's text on one line (line breaks dropped), as its width is measured."""
        return "".join(r.text for r in self.runs if r.text != "\n")


@dataclass(frozen=True)
class Row:
    """A table row; ``total`` for ``tr.pf-total`` (bold)."""

    cells: tuple[Cell, ...]
    total: bool = False


@dataclass(frozen=True)
class Table:
    """A table: caption and its unit (``span.pf-unit``, e.g. （单位：万元）), header rows (repeated on every
    page), body rows, and the table's classes (``pf-indicator-table``, ``pf-findings`` …)."""

    caption: str
    unit: str
    header: tuple[Row, ...]
    body: tuple[Row, ...]
    classes: tuple[str, ...] = ()

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.header + self.body

    @property
    def columns(self) -> int:
        """How many columns the grid has (rows spanned from above count in their place)."""
        return max((col + cell.colspan for _, col, cell in self.grid()), default=0)

    def grid(self) -> list[tuple[int, int, Cell]]:
        """Every cell with its row and first column, rows spanned from above skipped as a browser does."""
        taken: set[tuple[int, int]] = set()
        out = []
        for i, row in enumerate(self.rows):
            col = 0
            for cell in row.cells:
                while (i, col) in taken:
                    col += 1
                out.append((i, col, cell))
                for di in range(cell.rowspan):
                    for dj in range(cell.colspan):
                        taken.add((i + di, col + dj))
                col += cell.colspan
        return out


@dataclass(frozen=True)
class Figure:
    """An image with its caption: a chart's SVG (vector), or a PNG/JPEG/GIF from a bureau's notebook."""

    data: bytes
    format: str  # svg, png, jpeg, gif
    caption: str = ""

    @property
    def size_pt(self) -> tuple[float, float] | None:
        """Its natural width and height in points as a browser sizes it (1 CSS px = 0.75 pt), when known."""
        return image_size(self.data, self.format)


@dataclass(frozen=True)
class Preformatted:
    """Text shown as written, line by line (``pre``: ``print()`` output, code)."""

    text: str


@dataclass(frozen=True)
class Rule:
    """A horizontal rule (``hr``)."""


@dataclass(frozen=True)
class Contents:
    """Where the page had its table of contents (``nav.pf-toc``); each format makes its own."""


Block = (Title | Subtitle | Heading | Paragraph | Note | Quote | Group | ItemList | Table | Figure | Preformatted
         | Rule | Contents)


# ---------------------------------------------------------------------- reading a page


def page_blocks(html: str) -> list[Block]:
    """The blocks of a rendered page (``report.html``, ``monitor-<MM>.html``) or of bare chapter fragments.

    ``<h2>一、概况</h2><p class="pf-noindent">共 <strong>3</strong> 项</p>`` gives
    ``Heading(2, "一、概况")`` and ``Paragraph((Run("共 "), Run("3", bold=True), Run(" 项")), ("pf-noindent",))``.
    """
    import lxml.html

    if not html.strip():
        return []
    doc = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    root = next(doc.iter("main"), None)
    if root is None:
        root = doc.find("body")
    if root is None:
        return []
    return list(_flow(root))


_SPACE = re.compile(r"[ \t\r\n\f]+")  # ASCII whitespace only: an ideographic space 　 is text
#: characters no document may hold (XML's C0 controls, surrogates, non-characters): a page may carry them
_UNSAFE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED = {"script", "style", "template", "noscript", "head", "title", "svg", "math", "button", "input", "select",
            "textarea", "iframe", "object", "embed"}
_BLOCK_TAGS = _HEADINGS | {"p", "div", "section", "main", "article", "aside", "header", "footer", "nav", "ul", "ol",
                           "dl", "dt", "dd", "li", "table", "figure", "figcaption", "pre", "blockquote", "hr",
                           "details", "summary", "img", "form", "fieldset", "address", "center"}
_BOLD, _ITALIC = {"strong", "b"}, {"em", "i", "cite", "var", "dfn"}
_CODE, _SMALL = {"code", "kbd", "samp", "tt"}, {"small"}


def _classes(el) -> list[str]:  # lxml element
    return (el.get("class") or "").split()


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _text(el) -> str:
    """The element's text on one line, whitespace collapsed, as a browser shows it."""
    return _SPACE.sub(" ", _UNSAFE.sub("", "".join(el.itertext()))).strip(" ")


class _Runs:
    """Inline text gathered run by run: whitespace collapsed across runs, same-styled runs merged."""

    def __init__(self) -> None:
        self.runs: list[Run] = []

    def add(self, text: str, style: Run) -> None:
        text = _SPACE.sub(" ", _UNSAFE.sub("", text))
        if not text:
            return
        last = self.runs[-1].text if self.runs else "\n"
        if text.startswith(" ") and (last.endswith(" ") or last == "\n"):
            text = text[1:]
            if not text:
                return
        self._append(Run(text, style.bold, style.italic, style.code, style.small))

    def line_break(self, *, soft: bool = False) -> None:
        """A line break; ``soft`` (a block's edge inside a cell) none at the start or after another."""
        self._strip_end()
        if soft and (not self.runs or self.runs[-1].text == "\n"):
            return
        self.runs.append(Run("\n"))

    def _append(self, run: Run) -> None:
        prev = self.runs[-1] if self.runs else None
        if prev is not None and prev.text != "\n" and (prev.bold, prev.italic, prev.code, prev.small) == (
                run.bold, run.italic, run.code, run.small):
            self.runs[-1] = replace(prev, text=prev.text + run.text)
        else:
            self.runs.append(run)

    def _strip_end(self) -> None:
        """Trailing spaces of the current line dropped."""
        while self.runs and self.runs[-1].text != "\n":
            last = self.runs[-1]
            stripped = last.text.rstrip(" ")
            if stripped:
                if stripped != last.text:
                    self.runs[-1] = replace(last, text=stripped)
                return
            self.runs.pop()

    def take(self) -> tuple[Run, ...]:
        """The runs so far, without line breaks or spaces at either end, and start again."""
        self._strip_end()
        while self.runs and self.runs[-1].text == "\n":
            self.runs.pop()
            self._strip_end()
        runs, self.runs = self.runs, []
        while runs and runs[0].text == "\n":
            runs.pop(0)
        return tuple(runs)


def _styled(style: Run, tag: str) -> Run:
    return Run("", style.bold or tag in _BOLD, style.italic or tag in _ITALIC, style.code or tag in _CODE,
               style.small or tag in _SMALL)


def _inline(el, runs: _Runs, style: Run) -> None:
    """``el``'s content as runs, block-level children on lines of their own (inside a table cell)."""
    runs.add(el.text or "", style)
    for child in el:
        tag = _tag(child)
        if tag and tag not in _SKIPPED:
            if tag == "br":
                runs.line_break()
            elif tag == "img":
                runs.add(child.get("alt") or "", style)
            elif tag in _BLOCK_TAGS:
                runs.line_break(soft=True)
                _inline(child, runs, _styled(style, tag))
                runs.line_break(soft=True)
            else:
                _inline(child, runs, _styled(style, tag))
        runs.add(child.tail or "", style)


def _flow(el, classes: tuple[str, ...] = ()):  # Iterator[Block]
    """The blocks inside a container: its inline content gathered into paragraphs (with ``classes``),
    block-level children read each as its block; wrappers (nbconvert's ``div``s) unwrapped."""
    runs = _Runs()
    plain = Run("")

    def paragraph():
        taken = runs.take()
        if taken:
            yield Paragraph(taken, classes)

    runs.add(el.text or "", plain)
    for child in el:
        tag = _tag(child)
        if tag and tag not in _SKIPPED:
            if tag == "br":
                runs.line_break()
            elif tag in _BLOCK_TAGS:
                yield from paragraph()
                yield from _block(child)
            else:
                _inline(child, runs, _styled(plain, tag))
        runs.add(child.tail or "", plain)
    yield from paragraph()


def _block(el):  # Iterator[Block]
    tag, classes = _tag(el), _classes(el)
    if tag == "nav" and "pf-toc" in classes:
        yield Contents()
    elif tag == "h1":
        if text := _text(el):
            yield Title(text)
    elif tag in _HEADINGS:
        if text := _text(el):
            yield Heading(int(tag[1]), text)
    elif tag == "p" and "pf-subtitle" in classes:
        if text := _text(el):
            yield Subtitle(text)
    elif tag == "p":
        yield from _flow(el, tuple(c for c in PARAGRAPH_CLASSES if c in classes))
    elif tag in ("ul", "ol"):
        items = tuple(tuple(_flow(li)) for li in el if _tag(li) == "li")
        if any(items):
            yield ItemList(tuple(i for i in items if i), ordered=tag == "ol", start=_int(el.get("start"), 1))
    elif tag == "dt":
        runs = _Runs()
        _inline(el, runs, Run("", bold=True))
        if taken := runs.take():
            yield Paragraph(taken, ("pf-noindent",))
    elif tag in ("blockquote", "dd"):
        if inner := tuple(_flow(el, ("pf-noindent",))):
            yield Quote(inner)
    elif tag == "table":
        yield from _table(el)
    elif tag == "figure":
        yield from _figure(el)
    elif tag == "img":
        yield from _image(el, "")
    elif tag == "pre":
        text = _UNSAFE.sub("", "".join(el.itertext())).strip("\n")
        if text.strip():
            yield Preformatted(text)
    elif tag == "hr":
        yield Rule()
    elif tag == "div" and "pf-note" in classes:
        if inner := tuple(_flow(el, ("pf-noindent",))):
            yield Note(inner)
    elif tag == "div" and "pf-indicator" in classes:
        if inner := tuple(_flow(el)):
            yield Group(inner)
    elif tag == "summary":
        yield from _flow(el, ("pf-noindent",))
    else:  # div, section, main, li outside a list …: what they hold
        yield from _flow(el)


def _int(value: str | None, default: int, *, least: int = 1, most: int = 10_000) -> int:
    try:
        return min(max(int(value or ""), least), most)
    except ValueError:
        return default


def _cell(el) -> Cell:
    runs = _Runs()
    _inline(el, runs, Run(""))
    classes = _classes(el)
    right = "num" in classes or bool(_RIGHT.search(el.get("style") or ""))  # markdown's ---: column
    return Cell(runs.take(), header=_tag(el) == "th", numeric=right,
                nowrap="pf-nowrap" in classes or "num" in classes, colspan=_int(el.get("colspan"), 1, most=1000), rowspan=_int(el.get("rowspan"), 1, most=1000))


_RIGHT = re.compile(r"text-align\s*:\s*right", re.I)


def _row(tr) -> Row:
    return Row(tuple(_cell(c) for c in tr if _tag(c) in ("td", "th")), total="pf-total" in _classes(tr))


def _table(el):  # Iterator[Block]
    caption, unit = "", ""
    cap = next((c for c in el if _tag(c) == "caption"), None)
    if cap is not None:
        caption = _text(cap)
        span = next((s for s in cap.iter("span") if "pf-unit" in _classes(s)), None)
        if span is not None and (unit := _text(span)) and caption.endswith(unit):
            caption = caption[: -len(unit)].rstrip()
    head, body = [], []
    for part in el:
        tag = _tag(part)
        if tag == "thead":
            head += [_row(tr) for tr in part if _tag(tr) == "tr"]
        elif tag in ("tbody", "tfoot"):
            body += [_row(tr) for tr in part if _tag(tr) == "tr"]
        elif tag == "tr":
            body.append(_row(part))
    body = [r for r in body if r.cells]
    if not head and body and all(c.header for c in body[0].cells):  # a first row of th only: the header
        head, body = body[:1], body[1:]
    if head or body:
        yield Table(caption, unit, tuple(head), tuple(body), tuple(_classes(el)))
    elif caption:
        yield Paragraph((Run(caption, bold=True),), ("pf-noindent",))


def _figure(el):  # Iterator[Block]
    img = next(el.iter("img"), None)
    figcaption = next(el.iter("figcaption"), None)
    caption = _text(figcaption) if figcaption is not None else ""
    if img is None:  # a figure of something else (a table, a quotation): what it holds
        if figcaption is not None:
            figcaption.drop_tree()
        yield from _flow(el)
        if caption:
            yield Paragraph((Run(caption),), ("pf-noindent",))
        return
    yield from _image(img, caption)


def _image(img, caption: str):  # Iterator[Block]
    decoded = data_url(img.get("src") or "")
    if decoded is not None:
        yield Figure(decoded[0], decoded[1], caption)
    elif text := caption or (img.get("alt") or "").strip():  # an image neither format can show: its words
        yield Paragraph((Run(f"［图：{text}］"),), ("pf-noindent",))


def data_url(url: str) -> tuple[bytes, str] | None:
    """``data:image/png;base64,…`` → (the bytes, "png"); None for another URL or image type."""
    match = re.match(r"\s*data:([^;,]*)((?:;[^;,]*)*),", url, re.I)
    if match is None:
        return None
    fmt = IMAGE_FORMATS.get(match[1].strip().lower())
    if fmt is None:
        return None
    payload = url[match.end():]
    try:
        if any(p.strip().lower() == "base64" for p in match[2].split(";")):
            data = base64.b64decode(re.sub(r"\s+", "", payload), validate=False)
        else:
            data = unquote_to_bytes(payload)
    except ValueError:
        return None
    return (data, fmt) if data else None


_LENGTH = re.compile(r"\s*([0-9.]+)\s*(px|pt|mm|cm|in|pc)?\s*$")
_TO_PT = {"px": 0.75, None: 0.75, "pt": 1.0, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0, "pc": 12.0}


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if match is None:
        return None
    try:
        number = float(match[1])
    except ValueError:
        return None
    return number * _TO_PT[match[2]] if number > 0 else None


def image_size(data: bytes, fmt: str) -> tuple[float, float] | None:
    """An image's natural width and height in points as a browser sizes it, when its header says."""
    if fmt == "png" and data[12:16] == b"IHDR":
        w, h = struct.unpack(">II", data[16:24])
        return (w * 0.75, h * 0.75) if w and h else None
    if fmt == "gif" and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return (w * 0.75, h * 0.75) if w and h else None
    if fmt == "svg":
        head = re.search(rb"<svg\b[^>]*>", data[:4096])
        if head is None:
            return None
        attrs = dict(re.findall(r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', head[0].decode("utf-8", "replace")))
        w, h = _length(attrs.get("width")), _length(attrs.get("height"))
        if w and h:
            return w, h
        box = [float(v) for v in re.findall(r"-?[0-9.]+", attrs.get("viewBox", ""))[:4] if v not in ("-", ".")]
        if len(box) == 4 and box[2] > 0 and box[3] > 0:
            return box[2] * 0.75, box[3] * 0.75
    return None
