"""A check that cannot drift: one figure, printed the same in every format.

The worked example and the whole demo portfolio are rendered in every format; for every indicator of every
report, the score, the weight, the completion and the actual as written must read the same in the JSON
(report.json), in the page's and the Word report's indicator tables and details, and in the 自评表; the
total and the grade must read the same in the JSON, the page, the Word report and the PDF's text.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import lxml.html
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from perflib.batch import RunOptions, run
from perflib.demo import generate
from perflib.text import circled

from .conftest import EXAMPLE

HEADER = ["序号", "指标名称", "类别", "目标值", "实际完成值", "完成程度", "分值", "得分"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("drift")
    params = root / "params"
    generate(params)
    (params / "baiyun-emergency").mkdir()
    shutil.copy(EXAMPLE, params / "baiyun-emergency" / "2023.yaml")
    done = run(RunOptions(params_dir=params, outputs_dir=root / "out", jobs=2, progress=False, overview=False,
                          monitoring=False, excel=False, formats=("html", "docx", "pdf", "xlsx")))
    # 36 demo department-years and the worked example, rendered; the demo's project forms, scored only
    reports = [e for e in done.entries if e.kind == "report"]
    assert len(reports) == 37 and all(e.status == "ok" for e in done.entries), done.failed
    assert {e.kind for e in done.entries} == {"report", "project"}
    assert not done.failed_documents, done.failed_documents
    return sorted(root / "out" / e.code / str(e.year) for e in reports)


def _points(value: float | None) -> str:
    return "—" if value is None else f"{Decimal(repr(value)):.2f}"


def _expected(indicator: dict) -> tuple[str, str, str, str]:
    """(actual as written, completion, weight, score) as every table must print them, from the JSON."""
    if indicator["method"] == "missing":
        completion = "未填"
    elif indicator["method"] == "stated":  # the demo has one since its review trips (demo-agriculture)
        completion = "按表上得分"
    elif not indicator["parts"]:
        completion = "定性"
    else:
        completion = f"{Decimal(repr(indicator['completion'])):.2f}%"
    return indicator["actual"], completion, _points(indicator["weight"]), _points(indicator["score"])


def _rows(tables: list[list[list[str]]]) -> list[list[str]]:
    """The body rows of every indicator table, in document order."""
    return [row for rows in tables if rows and rows[0] == HEADER for row in rows[1:]]


def _details(paragraphs: list[str]) -> list[str]:
    return [p.removeprefix("实际完成值：") for p in paragraphs if p.startswith("实际完成值：")]


def _check(where: str, rows: list[list[str]], details: list[str], indicators: list[dict]) -> None:
    assert len(rows) == len(indicators) == len(details), (where, len(rows), len(indicators), len(details))
    for row, written in zip(rows, details):
        number = row[0]
        index = next(i for i in range(len(indicators)) if circled(i + 1) == number)
        actual, completion, weight, score = _expected(indicators[index])
        assert (row[5], row[6], row[7]) == (completion, weight, score), (where, number, row)
        assert written == actual, (where, number)
        if completion == "定性":  # a qualitative actual is text: shown as written, never as a number parsed out
            assert row[4] == actual, (where, number, row[4])
        else:  # the table's short form keeps the written digits (or the computed rate, as the details say)
            shown = re.findall(r"\d+(?:\.\d+)?", row[4])
            assert all(n in re.findall(r"\d+(?:\.\d+)?", actual.replace(",", "")) for n in shown) \
                or indicators[index]["computed_actual"] is not None, (where, number, row[4], actual)


def _conclusion(summary: dict) -> str:
    return f"自评结果为“{summary['grade']}”，自评得分 {_points(summary['total'])} 分"


def test_every_figure_reads_the_same_in_every_format(reports: list[Path]) -> None:
    for folder in reports:
        summary = json.loads((folder / "report.json").read_text(encoding="utf-8"))["summary"]
        indicators = summary["indicators"]

        page = lxml.html.parse(str(folder / "report.html")).getroot()
        tables = [[[c.text_content().strip() for c in tr.xpath("./td|./th")] for tr in t.xpath(".//tr")]
                  for t in page.xpath("//table")]
        paragraphs = [p.text_content().strip() for p in page.xpath("//p")]
        _check(f"{folder}/report.html", _rows(tables), _details(paragraphs), indicators)
        assert _conclusion(summary) in "".join(paragraphs), folder

        word = docx.Document(str(folder / "report.docx"))
        tables = [[[c.text.strip() for c in row.cells] for row in t.rows] for t in word.tables]
        paragraphs = [p.text.strip() for p in word.paragraphs]
        _check(f"{folder}/report.docx", _rows(tables), _details(paragraphs), indicators)
        assert _conclusion(summary) in "".join(paragraphs), folder

        pdf = "".join(p.extract_text() for p in PdfReader(folder / "report.pdf").pages)
        assert _conclusion(summary) in re.sub(r"\n|— \d+ —", "", pdf), folder

        _check_form(folder / "自评表.xlsx", indicators)


def _check_form(path: Path, indicators: list[dict]) -> None:
    """The 自评表's 三级指标 rows: 实际完成值 as written, 分值 and 得分 as the JSON has them."""
    sheet = load_workbook(path).active
    by_name = {i["name"]: i for i in indicators}
    names = [i["name"] for i in indicators]
    seen = 0
    for row in sheet.iter_rows():
        name = row[2].value
        if name not in by_name or names.count(name) != 1:
            continue
        actual, _completion, weight, score = _expected(by_name[name])
        assert row[4].value == actual, (path, name, row[4].value)
        assert row[5].number_format == row[6].number_format == "0.00", (path, name)
        assert (_points(row[5].value), _points(row[6].value)) == (weight, score), (path, name)
        seen += 1
    assert seen == len(set(names)), (path, seen)
