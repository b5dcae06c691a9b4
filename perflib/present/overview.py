"""The year's overview across departments: ranking, grades, node scores, execution, what went wrong.

``notebooks/overview.ipynb`` calls one function per section, as the report notebook does. Every table is
computed from the portfolio's DataFrames (:mod:`perflib.portfolio`: one row per department-year, per
indicator, per finding) — the tables an analyst gets from ``perflib.portfolio(...)``; the charts draw the
evaluations. A department-year whose input does not validate is listed, not fatal: the overview shows
the others. The year's project self-evaluations (``<code>/projects/<year>/*.yaml``) are rolled up per
department and their weakest listed (:func:`projects`), from :func:`perflib.portfolio.projects_frame`'s rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LEVEL_NAMES, PerflibError
from ..evaluation import Evaluation
from ..inputs.params import discover_projects
from ..numbers import exact, fmt_number, fmt_percent, fmt_points, from_plain, quantize
from ..portfolios import (
    evaluations,
    findings_table,
    indicators_table,
    project_rows,
    projects_table,
    rollup,
    row,
    table,
    weakest,
)
from . import charts
from .html import HTML, heading, items, join, note, para
from .html import table as html_table
from .report import numbered_figure
from .reviewed import reviewed_cell

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class Portfolio:
    """Every department of one year, and the same departments the year before."""

    year: int
    evaluations: tuple[Evaluation, ...]  # this year, ranked by total (highest first)
    previous: dict[str, Evaluation] = field(default_factory=dict)  # code → last year's evaluation
    invalid: tuple[tuple[str, str], ...] = ()  # (file, first error) of inputs that did not validate
    figures: list[int] = field(default_factory=lambda: [0])
    project_rows: tuple[dict, ...] = ()  # this year's project forms (perflib.portfolio.project_rows)

    @property
    def projects(self) -> pd.DataFrame:
        """This year's project self-evaluations, one row each (:func:`perflib.portfolio.projects_frame`)."""
        return projects_table(self.project_rows)

    @property
    def table(self) -> pd.DataFrame:
        """This year's rows of the portfolio (:func:`perflib.portfolio.portfolio`), ranked."""
        return table(row(ev) for ev in self.evaluations)

    @property
    def last(self) -> pd.DataFrame:
        """Last year's rows of the same departments."""
        return table(row(ev) for ev in self.previous.values())

    @property
    def indicators(self) -> pd.DataFrame:
        """This year's indicators, one row each, in ranking order."""
        return indicators_table(self.evaluations)

    @property
    def findings(self) -> pd.DataFrame:
        """This year's audit findings, one row each, in ranking order."""
        return findings_table(self.evaluations)


@exact
def load(params_dir: str | Path, year: int) -> Portfolio:
    """Evaluate every ``<params_dir>/<code>/<year>.yaml`` (and the year before)."""
    try:
        done, failed = evaluations(params_dir, years=[year - 1, year])
    except PerflibError:  # no department-year file: a year of project forms only
        if not discover_projects(params_dir, years=[year]):
            raise
        done, failed = [], {}
    current = [ev for ev in done if ev.year == year]
    previous = {ev.code: ev for ev in done if ev.year == year - 1}
    invalid = [(f"{path.parent.name}/{path.name}", error) for path, error in failed.items() if int(path.stem) == year]
    ranked = sorted(current, key=lambda ev: (-ev.total, ev.code))
    projects = project_rows(discover_projects(params_dir, years=[year]))
    return Portfolio(year, tuple(ranked), previous, tuple(invalid), project_rows=tuple(projects))



def _pct(value: object) -> str:
    return "—" if from_plain(value) is None else f"{quantize(from_plain(value), 2):.2f}%"


def _figure(p: Portfolio, fig, caption: str) -> HTML:
    return numbered_figure(p.figures, fig, caption)


@exact
def title(p: Portfolio) -> HTML:
    parts: list[object] = [heading(1, f"{p.year} 年度部门整体支出绩效自评总览")]
    if any(ev.params.synthetic for ev in p.evaluations):
        parts.append(note("部分或全部部门为演示用合成数据，不代表任何真实部门。"))
    if p.invalid:
        parts.append(note("以下输入文件未通过校验，未纳入总览：", items([f"{f}：{e}" for f, e in p.invalid])))
    return join(*parts)


@exact
def summary(p: Portfolio) -> HTML:
    t = p.table
    if t.empty:
        return para(f"{p.year} 年度没有可用的部门数据。")
    totals = [from_plain(v) for v in t.total]
    mean = sum(totals, Decimal(0)) / len(totals)
    grades = t.grade.value_counts()
    grade_text = "，".join(f"“{g}”{grades[g]} 个" for g in _grade_order(p.evaluations) if grades.get(g, 0))
    findings = int(t.errors.sum() + t.warnings.sum())
    best, worst = t.iloc[0], t.iloc[-1]
    return para(
        f"{p.year} 年度共 {len(t)} 个部门完成部门整体支出绩效自评，平均得分 {fmt_number(mean)} 分，"
        f"最高 {fmt_points(from_plain(best.total))} 分（{best.department}），最低 {fmt_points(from_plain(worst.total))} 分"
        f"（{worst.department}）；其中{grade_text}。审核共发现错误和警示 {findings} 项。"
    )


def _grade_order(evs) -> list[str]:
    names: list[str] = []
    for ev in evs:
        for g in sorted(ev.framework.grades, key=lambda g: g.min, reverse=True):
            if g.name not in names:
                names.append(g.name)
    return names


def _with_last(p: Portfolio, columns: list[str]) -> pd.DataFrame:
    """This year's table with last year's ``columns`` of the same department beside it (``<column>_last``)."""
    last = p.last
    if p.table.empty:
        return p.table
    if last.empty:
        return p.table.assign(**{f"{c}_last": None for c in columns})
    return p.table.merge(last[["code", *columns]].rename(columns={c: f"{c}_last" for c in columns}), on="code",
                         how="left")


@exact
def ranking(p: Portfolio) -> HTML:
    t = _with_last(p, ["total"])
    reviewed = "reviewed_total" in t.columns and bool(t.reviewed_total.notna().any())  # a bureau's 复核分 stored
    rows = []
    for rank, r in enumerate(t.itertuples(index=False), 1):
        total, last = from_plain(r.total), from_plain(r.total_last)
        review = [reviewed_cell(r.reviewed_total, r.reviewed_grade)] if reviewed else []
        rows.append([rank, r.department, r.code, total, r.grade, *review, _pct(r.execution_rate),
                     _pct(r.evaluation_rate), last, f"{total - last:+.2f}" if last is not None else "—"])
    shift = 1 if reviewed else 0
    tbl = html_table(["排名", "部门", "代码", "总分", "等级", *(["复核总分"] if reviewed else []), "年度预算执行率",
                      "年度评价执行率", "上年总分", "变化"], rows,
                     numeric=[0, 3, *([5] if reviewed else []), 5 + shift, 6 + shift, 7 + shift, 8 + shift],
                     caption=f"{p.year} 年度各部门自评得分排名")
    return join(tbl, _figure(p, charts.ranking(p.evaluations), "各部门自评得分"))


@exact
def grades(p: Portfolio) -> HTML:
    order = _grade_order(p.evaluations)
    counts = p.table.grade.value_counts() if len(p.evaluations) else {}
    total = len(p.evaluations) or 1
    rows = [[g, int(counts.get(g, 0)), fmt_percent(Decimal(int(counts.get(g, 0))) / total)] for g in order]
    return join(html_table(["等级", "部门数", "占比"], rows, numeric=[1, 2], caption="等级分布"),
                _figure(p, charts.grade_distribution(order, [r[1] for r in rows]), "等级分布"))


@exact
def heatmap(p: Portfolio) -> HTML:
    if not p.evaluations:
        return HTML("")
    return join(para("下图为各部门一、二级指标的得分率（得分 ÷ 分值），颜色越深得分率越高，空白为该部门评价框架中没有的指标。"),
                _figure(p, charts.score_heatmap(p.evaluations), "各部门指标得分率"))


@exact
def execution(p: Portfolio) -> HTML:
    with_monthly = [ev for ev in p.evaluations if ev.metrics.cumulative_rates]
    f = p.findings
    backloaded = set(f.code[f.finding_code == "SPENDING_BACKLOADED"])
    rows = [[r.department, _pct(r.execution_rate), _pct(r.evaluation_rate), "是" if r.code in backloaded else ""]
            for r in p.table.itertuples(index=False)] if p.evaluations else []
    text = (f"{len(with_monthly)} 个部门提供了月度支出数据，其中 "
            f"{sum(1 for r in rows if r[3])} 个部门支出进度明显慢于均衡进度。")
    return join(para(text), _figure(p, charts.execution_curves(with_monthly), "各部门月度累计执行进度"),
                html_table(["部门", "年度预算执行率", "年度评价执行率", "支出集中在年末"], rows, numeric=[1, 2],
                           caption="预算执行情况"))


@exact
def missed(p: Portfolio, *, top: int = 10) -> HTML:
    ind = p.indicators
    not_met = ind[~ind.met.map(bool)]
    if not_met.empty:
        return para("本年度各部门绩效指标均达到目标。")
    most = (not_met.groupby("name", sort=False)
            .agg(n=("code", "size"), departments=("department", "、".join))
            .sort_values("n", ascending=False, kind="stable").head(top))
    rows = [[name, int(r.n), r.departments] for name, r in most.iterrows()]
    return join(para(f"共有 {len(not_met)} 个指标未达到目标，最常见的如下："),
                html_table(["指标名称", "未达标部门数", "部门"], rows, numeric=[1], caption="未达标次数最多的指标"))


@exact
def findings(p: Portfolio) -> HTML:
    f = p.findings
    if f.empty:
        return para("未发现问题。")
    order = {"error": 0, "warning": 1, "info": 2}
    counted = (f.groupby(["severity", "finding_code"]).agg(n=("code", "size"), departments=("code", "nunique"))
               .reset_index())
    counted["order"] = counted.severity.map(order)
    counted = counted.sort_values(["order", "n", "finding_code"], ascending=[True, False, True])
    rows = [[LEVEL_NAMES[r.severity], r.finding_code, int(r.n), int(r.departments)]
            for r in counted.itertuples(index=False)]
    return join(html_table(["级别", "代码", "次数", "涉及部门数"], rows, numeric=[2, 3], caption="审核发现（按类型）"),
                _figure(p, charts.findings_by_type([(f"{r[1]}（{r[0]}）", r[2]) for r in rows
                                                    if r[0] != LEVEL_NAMES["info"]]), "错误与警示（按类型）"))


@exact
def changes(p: Portfolio) -> HTML:
    if not p.evaluations:
        return para(f"暂无 {p.year - 1} 年度的自评数据，无法进行同比分析。")
    t = _with_last(p, ["total", "grade", "execution_rate"]).sort_values("code")
    rows = []
    for r in t.itertuples(index=False):
        total, last = from_plain(r.total), from_plain(r.total_last)
        if last is None:
            rows.append([r.department, "—", total, "—", f"— → {r.grade}", "—"])
            continue
        rate_change = (from_plain(r.execution_rate) or 0) - (from_plain(r.execution_rate_last) or 0)
        rows.append([r.department, last, total, f"{total - last:+.2f}", f"{r.grade_last} → {r.grade}",
                     f"{rate_change:+.2f} 个百分点"])
    with_prev = [r for r in rows if r[1] != "—"]
    if not with_prev:
        return para(f"暂无 {p.year - 1} 年度的自评数据，无法进行同比分析。")
    better = sum(1 for r in with_prev if r[3].startswith("+") and r[3] != "+0.00")
    worse = sum(1 for r in with_prev if r[3].startswith("-"))
    return join(para(f"与 {p.year - 1} 年度相比，{better} 个部门得分提高，{worse} 个部门得分下降。"),
                html_table(["部门", f"{p.year - 1} 年总分", f"{p.year} 年总分", "变化", "等级变化", "年度预算执行率变化"],
                           rows, numeric=[1, 2, 3, 5], caption="各部门同比变化"))


@exact
def projects(p: Portfolio, *, top: int = 10) -> HTML:
    """项目支出绩效自评汇总: per department the number of project forms, their budget and spending, the
    execution rate, the mean and lowest score and the grades; then the ``top`` weakest projects."""
    f = p.projects
    if f.empty:
        return para(f"{p.year} 年度未提交项目支出绩效自评表。")
    per = rollup(f)
    whole = rollup(f.assign(code="合计", department="合计")).iloc[0]
    valid = f[f.error.isna()]
    grades = "，".join(f"“{g}”{int(whole[g])} 个" for g in ("优", "良", "中", "差") if int(whole[g]))
    text = (f"{p.year} 年度 {len(per)} 个部门提交项目支出绩效自评表 {len(f)} 份"
            + (f"（其中 {int(whole.invalid)} 份未通过校验，不计入金额和得分）" if int(whole.invalid) else "")
            + (f"，调整后预算合计 {fmt_number(from_plain(whole.budget_adjusted))} 万元，支出 "
               f"{fmt_number(from_plain(whole.budget_spent))} 万元，执行率 {_pct(whole.execution_rate)}；平均得分 "
               f"{fmt_points(from_plain(whole.mean_total))} 分，最低 {fmt_points(from_plain(whole.min_total))} 分"
               + (f"；其中{grades}" if grades else "") if len(valid) else "") + "。")
    invalid = bool(int(whole.invalid))  # its column only when a form did not validate: the table fits the page
    rows = [[r.department or r.code, int(r.projects), *([int(r.invalid)] if invalid else []), from_plain(r.budget_adjusted),
             from_plain(r.budget_spent), _pct(r.execution_rate), from_plain(r.mean_total), from_plain(r.min_total), int(r.优), int(r.良),
             int(r.中), int(r.差)] for r in [*per.itertuples(index=False), whole]]
    rows[-1][0] = "合计"
    headers = ["部门", "项目数", *(["未通过校验"] if invalid else []), "调整后预算", "支出", "执行率", "平均分", "最低分",
               "优", "良", "中", "差"]
    parts: list[object] = [para(text), html_table(headers, rows, numeric=range(1, len(headers)),
                                                  emphasis=[len(rows) - 1], caption="各部门项目支出绩效自评汇总",
                                                  unit="万元")]
    low = weakest(f, top)
    if len(low):
        parts.append(html_table(
            ["序号", "部门", "项目", "得分", "等级", "执行率", "主要发现"],
            [[i, r.department, r.project, from_plain(r.total), r.grade, _pct(r.execution_rate), r.main_finding or "—"]
             for i, r in enumerate(low.itertuples(index=False), 1)],
            numeric=[0, 3, 5], caption=f"得分最低的 {len(low)} 个项目"))
    bad = f[f.error.notna()]
    if len(bad):
        parts.append(note("以下项目自评表未通过校验：", items([f"{r.code}/{r.year}/{r.project}：{r.error}"
                                                        for r in bad.itertuples(index=False)])))
    return join(*parts)
