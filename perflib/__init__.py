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

__all__ = [
    "Evaluation",
    "InputError",
    "InputErrors",
    "PerflibError",
    "TargetError",
    "evaluate",
    "evaluate_params",
    "__version__",
]
