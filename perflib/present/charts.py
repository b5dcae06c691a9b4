"""Charts of a department-year, as matplotlib figures that print in black and white.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (no global figure
list, nothing to leak between reports) in :func:`style` — the CJK font, greys, hatches, markers
and line styles rather than colours — so a chart stays legible on a grayscale printer. Bars, labels
and axes are drawn with few, plain artists (see the notes above :func:`_bars` and :func:`_axis_texts`):
charts are most of a report's time.
:func:`svg` renders a figure in the same style, as vector graphics: sharp at any zoom and on any
printer, and about 40 % cheaper to make than a 150 dpi PNG (no rasterising, no PNG compression).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache

import matplotlib
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.transforms import TransformedPatchPath, offset_copy

from ..evaluation import Evaluation
from ..numbers import fmt_number, fmt_percent, fmt_points, quantize
from ..scoring.budget import DEFAULT_SCHEDULE, MONTHS
from ..text import circled, display_width
from . import fonts

GREYS = ("#222222", "#777777", "#bbbbbb", "#ffffff")
# no dotted hatch ("..."): in SVG each dot is a curve, and one such pattern is ~140 KB
HATCHES = ("", "///", "\\\\\\", "xx")
LINES = (("-", "o"), ("--", "s"), ("-.", "^"), (":", "D"))
#: the reader's fonts for the charts' text, as for the page's own (see report.css); the layout is
#: measured with perflib's CJK font, and every label is anchored (start, middle, end), so a
#: different CJK font on the reader's machine cannot push a label out of place
FONT_STACK = ("'Noto Sans CJK SC', 'Source Han Sans SC', 'Source Han Sans CN', 'Noto Sans SC', "
              "'Microsoft YaHei', '微软雅黑', 'PingFang SC', 'Hiragino Sans GB', 'WenQuanYi Micro Hei', "
              "'SimSun', '宋体', sans-serif")

STYLE: dict[str, object] = {
    "axes.prop_cycle": matplotlib.cycler(color=["#000000", "#555555", "#888888", "#aaaaaa"],
                                         linestyle=["-", "--", "-.", ":"], marker=["o", "s", "^", "D"]),
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.edgecolor": "#333333",
    "grid.color": "#cccccc",
    "grid.linestyle": ":",
    "axes.spines.top": False,
    "axes.spines.right": False,
    # matplotlib's defaults name the colour cycle ("C0"): every patch made would look it up by iterating
    # the whole (colour × line style × marker) cycle above; a plain grey is the same on paper
    "patch.facecolor": GREYS[1],
    "lines.color": "#000000",
    "hatch.linewidth": 0.7,
    "hatch.color": "#000000",
    "legend.frameon": False,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titley": 1.02,  # a fixed title position: the automatic one lays out every tick label again
    "savefig.facecolor": "white",
    "svg.fonttype": "none",  # text as text: selectable, and drawn by the reader's CJK font
    "svg.hashsalt": "perflib",  # ids from content alone: the same chart is the same bytes
}


@contextmanager
def style() -> Iterator[None]:
    """matplotlib settings for perflib's charts: the CJK font and a grayscale-printable look."""
    with matplotlib.rc_context({**STYLE, **fonts.rc()}):
        yield


def svg(fig: Figure) -> bytes:
    """The figure as a standalone SVG document, rendered in perflib's style.

    As ``FigureCanvasSVG.print_svg`` does it, but with a renderer that remembers the size of every
    text it has measured, from one chart to the next (see :func:`_renderer`).
    """
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buf = io.StringIO()
    with style():
        FigureCanvasSVG(fig)
        dpi, fig.dpi = fig.dpi, 72
        width, height = fig.get_size_inches()
        renderer = MixedModeRenderer(fig, width, height, dpi,
                                     _renderer()(width * 72, height * 72, buf, image_dpi=dpi, metadata={"Date": None}))
        fig.draw(renderer)
        renderer.finalize()
    return _FONT_FAMILY.sub(f"font-family: {FONT_STACK}", buf.getvalue()).encode("utf-8")


_FONT_FAMILY = re.compile(r"font-family: [^;\"]*")

#: sizes of texts measured so far: (text, font files, size, hinting and kerning factors) → (w, h, d)
_EXTENTS: dict[tuple, tuple[float, float, float]] = {}
_EXTENTS_MAX = 20_000


@lru_cache(maxsize=1)
def _renderer() -> type:
    """matplotlib's SVG renderer, measuring each distinct text once per process.

    Laying out a chart measures every label, tick and title with the font (FreeType loads each glyph
    of a CJK font's CFF outlines: ~0.3 ms a text), and matplotlib keeps the sizes only for one
    renderer, i.e. one chart. The same labels recur in every chart and report ("0", "20", "合计", the
    months, the indicators of a department over the years), so the sizes are kept here instead,
    keyed on everything the measurement depends on. Mathtext is measured every time, as before.
    """
    from matplotlib import font_manager, rcParams
    from matplotlib.backends.backend_svg import RendererSVG

    class _Renderer(RendererSVG):
        def get_text_width_height_descent(self, s, prop, ismath):
            if ismath:
                return super().get_text_width_height_descent(s, prop, ismath)
            # the files TextToPath measures with: what prop's family names resolve to under the rcParams now
            key = (s, tuple(font_manager.fontManager._find_fonts_by_props(prop)), prop.get_size_in_points(),
                   rcParams["text.hinting_factor"], rcParams["text.kerning_factor"])
            extent = _EXTENTS.get(key)
            if extent is None:
                if len(_EXTENTS) >= _EXTENTS_MAX:
                    _EXTENTS.clear()
                extent = _EXTENTS[key] = super().get_text_width_height_descent(s, prop, ismath)
            return extent

    return _Renderer


def text_width(text: str, size: float) -> float:
    """Approximate width in inches of ``text`` at ``size`` points (CJK full width, Latin ~0.6)."""
    return display_width(text, wide=1.0, narrow=0.6) * size / 72


def _margins(fig: Figure, *, left: float, right: float = 0.2, top: float = 0.45, bottom: float = 0.55,
             wspace: float | None = None) -> None:
    """Margins in inches. Cheaper than ``bbox_inches="tight"``, which draws every chart twice."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height, wspace=wspace)


def _f(value: Decimal | None) -> float:
    return float(value) if value is not None else 0.0


# Bars, value labels and category names are drawn with few, plain artists: matplotlib's bar() makes a
# patch per bar (and updates the limits for each), annotate() an Annotation per label, and a tick per
# category is five artists. One collection per series and plain text take half the time to build
# and draw, and charts are most of a report's time.


def _bars(ax, centres: Sequence[float], values: Sequence[float], thickness: float, *,
          horizontal: bool = False, **props: object) -> PolyCollection:
    """Bars from 0 to each value, as one collection (a legend shows it as one swatch)."""
    half = thickness / 2
    if horizontal:
        verts = [[(0, c - half), (v, c - half), (v, c + half), (0, c + half)] for c, v in zip(centres, values)]
    else:
        verts = [[(c - half, 0), (c - half, v), (c + half, v), (c + half, 0)] for c, v in zip(centres, values)]
    bars = PolyCollection(verts, closed=True, **{"edgecolor": "black", "linewidth": 0.6, **props})
    (bars.sticky_edges.x if horizontal else bars.sticky_edges.y).append(0)  # the axis starts at 0, as bar()'s
    ax.add_collection(bars, autolim=True)
    ax.autoscale_view()
    return bars


def _labels(ax, points: Sequence[tuple[float, float]], texts: Sequence[str], *, dx: float = 0,
            dy: float = 0, **props: object) -> None:
    """Texts at data points, moved by (dx, dy) points; small print (7 pt) unless told."""
    moved = offset_copy(ax.transData, fig=ax.figure, x=dx, y=dy, units="points")
    clip = _clip(ax)
    for (x, y), text in zip(points, texts):
        ax.text(x, y, text, transform=moved, clip_path=clip, **{"fontsize": 7, **props})


def _clip(ax) -> TransformedPatchPath:
    """The axes' clip path, made once for all the texts of a chart: ``ax.text`` makes one per text, and that
    was a tenth of building a chart. (Texts are not clipped unless asked; the path is only kept.)"""
    return TransformedPatchPath(ax.patch)


# Axes are labelled the same way. A matplotlib tick is five artists (two marks, two labels, a grid
# line), made anew for every chart and measured twice in every drawing: a third of a chart's time.
# Here an axis's labels are plain texts beside it and its grid is one collection of lines; the values
# of a value axis still come from matplotlib's locator, its "nice" steps.

AXIS_PAD = 4  # points between an axis and its labels


def _axis_texts(ax, which: str, positions: Sequence[float], texts: Sequence[str], *,
                fontsize: float | None = None) -> float:
    """Texts below the x axis or left of the y axis, at data positions, instead of its ticks.

    Returns the room they take from the axis, in points (for a ``labelpad`` or a margin).
    """
    from matplotlib.ticker import NullLocator

    size = fontsize or matplotlib.rcParams["font.size"]
    (ax.xaxis if which == "x" else ax.yaxis).set_major_locator(NullLocator())  # set_ticks([]) makes a tick
    clip = _clip(ax)
    if which == "x":
        below = offset_copy(ax.get_xaxis_transform(), fig=ax.figure, y=-AXIS_PAD, units="points")
        for x, text in zip(positions, texts):
            ax.text(x, 0, text, transform=below, ha="center", va="top", fontsize=size, clip_path=clip)
        return AXIS_PAD + 1.2 * size
    beside = offset_copy(ax.get_yaxis_transform(), fig=ax.figure, x=-AXIS_PAD, units="points")
    for y, text in zip(positions, texts):
        ax.text(0, y, text, transform=beside, ha="right", va="center", fontsize=size, clip_path=clip)
    return AXIS_PAD + max((text_width(t, size) for t in texts), default=0) * 72


def _bar_names(ax, positions: Sequence[float], names: Sequence[str], *, fontsize: float = 8) -> float:
    """Names of horizontal bars left of the y axis; returns the left margin (inches) they need."""
    return _axis_texts(ax, "y", positions, names, fontsize=fontsize) / 72 + 0.15


def _value_axis(ax, which: str = "y", *, integer: bool = False) -> float:
    """Grid lines and labels at matplotlib's nice values (whole numbers if ``integer``) for the axis's
    limits, which are kept as they are.

    Call it when everything is drawn and the margins are set. Returns the axis label's ``labelpad``
    that keeps the label clear of the values.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.ticker import MaxNLocator

    if which == "x":
        axis, set_limits, across = ax.xaxis, ax.set_xlim, ax.get_xaxis_transform()
    else:
        axis, set_limits, across = ax.yaxis, ax.set_ylim, ax.get_yaxis_transform()
    if integer:
        axis.set_major_locator(MaxNLocator("auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    set_limits(*axis.get_view_interval())  # autoscaled now, and kept: the grid and labels are drawn for them
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    values = [float(v) for v in axis.get_major_locator()() if low - slack <= v <= high + slack]
    rc = matplotlib.rcParams
    lines = [[(v, 0), (v, 1)] if which == "x" else [(0, v), (1, v)] for v in values]
    ax.add_collection(LineCollection(lines, transform=across, colors=rc["grid.color"], linestyles=rc["grid.linestyle"],
                                     linewidths=rc["grid.linewidth"], zorder=0.5), autolim=False)
    return _axis_texts(ax, which, values, axis_numbers(values)) + rc["axes.labelpad"]


def spending_progress(names: Sequence[str], rates: Sequence[Decimal | None], expected: Decimal) -> Figure:
    """Execution rate to date by fund and project (horizontal bars, the total first) against the rate
    expected by this month (a dashed line): for the mid-year monitoring report."""
    with style():
        height = 1.0 + 0.38 * len(names)
        fig = Figure(figsize=(7.0, height))
        ax = fig.add_subplot()
        ys = list(range(len(names)))[::-1]
        values = [_f(r) * 100 for r in rates]
        _bars(ax, ys, values, 0.6, horizontal=True, facecolor=GREYS[1], hatch=HATCHES[1], label="累计执行率")
        _labels(ax, list(zip(values, ys)), [fmt_percent(r) for r in rates], dx=3, ha="left", va="center")
        line = float(expected) * 100
        ax.axvline(line, color="black", linestyle="--", linewidth=1, label=f"应达 {fmt_percent(expected)}")
        ax.set_xlim(0, max([*values, line, 10.0]) * 1.18)
        ax.set_ylim(-0.6, len(names) - 0.4)
        ax.set_yticks([])
        left = _bar_names(ax, ys, list(names))
        _margins(fig, left=left, top=0.35, bottom=0.5)
        pad = _value_axis(ax, "x")
        ax.set_xlabel("累计执行率（%）", labelpad=pad)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    return fig


def spending_curve(rates: Sequence[Decimal | None], checkpoints: dict[int, Decimal]) -> Figure:
    """Month-end cumulative execution for months 1–N against the even-spending line and the rules'
    checkpoints (triangles): for the mid-year monitoring report. The x axis runs to December."""
    with style():
        fig = Figure(figsize=(7.0, 3.4))
        ax = fig.add_subplot()
        months = list(range(1, len(rates) + 1))
        values = [_f(r) * 100 for r in rates]
        ax.plot(months, values, color="black", linestyle="-", marker="o", markersize=4, label="累计执行率")
        ax.plot(MONTHS, [mo / 12 * 100 for mo in MONTHS], color="#777777", linestyle="--", label="均衡支出进度（序时进度）")
        if checkpoints:
            ax.plot(list(checkpoints), [float(v) for v in checkpoints.values()], linestyle="none", marker="^",
                    color="black", markerfacecolor="white", markersize=7,
                    label=f"进度要求（{'/'.join(str(mo) for mo in checkpoints)} 月）")
        _labels(ax, [(months[-1], values[-1])], [fmt_percent(rates[-1])], dx=6, ha="left", va="center")
        _axis_texts(ax, "x", MONTHS, [f"{mo}月" for mo in MONTHS])
        ax.set_xlim(0.5, 12.5)
        ax.set_ylim(0, 105)
        ax.legend(loc="upper left", fontsize=8)
        _margins(fig, left=0.7, bottom=0.45)
        ax.set_ylabel("累计执行率（%）", labelpad=_value_axis(ax))
    return fig


def axis_numbers(values: Sequence[float]) -> list[str]:
    """Values of an axis as text: thousands separated, the decimals the step needs, a true minus sign."""
    places = next((n for n in range(7) if all(abs(round(v, n) - v) <= 1e-9 * max(1.0, abs(v)) for v in values)), 6)
    return [f"{v if v else 0.0:,.{places}f}".replace("-", "\N{MINUS SIGN}") for v in values]


def _bar_labels(ax, centres: Sequence[float], values: Sequence[float], fmt: str = "{:.2f}") -> None:
    _labels(ax, list(zip(centres, values)), [fmt.format(v) for v in values], dy=2, ha="center", va="bottom")


def budget_by_fund(ev: Evaluation) -> Figure:
    """年初预算, 调整后预算 and 支出 by fund type, with the total."""
    m = ev.metrics
    with style():
        fig = Figure(figsize=(7.0, 3.4))
        ax = fig.add_subplot()
        labels = [f.type for f in m.funds] + (["合计"] if len(m.funds) > 1 else [])
        series = [
            ("年初预算", [f.initial for f in m.funds] + ([m.initial] if len(m.funds) > 1 else [])),
            ("调整后预算", [f.adjusted for f in m.funds] + ([m.adjusted] if len(m.funds) > 1 else [])),
            ("支出", [f.spent for f in m.funds] + ([m.spent] if len(m.funds) > 1 else [])),
        ]
        width = 0.26
        for i, (name, values) in enumerate(series):
            xs = [x + (i - 1) * width for x in range(len(labels))]
            heights = [_f(v) for v in values]
            _bars(ax, xs, heights, width, label=name, facecolor=GREYS[i], hatch=HATCHES[i])
            # an amount the input does not give (年初预算 often) is said to be missing, not drawn as 0.00
            _labels(ax, list(zip(xs, heights)), ["未填" if v is None else fmt_number(v) for v in values],
                    dy=2, ha="center", va="bottom")
        _axis_texts(ax, "x", range(len(labels)), labels)
        ax.set_title(f"{ev.year} 年度预算与支出（按资金性质）")
        ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.1))
        ax.margins(y=0.15)
        _margins(fig, left=0.85, bottom=0.85)
        ax.set_ylabel(f"金额（{m.unit}）", labelpad=_value_axis(ax))
    return fig


def monthly_execution(ev: Evaluation) -> Figure | None:
    """Month-end cumulative execution against the even-spending line and the spending schedule."""
    m = ev.metrics
    if not m.cumulative_rates:
        return None
    with style():
        fig = Figure(figsize=(7.0, 3.6))
        ax = fig.add_subplot()
        rates = [float(r) * 100 for r in m.cumulative_rates]
        ax.plot(MONTHS, rates, color="black", linestyle="-", marker="o", markersize=4, label="累计执行率")
        ax.plot(MONTHS, [mo / 12 * 100 for mo in MONTHS], color="#777777", linestyle="--", label="均衡支出进度（序时进度）")
        ax.plot(list(DEFAULT_SCHEDULE), [float(v) * 100 for v in DEFAULT_SCHEDULE.values()], linestyle="none",
                marker="^", color="black", markerfacecolor="white", markersize=7, label="进度要求（4/6/8/10 月）")
        marked = [(month, rate) for month, rate in zip(MONTHS, rates) if month in DEFAULT_SCHEDULE or month == 12]
        _labels(ax, marked, [fmt_percent(m.cumulative_rates[month - 1]) for month, _ in marked], dy=-12, ha="center")
        _axis_texts(ax, "x", MONTHS, [f"{mo}月" for mo in MONTHS])
        ax.set_ylim(0, 105)
        rate = m.monthly_mean_rate
        ax.set_title(f"月度累计预算执行进度（年度评价执行率 {fmt_percent(rate)}）" if rate is not None else "月度累计预算执行进度")
        ax.legend(loc="upper left", fontsize=8)
        _margins(fig, left=0.7, bottom=0.45)
        ax.set_ylabel("累计执行率（%）", labelpad=_value_axis(ax))
    return fig


def _short(name: str, width: int = 18) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def indicator_completion(ev: Evaluation) -> Figure | None:
    """完成程度 of each quantitative indicator, met and missed apart: the figure of the indicator table.

    A compound target shows its combined completion and a "less is better" target its completion (100 %
    when met), exactly as the table prints them; how far a target was exceeded is the audit's to say.
    """

    rows = []
    for r in ev.scorecard.indicators:
        if r.qualitative or r.completion is None:
            continue
        rows.append((f"{circled(r.index + 1)} {_short(r.name)}", float(r.completion) * 100, fmt_percent(r.completion),
                     r.met))
    if not rows:
        return None
    with style():
        fig = Figure(figsize=(7.0, 0.32 * len(rows) + 1.2))
        ax = fig.add_subplot()
        ys = list(range(len(rows)))[::-1]
        for met, face, hatch in ((True, "#555555", ""), (False, "white", "///")):
            chosen = [(y, value) for y, (_label, value, _text, m) in zip(ys, rows) if m is met]
            if chosen:
                _bars(ax, [y for y, _ in chosen], [v for _, v in chosen], 0.8, horizontal=True, facecolor=face,
                      hatch=hatch)
        # the figures in one column right of the 100 % line, as in the table
        _labels(ax, [(max(value, 100.0), y) for y, (_l, value, _t, _m) in zip(ys, rows)], [r[2] for r in rows], dx=3,
                va="center")
        ax.axvline(100, color="black", linewidth=0.8, linestyle="--")
        left = _bar_names(ax, ys, [r[0] for r in rows])
        ax.set_xlim(0, 125)
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(facecolor="#555555", edgecolor="black", label="已完成"),
                           Patch(facecolor="white", edgecolor="black", hatch="///", label="未完成")],
                  loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=8, frameon=False)
        ax.set_title("绩效指标完成情况", loc="right")
        _margins(fig, left=left, bottom=0.6, top=0.45)
        ax.set_xlabel("完成程度（%，与指标表一致）", labelpad=_value_axis(ax, "x"))
    return fig


def node_scores(ev: Evaluation, *, depth: int = 2) -> Figure:
    """Score of each node down to ``depth`` levels against its maximum."""
    nodes = [n for n in ev.scorecard.walk() if n.level <= depth and n.kind not in ("indicator", "management")]
    with style():
        fig = Figure(figsize=(7.0, 0.34 * len(nodes) + 1.2))
        ax = fig.add_subplot()
        ys = list(range(len(nodes)))[::-1]
        _bars(ax, ys, [float(n.max) for n in nodes], 0.8, horizontal=True, facecolor="white", hatch=HATCHES[2],
              label="分值")
        _bars(ax, ys, [float(n.score) for n in nodes], 0.5, horizontal=True, facecolor="#444444", label="得分")
        _labels(ax, [(float(n.max), y) for y, n in zip(ys, nodes)],
                [f"{fmt_points(n.score)}/{fmt_points(n.max)}" for n in nodes], dx=3, va="center")
        left = _bar_names(ax, ys, [n.name for n in nodes])
        ax.set_xlim(0, float(max(n.max for n in nodes)) * 1.18)
        ax.legend(loc="lower right", fontsize=8)
        ax.set_title(f"各级指标得分（总分 {fmt_points(ev.total)} 分，等级「{ev.grade}」）")
        _margins(fig, left=left, bottom=0.6, top=0.4)
        ax.set_xlabel("分", labelpad=_value_axis(ax, "x"))
    return fig


def trend(history: Sequence[Evaluation]) -> Figure | None:
    """The department over the years: total and first-level scores; execution rates."""
    if len(history) < 2:
        return None
    years = [ev.year for ev in history]
    with style():
        fig = Figure(figsize=(7.0, 3.4))
        left, right = fig.subplots(1, 2)
        left.plot(years, [float(ev.total) for ev in history], color="black", linestyle="-", marker="o", label="总分")
        names = [n.name for n in history[-1].scorecard.nodes]
        for i, name in enumerate(names):
            values = [ev.scorecard.node(name) for ev in history]
            style_, marker = LINES[(i + 1) % len(LINES)]
            left.plot(years, [float(v.score) if v else float("nan") for v in values], color=GREYS[min(i + 1, 2)],
                      linestyle=style_, marker=marker, label=name)
        left.set_title("得分")
        _axis_texts(left, "x", years, [str(y) for y in years])
        left.legend(fontsize=7)
        right.plot(years, [float(ev.metrics.execution_rate or 0) * 100 for ev in history], color="black",
                   linestyle="-", marker="o", label="年度预算执行率")
        right.plot(years, [float(ev.metrics.evaluation_rate or 0) * 100 for ev in history], color="#555555",
                   linestyle="--", marker="s", label="年度评价执行率")
        right.set_title("执行率（%）")
        _axis_texts(right, "x", years, [str(y) for y in years])
        right.set_ylim(0, 105)
        right.legend(fontsize=7)
        fig.suptitle(f"{history[-1].department}历年情况")
        _margins(fig, left=0.5, bottom=0.4, top=0.65, wspace=0.3)
        _value_axis(left)
        _value_axis(right)
    return fig


# ---------------------------------------------------------------------- the year's overview


def ranking(evaluations: Sequence[Evaluation]) -> Figure | None:
    """Total score of each department, highest first, with the grade."""
    if not evaluations:
        return None
    with style():
        fig = Figure(figsize=(7.0, 0.3 * len(evaluations) + 1.1))
        ax = fig.add_subplot()
        ys = list(range(len(evaluations)))[::-1]
        grades: list[str] = []
        for ev in evaluations:
            if ev.grade not in grades:
                grades.append(ev.grade)
        for i, grade in enumerate(grades):
            rows = [(y, float(ev.total)) for y, ev in zip(ys, evaluations) if ev.grade == grade]
            _bars(ax, [y for y, _ in rows], [t for _, t in rows], 0.8, horizontal=True, facecolor=GREYS[min(i, 2)],
                  hatch=HATCHES[i % len(HATCHES)], label=grade)
        _labels(ax, [(float(ev.total), y) for y, ev in zip(ys, evaluations)],
                [fmt_points(ev.total) for ev in evaluations], dx=3, va="center")
        left = _bar_names(ax, ys, [ev.department for ev in evaluations])
        ax.set_xlim(0, 110)
        ax.legend(title="等级", fontsize=8, title_fontsize=8, loc="lower right")
        _margins(fig, left=left, bottom=0.5, top=0.2)
        ax.set_xlabel("自评得分", labelpad=_value_axis(ax, "x"))
    return fig


def grade_distribution(grades: Sequence[str], counts: Sequence[int]) -> Figure:
    """Number of departments per grade."""
    with style():
        fig = Figure(figsize=(5.0, 2.8))
        ax = fig.add_subplot()
        xs = list(range(len(grades)))
        for x, count in zip(xs, counts):
            _bars(ax, [x], [count], 0.8, facecolor=GREYS[min(x, 2)], hatch=HATCHES[x % len(HATCHES)])
        _axis_texts(ax, "x", xs, list(grades))
        _bar_labels(ax, xs, list(counts), "{:.0f}")
        ax.margins(y=0.2)
        _margins(fig, left=0.6, bottom=0.4, top=0.2)
        ax.set_ylabel("部门数", labelpad=_value_axis(ax, integer=True))
    return fig


def score_heatmap(evaluations: Sequence[Evaluation], *, depth: int = 2) -> Figure | None:
    """Score ÷ maximum of every node down to ``depth`` levels, departments × nodes, in greys."""
    import numpy as np

    columns: list[str] = []
    for ev in evaluations:
        for n in ev.scorecard.walk():
            if n.level <= depth and n.kind not in ("indicator", "management") and n.name not in columns:
                columns.append(n.name)
    if not evaluations or not columns:
        return None
    values = np.full((len(evaluations), len(columns)), np.nan)
    labels = np.full((len(evaluations), len(columns)), "", dtype=object)  # whole percents, rounded half-up
    for i, ev in enumerate(evaluations):
        for j, name in enumerate(columns):
            node = ev.scorecard.node(name)
            if node is not None and node.max:
                values[i, j] = float(node.score / node.max)
                labels[i, j] = f"{quantize(node.score / node.max * 100, 0)}"
    with style():
        width = max(7.0, 0.42 * len(columns) + 2.5)
        fig = Figure(figsize=(width, 0.3 * len(evaluations) + 2.0))
        ax = fig.add_subplot()
        ax.imshow(np.ma.masked_invalid(values), cmap="Greys", vmin=0.4, vmax=1.0, aspect="auto")
        for i in range(len(evaluations)):
            for j in range(len(columns)):
                if not np.isnan(values[i, j]):
                    ax.text(j, i, labels[i, j], ha="center", va="center", fontsize=6,
                            color="white" if values[i, j] > 0.75 else "black")
        ax.set_xticks(range(len(columns)), columns, rotation=60, ha="right", fontsize=7)
        names = [ev.department for ev in evaluations]
        ax.set_yticks(range(len(evaluations)), names, fontsize=7)
        ax.grid(False)
        ax.set_title("得分率（%，取整）")
        _margins(fig, left=max(text_width(n, 7) for n in names) + 0.2,
                 bottom=max(text_width(c, 7) for c in columns) * 0.87 + 0.3, top=0.35)
    return fig


def execution_curves(evaluations: Sequence[Evaluation]) -> Figure | None:
    """Every department's month-end cumulative execution rate, with the even-spending line."""
    if not evaluations:
        return None
    with style():
        fig = Figure(figsize=(7.0, 3.6))
        ax = fig.add_subplot()
        for ev in evaluations:
            ax.plot(MONTHS, [float(r) * 100 for r in ev.metrics.cumulative_rates], color="#999999", linewidth=0.7,
                    linestyle="-", marker="")
        mean = [sum(float(ev.metrics.cumulative_rates[m - 1]) for ev in evaluations) / len(evaluations) * 100
                for m in MONTHS]
        ax.plot(MONTHS, mean, color="black", linewidth=2, linestyle="-", marker="o", markersize=4, label="各部门平均")
        ax.plot(MONTHS, [m / 12 * 100 for m in MONTHS], color="black", linestyle="--", marker="",
                label="均衡支出进度")
        ax.plot([], [], color="#999999", linewidth=0.7, linestyle="-", marker="", label="各部门")
        _axis_texts(ax, "x", MONTHS, [f"{m}月" for m in MONTHS])
        ax.set_ylim(0, 105)
        ax.legend(loc="upper left", fontsize=8)
        _margins(fig, left=0.7, bottom=0.45, top=0.2)
        ax.set_ylabel("累计执行率（%）", labelpad=_value_axis(ax))
    return fig


def findings_by_type(counts: Sequence[tuple[str, int]]) -> Figure | None:
    """How often each kind of error or warning was found."""
    if not counts:
        return None
    with style():
        fig = Figure(figsize=(7.0, 0.3 * len(counts) + 1.0))
        ax = fig.add_subplot()
        ys = list(range(len(counts)))[::-1]
        _bars(ax, ys, [c for _, c in counts], 0.8, horizontal=True, facecolor="#777777")
        _labels(ax, [(c, y) for y, (_, c) in zip(ys, counts)], [str(c) for _, c in counts], dx=3, va="center")
        left = _bar_names(ax, ys, [label for label, _ in counts], fontsize=7)
        ax.margins(x=0.1)
        _margins(fig, left=left, bottom=0.45, top=0.15)
        ax.set_xlabel("次数", labelpad=_value_axis(ax, "x", integer=True))
    return fig


def verifiable_share(names: Sequence[str], shares: Sequence[Decimal | float | None]) -> Figure | None:
    """Each department's verifiable share (可核验得分占比, %): the points its form earned on figures the rules
    recompute, of all it earned (perflib.bureau); a form that scored nothing (None) is left out."""
    rows = [(name, float(share)) for name, share in zip(names, shares) if share is not None]
    if not rows:
        return None
    with style():
        fig = Figure(figsize=(7.0, 0.3 * len(rows) + 1.0))
        ax = fig.add_subplot()
        ys = list(range(len(rows)))[::-1]
        _bars(ax, ys, [s for _, s in rows], 0.7, horizontal=True, facecolor=GREYS[2], hatch=HATCHES[1])
        _labels(ax, [(s, y) for y, (_, s) in zip(ys, rows)], [f"{s:.2f}%" for _, s in rows], dx=3, va="center")
        left = _bar_names(ax, ys, [_short(name) for name, _ in rows])
        ax.set_xlim(0, 112)  # room for the value labels beside a full bar
        ax.set_ylim(-0.6, len(rows) - 0.4)
        _margins(fig, left=left, bottom=0.45, top=0.15)
        ax.set_xlabel("可核验得分占比（%）", labelpad=_value_axis(ax, "x"))
    return fig
