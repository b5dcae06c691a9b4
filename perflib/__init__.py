"""perflib — budget-performance self-evaluation (部门整体支出绩效自评): scoring, audit and reports.

The main entry point is :func:`evaluate`, which loads a department-year's params file, scores it
under its framework and audits it::

    from perflib import evaluate
    ev = evaluate("params/baiyun-emergency/2023.yaml")
    ev.total, ev.grade          # (Decimal('91.88'), '优')
"""

from __future__ import annotations

from ._version import __version__
from .errors import InputError, InputErrors, PerflibError, TargetError
from .evaluation import Evaluation, evaluate, evaluate_params
from .present.fonts import install as _install_cjk_font

_install_cjk_font()  # charts an analyst draws show Chinese; matplotlib is not imported for it (see present.fonts)


def __getattr__(name: str):  # the analyst's tables: perflib.portfolio pulls in pandas when used
    if name in ("portfolio", "portfolio_indicators", "portfolio_findings", "compare", "projects_frame",
                "project_rollup"):
        from . import portfolios

        return getattr(portfolios, name)
    if name in ("review", "review_frame", "queries_frame", "sample"):  # the bureau's review: perflib.bureau
        from .bureau import run

        return getattr(run, name)
    raise AttributeError(f"module 'perflib' has no attribute {name!r}")

__all__ = [
    "Evaluation",
    "InputError",
    "InputErrors",
    "PerflibError",
    "TargetError",
    "evaluate",
    "evaluate_params",
    "compare",
    "portfolio",
    "portfolio_findings",
    "portfolio_indicators",
    "project_rollup",
    "projects_frame",
    "queries_frame",
    "review",
    "review_frame",
    "sample",
    "__version__",
]
