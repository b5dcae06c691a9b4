"""The bureau's review (perflib.review, perflib.bureau): the worked example's queries, the risk score, the verifiable share,
the settings as data, and what `perflib review` writes (workbook, page, index link)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perflib import evaluate
from perflib.batch.outputs import review_links
from perflib.bureau import KINDS, Query, load_settings, review, review_form
from perflib.bureau.basis import JUDGED, NONE, NUMBER, leaves, stock_phrase
from perflib.bureau.query import with_risk
from perflib.bureau.settings import REVIEW_FILE
from perflib.cli import main
from perflib.errors import InputErrors

from .conftest import EXAMPLE, PARAMS

D = Decimal


@pytest.fixture(scope="module")
def example_review():
    return review(PARAMS, 2023)


def test_worked_example_queries(example_review):
    """91.88 points, 优 (band from 90): 1.88 points above the line, so a query with 1.88 or more at stake could
    change the grade and counts twice."""
    (form,) = example_review.forms
    assert form.ev.total == D("91.88") and form.margin == D("1.88")
    got = [(q.kind, q.finding, q.row, q.points, q.risk, q.flips_grade) for q in example_review.queries]
    assert got[0] == ("finding", "FIGURE_STATED_TWO_WAYS", "森林火灾受害率", D("2.00"), D("3.60"), True)  # 0.6 × 3 × 2
    assert ("finding", "TARGET_EXCEEDED", "通过购买服务的方式，拖运“黑加油车”的次数、清洗“黑加油车”油罐的次数",
            D("4.81"), D("3.49"), True) in got  # 1 × 0.3 × (1 + 4.81) × 2
    assert ("finding", "TARGET_EXCEEDED", "组织全区性应急演练次数", D("1.00"), D("0.60"), False) in got
    assert {q.kind for q in example_review.queries} == {"finding"}  # no contradiction, spending 98.54 %, no last year
    assert [q.risk for q in example_review.queries] == sorted((q.risk for q in example_review.queries), reverse=True)


def test_verifiable_share_partitions_the_total(example_review):
    (form,) = example_review.forms
    share = form.share
    assert share.total == form.ev.total == D("91.88")
    assert (share.number, share.judged, share.none) == (D("33.38"), D("58.50"), D(0))
    frame = example_review.review_frame()
    assert frame.loc[0, "verifiable_share"] == 36.33 and frame.loc[0, "judged_share"] == 63.67


def test_leaf_basis():
    ev = evaluate(EXAMPLE)
    settings = load_settings()
    basis = {leaf.node.name: leaf.basis for leaf in leaves(ev, settings)}
    assert basis["安全生产事故警示片制作期数"] == NUMBER  # target and actual numbers
    assert basis["火灾程度"] == JUDGED  # qualitative, the actual says what happened
    assert basis["预算编制完整性"] == JUDGED  # 管理效率: points less deductions
    assert basis["部门预算资金支出率"] == NUMBER  # the execution rate from the budget
    stock = ev.what_if({"火灾程度": {"actual": "效果良好", "analysis": None, "self_score": D(2)}})
    (leaf,) = [x for x in leaves(stock, settings) if x.node.name == "火灾程度"]
    assert leaf.basis == NONE and "效果良好" in leaf.why
    queries = [q for q in review_form(stock, settings).queries if q.kind == "unverifiable"]
    assert [(q.row, q.points) for q in queries] == [("火灾程度", D("2.00"))]


@pytest.mark.parametrize(("text", "stock"), [
    ("完成", True), ("效果良好。", True), (" 达到预期目标 ", True), ("", True), (None, True),
    ("全年未发生较大火灾", False), ("完成 35 次", False), ("效果良好，群众满意度 95%", False),
])
def test_stock_phrases(text, stock):
    assert stock_phrase(text, load_settings()) is stock


def _query(kind="finding", points="0", finding=None, severity=None) -> Query:
    return Query(kind, "x", "X", 2024, None, "row", "issue", "evidence", D(points), finding=finding, severity=severity)


@pytest.mark.parametrize(("query", "margin", "risk", "flips"), [
    (_query("unverifiable", "2"), None, "3.60", False),  # 1.2 × 3, the bottom grade cannot fall
    (_query("unverifiable", "2"), D("1.99"), "7.20", True),  # … twice when 2 points reach the line
    (_query("unverifiable", "2"), D("2"), "7.20", True),
    (_query("unverifiable", "2"), D("2.01"), "3.60", False),
    (_query("finding", "0", "GRADE_OUT_OF_BAND", "error"), D("0.5"), "1.20", False),  # nothing at stake never flips
    (_query("finding", "1", "MISSED_WITHOUT_ANALYSIS", "warning"), None, "1.20", False),  # level weight 0.6
    (_query("finding", "1", "SCORE_MISMATCH", "error"), None, "2.40", False),  # code weight 1.2
    (_query("recurring", "1", "CATEGORY_MISSING", "warning"), None, "0.90", False),  # 1.5 × 0.3 × 2
    (_query("zero_budget", "0"), None, "1.50", False),
])
def test_risk_formula(query, margin, risk, flips):
    scored = with_risk(query, load_settings(), margin)
    assert (scored.risk, scored.flips_grade) == (D(risk), flips)


def test_every_kind_has_a_check_and_a_name():
    settings = load_settings()
    assert list(settings.kinds) == list(KINDS)
    assert all(settings.kinds[k].name and settings.kinds[k].evidence for k in KINDS)


def test_recurring_matches_code_and_row():
    ev = evaluate(EXAMPLE)
    settings = load_settings()
    again = review_form(ev, settings, last=ev).queries  # last year's form found the same
    recurring = [q for q in again if q.kind == "recurring"]
    findings = {(f.code, f.subject) for f in ev.findings if f.level != "info"}
    assert {(q.finding, q.row) for q in recurring} == findings
    assert all("2023 年已发现" in q.issue for q in recurring)
    assert not [q for q in review_form(ev, settings).queries if q.kind == "recurring"]


def test_a_bureau_s_own_settings(tmp_path):
    root = tmp_path / "params"
    shutil.copytree(PARAMS / "baiyun-emergency", root / "baiyun-emergency")
    text = (Path(__file__).resolve().parents[1] / "perflib" / "data" / REVIEW_FILE).read_text(encoding="utf-8")
    (root / "frameworks").mkdir()
    (root / "frameworks" / REVIEW_FILE).write_text(text.replace("TARGET_EXCEEDED: 0.3", "TARGET_EXCEEDED: 0.9"),
                                                   encoding="utf-8")
    top = review(root, 2023).queries[0]
    assert (top.finding, top.risk) == ("TARGET_EXCEEDED", D("10.46"))  # 0.9 × 5.81 × 2
    (root / "frameworks" / REVIEW_FILE).write_text(text.replace("  recurring:\n", "  recurrent:\n"), encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        review(root, 2023)
    assert REVIEW_FILE in str(err.value) and "recurrent" in str(err.value) and "recurring" in str(err.value)


def test_frames_have_one_type_per_column(example_review):
    q = example_review.queries_frame()
    assert str(q.risk.dtype) == "float64" and str(q["rank"].dtype) == "int64" and str(q.flips_grade.dtype) == "bool"
    assert list(q["rank"]) == list(range(1, len(q) + 1))
    f = example_review.review_frame()
    assert str(f.grade.dtype) == "category" and str(f.queries.dtype) == "int64"
    k = example_review.kinds_frame()
    assert list(k.kind) == list(KINDS) and k.queries.sum() == len(q)


def test_cli_writes_workbook_page_and_links_them(tmp_path, capsys):
    root = tmp_path / "params"
    shutil.copytree(PARAMS / "baiyun-emergency", root / "baiyun-emergency")
    out = tmp_path / "outputs"
    out.mkdir()
    (out / "index.html").write_text(f"<html><body><h1>汇总</h1>{review_links([])}</body></html>", encoding="utf-8")
    assert main(["review", "--params", str(root), "--year", "2023", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2023 年度复核：1 份自评表，疑点 9 个" in printed and "疑点清单.xlsx" in printed
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="review-2023.html"' in index
    page = (out / "review-2023.html").read_text(encoding="utf-8")
    assert "2023 年度绩效自评复核疑点清单" in page and 'href="疑点清单.xlsx"' in page and "广州市白云区应急管理局" in page
    wb = openpyxl.load_workbook(out / "疑点清单.xlsx")
    assert wb.sheetnames == ["疑点清单", "各单位", "疑点类别", "整改清单"]
    ws = wb["疑点清单"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["排序", "风险分", "类型", "疑点类别"] and "需提供的佐证材料" in headers
    assert ws.max_row == 10 and ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    hidden = {ws.cell(1, c).value for c in range(1, ws.max_column + 1)
              if ws.column_dimensions[openpyxl.utils.get_column_letter(c)].hidden}
    assert "文件" in hidden and "疑点" not in hidden
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    shares = wb["各单位"]
    col = [c.value for c in shares[1]].index("可核验得分占比（%）") + 1
    assert shares.cell(2, col).value == pytest.approx(0.3633) and shares.cell(2, col).number_format == "0.00%"


def test_cli_goes_on_past_a_broken_form(tmp_path, capsys):
    root = tmp_path / "params"
    shutil.copytree(PARAMS / "baiyun-emergency", root / "baiyun-emergency")
    (root / "broken").mkdir()
    (root / "broken" / "2023.yaml").write_text("department: {code: broken, name: 坏}\nyear: 2023\n", encoding="utf-8")
    assert main(["review", "--params", str(root), "--year", "2023", "--out", str(tmp_path / "o")]) == 1
    printed = capsys.readouterr().out
    assert "未能读取 1 个文件" in printed and "broken/2023.yaml" in printed and "疑点 9 个" in printed
    assert (tmp_path / "o" / "review-2023.html").is_file()


def test_cli_refuses_a_year_without_forms(tmp_path, capsys):
    root = tmp_path / "params"
    shutil.copytree(PARAMS / "baiyun-emergency", root / "baiyun-emergency")
    assert main(["review", "--params", str(root), "--year", "2019", "--out", str(tmp_path / "o")]) == 2
    assert "2019" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_handed_in_form_whose_score_rests_on_words(tmp_path):
    """A project form as departments fill it in, read by the intake: the row whose actual is "基本完成" counts at
    the form's 9.5 points (method stated); the review asks for its evidence and leaves it out of the verifiable
    share."""
    from perflib.intake import intake

    from .intake_forms import project_form, save_xlsx
    from .test_intake import MOF, _indicators

    form = project_form(indicators=_indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座", "基本完成", 10, 9.5, "")))
    path = save_xlsx(form, tmp_path / "收件" / "water-bureau" / "排水项目.xlsx")
    intake([path], framework=MOF, out=tmp_path / "params")
    rv = review(tmp_path / "params", 2022)
    (fr,) = rv.forms
    (q,) = [q for q in rv.queries if q.kind == "unverifiable"]
    assert (q.row, q.points, q.project) == ("检查井清掏数量", D("9.50"), "城区排水管网清淤维护")
    assert "基本完成" in q.issue or "无法与年度指标值" in q.issue
    assert "佐证" in q.evidence
    assert fr.share.none == D("9.5") and fr.share.total == fr.ev.total
    assert not [q for q in rv.queries if q.finding == "NOT_RECOMPUTABLE"]  # one query for one row, not two


def test_the_review_shows_the_reviewer_s_total_beside_the_rule_s(tmp_path):
    """A stored 复核 (perflib review-import) reaches the review's forms table and page: 89.88, 良 after the
    reviewer took the 2 points of 森林火灾受害率 off the 91.88 优 example."""
    import yaml

    root = tmp_path / "params"
    shutil.copytree(PARAMS / "baiyun-emergency", root / "baiyun-emergency")
    (root / "baiyun-emergency" / "review").mkdir()
    leaf = next(n for n in evaluate(EXAMPLE).scorecard.walk() if n.name == "森林火灾受害率")
    assert leaf.score == D(2)
    stored = {"schema_version": 1, "code": "baiyun-emergency", "year": 2023, "reviewer": "李复核",
              "date": "2026-12-05", "source": "复核表.xlsx",
              "rows": [{"path": list(leaf.path), "score": 0, "comment": "受害率单位前后不一，未见统计报表"}]}
    (root / "baiyun-emergency" / "review" / "2023.yaml").write_text(yaml.safe_dump(stored, allow_unicode=True),
                                                                   encoding="utf-8")
    frame = review(root, 2023).review_frame()
    assert (frame.loc[0, "total"], frame.loc[0, "reviewed_total"], frame.loc[0, "reviewed_grade"]) == (91.88, 89.88, "良")
    out = tmp_path / "o"
    assert main(["review", "--params", str(root), "--year", "2023", "--out", str(out), "--top", "0"]) == 0
    page = (out / "review-2023.html").read_text(encoding="utf-8")
    assert "复核总分" in page and "89.88" in page
    from perflib.present import overview

    ranking = str(overview.ranking(overview.load(root, 2023)))  # the year's overview ranks by the rule's total …
    assert "复核总分" in ranking and "89.88" in ranking  # … and shows the reviewer's beside it
