"""Across departments and years: the tables every cross-department question starts from.

``portfolio(params_dir)`` evaluates every ``<code>/<year>.yaml`` under ``params_dir`` and returns one row
per department-year; ``portfolio_indicators(params_dir)`` one row per indicator across them all;
``compare(a, b)`` what changed between two evaluations (e.g. an evaluation and its what-if). Columns are
described in :mod:`perflib.frames` (English names, Chinese labels in ``perflib.frames.LABELS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PerflibError
from .evaluation import Evaluation, evaluate
from .frames import LEVEL_NAMES, _frame, indicators_frame, num, pct
from .inputs.params import discover

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

KEYS = ["code", "department", "year", "framework"]


def evaluations(params_dir: str | Path, years: Iterable[int] | None = None,
                departments: Iterable[str] | None = None) -> tuple[list[Evaluation], dict[Path, str]]:
    """Every department-year under ``params_dir`` evaluated, and the files that could not be, with why."""
    done, failed = [], {}
    for path in discover(params_dir, departments=list(departments or []) or None, years=list(years or []) or None):
        try:
            done.append(evaluate(path))
        except PerflibError as exc:
            failed[path] = str(exc).splitlines()[0] + (f"（另有 {len(str(exc).splitlines()) - 1} 处）"
                                                       if len(str(exc).splitlines()) > 1 else "")
    return done, failed


def row(ev: Evaluation) -> dict:
    """An evaluation's row of the portfolio: keys, total, grade, first- and second-level scores, rates, counts."""
    out = {"code": ev.code, "department": ev.department, "year": ev.year, "framework": ev.framework.id,
           "total": num(ev.total), "grade": ev.grade}
    out.update({n.name: num(n.score) for n in ev.scorecard.walk() if n.level <= 2})
    out.update({"execution_rate": pct(ev.metrics.execution_rate), "evaluation_rate": pct(ev.metrics.evaluation_rate),
                "errors": len(ev.findings_at("error")), "warnings": len(ev.findings_at("warning")),
                "infos": len(ev.findings_at("info")), "error": None, "path": str(ev.path) if ev.path else ""})
    return out


def portfolio(params_dir: str | Path = "params", years: Iterable[int] | None = None,
              departments: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per department-year: code, department, year, framework, total, grade, every first- and
    second-level node's score (a column named by the node), execution and evaluation rates (%), and the
    count of findings by level. A file that does not validate has a row too, with its ``error``.
    """
    done, failed = evaluations(params_dir, years, departments)
    rows = [row(ev) for ev in done]
    for path, error in failed.items():
        rows.append({"code": path.parent.name, "department": "", "year": int(path.stem), "error": error,
                     "path": str(path)})
    columns = list(dict.fromkeys(c for r in rows for c in r))
    tail = ["execution_rate", "evaluation_rate", "errors", "warnings", "infos", "error", "path"]
    columns = [c for c in columns if c not in tail] + tail
    frame = _frame(rows, columns)
    return frame.sort_values(["code", "year"], ignore_index=True) if len(frame) else frame


def portfolio_indicators(params_dir: str | Path = "params", years: Iterable[int] | None = None,
                         departments: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per indicator of every valid department-year: the keys, then :func:`indicators_frame`'s columns."""
    import pandas as pd

    done, _ = evaluations(params_dir, years, departments)
    frames = []
    for ev in done:
        frame = indicators_frame(ev)
        for i, (key, value) in enumerate(zip(KEYS, (ev.code, ev.department, ev.year, ev.framework.id))):
            frame.insert(i, key, value)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*KEYS, *indicators_frame.__annotations__])
    return pd.concat(frames, ignore_index=True)


def compare(a: Evaluation, b: Evaluation) -> pd.DataFrame:
    """What changed from ``a`` to ``b``: every node's score (``before``, ``after``, ``change``) and every
    finding that appeared or went (``before``/``after`` are 有 or 无). ``changed`` marks the rows that moved.
    """
    before = {n.path: n for n in a.scorecard.walk()}
    after = {n.path: n for n in b.scorecard.walk()}
    rows = [{"kind": "total", "name": "总分", "path": "", "before": num(a.total), "after": num(b.total),
             "change": num(b.total - a.total), "changed": a.total != b.total}]
    rows.append({"kind": "grade", "name": "等级", "path": "", "before": a.grade, "after": b.grade, "change": None,
                 "changed": a.grade != b.grade})
    for path in dict.fromkeys([*before, *after]):
        x, y = before.get(path), after.get(path)
        sx, sy = (x.score if x else None), (y.score if y else None)
        rows.append({"kind": "node", "name": path[-1], "path": " / ".join(path), "before": num(sx), "after": num(sy),
                     "change": num(sy - sx) if sx is not None and sy is not None else None, "changed": sx != sy})
    old = {(f.level, f.code, f.message) for f in a.findings}
    new = {(f.level, f.code, f.message) for f in b.findings}
    for level, code, message in [*(k for k in ((f.level, f.code, f.message) for f in a.findings) if k not in new),
                                 *(k for k in ((f.level, f.code, f.message) for f in b.findings) if k not in old)]:
        rows.append({"kind": "finding", "name": f"{code}（{LEVEL_NAMES[level]}）", "path": message,
                     "before": "有" if (level, code, message) in old else "无",
                     "after": "有" if (level, code, message) in new else "无", "change": None, "changed": True})
    return _frame(rows, ["kind", "name", "path", "before", "after", "change", "changed"])
