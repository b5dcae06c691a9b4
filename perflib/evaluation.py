"""One call that evaluates a department-year: load, metrics, scores, audit.

>>> ev = evaluate("params/baiyun-emergency/2023.yaml")   # doctest: +SKIP
>>> ev.total, ev.grade                                     # doctest: +SKIP
(Decimal('91.88'), '优')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .audit import Finding, Findings, audit
from .errors import InputError, InputErrors, Problems, line_of
from .inputs.locate import available, find_framework, frameworks_dir_for
from .inputs.params import load_params, unspent
from .inputs.schema import ParamsFile
from .numbers import exact, percent, plain, quantize
from .reviewer.rescore import Reviewed, reviewed  # imported with perflib: a warm kernel's baseline holds it
from .scoring import budget
from .scoring.frameworks import Framework, load_framework
from .scoring.methods import DIRECTIONS
from .scoring.targets import OP_SYMBOLS
from .scoring.tree import NodeResult, Scorecard, score


@dataclass(frozen=True)
class Evaluation:
    """Everything perflib knows of one department-year (or of one of its projects: :attr:`project`)."""

    path: Path | None
    params: ParamsFile
    framework: Framework
    metrics: budget.Metrics
    scorecard: Scorecard
    findings: tuple[Finding, ...]

    @property
    def total(self) -> Decimal:
        return self.scorecard.total

    @property
    def grade(self) -> str:
        return self.scorecard.grade

    @property
    def department(self) -> str:
        return self.params.department.name

    @property
    def code(self) -> str:
        return self.params.department.code

    @property
    def year(self) -> int:
        return self.params.year

    @property
    def project(self) -> str | None:
        """The project's name (项目名称) of a project self-evaluation; None for a department's own."""
        return self.params.project.name if self.params.project else None

    @property
    def title(self) -> str:
        if self.params.title:
            return self.params.title
        if self.project:  # "…防汛项目" is not "…防汛项目项目"
            return f"{self.year} 年度{self.project.removesuffix('项目')}项目支出绩效自评报告"
        return f"{self.year} 年度{self.department}部门整体支出绩效自评报告"

    def findings_at(self, level: str) -> list[Finding]:
        return [f for f in self.findings if f.level == level]

    def __repr__(self) -> str:
        return (f"<Evaluation {self.department} {self.year}：{self.total} 分，{self.grade}，"
                f"审核发现 {len(self.findings)} 项>")

    def _repr_html_(self) -> str:
        from .frames import scorecard_html

        return scorecard_html(self)

    # -- as pandas DataFrames (see perflib.frames for the columns)
    def indicators_frame(self):  # pandas.DataFrame
        """One row per indicator: target, actual, completion (%), met, points, score."""
        from .frames import indicators_frame

        return indicators_frame(self)

    def nodes_frame(self):
        """One row per node of the scored tree, parents first: max, score, lost points."""
        from .frames import nodes_frame

        return nodes_frame(self)

    def findings_frame(self):
        """One row per audit finding: severity, code, report topic, subject, message."""
        from .frames import findings_frame

        return findings_frame(self)

    def budget_frame(self):
        """One row per fund type and the total: budgets, spending, execution and adjustment rates (%)."""
        from .frames import budget_frame

        return budget_frame(self)

    def monthly_frame(self):
        """One row per month: cumulative spending, its execution rate and the even pace (%)."""
        from .frames import monthly_frame

        return monthly_frame(self)

    def variants_frame(self, variants=None):
        """One row per rule variant (规则口径差异): total, grade and difference under it (see perflib.frames)."""
        from .frames import variants_frame

        return variants_frame(self, variants)

    def variants(self, variants=None) -> list:
        """The total and grade under each rule variant: :func:`perflib.scoring.variants.score_variants`."""
        from .scoring.variants import score_variants

        return score_variants(self, variants=variants)

    def grade_flip(self):
        """The smallest single-row change that flips the grade: :func:`perflib.scoring.variants.grade_flip`."""
        from .scoring.variants import grade_flip

        return grade_flip(self)

    def reviewed(self) -> Reviewed | None:
        """The reviewer's scores (复核分) of this form beside its own and perflib's, with the reviewed total and
        grade; None when no review is stored beside the form (:mod:`perflib.reviewer`)."""
        return reviewed(self)

    def what_if(self, changes: dict[str, Any], *, keep_stated: bool = False) -> Evaluation:
        """The evaluation had the inputs been otherwise; nothing is written.

        ``changes`` maps an indicator's name to its new actual (``"35 家"``) or to a dict of its fields
        (``{"actual": …, "self_score": …}``); a 管理效率 leaf's name to a dict (``{"deductions": [],
        "score": None}``); ``"monthly"`` to twelve month-end cumulative amounts. The figures the published
        report states (``stated``) are left out unless ``keep_stated``: they describe the report as it was,
        and every changed score would otherwise be reported as a mismatch. Raises
        :class:`~perflib.errors.InputErrors` naming what is not there or not valid, and a change the score
        would not see: a new actual where numerator ÷ denominator gives it, a rule input of an indicator
        (or the deductions of a leaf) scored by the department's own score without saying what becomes of
        that score (see :mod:`perflib.inputs.whatif`).
        """
        from .inputs.whatif import apply

        params = apply(self.params, changes, keep_stated=keep_stated)
        return evaluate_params(params, self.framework, path=None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by ``perflib score --json`` (numbers as floats, rates in percent)."""
        m = self.metrics
        return {
            "department": self.department,
            "code": self.code,
            "year": self.year,
            "framework": self.framework.id,
            "framework_name": self.framework.name,
            "money_unit": m.unit,
            "total": plain(self.total),
            "max": plain(self.framework.total),
            "grade": self.grade,
            "nodes": [_node_dict(n) for n in self.scorecard.walk()],
            "metrics": metrics_dict(m),
            "indicators": [_indicator_dict(r) for r in self.scorecard.indicators],
            "findings": [f.as_dict() for f in self.findings],
            **({"project": self.project, "implementer": self.params.project.implementer} if self.project else {}),
            **({"review": _review_dict(rv)} if (rv := self.reviewed()) is not None else {}),
        }


def _review_dict(rv: Reviewed) -> dict[str, Any]:
    """The reviewer's scores for JSON: the three totals and grades, who reviewed and when, every row reviewed."""
    return {
        "reviewer": rv.review.reviewer, "date": rv.review.date.isoformat(),
        "self_total": plain(rv.self_total), "self_grade": rv.self_grade,
        "rule_total": plain(rv.rule_total), "rule_grade": rv.rule_grade,
        "total": plain(rv.total), "grade": rv.grade,
        "rows": [{"path": list(r.row.path), "self_score": plain(r.row.self_score), "rule_score": plain(r.row.rule_score),
                  "review_score": plain(r.score), "entered": r.review_score is not None, "comment": r.comment}
                 for r in rv.rows if r.review_score is not None or r.comment],
    }


def metrics_dict(m: budget.Metrics) -> dict[str, Any]:
    """Metrics for JSON: amounts in the money unit, rates in percent with 2 decimals."""
    return {
        "initial_budget": plain(m.initial),
        "adjusted_budget": plain(m.adjusted),
        "spent": plain(m.spent),
        "execution_rate": plain(percent(m.execution_rate)),
        "budget_adjustment_rate": plain(percent(m.adjustment_rate)),
        "evaluation_rate": plain(percent(m.evaluation_rate)),
        "evaluation_rate_strategy": m.evaluation.strategy,
        "evaluation_rate_source": m.evaluation.source,
        "monthly_mean_rate": plain(percent(m.monthly_mean_rate)),
        "stated_evaluation_rate": plain(percent(m.stated_evaluation_rate)),
        "funds": [
            {
                "type": f.type, "initial": plain(f.initial), "adjusted": plain(f.adjusted), "spent": plain(f.spent),
                "execution_rate": plain(percent(f.execution_rate)), "adjustment_rate": plain(percent(f.adjustment_rate)),
            }
            for f in m.funds
        ],
        "cumulative_rates": [plain(percent(r)) for r in m.cumulative_rates] if m.cumulative_rates else None,
        "key_projects": [
            {"name": p.name, "budget": plain(p.budget), "spent": plain(p.spent),
             "execution_rate": plain(percent(p.execution_rate))}
            for p in m.projects
        ],
    }


def _node_dict(n: NodeResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": n.name, "path": list(n.path), "level": n.level, "kind": n.kind,
        "max": plain(n.max), "score": plain(n.score),
    }
    if n.rule_score is not None:
        out["rule_score"] = plain(n.rule_score)
    if n.execution:
        out["rate"] = plain(percent(n.execution.rate))
    if s := n.standard:  # a standard indicator computed from the budget: its value in %, and how
        out["standard"] = {"indicator": s.indicator, "formula": s.formula, "target": s.target,
                           "value": None if s.value is None else plain(quantize(s.value, 2)), "source": s.source,
                           "direction": s.direction, "printed": None if s.printed is None else plain(s.printed)}
    return out


def _indicator_dict(r) -> dict[str, Any]:
    return {
        "name": r.name,
        "category": r.category_label,
        "target": r.target.text,
        "actual": r.actual_display,
        "computed_actual": plain(quantize(r.computed, 4)) if r.computed is not None else None,
        "unit": r.rate_unit if r.computed is not None else (r.parts[0].target.unit if r.parts else ""),
        "completion": plain(percent(r.completion)),
        "met": r.met,
        "weight": plain(r.weight),
        "score": plain(r.score),
        "rule_score": plain(r.rule_score),
        "self_score": plain(r.self_score),
        "method": r.method,
        "parts": [
            {"op": OP_SYMBOLS[p.target.op], "target": plain(p.target.value), "upper": plain(p.target.upper),
             "unit": p.target.unit, "actual": plain(quantize(p.actual, 4)), "rule": p.rule,
             "direction": DIRECTIONS[p.rule], "completion": plain(percent(p.completion)), "met": p.met}
            for p in r.parts
        ],
    }


@exact
def evaluate_params(
    params: ParamsFile, framework: Framework, *, path: Path | None = None, lines: dict | None = None,
    strict: bool = False,
) -> Evaluation:
    """Evaluate validated ``params`` under ``framework``; raise InputErrors on semantic problems.

    A form's defects — a blank target or actual, indicator weights that do not add up to their node — are
    read, scored as the framework says and reported as error findings; ``strict`` refuses them instead
    (for data entry). A year file without its spending (:func:`~perflib.inputs.params.before_year_end`) is
    refused, naming each amount missing."""
    unspent(params, path if path is not None else "(输入)", lines)
    metrics = budget.compute(
        params.budget.funds, params.execution, params.key_projects,
        unit=params.money_unit, rule=framework.execution_rule, kinds=params.budget.by_kind,
    )
    problems = Problems(path if path is not None else "(输入)", lines, strict=strict)
    card = score(params, framework, metrics, problems)
    return Evaluation(path, params, framework, metrics, card, Findings(audit(params, framework, metrics, card)))


@dataclass(frozen=True)
class Loaded:
    """One department-year's input file, checked against the schema, and its framework."""

    path: Path
    params: ParamsFile
    framework: Framework
    lines: dict[tuple, int]


def load(path: str | Path, *, frameworks_dir: str | Path | None = None) -> Loaded:
    """A params file and its framework, both validated; raise :class:`InputErrors`.

    The framework is looked for in ``frameworks_dir`` (by default the params folder's
    ``frameworks/``), then among the bundled frameworks.
    """
    path = Path(path)
    params, lines = load_params(path)
    fw_dir = Path(frameworks_dir) if frameworks_dir else frameworks_dir_for(path)
    fw_file = find_framework(params.framework, fw_dir)
    if fw_file is None:
        raise InputErrors([InputError(
            path, "framework", "找不到该评价框架", expected=f"以下之一：{'、'.join(available(fw_dir))}",
            found=params.framework, line=line_of(lines, ("framework",)),
        )])
    framework = load_framework(fw_file)
    if params.project is not None and framework.kind != "project":
        projects = [f for f in available(fw_dir) if load_framework(find_framework(f, fw_dir)).kind == "project"]
        raise InputErrors([InputError(
            path, "framework", "项目支出绩效自评须用项目类评价框架（kind: project）",
            expected=f"以下之一：{'、'.join(projects)}", found=f"{params.framework}（{framework.name}，部门整体）",
            line=line_of(lines, ("framework",)),
        )])
    return Loaded(path, params, framework, lines)


def evaluate(path: str | Path, *, frameworks_dir: str | Path | None = None, strict: bool = False) -> Evaluation:
    """Load, score and audit the params file at ``path``; raise InputErrors naming every problem (and,
    with ``strict``, every defect of the form: see :func:`evaluate_params`).

    In a notebook the batch runs, the batch's own evaluation of ``path`` is returned (see :func:`give`)."""
    handed = given(path)
    if isinstance(handed, Evaluation):
        return handed
    loaded = load(path, frameworks_dir=frameworks_dir)
    return evaluate_params(loaded.params, loaded.framework, path=loaded.path, lines=loaded.lines, strict=strict)


# ---------------------------------------------------------------------- what the batch hands a notebook

_GIVEN: dict[Path, object] = {}


def give(results: Mapping[str | Path, object]) -> None:
    """Hand this process the batch's own results (an :class:`Evaluation` or a monitoring result, by the
    path of the file it was made from) for the notebook it runs next.

    The batch evaluates every input once — to check it before anything is rendered, and for the index and
    the summary. Through this hand-over, ``evaluate(path)`` (and ``monitor(path)``) in the notebook returns
    that same evaluation instead of reading the file again, so the page, the Word report, the PDF, the
    自评表, the index and the summary show one evaluation, made with the options of the run
    (``--frameworks``, ``--strict``). Replaces whatever was given before; ``give({})`` forgets it all. A
    process nothing was handed to (JupyterLab, ``perflib score``) evaluates the files.
    """
    _GIVEN.clear()
    _GIVEN.update((Path(p).resolve(), r) for p, r in results.items())


def given(path: str | Path) -> object | None:
    """What :func:`give` handed over for ``path``, or None."""
    return _GIVEN.get(Path(path).resolve()) if _GIVEN else None
