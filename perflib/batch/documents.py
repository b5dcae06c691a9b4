"""The documents beside report.html that a department hands in: which formats there are, and making one.

A format is made after the report's HTML, in the same worker, from the department-year's inputs (the
same sections the HTML shows); a failure fails that format of that report only — never its HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

#: format → the file it writes beside report.html, and what a reader calls it
FORMATS: dict[str, tuple[str, str]] = {
    "html": ("report.html", "网页"),
    "docx": ("report.docx", "Word"),
    "pdf": ("report.pdf", "PDF"),
    "xlsx": ("自评表.xlsx", "自评表"),
}
DEFAULT_FORMATS = ("html", "xlsx")  # the form is cheap (+0.02 s a report); Word and PDF are asked for
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


def _docx(params_dir: Path, department: str, year: int, *, month: int = 0, docx_template: str = "",
          **_: object) -> bytes:
    from ..present import report
    from ..present.word import monitor_docx, report_docx

    report.setup()
    if month:
        from ..present import monitor_report

        return monitor_docx(monitor_report.load(params_dir, department, year, month), template=docx_template or None)
    return report_docx(report.load(params_dir, department, year), template=docx_template or None)


def _pdf(params_dir: Path, department: str, year: int, *, html: Path | None = None, **_: object) -> bytes:
    """The page itself, laid out for print (see :mod:`perflib.present.pdf`)."""
    from ..errors import PerflibError
    from ..present.pdf import page_pdf

    if html is None or not html.is_file():
        raise PerflibError(f"{department} {year}: PDF 由报告网页生成，须先生成 report.html")
    return page_pdf(html.read_text(encoding="utf-8"))


def _xlsx(params_dir: Path, department: str, year: int, **_: object) -> bytes:
    from ..evaluation import evaluate
    from ..present.form import form_workbook

    return form_workbook(evaluate(params_dir / department / f"{year}.yaml"))


MAKERS: dict[str, Callable[..., bytes]] = {"docx": _docx, "pdf": _pdf, "xlsx": _xlsx}


def make(fmt: str, params_dir: Path, department: str, year: int, *, month: int = 0, docx_template: str = "",
         html: Path | None = None) -> bytes:
    """The bytes of ``fmt`` for one department-year, or its monitoring snapshot of ``month``
    (``docx_template``: a bureau's Word template; ``html``: the page already rendered, for the PDF)."""
    return MAKERS[fmt](params_dir, department, year, month=month, docx_template=docx_template, html=html)
