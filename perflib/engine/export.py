"""Executed notebook → one self-contained, offline, printable HTML page.

* nbconvert's HTML exporter with perflib's template (``templates/perflib_report``): it reuses
  JupyterLab's cell markup but writes its own ``<head>`` — no require.js, MathJax, mermaid or widget
  scripts, nothing fetched from any host; the stylesheet is inlined; charts are base64 SVG images.
* Code, prompts, stderr, and papermill's parameter cells are left out.
* A post-processing pass, as a second line of defence behind the escaping in :mod:`perflib.present.html`,
  strips anything active (scripts, event handlers, SVG, ``javascript:`` and remote URLs) with the nh3
  sanitizer and an allowlist, then gives headings ASCII ids and inserts a table of contents.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from ..present.page import TEMPLATES as PAGE_TEMPLATES

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "perflib_report"
REMOVE_CELL_TAGS = {"injected-parameters", "parameters", "remove-cell"}
DISPLAY_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]
URL_ATTRS = ("href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "background", "data")

_local = threading.local()


def _exporter_class():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """HTMLExporter without its own BeautifulSoup pass (alt texts, tabindex on code cells):
        :func:`postprocess` does one pass for everything, which saves a tenth of a second a report."""

        def from_notebook_node(self, nb, resources=None, **kw):
            lexer = nb.metadata.get("language_info", {}).get("pygments_lexer")
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def _exporter():  # nbconvert type
    """One configured exporter per thread (building one loads the templates: ~0.1 s)."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        from traitlets.config import Config

        c = Config()
        c.HTMLExporter.template_name = TEMPLATE
        c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
        c.HTMLExporter.extra_template_paths = [str(TEMPLATES), str(PAGE_TEMPLATES)]  # report.css is present's
        c.HTMLExporter.exclude_input = True
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
        c.HTMLExporter.exclude_output_stdin = True
        c.HTMLExporter.exclude_anchor_links = True
        c.HTMLExporter.optimistic_validation = True  # validate once, not after each of ~10 preprocessors
        c.HTMLExporter.embed_images = False  # breaks inline HTML in markdown (nbconvert #2020)
        c.HTMLExporter.sanitize_html = False  # escapes every heading and table: the report is escaped at the source
        c.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
        exporter = _exporter_class()(config=c)
        _local.exporter = exporter
    return exporter


def notebook_html(nb, *, title: str, toc: bool = True) -> str:  # NotebookNode
    """The shareable HTML of an executed notebook."""
    nb = nb.copy()
    nb.metadata = dict(nb.metadata, title=title)
    html, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return postprocess(html, toc=toc)


def postprocess(html: str, *, toc: bool = True) -> str:
    """The scrub of active content, heading ids, table of contents.

    The body is cleaned by nh3 (the Rust ``ammonia`` sanitizer, an HTML5 parser and an allowlist);
    the head, which perflib's template writes, keeps only its own few elements. Then one pass over
    an lxml tree (libxml2's HTML parser, in C) adds ids and the table of contents.
    """
    import lxml.html

    head, body, tail = _split_body(html)
    # huge_tree: without it libxml2 silently drops everything after a text or attribute over 10 MB
    doc = lxml.html.document_fromstring(head + clean_body(body) + tail,
                                        parser=lxml.html.HTMLParser(huge_tree=True))
    scrub_head(doc)
    headings = _heading_ids(doc)
    if toc:
        _insert_toc(doc, headings)
    for img in list(doc.iter("img")):
        if not img.get("src"):  # its URL was not safe: nothing left to show
            img.drop_tree()
        elif not img.get("alt"):
            img.set("alt", "图表")
    doc.set("lang", "zh-CN")
    return lxml.html.tostring(doc, doctype="<!DOCTYPE html>", encoding="unicode", method="html")


_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.I)
_BODY_CLOSE = re.compile(r"</body\s*>", re.I)
_RAW_TEXT = re.compile(r"<(style|script|title|textarea)\b.*?</\1\s*>", re.I | re.S)  # "<body" in CSS is text


def _split_body(html: str) -> tuple[str, str, str]:
    """(up to and with ``<body …>``, the body's content, from ``</body>`` on); no <body>: all of it is body."""
    opened, raw = None, _RAW_TEXT.finditer(html)
    span = next(raw, None)
    for candidate in _BODY_OPEN.finditer(html):
        while span is not None and span.end() <= candidate.start():
            span = next(raw, None)
        if span is None or candidate.start() < span.start():
            opened = candidate
            break
    if opened is None:
        return "", html, ""
    closes = list(_BODY_CLOSE.finditer(html, opened.end()))
    end = closes[-1].start() if closes else len(html)
    return html[: opened.end()], html[opened.end(): end], html[end:]


#: What a report's body may contain: static text, tables, lists, figures, in-page links.
BODY_TAGS = {
    "main", "section", "nav", "div", "span", "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "b", "em", "i", "u", "s", "small", "sub", "sup", "mark", "del", "ins", "abbr", "cite", "q",
    "code", "pre", "kbd", "samp", "var", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "img", "a", "details", "summary",
}
#: Removed with everything inside them (not just the tags).
BODY_DROPPED_WHOLE = {"script", "style", "svg", "math", "template", "noscript", "iframe", "frame", "frameset",
                      "object", "embed", "applet", "textarea", "select", "title", "head", "xmp", "noembed"}
BODY_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "data-mime-type", "style"},
    "table": {"border", "cellpadding", "cellspacing"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "ol": {"start", "type"},
    "img": {"src", "alt", "width", "height"},
    "a": {"href"},
}


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """perflib's policy on what nh3's allowlist lets through: URLs and inline CSS that fetch nothing."""
    if attr in URL_ATTRS:
        return value if _safe_url(value, attr) else None
    if attr == "style" and _css_active(_CSS_COMMENT.sub("", value)):
        return None
    return value


def clean_body(html: str) -> str:
    """A body's HTML with nothing active: no scripts, handlers, SVG or MathML, remote URLs or comments."""
    import nh3

    return nh3.clean(html, tags=BODY_TAGS, clean_content_tags=BODY_DROPPED_WHOLE, attributes=BODY_ATTRIBUTES,
                     attribute_filter=_attribute_filter, url_schemes={"data"}, link_rel=None, strip_comments=True)


def _safe_url(value: str, attr: str) -> bool:
    """Only in-page links and data: images (srcset never: one of its candidates may be remote)."""
    v = value.strip().lower()
    if v.startswith("#") or not v:
        return attr != "srcset"
    return attr == "src" and v.startswith("data:image/")


#: The head perflib's template writes: these elements with these attributes, nothing else.
HEAD_ELEMENTS = {"meta": {"charset", "name", "content", "http-equiv"}, "title": set(), "style": {"type"}}


def scrub_head(doc) -> None:  # lxml.html.HtmlElement (the document)
    """Keep only the head's own elements (no scripts, links, base, refresh); its stylesheet fetches nothing."""
    head = doc.find("head")
    if head is None:
        return
    for el in list(head.iter()):
        if el is head:
            continue
        allowed = HEAD_ELEMENTS.get(el.tag) if isinstance(el.tag, str) else None
        if allowed is None or el.getparent() is not head or (
                el.tag == "meta" and (el.get("http-equiv") or "").lower() not in ("", "content-security-policy")):
            el.drop_tree()
            continue
        for attr in list(el.attrib):
            if attr.lower() not in allowed:
                del el.attrib[attr]
        if el.tag == "style" and el.text:
            el.text = scrub_css(el.text)


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.I)
_CSS_REMOTE_URL = re.compile(r"url\s*\((?!\s*['\"]?data:)[^)]*\)", re.I)
_CSS_ACTIVE = re.compile(r"url\s*\((?!\s*['\"]?data:)|image-set\s*\(|expression\s*\(|@import|-moz-binding|behavior\s*:",
                         re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)


def _css_active(css: str) -> bool:
    """Whether the CSS, with its escapes decoded (``u\\72 l(`` is ``url(``), could fetch or run anything."""
    plain = _CSS_ESCAPE.sub(lambda m: chr(min(int(m[1], 16), 0x10FFFF) or 0xFFFD) if m[1] else m[2], css)
    return bool(_CSS_ACTIVE.search(plain))


def scrub_css(css: str) -> str:
    """A stylesheet without comments, @import rules, or url(…) other than data: URIs.

    Comments go first: "@import" inside a comment must not swallow the rules after it. What is
    still active once escapes are decoded (it was hidden by them) empties the whole stylesheet. No
    "<" survives (as the CSS escape ``\\3c``): removing a comment must never make a ``</style>``.
    """
    css = _CSS_REMOTE_URL.sub("none", _CSS_IMPORT.sub("", _CSS_COMMENT.sub("", css)))
    if _css_active(css):
        return ""
    return css.replace("<", "\\3c ")


def _text(el) -> str:
    """The element's text, its pieces joined by one space (``A<br>B`` is "A B")."""
    return re.sub(r"\s+", " ", " ".join(t.strip() for t in el.itertext() if t.strip()))


_HEADING = ("h1", "h2", "h3", "h4", "h5", "h6")


def _heading_ids(doc) -> list[tuple[int, str, str]]:
    """ASCII ids by position (sec-1, sec-1-2, …): nbconvert's are percent-encoded and not unique."""
    used = {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id") and el.tag not in _HEADING}
    counters = [0] * 7
    out = []
    root = next(doc.iter("main"), doc)
    for h in root.iter(*_HEADING):
        text = _text(h)
        if not text:
            continue
        level = int(h.tag[1])
        counters[level] += 1
        for deeper in range(level + 1, 7):
            counters[deeper] = 0
        base = "title" if level == 1 else "sec-" + "-".join(str(max(c, 1)) for c in counters[2: level + 1])
        hid, n = base, 2
        while hid in used:
            hid, n = f"{base}-{n}", n + 1
        used.add(hid)
        h.set("id", hid)
        out.append((level, hid, text))
    return out


def _insert_toc(doc, headings, levels=(2, 3, 4)) -> None:
    from lxml.html import Element

    entries = [(lvl, hid, text) for lvl, hid, text in headings if lvl in levels]
    if not entries:
        return
    nav = Element("nav", {"class": "pf-toc", "aria-label": "目录"})
    title = Element("p", {"class": "pf-toc-title pf-noindent"})
    title.text = "目  录"
    nav.append(title)
    top = min(lvl for lvl, _, _ in entries)
    root = Element("ol")
    nav.append(root)
    stack = [(top, root)]
    for lvl, hid, text in entries:
        while len(stack) > 1 and lvl < stack[-1][0]:
            stack.pop()
        if lvl > stack[-1][0] and len(stack[-1][1]):
            last = stack[-1][1][-1]  # the <li> this level hangs under
            sub = last.find("ol")
            if sub is None:
                sub = Element("ol")
                last.append(sub)
            stack.append((lvl, sub))
        li = Element("li", {"class": f"pf-toc-l{min(lvl - top + 1, 3)}"})
        link = Element("a", {"href": f"#{hid}"})
        link.text = text
        li.append(link)
        stack[-1][1].append(li)
    main = next(doc.iter("main"), None)
    if main is None:
        main = next(doc.iter("body"), doc)
    first = next(main.iter("h1"), None)
    if first is None:
        main.insert(0, nav)
        return
    cell = next((a for a in first.iterancestors() if "jp-Cell" in (a.get("class") or "").split()), first)
    cell.addnext(nav)
