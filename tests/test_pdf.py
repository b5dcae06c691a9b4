"""report.pdf: the report's page laid out for print, with its own fonts, from the batch and perflib export."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from perflib.batch import RunOptions, run
from perflib.cli import main
from perflib.present import report
from perflib.present.pdf import PANGO_HINT, PdfError, static_fonts

from .conftest import EXAMPLE, FRAMEWORKS
from .test_word import _params


@pytest.fixture(scope="module")
def worked(tmp_path_factory) -> tuple[Path, RunOptions]:
    root = tmp_path_factory.mktemp("pdf")
    opts = RunOptions(params_dir=_params(root), outputs_dir=root / "out", jobs=1, engine="cold", progress=False,
                      overview=False, formats=("html", "pdf"))
    done = run(opts)
    assert done.entries[0].status == "ok" and not done.failed_documents, done.failed_documents
    return root / "out", opts


def _text(pdf: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in pdf.pages)


def test_the_text_reads_back_title_score_grade_and_every_chapter(worked) -> None:
    out, _ = worked
    pdf = PdfReader(out / "baiyun-emergency" / "2023" / "report.pdf")
    text = _text(pdf)
    assert "2023 年度广州市白云区应急管理局部门整体支出绩效自评报告".replace(" ", "") in text.replace(" ", "").replace("\n", "")
    assert "91.88" in text and "“优”" in text
    for chapter, sections in report.OUTLINE:
        assert chapter in text, chapter
        for section, _ in sections if isinstance(sections, tuple) else ():
            assert section.replace(" ", "") in text.replace(" ", ""), section
    assert 15 <= len(pdf.pages) <= 40
    assert all(page.mediabox.width == pytest.approx(595.3, abs=1) for page in pdf.pages)  # A4
    assert "— 3 —" in pdf.pages[2].extract_text()  # page numbers in the footer


def test_every_font_is_embedded_and_has_every_character_the_reports_use(worked) -> None:
    out, _ = worked
    pdf = PdfReader(out / "baiyun-emergency" / "2023" / "report.pdf")
    fonts = {}
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    assert any("Bold" in name for name in fonts)  # headings and totals are really bold
    # no glyph drawn as a box: every character of the page (and of a monitoring report's lights) is in the font
    from fontTools.ttLib import TTFont

    page = lxml.html.parse(str(out / "baiyun-emergency" / "2023" / "report.html")).getroot()
    for bad in page.iter("script", "style"):
        bad.drop_tree()
    used = set(page.text_content()) | set("■▲●◆○—≥≤‰％")
    for path in static_fonts().values():
        cmap = TTFont(path, lazy=True).getBestCmap()
        assert not sorted(c for c in used if not c.isspace() and ord(c) not in cmap)


def test_no_table_caption_is_left_on_a_page_without_its_table(worked) -> None:
    """A long table may continue on the next page, but its caption goes over with its first row: the page
    that shows a caption also shows the start of that table's first row."""
    import re

    out, _ = worked
    pdf = out / "baiyun-emergency" / "2023" / "report.pdf"
    html = (pdf.parent / "report.html").read_text(encoding="utf-8")
    tables = []
    for caption, first_row in re.findall(r"<caption>([^<]+).*?<tbody>\s*<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = [re.sub(r"<[^>]+>|\s", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", first_row, re.S)]
        # three neighbouring short cells (the row's figures), which one line of the PDF keeps together
        runs = [cells[i:i + 3] for i in range(len(cells) - 2) if all(c and len(c) <= 12 for c in cells[i:i + 3])]
        if runs:
            tables.append((caption.strip(), "".join(runs[-1])))
    assert ("产出指标完成情况明细", "100.00%2.002.00") in tables
    pages = [re.sub(r"\s", "", page.extract_text()) for page in PdfReader(pdf).pages]
    for caption, start in tables:
        showing = [i for i, text in enumerate(pages) if caption in text]
        assert any(start in pages[i] for i in showing), (caption, start, [i + 1 for i in showing])


def test_the_index_and_manifest_list_the_pdf(worked) -> None:
    out, opts = worked
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"][0]["documents"] == {"pdf": "baiyun-emergency/2023/report.pdf"}
    links = [a.get("href") for a in lxml.html.parse(str(out / "index.html")).getroot().iter("a")]
    assert "baiyun-emergency/2023/report.pdf" in links
    assert run(opts).entries[0].status == "skipped"


def test_without_pango_the_pdf_fails_alone_and_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    from perflib.batch import documents

    def no_pango(*args, **kwargs) -> bytes:
        raise PdfError(f"{PANGO_HINT}：cannot load library 'libpango-1.0-0'")

    monkeypatch.setitem(documents.MAKERS, "pdf", no_pango)
    out = tmp_path / "out"
    done = run(RunOptions(params_dir=_params(tmp_path), outputs_dir=out, jobs=1, engine="cold", progress=False,
                          overview=False, formats=("html", "docx", "pdf")))
    entry = done.entries[0]
    assert entry.status == "ok" and entry.documents == ("docx",) and "apt install" in entry.document_errors["pdf"]
    assert (out / "baiyun-emergency" / "2023" / "report.html").is_file()
    assert "PDF 未能生成" in (out / "index.html").read_text(encoding="utf-8")


def test_export_makes_one_pdf_without_the_batch(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    assert main(["export", str(EXAMPLE), "--to", str(path)]) == 0
    assert "91.88" in _text(PdfReader(path))


def test_a_monitoring_report_as_pdf_keeps_its_lights(tmp_path: Path) -> None:
    from perflib.demo import generate
    from perflib.present.monitor_report import OUTLINE

    generate(tmp_path / "params", frameworks_dir=FRAMEWORKS)
    path = tmp_path / "monitor-06.pdf"
    assert main(["export", str(tmp_path / "params" / "demo-urban" / "2024-06.yaml"), "--to", str(path)]) == 0
    text = _text(PdfReader(path))
    assert all(chapter in text for chapter in OUTLINE) and "■ 红灯" in text and "▲ 黄灯" in text
