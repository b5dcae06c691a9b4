"""What ``perflib review`` writes: 疑点清单.xlsx (every year of the review) and a page per year,
``review-<year>.html``, linked from the batch's index — each file written whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..files import write_atomic
from .outputs import refresh_review_links

if TYPE_CHECKING:  # pragma: no cover
    from ..bureau.run import Review

WORKBOOK = "疑点清单.xlsx"


def page_name(year: int) -> str:
    return f"review-{year}.html"


def write_review(review: Review, out: str | Path) -> list[Path]:
    """Write the workbook and the year pages into ``out``; link them from its index.html when there is one.
    Returns the files written."""
    from ..present.review_page import review_page
    from ..workbooks.review_list import review_workbook

    out = Path(out)
    written = [out / WORKBOOK]
    write_atomic(written[0], review_workbook(review.sheets()))
    for year in review.years:
        path = out / page_name(year)
        write_atomic(path, review_page(review.of_year(year), workbook=WORKBOOK))
        written.append(path)
    refresh_review_links(out)
    return written
