"""Charts: figures for the worked example and the demo, Chinese without a single missing glyph."""

from __future__ import annotations

import re
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure

from perflib import evaluate
from perflib.demo import generate
from perflib.present import charts, fonts

from .conftest import EXAMPLE, FRAMEWORKS


@pytest.fixture(scope="module")
def example():
    return evaluate(EXAMPLE)


@pytest.fixture(scope="module")
def demo_history(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    generate(root, frameworks_dir=FRAMEWORKS)
    return [evaluate(root / "demo-justice" / f"{y}.yaml") for y in (2022, 2023, 2024)]


def test_font_comes_from_the_installed_package_not_the_system() -> None:
    path = fonts.font_path()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf"
    assert fonts.family() == "Noto Sans CJK SC"


@pytest.mark.parametrize("make", [charts.budget_by_fund, charts.monthly_execution, charts.indicator_completion,
                                  charts.node_scores])
def test_charts_render_without_missing_glyphs(example, make) -> None:
    fig = make(example)
    assert isinstance(fig, Figure)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" is a UserWarning: fail on it
        svg = charts.svg(fig).decode("utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg and len(svg) > 5_000
    # text stays text (selectable, sharp in print), drawn with the reader's CJK fonts
    title = next(t for t in (fig.axes[0].get_title(loc) for loc in ("center", "left", "right")) if t)
    assert f">{title}</text>" in svg
    assert "'Microsoft YaHei'" in svg and "DejaVu" not in svg


def test_svg_is_the_same_bytes_every_time(example) -> None:
    """No date, no random ids: a re-rendered report is byte-identical (incremental runs, warm = cold)."""
    assert charts.svg(charts.node_scores(example)) == charts.svg(charts.node_scores(example))


def test_missing_glyphs_still_warn(example) -> None:
    fig = charts.node_scores(example)
    fig.axes[0].set_title("\U0001F600")
    with pytest.warns(UserWarning, match="missing from font"):
        charts.svg(fig)


def test_trend_and_demo_charts(demo_history) -> None:
    assert charts.trend(demo_history[:1]) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert b"<svg" in charts.svg(charts.trend(demo_history))
        for ev in demo_history:
            charts.svg(charts.indicator_completion(ev))


def test_without_monthly_series_there_is_no_curve(example_data, write_params) -> None:
    example_data["execution"].pop("monthly")
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    assert charts.monthly_execution(ev) is None


def test_an_amount_not_given_is_labelled_missing_not_zero(example_data, write_params) -> None:
    for fund in example_data["budget"]["funds"]:
        fund.pop("initial", None)
    example_data["budget"].pop("stated", None)
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    labels = [t.get_text() for t in charts.budget_by_fund(ev).axes[0].texts]
    assert labels.count("未填") == len(ev.metrics.funds) + 1  # each fund type and the total
    assert "0.00" not in labels


def test_missing_font_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("PERFLIB_CJK_FONT", "/nonexistent/font.otf")
    fonts.font_path.cache_clear()
    try:
        with pytest.raises(Exception, match="PERFLIB_CJK_FONT"):
            fonts.font_path()
    finally:
        monkeypatch.delenv("PERFLIB_CJK_FONT")
        fonts.font_path.cache_clear()


def test_grayscale_styling(example) -> None:
    """Bars are told apart by hatches, not only colour, so the chart survives a grayscale printer."""
    fig = charts.budget_by_fund(example)
    series = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]  # one per series
    assert len({bars.get_hatch() for bars in series}) == len(series) == 3
    assert len({tuple(bars.get_facecolor()[0]) for bars in series}) == 3


@pytest.mark.parametrize("make", [charts.budget_by_fund, charts.monthly_execution, charts.indicator_completion,
                                  charts.node_scores])
def test_every_colour_is_a_grey(example, make) -> None:
    svg = charts.svg(make(example)).decode("utf-8")
    colours = set(re.findall(r"#([0-9a-fA-F]{6})\b", svg))
    assert colours and all(c[0:2] == c[2:4] == c[4:6] for c in colours), colours


@pytest.mark.parametrize("make", [charts.budget_by_fund, charts.monthly_execution, charts.indicator_completion,
                                  charts.node_scores])
def test_remembered_text_sizes_change_nothing(example, make) -> None:
    """svg() keeps measured text sizes from chart to chart: the bytes are what matplotlib's own writer makes."""
    import io

    from matplotlib.backends.backend_svg import FigureCanvasSVG

    charts.svg(make(example))  # every text of this chart measured before
    buf = io.StringIO()
    with charts.style():
        FigureCanvasSVG(fig := make(example)).print_svg(buf, metadata={"Date": None})
    stock = charts._FONT_FAMILY.sub(f"font-family: {charts.FONT_STACK}", buf.getvalue()).encode("utf-8")
    assert charts.svg(make(example)) == stock
    assert fig.axes


@pytest.mark.parametrize(("values", "texts"), [
    ([0, 5000, 10000, 15000], ["0", "5,000", "10,000", "15,000"]),
    ([0, 20, 40, 60, 80, 100], ["0", "20", "40", "60", "80", "100"]),
    ([0, 0.5, 1, 1.5], ["0.0", "0.5", "1.0", "1.5"]),
    ([0, 2.5, 5, 7.5], ["0.0", "2.5", "5.0", "7.5"]),
    ([0.25, 0.5, 0.75], ["0.25", "0.50", "0.75"]),
    ([-20, -0.0, 20], ["\N{MINUS SIGN}20", "0", "20"]),
    ([1_000_000, 2_000_000], ["1,000,000", "2,000,000"]),
    ([], []),
])
def test_axis_numbers(values, texts) -> None:
    assert charts.axis_numbers(values) == texts


def test_value_axis_has_a_label_and_a_grid_line_per_nice_value(example) -> None:
    fig = charts.monthly_execution(example)
    ax = fig.axes[0]
    assert ax.get_ylim() == (0, 105)
    values = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert values == ["0", "20", "40", "60", "80", "100"]
    assert [t.get_text() for t in ax.texts if t.get_text().endswith("月")] == [f"{m}月" for m in range(1, 13)]
    grids = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(grids) == 1 and len(grids[0].get_segments()) == len(values)
    assert len(ax.yaxis.get_majorticklocs()) == len(ax.xaxis.get_majorticklocs()) == 0  # no matplotlib ticks
    # the axis label clears the widest value: 4 pt gap + text + matplotlib's label pad
    assert ax.yaxis.labelpad == pytest.approx(charts.AXIS_PAD + charts.text_width("100", 10) * 72 + 4)


def test_count_axes_count_in_whole_numbers() -> None:
    fig = charts.findings_by_type([("指标完成值缺失", 1), ("数字前后不一致", 2)])
    ax = fig.axes[0]
    numbers = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert numbers and all(float(n).is_integer() for n in numbers)
    assert "0.5" not in [t.get_text() for t in ax.texts]


def test_chart_fonts_are_the_page_fonts() -> None:
    """The charts' text and the page's text ask the reader's machine for the same fonts, in order."""
    css = (Path(charts.__file__).parent / "templates" / "report.css").read_text("utf-8")
    page = re.search(r"--pf-font-sans:([^;]*);", css).group(1)
    names = lambda text: [n.strip().strip("'\"") for n in text.split(",")]  # noqa: E731
    assert names(charts.FONT_STACK) == names(page)


def test_the_completion_chart_shows_the_tables_figures(example) -> None:
    """One figure: each bar's label is the indicator table's 完成程度 (④'s combined 96.15 %, not its weakest part)."""
    from perflib.numbers import fmt_percent

    fig = charts.indicator_completion(example)
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_text().endswith("%")]
    expected = [fmt_percent(r.completion) for r in example.scorecard.indicators if not r.qualitative]
    assert labels == expected and "96.15%" in labels


def test_the_even_spending_level_is_one_figure(example) -> None:
    """The report's text and the audit name the same 均衡支出水平 (54.17 % × the year-end rate 98.54 %)."""
    from perflib.numbers import fmt_percent
    from perflib.present.report import Report, chapter

    level = fmt_percent(example.metrics.even_spending_rate)
    assert level == "53.38%"
    backloaded = [f for f in example.findings if f.code == "SPENDING_BACKLOADED"]
    assert backloaded and f"均衡支出水平 {level}" in backloaded[0].message
    text = "".join(str(chapter(Report(example, (example,)), n)) for n in (1, 2, 3, 4))
    assert f"约为 {level}" in text and "54.17%" not in text


def test_the_verifiable_share_chart_prints_in_black_and_white() -> None:
    """The review's verifiable share per department (explore.ipynb 七): grey hatched bars, Chinese labels, the
    share beside each bar; a form that scored nothing is left out, and no form at all is no chart."""
    assert charts.verifiable_share([], []) is None and charts.verifiable_share(["示范区民政局"], [None]) is None
    fig = charts.verifiable_share(["示范区民政局", "示范区司法局", "示范区水务局"], [Decimal("82.5"), None, 100.0])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "示范区民政局" in texts and "82.50%" in texts and "100.00%" in texts and "示范区司法局" not in texts
    bars = fig.axes[0].collections[0]
    assert bars.get_hatch() == "///" and len(bars.get_paths()) == 2
    assert "可核验得分占比（%）" in charts.svg(fig).decode("utf-8")
