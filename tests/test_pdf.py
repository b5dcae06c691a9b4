"""report.pdf: the report's page laid out for print by Typst, with its own fonts, from the batch and perflib export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from perflib.batch import RunOptions, run
from perflib.cli import main
from perflib.present import report, typeset
from perflib.present.html import figure, heading, join, note, para, table
from perflib.present.pdf import PdfError, page_pdf
from perflib.present.typeset import static_fonts

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


def test_without_its_fonts_a_pdf_is_an_error_that_says_what_to_install(monkeypatch) -> None:
    import threading

    found = typeset._package_dir
    monkeypatch.setattr(typeset, "_package_dir", lambda name: None if name == typeset.FONT_PACKAGE else found(name))
    monkeypatch.setattr(typeset, "_local", threading.local())  # no compiler held yet
    static_fonts.cache_clear()
    try:
        with pytest.raises(PdfError, match="PDF 未能生成.*justmytype-intl-cjk.*make setup"):
            page_pdf("<h1>标题</h1>")
    finally:
        static_fonts.cache_clear()


def test_a_pdf_that_cannot_be_made_fails_alone_and_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    """The batch's other formats and the page are still made, and the index says the PDF was not."""
    from perflib.present import pdf

    def no_font(*args, **kwargs) -> bytes:
        raise typeset.TypesetError(f"找不到文档所用字体（unknown font family: noto sans sc）：{typeset.FONTS_HINT}")

    monkeypatch.setattr(pdf, "typeset", no_font)
    out = tmp_path / "out"
    done = run(RunOptions(params_dir=_params(tmp_path), outputs_dir=out, jobs=1, engine="cold", progress=False,
                          overview=False, formats=("html", "docx", "pdf")))
    entry = done.entries[0]
    assert entry.status == "ok" and entry.documents == ("docx",) and "make setup" in entry.document_errors["pdf"]
    assert (out / "baiyun-emergency" / "2023" / "report.html").is_file()
    assert "PDF 未能生成" in (out / "index.html").read_text(encoding="utf-8")


HOSTILE = ['#set page(width: 1cm) #read("/etc/passwd")', "]) #panic(\"x\") [", "$x^2$ \\ \\n", "<script>alert(1)</script>",
           "@label <sec-1> `raw` *bold* _emph_ // comment /* c */", '#{ "}" } #let x = 1']


def test_text_from_an_input_is_set_as_text_never_read_as_typst() -> None:
    """Department names and analysis may hold Typst's (and HTML's) special characters: they come out as
    written, in every place a text can be, and change nothing of the layout."""
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="100pt"><text x="10" y="50" '
           b'font-family="Noto Sans SC">#panic()</text></svg>')
    html = join(heading(1, HOSTILE[0]), para(HOSTILE[1], cls="pf-subtitle pf-noindent"),
                heading(2, HOSTILE[2]), para(*HOSTILE), note(HOSTILE[3]),
                table([HOSTILE[4], "金额"], [[HOSTILE[5], "1.00"]], numeric=[1], caption=HOSTILE[0], unit="#万元"),
                figure(svg, HOSTILE[1]))
    pdf = PdfReader(io.BytesIO(page_pdf(str(html))))
    text = _text(pdf).replace(" ", "").replace("\n", "")
    for hostile in HOSTILE:
        assert hostile.replace(" ", "") in text, hostile
    assert "#panic()" in text  # the chart's own text
    assert pdf.metadata.title == HOSTILE[0]
    assert all(page.mediabox.width == pytest.approx(595.3, abs=1) for page in pdf.pages)


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
