"""The year's overview: rendered for the demo portfolio, linked from the index, skipped when unchanged."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from perflib import evaluate
from perflib.batch import RunOptions, run
from perflib.batch.tasks import RenderTask, render
from perflib.demo import generate
from perflib.present import overview

from .conftest import FRAMEWORKS, REPO
from .test_batch import make_template

TEMPLATE = REPO / "notebooks" / "overview.ipynb"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("overview")
    generate(root / "params", frameworks_dir=FRAMEWORKS)
    return root / "params"


def test_overview_html_ranks_every_department(demo: Path, tmp_path: Path) -> None:
    task = RenderTask(key="overview/2023", template=str(TEMPLATE), parameters=(("year", 2023), ("params_dir", str(demo))),
                      notebook=str(tmp_path / "overview.ipynb"), html=str(tmp_path / "overview-2023.html"),
                      title="2023 年度总览", timeout=120, engine="cold")
    result = render(task)
    assert result.ok, result.error
    html = (tmp_path / "overview-2023.html").read_text(encoding="utf-8")
    ranking = html.split("各部门自评得分排名", 1)[1].split("</table>", 1)[0]
    names = {evaluate(p).department for p in demo.glob("*/2023.yaml")}
    assert len(names) == 12 and all(name in ranking for name in names)
    for heading in ("一、自评得分排名", "二、等级分布", "三、各部门指标得分率", "四、预算执行进度", "五、未达标最多的绩效指标",
                    "六、审核发现（按类型）", "七、与上年相比"):
        assert heading in html
    assert len(re.findall(r'<img[^>]+src="data:image/svg\+xml;base64,', html)) >= 5
    assert "<script" not in html and "year = 2023" not in html


def test_portfolio_sections(demo: Path) -> None:
    p = overview.load(demo, 2023)
    assert [ev.total for ev in p.evaluations] == sorted((ev.total for ev in p.evaluations), reverse=True)
    assert len(p.previous) == 12
    first_year = overview.changes(overview.load(demo, 2022))
    assert "无法进行同比分析" in first_year and "params" not in first_year  # official prose, not our folder names
    assert "GRADE_OUT_OF_BAND" in overview.findings(p)


def test_invalid_input_is_listed_not_fatal(demo: Path, tmp_path: Path) -> None:
    params = tmp_path / "params"
    shutil.copytree(demo, params)
    (params / "demo-water" / "2023.yaml").write_text("year: 2023\n", encoding="utf-8")
    p = overview.load(params, 2023)
    assert len(p.evaluations) == 11 and p.invalid and "demo-water/2023.yaml" in overview.title(p)


def test_overview_in_the_batch_skipped_when_unchanged(demo: Path, tmp_path: Path) -> None:
    params = tmp_path / "params"
    shutil.copytree(demo / "frameworks", params / "frameworks")
    for code in ("demo-health", "demo-water"):
        shutil.copytree(demo / code, params / code)
    template = make_template(tmp_path / "t.ipynb", "print('ok')")
    opts = RunOptions(params_dir=params, outputs_dir=tmp_path / "out", template=template, overview_template=TEMPLATE,
                      jobs=2, progress=False)
    first = run(opts)
    overviews = {e.year: e.status for e in first.entries if e.kind == "overview"}
    assert overviews == {2022: "ok", 2023: "ok", 2024: "ok"}
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="overview-{y}.html"' in index for y in (2022, 2023, 2024))
    assert {e.status for e in run(opts).entries} == {"skipped"}
    path = params / "demo-water" / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("spent: ", "spent: 1", 1), encoding="utf-8")
    changed = {(e.kind, e.year, e.code): e.status for e in run(opts).entries}
    assert changed[("overview", 2022, "")] == "skipped"
    assert changed[("overview", 2023, "")] == changed[("overview", 2024, "")] == "ok"  # 2024 compares with 2023
    assert changed[("report", 2023, "demo-water")] == "ok" and changed[("report", 2023, "demo-health")] == "skipped"
