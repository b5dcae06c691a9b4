"""Charts: figures for the worked example and the demo, Chinese without a single missing glyph."""

from __future__ import annotations

import warnings

import pytest
from matplotlib.figure import Figure

from perflib import charts, evaluate, fonts
from perflib.demo import generate

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
        png = charts.png(fig)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_trend_and_demo_charts(demo_history) -> None:
    assert charts.trend(demo_history[:1]) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert charts.png(charts.trend(demo_history)).startswith(b"\x89PNG")
        for ev in demo_history:
            charts.png(charts.indicator_completion(ev))


def test_without_monthly_series_there_is_no_curve(example_data, write_params) -> None:
    example_data["execution"].pop("monthly")
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    assert charts.monthly_execution(ev) is None


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
    hatches = {bar.get_hatch() for bar in fig.axes[0].patches}
    assert len(hatches) >= 3


