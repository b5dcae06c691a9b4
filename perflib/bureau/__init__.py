"""The bureau's review (复核): where to look in the forms handed in.

:func:`review` evaluates every form of some years and lists the queries (疑点) a reviewer should put to the
departments — audit findings, points resting on nothing checkable, indicators that contradict each other,
results better than the money spent, unspent and zero budgets, mid-year promises missed, changed targets,
last year's problems found again — each with the evidence to ask for, the points at stake and a risk score
that orders the list (docs/review.md).
"""

from .query import Query
from .run import FormReview, Review, queries_frame, review, review_form, review_frame
from .settings import KINDS, Settings, load_settings

__all__ = ["KINDS", "FormReview", "Query", "Review", "Settings", "load_settings", "queries_frame", "review",
           "review_form", "review_frame"]
