"""Across departments and years: the tables every cross-department question starts from.

``portfolio(params_dir)`` evaluates every ``<code>/<year>.yaml`` under ``params_dir`` and returns one row
per department-year; ``portfolio_indicators(params_dir)`` one row per indicator across them all;
``compare(a, b)`` what changed between two evaluations (e.g. an evaluation and its what-if);
``projects_frame(params_dir)`` one row per project self-evaluation (``<code>/projects/<year>/<key>.yaml``),
``project_rollup(params_dir)`` those rolled up per department-year. Columns are
described in :mod:`perflib.frames` (English names, Chinese labels in ``perflib.frames.LABELS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PerflibError, first_line
from .evaluation import Evaluation, evaluate
from .frames import (
    FINDING_COLUMNS,
    INDICATOR_COLUMNS,
    LABELS,
    LEVEL_NAMES,
    _frame,
    findings_frame,
    indicators_frame,
    num,
    typed,
)
from .inputs.params import YEAR_FILE, discover, discover_projects, project_place

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

KEYS = ["code", "department", "year", "framework"]

#: The unit of every amount in a portfolio, and how many of a file's unit make one of it: one column never
#: mixes 元 and 万元.
PORTFOLIO_UNIT = "万元"
UNIT_FACTORS = {"万元": Decimal(1), "元": Decimal(10000)}
#: (column, key in ``Evaluation.to_dict()["metrics"]``): amounts in 万元, then rates in percent.
AMOUNTS = (("budget_initial", "initial_budget"), ("budget_adjusted", "adjusted_budget"), ("budget_spent", "spent"))
RATES = (("execution_rate", "execution_rate"), ("evaluation_rate", "evaluation_rate"),
         ("adjustment_rate", "budget_adjustment_rate"))
COUNTS = ("errors", "warnings", "infos")
TAIL = [*(c for c, _ in AMOUNTS), *(c for c, _ in RATES), *COUNTS, "error", "file"]


def evaluations(params_dir: str | Path, years: int | Iterable[int] | None = None,
                departments: str | Iterable[str] | None = None) -> tuple[list[Evaluation], dict[Path, str]]:
    """Every department-year under ``params_dir`` evaluated, and the files that could not be, with why.

    ``years`` and ``departments`` select: one (``2024``, ``"demo-water"``) or several (a list); None: all.
    Raise PerflibError when ``params_dir`` is not a folder or nothing in it is selected, ValueError for a
    selection that is not years or department codes."""
    chosen_years, chosen_codes = selected_years(years), selected_departments(departments)
    paths = discover(params_dir, departments=chosen_codes, years=chosen_years)
    if not paths:
        raise PerflibError(_nothing_found(params_dir, chosen_years, chosen_codes))
    done, failed = [], {}
    for path in paths:
        try:
            done.append(evaluate(path))
        except PerflibError as exc:
            failed[path] = first_line(exc)
    return done, failed


def selected_years(years: int | str | Iterable[int | str] | None) -> list[int] | None:
    """``years`` as a list of years: one year (``2024``) or several; None (or none listed): every year."""
    items = [years] if isinstance(years, (Integral, str)) else years
    return _listed(items, "years", "年度（如 2024）或年度的列表", _year)


def selected_departments(departments: str | Iterable[str] | None) -> list[str] | None:
    """``departments`` as a list of codes: one code (``"demo-water"``) or several; None: every department."""
    items = [departments] if isinstance(departments, str) else departments
    return _listed(items, "departments", "部门代码（如 demo-water）或部门代码的列表",
                   lambda v: v if isinstance(v, str) and v else None)


def _year(value: object) -> int | None:
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and YEAR_FILE.match(value.strip()):
        return int(value)
    return None


def _listed(items: object, name: str, expected: str, read: Any) -> list | None:
    if items is None:
        return None
    if not isinstance(items, Iterable) or isinstance(items, (bytes, Mapping)):
        raise ValueError(f"{name}: 应为{expected}，实际为 {items!r}")
    out = []
    for item in items:
        value = read(item)
        if value is None:
            raise ValueError(f"{name}: 应为{expected}，实际为 {item!r}")
        out.append(value)
    return out or None


def _nothing_found(params_dir: str | Path, years: list[int] | None, codes: list[str] | None) -> str:
    """Why nothing was selected: what was asked for, and what there is."""
    there = discover(params_dir)
    if not there:
        return f"{params_dir}: 没有找到 <部门代码>/<年度>.yaml 输入文件"
    asked = "；".join(filter(None, [f"部门 {'、'.join(codes)}" if codes else "",
                                    f"年度 {'、'.join(map(str, years))}" if years else ""]))
    have_codes = sorted({p.parent.name for p in there})
    have_years = sorted({int(p.stem) for p in there})
    shown = "、".join(have_codes[:5]) + (f" 等 {len(have_codes)} 个" if len(have_codes) > 5 else "")
    return (f"{params_dir}: 没有找到所选的输入文件（{asked}）；该目录中有部门 {shown}，"
            f"年度 {'、'.join(map(str, have_years))}")


def _two(value: float | None, factor: Decimal = Decimal(1)) -> float | None:
    """A JSON number rounded half-up to two decimals from its shortest decimal form (1234.125 → 1234.13)."""
    return None if value is None else num(Decimal(repr(value)) / factor)


def summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """A department-year's row of the portfolio from its JSON form (``Evaluation.to_dict()``, which the batch
    also keeps for a report it did not re-render): keys, total, grade, the score of every node that is not an
    indicator (a column named by the node), amounts in 万元, rates in percent, counts of findings by level."""
    metrics = summary.get("metrics", {})
    factor = UNIT_FACTORS.get(summary.get("money_unit", PORTFOLIO_UNIT), Decimal(1))
    levels = [f["level"] for f in summary.get("findings", [])]
    out = {"code": summary.get("code", ""), "department": summary.get("department", ""), "year": summary.get("year"),
           "framework": summary.get("framework", ""), "total": _two(summary.get("total")),
           "grade": summary.get("grade", "")}
    review = summary.get("review") or {}  # a stored review (复核): its total and grade; empty where none
    out.update(reviewed_total=_two(review.get("total")), reviewed_grade=review.get("grade") or None)
    out.update({n["name"]: _two(n["score"]) for n in summary.get("nodes", []) if n["kind"] != "indicator"})
    out.update({c: _two(metrics.get(k), factor) for c, k in AMOUNTS})
    out.update({c: _two(metrics.get(k)) for c, k in RATES})
    out.update({"errors": levels.count("error"), "warnings": levels.count("warning"), "infos": levels.count("info")})
    return out


def row(ev: Evaluation) -> dict[str, Any]:
    """An evaluation's row of the portfolio (see :func:`summary_row`), with its ``file``."""
    return {**summary_row(ev.to_dict()), "error": None, "file": str(ev.path) if ev.path else ""}


def table(rows: Iterable[dict[str, Any]], *, tail: Iterable[str] = TAIL) -> pd.DataFrame:
    """Rows of :func:`summary_row` as a DataFrame: keys first, the node columns (every column without a label
    in :data:`~perflib.frames.LABELS`, a score) in the order they first appear, then ``tail``; each column of
    its type (see :func:`perflib.frames.typed`: a failed row leaves counts empty, not 0.0)."""

    rows = list(rows)
    tail = list(tail)
    columns = list(dict.fromkeys(c for r in rows for c in r))
    columns = [c for c in columns if c not in tail] + [c for c in tail if c in columns or c not in ("error", "file")]
    return _frame(rows, columns, scores=[c for c in columns if c not in LABELS])


def portfolio(params_dir: str | Path = "params", years: int | Iterable[int] | None = None,
              departments: str | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per department-year: code, department, year, framework, total, grade, the score of every node
    that is not an indicator (a column named by the node: 一级、二级 and the management rows), amounts in 万元
    (``budget_initial``, ``budget_adjusted``, ``budget_spent``), execution, evaluation and adjustment rates
    (%), the count of findings by level, ``error`` and ``file``. A file that does not validate has a row too,
    with its ``error`` and nothing scored. ``years`` and ``departments`` select one or several (see
    :func:`evaluations`); a folder that does not exist, or a selection of nothing, is an error.
    """
    done, failed = evaluations(params_dir, years, departments)
    rows = [row(ev) for ev in done]
    rows += [{"code": path.parent.name, "department": "", "year": int(path.stem), "error": error, "file": str(path)}
             for path, error in failed.items()]
    frame = table(rows)
    return frame.sort_values(["code", "year"], ignore_index=True) if len(frame) else frame


def indicators_table(evs: Iterable[Evaluation]) -> pd.DataFrame:
    """One row per indicator of the evaluations, in their order: the keys, then :func:`indicators_frame`'s."""
    return _keyed(evs, indicators_frame, INDICATOR_COLUMNS)


def findings_table(evs: Iterable[Evaluation]) -> pd.DataFrame:
    """One row per finding of the evaluations, in their order: the keys, then :func:`findings_frame`'s."""
    return _keyed(evs, findings_frame, FINDING_COLUMNS)


def _keyed(evs: Iterable[Evaluation], per: Any, columns: list[str]) -> pd.DataFrame:  # a frame function
    import pandas as pd

    frames = []
    for ev in evs:
        frame = per(ev)
        for i, (key, value) in enumerate(zip(KEYS, (ev.code, ev.department, ev.year, ev.framework.id))):
            frame.insert(i, key, value)
        frames.append(frame)
    if not frames:
        return typed(pd.DataFrame(columns=[*KEYS, *columns]))
    return typed(pd.concat(frames, ignore_index=True))


def portfolio_indicators(params_dir: str | Path = "params", years: int | Iterable[int] | None = None,
                         departments: str | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per indicator of every valid department-year (see :func:`indicators_table`)."""
    return indicators_table(evaluations(params_dir, years, departments)[0])


def portfolio_findings(params_dir: str | Path = "params", years: int | Iterable[int] | None = None,
                       departments: str | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per audit finding of every valid department-year (see :func:`findings_table`)."""
    return findings_table(evaluations(params_dir, years, departments)[0])


def compare(a: Evaluation, b: Evaluation) -> pd.DataFrame:
    """What changed from ``a`` to ``b``: every node's score (``before``, ``after``, ``change``; ``path`` its
    place in the tree) and every finding that appeared or went (its ``message``; ``before``/``after`` are 有 or
    无). ``changed`` marks the rows that moved.
    """
    before = {n.path: n for n in a.scorecard.walk()}
    after = {n.path: n for n in b.scorecard.walk()}
    rows = [{"kind": "total", "name": "总分", "path": "", "message": "", "before": num(a.total),
             "after": num(b.total), "change": num(b.total - a.total), "changed": a.total != b.total}]
    rows.append({"kind": "grade", "name": "等级", "path": "", "message": "", "before": a.grade, "after": b.grade,
                 "change": None, "changed": a.grade != b.grade})
    for path in dict.fromkeys([*before, *after]):
        x, y = before.get(path), after.get(path)
        sx, sy = (x.score if x else None), (y.score if y else None)
        rows.append({"kind": "node", "name": path[-1], "path": " / ".join(path), "message": "", "before": num(sx),
                     "after": num(sy), "change": num(sy - sx) if sx is not None and sy is not None else None,
                     "changed": sx != sy})
    old = {(f.level, f.code, f.message) for f in a.findings}
    new = {(f.level, f.code, f.message) for f in b.findings}
    for level, code, message in [*(k for k in ((f.level, f.code, f.message) for f in a.findings) if k not in new),
                                 *(k for k in ((f.level, f.code, f.message) for f in b.findings) if k not in old)]:
        rows.append({"kind": "finding", "name": f"{code}（{LEVEL_NAMES[level]}）", "path": "", "message": message,
                     "before": "有" if (level, code, message) in old else "无",
                     "after": "有" if (level, code, message) in new else "无", "change": None, "changed": True})
    return _frame(rows, ["kind", "name", "path", "message", "before", "after", "change", "changed"])


# ---------------------------------------------------------------------- project self-evaluations

#: One row per project self-evaluation (项目支出绩效自评): amounts in 万元, the rate in percent, ``findings``
#: the count of errors and warnings, ``main_finding`` what most explains the score (see :func:`main_finding`).
PROJECT_COLUMNS = ["code", "department", "year", "project", "implementer", "framework", "budget_adjusted",
                   "budget_spent", "execution_rate", "total", "grade", "findings", "main_finding", "error", "file"]
#: The grades a rollup counts, best first (the bundled frameworks'; a framework's own grades are counted too).
ROLLUP_GRADES = ("优", "良", "中", "差")
ROLLUP_COLUMNS = ["code", "department", "year", "projects", "invalid", "budget_adjusted", "budget_spent",
                  "execution_rate", "mean_total", "min_total", *ROLLUP_GRADES]


def project_summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """A project's row of :func:`projects_frame` from its JSON form (``Evaluation.to_dict()``, which the batch
    keeps for every project form)."""
    metrics = summary.get("metrics", {})
    factor = UNIT_FACTORS.get(summary.get("money_unit", PORTFOLIO_UNIT), Decimal(1))
    serious = [f for f in summary.get("findings", []) if f["level"] in ("error", "warning")]
    return {"code": summary.get("code", ""), "department": summary.get("department", ""),
            "year": summary.get("year"), "project": summary.get("project") or "",
            "implementer": summary.get("implementer") or "", "framework": summary.get("framework", ""),
            "budget_adjusted": _two(metrics.get("adjusted_budget"), factor),
            "budget_spent": _two(metrics.get("spent"), factor), "execution_rate": _two(metrics.get("execution_rate")),
            "total": _two(summary.get("total")), "grade": summary.get("grade", ""), "findings": len(serious),
            "main_finding": main_finding(summary)}


def main_finding(summary: dict[str, Any]) -> str:
    """What most explains a score, from its JSON form: the first error (the form itself is wrong); else the
    finding on the indicator that lost the most points (a target missed far); else the first warning; else
    nothing."""
    findings = summary.get("findings", [])
    errors = [f for f in findings if f["level"] == "error"]
    if errors:
        return errors[0]["message"]
    lost = {i["name"]: i["weight"] - i["score"] for i in summary.get("indicators", [])
            if i.get("weight") is not None and i.get("score") is not None and i["weight"] > i["score"]}
    for name in sorted(lost, key=lambda n: -lost[n]):
        about = [f for f in findings if f.get("subject") == name]
        if about:
            return about[0]["message"]
    warnings = [f for f in findings if f["level"] == "warning"]
    return warnings[0]["message"] if warnings else ""


def projects_table(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Rows of :func:`project_summary_row` as a typed DataFrame of :data:`PROJECT_COLUMNS`, sorted by code,
    year and project."""
    frame = _frame(list(rows), PROJECT_COLUMNS)
    return frame.sort_values(["code", "year", "project", "file"], ignore_index=True) if len(frame) else frame


def projects_frame(params_dir: str | Path = "params", years: int | Iterable[int] | None = None,
                   departments: str | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per project self-evaluation ``<code>/projects/<year>/<key>.yaml``: code, department, year,
    project (项目名称), implementer, framework, ``budget_adjusted`` and ``budget_spent`` (万元),
    ``execution_rate`` (%), total, grade, ``findings`` (errors and warnings), ``main_finding``, ``error`` and
    ``file``. A file that does not validate has a row too, with its ``error`` and nothing scored. ``years``
    and ``departments`` select as :func:`portfolio`'s; none found is an empty frame, not an error."""
    chosen_years, chosen_codes = selected_years(years), selected_departments(departments)
    return projects_table(project_rows(discover_projects(params_dir, departments=chosen_codes, years=chosen_years)))


def project_rows(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The rows of :func:`projects_frame` of these project files, each evaluated (a failure: its ``error``)."""
    rows = []
    for path in paths:
        try:
            rows.append({**project_summary_row(evaluate(path).to_dict()), "error": None, "file": str(path)})
        except PerflibError as exc:
            code, year = project_place(path) or ("", None)
            rows.append({"code": code, "year": year, "project": path.stem, "file": str(path), "error": first_line(exc)})
    return rows


def rollup(projects: pd.DataFrame) -> pd.DataFrame:
    """:func:`projects_frame`'s rows rolled up per department and year: the number of projects (``invalid``:
    of them not validated, left out of the rest), ``budget_adjusted`` and ``budget_spent`` (万元, summed),
    ``execution_rate`` (spent ÷ budget, %), ``mean_total`` and ``min_total``, and the count of each grade."""
    import pandas as pd

    rows = []
    for (code, year), group in projects.groupby(["code", "year"], sort=True):
        valid = group[group.error.isna()]
        totals = [Decimal(repr(float(v))) for v in valid.total.dropna()]
        budget = sum((Decimal(repr(float(v))) for v in valid.budget_adjusted.dropna()), Decimal(0))
        spent = sum((Decimal(repr(float(v))) for v in valid.budget_spent.dropna()), Decimal(0))
        names = [d for d in valid.department if d]
        rows.append({
            "code": code, "department": names[0] if names else "", "year": int(year), "projects": len(group),
            "invalid": len(group) - len(valid), "budget_adjusted": num(budget) if len(valid) else None,
            "budget_spent": num(spent) if len(valid) else None,
            "execution_rate": num(spent / budget * 100) if budget else None,
            "mean_total": num(sum(totals, Decimal(0)) / len(totals)) if totals else None,
            "min_total": num(min(totals)) if totals else None,
            **{g: int((valid.grade.astype("string") == g).sum()) for g in ROLLUP_GRADES},
        })
    frame = typed(pd.DataFrame(rows, columns=ROLLUP_COLUMNS))
    return frame.astype(dict.fromkeys(ROLLUP_GRADES, "int64"))


def project_rollup(params_dir: str | Path = "params", years: int | Iterable[int] | None = None,
                   departments: str | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per department and year of its project self-evaluations (see :func:`rollup`)."""
    return rollup(projects_frame(params_dir, years, departments))


def weakest(projects: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` projects of lowest total (those that validated), lowest first; ties by code and project."""
    valid = projects[projects.total.notna()]
    return valid.sort_values(["total", "code", "project"], kind="stable", ignore_index=True).head(n)
