"""The reviewer's scores (复核分): the 复核表 written and read back, stored beside the form, the reviewed total,
and the review shown beside the form's own scores (frames, summary, report, 复核报告)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from perflib import cli
from perflib.errors import InputErrors
from perflib.evaluation import evaluate
from perflib.inputs.params import discover, discover_projects
from perflib.portfolios import portfolio, summary_row
from perflib.reviewer import review_file, reviewed, rows
from perflib.reviewer.scores import form_of
from perflib.workbooks.review_form import DATE_CELL, HEADER_ROW, KEY_CELL, read_workbook, template_workbook

from .conftest import PARAMS
from .test_projects import project_data, write_project

CODE = "baiyun-emergency"
#: The indicator a reviewer lowers by 2 points in the worked example (3.29 of 3.5 by the rules).
LOWERED = "委托专业技术机构对工贸行业粉尘涉爆、有限空间企业、安全评价机构检查、评审的家数"


@pytest.fixture
def params(tmp_path: Path) -> Path:
    """A copy of the repository's params (the worked example, links followed): nothing is written into the repo."""
    root = tmp_path / "params"
    shutil.copytree(PARAMS, root)
    return root


@pytest.fixture
def form(params: Path) -> Path:
    return params / CODE / "2023.yaml"


def _template(tmp_path: Path, *forms: Path) -> Path:
    out = tmp_path / "复核表.xlsx"
    out.write_bytes(template_workbook([evaluate(f) for f in forms]))
    return out


def _row_of(ws, name: str) -> int:
    """The sheet row of the form's row named ``name`` (its 指标 column)."""
    return next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row=r, column=4).value == name)


def _fill(book: Path, cells: dict[str, object], sheet: int = 0) -> Path:
    wb = load_workbook(book)
    ws = wb.worksheets[sheet]
    for name, value in cells.items():
        ws[name] = value
    filled = book.with_name("filled.xlsx")
    wb.save(filled)
    return filled


def test_the_template_has_a_protected_sheet_per_form_with_its_key_and_every_scored_row(tmp_path: Path, form: Path):
    ev = evaluate(form)
    wb = load_workbook(_template(tmp_path, form))
    assert wb.sheetnames == ["2023 baiyun-emergency"]
    ws = wb.worksheets[0]
    assert ws[KEY_CELL].value == f"{CODE}/2023" and ws["B2"].value == f"{ev.department}（{CODE}）"
    assert [c.value for c in ws[HEADER_ROW]] == ["行次", "一级", "二级", "指标", "分值", "自评分", "规则分", "复核分",
                                                 "复核意见", "路径"]
    body = list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(body) == len(rows(ev)) == 43  # 20 indicators, 22 管理效率 leaves, the spending rate
    first = body[_row_of(ws, LOWERED) - HEADER_ROW - 1]
    assert first[1:8] == ("履职效能", "产出指标完成情况", LOWERED, 3.5, 3.29, 3.29, None)
    spending = next(r for r in body if r[3] == "部门预算资金支出率")
    assert spending[4:7] == (10, 4.78, 4.78)  # the form states 4.78 for it (stated.nodes)
    assert ws.protection.sheet
    r = _row_of(ws, LOWERED)
    assert not ws.cell(row=r, column=8).protection.locked and not ws.cell(row=r, column=9).protection.locked
    assert ws.cell(row=r, column=4).protection.locked and ws.cell(row=r, column=10).protection.locked
    assert ws.cell(row=r, column=6).number_format == "0.00"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_lowering_one_indicator_by_two_points_turns_91_88_into_89_88_and_the_grade_into_liang(
        tmp_path: Path, form: Path, capsys):
    before = hashlib.sha256(form.read_bytes()).hexdigest()
    book = _template(tmp_path, form)
    r = _row_of(load_workbook(book).worksheets[0], LOWERED)
    filled = _fill(book, {f"H{r}": 1.29, f"I{r}": "抽查 30 家，核实 28 家", "B6": "李复核"})
    assert cli.main(["review-import", str(filled), "--params", str(form.parents[1])]) == 0
    stored = form.parent / "review" / "2023.yaml"
    assert review_file(form) == stored and form_of(stored) == form
    data = yaml.safe_load(stored.read_text(encoding="utf-8"))
    assert data["code"] == CODE and data["year"] == 2023 and data["reviewer"] == "李复核" and "project" not in data
    assert data["rows"] == [{"path": ["履职效能", "产出指标完成情况", LOWERED], "score": 1.29,
                             "comment": "抽查 30 家，核实 28 家"}]
    assert hashlib.sha256(form.read_bytes()).hexdigest() == before  # the department's file is never written
    ev = evaluate(form)
    assert (ev.total, ev.grade) == (Decimal("91.88"), "优")
    rv = reviewed(ev)
    assert (rv.self_total, rv.rule_total, rv.total, rv.grade) == (Decimal("91.88"), Decimal("91.88"),
                                                                  Decimal("89.88"), "良")
    assert rv.scores[("履职效能", "产出指标完成情况")] == Decimal("17.60")
    assert "提示" not in capsys.readouterr().err  # the changed score says why


def test_reimporting_replaces_the_stored_review_and_a_blank_score_counts_the_rule_score(tmp_path: Path, form: Path):
    book = _template(tmp_path, form)
    r = _row_of(load_workbook(book).worksheets[0], LOWERED)
    read, _ = read_workbook(_fill(book, {f"H{r}": 0, f"I{r}": "无佐证"}), form.parents[1])
    assert reviewed(evaluate(form), read[0].review).total == Decimal("88.59")
    read, _ = read_workbook(_fill(book, {f"I{r}": "已核实"}), form.parents[1])  # a comment, no score
    assert read[0].review.rows[0].score is None
    assert reviewed(evaluate(form), read[0].review).total == Decimal("91.88")


def test_a_changed_score_without_a_comment_is_accepted_with_a_warning_naming_sheet_and_cell(tmp_path: Path,
                                                                                             form: Path, capsys):
    book = _template(tmp_path, form)
    r = _row_of(load_workbook(book).worksheets[0], LOWERED)
    assert cli.main(["review-import", str(_fill(book, {f"H{r}": 3})), "--params", str(form.parents[1])]) == 0
    err = capsys.readouterr().err
    assert f"2023 baiyun-emergency!H{r}（复核分）" in err and "未填写复核意见" in err
    assert reviewed(evaluate(form)).total == Decimal("91.59")


@pytest.mark.parametrize(("cell", "value", "message"), [
    ("H", 3.6, "复核分超过该行分值；应为0 到 3.50"),
    ("H", -1, "复核分不能为负"),
    ("H", "八十", "内容无法读取；应为数值"),
    ("H", "85分", "内容无法读取；应为数值"),
    ("H", 1.234, "复核分小数位数过多"),
    ("J", "履职效能 / 产出指标完成情况 / 不存在的指标", "自评表上没有这一行"),
    (KEY_CELL, "baiyun-emergency/2022", "表键与输入目录中的任何自评表都不对应"),
    (KEY_CELL, "../../etc/2023", "表键与输入目录中的任何自评表都不对应"),
])
def test_what_is_refused_is_named_by_sheet_and_cell(tmp_path: Path, form: Path, cell: str, value, message: str):
    book = _template(tmp_path, form)
    r = _row_of(load_workbook(book).worksheets[0], LOWERED)
    where = cell if cell == KEY_CELL else f"{cell}{r}"
    with pytest.raises(InputErrors) as caught:
        read_workbook(_fill(book, {where: value}), form.parents[1])
    line = str(caught.value)
    assert f"filled.xlsx: 2023 baiyun-emergency!{where}" in line and message in line
    assert not (form.parent / "review").exists()
    assert cli.main(["review-import", str(tmp_path / "filled.xlsx"), "--params", str(form.parents[1])]) == 2


def test_stored_reviews_are_not_inputs_to_discovery_the_batch_or_validate(tmp_path: Path, form: Path,
                                                                          example_data: dict, capsys):
    project = write_project(form.parents[1], project_data(example_data), code=CODE)
    book = _template(tmp_path, form, project)
    wb = load_workbook(book)
    assert wb.sheetnames == ["2023 baiyun-emergency", "2023 应急通信保障项目"]
    assert wb.worksheets[1][KEY_CELL].value == f"{CODE}/projects/2023/{project.stem}"
    filled = _fill(book, {f"H{HEADER_ROW + 1}": 0, f"I{HEADER_ROW + 1}": "未见佐证"}, sheet=1)
    read, warnings = read_workbook(filled, form.parents[1])  # the department's sheet untouched: not a review
    assert [i.target for i in read] == [form.parent / "review" / "projects" / "2023" / project.name]
    assert any("「2023 baiyun-emergency」没有填写复核分、复核意见或复核人，未导入" in w for w in warnings)
    read, _ = read_workbook(_fill(filled, {"B6": "李复核"}, sheet=0), form.parents[1])
    assert [i.target for i in read] == [form.parent / "review" / "2023.yaml",  # signed, nothing changed: agrees
                                        form.parent / "review" / "projects" / "2023" / project.name]
    for one in read:
        one.target.parent.mkdir(parents=True, exist_ok=True)
        one.target.write_text(one.text, encoding="utf-8")
    root = form.parents[1]
    assert discover(root) == [form] and discover_projects(root) == [project]
    assert form_of(read[1].target) == project and review_file(project) == read[1].target
    assert reviewed(evaluate(project)).total < evaluate(project).total
    assert reviewed(evaluate(form)).total == evaluate(form).total
    assert cli.main(["validate", str(root)]) == 0
    capsys.readouterr()
    read[0].target.write_text(read[0].text.replace("year: 2023", "year: 2022"), encoding="utf-8")
    assert cli.main(["validate", str(root)]) == 2  # a review of another form where this one's belongs: named
    assert "review/2023.yaml: year: 复核记录与所在位置的自评表不符" in capsys.readouterr().out
    (form.parent / "review" / "2023.yaml").unlink()
    assert cli.main(["validate", str(root)]) == 0


def test_frames_and_the_summary_have_the_review_beside_the_scores(tmp_path: Path, form: Path):
    ev = evaluate(form)
    assert "review_score" not in ev.indicators_frame().columns and "review_score" not in ev.nodes_frame().columns
    assert portfolio(form.parents[1])["reviewed_total"].isna().all()
    book = _template(tmp_path, form)
    r = _row_of(load_workbook(book).worksheets[0], LOWERED)
    cli.main(["review-import", str(_fill(book, {f"H{r}": 1.29, f"I{r}": "核减"})), "--params", str(form.parents[1])])
    ev = evaluate(form)
    ind = ev.indicators_frame().set_index("name")
    assert ind.loc[LOWERED, ["score", "review_score", "review_comment"]].tolist() == [3.29, 1.29, "核减"]
    assert ind["review_score"].dtype == "float64" and ind["review_score"].notna().all()
    nodes = ev.nodes_frame().set_index("path")
    assert nodes.loc["履职效能", ["score", "review_score"]].tolist() == [44.38, 42.38]
    row = summary_row(ev.to_dict())
    assert (row["reviewed_total"], row["reviewed_grade"]) == (89.88, "良")
    frame = portfolio(form.parents[1])
    assert frame.loc[0, "reviewed_total"] == 89.88 and frame.loc[0, "reviewed_grade"] == "良"
    assert ev.to_dict()["review"]["rows"][0]["comment"] == "核减"


def test_the_report_and_the_review_report_show_the_three_scores(tmp_path: Path, form: Path):
    from docx import Document

    from perflib.present import report

    assert "复核分" not in report.conclusion(report.load(form.parents[1], CODE, 2023))
    book = _template(tmp_path, form)
    r = _row_of(load_workbook(book).worksheets[0], LOWERED)
    cli.main(["review-import", str(_fill(book, {f"H{r}": 1.29, f"I{r}": "抽查核减"})), "--params", str(form.parents[1]),
              "--reviewer", "王复核"])
    html = report.conclusion(report.load(form.parents[1], CODE, 2023))
    assert ">自评分</th>" in html and "复核−自评" in html and "89.88" in html and "抽查核减" in html
    out = tmp_path / "复核报告.docx"
    assert cli.main(["export", str(form), "--kind", "review", "--to", str(out)]) == 0
    doc = Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "复核报告" in text and "王复核" in text and "89.88" in text
    assert "抽查核减" in cells and "91.88" in cells and "89.88" in cells and "良" in cells
    assert "（复核单位盖章）" in text and "复核人（签字）" in text and "（单位盖章）" not in text  # the bureau signs it
    assert cli.main(["export", str(form), "--kind", "review", "--to", str(tmp_path / "x.txt")]) == 2
    pdf = tmp_path / "复核报告.pdf"
    assert cli.main(["export", str(form), "--kind", "review", "--to", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_review_report_without_a_review_is_refused(form: Path, tmp_path: Path, capsys):
    assert cli.main(["export", str(form), "--kind", "review", "--to", str(tmp_path / "复核报告.docx")]) == 2
    assert "没有复核记录" in capsys.readouterr().err


def test_a_stored_review_is_among_the_files_a_report_reads_so_importing_one_re_renders_it(tmp_path: Path,
                                                                                         form: Path):
    from perflib.batch.fingerprint import inputs_digest
    from perflib.batch.jobs import Evaluations, job_for

    evaluations = Evaluations(form.parents[1])
    job = job_for(form)
    before = job.inputs(evaluations)
    assert review_file(form) not in before  # none yet: every file listed is one there is (sent to a cluster)
    book = _fill(_template(tmp_path, form), {"B6": "李复核"})  # signed: agrees with the rules throughout
    assert cli.main(["review-import", str(book), "--params", str(form.parents[1])]) == 0
    after = job.inputs(evaluations)
    assert review_file(form) in after and inputs_digest(after) != inputs_digest(before)


@pytest.mark.parametrize(("written", "stored", "refused"), [
    (None, "2026-12-05", None),  # blank: the day of the import
    (dt.datetime(2026, 11, 30), "2026-11-30", None),  # a date cell
    ("2026年11月3日", "2026-11-03", None),
    ("2026-11-03", "2026-11-03", None),
    ("2026.11.3", "2026-11-03", None),
    ("上周五", None, "复核日期不是日期"),
    ("2026-02-30", None, "复核日期不是日期"),
    ("2026-12-06", None, "复核日期晚于今天"),
])
def test_the_review_date_is_the_reviewer_s(tmp_path: Path, form: Path, written, stored, refused):
    filled = _fill(_template(tmp_path, form), {"B6": "李复核", DATE_CELL: written})
    today = dt.date(2026, 12, 5)
    if refused:
        with pytest.raises(InputErrors) as err:
            read_workbook(filled, form.parents[1], today=today)
        assert f"2023 baiyun-emergency!{DATE_CELL}（复核日期）" in str(err.value) and refused in str(err.value)
        return
    (one,), _ = read_workbook(filled, form.parents[1], today=today)
    assert one.review.date == dt.date.fromisoformat(stored) and f"date: {stored}" in one.text
