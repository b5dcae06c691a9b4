"""Hostile input: escaped in reports and the index, refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from perflib import InputErrors, evaluate
from perflib.batch.outputs import Entry, IndexInfo, index_html
from perflib.cli import main
from perflib.evaluation import load
from perflib.workbooks.year_form import export_workbook

from .conftest import EXAMPLE, FRAMEWORKS

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'


def _no_active_content(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "iframe", "object", "embed"])
    assert not [t for t in soup.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)]
    assert all(img.get("src", "").startswith("data:") for img in soup.find_all("img"))
    return soup


def test_index_escapes_names_and_errors(example_data, write_params) -> None:
    example_data["department"]["name"] = SCRIPT
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    entries = [Entry("baiyun-emergency", 2023, "ok", summary=ev.to_dict(), has_report=True),
               Entry("bad", 2023, "failed", error=f"params/bad/2023.yaml: department.name: {IMG}", error_kind="input")]
    soup = _no_active_content(index_html(entries, IndexInfo(generated="now")))
    assert SCRIPT in soup.get_text() and IMG in soup.get_text()


def test_report_escapes_every_input_field(example_data, write_params, tmp_path: Path) -> None:
    """The whole report notebook, rendered with hostile text in every kind of field."""
    from perflib.batch import RunOptions, run

    from .test_report_notebook import TEMPLATE

    example_data["title"] = SCRIPT
    example_data["department"]["name"] = IMG
    example_data["department"]["functions"] = [SCRIPT]
    example_data["indicators"][0]["name"] = IMG
    example_data["indicators"][0]["analysis"] = SCRIPT
    example_data["management"][6]["deductions"][0]["reason"] = IMG
    example_data["key_projects"][0]["name"] = SCRIPT
    example_data["narrative"]["problems"] = [IMG]
    example_data["reconstructed"] = [SCRIPT]
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    report = run(RunOptions(params_dir=path.parents[1], outputs_dir=tmp_path / "out", template=TEMPLATE, jobs=1,
                            progress=False, overview=False))
    assert report.entries[0].status == "ok", report.entries[0].error
    for page in (tmp_path / "out" / "baiyun-emergency" / "2023" / "report.html", tmp_path / "out" / "index.html"):
        soup = _no_active_content(page.read_text(encoding="utf-8"))
        assert IMG in soup.get_text()


@pytest.mark.parametrize("code", ["../../etc", "/etc", "a/b", "..", "Baiyun", "a" * 65])
def test_department_code_refused_before_anything_is_written(example_data, write_params, tmp_path: Path, code: str,
                                                            capsys) -> None:
    example_data["department"]["code"] = code
    path = write_params(example_data, code="somewhere", year=2023)
    with pytest.raises(InputErrors, match="department.code"):
        evaluate(path)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as info:
        main(["run", "--department", code, "--outputs", str(out)])
    assert info.value.code == 2 and not out.exists()
    assert "部门代码" in capsys.readouterr().err


def test_excel_code_with_a_path_is_refused(tmp_path: Path) -> None:
    loaded = load(EXAMPLE)
    book = tmp_path / "x.xlsx"
    book.write_bytes(export_workbook(loaded.params, framework=loaded.framework, frameworks_dir=FRAMEWORKS))
    wb = load_workbook(book)
    wb["基本信息"]["B2"].value = "../../etc"
    wb.save(book)
    out = tmp_path / "params"
    assert main(["excel-import", str(book), "--out", str(out), "--frameworks", str(FRAMEWORKS)]) == 2
    assert not out.exists() and not (tmp_path / "etc").exists()
