"""A reviewer's stored scores of one form (复核分), beside the department's inputs and never over them:
``<params>/<code>/review/<year>.yaml`` for a department-year form, ``<params>/<code>/review/projects/<year>/
<project key>.yaml`` for a project form — the ``review/`` folder mirrors the department's own folder. Neither
the params discovery (``<code>/<year>.yaml``, ``<code>/projects/<year>/<key>.yaml``) nor the batch reads it.

A stored row names a scored row of the form by its path in the scored tree (一级 / 二级 / 指标) and gives
the reviewer's score and comment. A row the file does not list is one the reviewer left blank: it counts
perflib's rule score (规则分).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError, InputErrors
from ..inputs.locate import PROJECTS_DIR
from ..inputs.params import project_place
from ..inputs.schema import CODE_PATTERN
from ..inputs.validation import validate
from ..inputs.yamlio import load_yaml

#: The folder of the stored reviews, in each department's folder.
REVIEW_DIR = "review"


class ReviewRow(BaseModel):
    """One scored row the reviewer filled in: its path, 复核分 (None: left blank, a comment only), 复核意见."""

    model_config = ConfigDict(extra="forbid")
    path: list[str] = Field(min_length=1, description="行：评价框架中的路径（一级、二级……指标）")
    score: Decimal | None = Field(None, ge=0, description="复核分")
    comment: str | None = Field(None, description="复核意见")


class ReviewFile(BaseModel):
    """A reviewer's scores of one form (复核)."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = 1
    code: str = Field(pattern=CODE_PATTERN, description="部门代码")
    year: int = Field(ge=1900, le=2999, description="年度")
    project: str | None = Field(None, description="项目键（项目支出绩效自评）；部门整体的不填")
    reviewer: str | None = Field(None, description="复核人")
    date: dt.date = Field(description="复核日期（导入日期）")
    source: str | None = Field(None, description="复核表文件名")
    rows: list[ReviewRow] = Field(default_factory=list)

    def row(self, path: tuple[str, ...]) -> ReviewRow | None:
        return next((r for r in self.rows if tuple(r.path) == tuple(path)), None)


def review_file(form: str | Path) -> Path:
    """Where the review of the form at ``form`` is stored (see the module's docstring)."""
    form = Path(form)
    place = project_place(form)
    if place is not None:
        return form.parents[2] / REVIEW_DIR / form.parents[1].name / form.parent.name / form.name
    return form.parent / REVIEW_DIR / form.name


def form_of(path: str | Path) -> Path | None:
    """The form whose review is stored at ``path`` (laid out as :func:`review_file` lays it out); None for a
    file not laid out as a stored review."""
    path = Path(path)
    parts = path.parts
    if len(parts) >= 3 and parts[-2] == REVIEW_DIR:
        return path.parents[1] / path.name
    if len(parts) >= 5 and parts[-4] == REVIEW_DIR and parts[-3] == PROJECTS_DIR:
        return path.parents[3] / PROJECTS_DIR / path.parent.name / path.name
    return None


def stored(ev) -> ReviewFile | None:  # ev: perflib.evaluation.Evaluation
    """The stored review of ``ev``'s form, or None (no file, or an evaluation of no file); raise
    :class:`InputErrors` naming the file when it is not a valid review of that form."""
    if ev.path is None:
        return None
    path = review_file(ev.path)
    if not path.is_file():
        return None
    return read(path, code=ev.code, year=ev.year, project=Path(ev.path).stem if ev.project else None)


def read(path: Path, *, code: str, year: int, project: str | None) -> ReviewFile:
    """The review stored at ``path``, checked to be of that form; :class:`InputErrors` otherwise."""
    try:
        data, lines = load_yaml(path)
    except InputError as exc:
        raise InputErrors([exc]) from None
    review = validate(ReviewFile, data, path, lines)
    wrong = [(field, want, got) for field, want, got in (("code", code, review.code), ("year", year, review.year),
                                                          ("project", project, review.project)) if want != got]
    if wrong:
        raise InputErrors([InputError(path, field, "复核记录与所在位置的自评表不符", expected=str(want or "（不填）"),
                                      found=got if got is not None else "（未填）") for field, want, got in wrong])
    return review
