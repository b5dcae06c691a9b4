"""The documents beside report.html that a department hands in: which formats there are, and making one.

A format is made after the page, in the same worker, from that page (Word and PDF lay out what the page
shows, so a bureau's own notebook template changes all three alike) and from the evaluation the batch made
once and handed to the notebook (the 自评表, and the cover of the Word report); a failure fails that format
of that page only — never its HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import PerflibError

#: format → the file it writes beside report.html, and what a reader calls it
FORMATS: dict[str, tuple[str, str]] = {
    "html": ("report.html", "网页"),
    "docx": ("report.docx", "Word"),
    "pdf": ("report.pdf", "PDF"),
    "xlsx": ("自评表.xlsx", "自评表"),
}
DEFAULT_FORMATS = ("html", "xlsx")  # the form is cheap; Word and PDF are asked for
#: the formats a mid-year monitoring report is written as (its form is the department's snapshot itself)
MONITOR_FORMATS = ("html", "docx", "pdf")


def document_name(fmt: str, month: int = 0) -> str:
    """The file a format is written to: ``report.docx``, ``自评表.xlsx``; ``monitor-06.docx`` for month 6."""
    return f"monitor-{month:02d}.{fmt}" if month else FORMATS[fmt][0]


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,docx"`` → ("html", "docx"); ValueError naming what is unknown. HTML is always made."""
    asked = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown:
        raise ValueError(f"未知的格式 {'、'.join(unknown)}；可用：{'、'.join(FORMATS)}")
    return tuple(dict.fromkeys(["html", *asked]))


def _docx(page: str, subject: object, *, docx_template: str = "") -> bytes:
    """The page as Word, in the official-document layout, with the cover of its evaluation."""
    from ..present.word import cover_rows, page_docx

    return page_docx(page, cover_rows=cover_rows(subject), author=subject.department, template=docx_template or None)


def _pdf(page: str, subject: object, **_: object) -> bytes:
    """The page laid out for print (see :mod:`perflib.present.pdf`)."""
    from ..present.pdf import page_pdf

    return page_pdf(page)


def _xlsx(page: str, subject: object, **_: object) -> bytes:
    """The filled-in 自评表, from the report's evaluation."""
    from ..present.form import form_workbook

    return form_workbook(subject)


MAKERS: dict[str, Callable[..., bytes]] = {"docx": _docx, "pdf": _pdf, "xlsx": _xlsx}


def make(fmt: str, page: str, subject: object, *, docx_template: str = "") -> bytes:
    """The bytes of ``fmt`` for one rendered page (``page``, its HTML) and the evaluation it shows (``subject``:
    an Evaluation, or a monitoring result); ``docx_template``: a bureau's Word template."""
    if subject is None:
        raise PerflibError("文档须由批处理的评价生成：该页面没有随任务交付的评价")
    return MAKERS[fmt](page, subject, docx_template=docx_template)
