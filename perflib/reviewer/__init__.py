"""The reviewer's scores (复核分): what the bureau's reviewer gives each scored row of a form, stored beside
the form (:mod:`~perflib.reviewer.scores`), the rows a reviewer scores (:mod:`~perflib.reviewer.rows`), and
the form's total re-added with them (:mod:`~perflib.reviewer.rescore`). docs/review.md, "复核：复核分的录入与汇总".
"""

from .rescore import Reviewed, reviewed
from .rows import Row, rows
from .scores import REVIEW_DIR, ReviewFile, ReviewRow, review_file, stored

__all__ = ["REVIEW_DIR", "ReviewFile", "ReviewRow", "Reviewed", "Row", "review_file", "reviewed", "rows", "stored"]
