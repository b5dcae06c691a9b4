"""perflib — budget-performance self-evaluation (部门整体支出绩效自评): scoring, audit and reports."""

__version__ = "0.1.0"
