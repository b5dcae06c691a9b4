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
    "xlsx": ("自评表.xlsx", "自评表"),
}
DEFAULT_FORMATS = ("html",)


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,docx"`` → ("html", "docx"); ValueError naming what is unknown. HTML is always made."""
    asked = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown:
        raise ValueError(f"未知的格式 {'、'.join(unknown)}；可用：{'、'.join(FORMATS)}")
    return tuple(dict.fromkeys(["html", *asked]))


def _docx(params_dir: Path, department: str, year: int, *, docx_template: str = "") -> bytes:
    from ..present import report
    from ..present.word import report_docx

    report.setup()
    return report_docx(report.load(params_dir, department, year), template=docx_template or None)


def _xlsx(params_dir: Path, department: str, year: int, **_: str) -> bytes:
    from ..evaluation import evaluate
    from ..present.form import form_workbook

    return form_workbook(evaluate(params_dir / department / f"{year}.yaml"))


MAKERS: dict[str, Callable[..., bytes]] = {"docx": _docx, "xlsx": _xlsx}


def make(fmt: str, params_dir: Path, department: str, year: int, *, docx_template: str = "") -> bytes:
    """The bytes of ``fmt`` for one department-year (``docx_template``: a bureau's Word template)."""
    return MAKERS[fmt](params_dir, department, year, docx_template=docx_template)
