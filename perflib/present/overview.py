"""The year's overview across departments: ranking, grades, node scores, execution, what went wrong.

``notebooks/overview.ipynb`` calls one function per section, as the report notebook does. A
department-year whose input does not validate is listed, not fatal: the overview shows the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..audit import LEVEL_NAMES
from ..errors import InputErrors
from ..evaluation import Evaluation, evaluate
from ..inputs.params import discover
from ..numbers import exact, fmt_number, fmt_percent, fmt_points
from . import charts
from .html import HTML, heading, items, join, note, para, table
from .report import numbered_figure


@dataclass(frozen=True)
class Portfolio:
    """Every department of one year, and the same departments the year before."""

    year: int
    evaluations: tuple[Evaluation, ...]  # this year, ranked by total (highest first)
    previous: dict[str, Evaluation] = field(default_factory=dict)  # code → last year's evaluation
    invalid: tuple[tuple[str, str], ...] = ()  # (file, first error) of inputs that did not validate
    figures: list[int] = field(default_factory=lambda: [0])


@exact
def load(params_dir: str | Path, year: int) -> Portfolio:
    """Evaluate every ``<params_dir>/<code>/<year>.yaml`` (and the year before)."""
    params_dir = Path(params_dir)
    current, previous, invalid = [], {}, []
    for path in discover(params_dir, years=[year - 1, year]):
        try:
            ev = evaluate(path)
        except InputErrors as exc:
            if int(path.stem) == year:
                invalid.append((f"{path.parent.name}/{path.name}", str(exc).splitlines()[0]))
            continue
        if ev.year == year:
            current.append(ev)
        else:
            previous[ev.code] = ev
    ranked = sorted(current, key=lambda ev: (-ev.total, ev.code))
    return Portfolio(year, tuple(ranked), previous, tuple(invalid))


def _figure(p: Portfolio, fig, caption: str) -> HTML:  # noqa: ANN001
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
    evs = p.evaluations
    if not evs:
        return para(f"{p.year} 年度没有可用的部门数据。")
    totals = [ev.total for ev in evs]
    mean = sum(totals, Decimal(0)) / len(totals)
    grades = Counter(ev.grade for ev in evs)
    grade_text = "，".join(f"“{g}”{grades[g]} 个" for g in _grade_order(evs) if grades[g])
    findings = sum(len(ev.findings_at("error")) + len(ev.findings_at("warning")) for ev in evs)
    return para(
        f"{p.year} 年度共 {len(evs)} 个部门完成部门整体支出绩效自评，平均得分 {fmt_number(mean)} 分，"
        f"最高 {fmt_points(max(totals))} 分（{evs[0].department}），最低 {fmt_points(min(totals))} 分"
        f"（{evs[-1].department}）；其中{grade_text}。复核共发现错误和警示 {findings} 项。"
    )


def _grade_order(evs) -> list[str]:  # noqa: ANN001
    names: list[str] = []
    for ev in evs:
        for g in sorted(ev.framework.grades, key=lambda g: g.min, reverse=True):
            if g.name not in names:
                names.append(g.name)
    return names


@exact
def ranking(p: Portfolio) -> HTML:
    rows = []
    for rank, ev in enumerate(p.evaluations, 1):
        prev = p.previous.get(ev.code)
        change = ev.total - prev.total if prev else None
        rows.append([rank, ev.department, ev.code, ev.total, ev.grade,
                     fmt_percent(ev.metrics.execution_rate), fmt_percent(ev.metrics.evaluation_rate),
                     prev.total if prev else None, f"{change:+.2f}" if change is not None else "—"])
    tbl = table(["排名", "部门", "代码", "总分", "等级", "年度预算执行率", "年度评价执行率", "上年总分", "变化"], rows,
                numeric=[0, 3, 5, 6, 7, 8], caption=f"{p.year} 年度各部门自评得分排名")
    return join(tbl, _figure(p, charts.ranking(p.evaluations), "各部门自评得分"))


@exact
def grades(p: Portfolio) -> HTML:
    order = _grade_order(p.evaluations)
    counts = Counter(ev.grade for ev in p.evaluations)
    total = len(p.evaluations) or 1
    rows = [[g, counts[g], fmt_percent(Decimal(counts[g]) / total)] for g in order]
    return join(table(["等级", "部门数", "占比"], rows, numeric=[1, 2], caption="等级分布"),
                _figure(p, charts.grade_distribution(order, [counts[g] for g in order]), "等级分布"))


@exact
def heatmap(p: Portfolio) -> HTML:
    if not p.evaluations:
        return HTML("")
    return join(para("下图为各部门一、二级指标的得分率（得分 ÷ 分值），颜色越深得分率越高，空白为该部门评价框架中没有的指标。"),
                _figure(p, charts.score_heatmap(p.evaluations), "各部门指标得分率"))


@exact
def execution(p: Portfolio) -> HTML:
    with_monthly = [ev for ev in p.evaluations if ev.metrics.cumulative_rates]
    rows = [[ev.department, fmt_percent(ev.metrics.execution_rate), fmt_percent(ev.metrics.evaluation_rate),
             "是" if any(f.code == "SPENDING_BACKLOADED" for f in ev.findings) else ""] for ev in p.evaluations]
    text = (f"{len(with_monthly)} 个部门提供了月度支出数据，其中 "
            f"{sum(1 for r in rows if r[3])} 个部门支出进度明显慢于均衡进度。")
    return join(para(text), _figure(p, charts.execution_curves(with_monthly), "各部门月度累计执行进度"),
                table(["部门", "年度预算执行率", "年度评价执行率", "支出集中在年末"], rows, numeric=[1, 2],
                      caption="预算执行情况"))


@exact
def missed(p: Portfolio, *, top: int = 10) -> HTML:
    counter: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for ev in p.evaluations:
        for r in ev.scorecard.indicators:
            if not r.met:
                counter[r.name] += 1
                where.setdefault(r.name, []).append(ev.department)
    if not counter:
        return para("本年度各部门绩效指标均达到目标。")
    rows = [[name, n, "、".join(where[name])] for name, n in counter.most_common(top)]
    return join(para(f"共有 {sum(counter.values())} 个指标未达到目标，最常见的如下："),
                table(["指标名称", "未达标部门数", "部门"], rows, numeric=[1], caption="未达标次数最多的指标"))


@exact
def findings(p: Portfolio) -> HTML:
    counter: Counter[tuple[str, str]] = Counter()
    departments: dict[tuple[str, str], set[str]] = {}
    for ev in p.evaluations:
        for f in ev.findings:
            counter[(f.level, f.code)] += 1
            departments.setdefault((f.level, f.code), set()).add(ev.code)
    if not counter:
        return para("未发现问题。")
    order = {"error": 0, "warning": 1, "info": 2}
    keys = sorted(counter, key=lambda k: (order[k[0]], -counter[k], k[1]))
    rows = [[LEVEL_NAMES[level], code, counter[(level, code)], len(departments[(level, code)])] for level, code in keys]
    return join(table(["级别", "代码", "次数", "涉及部门数"], rows, numeric=[2, 3], caption="审核发现（按类型）"),
                _figure(p, charts.findings_by_type([(f"{c}（{LEVEL_NAMES[lv]}）", counter[(lv, c)])
                                                    for lv, c in keys if lv != "info"]), "错误与警示（按类型）"))


@exact
def changes(p: Portfolio) -> HTML:
    rows = []
    for ev in sorted(p.evaluations, key=lambda ev: ev.code):
        prev = p.previous.get(ev.code)
        if prev is None:
            rows.append([ev.department, "—", ev.total, "—", f"— → {ev.grade}", "—"])
            continue
        change = ev.total - prev.total
        rate_change = ((ev.metrics.execution_rate or 0) - (prev.metrics.execution_rate or 0)) * 100
        rows.append([ev.department, prev.total, ev.total, f"{change:+.2f}", f"{prev.grade} → {ev.grade}",
                     f"{rate_change:+.2f} 个百分点"])
    with_prev = [r for r in rows if r[1] != "—"]
    if not with_prev:
        return para(f"暂无 {p.year - 1} 年度的自评数据，无法进行同比分析。")
    better = sum(1 for r in with_prev if r[3].startswith("+") and r[3] != "+0.00")
    worse = sum(1 for r in with_prev if r[3].startswith("-"))
    return join(para(f"与 {p.year - 1} 年度相比，{better} 个部门得分提高，{worse} 个部门得分下降。"),
                table(["部门", f"{p.year - 1} 年总分", f"{p.year} 年总分", "变化", "等级变化", "年度预算执行率变化"],
                      rows, numeric=[1, 2, 3, 5], caption="各部门同比变化"))
