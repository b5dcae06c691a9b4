"""The rendered page as blocks: what Word and the PDF lay out, nothing of the page left out."""

from __future__ import annotations

import base64
import re

import lxml.html
import pytest

from perflib.present.blocks import (
    Cell,
    Contents,
    Figure,
    Group,
    Heading,
    ItemList,
    Note,
    Paragraph,
    Preformatted,
    Quote,
    Row,
    Rule,
    Run,
    Subtitle,
    Table,
    Title,
    data_url,
    image_size,
    page_blocks,
)

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="504pt" height="244.8pt" viewBox="0 0 504 244.8"></svg>'
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x06\x00\x00\x00" + b"\x00" * 16)


def _src(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


@pytest.mark.parametrize(("html", "expected"), [
    ("<h1>2023 年度报告</h1>", [Title("2023 年度报告")]),
    ('<p class="pf-subtitle pf-noindent">评价框架：甲　　金额单位：万元</p>', [Subtitle("评价框架：甲　　金额单位：万元")]),
    ("<h2>一、概况</h2><h5>（1）细目</h5>", [Heading(2, "一、概况"), Heading(5, "（1）细目")]),
    ('<p class="pf-noindent pf-small">共 <strong>3</strong> 项</p>',
     [Paragraph((Run("共 "), Run("3", bold=True), Run(" 项")), ("pf-noindent", "pf-small"))]),
    ("<p>  a \n  <em>b</em>\t c  </p>", [Paragraph((Run("a "), Run("b", italic=True), Run(" c")))]),
    ("<p>　缩进保留<br>第二行</p>", [Paragraph((Run("　缩进保留"), Run("\n"), Run("第二行")))]),
    ("<p>用 <code>perflib run</code></p>", [Paragraph((Run("用 "), Run("perflib run", code=True)))]),
    ('<div class="pf-note"><strong>数据说明</strong>：重建：<ul><li>分值</li><li>月度</li></ul></div>',
     [Note((Paragraph((Run("数据说明", bold=True), Run("：重建：")), ("pf-noindent",)),
            ItemList(((Paragraph((Run("分值"),)),), (Paragraph((Run("月度"),)),)))))]),
    ('<ol start="3"><li>甲<ul><li>乙</li></ul></li></ol>',
     [ItemList(((Paragraph((Run("甲"),)), ItemList(((Paragraph((Run("乙"),)),),))),), ordered=True, start=3)]),
    ("<blockquote><p>引文</p>注</blockquote>", [Quote((Paragraph((Run("引文"),)), Paragraph((Run("注"),), ("pf-noindent",))))]),
    ('<div class="pf-indicator"><p class="pf-noindent pf-item"><strong>①指标</strong></p><p>目标值：1</p></div>',
     [Group((Paragraph((Run("①指标", bold=True),), ("pf-noindent", "pf-item")), Paragraph((Run("目标值：1"),))))]),
    ("<pre>a = 1\n  b\n</pre>", [Preformatted("a = 1\n  b")]),
    ("<hr>", [Rule()]),
    ('<nav class="pf-toc"><p class="pf-toc-title">目录</p><ol><li><a href="#sec-1">一、</a></li></ol></nav>',
     [Contents()]),
    # nbconvert's wrappers are unwrapped; stray text between blocks is a paragraph of its own
    ('<div class="jp-Cell"><div class="jp-OutputArea"><div class="jp-OutputArea-output"><p>甲</p></div></div>乙</div>',
     [Paragraph((Run("甲"),)), Paragraph((Run("乙"),))]),
    ("<p>a\x0bb\ufffe</p>", [Paragraph((Run("ab"),))]),  # what no document may hold
    ("<script>alert(1)</script><style>p{}</style><p>只有这一段</p>", [Paragraph((Run("只有这一段"),))]),
    ("", []),
])
def test_each_element_becomes_its_block(html: str, expected: list) -> None:
    assert page_blocks(html) == expected


def test_a_table_keeps_caption_unit_header_figures_totals_spans_and_classes() -> None:
    html = ('<table class="pf-indicator-table"><caption>部门预算<span class="pf-unit">（单位：万元）</span></caption>'
            '<thead><tr><th class="pf-nowrap">资金</th><th>金额</th></tr></thead>'
            '<tbody><tr><td rowspan="2">一般<br>公共</td><td class="num pf-nowrap">1,234.50</td></tr>'
            '<tr><td class="num">2.00</td></tr>'
            '<tr class="pf-total"><td colspan="2">合计 <b>3</b></td></tr></tbody></table>')
    [table] = page_blocks(html)
    assert table == Table(
        "部门预算", "（单位：万元）",
        (Row((Cell((Run("资金"),), header=True, nowrap=True), Cell((Run("金额"),), header=True))),),
        (Row((Cell((Run("一般"), Run("\n"), Run("公共")), rowspan=2),
              Cell((Run("1,234.50"),), numeric=True, nowrap=True))),
         Row((Cell((Run("2.00"),), numeric=True, nowrap=True),)),
         Row((Cell((Run("合计 "), Run("3", bold=True)), colspan=2),), total=True)),
        ("pf-indicator-table",))
    assert table.columns == 2
    assert [(i, j) for i, j, _ in table.grid()] == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 1), (3, 0)]


def test_a_first_row_of_th_without_thead_is_the_header() -> None:
    [table] = page_blocks("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>")
    assert [c.text for r in table.header for c in r.cells] == ["a", "b"] and len(table.body) == 1


def test_figures_carry_their_image_and_caption() -> None:
    html = (f'<figure class="pf-figure"><img src="{_src(SVG, "image/svg+xml")}" alt="图 1  预算">'
            f"<figcaption>图 1  预算</figcaption></figure>"
            f'<div class="jp-RenderedImage"><img src="{_src(PNG, "image/png")}"></div>'
            '<p>前<img src="https://example.org/x.png" alt="远程图">后</p>')
    blocks = page_blocks(html)
    assert blocks[:2] == [Figure(SVG, "svg", "图 1 预算"), Figure(PNG, "png", "")]
    # an image neither format can show: its words
    assert blocks[2:] == [Paragraph((Run("前"),)), Paragraph((Run("［图：远程图］"),), ("pf-noindent",)),
                          Paragraph((Run("后"),))]
    assert blocks[0].size_pt == (504, 244.8) and blocks[1].size_pt == (640 * 0.75, 480 * 0.75)


@pytest.mark.parametrize(("url", "expected"), [
    ("data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode(), (b"<svg/>", "svg")),
    ("data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E", (b"<svg/>", "svg")),
    ("data:image/jpeg;base64,/9j/", (b"\xff\xd8\xff", "jpeg")),
    ("data:image/webp;base64,AAAA", None),
    ("https://example.org/a.png", None),
    ("data:image/png;base64,", None),
])
def test_data_urls(url: str, expected: tuple | None) -> None:
    assert data_url(url) == expected


@pytest.mark.parametrize(("svg", "size"), [
    (b'<svg width="100" height="50">', (75.0, 37.5)),
    (b'<svg width="10mm" height="20mm">', (10 * 72 / 25.4, 20 * 72 / 25.4)),
    (b'<svg viewBox="0 0 200 100">', (150.0, 75.0)),
    (b"<svg>", None),
])
def test_image_sizes_as_a_browser_takes_them(svg: bytes, size: tuple | None) -> None:
    assert image_size(svg, "svg") == (pytest.approx(size) if size else None)


def _words(html: str) -> list[str]:
    """Every piece of text a reader sees on the page (its table of contents aside)."""
    root = lxml.html.document_fromstring(html)
    for el in list(root.iter("nav", "style", "script", "title")):
        el.drop_tree()
    body = root.find("body") if root.find("body") is not None else root
    return [w for w in re.split(r"\s+", body.text_content()) if w]


def _block_text(blocks) -> str:
    out = []
    for b in blocks:
        if isinstance(b, Title | Subtitle | Heading | Preformatted):
            out.append(b.text)
        elif isinstance(b, Paragraph):
            out.append(b.text)
        elif isinstance(b, Note | Quote | Group):
            out.append(_block_text(b.blocks))
        elif isinstance(b, ItemList):
            out += [_block_text(item) for item in b.items]
        elif isinstance(b, Table):
            out.append(b.caption + b.unit)
            out += ["".join(r.text for r in c.runs) for row in b.rows for c in row.cells]
        elif isinstance(b, Figure):
            out.append(b.caption)
    return " ".join(out)


def test_nothing_of_the_reports_chapters_is_left_out() -> None:
    from perflib.present import report

    from .conftest import EXAMPLE

    report.setup()
    r = report.load(EXAMPLE.parents[1], "baiyun-emergency", 2023)
    html = "".join([report.title(r), *(report.chapter(r, n) for n in range(1, len(report.OUTLINE) + 1))])
    blocks = page_blocks(html)
    text = re.sub(r"\s", "", _block_text(blocks))
    assert all(w in text for w in _words(html))
    assert sum(isinstance(b, Table) for b in blocks) == html.count("<table")
    assert sum(isinstance(b, Figure) for b in blocks) == html.count("<figure")


def test_what_a_bureaus_own_notebook_adds_comes_through() -> None:
    """Markdown cells, printed output and a PNG chart of an edited notebook, exported as the batch does."""
    import nbformat

    from perflib.engine.export import notebook_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 本局补充说明\n\n## 五、其他事项\n\n本年度*新增*两项**重点**工作，详见"
                                      "[附件](#sec-1)。\n\n- 甲项\n- 乙项\n\n1. 第一\n2. 第二\n\n> 引自通知\n\n"
                                      "| 项目 | 金额 |\n|---|---:|\n| 维修 | 12.50 |\n\n```\ncode = 1\n```"),
        nbformat.v4.new_code_cell("print('合计 12.50 万元')", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="合计 12.50 万元\n  第二行\n")]),
        nbformat.v4.new_code_cell("chart", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode(),
                                                         "text/plain": "<Figure>"})]),
    ]
    page = notebook_html(nb, title="补充")
    blocks = page_blocks(page)
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Title", "Heading", "Paragraph", "ItemList", "ItemList", "Quote", "Table", "Preformatted",
                     "Contents", "Preformatted", "Figure"]  # the contents where the page has them: after the h1's cell
    assert blocks[2].runs[1] == Run("新增", italic=True) and Run("重点", bold=True) in blocks[2].runs
    assert blocks[4].ordered and blocks[6].body[0].cells[1] == Cell((Run("12.50"),), numeric=True)  # right-aligned
    assert blocks[9] == Preformatted("合计 12.50 万元\n  第二行") and blocks[10].format == "png"
    text = re.sub(r"\s", "", _block_text(blocks))
    assert all(w in text for w in _words(page))
