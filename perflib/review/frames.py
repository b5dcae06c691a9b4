"""The review as pandas DataFrames (columns documented in docs/review.md; Chinese names in
:data:`perflib.frames.LABELS`).

``queries_frame(review)`` — one row per query, the highest risk first: ``rank``, ``risk``, ``kind`` and its
``kind_name``, ``code``, ``department``, ``year``, ``project``, ``row`` (the row of the form), ``issue``,
``evidence`` (佐证材料), ``points`` (at stake), ``flips_grade``, ``finding_code`` and ``severity`` (when the
query is an audit finding), ``file``.

``review_frame(review)`` — one row per form: ``code``, ``department``, ``year``, ``project``, ``framework``,
``total``, ``grade``, ``stated_total``, ``budget_adjusted`` and ``budget_spent`` (万元), ``execution_rate``
(%), ``verifiable_share``, ``judged_share`` and ``unverifiable_share`` (% of the points scored),
``unverifiable_points``, ``queries``, ``risk`` (the sum of its queries'), ``flips_grade`` (some query could
change its grade), ``margin`` (points above the bottom of its grade band), ``file``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..frames import _frame, num, pct
from ..portfolios import UNIT_FACTORS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

QUERY_COLUMNS = ["rank", "risk", "kind", "kind_name", "code", "department", "year", "project", "row", "issue",
                 "evidence", "points", "flips_grade", "finding_code", "severity", "file"]
REVIEW_COLUMNS = ["code", "department", "year", "project", "framework", "total", "grade", "stated_total",
                  "budget_adjusted", "budget_spent", "execution_rate", "verifiable_share", "judged_share",
                  "unverifiable_share", "unverifiable_points", "queries", "risk", "flips_grade", "margin", "file"]


def queries_frame(review) -> pd.DataFrame:  # a perflib.review.Review (run.py imports this module: no circle)
    kinds = review.settings.kinds
    rows = [{
        "rank": i, "risk": num(q.risk), "kind": q.kind, "kind_name": kinds[q.kind].name, "code": q.code,
        "department": q.department, "year": q.year, "project": q.project or "", "row": q.row, "issue": q.issue,
        "evidence": q.evidence, "points": num(q.points), "flips_grade": q.flips_grade,
        "finding_code": q.finding or "", "severity": q.severity or "", "file": q.file,
    } for i, q in enumerate(review.queries, 1)]
    return _frame(rows, QUERY_COLUMNS)


def review_frame(review) -> pd.DataFrame:  # a perflib.review.Review
    rows = []
    for f in review.forms:
        ev, s, m = f.ev, f.share, f.ev.metrics
        factor = UNIT_FACTORS.get(m.unit, 1)
        total = s.total
        rows.append({
            "code": ev.code, "department": ev.department, "year": ev.year, "project": ev.project or "",
            "framework": ev.framework.id, "total": num(ev.total), "grade": ev.grade,
            "stated_total": num(ev.params.stated.total), "budget_adjusted": num(m.adjusted / factor),
            "budget_spent": num(m.spent / factor), "execution_rate": pct(m.execution_rate),
            "verifiable_share": pct(s.number / total) if total else None,
            "judged_share": pct(s.judged / total) if total else None,
            "unverifiable_share": pct(s.none / total) if total else None,
            "unverifiable_points": num(s.none), "queries": len(f.queries), "risk": num(f.risk),
            "flips_grade": any(q.flips_grade for q in f.queries), "margin": num(f.margin),
            "file": str(ev.path or ""),
        })
    return _frame(rows, REVIEW_COLUMNS)
