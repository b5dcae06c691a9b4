"""Escaping: text from an input file shows as text and runs nothing; the page stays static."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from perflib import evaluate
from perflib.engine.export import postprocess, scrub_css
from perflib.present.html import HTML, esc, heading, para, table
from perflib.present.report import Report, conclusion, problems, scoring_details, title

HOSTILE = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "a & b", '"><svg onload=alert(1)>',
           "[x](javascript:alert(1))"]


@pytest.mark.parametrize("text", HOSTILE)
def test_building_blocks_escape(text: str) -> None:
    for html in (esc(text), para(text), heading(2, text), table([text], [[text]])):
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find_all(["script", "img", "svg"])
        assert soup.get_text().count(text) >= 1


def test_trusted_fragments_pass_and_decimals_format() -> None:
    html = table(["a"], [[HTML("<em>x</em>")], [Decimal("1234.5")], [None]], numeric=[0])
    assert "<em>x</em>" in html and "1,234.50" in html and "—" in html


def test_report_sections_escape_input_text(example_data, write_params) -> None:
    example_data["department"]["name"] = "<script>alert('部门')</script>"
    example_data["title"] = '<img src=x onerror="alert(1)">'
    example_data["indicators"][0]["name"] = "<b onmouseover=alert(1)>指标</b>"
    example_data["indicators"][1]["analysis"] = "<iframe src=//evil.example></iframe>"
    example_data["narrative"]["problems"] = ["<script>document.cookie</script>"]
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    report = Report(ev, (ev,))
    html = "".join([title(report), conclusion(report), scoring_details(report), problems(report)])
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "iframe"])
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert "<script>alert('部门')</script>" in soup.get_text()


# Pages as a browser parses them (html5lib follows the HTML5 parsing algorithm); each payload once
# got an active element or a remote fetch past an earlier version of the scrub, or would have.
SCRUB_PAYLOADS = [
    "<style>a{}</sty/**/le><img src=x onerror=alert(1)></style>",  # a removed comment closing <style>
    "<style>a{}</style@import x;><img src=x onerror=alert(1)></style>",  # … or a removed @import
    "<svg><style><img src=x onerror=alert(1)></style></svg>",  # <style> inside SVG is markup to a browser
    "<math><style><img src=x onerror=alert(1)></style></math>",
    '<svg><set attributeName="href" to="javascript:alert(1)"/><a><text>x</text></a></svg>',
    '<img srcset="data:image/png;base64,AA 1x, https://evil.example/x.png 2x" src="data:image/png;base64,AA">',
    '<p style="background: u\\72 l(https://evil.example/x)">x</p>',  # a CSS escape hiding url(
    "<style>p { background: u\\72 l(https://evil.example/x) }</style>",
    '<style>@\\69mport "https://evil.example/x.css";</style>',
    '<style>p { background-image: image-set("https://evil.example/x.png" 1x) }</style>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
]


@pytest.mark.parametrize("payload", SCRUB_PAYLOADS)
def test_scrub_leaves_nothing_active_as_a_browser_parses_it(payload: str) -> None:
    page = f'<html><head><meta charset="utf-8"></head><body><main><h1>t</h1>{payload}<p>after</p></main></body></html>'
    out = postprocess(page)
    soup = BeautifulSoup(out, "html5lib")
    assert not soup.find_all(["script", "svg", "math", "iframe", "set"])
    assert not [t for t in soup.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)]
    assert all(img.get("src", "").startswith("data:") and not img.get("srcset") for img in soup.find_all("img"))
    assert not soup.find("meta", attrs={"http-equiv": True, "content": lambda c: c and "url" in c.lower()})
    assert "evil.example" not in out and "javascript:" not in out
    assert "after" in soup.get_text()


def test_a_huge_image_does_not_cut_the_page_short() -> None:
    """libxml2 drops everything after a 10 MB attribute unless told otherwise."""
    big = "A" * 11_000_000
    page = f'<html><body><main><h1>t</h1><img src="data:image/png;base64,{big}"><p>after</p></main></body></html>'
    out = postprocess(page)
    assert big in out and "after" in out


@pytest.mark.parametrize(("css", "kept", "gone"), [
    ("/* no @import here */ a { color: red; } b { top: 0; }", ["a { color: red; }", "b { top: 0; }"], ["@import"]),
    ("@import url(https://x/y.css); p { margin: 0; }", ["p { margin: 0; }"], ["@import", "https"]),
    ("p { background: url(http://x/y.png); }", ["p { background: none; }"], ["http"]),
    ("p { background: url('data:image/png;base64,AA'); }", ["url('data:image/png;base64,AA')"], []),
])
def test_scrub_css(css: str, kept: list[str], gone: list[str]) -> None:
    out = scrub_css(css)
    assert all(k in out for k in kept) and not any(g in out for g in gone), out


def test_postprocess_scrubs_active_content() -> None:
    page = ('<html><head><link rel="stylesheet" href="https://cdn.example/x.css"><script src="x.js"></script>'
            '<style>@import url(https://x); body{background:url(http://x/y.png)}</style></head><body><main>'
            '<h1>标题</h1><h2>一、甲</h2><h3>（一）乙</h3><h2>二、丙</h2>'
            '<a href="javascript:alert(1)">x</a><img src="http://x/y.png" onerror="alert(1)">'
            '<img src="data:image/png;base64,AAAA"><iframe src="https://x"></iframe></main></body></html>')
    out = postprocess(page)
    soup = BeautifulSoup(out, "html.parser")
    assert not soup.find_all(["script", "link", "iframe"])
    assert "@import" not in out and "http://x" not in out and "https://" not in out and "javascript:" not in out
    assert [img["src"][:5] for img in soup.find_all("img")] == ["data:"]
    toc = soup.find("nav", class_="pf-toc")
    assert [a.get_text() for a in toc.find_all("a")] == ["一、甲", "（一）乙", "二、丙"]
    assert all(soup.find(id=a["href"][1:]) for a in toc.find_all("a"))
    assert soup.html["lang"] == "zh-CN"
