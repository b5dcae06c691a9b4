"""The notebooks: stored without outputs, paired with their jupytext scripts, and explore.ipynb run as an analyst would."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import papermill as pm
import pytest

from perflib.demo import generate
from perflib.engine import engines
from perflib.engine.export import notebook_html
from perflib.inputs.locate import BUNDLED_NOTEBOOKS

from .conftest import FRAMEWORKS, REPO

NOTEBOOKS = sorted(BUNDLED_NOTEBOOKS.glob("*.ipynb"))


def test_every_notebook_is_shipped_and_linked_from_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == ["explore.ipynb", "monitor.ipynb", "overview.ipynb", "report.ipynb"]
    for path in NOTEBOOKS:
        assert (REPO / "notebooks" / path.name).resolve() == path.resolve()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs_and_matches_its_pair(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: clear the outputs before committing"
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    assert nb.metadata["kernelspec"]["display_name"] == "perflib (Python 3)"
    pair = jupytext.read(path.with_suffix(".py"))
    mine = [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]
    theirs = [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in pair.cells]
    assert mine == theirs, f"{path.name} and {path.with_suffix('.py').name} differ: run `jupytext --sync {path.name}`"


def test_explore_runs_on_the_demo_portfolio_and_renders(tmp_path: Path) -> None:
    params = tmp_path / "params"
    generate(params, frameworks_dir=FRAMEWORKS)
    engines.register()
    nb = pm.execute_notebook(str(BUNDLED_NOTEBOOKS / "explore.ipynb"), str(tmp_path / "explore.ipynb"),
                             parameters={"params_dir": str(params), "year": 2023}, kernel_name="python3",
                             engine_name=engines.COLD, progress_bar=False, cwd=str(tmp_path))
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "共 36 个部门年度；2023 年度 12 个部门。" in text
    assert "总分" in text and "→" in text  # the what-if ran and compared
    tables = sum(1 for o in outputs if "text/html" in o.get("data", {}) and "<table" in o["data"]["text/html"])
    assert tables >= 10  # every table is a DataFrame shown as one (七: the forms by risk, the top queries, by kind)
    assert "<Review 2023 年：60 份自评表" in text  # 七: the review of the 12 departments' and their projects' forms
    html = notebook_html(nb, title="组合分析")
    assert "一、得分排名与等级分布" in html and 'src="data:image/svg+xml;base64,' in html
    assert html.count('src="data:image/svg+xml;base64,') == 2  # the heatmap and the verifiable share
    assert "七、复核：向部门提出的疑点" in html and "得分无可核验依据" in html and "风险分" in html
    assert "<script" not in html


def test_explore_runs_on_the_bundled_example(tmp_path: Path) -> None:
    """One department, one year: every section runs, the review's with what there is (audit findings only)."""
    engines.register()
    nb = pm.execute_notebook(str(BUNDLED_NOTEBOOKS / "explore.ipynb"), str(tmp_path / "explore.ipynb"),
                             parameters={"params_dir": str(REPO / "params")}, kernel_name="python3",
                             engine_name=engines.COLD, progress_bar=False, cwd=str(tmp_path))
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("text", "")) for o in outputs)
    assert "<Review 2023 年：1 份自评表" in text
    html = notebook_html(nb, title="组合分析")
    assert "审核发现" in html
    assert html.count('src="data:image/svg+xml;base64,') == 2


def test_explore_what_if_moves_the_total_where_a_rate_and_a_self_score_come_first(tmp_path: Path) -> None:
    """demo-water 2024: its first missed indicator is a rate from numerator ÷ denominator with the department's
    own score; the what-if takes the first one its actual scores, and the total moves (issue 23, item 14)."""
    params = tmp_path / "params"
    generate(params, frameworks_dir=FRAMEWORKS)
    engines.register()
    nb = pm.execute_notebook(str(BUNDLED_NOTEBOOKS / "explore.ipynb"), str(tmp_path / "explore.ipynb"),
                             parameters={"params_dir": str(params), "year": 2024, "department": "demo-water"},
                             kernel_name="python3", engine_name=engines.COLD, progress_bar=False, cwd=str(tmp_path))
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("text", "")) for o in outputs)
    assert "假设： {'水利工程服务对象受益人数': '15000人'}" in text
    assert "总分 79.82 → " in text and "总分 79.82 → 79.82" not in text


def test_a_pandas_chart_in_a_notebook_shows_chinese_after_import_perflib(tmp_path: Path) -> None:
    """In the analyst's kernel, as in explore.ipynb: ``import perflib``, then a chart of a frame — no setup call,
    and not one "Glyph … missing from font(s)" warning (issue 23, item 15)."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%matplotlib inline\nimport perflib\nimport pandas as pd"),
        nbformat.v4.new_code_cell('frame = pd.DataFrame({"部门": ["示范区水务局", "示范区教育局"], "得分": [79.82, 91.5]})\n'
                                  'frame.set_index("部门").plot.bar(title="各部门自评得分");'),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "chart.ipynb")
    engines.register()
    done = pm.execute_notebook(str(tmp_path / "chart.ipynb"), str(tmp_path / "out.ipynb"), kernel_name="python3",
                               engine_name=engines.COLD, progress_bar=False, cwd=str(tmp_path))
    outputs = [o for c in done.cells if c.cell_type == "code" for o in c.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the chart was drawn
    assert not [o for o in outputs if o.output_type == "stream" and "missing from font" in o.text]
