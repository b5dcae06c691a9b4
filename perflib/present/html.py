"""Small HTML building blocks for reports, with every piece of user text escaped.

Anything that comes from an input file (department names, indicator names, analysis text) is
passed as ``str`` and escaped here; only :class:`HTML` values — built by these functions — are
inserted as markup. So text such as ``<script>`` or ``<img onerror=…>`` in any input shows as
text and runs nothing. Tables are plain ``<table>`` with a border attribute so they paste into Word
with their grid.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from decimal import Decimal

from markupsafe import Markup

from ..numbers import fmt_number


class HTML(Markup):
    """A trusted HTML fragment: :class:`markupsafe.Markup`, which escapes whatever plain text is
    added, joined or formatted into it; notebooks display it as HTML."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:  # the text/plain form in a notebook: keep it short, the HTML is the content
        return f"<HTML，{len(self)} 字符>"


def esc(text: object) -> HTML:
    """``text`` escaped for HTML (an :class:`HTML` value passes unchanged; None is empty)."""
    return HTML.escape("" if text is None else text)


def join(*parts: object) -> HTML:
    """Concatenate fragments, escaping the plain strings."""
    return HTML("").join(esc(p) for p in parts if p is not None)


def tag(name: str, content: object = "", *, cls: str | None = None, **attrs: object) -> HTML:
    """``<name class=cls attr=…>content</name>`` with content and attributes escaped."""
    attributes = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None)
    if cls:
        attributes = f' class="{esc(cls)}"' + attributes
    return HTML(f"<{name}{attributes}>{esc(content)}</{name}>")


def heading(level: int, text: object) -> HTML:
    return tag(f"h{level}", text)


def para(*parts: object, cls: str | None = None) -> HTML:
    return tag("p", join(*parts), cls=cls)


def paras(texts: Iterable[object], *, cls: str | None = None) -> HTML:
    return join(*(para(t, cls=cls) for t in texts))


def strong(text: object) -> HTML:
    return tag("strong", text)


def items(entries: Iterable[object], *, ordered: bool = False) -> HTML:
    return tag("ol" if ordered else "ul", join(*(tag("li", e) for e in entries)))


def _cell(value: object) -> HTML:
    if isinstance(value, Decimal):
        return esc(fmt_number(value))
    return esc("—" if value is None or value == "" else value)


def _nowrap(text: object) -> str | None:
    """Short cells ("预算编制", "2.00", "分值") stay on one line: CJK text otherwise breaks anywhere."""
    return "pf-nowrap" if len(str(text)) <= 10 and "<" not in str(text) else None


def table(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Iterable[int] = (),
    caption: object = None,
    unit: str | None = None,
    emphasis: Iterable[int] = (),
    row_classes: Sequence[str | None] = (),
    cls: str | None = None,
) -> HTML:
    """A bordered table. ``numeric`` columns are right-aligned, ``emphasis`` rows bold (e.g. 合计),
    ``row_classes`` a CSS class per row.

    Decimals are shown with two decimals and thousands separators; None as "—".
    """
    numeric, emphasis = set(numeric), set(emphasis)
    head = tag("thead", tag("tr", join(*(tag("th", h, scope="col", cls=_nowrap(h)) for h in headers))))
    body = []
    for i, row in enumerate(rows):
        cells = []
        for j, v in enumerate(row):
            content = _cell(v)
            classes = " ".join(c for c in ("num" if j in numeric else None, _nowrap(content)) if c)
            cells.append(tag("td", content, cls=classes or None))
        classes = " ".join(c for c in ("pf-total" if i in emphasis else None,
                                       row_classes[i] if i < len(row_classes) else None) if c)
        body.append(tag("tr", join(*cells), cls=classes or None))
    parts = []
    if caption is not None or unit:
        cap = join(caption or "", tag("span", f"（单位：{unit}）", cls="pf-unit") if unit else "")
        parts.append(tag("caption", cap))
    parts += [head, tag("tbody", join(*body))]
    klass = f' class="{esc(cls)}"' if cls else ""
    return HTML(f'<table border="1" cellspacing="0" cellpadding="4"{klass}>' + "".join(parts) + "</table>")


def figure(svg: bytes, caption: object, *, width: int | None = None) -> HTML:
    """An SVG image embedded as base64 (no file, no URL) with a caption; the caption is also the alt text.

    An ``<img>``, not inline ``<svg>``: the image cannot run scripts or reach the page, and its ids
    cannot clash with the page's or another chart's.
    """
    data = base64.b64encode(svg).decode("ascii")
    style = f"max-width:{width}px" if width else None
    img = HTML(f'<img src="data:image/svg+xml;base64,{data}" alt="{esc(caption)}"'
               + (f' style="{style}"' if style else "") + ">")
    return tag("figure", join(img, tag("figcaption", caption)), cls="pf-figure")


def note(*parts: object) -> HTML:
    """A boxed note (e.g. on reconstructed data)."""
    return tag("div", join(*parts), cls="pf-note")
