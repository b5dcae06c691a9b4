"""A query (疑点): one thing a reviewer should ask a department about, with the points resting on it.

The risk score orders a bureau's list — where to look first (docs/review.md, "风险分"):

    risk = weight × (1 + points at stake) × (grade_flip_factor when the points at stake reach the distance
           from the total to the bottom of its grade band, else 1)

    weight = the kind's weight × (for an audit finding, or a finding recurring from last year: the code's
             weight of ``finding_weights.codes``, else the level's: error 1.0, warning 0.6)

rounded half-up to two decimals. "Points at stake" are the points that rest on what is queried: the score
of an unverifiable row, the points a passing ratio earns while its absolute figure is missed, the part of
the indicator points above what the spending would support, … (each check says what it counts). A query
that could change the grade is worth twice as much as one that could not; the weights are data
(``review.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ..numbers import ZERO, quantize
from .settings import Settings


@dataclass(frozen=True)
class Query:
    """One query on one form. ``row`` is the row of the form (an indicator, a node, 预算, a fund) or "" for the
    form as a whole; ``finding`` the audit's code when the query is an audit finding."""

    kind: str  # one of settings.KINDS
    code: str  # the department's code
    department: str
    year: int
    project: str | None  # the project's name for a project form, None for the department's own
    row: str
    issue: str  # what is wrong or unverifiable: a Chinese sentence
    evidence: str  # 佐证材料 to ask for
    points: Decimal  # points at stake
    risk: Decimal = ZERO
    flips_grade: bool = False
    finding: str | None = None
    severity: str | None = None  # the finding's level (error / warning / info) when it is one
    file: str = ""


def with_risk(query: Query, settings: Settings, margin: Decimal | None) -> Query:
    """``query`` with its risk score; ``margin`` is how far the form's total is above the bottom of its grade
    band (None: no lower band, the bottom grade)."""
    flips = margin is not None and query.points > ZERO and query.points >= margin
    factor = settings.thresholds.grade_flip_factor if flips else Decimal(1)
    risk = settings.weight(query.kind, query.finding, query.severity) * (1 + query.points) * factor
    return replace(query, risk=quantize(risk, 2), flips_grade=flips)
