"""An evaluation as pandas DataFrames: the analyst's tables to filter, group and plot.

Decimal stays in the core (pandas has no decimal type); here every amount, rate and score becomes a
float rounded half-up to two decimals, as everything a reader sees. Column names are stable English
identifiers for code; :data:`LABELS` gives their Chinese display names (``frame.rename(columns=LABELS)``,
or :func:`chinese`). Rates are in percent (98.54, not 0.9854). pandas is imported only when a frame is
asked for, so ``import perflib`` stays cheap.

========================  =====================================================================
``indicators_frame(ev)``  one row per 绩效指标: category, target, actual, completion, met, points
``nodes_frame(ev)``       one row per node of the scored tree, parents first
``findings_frame(ev)``    one row per audit finding, with its report topic
``budget_frame(ev)``      one row per fund type, then 合计
``monthly_frame(ev)``     one row per month: cumulative spending and rate against the even pace
``variants_frame(ev)``    one row per rule variant (规则口径差异): total, grade and difference under it
========================  =====================================================================

Every column has one type whatever the data (:data:`COLUMN_TYPES`, applied by :func:`typed` as a frame is
built): amounts, rates and scores are float64 with NaN where empty (so ``.round()``, ``.mean()`` and plotting
always work), years and ordinal numbers int64, counts of findings nullable Int64 (empty for a file that did
not validate), ``grade`` an ordered category (差 < 中 < 良 < 优, so ``frame.grade >= "良"`` and sorting rank).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .errors import LEVEL_NAMES, Level
from .numbers import HUNDRED, exact, quantize

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: English column → Chinese display name, for every frame perflib returns (a column name means one thing
#: in every frame: ``path`` is a node's place in the indicator tree, ``file`` the input file).
LABELS = {
    "code": "部门代码", "department": "部门名称", "year": "年度", "framework": "评价框架", "file": "文件",
    "path": "指标路径",
    "no": "序号", "category": "指标类别", "top": "一级类别", "name": "名称", "target": "年度指标值",
    "actual": "实际完成值", "unit": "单位", "completion": "完成率（%）", "met": "是否完成", "weight": "分值",
    "score": "得分", "rule_score": "按规则得分", "self_score": "自评得分", "method": "计分方法",
    "analysis": "完成情况分析", "level": "层级", "kind": "类型", "max": "满分", "lost": "扣分",
    "rate": "执行率（%）", "parent": "上级", "severity": "级别代码", "severity_name": "级别",
    "finding_code": "发现代码", "topic": "问题方面",
    "subject": "对象", "message": "内容", "fund": "资金性质", "initial": "年初预算", "adjusted": "调整后预算",
    "spent": "支出", "execution_rate": "预算执行率（%）", "adjustment_rate": "预算调整率（%）",
    "money_unit": "金额单位", "total": "总分", "grade": "等级", "evaluation_rate": "年度评价执行率（%）",
    "errors": "错误", "warnings": "警示", "infos": "提示", "error": "问题",
    "ratio": "实际÷目标（%）", "month": "月份", "cumulative": "累计支出", "cumulative_rate": "累计执行率（%）",
    "even": "均衡进度（%）", "budget_initial": "年初预算（万元）", "budget_adjusted": "调整后预算（万元）",
    "budget_spent": "支出（万元）", "status": "状态", "report": "报告",
    "before": "变动前", "after": "变动后", "change": "变动（分）", "changed": "是否变动",
    "project": "项目名称", "implementer": "实施单位", "findings": "错误和警示", "main_finding": "主要发现",
    "projects": "项目数", "invalid": "未通过校验", "mean_total": "平均分", "min_total": "最低分",
    "variant": "口径", "source": "出处", "applicable": "是否适用", "difference": "差额（分）",
    "grade_differs": "等级是否不同", "ambiguous": "等级存疑", "note": "说明",
    "rank": "排序", "risk": "风险分", "kind_name": "疑点类别", "row": "表中行次", "issue": "疑点",
    "evidence": "需提供的佐证材料", "points": "涉及分值", "flips_grade": "可能改变等级", "stated_total": "自评总分",
    "verifiable_share": "可核验得分占比（%）", "judged_share": "评判得分占比（%）", "unverifiable_share": "无据得分占比（%）",
    "unverifiable_points": "无据得分", "queries": "疑点数", "margin": "距等级下限（分）",
    "variants": "规则口径差异", "flip": "改变等级的最小单项变动", "forms": "涉及表数",
    "probability": "入样概率（%）", "reason": "抽取理由",
    "last_year": "上年度", "problem": "上年问题", "this_year_says": "本年报告所述", "said_in": "所述见于",
    "recurs": "本年再次出现",
    "review_score": "复核分", "review_comment": "复核意见", "reviewed_total": "复核总分", "reviewed_grade": "复核等级",
}

#: The grades of the bundled frameworks, lowest first: ``grade`` is a category in this order.
GRADES = ("差", "中", "良", "优")

#: Amounts, rates and scores: float64, NaN where empty.
FLOATS = ("completion", "ratio", "weight", "score", "rule_score", "self_score", "max", "lost", "rate", "initial",
          "adjusted", "spent", "execution_rate", "adjustment_rate", "cumulative", "cumulative_rate", "even", "total",
          "evaluation_rate", "budget_initial", "budget_adjusted", "budget_spent", "change", "mean_total", "min_total", "difference",
          "risk", "points", "stated_total", "verifiable_share", "judged_share", "unverifiable_share",
          "unverifiable_points", "margin", "probability", "review_score", "reviewed_total")

#: The dtype of every non-text column perflib returns, in whichever frame it appears; text keeps pandas'
#: string type. ``grade``: an ordered category, see :func:`grade_dtype`.
COLUMN_TYPES: dict[str, str] = {
    **dict.fromkeys(FLOATS, "float64"),
    "year": "int64", "no": "int64", "level": "int64", "month": "int64",
    "errors": "Int64", "warnings": "Int64", "infos": "Int64",  # empty for a file that did not validate
    "findings": "Int64", "projects": "int64", "invalid": "int64", "rank": "int64", "queries": "int64", "forms": "int64",
    "last_year": "int64",
    "met": "bool", "changed": "bool", "applicable": "bool", "grade_differs": "bool", "flips_grade": "bool",
    "recurs": "bool",
    "grade": "category", "reviewed_grade": "category",
}

INDICATOR_COLUMNS = ["no", "category", "top", "name", "target", "actual", "unit", "completion", "met", "ratio", "weight",
                     "score", "rule_score", "self_score", "method", "analysis"]
FINDING_COLUMNS = ["severity", "severity_name", "finding_code", "topic", "subject", "message"]


def _pandas():
    import pandas

    return pandas


def num(value: Decimal | None, places: int = 2) -> float | None:
    """A Decimal as a float rounded half-up (None stays None)."""
    return None if value is None else float(quantize(value, places))


def pct(rate: Decimal | None) -> float | None:
    """A rate (0.9854) as percent rounded half-up (98.54)."""
    return None if rate is None else float(quantize(rate * HUNDRED, 2))


def chinese(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with Chinese column names, and names of its axes (after ``set_index``, ``groupby`` or
    ``pivot_table``), for display and export; a column named by a node (the portfolio's) is Chinese already."""
    def label(name: object) -> object:
        return LABELS.get(name, name) if isinstance(name, str) else name

    return frame.rename(columns=LABELS).rename_axis(index=label, columns=label)


def typed(frame: pd.DataFrame, *, scores: Iterable[str] = ()) -> pd.DataFrame:
    """``frame`` with each column of :data:`COLUMN_TYPES` of its type, and ``scores`` (columns named by a
    node of the tree, as the portfolio's) float64: the same dtypes whether a column is full, empty or absent
    from every row."""
    types = {c: t for c, t in COLUMN_TYPES.items() if c in frame.columns and t != "category"}
    frame = frame.astype({**types, **dict.fromkeys(scores, "float64")})
    for grade, total in (("grade", "total"), ("reviewed_grade", "reviewed_total")):
        if grade in frame.columns:
            known = frame[grade].where(frame[grade] != "")  # an empty grade (no review, a file not read) is missing
            frame[grade] = known.astype(grade_dtype(known, frame[total]))
    return frame


def grade_dtype(grades: pd.Series, totals: pd.Series) -> pd.CategoricalDtype:
    """The ordered category of ``grades``: 差 < 中 < 良 < 优, so that 优 > 良 and sorting ranks; a framework
    of one's own that names its grades otherwise has them in the order of its bands, i.e. of ``totals``
    (the lowest total seen with each). An empty grade (a file that did not validate) is missing."""
    pd = _pandas()
    names = [g for g in dict.fromkeys(grades.dropna()) if g != ""]
    if set(names) <= set(GRADES):
        return pd.CategoricalDtype(GRADES, ordered=True)
    lowest = {name: totals[grades == name].min() for name in names}
    return pd.CategoricalDtype(sorted(names, key=lambda n: lowest[n]), ordered=True)


@exact
def indicators_frame(ev: Any) -> pd.DataFrame:  # an Evaluation
    """One row per indicator, in the input's order."""
    rows = []
    for r in ev.scorecard.indicators:
        unit = r.rate_unit if r.computed is not None else (r.parts[0].target.unit if r.parts else "")
        rows.append({
            "no": r.index + 1, "category": r.category_label, "top": r.category[0], "name": r.name,
            "target": r.target.text, "actual": r.actual_display, "unit": unit, "completion": pct(r.completion),
            "met": r.met, "ratio": pct(r.max_ratio), "weight": num(r.weight), "score": num(r.score), "rule_score": num(r.rule_score),
            "self_score": num(r.self_score), "method": r.method, "analysis": r.analysis or "",
        })
    review = _review(ev)
    if review is None:
        return _frame(rows, INDICATOR_COLUMNS)
    by_indicator = {id(row.row.node.indicator): row for row in review.rows if row.row.node.indicator is not None}
    for out, r in zip(rows, ev.scorecard.indicators):
        row = by_indicator.get(id(r))
        out.update(review_score=num(row.score) if row else None, review_comment=(row.comment or "") if row else "")
    return _frame(rows, [*INDICATOR_COLUMNS, *REVIEW_COLUMNS])


#: The columns an indicator's and a node's frame get when the form has a stored review (:mod:`perflib.reviewer`):
#: the score the reviewed total counts (the 复核分, or the rule score where the reviewer left it blank) and the
#: reviewer's comment.
REVIEW_COLUMNS = ["review_score", "review_comment"]


def _review(ev: Any):  # perflib.reviewer.rescore.Reviewed | None
    from .reviewer.rescore import reviewed

    return reviewed(ev)


@exact
def nodes_frame(ev: Any) -> pd.DataFrame:
    """One row per node of the scored tree (groups, indicator nodes, leaves), parents first."""
    rows = []
    for n in ev.scorecard.walk():
        rows.append({
            "path": " / ".join(n.path), "level": n.level, "name": n.name,
            "parent": n.path[-2] if len(n.path) > 1 else "", "kind": n.kind, "max": num(n.max),
            "score": num(n.score), "lost": num(n.lost), "rule_score": num(n.rule_score), "method": n.method or "",
            "rate": pct(n.execution.rate) if n.execution else None,
        })
    columns = ["path", "level", "name", "parent", "kind", "max", "score", "lost", "rule_score", "method", "rate"]
    review = _review(ev)
    if review is None:
        return _frame(rows, columns)
    for out, n in zip(rows, ev.scorecard.walk()):
        row = review.row(n.path)
        out.update(review_score=num(review.scores[n.path]), review_comment=(row.comment or "") if row else "")
    return _frame(rows, [*columns, *REVIEW_COLUMNS])


@exact
def findings_frame(ev: Any) -> pd.DataFrame:
    """One row per finding: ``severity`` (error/warning/info) and its Chinese name, code, topic, subject, message."""
    rows = [{"severity": f.level, "severity_name": LEVEL_NAMES[f.level], "finding_code": f.code,
             "topic": f.topic or "", "subject": f.subject, "message": f.message} for f in ev.findings]
    return _frame(rows, FINDING_COLUMNS)


@exact
def budget_frame(ev: Any) -> pd.DataFrame:
    """One row per fund type and a 合计 row: amounts in the file's money unit, rates in percent."""
    m = ev.metrics
    rows = [{"fund": f.type, "initial": num(f.initial), "adjusted": num(f.adjusted), "spent": num(f.spent),
             "execution_rate": pct(f.execution_rate), "adjustment_rate": pct(f.adjustment_rate), "money_unit": m.unit}
            for f in m.funds]
    rows.append({"fund": "合计", "initial": num(m.initial), "adjusted": num(m.adjusted), "spent": num(m.spent),
                 "execution_rate": pct(m.execution_rate), "adjustment_rate": pct(m.adjustment_rate),
                 "money_unit": m.unit})
    return _frame(rows, ["fund", "initial", "adjusted", "spent", "execution_rate", "adjustment_rate", "money_unit"])


@exact
def monthly_frame(ev: Any) -> pd.DataFrame:
    """One row per month (1–12): cumulative spending, its rate of the adjusted budget (%), and the even pace
    m/12 (%); empty when the file has no monthly series."""
    m = ev.metrics
    rows = []
    if m.cumulative and m.cumulative_rates:
        rows = [{"month": i, "cumulative": num(c), "cumulative_rate": pct(r), "even": pct(Decimal(i) / 12)}
                for i, (c, r) in enumerate(zip(m.cumulative, m.cumulative_rates), 1)]
    return _frame(rows, ["month", "cumulative", "cumulative_rate", "even"])


VARIANT_COLUMNS = ["variant", "name", "source", "applicable", "total", "grade", "difference", "grade_differs",
                   "ambiguous", "note"]


@exact
def variants_frame(ev: Any, variants: Any = None) -> pd.DataFrame:
    """One row per rule variant (:mod:`perflib.scoring.variants`): ``variant`` (its id), ``name``, ``source``
    (where it is used), ``applicable``, ``total`` and ``grade`` under it, ``difference`` from the evaluation's own
    total, ``grade_differs``, ``ambiguous`` (「良/优」 when the total lies between whole-number bands, else empty)
    and ``note`` (why a variant does not apply). ``variants``: the variants to use (by default the params folder's
    or the bundled ones)."""
    from .scoring.variants import score_variants

    rows = [{"variant": r.id, "name": r.name, "source": r.source, "applicable": r.applicable, "total": num(r.total),
             "grade": r.grade, "difference": num(r.difference), "grade_differs": r.grade_differs,
             "ambiguous": "/".join(r.ambiguous) if r.ambiguous else "", "note": r.note}
            for r in score_variants(ev, variants=variants)]
    return _frame(rows, VARIANT_COLUMNS)


def _frame(rows: list[dict], columns: list[str], *, scores: Iterable[str] = ()) -> pd.DataFrame:
    return typed(_pandas().DataFrame(rows, columns=columns), scores=scores)


# ---------------------------------------------------------------------- rich display in a notebook


def _cell(value: object) -> str:
    from markupsafe import escape

    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return str(escape(f"{quantize(value, 2):,f}"))
    return str(escape(value))


def html_table(headers: list[str], rows: list[list[object]], *, numeric: tuple[int, ...] = ()) -> str:
    """A small bordered table for a notebook's rich display (every cell escaped)."""
    head = "".join(f"<th>{_cell(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:{"right" if i in numeric else "left"}">{_cell(v)}</td>'
                         for i, v in enumerate(row)) + "</tr>"
        for row in rows)
    return f'<table border="1" cellspacing="0" cellpadding="3"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


@exact
def scorecard_html(ev: Any, *, top: int = 5) -> str:
    """An evaluation at a glance: total and grade, the first two levels of the tree, the first findings."""
    from markupsafe import escape

    nodes = [[("　" * (n.level - 1)) + n.name, n.max, n.score] for n in ev.scorecard.walk() if n.level <= 2]
    counts = "，".join(f"{LEVEL_NAMES[lv]} {len(ev.findings_at(lv))}" for lv in Level)
    first = [[LEVEL_NAMES[f.level], f.code, f.message] for f in ev.findings[:top]]
    more = f"<p>……另有 {len(ev.findings) - top} 项（ev.findings_frame() 列出全部）</p>" if len(ev.findings) > top else ""
    return (f"<div><p><strong>{escape(ev.department)} {ev.year} 年度</strong>（{escape(ev.framework.name)}）："
            f"<strong>{_cell(ev.total)} 分，{escape(ev.grade)}</strong></p>"
            + html_table(["指标", "满分", "得分"], nodes, numeric=(1, 2))
            + f"<p>审核发现 {len(ev.findings)} 项：{counts}</p>"
            + (html_table(["级别", "代码", "内容"], first) if first else "") + more + "</div>")
