"""The review (a :class:`perflib.bureau.Review`, which these build its frames for) as pandas DataFrames (columns documented in docs/review.md; Chinese names in
:data:`perflib.frames.LABELS`).

``queries_frame(review)`` — one row per query, the highest risk first: ``rank``, ``risk``, ``kind`` and its
``kind_name``, ``code``, ``department``, ``year``, ``project``, ``row`` (the row of the form), ``issue``,
``evidence`` (佐证材料), ``points`` (at stake), ``flips_grade``, ``finding_code`` and ``severity`` (when the
query is an audit finding), ``file``.

``review_frame(review)`` — one row per form: ``code``, ``department``, ``year``, ``project``, ``framework``,
``total``, ``grade``, ``stated_total``, ``reviewed_total`` and ``reviewed_grade`` (the reviewer's 复核分 added up,
where a review is stored: perflib.reviewer), ``budget_adjusted`` and ``budget_spent`` (万元), ``execution_rate``
(%), ``verifiable_share``, ``judged_share`` and ``unverifiable_share`` (% of the points scored),
``unverifiable_points``, ``queries``, ``risk`` (the sum of its queries'), ``flips_grade`` (some query could
change its grade), ``margin`` (points above the bottom of its grade band), ``variants`` (the rule variants under which its grade
differs), ``flip`` (the smallest single-row change that flips its grade), ``file``; the highest risk first.

``kinds_frame(review)`` — one row per kind of query; ``failed_frame(review)`` — the files not read, with why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..frames import _frame, num, pct
from ..numbers import ZERO
from ..portfolios import UNIT_FACTORS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


QUERY_COLUMNS = ["rank", "risk", "kind", "kind_name", "code", "department", "year", "project", "row", "issue",
                 "evidence", "points", "flips_grade", "finding_code", "severity", "file"]
REVIEW_COLUMNS = ["code", "department", "year", "project", "framework", "total", "grade", "stated_total",
                  "reviewed_total", "reviewed_grade",
                  "budget_adjusted", "budget_spent", "execution_rate", "verifiable_share", "judged_share",
                  "unverifiable_share", "unverifiable_points", "queries", "risk", "flips_grade", "margin", "variants",
                  "flip", "file"]
KIND_COLUMNS = ["kind", "kind_name", "queries", "forms", "points", "risk", "evidence"]
FAILED_COLUMNS = ["file", "error"]


def queries_frame(review: Any) -> pd.DataFrame:  # a perflib.bureau.run.Review (which imports this)
    kinds = review.settings.kinds
    rows = [{
        "rank": i, "risk": num(q.risk), "kind": q.kind, "kind_name": kinds[q.kind].name, "code": q.code,
        "department": q.department, "year": q.year, "project": q.project or "", "row": q.row, "issue": q.issue,
        "evidence": q.evidence, "points": num(q.points), "flips_grade": q.flips_grade,
        "finding_code": q.finding or "", "severity": q.severity or "", "file": q.file,
    } for i, q in enumerate(review.queries, 1)]
    return _frame(rows, QUERY_COLUMNS)


def review_frame(review: Any) -> pd.DataFrame:  # a Review
    rows = []
    for f in review.forms:
        ev, s, m = f.ev, f.share, f.ev.metrics
        factor = UNIT_FACTORS.get(m.unit, 1)
        total = s.total
        reviewed = ev.reviewed()  # the reviewer's scores (复核分), when stored beside the form
        rows.append({
            "code": ev.code, "department": ev.department, "year": ev.year, "project": ev.project or "",
            "framework": ev.framework.id, "total": num(ev.total), "grade": ev.grade,
            "stated_total": num(ev.params.stated.total),
            "reviewed_total": num(reviewed.total) if reviewed else None,
            "reviewed_grade": reviewed.grade if reviewed else "", "budget_adjusted": num(m.adjusted / factor),
            "budget_spent": num(m.spent / factor), "execution_rate": pct(m.execution_rate),
            "verifiable_share": pct(s.number / total) if total else None,
            "judged_share": pct(s.judged / total) if total else None,
            "unverifiable_share": pct(s.none / total) if total else None,
            "unverifiable_points": num(s.none), "queries": len(f.queries), "risk": num(f.risk),
            "flips_grade": any(q.flips_grade for q in f.queries), "margin": num(f.margin),
            "variants": f.variants, "flip": f.flip, "file": str(ev.path or ""),
        })
    frame = _frame(rows, REVIEW_COLUMNS)
    return frame.sort_values(["risk", "code", "year"], ascending=[False, True, True], kind="stable",
                             ignore_index=True)


def kinds_frame(review: Any) -> pd.DataFrame:
    """One row per kind of query (all of them, in perflib's order): how many, on how many forms, the points at
    stake and the risk they add up to, and the evidence asked for."""
    by_kind: dict[str, list] = {}
    for q in review.queries:
        by_kind.setdefault(q.kind, []).append(q)
    rows = []
    for kind, spec in review.settings.kinds.items():
        mine = by_kind.get(kind, [])
        rows.append({"kind": kind, "kind_name": spec.name, "queries": len(mine),
                     "forms": len({(q.file) for q in mine}), "points": num(sum((q.points for q in mine), ZERO)),
                     "risk": num(sum((q.risk for q in mine), ZERO)), "evidence": spec.evidence})
    return _frame(rows, KIND_COLUMNS)


def failed_frame(review: Any) -> pd.DataFrame:
    """The files the review could not read (a form, a monitoring snapshot), with why."""
    return _frame([{"file": str(p), "error": e} for p, e in review.failed.items()], FAILED_COLUMNS)


def sheets(review: Any) -> dict[str, pd.DataFrame]:
    from .rectify import rectification

    out = {"疑点清单": queries_frame(review), "各单位": review_frame(review), "疑点类别": kinds_frame(review),
           "整改清单": rectification(review)}
    if review.failed:
        out["未能读取"] = failed_frame(review)
    return out
