"""One evaluation per page: what the batch evaluates is what the page, the documents, the index and the summary show.

The batch evaluates every input once, in its own process; the notebook receives that evaluation (it does
not read the inputs again), and so do the Word report, the PDF and the 自评表. A framework folder given on
the command line (``--frameworks``) therefore reaches every format — a notebook evaluating the file on its
own would find only the params folder's frameworks and the bundled ones.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import docx
import lxml.html
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from perflib.batch import RunOptions, run
from perflib.cli import main
from perflib.engine.handover import Handover, handed_over, receive, unpack
from perflib.evaluation import evaluate, give, given
from perflib.inputs.locate import BUNDLED_FRAMEWORKS

from .conftest import EXAMPLE

RENAMED = "本区修订的指标体系（测试用）"


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The worked example in a params folder without frameworks/, and a framework folder somewhere else
    holding Guangzhou's framework under another name."""
    root = tmp_path_factory.mktemp("frameworks-elsewhere")
    params = root / "params"
    (params / "baiyun-emergency").mkdir(parents=True)
    shutil.copy(EXAMPLE, params / "baiyun-emergency" / "2023.yaml")
    folder = root / "bureau-frameworks"
    folder.mkdir()
    text = (BUNDLED_FRAMEWORKS / "guangzhou-department-overall.yaml").read_text(encoding="utf-8")
    (folder / "guangzhou-department-overall.yaml").write_text(
        text.replace("name: 广州市部门整体支出绩效自评指标体系", f"name: {RENAMED}", 1), encoding="utf-8")
    return params, folder


@pytest.fixture(scope="module")
def batch(elsewhere: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    params, folder = elsewhere
    out = tmp_path_factory.mktemp("out")
    done = run(RunOptions(params_dir=params, outputs_dir=out, frameworks_dir=folder, jobs=1, engine="cold",
                          progress=False, overview=False, formats=("html", "docx", "pdf", "xlsx")))
    assert [e.status for e in done.entries] == ["ok"] and not done.failed_documents, done.failed_documents
    return out / "baiyun-emergency" / "2023"


def test_frameworks_given_to_the_batch_reach_the_page_and_every_document(batch: Path) -> None:
    page = lxml.html.parse(str(batch / "report.html")).getroot().text_content()
    assert RENAMED in page
    word = "\n".join(p.text for p in docx.Document(str(batch / "report.docx")).paragraphs)
    assert RENAMED in word
    assert RENAMED in "".join(page.extract_text() for page in PdfReader(batch / "report.pdf").pages).replace("\n", "")
    form = load_workbook(batch / "自评表.xlsx").active
    assert any(RENAMED in str(c.value) for row in form.iter_rows(max_row=4) for c in row if c.value)
    summary = json.loads((batch / "report.json").read_text(encoding="utf-8"))["summary"]
    assert summary["framework_name"] == RENAMED and summary["total"] == 91.88


def test_the_index_and_summary_come_from_the_same_evaluation(batch: Path) -> None:
    out = batch.parents[1]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"][0]["status"] == "ok"
    assert "91.88" in (out / "summary.csv").read_text(encoding="utf-8-sig")


def test_export_takes_the_frameworks_it_is_given(elsewhere: tuple[Path, Path], tmp_path: Path) -> None:
    params, folder = elsewhere
    path = params / "baiyun-emergency" / "2023.yaml"
    target = tmp_path / "report.docx"
    assert main(["export", str(path), "--frameworks", str(folder), "--to", str(target)]) == 0
    assert RENAMED in "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    form = tmp_path / "自评表.xlsx"
    assert main(["export", str(path), "--frameworks", str(folder), "--to", str(form)]) == 0
    assert any(RENAMED in str(c.value) for row in load_workbook(form).active.iter_rows(max_row=4)
               for c in row if c.value)


def test_a_notebook_reads_what_it_was_given_and_only_that(tmp_path: Path) -> None:
    ev = evaluate(EXAMPLE)
    try:
        give({tmp_path / "x" / "2023.yaml": ev})
        assert evaluate(tmp_path / "x" / "2023.yaml") is ev  # the batch's evaluation, the file never read
        assert given(EXAMPLE) is None
        assert evaluate(EXAMPLE) is not ev  # anything else is evaluated as usual
    finally:
        give({})
    assert given(tmp_path / "x" / "2023.yaml") is None


def test_a_handover_is_rooted_where_the_worker_has_the_files(tmp_path: Path) -> None:
    """On a Dask worker without the shared disk the files are copied elsewhere: the evaluations follow them."""
    ev = evaluate(EXAMPLE)
    handover = unpack(Handover("baiyun-emergency/2023.yaml", {"baiyun-emergency/2023.yaml": ev}).pack())
    assert handover.main().total == ev.total
    assert list(handover.rooted(tmp_path)) == [tmp_path / "baiyun-emergency" / "2023.yaml"]
    with handed_over(Handover("baiyun-emergency/2023.yaml", {"baiyun-emergency/2023.yaml": ev}).pack(),
                     tmp_path) as code:
        assert code.startswith("__import__('perflib.engine.handover'") and str(tmp_path) in code
        waiting = Path(code.split("receive(")[1].split("'")[1])
        assert waiting.is_file() and waiting.stat().st_mode & 0o077 == 0  # private to the worker's user
        try:
            receive(str(waiting), str(tmp_path))  # what the kernel runs
            assert given(tmp_path / "baiyun-emergency" / "2023.yaml") is ev or given(
                tmp_path / "baiyun-emergency" / "2023.yaml").total == ev.total
        finally:
            give({})
    assert not waiting.exists()  # removed once the notebook has run
    with pytest.raises(TypeError):
        unpack(pickle.dumps({"not": "a hand-over"}))
