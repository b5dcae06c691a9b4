"""Executed notebook → one self-contained, offline, printable HTML page.

* nbconvert's HTML exporter with perflib's template (``templates/perflib_report``): it reuses
  JupyterLab's cell markup but writes its own ``<head>`` — no require.js, MathJax, mermaid or widget
  scripts, nothing fetched from any host; the stylesheet is inlined; charts are base64 SVG images.
* Code, prompts, stderr, and papermill's parameter cells are left out.
* A post-processing pass gives headings ASCII ids, inserts a table of contents after the title,
  and, as a second line of defence behind the escaping in :mod:`perflib.html`, strips anything
  active (scripts, event handlers, ``javascript:`` and remote URLs).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from .html import esc

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "perflib_report"
REMOVE_CELL_TAGS = {"injected-parameters", "parameters", "remove-cell"}
DISPLAY_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]
ACTIVE_TAGS = ("script", "iframe", "frame", "object", "embed", "applet", "link", "base", "form", "input",
               "button", "textarea", "select", "noscript", "template")
URL_ATTRS = ("href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "background", "data")

_local = threading.local()


def _exporter_class():  # noqa: ANN202
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """HTMLExporter without its own BeautifulSoup pass (alt texts, tabindex on code cells):
        :func:`postprocess` does one pass for everything, which saves a tenth of a second a report."""

        def from_notebook_node(self, nb, resources=None, **kw):  # noqa: ANN001, ANN201
            lexer = nb.metadata.get("language_info", {}).get("pygments_lexer")
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def _exporter():  # noqa: ANN202 - nbconvert type
    """One configured exporter per thread (building one loads the templates: ~0.1 s)."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        from traitlets.config import Config

        c = Config()
        c.HTMLExporter.template_name = TEMPLATE
        c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
        c.HTMLExporter.extra_template_paths = [str(TEMPLATES)]
        c.HTMLExporter.exclude_input = True
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
        c.HTMLExporter.exclude_output_stdin = True
        c.HTMLExporter.exclude_anchor_links = True
        c.HTMLExporter.embed_images = False  # breaks inline HTML in markdown (nbconvert #2020)
        c.HTMLExporter.sanitize_html = False  # escapes every heading and table: the report is escaped at the source
        c.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
        exporter = _exporter_class()(config=c)
        _local.exporter = exporter
    return exporter


def notebook_html(nb, *, title: str, toc: bool = True) -> str:  # noqa: ANN001 - NotebookNode
    """The shareable HTML of an executed notebook."""
    nb = nb.copy()
    nb.metadata = dict(nb.metadata, title=title)
    html, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return postprocess(html, toc=toc)


def postprocess(html: str, *, toc: bool = True) -> str:
    """Heading ids, table of contents, and the scrub of active content."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    scrub(soup)
    headings = _heading_ids(soup)
    if toc:
        _insert_toc(soup, headings)
    for img in soup.find_all("img"):
        if not img.get("alt"):
            img["alt"] = "图表"
    if soup.html is not None:
        soup.html["lang"] = "zh-CN"
    return str(soup)


def _safe_url(value: str, attr: str) -> bool:
    v = value.strip().lower()
    if v.startswith("#") or not v:
        return True
    return attr in ("src", "srcset") and v.startswith("data:image/")


def scrub(soup) -> None:  # noqa: ANN001 - BeautifulSoup
    """Make the page static: no scripts, no event handlers, no javascript: or remote URLs, no @import."""
    for name in ACTIVE_TAGS:
        for el in soup.find_all(name):
            el.decompose()
    for el in soup.find_all(True):
        for attr in list(el.attrs):
            low = attr.lower()
            if low.startswith("on"):
                del el[attr]
            elif low in URL_ATTRS and not _safe_url(str(el[attr]), low):
                del el[attr]
            elif low == "style" and re.search(r"url\s*\(|expression\s*\(|@import", str(el[attr]), re.I):
                del el[attr]
    for img in soup.find_all("img"):
        if not img.get("src"):
            img.decompose()
    for style in soup.find_all("style"):
        css = style.string or ""
        clean = re.sub(r"@import[^;]*;?", "", css, flags=re.I)
        clean = re.sub(r"url\s*\((?!\s*['\"]?data:)[^)]*\)", "none", clean, flags=re.I)
        if clean != css:
            style.string = clean


def _text(el) -> str:  # noqa: ANN001
    return re.sub(r"\s+", " ", el.get_text(" ", strip=True)).strip()


def _heading_ids(soup) -> list[tuple[int, str, str]]:  # noqa: ANN001
    """ASCII ids by position (sec-1, sec-1-2, …): nbconvert's are percent-encoded and not unique."""
    used = {e["id"] for e in soup.select("[id]") if not re.match(r"h[1-6]$", e.name or "")}
    counters = [0] * 7
    out = []
    root = soup.find("main") or soup
    for h in root.find_all(re.compile(r"^h[1-6]$")):
        text = _text(h)
        if not text:
            continue
        level = int(h.name[1])
        counters[level] += 1
        for deeper in range(level + 1, 7):
            counters[deeper] = 0
        base = "title" if level == 1 else "sec-" + "-".join(str(max(c, 1)) for c in counters[2: level + 1])
        hid, n = base, 2
        while hid in used:
            hid, n = f"{base}-{n}", n + 1
        used.add(hid)
        h["id"] = hid
        out.append((level, hid, text))
    return out


def _insert_toc(soup, headings, levels=(2, 3, 4)) -> None:  # noqa: ANN001
    entries = [(lvl, hid, text) for lvl, hid, text in headings if lvl in levels]
    if not entries:
        return
    nav = soup.new_tag("nav", attrs={"class": "pf-toc", "aria-label": "目录"})
    title = soup.new_tag("p", attrs={"class": "pf-toc-title pf-noindent"})
    title.string = "目  录"
    nav.append(title)
    top = min(lvl for lvl, _, _ in entries)
    root = soup.new_tag("ol")
    nav.append(root)
    stack = [(top, root)]
    for lvl, hid, text in entries:
        while len(stack) > 1 and lvl < stack[-1][0]:
            stack.pop()
        if lvl > stack[-1][0]:
            items = stack[-1][1].find_all("li", recursive=False)
            if items:
                sub = items[-1].find("ol", recursive=False)
                if sub is None:
                    sub = soup.new_tag("ol")
                    items[-1].append(sub)
                stack.append((lvl, sub))
        li = soup.new_tag("li", attrs={"class": f"pf-toc-l{min(lvl - top + 1, 3)}"})
        link = soup.new_tag("a", href=f"#{hid}")
        link.string = text
        li.append(link)
        stack[-1][1].append(li)
    main = soup.find("main") or soup.body or soup
    first = main.find("h1")
    if first is not None:
        (first.find_parent(class_="jp-Cell") or first).insert_after(nav)
    else:
        main.insert(0, nav)


def page(title: str, body: str) -> str:
    """A standalone page (the index) in the same offline style as the reports; ``body`` is trusted HTML."""
    css = (TEMPLATES / TEMPLATE / "static" / "report.css").read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n"
        f'<body class="perflib">\n<main class="pf-report">\n{body}\n</main>\n</body>\n</html>\n'
    )
