"""The report's sections: official Chinese prose generated from the figures, tables and charts.

The report notebook displays :func:`title` and then each chapter of :data:`OUTLINE`
(:func:`chapter`), an :class:`~perflib.present.html.HTML` fragment each; every section is also a function
of its own, for a template that wants another layout. The structure follows a published 部门整体支出绩效自评报告:
一、部门基本情况; 二、绩效自评情况; 三、存在的主要问题; 四、下一步改进措施; 附录. The scoring part walks
the framework's tree, so any framework renders, not only Guangzhou's.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import LEVEL_NAMES, Finding, Level, PerflibError
from ..evaluation import Evaluation, evaluate
from ..inputs.params import discover, earlier_projects, project_file, year_file
from ..numbers import exact, fmt_percent, fmt_points, quantize
from ..scoring.budget import DEFAULT_SCHEDULE
from ..scoring.tree import NodeResult
from ..text import circled
from . import charts
from .html import HTML, figure, heading, items, join, note, para, paras, strong, table, tag
from .reviewed import review_sentence, review_table, reviewed_rows_table

CN_NUM = "一二三四五六七八九十"


def cn_index(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十 (for （一）-style numbering)."""
    if n <= 10:
        return CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUM[tens - 1] if tens > 1 else "") + "十" + (CN_NUM[ones - 1] if ones else "")


def amount(value: Decimal | None, unit: str) -> str:
    """An amount as official prose writes it: ``5692.59 万元``."""
    return "—" if value is None else f"{quantize(value, 2)} {unit}"


# ---------------------------------------------------------------------- context


@dataclass(frozen=True)
class Report:
    """What a report shows: the department-year and its earlier years."""

    evaluation: Evaluation
    history: tuple[Evaluation, ...] = field(default_factory=tuple)  # earlier years and this one, by year
    figures: list[int] = field(default_factory=lambda: [0])  # running figure number

    @property
    def ev(self) -> Evaluation:
        return self.evaluation


@exact
def load(params_dir: str | Path, department: str, year: int, project: str = "") -> Report:
    """Evaluate ``<params_dir>/<department>/<year>.yaml`` and the department's earlier years — or, given a
    ``project`` (its key, the file's name), the project's form ``<department>/projects/<year>/<project>.yaml``
    and the same project's earlier years.

    An earlier year that does not validate is left out of the trend with a warning rather than
    failing this year's report.
    """
    params_dir = Path(params_dir)
    path = project_file(params_dir, department, year, project) if project else year_file(params_dir, department, year)
    if not path.is_file():
        raise PerflibError(f"{path}: 找不到该{'项目' if project else '部门年度'}的输入文件")
    ev = evaluate(path)
    history = []
    earlier_files = (earlier_projects(path, year) if project else
                     [p for p in discover(params_dir, departments=[department]) if int(p.stem) < year])
    for earlier in earlier_files:
        try:
            history.append(evaluate(earlier))
        except PerflibError as exc:
            warnings.warn(f"{earlier}: 输入有误，未纳入历年对比（{str(exc).splitlines()[0]}）", stacklevel=2)
    return Report(ev, tuple(sorted(history, key=lambda e: e.year)) + (ev,))


def setup() -> None:
    """Make matplotlib draw Chinese (the CJK font) in the report's kernel."""
    import matplotlib

    from . import fonts

    matplotlib.rcParams.update(fonts.rc())


def numbered_figure(counter: list[int], fig, caption: str) -> HTML:  # Figure or None
    """``fig`` as an embedded SVG captioned "图 N  caption", N counted in ``counter``; nothing for None."""
    if fig is None:
        return HTML("")
    counter[0] += 1
    return figure(charts.svg(fig), f"图 {counter[0]}  {caption}")


def _figure(report: Report, fig, caption: str) -> HTML:
    return numbered_figure(report.figures, fig, caption)


def _who(ev: Evaluation) -> str:
    """Whom the report is of: the project (a project's form), else the department."""
    return ev.project or ev.department


def _what(ev: Evaluation) -> str:
    """What the self-evaluation is of: 项目支出, or 部门整体支出."""
    return "项目支出" if ev.project else "部门整体支出"


def _paragraphs(texts: list[str], missing: str, numbering: str | None = None) -> HTML:
    """The analyst's paragraphs, numbered with ``numbering`` (e.g. "（{}）"), or a note that they are missing."""
    if not texts:
        return para(f"（输入文件未提供{missing}。）")
    return paras(numbering.format(i) + t if numbering else t for i, t in enumerate(texts, 1))


# ---------------------------------------------------------------------- title


@exact
def title(report: Report) -> HTML:
    ev = report.ev
    p = ev.params
    meta = f"评价框架：{ev.framework.name}　　金额单位：{p.money_unit}"
    parts: list[object] = [heading(1, ev.title), para(meta, cls="pf-subtitle pf-noindent")]
    if p.synthetic:
        parts.append(note(strong("演示数据"), "：本报告由合成数据生成，用于演示，不代表任何真实部门。"))
    if p.reconstructed:
        parts.append(note(strong("数据说明"), "：以下内容原始资料未公开，系重建：",
                          items(p.reconstructed)))
    return join(*parts)


# ---------------------------------------------------------------------- 一、部门基本情况


@exact
def functions(report: Report) -> HTML:
    texts = report.ev.params.department.functions
    intro = para(f"{report.ev.department}的主要职责是：") if texts else HTML("")
    return join(intro, _paragraphs(texts, "部门职能说明", "{}. "))


@exact
def tasks(report: Report) -> HTML:
    return _paragraphs(report.ev.params.narrative.tasks, "年度工作任务", "（{}）")


@exact
def budget(report: Report) -> HTML:
    ev = report.ev
    m, unit = ev.metrics, ev.metrics.unit

    def by_fund(attr: str, suffix: str = "") -> str:
        parts = [f"{f.type}{suffix} {amount(getattr(f, attr), unit)}" for f in m.funds if getattr(f, attr) is not None]
        return "，其中" + "，".join(parts) if len(m.funds) > 1 and parts else ""

    sentences = []
    if m.initial is not None:
        sentences.append(f"{ev.year} 年度{_who(ev)}年初预算为 {amount(m.initial, unit)}{by_fund('initial')}")
    sentences.append(f"调整后年度预算为 {amount(m.adjusted, unit)}{by_fund('adjusted')}")
    sentences.append(f"截至 12 月 31 日，{_what(ev)} {amount(m.spent, unit)}{by_fund('spent', '支出')}")
    text = "；".join(sentences) + "。"
    text += f"年度预算执行率为 {fmt_percent(m.execution_rate)}"
    if m.adjustment_rate is not None:
        direction = "调减" if m.adjustment_rate < 0 else "调增"
        text += f"，预算调整率为 {fmt_percent(m.adjustment_rate)}（{direction} {amount(abs(m.adjusted - m.initial), unit)}）"
    text += "。"
    rows = [
        [f.type, f.initial, f.adjusted, fmt_percent(f.adjustment_rate), f.spent, fmt_percent(f.execution_rate)]
        for f in m.funds
    ]
    rows.append(["合计", m.initial, m.adjusted, fmt_percent(m.adjustment_rate), m.spent, fmt_percent(m.execution_rate)])
    tbl = table(
        ["资金性质", "年初预算", "调整后预算", "预算调整率", "支出", "预算执行率"], rows,
        numeric=range(1, 6), emphasis=[len(rows) - 1], caption=f"{'项目' if ev.project else '部门'}预算及执行情况", unit=unit,
    )
    extra = paras(ev.params.narrative.budget_overview)
    return join(para(text), extra, tbl, _figure(report, charts.budget_by_fund(ev), "预算与支出（按资金性质）"))


@exact
def performance_management(report: Report) -> HTML:
    return _paragraphs(report.ev.params.narrative.performance_management, "绩效管理情况")


# ---------------------------------------------------------------------- 二、绩效自评情况


def _bands_text(ev: Evaluation) -> str:
    ordered = sorted(ev.framework.grades, key=lambda g: g.min, reverse=True)
    parts = []
    for i, g in enumerate(ordered):
        if i == 0:
            parts.append(f"{fmt_points(g.min)} 分及以上为“{g.name}”")
        elif g.min == 0:
            parts.append(f"{fmt_points(ordered[i - 1].min)} 分以下为“{g.name}”")
        else:
            parts.append(f"{fmt_points(g.min)}（含）～{fmt_points(ordered[i - 1].min)} 分为“{g.name}”")
    return "，".join(parts)


@exact
def conclusion(report: Report) -> HTML:
    ev = report.ev
    firsts = "，".join(f"{n.name}得分 {fmt_points(n.score)} 分（满分 {fmt_points(n.max)} 分）" for n in ev.scorecard.nodes)
    text = (f"经综合自评，{_who(ev)} {ev.year} 年度{_what(ev)}绩效自评结果为“{ev.grade}”，"
            f"自评得分 {fmt_points(ev.total)} 分（满分 {fmt_points(ev.framework.total)} 分）。其中，{firsts}。")
    parts: list[object] = [para(text), para(f"评价等级：{_bands_text(ev)}。", cls="pf-small")]
    stated = ev.params.stated
    if stated.total is not None and stated.total != ev.total:
        parts.append(note(f"报告所述自评得分为 {fmt_points(stated.total)} 分，与按各项指标复核的得分 "
                          f"{fmt_points(ev.total)} 分不一致，详见附录审核发现。"))
    # the first two levels, every row of them: a judged row at level 2 (重庆's 共性指标) counts in its sum
    nodes = [n for n in ev.scorecard.walk() if n.level <= 2 and n.kind != "indicator"]
    review = ev.reviewed()
    if review is not None:
        parts.append(para(review_sentence(review)))
        return join(*parts, review_table(review, nodes), reviewed_rows_table(review),
                    _figure(report, charts.node_scores(ev), "各级指标得分"))
    rows = [[("　" * (n.level - 1)) + n.name, n.max, n.score, fmt_percent(n.score / n.max if n.max else None)]
            for n in nodes]
    rows.append(["合计", ev.framework.total, ev.total, fmt_percent(ev.total / ev.framework.total)])
    tbl = table(["指标", "分值", "得分", "得分率"], rows, numeric=[1, 2, 3], emphasis=[len(rows) - 1],
                caption="自评得分汇总")
    return join(*parts, tbl, _figure(report, charts.node_scores(ev), "各级指标得分"))


def _children_names(node: NodeResult) -> str:
    return "、".join(c.name for c in node.children)


@exact
def scoring_details(report: Report) -> HTML:
    """（二）: for each first-level node, its prose, tables and charts."""
    ev = report.ev
    out: list[object] = []
    completion = charts.indicator_completion(ev)
    if completion is not None:
        out.append(para(f"各项定量绩效指标的完成情况见图 {report.figures[0] + 1}，定性指标见各指标说明。"))
        out.append(_figure(report, completion, "绩效指标完成情况"))
    for i, node in enumerate(ev.scorecard.nodes, 1):
        out.append(heading(4, f"{i}. {node.name}情况"))
        out.append(_node_section(report, node, depth=1))
    return join(*out)


def _node_section(report: Report, node: NodeResult, depth: int) -> HTML:
    if node.kind == "indicators":
        return _indicator_node(report, node, None)
    if node.kind == "metric":
        return _metric_leaf(report, node, None)
    if node.kind == "management":
        return _management_table(report, node)
    if all(n.kind in ("group", "management") for n in node.walk()):
        return _management_table(report, node)
    intro = (f"主要包括{_children_names(node)} {len(node.children)} 个下级指标，总分 {fmt_points(node.max)} 分，"
             f"自评得分 {fmt_points(node.score)} 分。")
    parts: list[object] = [para(intro)]
    for j, child in enumerate(node.children, 1):
        if child.kind == "indicators":
            parts.append(_indicator_node(report, child, j))
        elif child.kind == "metric":
            parts.append(_metric_leaf(report, child, j))
        elif child.kind == "management":  # a judged row beside computed ones (预算执行: 支付进度率)
            parts.append(_management_leaf(child, j))
        else:
            parts.append(join(heading(5, f"（{j}）{child.name}"), _node_section(report, child, depth + 1)))
    return join(*parts)


def _management_leaf(node: NodeResult, number: int) -> HTML:
    """One judged row in prose: its points, its score, and why points were lost."""
    entry = node.management
    reasons = "；".join(f"{d.reason}（扣 {fmt_points(d.points)} 分）" for d in entry.deductions) if entry else ""
    if entry is not None and entry.reason:
        reasons = (reasons + "；" if reasons else "") + entry.reason
    text = f"（{number}）{node.name}。总分 {fmt_points(node.max)} 分，得分 {fmt_points(node.score)} 分"
    text += f"，{reasons}。" if reasons else ("。" if node.score >= node.max else "，未说明扣分原因。")
    return para(text)


def _indicator_node(report: Report, node: NodeResult, number: int | None) -> HTML:
    label = node.full_name or node.name
    indicators = [c.indicator for c in node.children if c.indicator is not None]
    missed = [r for r in indicators if not r.met]
    head = f"（{number}）{label}。" if number else ""
    text = (f"{head}设置了 {len(indicators)} 个指标，总分 {fmt_points(node.max)} 分，自评得分 {fmt_points(node.score)} 分。")
    if indicators:
        if missed:
            names = "；".join(f"{circled(r.index + 1)}{r.name}（目标 {r.target_short}，实际 {r.actual_short}）"
                             for r in missed)
            text += f"其中 {len(indicators) - len(missed)} 个指标达到目标，{len(missed)} 个未达到：{names}。"
        else:
            text += "各项指标均达到目标。"
        text += "具体情况如下："
    parts: list[object] = [para(text)]
    if not indicators:
        return join(*parts)
    rows = []
    for r in indicators:
        completion = ("未填" if r.method == "missing" else "按表上得分" if r.method == "stated" else "定性" if r.qualitative
                      else fmt_percent(r.completion))
        rows.append([circled(r.index + 1), r.name, r.category_label, r.target_short, r.actual_short, completion,
                     r.weight, r.score])
    parts.append(table(["序号", "指标名称", "类别", "目标值", "实际完成值", "完成程度", "分值", "得分"], rows,
                       numeric=[5, 6, 7], caption=f"{node.name}明细", cls="pf-indicator-table"))
    for r in indicators:
        detail = [para(strong(f"{circled(r.index + 1)}{r.name}"), cls="pf-noindent pf-item")]
        detail.append(para(f"目标值：{r.target.text}", cls="pf-noindent"))
        detail.append(para(f"实际完成值：{r.actual_display}", cls="pf-noindent"))
        if r.computed is not None and r.source.numerator is not None:
            detail.append(para(f"计算依据：{r.source.numerator} ÷ {r.source.denominator} = "
                               f"{quantize(r.computed, 4).normalize():f}{r.rate_unit}", cls="pf-noindent"))
        score_text = f"得分：{fmt_points(r.score)} 分（分值 {fmt_points(r.weight)} 分"
        if r.method == "stated":
            score_text += f"，按表上得分计：{r.self_score_reason or '规则无法重算'}"
        elif r.qualitative and r.tier is not None:
            score_text += f"，定性评价“{r.tier.name}”"
        elif r.completion is not None:
            score_text += f"，完成程度 {fmt_percent(r.completion)}"
        if r.self_score is not None and r.rule_score is not None and r.self_score != r.rule_score:
            score_text += f"；按计分规则应为 {fmt_points(r.rule_score)} 分"
        detail.append(para(score_text + "）", cls="pf-noindent"))
        detail.append(para(f"完成情况分析：{r.analysis or '（未填写）'}", cls="pf-noindent"))
        parts.append(tag("div", join(*detail), cls="pf-indicator"))
    return join(*parts)


def _metric_leaf(report: Report, node: NodeResult, number: int | None) -> HTML:
    ev = report.ev
    m = ev.metrics
    head = f"（{number}）{node.name}。" if number else ""
    if node.method == "execution_rate":
        e = node.execution
        rate = e.rate if e else None
        how = {
            "monthly_mean": "按照部门月度预算支出进度计算年度评价执行率（各月末累计预算执行率的平均值）",
            "year_end": "按照全年支出占调整后预算的比例计算预算执行率",
            "schedule": "按照各月累计执行率对序时进度的完成程度计算年度评价执行率",
            "stated": "采用财政部门核定的年度评价执行率",
        }[e.strategy if e else "monthly_mean"]
        if e and e.source == "stated" and e.strategy != "stated":
            how += "（未提供月度支出数据，采用报告所述执行率）"
        text = (f"{head}总分 {fmt_points(node.max)} 分，{how}，{ev.year} 年度为 {fmt_percent(rate)}，"
                f"得分 {fmt_points(node.score)} 分。")
        parts: list[object] = [para(text)]
        if m.cumulative_rates:
            year_end = f"全年执行率 {fmt_percent(m.execution_rate)}" if m.execution_rate is not None else "全年支出"
            parts.append(para(f"若{year_end}均衡分布于各月，年度评价执行率约为 {fmt_percent(m.even_spending_rate)}"
                              "（均衡支出水平）；各月末累计支出及执行率如下表。"))
            rows = []
            for month, (cum, r) in enumerate(zip(m.cumulative, m.cumulative_rates), 1):
                required = DEFAULT_SCHEDULE.get(month)
                rows.append([f"{month} 月", cum, fmt_percent(r), fmt_percent(Decimal(month) / 12),
                             fmt_percent(required) if required is not None else "—"])
            parts.append(table(["月份", "累计支出", "累计执行率", "序时进度", "进度要求"], rows,
                               numeric=[1, 2, 3, 4], caption="月度累计预算执行情况", unit=m.unit))
            parts.append(_figure(report, charts.monthly_execution(ev), "月度累计预算执行进度"))
        return join(*parts)
    if node.method == "stated":  # a computed leaf the input does not let the rule compute: its stated score
        why = (ev.params.execution.self_score_reason or "输入未给出计分规则所需的数据").rstrip("。；")
        return para(f"{head}总分 {fmt_points(node.max)} 分，按自评得分计 {fmt_points(node.score)} 分（{why}，规则无法重算）。")
    if s := node.standard:  # computed from the budget (the formula with its result) or as printed
        formula, source, value = f"{s.indicator} = {s.formula}", s.source, s.value
        if value is None:
            why = ("分母为 0，该指标不适用" if source == "undefined" else
                   "预算数据和表上完成值均未填")
            return para(f"{head}总分 {fmt_points(node.max)} 分。{formula}，本年度无法计算（{why}），"
                        f"按评价框架计 {fmt_points(node.score)} 分。")
        if s.target == "未填":
            return para(f"{head}总分 {fmt_points(node.max)} 分。目标值表上未填，按评价框架计 "
                        f"{fmt_points(node.score)} 分。")
        if source == "form":
            return para(f"{head}总分 {fmt_points(node.max)} 分。{formula}，表上所列为 {quantize(value, 2)}%"
                        f"（未提供计算所需的预算数据），标准为 {s.target}，得分 {fmt_points(node.score)} 分。")
        return para(f"{head}总分 {fmt_points(node.max)} 分。{formula} = {quantize(value, 2)}%，标准为 "
                    f"{s.target}，得分 {fmt_points(node.score)} 分。")
    banded = node.banded
    return para(f"{head}总分 {fmt_points(node.max)} 分，按{banded.metric if banded else None}"
                f"（{fmt_points(banded.value if banded else None)}）分档计分，"
                f"得分 {fmt_points(node.score)} 分。")


def _management_table(report: Report, node: NodeResult) -> HTML:
    leaves = [(parent, leaf) for parent in node.walk() for leaf in parent.children
              if leaf.kind == "management"]
    lost = [leaf for _, leaf in leaves if leaf.score < leaf.max]
    groups = [c.name for c in node.children if c.kind == "group"]
    text = (f"主要包括{'、'.join(groups)}，" if groups else "") + (
        f"下设 {len(leaves)} 个三级指标，总分 {fmt_points(node.max)} 分，自评得分 {fmt_points(node.score)} 分。")
    if lost:
        text += "总体完成情况良好，主要扣分指标是：" + "、".join(
            f"{leaf.name}（扣 {fmt_points(leaf.max - leaf.score)} 分）" for leaf in lost) + "。"
    else:
        text += "各项指标均得满分。"
    rows = []
    for parent, leaf in leaves:
        entry = leaf.management
        reasons = "；".join(f"{d.reason}（扣 {fmt_points(d.points)} 分）" for d in entry.deductions) if entry else ""
        if entry is not None and entry.reason:
            reasons = (reasons + "；" if reasons else "") + entry.reason
        rows.append([parent.name if parent is not node else "", leaf.name, leaf.max, leaf.score, reasons or ""])
    tbl = table(["一级", "三级指标", "分值", "得分", "扣分原因及说明"], rows, numeric=[2, 3],
                caption=f"{node.name}明细")
    return join(para(text), tbl)


@exact
def key_projects(report: Report) -> HTML:
    ev = report.ev
    projects = ev.metrics.projects
    if not projects:
        return para("本年度未列报重点项目。")
    unit = ev.metrics.unit
    sources = {p.name: p for p in ev.params.key_projects}
    texts = []
    for p in projects:
        purpose = sources[p.name].purpose
        text = f"{ev.year} 年度重点任务项目“{p.name}”全年预算数为 {amount(p.budget, unit)}"
        if purpose:
            text += f"，{purpose.rstrip('。')}"
        text += f"。{ev.year} 年度实际支出 {amount(p.spent, unit)}，预算执行率为 {fmt_percent(p.execution_rate)}。"
        texts.append(text)
    rows = [[p.name, p.budget, p.spent, fmt_percent(p.execution_rate)] for p in projects]
    return join(paras(texts), table(["项目名称", "全年预算数", "实际支出", "预算执行率"], rows, numeric=[1, 2, 3],
                                    caption="重点项目支出情况", unit=unit))


@exact
def achievements(report: Report) -> HTML:
    return _paragraphs(report.ev.params.narrative.achievements, "主要工作成效", "{}. ")


@exact
def trend(report: Report) -> HTML:
    """历年对比 when earlier years exist."""
    history = report.history
    if len(history) < 2:
        return para(f"{_who(report.ev)}暂无 {report.ev.year} 年度以前的自评数据，无法进行历年对比。")
    names = [n.name for n in report.ev.scorecard.nodes]
    rows = []
    for ev in history:
        nodes = [ev.scorecard.node(n) for n in names]
        rows.append([f"{ev.year}", ev.total, ev.grade, *[n.score if n else None for n in nodes],
                     fmt_percent(ev.metrics.execution_rate), fmt_percent(ev.metrics.evaluation_rate)])
    first, last = history[0], history[-1]
    change = last.total - first.total
    text = (f"{first.year}—{last.year} 年度，{_who(report.ev)}自评得分由 {fmt_points(first.total)} 分"
            f"{'提高' if change > 0 else '下降' if change < 0 else '持平于'}"
            f"{'' if change == 0 else f'至 {fmt_points(last.total)} 分（{change:+.2f} 分）'}"
            f"，年度预算执行率由 {fmt_percent(first.metrics.execution_rate)} 变为 {fmt_percent(last.metrics.execution_rate)}。")
    tbl = table(["年度", "总分", "等级", *names, "年度预算执行率", "年度评价执行率"], rows,
                numeric=[1, *range(3, 3 + len(names) + 2)], caption="历年自评情况")
    return join(para(text), tbl, _figure(report, charts.trend(history), "历年得分与执行率"))


# ---------------------------------------------------------------------- 三、四 and the appendix

_SUGGESTIONS = {
    "数据完整性": "完整填报自评表，年度指标值和实际完成值不得留空；确无数据的，应注明原因。",
    "预算支出进度": "加强预算执行进度管理，对照序时进度按月监控支出，对进度滞后的项目及时督促、调整，避免资金集中在年末支出。",
    "绩效指标设置": "完善绩效指标体系，按照产出（数量、质量、时效、成本）、效益（经济、社会、生态、可持续影响）和满意度补充缺项指标。",
    "绩效目标设定": "科学合理设定绩效目标，参考以前年度实际完成情况和行业标准，避免目标值偏低。",
    "偏差原因分析": "对未完成的绩效目标逐项分析偏差原因，提出整改措施。",
    "绩效目标完成": "对未达成的绩效目标逐项落实整改，确保下一年度目标按期完成。",
    "数据表述一致性": "加强自评报告审核，确保同一数据在报告各部分表述一致、单位正确。",
    "数据准确性": "加强财务数据核对，确保报告中的金额与比率与预算执行数据一致。",
    "评分准确性": "严格按照评分规则计分，确保各级得分与汇总得分、评价等级相互一致。",
    "预算执行": "严格按预算执行，超预算支出须按规定履行调整程序。",
    "扣分依据": "对每一项扣分写明扣分原因和依据，做到扣分有据、可查可核。",
    "评分依据": "自评表须填全计分所需的指标值和可比的实际完成值，使每项得分都能按评分规则复核。",
}


def _grouped(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.topic:
            groups.setdefault(f.topic, []).append(f)
    return groups


@exact
def problems(report: Report) -> HTML:
    ev = report.ev
    own = ev.params.narrative.problems
    parts: list[object] = []
    n = 0
    for text in own:
        n += 1
        parts.append(para(f"（{cn_index(n)}）{text}"))
    groups = _grouped(ev.findings)
    if groups:
        parts.append(para("经对照评分规则和报告数据复核，还存在以下问题：" if own else "经对照评分规则和报告数据复核，存在以下问题："))
        for topic, findings in groups.items():
            n += 1
            parts.append(para(strong(f"（{cn_index(n)}）{topic}方面。")))
            parts.append(items([f.message for f in findings]))
    if not parts:
        parts.append(para("经复核，未发现明显问题。"))
    return join(*parts)


@exact
def improvements(report: Report) -> HTML:
    ev = report.ev
    own = ev.params.narrative.improvements
    parts = [para(f"{cn_index(i)}是{t}") for i, t in enumerate(own, 1)]
    topics = [t for t in _grouped(ev.findings) if t in _SUGGESTIONS]
    if topics:
        parts.append(para("结合审核发现，建议："))
        parts.append(items([_SUGGESTIONS[t] for t in topics], ordered=True))
    return join(*parts) if parts else para("（输入文件未提供改进措施。）")


@exact
def findings_appendix(report: Report) -> HTML:
    ev = report.ev
    if not ev.findings:
        return para("未发现问题。")
    counts = {lvl: len(ev.findings_at(lvl)) for lvl in Level}
    text = (f"perflib 按评分规则和一般审核要点对本报告数据进行了复核，共 {len(ev.findings)} 项："
            f"错误 {counts['error']} 项，警示 {counts['warning']} 项，提示 {counts['info']} 项。")
    rows = [[i, LEVEL_NAMES[f.level], f.code, f.subject, f.message] for i, f in enumerate(ev.findings, 1)]
    return join(para(text), table(["序号", "级别", "代码", "对象", "内容"], rows, caption="审核发现", cls="pf-findings"))


# ---------------------------------------------------------------------- the outline

#: The report's chapters as a published 部门整体支出绩效自评报告 has them: a chapter's heading and either
#: one section function or its numbered sub-sections. The template shows one chapter per cell.
OUTLINE: tuple[tuple[str, object], ...] = (
    ("一、部门基本情况", (("（一）部门职能", functions),
                   ("（二）年度总体工作和重点工作任务", tasks),
                   ("（三）部门整体支出情况", budget),
                   ("（四）部门整体绩效管理情况", performance_management))),
    ("二、绩效自评情况", (("（一）自评结论", conclusion),
                   ("（二）各项工作任务绩效目标完成情况分析", scoring_details),
                   ("（三）重点任务项目支出情况分析", key_projects),
                   ("（四）主要工作成效", achievements),
                   ("（五）历年情况对比", trend))),
    ("三、存在的主要问题", problems),
    ("四、下一步改进措施", improvements),
    ("附录　审核发现", findings_appendix),
)


@exact
def project_overview(report: Report) -> HTML:
    """（一）项目概况 of a project's report: the project, who is responsible for it and who carries it out."""
    ev = report.ev
    implementer = ev.params.project.implementer if ev.params.project else None
    text = (f"{ev.project}的主管部门为{ev.department}" + (f"，实施单位为{implementer}" if implementer else "")
            + f"；本报告为该项目 {ev.year} 年度支出绩效自评报告，按「{ev.framework.name}」评分。")
    return para(text)


#: A project's report (项目支出绩效自评报告): the department's outline with the project in its place.
PROJECT_OUTLINE: tuple[tuple[str, object], ...] = (
    ("一、项目基本情况", (("（一）项目概况", project_overview),
                   ("（二）年度绩效目标和主要工作", tasks),
                   ("（三）项目资金使用情况", budget))),
    ("二、绩效自评情况", (("（一）自评结论", conclusion),
                   ("（二）绩效目标完成情况分析", scoring_details),
                   ("（三）主要工作成效", achievements),
                   ("（四）历年情况对比", trend))),
    ("三、存在的主要问题", problems),
    ("四、下一步改进措施", improvements),
    ("附录　审核发现", findings_appendix),
)


def outline(report: Report) -> tuple[tuple[str, object], ...]:
    """The report's chapters: :data:`PROJECT_OUTLINE` for a project's form, else :data:`OUTLINE`."""
    return PROJECT_OUTLINE if report.ev.project else OUTLINE


@exact
def chapter(report: Report, number: int) -> HTML:
    """Chapter ``number`` (1-based) of :func:`outline`: its heading, its sections' headings and content.

    One cell per chapter rather than per section: every executed cell costs papermill, nbclient and
    the kernel ~5 ms of bookkeeping, and a markdown cell between two sections some more.
    """
    chapters = outline(report)
    if not 1 <= number <= len(chapters):
        raise PerflibError(f"报告共 {len(chapters)} 章，没有第 {number} 章")
    title, body = chapters[number - 1]
    if callable(body):
        return join(heading(2, title), body(report))
    return join(heading(2, title), *(join(heading(3, sub), section(report)) for sub, section in body))
