"""report.docx: the report's own sections in official-document layout, in the batch and on its own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import lxml.html
import pytest
from docx.oxml.ns import qn

from perflib.batch import RunOptions, run
from perflib.cli import main
from perflib.present import report
from perflib.present.word import report_docx

from .conftest import EXAMPLE, FRAMEWORKS


@pytest.fixture(scope="module")
def worked() -> tuple[docx.document.Document, str, Path]:
    report.setup()
    r = report.load(EXAMPLE.parents[1], "baiyun-emergency", 2023)
    html = "".join(str(report.chapter(report.load(EXAMPLE.parents[1], "baiyun-emergency", 2023), n))
                   for n in range(1, len(report.OUTLINE) + 1))
    path = Path(__file__).parent / ".." / "outputs"  # not written: the bytes are read back directly
    data = report_docx(r)
    import io

    return docx.Document(io.BytesIO(data)), html, path


def test_title_total_grade_and_every_heading_in_order(worked) -> None:
    doc, html, _ = worked
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2023 年度广州市白云区应急管理局部门整体支出绩效自评报告" in text
    assert "91.88" in text and "“优”" in text
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    expected = [({"h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}[m[0]], re.sub(r"<[^>]+>", "", m[1]))
                for m in re.findall(r"<(h[234])>(.*?)</h[234]>", html)]
    assert headings == expected
    assert headings[0] == ("Heading 1", "一、部门基本情况")


def test_tables_are_word_tables_with_the_same_figures(worked) -> None:
    doc, html, _ = worked
    assert len(doc.tables) == html.count("<table")
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"44.38", "47.50", "91.88", "3.29", "94.12%", "98.54%"} <= cells
    first = doc.tables[0]._tbl
    header = first.tr_lst[0].trPr
    assert header.find(qn("w:tblHeader")) is not None and header.find(qn("w:cantSplit")) is not None
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for t in doc.tables for tr in t._tbl.tr_lst)


def test_charts_fonts_and_page_numbers(worked) -> None:
    doc, html, _ = worked
    assert len(doc.inline_shapes) == html.count("<img")
    assert all(abs(s.width.mm - 150) < 1 for s in doc.inline_shapes)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Table Text"):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), name
    assert doc.styles["Heading 1"].font.name == "黑体" and doc.styles["Heading 2"].font.name == "楷体"
    assert doc.styles["Normal"].font.size.pt == 16 and doc.styles["Normal"].paragraph_format.line_spacing.pt == 28
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.top_margin.mm), round(section.left_margin.mm)) == (210, 37, 28)
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in footer
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "评价方式：自评" in body and "单位负责人（签字）" in body


def test_libreoffice_opens_it(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed here (apt install libreoffice-writer to run this check)")
    path = tmp_path / "report.docx"
    assert main(["export", str(EXAMPLE), "--to", str(path)]) == 0
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "91.88" in text and "一、部门基本情况" in text


def _params(tmp_path: Path) -> Path:
    params = tmp_path / "params"
    shutil.copytree(FRAMEWORKS, params / "frameworks")
    (params / "baiyun-emergency").mkdir()
    shutil.copy(EXAMPLE, params / "baiyun-emergency" / "2023.yaml")
    return params


def test_the_batch_writes_word_beside_html_and_a_broken_format_fails_alone(tmp_path: Path, monkeypatch) -> None:
    from perflib.batch import documents

    params = _params(tmp_path)
    opts = RunOptions(params_dir=params, outputs_dir=tmp_path / "out", jobs=1, engine="cold", progress=False,
                      overview=False, formats=("html", "docx"))
    done = run(opts)
    folder = tmp_path / "out" / "baiyun-emergency" / "2023"
    assert done.entries[0].status == "ok" and (folder / "report.docx").stat().st_size > 20_000
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"][0]["documents"] == {"docx": "baiyun-emergency/2023/report.docx"}
    links = [a.get("href") for a in lxml.html.parse(str(tmp_path / "out" / "index.html")).getroot().iter("a")]
    assert "baiyun-emergency/2023/report.docx" in links
    assert run(opts).entries[0].status == "skipped"  # unchanged and the document is there
    (folder / "report.docx").unlink()
    assert run(opts).entries[0].status == "ok"  # a missing document is made again

    def broken(*args, **kwargs) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(documents.MAKERS, "docx", broken)
    before = (folder / "report.docx").read_bytes()
    done = run(RunOptions(**{**opts.__dict__, "force": True}))
    entry = done.entries[0]
    assert entry.status == "ok" and "docx" in entry.document_errors and done.failed_documents
    assert (folder / "report.docx").read_bytes() == before  # the last good document stays
    assert "Word 未能生成" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_export_refuses_what_it_cannot_make(tmp_path: Path, capsys) -> None:
    assert main(["export", str(EXAMPLE), "--to", str(tmp_path / "x.odt")]) == 2
    assert "不支持的格式" in capsys.readouterr().err


def test_the_form_reads_back_with_every_indicator_and_the_total(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from perflib import evaluate

    path = tmp_path / "自评表.xlsx"
    assert main(["export", str(EXAMPLE), "--to", str(path)]) == 0
    ws = load_workbook(path).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "2023 年度部门整体支出绩效自评表"
    header = rows.index(("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                         "偏差原因分析及改进措施"))
    by_name = {r[2]: r for r in rows[header + 1:] if r[2]}
    ev = evaluate(EXAMPLE)
    for ind in ev.scorecard.indicators:
        row = by_name[ind.name]
        assert (row[3], row[4], row[5], row[6]) == (ind.target.text, ind.actual_display, float(ind.weight),
                                                    float(ind.score))
        assert (row[7] is None) == ind.met  # a missed target carries its deviation analysis
    total = next(r for r in rows if r[0] == "总分")
    assert (total[5], total[6], total[7]) == (100.0, 91.88, "自评等级：优")
    budget = next(r for r in rows if r[0] == "合计")
    assert budget[2:8] == (5692.59, 5448.73, 5369.24, 0.9854, 10.0, 4.78)
    assert isinstance(by_name["预算编制完整性"][6], int | float)  # numbers are numbers, not text
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert any(str(rng).startswith("A") for rng in ws.merged_cells.ranges)  # 一级 headings merged over rows


def test_a_bureaus_template_gives_its_look_and_a_missing_style_is_named(tmp_path: Path, capsys) -> None:
    import io

    from perflib.present.word import setup_document

    template = docx.Document()
    setup_document(template)
    template.add_paragraph("某某区财政局（制）", style="Title")
    template.sections[0].header.paragraphs[0].text = "某某区部门整体支出绩效自评"
    template.save(tmp_path / "bureau.docx")
    out = tmp_path / "report.docx"
    assert main(["export", str(EXAMPLE), "--to", str(out), "--docx-template", str(tmp_path / "bureau.docx")]) == 0
    doc = docx.Document(io.BytesIO(out.read_bytes()))
    assert doc.paragraphs[0].text == "某某区财政局（制）"  # the template's own cover stays first
    assert doc.sections[0].header.paragraphs[0].text == "某某区部门整体支出绩效自评"
    assert "一、部门基本情况" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    docx.Document().save(tmp_path / "plain.docx")  # Word's blank document: no "Table Text"
    assert main(["export", str(EXAMPLE), "--to", str(tmp_path / "x.docx"),
                 "--docx-template", str(tmp_path / "plain.docx")]) == 2
    err = capsys.readouterr().err
    assert "plain.docx: Word 模板缺少样式 Table Text、Signature" in err and not (tmp_path / "x.docx").exists()
    params = _params(tmp_path)
    assert main(["run", "--params", str(params), "--outputs", str(tmp_path / "out"), "--formats", "html,docx",
                 "--docx-template", str(tmp_path / "plain.docx"), "--quiet", "--no-overview"]) == 2
    assert "缺少样式 Table Text" in capsys.readouterr().err


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    from perflib.demo import generate

    root = tmp_path_factory.mktemp("monitor-word") / "params"
    generate(root, frameworks_dir=FRAMEWORKS)
    return root / "demo-agriculture" / "2024-06.yaml"


def test_the_monitoring_report_as_word_has_its_chapters_lights_and_chart(snapshot: Path, tmp_path: Path) -> None:
    from perflib.monitoring.monitor import monitor
    from perflib.present import monitor_report
    from perflib.present.monitor_report import OUTLINE, lamp

    out = tmp_path / "monitor-06.docx"
    assert main(["export", str(snapshot), "--to", str(out)]) == 0
    doc = docx.Document(str(out))
    m = monitor(snapshot)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert monitor_report.report_title(m) in text and "监控期间：2024年1–6月" in text and "单位负责人（签字）" in text
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == list(OUTLINE)
    lights = next(t for t in doc.tables if t.rows[0].cells[-1].text == "预警" and t.rows[0].cells[0].text == "指标")
    assert [(r.cells[0].text, r.cells[-1].text) for r in lights.rows[1:]] == [(i.name, lamp(i.light))
                                                                              for i in m.indicators]
    assert len(doc.inline_shapes) == 1 + bool(m.cumulative_rates)  # by fund; the month-end curve
    assert "PAGE" in doc.sections[0].footer.paragraphs[0]._p.xml


def test_export_of_a_snapshot_refuses_the_form(snapshot: Path, tmp_path: Path, capsys) -> None:
    assert main(["export", str(snapshot), "--to", str(tmp_path / "x.xlsx")]) == 2
    assert "监控快照可导出：.docx" in capsys.readouterr().err


def test_the_batch_writes_the_monitoring_report_as_word_too(snapshot: Path, tmp_path: Path, monkeypatch) -> None:
    from perflib.batch import documents

    params = tmp_path / "params"
    shutil.copytree(snapshot.parents[1] / "frameworks", params / "frameworks")
    shutil.copytree(snapshot.parent, params / snapshot.parent.name)
    opts = RunOptions(params_dir=params, outputs_dir=tmp_path / "out", jobs=1, engine="cold", progress=False,
                      overview=False, years=[2024], formats=("html", "docx"))
    done = run(opts)
    folder = tmp_path / "out" / "demo-agriculture" / "2024"
    entry = next(e for e in done.entries if e.kind == "monitor")
    assert entry.status == "ok" and entry.documents == ("docx",) and (folder / "monitor-06.docx").is_file()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["monitoring"][0]["documents"] == {"docx": "demo-agriculture/2024/monitor-06.docx"}
    links = [a.get("href") for a in lxml.html.parse(str(tmp_path / "out" / "index.html")).getroot().iter("a")]
    assert "demo-agriculture/2024/monitor-06.docx" in links
    (folder / "monitor-06.docx").unlink()
    again = next(e for e in run(opts).entries if e.kind == "monitor")
    assert again.status == "ok" and (folder / "monitor-06.docx").is_file()  # a missing document is made again

    def broken(*args, **kwargs) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(documents.MAKERS, "docx", broken)
    before = (folder / "monitor-06.docx").read_bytes()
    entry = next(e for e in run(RunOptions(**{**opts.__dict__, "force": True})).entries if e.kind == "monitor")
    assert entry.status == "ok" and "docx" in entry.document_errors
    assert (folder / "monitor-06.docx").read_bytes() == before and (folder / "monitor-06.html").is_file()


def _mof(example_data: dict, params_root: Path) -> Path:
    """The worked example's indicators under the MOF project framework (its weights made to fit), as a
    project's form in its place, ``<code>/projects/<year>/<key>.yaml`` (tests/test_projects.py makes it)."""
    from .test_projects import project_data, write_project

    return write_project(params_root, project_data(example_data))


def test_the_form_takes_the_layout_its_framework_gives(example_data: dict, params_root: Path) -> None:
    """The MOF project form: 项目名称 / 主管部门 / 实施单位, 年度资金总额 first, 分值 before 执行率."""
    import io

    from openpyxl import load_workbook

    from perflib import evaluate
    from perflib.present.form import form_workbook

    ev = evaluate(_mof(example_data, params_root))
    rows = list(load_workbook(io.BytesIO(form_workbook(ev))).active.iter_rows(values_only=True))
    assert rows[0][0] == "项目支出绩效自评表（2023 年度）"
    assert [v for v in rows[1] if v] == ["项目名称：应急通信保障项目", "主管部门：广州市白云区应急管理局",
                                       "实施单位：区应急指挥中心", "金额单位：万元"]
    assert rows[2] == ("资金来源", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    assert rows[3][0] == "年度资金总额" and rows[3][2:] == (5692.59, 5448.73, 5369.24, 10.0, 0.9854, 9.85)
    assert rows[4][0].startswith("其中：")
    total = next(r for r in rows if r[0] == "总分")
    assert total[5:7] == (100.0, float(ev.total))


def test_a_framework_may_choose_rename_and_order_the_forms_columns(example_data: dict, write_params,
                                                                     params_root: Path) -> None:
    import io

    import yaml
    from openpyxl import load_workbook

    from perflib import evaluate
    from perflib.present.form import form_workbook

    fw = yaml.safe_load((params_root / "frameworks" / "guangzhou-department-overall.yaml").read_text(encoding="utf-8"))
    fw["form"] = {"title": "{department}{year}年度绩效自评表",
                  "columns": [{"field": f} for f in ("level1", "level2", "level3", "target", "actual")]
                  + [{"field": "completion", "header": "完成率"}, {"field": "points", "header": "权重"},
                     {"field": "score"}, {"field": "analysis", "header": "偏差原因"}]}
    (params_root / "frameworks" / "guangzhou-department-overall.yaml").write_text(
        yaml.safe_dump(fw, allow_unicode=True), encoding="utf-8")
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    rows = list(load_workbook(io.BytesIO(form_workbook(ev))).active.iter_rows(values_only=True))
    assert rows[0][0] == "广州市白云区应急管理局2023年度绩效自评表"
    header = next(i for i, r in enumerate(rows) if r[0] == "一级指标")
    assert rows[header][5:] == ("完成率", "权重", "得分", "偏差原因")
    row = next(r for r in rows[header:] if r[2] and r[2].startswith("委托专业技术机构"))
    assert row[5] == 0.9412 and row[6:8] == (3.5, 3.29)
    fw["form"]["columns"] = [{"field": "target"}] * 7
    (params_root / "frameworks" / "guangzhou-department-overall.yaml").write_text(
        yaml.safe_dump(fw, allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(params_root / "baiyun-emergency" / "2023.yaml")]) == 2


def test_a_bureaus_template_travels_with_a_task_to_a_worker_without_the_disk(tmp_path: Path) -> None:
    """perflib run --scheduler … --transfer-files: the worker sees none of our files, the template included."""
    import io

    from perflib.batch.runner import check, plan
    from perflib.batch.tasks import payload, render_transferred
    from perflib.present.word import setup_document

    template = docx.Document()
    setup_document(template)
    template.add_paragraph("某某区财政局（制）", style="Title")
    template.save(tmp_path / "bureau.docx")
    params = _params(tmp_path)
    opts = RunOptions(params_dir=params, outputs_dir=tmp_path / "out", engine="cold", formats=("html", "docx"),
                      docx_template=tmp_path / "bureau.docx")
    batch = plan(opts)
    check(batch.planned[0], batch)
    task = batch.planned[0].task
    files, _ = payload(task, params)
    (tmp_path / "bureau.docx").unlink()  # gone from the client's disk too: the bytes went with the task
    result, sent = render_transferred(task, files)
    assert result.ok and not result.document_errors, result.document_errors
    assert docx.Document(io.BytesIO(sent["docx"])).paragraphs[0].text == "某某区财政局（制）"


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """The worked example's rendered page, as the batch writes it."""
    root = tmp_path_factory.mktemp("word-page")
    done = run(RunOptions(params_dir=_params(root), outputs_dir=root / "out", jobs=1, engine="cold", progress=False,
                          overview=False, formats=("html",)))
    assert done.entries[0].status == "ok"
    return root / "out" / "baiyun-emergency" / "2023" / "report.html"


def test_word_follows_the_rendered_page(page: Path) -> None:
    """page_docx lays out the page itself: its title, headings, tables and charts (each the page's SVG,
    rasterised by Typst at 200 ppi), between the cover and the signature block."""
    import io
    import struct

    from perflib import evaluate
    from perflib.present.word import page_docx, report_cover

    html = page.read_text(encoding="utf-8")
    ev = evaluate(EXAMPLE)
    doc = docx.Document(io.BytesIO(page_docx(html, cover_rows=report_cover(ev), author=ev.department)))
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles == [ev.title, ev.title]  # the cover's and the page's h1
    root = lxml.html.fromstring(html)
    expected = [({"h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}[h.tag], h.text_content())
                for h in root.iter("h2", "h3", "h4") if h.getparent().tag != "nav"]
    assert [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")] == expected
    assert len(doc.tables) == len(root.findall(".//table"))
    assert "评价方式：自评" in "\n".join(p.text for p in doc.paragraphs) and "单位负责人（签字）" in doc.paragraphs[-5].text
    assert "数据说明：以下内容原始资料未公开，系重建：" in [p.text for p in doc.paragraphs]  # the page's note
    figures = root.findall(".//figure")
    assert len(doc.inline_shapes) == len(figures) and all(abs(s.width.mm - 150) < 1 for s in doc.inline_shapes)
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("图")]
    assert captions == [" ".join(f.findtext("figcaption").split()) for f in figures]
    for rel in doc.part.rels.values():
        if "image" in rel.reltype:
            png = rel.target_part.blob
            assert png.startswith(b"\x89PNG") and struct.unpack(">I", png[16:20])[0] == 1400  # 7 in at 200 ppi


def test_what_a_bureaus_notebook_adds_reaches_word_too() -> None:
    import base64
    import io

    from perflib.present.word import page_docx

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"
                           b"\x90\x91h6\x00\x00\x00\x0cIDATx\x9cc`\xa0\x1e\x00\x00\x00\x30\x00\x01\xb4\x1c\x9b\x84"
                           b"\x00\x00\x00\x00IEND\xaeB`\x82").decode()
    html = ("<h1>补充</h1><h2>五、其他</h2><blockquote><p>引自通知</p></blockquote><pre>合计  12.50\n第二行</pre>"
            "<ol start='2'><li>第二</li></ol><p>前<br>后 #$\\ <em>强调</em></p>"
            "<table><thead><tr><th colspan='2'>项目</th></tr></thead><tbody><tr><td>甲</td><td>1</td></tr>"
            f"</tbody></table><p><img src='data:image/png;base64,{png}' alt='x'></p>")
    doc = docx.Document(io.BytesIO(page_docx(html, cover_rows=[], author="某局")))
    texts = [p.text for p in doc.paragraphs]
    assert "引自通知" in texts and "合计  12.50\n第二行" in texts and "2. 第二" in texts and "前\n后 #$\\ 强调" in texts
    table = doc.tables[0]
    assert table.rows[0].cells[0].text == "项目" and table.rows[0].cells[0]._tc is table.rows[0].cells[1]._tc  # merged
    assert len(doc.inline_shapes) == 1 and doc.inline_shapes[0].width.mm < 10  # a 16 px PNG is not blown up


def test_a_total_row_is_never_alone_and_a_short_table_stays_together(worked) -> None:
    """Each row of a short table is kept with the next (it moves to the next page whole); in a long one the
    header and the row before 合计 are (合计 never heads a page alone); the last row never is."""
    from perflib.present.word import KEEP_TOGETHER_ROWS

    doc, _, _ = worked

    def kept(tr) -> bool:
        return all(p.find(qn("w:pPr")) is not None and p.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
                   for tc in tr.tc_lst for p in tc.findall(qn("w:p")))

    seen_total = seen_long = False
    for table in doc.tables:
        trs = table._tbl.tr_lst
        assert not kept(trs[-1])
        if len(trs) <= KEEP_TOGETHER_ROWS:
            assert all(kept(tr) for tr in trs[:-1])
        else:
            seen_long = True
            assert kept(trs[0])
        for i, row in enumerate(table.rows[1:], 1):
            if row.cells[0].text.strip() == "合计":
                seen_total = True
                assert kept(trs[i - 1])
    assert seen_total and seen_long
