"""The mid-year monitoring report (绩效运行监控报告), section by section, as published notices have it.

一、基本情况; 二、预算执行情况 (execution to date against the month's checkpoint, by fund and key project);
三、绩效目标完成情况 (every indicator with its light); 四、偏差原因及改进措施 (every lagging target: the
reason and measures the department gave, or that they are missing); 五、下一步工作 (the department's own
paragraphs); 六、审核发现. With a monthly series, 二 also draws the cumulative curve against the checkpoints. Lights are written as a
symbol and a word (■ 红灯, ▲ 黄灯, ● 绿灯, ◆ 蓝灯), so they survive printing in grayscale.
"""

from __future__ import annotations

from pathlib import Path

from ..monitoring.monitor import Monitoring, monitor
from ..monitoring.rules import LIGHT_NAMES, LIGHTS, lamp
from ..monitoring.snapshot import snapshot_file
from ..numbers import exact, fmt_percent
from . import charts
from .html import HTML, heading, items, join, para, table
from .report import numbered_figure

OUTLINE = ("一、基本情况", "二、预算执行情况", "三、绩效目标完成情况", "四、偏差原因及改进措施", "五、下一步工作",
           "六、审核发现")


@exact
def load(params_dir: str | Path, department: str, year: int, month: int) -> Monitoring:
    """The snapshot ``<params_dir>/<department>/<year>-<MM>.yaml``, lit and audited."""
    return monitor(snapshot_file(params_dir, department, year, month))


def report_title(m: Monitoring) -> str:
    """年 1–N 月<部门>绩效运行监控报告."""
    return f"{m.snapshot.year} 年 1–{m.month} 月{m.department}绩效运行监控报告"


@exact
def title(m: Monitoring) -> HTML:
    return join(heading(1, report_title(m)),
                para(f"监控规则：{m.rules.name}　　金额单位：{m.unit}", cls="pf-subtitle pf-noindent"))


@exact
def basics(m: Monitoring) -> HTML:
    counts = {lt: sum(1 for i in m.indicators if i.light == lt) for lt in LIGHTS}
    shown = "，".join(f"{lamp(lt)} {n} 个" for lt, n in counts.items() if n)
    total = m.spending[0]
    return join(
        para(f"{m.department}本次填报 {m.snapshot.year} 年 1–{m.month} 月绩效运行监控情况：全年预算 "
             f"{m.amount(total.budget)}，1–{m.month} 月执行 {m.amount(total.spent)}，执行率 "
             f"{fmt_percent(total.rate)}（{total.lamp}）；绩效指标 {len(m.indicators)} 个：{shown}。"),
        para(f"按监控规则「{m.rules.name}」：累计指标的序时目标为年度指标值 × {m.month}/12，比率类指标以年度指标值为准；"
             "完成进度 = 1–N 月完成值 ÷ 序时目标。" + _bands_text(m), cls="pf-small"),
    )


def _bands_text(m: Monitoring) -> str:
    parts, low = [], None
    for band in m.rules.bands:
        if band.below is None:
            parts.append(f"{low}% 及以上为{LIGHT_NAMES[band.light]}")
        else:
            parts.append(f"{f'{low}%～' if low is not None else '低于 '}{band.below}%"
                         f"{'' if low is None else '（不含）'}为{LIGHT_NAMES[band.light]}")
            low = band.below
    return "；".join(parts) + "。"


@exact
def spending(m: Monitoring, figures: list[int] | None = None) -> HTML:
    figures = figures if figures is not None else [0]
    total = m.spending[0]
    checkpoint = m.rules.checkpoint(m.month)
    rule = (f"按规则 {checkpoint[0]} 月末累计执行率应达 {fmt_percent(total.expected)}" if checkpoint
            else f"按序时进度 {m.month} 月末应达 {fmt_percent(total.expected)}")
    rows = [[s.name, s.budget, s.spent, fmt_percent(s.rate), fmt_percent(s.expected), s.lamp] for s in m.spending]
    fig = charts.spending_progress([s.name for s in m.spending], [s.rate for s in m.spending], total.expected)
    return join(
        para(f"截至 {m.month} 月末，累计执行 {m.amount(total.spent)}，执行率 {fmt_percent(total.rate)}；"
             f"{rule}。"),
        table(["资金性质 / 项目", "全年预算数", f"1–{m.month} 月执行数", "执行率", "应达", "预警"], rows, numeric=[1, 2, 3, 4],
              caption="预算执行情况", unit=m.unit, emphasis=[0]),
        numbered_figure(figures, fig, "预算执行进度"),
        *_curve(m, figures),
    )


def _curve(m: Monitoring, figures: list[int]) -> list[HTML]:
    """The month-end cumulative rates against the checkpoints, when the snapshot gives them."""
    rates = m.cumulative_rates
    if not rates:
        return []
    checkpoints = dict(sorted(m.rules.spending.checkpoints.items()))
    passed = [f"{mo} 月末 {fmt_percent(rates[mo - 1])}（应达 {fmt_percent(rate / 100)}）" for mo, rate in checkpoints.items()
              if mo <= len(rates)]
    text = ("各月末累计执行率：" + "；".join(passed) + "。") if passed else "本期之前未设支出进度要求。"
    return [para(text), numbered_figure(figures, charts.spending_curve(rates, checkpoints), "月末累计执行进度")]


@exact
def targets(m: Monitoring) -> HTML:
    rows = [[i.name, i.target, i.to_date,
             "—" if i.progress is None else fmt_percent(i.progress / 100), i.likely or "—", i.forecast or "—",
             lamp(i.light)] for i in m.indicators]
    counts = "，".join(f"{lamp(lt)} {sum(1 for i in m.indicators if i.light == lt)} 个"
                      for lt in LIGHTS if any(i.light == lt for i in m.indicators))
    return join(para(f"共 {len(m.indicators)} 个绩效指标：{counts}。"),
                table(["指标", "年度指标值", f"1–{m.month} 月完成值", "完成进度", "完成可能性", "全年预计", "预警"], rows,
                      numeric=[3], caption="绩效目标完成情况"))


@exact
def deviations(m: Monitoring) -> HTML:
    lagging = [i for i in m.indicators if i.light in ("red", "yellow") or i.likely in ("有可能", "完全不可能")]
    if not lagging:
        return para("各项绩效指标均按序时进度推进，无偏差。")
    parts = []
    for n, i in enumerate(lagging, 1):
        parts.append(para(f"{n}. {i.name}（{lamp(i.light)}，完成可能性：{i.likely or '未填写'}）", cls="pf-noindent"))
        parts.append(para(f"偏差原因：{i.reason or '（未填写）'}"))
        parts.append(para(f"改进措施：{i.measures or '（未填写）'}"))
    return join(*parts)


@exact
def next_steps(m: Monitoring) -> HTML:
    if not m.snapshot.next_steps:
        return para("（监控快照未填写下一步工作。）")
    return join(*(para(text) for text in m.snapshot.next_steps))


@exact
def findings(m: Monitoring) -> HTML:
    if not m.findings:
        return para("未发现问题。")
    return items([f.message for f in m.findings])


@exact
def chapter(m: Monitoring, number: int, *, figures: list[int] | None = None) -> HTML:
    """Chapter ``number`` (1-based) of :data:`OUTLINE` with its heading (``figures`` counts the figures
    across chapters)."""
    if number == 2:
        body = spending(m, figures)
    else:
        body = (basics, spending, targets, deviations, next_steps, findings)[number - 1](m)
    return join(heading(2, OUTLINE[number - 1]), body)
