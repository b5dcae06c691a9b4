"""The rules: targets as written, scoring methods, frameworks (indicator trees as data), budget
and execution metrics, indicator scores and the scored tree.
"""
