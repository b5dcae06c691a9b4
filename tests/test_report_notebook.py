"""The report notebook executed for the worked example, rendered to HTML and inspected."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from perflib.batch import RunOptions, run
from perflib.engine.export import scrub_css

from .conftest import EXAMPLE, FRAMEWORKS, REPO

TEMPLATE = REPO / "notebooks" / "report.ipynb"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """outputs/ after `perflib run` on the worked example plus an earlier year (for the trend)."""
    root = tmp_path_factory.mktemp("report")
    params = root / "params"
    shutil.copytree(FRAMEWORKS, params / "frameworks")
    (params / "baiyun-emergency").mkdir()
    shutil.copyfile(EXAMPLE, params / "baiyun-emergency" / "2023.yaml")
    earlier = EXAMPLE.read_text(encoding="utf-8").replace("year: 2023", "year: 2022").replace(
        "title: 2023 年度", "title: 2022 年度")
    (params / "baiyun-emergency" / "2022.yaml").write_text(earlier, encoding="utf-8")
    report = run(RunOptions(params_dir=params, outputs_dir=root / "outputs", template=TEMPLATE, jobs=1,
                            engine="cold", progress=False, overview=False))
    assert [e.status for e in report.entries] == ["ok", "ok"], [e.error for e in report.entries]
    return root / "outputs"


@pytest.fixture(scope="module")
def html(rendered: Path) -> str:
    return (rendered / "baiyun-emergency" / "2023" / "report.html").read_text(encoding="utf-8")


def test_sections_and_figures(html: str) -> None:
    for heading in ("一、部门基本情况", "二、绩效自评情况", "三、存在的主要问题", "四、下一步改进措施",
                    "（一）部门职能", "（三）部门整体支出情况", "（一）自评结论", "附录"):
        assert heading in html, heading
    assert "2023 年度广州市白云区应急管理局部门整体支出绩效自评报告" in html
    assert "91.88" in html and "“优”" in html
    assert "自评得分 91.88 分" in html
    assert "部门预算资金支出率" in html and "47.78%" in html and "4.78" in html


def test_prose_generated_from_figures(html: str) -> None:
    text = re.sub(r"<[^>]+>", "", html)
    assert "年初预算为 5692.59 万元，其中一般公共预算 3024.25 万元，政府性基金预算 2668.34 万元" in text
    assert "年度预算执行率为 98.54%" in text
    assert "设置了 11 个指标，总分 20.00 分，自评得分 19.60 分" in text
    assert "财务管理合规性（扣 1.00 分）" in text
    assert "预算执行率为 99.51%" in text


def test_charts_are_embedded_vector_images(html: str) -> None:
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert len(images) >= 5  # budget, scores, completion, monthly curve, trend
    prefix = "data:image/svg+xml;base64,"
    assert all(src.startswith(prefix) for src in images)
    svgs = [base64.b64decode(src[len(prefix):]).decode("utf-8") for src in images]
    assert any(">月度累计预算执行进度" in svg for svg in svgs)  # the chart's own title, as text
    for svg in svgs:  # self-contained: no script, every reference inside the image
        assert "<script" not in svg
        assert all(ref.startswith(("#", "data:")) for ref in re.findall(r'href="([^"]*)"', svg))


def test_no_code_no_parameters(html: str) -> None:
    assert "report.load(" not in html and "report.setup()" not in html
    assert "params_dir" not in html and "injected-parameters" not in html
    assert "jp-InputArea-editor" not in html and "highlight hl-ipython" not in html and "In&nbsp;[" not in html


def test_offline(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)


def test_table_of_contents_and_print_css(html: str) -> None:
    assert '<nav aria-label="目录" class="pf-toc">' in html or 'class="pf-toc"' in html
    toc = html.split('class="pf-toc"', 1)[1].split("</nav>", 1)[0]
    for heading in ("一、部门基本情况", "二、绩效自评情况", "三、存在的主要问题"):
        assert heading in toc
    assert "@media print" in html and "@page" in html


def test_the_stylesheet_arrives_whole(html: str) -> None:
    """The scrub must not eat rules of perflib's own stylesheet (it once cut everything from a comment
    mentioning @import to the next semicolon: fonts and table borders were gone)."""
    css = (REPO / "perflib" / "present" / "templates" / "report.css").read_text(encoding="utf-8")
    assert scrub_css(css).strip() in html
    assert "border-collapse: collapse" in html and "--pf-font-sans:" in html


def test_no_missing_glyph_in_the_executed_notebook(rendered: Path) -> None:
    nb = nbformat.read(rendered / "baiyun-emergency" / "2023" / "report.ipynb", as_version=4)
    streams = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert "missing from font" not in streams and "Glyph" not in streams
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    assert nb.metadata.papermill.parameters["department"] == "baiyun-emergency"


def test_trend_when_earlier_years_exist(html: str, rendered: Path) -> None:
    assert "历年自评情况" in html and "2022" in html
    first = (rendered / "baiyun-emergency" / "2022" / "report.html").read_text(encoding="utf-8")
    assert "暂无 2022 年度以前的自评数据，无法进行历年对比" in first
    assert "params" not in first.split("<main", 1)[1]  # a reader does not know our folder names


def test_findings_appendix_and_problems(html: str) -> None:
    assert "SPENDING_BACKLOADED" in html and "CATEGORY_MISSING" in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "（一）部门预算资金上半年支出进度较慢" in text  # the analyst's own text
    assert "经对照评分规则和报告数据复核" in text  # and the audit's


def test_sidecar_and_manifest(rendered: Path) -> None:
    manifest = json.loads((rendered / "manifest.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in manifest["reports"]] == ["ok", "ok"]
    sidecar = json.loads((rendered / "baiyun-emergency" / "2023" / "report.json").read_text(encoding="utf-8"))
    assert sidecar["summary"]["total"] == 91.88 and sidecar["fingerprint"]


def test_chapters_follow_the_outline_in_order(html: str) -> None:
    from perflib.present.report import OUTLINE

    headings = [title for title, _ in OUTLINE]
    headings += [sub for _, body in OUTLINE if not callable(body) for sub, _ in body]
    positions = {h: html.find(h, html.find("</nav>")) for h in headings}  # after the table of contents
    assert all(p > 0 for p in positions.values()), positions
    chapters = [positions[title] for title, _ in OUTLINE]
    assert chapters == sorted(chapters)


def test_chapter_numbers_are_checked(example_data, write_params) -> None:
    from perflib import evaluate
    from perflib.errors import PerflibError
    from perflib.present.report import OUTLINE, Report, chapter

    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    report = Report(ev, (ev,))
    assert "三、存在的主要问题" in chapter(report, 3)
    for bad in (0, len(OUTLINE) + 1):
        with pytest.raises(PerflibError, match="没有第"):
            chapter(report, bad)
