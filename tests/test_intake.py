"""perflib intake (issue 25): filled-in forms as departments hand them in → input files and a receipt.

Every variant of :func:`tests.intake_forms.project_form` is one way a real form differs from the template;
each states what reading it must give: the status, the total and grade, the findings, or the refusal with
its sheet and cell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from perflib.evaluation import evaluate, load
from perflib.files import write_atomic
from perflib.inputs.params import project_file
from perflib.intake import Receipt, intake, read_form
from perflib.present.form import form_workbook
from perflib.workbooks.sheets import yaml_text

from .conftest import EXAMPLE, REPO
from .intake_forms import FUNDS, INDICATORS, TOTAL, blank_under_headings, project_form, save_docx, save_xlsx

MOF = "mof-project-self-evaluation"
D = Decimal


def _indicators(**changes: tuple) -> list[tuple]:
    """The base indicators with some rows replaced (by 三级指标 name) or removed (None)."""
    out = []
    for row in INDICATORS:
        new = changes.get(row[2], row)
        if new is not None:
            out.append(new)
    return out


def _funds(**changes: tuple) -> list[tuple]:
    return [changes.get(row[0], row) for row in FUNDS]


TEN_THOUSAND = 10_000
# name → (form keywords, expected status, total, grade, finding codes that must be there, refusal cell or None)
CASES = {
    "as the template": ({}, "read", TOTAL, "优", set(), None),
    "scores typed as text": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座", "2850座", "10分", "9.5分", "顺延至次年"))},
        "read", TOTAL, "优", set(), None),
    "a target inside the name": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量≥3000座", None, "2850座", 10, 9.5, "顺延至次年"))},
        "read", TOTAL, "优", {"RECONSTRUCTED"}, None),
    "an actual written as ≥90%": ({"indicators": _indicators(沿街商户满意度=(
        "满意度指标", "服务对象满意度指标", "沿街商户满意度", "≥90%", "≥90%", 10, 10, ""))},
        "read", TOTAL, "优", set(), None),
    "a total row of zeros above its parts": ({"funds": _funds(年度资金总额=("年度资金总额", 0, 0, 0, 10, "0%", 9.5))},
                                             "findings", TOTAL, "优", {"BUDGET_SUM_MISMATCH"}, None),
    "placeholder rows left in": ({"extra_rows": [
        ("效益指标", "经济效益指标", "指标1：……", None, None, None, None, None),
        ("效益指标", "生态效益指标", "……", "……", "……", None, None, None),
        ("效益指标", "生态效益指标", "xxx", None, None, None, None, None)]}, "read", TOTAL, "优", set(), None),
    "rows marked not applicable": ({"extra_rows": [
        ("效益指标", "经济效益指标", "带动就业人数", "/", "/", None, None, "本项目不适用")]}, "read", TOTAL, "优", set(), None),
    # issue 25: a "/" row right under a one-row group (预算执行率) carries no heading onto itself
    "a row of '/' under the execution-rate row": ({"indicators": [
        ("预算执行率", "—", "—", "100%", "95%", 10, 9.5, ""),
        (None, "（本项目不适用）其他指标", None, "/", "/", "/", "/", None), *INDICATORS]}, "read", TOTAL, "优", set(), None),
    "a row of '/' with its name in 三级": ({"indicators": [
        ("预算执行率", "—", "—", "100%", "95%", 10, 9.5, ""),
        (None, None, "（本项目不适用）其他指标", "/", "/", "/", "/", None), *INDICATORS]}, "read", TOTAL, "优", set(), None),
    "a row of '/' under the execution-rate row merged over it": ({"indicators": [
        ("预算执行率", "—", "—", "100%", "95%", 10, 9.5, ""),
        ("预算执行率", "（本项目不适用）其他指标", None, "/", "/", "/", "/", None), *INDICATORS]},
        "read", TOTAL, "优", set(), None),
    "a heading row of dashes still heads the rows below it": ({"indicators": [
        *INDICATORS[:5], ("效益指标", "社会效益指标", None, "—", "—", "—", "—", None),
        *[(None, None, *r[2:]) for r in INDICATORS[5:7]], *INDICATORS[7:]]}, "read", TOTAL, "优", set(), None),
    "a row of '/' and blanks under the execution-rate row": ({"indicators": [
        ("预算执行率", "—", "—", "100%", "95%", 10, 9.5, ""),
        (None, "不适用", None, "/", None, "—", "/", None), *INDICATORS]}, "read", TOTAL, "优", set(), None),
    # issue 25: a rate printed rounded (87.15%) whose stated score a rate within that rounding gives
    "a rounded rate its stated score agrees with": ({"indicators": _indicators(汛前清淤完成率=(
        "产出指标", "时效指标", "汛前清淤完成率", "100%", "87.15%", 10, 8.71, "部分管段顺延至汛后")), "total": 97.71},
        "findings", "97.71", "优", {"SELF_SCORE_DIFFERS"}, None),
    "a rounded rate its stated score agrees with as printed": ({"indicators": _indicators(汛前清淤完成率=(
        "产出指标", "时效指标", "汛前清淤完成率", "100%", "87.15%", 10, 8.72, "部分管段顺延至汛后")), "total": 97.72},
        "read", "97.72", "优", set(), None),
    "a rounded rate its stated score is beyond": ({"indicators": _indicators(汛前清淤完成率=(
        "产出指标", "时效指标", "汛前清淤完成率", "100%", "87.15%", 10, 8.7, "")), "total": 97.7},
        "findings", "97.72", "优", {"SCORE_MISMATCH"}, None),
    "a whole-number rate is not taken as rounded": ({"indicators": _indicators(汛前清淤完成率=(
        "产出指标", "时效指标", "汛前清淤完成率", "100%", "87%", 10, 8.71, "")), "total": 97.71},
        "findings", "97.70", "优", {"SCORE_MISMATCH"}, None),
    # issue 25: the execution row's 实际完成值 blank: a year-end rule computes the rate from the funds block
    "the execution row's actual left blank": ({"indicators": [
        ("预算执行率", "—", "—", "100%", None, 10, 9.5, ""), *INDICATORS]}, "read", TOTAL, "优", set(), None),
    "the execution row's actual and the funds' rate left blank": ({"indicators": [
        ("预算执行率", "—", "—", "100%", None, 10, 9.5, ""), *INDICATORS],
        "funds": _funds(年度资金总额=("年度资金总额", 300, 320, 304, 10, None, 9.5))}, "read", TOTAL, "优", set(), None),
    "a percentage kept as a number in its cell": ({"indicators": _indicators(清淤后管道验收合格率=(
        "产出指标", "质量指标", "清淤后管道验收合格率", "≥95%", 0.98, 10, 10, ""))}, "read", TOTAL, "优", {"RECONSTRUCTED"}, None),
    "points written into the headings": ({"indicators": [(f"{r[0]}（{ {'产出指标': 50, '效益指标': 30}.get(r[0], 10)}分）", *r[1:])
                                                          for r in INDICATORS]}, "read", TOTAL, "优", set(), None),
    "columns in another order": ({"order": (0, 1, 2, 4, 3, 6, 5, 7)}, "read", TOTAL, "优", set(), None),
    "labels written otherwise": ({"labels": ("一级指标", "二级指标", "三级指标", "指标值", "实际值", "权重", "自评得分", "偏差原因"),
                                  "funds_labels": ("年初预算", "预算数", "执行数", "分值", "预算执行率", "得分")},
                                 "read", TOTAL, "优", set(), None),
    "full-width digits": ({"funds": _funds(**{"其中：财政拨款": ("其中：财政拨款", "２８０", "３００．００", "２８６", "—", "95.33%", "—")})},
                          "read", TOTAL, "优", set(), None),
    "amounts written with their unit": ({"funds": _funds(**{"其中：财政拨款": ("其中：财政拨款", "280万元", "300万", "286 万元", "—", "95.33%", "—")})},
                                        "read", TOTAL, "优", set(), None),
    "an amount in 元 on a form in 万元": ({"funds": _funds(**{"其中：财政拨款": ("其中：财政拨款", 280, "3000000元", 286, "—", "95.33%", "—")})},
                                        "refused", None, None, set(), "E7（全年预算数）"),
    "amounts in 元": ({"unit": "元", "funds": [(n, *(v * TEN_THOUSAND if isinstance(v, int) and i < 3 else v
                                                       for i, v in enumerate(rest))) for n, *rest in FUNDS]},
                     "read", TOTAL, "优", set(), None),
    "a rate as a fraction": ({"funds": _funds(年度资金总额=("年度资金总额", 300, 320, 304, 10, 0.95, 9.5))},
                             "read", TOTAL, "优", set(), None),
    "a rate left blank": ({"funds": _funds(年度资金总额=("年度资金总额", 300, 320, 304, 10, None, 9.5))},
                          "read", TOTAL, "优", set(), None),
    "a rate the amounts do not give": ({"funds": _funds(年度资金总额=("年度资金总额", 300, 320, 304, 10, "90%", 9.5))},
                                       "findings", TOTAL, "优", {"RATE_MISMATCH"}, None),
    "a fund's rate the amounts do not give": ({"funds": _funds(上年结转资金=("上年结转资金", 20, 20, 18, "—", "80%", "—"))},
                                              "findings", TOTAL, "优", {"RATE_MISMATCH"}, None),
    "a score the rule does not give": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座", "2850座", 10, 10, "")), "total": "99.5"},
        "findings", TOTAL, "优", {"SCORE_MISMATCH"}, None),
    "an actual left blank, its score given": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座", None, 10, 9.5, "台账未汇总"))},
        "findings", TOTAL, "优", {"NOT_RECOMPUTABLE"}, None),
    "an actual the rule cannot compare": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座", "基本完成", 10, 9.5, ""))},
        "findings", TOTAL, "优", {"NOT_RECOMPUTABLE"}, None),
    "an actual and its score both blank": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座", None, 10, None, "")), "total": 89.5, "grade": "良"},
        "findings", "89.50", "良", {"NOT_FILLED"}, None),
    "a grade out of its band": ({"grade": "良"}, "findings", TOTAL, "优", {"GRADE_OUT_OF_BAND"}, None),
    "a year in the project's name": ({"project": "2021年汛后排水管网清淤维护"}, "read", TOTAL, "优", set(), None),
    "the date it was filled in above the blocks": ({"dated": True}, "read", TOTAL, "优", set(), None),
    "merged headings written once, blank below": ({"merged": False}, "read", TOTAL, "优", set(), None),
    # refusals: one line, naming the sheet and the cell
    "an amount with a decimal comma": ({"funds": _funds(**{"其中：财政拨款": ("其中：财政拨款", 280, "300,5", 286, "—", "95%", "—")})},
                                       "refused", None, None, set(), "E7（全年预算数）"),
    "a score that is no number": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座", "2850座", 10, "良好", ""))},
        "refused", None, None, set(), "H14（得分）"),
    "an indicator without points": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座", "2850座", None, 9.5, ""))},
        "refused", None, None, set(), "G14（分值）"),
    "an amount beyond any budget": ({"funds": _funds(**{"其中：财政拨款": ("其中：财政拨款", 280, 3e16, 286, "—", None, "—")})},
                                    "refused", None, None, set(), "E7（全年预算数）"),
    "a target longer than any": ({"indicators": _indicators(检查井清掏数量=(
        "产出指标", "数量指标", "检查井清掏数量", "≥3000座" + "。" * 600, "2850座", 10, 9.5, ""))},
        "refused", None, None, set(), "E14（年度指标值）"),
    "a unit that is no unit": ({"unit": "千元"}, "refused", None, None, set(), "A5（金额单位）"),
    "no project name": ({"project": ""}, "refused", None, None, set(), ""),
}


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("forms") / "water-bureau"
    out = {}
    for i, (name, (changes, *_)) in enumerate(CASES.items()):
        form = project_form(**changes)
        if changes.get("merged") is False:
            form = blank_under_headings(project_form())
        out[name] = save_xlsx(form, root / f"form{i:02d}.xlsx")
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_a_filled_form_reads_as_its_case_says(case: str, forms: dict[str, Path]) -> None:
    _, status, total, grade, codes, cell = CASES[case]
    entry = read_form(forms[case], framework=MOF)
    assert entry.status == status, (entry.refusal, [f.message for f in entry.findings])
    if status == "refused":
        assert entry.refusal is not None and entry.data is None and entry.evaluation is None
        assert entry.refusal.sheet == ("自评表" if cell else entry.refusal.sheet)
        assert entry.refusal.cell == cell or (not cell and "项目名称" in entry.refusal.reason)
        assert "\n" not in entry.refusal.reason and "Traceback" not in entry.refusal.reason
        return
    assert entry.refusal is None
    assert (str(entry.total), entry.grade) == (total, grade)
    assert entry.code == "water-bureau" and entry.year == 2022 and entry.project in ("城区排水管网清淤维护", "2021年汛后排水管网清淤维护")
    found = {f.code for f in entry.findings}
    assert codes <= found, found
    if status == "read":
        assert not [f for f in entry.findings if f.level in ("error", "warning")]


def test_what_the_form_states_is_kept(forms: dict[str, Path]) -> None:
    entry = read_form(forms["an actual the rule cannot compare"], framework=MOF)
    ind = next(i for i in entry.data["indicators"] if i["name"] == "检查井清掏数量")
    assert (ind["method"], ind["self_score"], ind["actual"]) == ("stated", D("9.5"), "基本完成")
    assert "无法与年度指标值" in ind["self_score_reason"]
    (finding,) = [f for f in entry.findings if f.code == "NOT_RECOMPUTABLE"]
    assert finding.message.startswith("「检查井清掏数量」按表上得分 9.50 分计（分值 10.00 分）：")
    assert finding.message.endswith("规则无法重算。") and finding.topic == "评分依据"
    stated = entry.data["stated"]
    assert (stated["total"], stated["grade"], stated["nodes"]["检查井清掏数量"]) == (99, "优", D("9.5"))
    assert stated["nodes"]["预算执行率"] == D("9.5")
    assert entry.data["budget"]["stated"] == {"initial": 300, "adjusted": 320, "spent": 304, "execution_rate": D("95.00")}
    assert [f["type"] for f in entry.data["budget"]["funds"]] == ["财政拨款", "上年结转"]  # 其他资金 left blank


def test_a_rounded_rate_is_read_within_its_rounding_and_said(forms: dict[str, Path]) -> None:
    """The printed digits stay (never a rate the form does not print); the form's 8.71 counts, its reason says
    the rule's 8.72 from the printed 87.15 % differs within the rounding, and the audit shows both."""
    entry = read_form(forms["a rounded rate its stated score agrees with"], framework=MOF)
    ind = next(i for i in entry.data["indicators"] if i["name"] == "汛前清淤完成率")
    assert ind["actual"] == "87.15%" and ind["self_score"] == D("8.71")
    note = ind["self_score_reason"]
    assert "87.15%" in note and "87.145%～87.155%" in note and "8.71" in note and "8.72" in note
    (differs,) = [f for f in entry.findings if f.code == "SELF_SCORE_DIFFERS"]
    assert "自评 8.71 分，按计分规则应为 8.72 分（自评说明：表上实际完成值 87.15% 为舍入后的数" in differs.message
    as_printed = read_form(forms["a rounded rate its stated score agrees with as printed"], framework=MOF)
    assert next(i for i in as_printed.data["indicators"] if i["name"] == "汛前清淤完成率")["actual"] == "87.15%"


def test_a_form_in_yuan_stays_in_yuan(forms: dict[str, Path]) -> None:
    entry = read_form(forms["amounts in 元"], framework=MOF)
    assert entry.data["money_unit"] == "元" and entry.data["budget"]["funds"][0]["adjusted"] == 3_000_000


def test_a_target_inside_the_name_is_taken_out_and_said(forms: dict[str, Path]) -> None:
    entry = read_form(forms["a target inside the name"], framework=MOF)
    ind = next(i for i in entry.data["indicators"] if i["name"] == "检查井清掏数量")
    assert ind["target"] == "≥3000座"
    assert any("写在指标名称中" in n for n in entry.data["reconstructed"])


def test_the_year_comes_from_the_title_or_is_asked_for(tmp_path: Path) -> None:
    path = save_xlsx(project_form(year_line=None), tmp_path / "water-bureau" / "a.xlsx")
    refused = read_form(path, framework=MOF)
    assert refused.status == "refused" and "年度" in refused.refusal.reason and "--year" in refused.refusal.reason
    assert read_form(path, framework=MOF, year=2022).year == 2022
    titled = save_xlsx(project_form(), tmp_path / "water-bureau" / "b.xlsx")
    conflict = read_form(titled, framework=MOF, year=2021)
    assert conflict.status == "refused" and conflict.refusal.cell == "A2（标题）" and "2021" in conflict.refusal.reason


def test_a_file_whose_name_is_not_a_code(tmp_path: Path) -> None:
    path = save_xlsx(project_form(), tmp_path / "水务局" / "排水项目.xlsx")
    refused = read_form(path, framework=MOF)
    assert refused.status == "refused" and "部门代码" in refused.refusal.reason and "--code" in refused.refusal.reason
    assert read_form(path, framework=MOF, code="water-bureau").code == "water-bureau"
    named = save_xlsx(project_form(), tmp_path / "收件" / "water-bureau.排水项目.xlsx")
    assert read_form(named, framework=MOF).code == "water-bureau"


def test_a_docx_table_with_merged_cells_reads_as_the_workbook(tmp_path: Path) -> None:
    path = save_docx(project_form(), tmp_path / "water-bureau" / "自评报告.docx")
    entry = read_form(path, framework=MOF)
    assert (entry.status, str(entry.total), entry.grade) == ("read", TOTAL, "优")
    assert entry.refusal is None and len(entry.data["indicators"]) == len(INDICATORS)


def test_a_word_report_with_the_title_above_its_table(tmp_path: Path) -> None:
    path = save_docx(project_form(), tmp_path / "water-bureau" / "报告.docx", title_above=True)
    entry = read_form(path, framework=MOF)
    assert (entry.status, entry.year, str(entry.total)) == ("read", 2022, TOTAL), entry.refusal
    conflict = read_form(path, framework=MOF, year=2021)
    assert conflict.refusal.sheet == "表格1" and conflict.refusal.cell == "表前文字（标题）"


def test_a_form_split_into_two_word_tables_reads_as_one(tmp_path: Path) -> None:
    path = save_docx(project_form(), tmp_path / "water-bureau" / "报告.docx", split_at="一级指标")
    entry = read_form(path, framework=MOF)
    assert (entry.status, str(entry.total), entry.grade) == ("read", TOTAL, "优"), entry.refusal
    assert entry.data["budget"]["stated"]["adjusted"] == 320


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The template form as .xls and .ods, made once per session with LibreOffice (slow: seconds)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the .xls and .ods forms cannot be made")
    root = tmp_path_factory.mktemp("converted")
    source = save_xlsx(project_form(), root / "water-bureau.xlsx")
    out = {}
    for kind in ("xls", "ods"):
        folder = root / kind
        profile = (root / f"profile-{kind}").as_uri()
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", kind,
                        "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=120)
        out[kind] = folder / f"water-bureau.{kind}"
    return out


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_an_old_xls_and_an_ods_read_as_the_xlsx(kind: str, converted: dict[str, Path]) -> None:
    entry = read_form(converted[kind], framework=MOF, code="water-bureau")
    assert (entry.status, str(entry.total), entry.grade) == ("read", TOTAL, "优"), entry.refusal


# ---------------------------------------------------------------------- the round trip of perflib's own form


def _project_input() -> dict:
    """A project self-evaluation input for the MOF project framework, made of the worked example's first three
    indicators of each kind, their weights sharing the framework's points (产出 50, 效益 30, 满意度 10)."""
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    indicators = []
    for top, points in {"产出": D(50), "效益": D(30), "满意度": D(10)}.items():
        mine = [dict(i) for i in base["indicators"] if i["category"].startswith(top)][:3]
        weights = [(points / len(mine)).quantize(D("0.01")) for _ in mine]
        weights[-1] = points - sum(weights[:-1])
        for ind, weight in zip(mine, weights):
            ind["weight"] = weight
            if "self_score" in ind:  # qualitative, scored full as in the example
                ind["self_score"] = weight
            indicators.append(ind)
    return {"department": {"code": "baiyun-emergency", "name": base["department"]["name"]}, "year": 2023,
            "framework": MOF, "project": {"name": "森林防火物资储备", "implementer": "白云区森林火灾救援中心"},
            "budget": {"funds": base["budget"]["funds"]}, "indicators": indicators}


ROUND_TRIPS = [EXAMPLE, REPO / "docs" / "examples" / "cq-kxc-media" / "2021.yaml",
               REPO / "docs" / "examples" / "demo-mof-finance" / "2024.yaml", "project"]


@pytest.mark.parametrize("source", ROUND_TRIPS, ids=lambda s: s if isinstance(s, str) else s.parent.name)
def test_perflibs_own_form_reads_back_to_its_total_and_grade(source, tmp_path: Path) -> None:
    if source == "project":
        path = tmp_path / "baiyun-emergency" / "projects" / "2023" / "森林防火物资储备.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(yaml_text(_project_input()), encoding="utf-8")
        ev = evaluate(path)
    else:
        ev = evaluate(source)
    form = tmp_path / "forms" / ev.code / f"{ev.code}.xlsx"
    write_atomic(form, form_workbook(ev))
    entry = read_form(form, framework=ev.framework.id)
    assert entry.refusal is None
    assert (entry.total, entry.grade) == (ev.total, ev.grade)
    assert not [f for f in entry.findings if f.code in ("SCORE_MISMATCH", "GRADE_OUT_OF_BAND", "SUBSCORES_DO_NOT_ADD_UP")]
    if ev.code == "baiyun-emergency" and source == EXAMPLE:
        assert (str(entry.total), entry.grade) == ("91.88", "优")
        assert entry.data["execution"]["stated_rate"] == D("47.78")


def test_the_demo_departments_round_trip(tmp_path: Path) -> None:
    """Every demo department-year: the form reads back to the same total and grade — or, where the analyst's own
    score overrode the rule on a row the form makes recomputable, the difference is reported, not lost."""
    from perflib.demo import generate

    generate(tmp_path / "demo")
    for path in sorted((tmp_path / "demo").glob("*/20??.yaml")):
        ev = evaluate(path)
        form = tmp_path / "forms" / f"{ev.code}-{ev.year}.xlsx"
        write_atomic(form, form_workbook(ev))
        entry = read_form(form, framework=ev.framework.id, code=ev.code)
        overridden = {r.name for r in ev.scorecard.indicators
                      if r.rule_score is not None and r.self_score is not None and r.self_score != r.rule_score}
        if overridden:
            mismatched = {f.subject for f in entry.findings if f.code == "SCORE_MISMATCH"}
            assert overridden <= mismatched, path
        else:
            assert (entry.total, entry.grade) == (ev.total, ev.grade), path


# ---------------------------------------------------------------------- many files: intake, the receipt, the command


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "收件"
    save_xlsx(project_form(), box / "water-bureau" / "排水管网.xlsx")
    save_xlsx(project_form(project="雨水泵站维护"), box / "water-bureau" / "泵站.xlsx")
    save_xlsx(project_form(funds=_funds(**{"其中：财政拨款": ("其中：财政拨款", 280, "300,5", 286, "—", "95%", "—")})),
              box / "water-bureau" / "坏表.xlsx")
    (box / "water-bureau" / "~$排水管网.xlsx").write_bytes(b"lock")
    ev = evaluate(EXAMPLE)
    write_atomic(box / "departments" / "baiyun-emergency.xlsx", form_workbook(ev))
    return box


def test_intake_writes_one_input_per_form_and_a_receipt(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "params"
    receipt = intake([inbox / "water-bureau"], framework=MOF, out=out, jobs=1)
    assert isinstance(receipt, Receipt) and receipt.exit_code == 1
    assert [e.status for e in receipt.entries] == ["refused", "read", "read"]  # sorted by name; the lock file skipped
    written = project_file(out, "water-bureau", 2022, "城区排水管网清淤维护")
    assert written.is_file() and receipt.entries[1].written == written
    assert evaluate(written).total == D(TOTAL)
    frame = receipt.frame()
    assert list(frame.columns) == ["文件", "状态", "部门代码", "年度", "项目", "总分", "等级", "审核发现", "工作表", "单元格", "原因",
                                    "输入文件"]
    assert frame.loc[0, "单元格"] == "E7（全年预算数）" and frame.loc[0, "状态"] == "拒收"
    path = receipt.write_xlsx(tmp_path / "收件清单.xlsx")
    assert path.is_file()
    # the same forms again: the same files, nothing refused for them; a changed form is not written over
    again = intake([inbox / "water-bureau"], framework=MOF, out=out, jobs=1)
    assert [e.status for e in again.entries] == ["refused", "read", "read"]
    save_xlsx(project_form(total=98), inbox / "water-bureau" / "排水管网.xlsx")
    changed = intake([inbox / "water-bureau" / "排水管网.xlsx"], framework=MOF, out=out, jobs=1)
    assert changed.entries[0].status == "refused" and "--overwrite" in changed.entries[0].refusal.reason
    assert intake([inbox / "water-bureau" / "排水管网.xlsx"], framework=MOF, out=out, jobs=1,
                  overwrite=True).exit_code == 0


def test_a_department_form_goes_to_its_year_file(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "params"
    receipt = intake(inbox / "departments", framework="guangzhou-department-overall", out=out)
    assert receipt.exit_code == 0
    assert receipt.entries[0].written == out / "baiyun-emergency" / "2023.yaml"
    loaded = load(out / "baiyun-emergency" / "2023.yaml")
    assert loaded.params.execution.stated_rate == D("47.78")


def test_the_pool_reads_as_one_process_does(tmp_path: Path) -> None:
    box = tmp_path / "many" / "water-bureau"
    for i in range(20):
        save_xlsx(project_form(project=f"排水项目{i:02d}"), box / f"p{i:02d}.xlsx")
    receipt = intake([box.parent], framework=MOF, out=tmp_path / "params", jobs=2)
    assert receipt.exit_code == 0 and len(receipt.entries) == 20
    assert {str(e.total) for e in receipt.entries} == {TOTAL}
    assert all(e.evaluation is None and e.findings is not None for e in receipt.entries)
    # written: the file holds the data, which does not come back (issue 25); the file is what one process writes
    assert all(e.data is None and e.written is not None for e in receipt.entries)
    alone = intake([box.parent / "water-bureau" / "p00.xlsx"], framework=MOF, out=tmp_path / "alone", jobs=1)
    assert alone.entries[0].data is not None
    assert alone.entries[0].written.read_text(encoding="utf-8") == receipt.entries[0].written.read_text(encoding="utf-8")
    dry = intake([box.parent], framework=MOF, out=tmp_path / "dry", jobs=2, write=False)
    assert all(e.data is not None and e.written is None for e in dry.entries)


def _cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "perflib.cli", "intake", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_command_prints_the_receipt_and_exits_by_it(inbox: Path, tmp_path: Path) -> None:
    done = _cli(str(inbox / "water-bureau"), "--framework", MOF, "--out", str(tmp_path / "params"),
                "--receipt", str(tmp_path / "r.xlsx"), "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    refused = [line for line in done.stdout.splitlines() if line.startswith("拒收")]
    assert len(refused) == 1 and "坏表.xlsx" in refused[0] and "自评表!E7（全年预算数）：逗号用法不明确" in refused[0]
    assert done.stdout.splitlines()[0].split() == ["状态", "文件", "部门代码", "年度", "项目", "总分", "等级", "审核发现", "原因或输入文件"]
    assert "收件 3 份" in done.stdout and (tmp_path / "r.xlsx").is_file()
    ok = _cli(str(inbox / "departments"), "--framework", "guangzhou-department-overall", "--out",
              str(tmp_path / "params"), cwd=tmp_path)
    line = ok.stdout.splitlines()[1].split()
    # the file as found under the folder handed in (two departments' forms may share a name)
    assert ok.returncode == 0 and line[1] == str(inbox / "departments" / "baiyun-emergency.xlsx")
    assert line[2:6] == ["baiyun-emergency", "2023", "91.88", "优"]
    usage = _cli(str(inbox), "--framework", "no-such-framework", cwd=tmp_path)
    assert usage.returncode == 2 and "找不到该评价框架" in usage.stderr and "Traceback" not in usage.stderr
    missing = _cli(str(tmp_path / "nowhere"), "--framework", MOF, cwd=tmp_path)
    assert missing.returncode == 2 and "没有这个文件或文件夹" in missing.stderr


def test_a_dask_cluster_reads_as_the_pool_does(tmp_path: Path) -> None:
    box = tmp_path / "收件" / "water-bureau"
    save_xlsx(project_form(), box / "a.xlsx")
    save_xlsx(project_form(project="雨水泵站维护"), box / "b.xlsx")
    (box / "c.xlsx").write_bytes(b"not a workbook")
    receipt = intake([box], framework=MOF, out=tmp_path / "params", scheduler="local", jobs=1)
    assert [e.status for e in receipt.entries] == ["read", "read", "refused"]
    assert receipt.entries[2].refusal.reason.startswith("文件已损坏") and receipt.exit_code == 1
    assert project_file(tmp_path / "params", "water-bureau", 2022, "雨水泵站维护").is_file()


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    save_xlsx(project_form(), tmp_path / "water-bureau" / "a.xlsx")
    done = _cli(str(tmp_path / "water-bureau"), "--framework", MOF, "--scheduler", "tcp://127.0.0.1:9",
                "--out", str(tmp_path / "params"), cwd=tmp_path, env={"PERFLIB_DASK_TIMEOUT": "2"})
    assert done.returncode == 2 and "无法连接 Dask 调度器" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "params").exists()


# ---------------------------------------------------------------------- the scoring layer: method "stated"


def test_an_indicator_scored_as_stated(example_data: dict, write_params) -> None:
    data = example_data
    ind = data["indicators"][1]  # 34 家 against 32 家: 3.29 by the rule
    ind.update(method="stated", self_score=3, self_score_reason="实际完成值无法与指标值比较", actual="若干家")
    ev = evaluate(write_params(data))
    r = ev.scorecard.indicators[1]
    assert (r.method, r.score, r.rule_score, r.completion) == ("stated", D(3), None, None)
    assert r.actual_display == "若干家" and ev.total == D("91.59")
    (f,) = [f for f in ev.findings if f.code == "NOT_RECOMPUTABLE"]
    assert f.level == "warning" and "按表上得分 3.00 分计（分值 3.50 分）：实际完成值无法与指标值比较，规则无法重算。" in f.message
    assert not [f for f in ev.findings if f.subject == r.name and f.code in ("TARGET_MISSED", "MISSED_WITHOUT_ANALYSIS")]
    del ind["self_score"]
    with pytest.raises(Exception, match="self_score"):
        evaluate(write_params(data))


def test_a_department_form_as_people_fill_it_in(tmp_path: Path) -> None:
    """perflib's own form of the worked example, retouched as a department would: other labels, a score typed as
    text, an amount with thousands separators, the year in another place, a blank line in the middle."""
    from openpyxl import load_workbook

    ev = evaluate(EXAMPLE)
    path = tmp_path / "baiyun-emergency.xlsx"
    write_atomic(path, form_workbook(ev))
    wb = load_workbook(path)
    ws = wb.active
    ws["A1"] = "部门整体支出绩效自评表（2023年度）"
    renamed = {"年度指标值": "年初目标值", "实际完成值": "全年实际值", "分值": "权重", "得分": "自评得分",
               "偏差原因分析及改进措施": "偏差原因", "全年预算数": "调整后预算数", "全年执行数": "实际支出"}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value in renamed:
                cell.value = renamed[cell.value]
            elif cell.value == 3.29:
                cell.value = "3.29分"
            elif cell.value == 5448.73:
                cell.value = "5,448.73"
    wb.save(path)
    entry = read_form(path, framework="guangzhou-department-overall")
    assert entry.refusal is None
    assert (str(entry.total), entry.grade, entry.code, entry.year) == ("91.88", "优", "baiyun-emergency", 2023)
    assert entry.data["budget"]["stated"]["adjusted"] == D("5448.73")
    assert not [f for f in entry.findings if f.code in ("SCORE_MISMATCH", "BUDGET_SUM_MISMATCH")]


# issue 25: the execution row of a monthly rule (部门预算资金支出率) with its 实际完成值 blank — the form has no
# monthly spending — is read: its stated score counts, NOT_RECOMPUTABLE names the row and its points.
# (what is blanked, expected total, whether the stated score counts)
EXECUTION_BLANKS = {
    "the rate printed": ((), "91.88", False),
    "its actual blank": (("actual",), "91.88", True),
    "its actual and its score blank": (("actual", "score"), None, False),
}


@pytest.mark.parametrize("case", list(EXECUTION_BLANKS))
def test_a_monthly_execution_row_without_its_rate(case: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    blanked, total, as_stated = EXECUTION_BLANKS[case]
    ev = evaluate(EXAMPLE)
    path = tmp_path / "baiyun-emergency.xlsx"
    write_atomic(path, form_workbook(ev))
    wb = load_workbook(path)
    ws = wb.active
    header = next(row for row in ws.iter_rows() if any(c.value == "实际完成值" for c in row))
    cols = {c.value: c.column for c in header}
    row = next(r[0].row for r in ws.iter_rows(min_row=header[0].row) if any(c.value == "部门预算资金支出率" for c in r))
    for what in blanked:
        ws.cell(row=row, column=cols[{"actual": "实际完成值", "score": "得分"}[what]]).value = None
    if "score" in blanked:  # nor in the funds block
        for r in ws.iter_rows(max_row=header[0].row):
            if any(c.value == "合计" for c in r):
                r[-1].value = None
    wb.save(path)
    entry = read_form(path, framework="guangzhou-department-overall")
    if total is None:  # nothing to count: refused as before, naming what the rule needs
        assert entry.status == "refused" and "execution" in entry.refusal.reason
        return
    assert entry.refusal is None, entry.refusal
    assert str(entry.total) == total
    execution = entry.data["execution"]
    found = [f for f in entry.findings if f.code == "NOT_RECOMPUTABLE" and f.subject == "部门预算资金支出率"]
    if as_stated:
        assert execution["self_score"] == D("4.78") and "执行率" in execution["self_score_reason"]
        (finding,) = found
        assert finding.message.startswith("「部门预算资金支出率」按表上得分 4.78 分计（分值 10.00 分）：")
        assert not [f for f in entry.findings if f.code == "SCORE_MISMATCH"]
        from perflib.present.report import Report, scoring_details

        assert "部门预算资金支出率。总分 10.00 分，按自评得分计 4.78 分" in str(scoring_details(Report(entry.evaluation)))
        form_workbook(entry.evaluation)  # the form is written as well
    else:
        assert "self_score" not in execution and not found


def test_a_form_of_another_framework_is_refused_saying_so(forms: dict[str, Path]) -> None:
    entry = read_form(forms["as the template"], framework="guangzhou-department-overall", code="water-bureau")
    assert entry.status == "refused" and "可能不是该框架的自评表" in entry.refusal.reason
    assert "--framework" in entry.refusal.reason and entry.refusal.sheet == "自评表"


def test_a_management_row_with_other_points_is_refused_at_its_cell(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "baiyun-emergency.xlsx"
    write_atomic(path, form_workbook(evaluate(EXAMPLE)))
    wb = load_workbook(path)
    ws = wb.active
    row = next(r for r in ws.iter_rows() if r[2].value == "预算编制完整性")
    row[5].value = 4
    wb.save(path)
    entry = read_form(path, framework="guangzhou-department-overall")
    assert entry.status == "refused" and entry.refusal.cell == f"F{row[5].row}（分值）"
    assert entry.refusal.reason.startswith("分值与评价框架不一致；应为2")


def test_a_bureaus_own_framework_in_the_params_folder_is_found(tmp_path: Path) -> None:
    out = tmp_path / "params"
    (out / "frameworks").mkdir(parents=True)
    own = (REPO / "perflib" / "data" / "frameworks" / f"{MOF}.yaml").read_text(encoding="utf-8")
    (out / "frameworks" / "bureau-project.yaml").write_text(own.replace(f"id: {MOF}", "id: bureau-project"),
                                                             encoding="utf-8")
    save_xlsx(project_form(), tmp_path / "收件" / "water-bureau" / "a.xlsx")
    receipt = intake(tmp_path / "收件", framework="bureau-project", out=out)
    assert receipt.exit_code == 0 and receipt.entries[0].data["framework"] == "bureau-project"
    assert evaluate(receipt.entries[0].written, frameworks_dir=out / "frameworks").total == D(TOTAL)


def test_the_receipt_workbook_and_a_dry_run(inbox: Path, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    receipt = intake([inbox / "water-bureau"], framework=MOF, out=tmp_path / "params", write=False, jobs=1)
    assert not (tmp_path / "params").exists() and all(e.written is None for e in receipt.entries)
    rows = CalamineWorkbook.from_path(str(receipt.write_xlsx(tmp_path / "收件清单.xlsx"))).get_sheet_by_name(
        "收件清单").to_python()
    assert rows[0] == ["文件", "状态", "部门代码", "年度", "项目", "总分", "等级", "审核发现", "工作表", "单元格", "原因",
                                    "输入文件"]
    assert [r[1] for r in rows[1:]] == ["拒收", "已读取", "已读取"]
    assert rows[1][8:10] == ["自评表", "E7（全年预算数）"] and rows[2][5] == 99.0
    assert "拒收" in repr(receipt.entries[0]) and "99.00 分" in repr(receipt.entries[1])
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "收件清单.xlsx").active  # printed as filed: A4 landscape, one page wide
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.print_title_rows) == ("landscape", 1, "$1:$1")
    assert ws.row_dimensions[2].height >= 30  # the refusal's reason wraps, and its row is as tall as it needs


def test_two_forms_of_one_project_in_one_intake_the_second_is_refused_naming_the_first(tmp_path: Path) -> None:
    """The same form handed in twice (as .xlsx and again under another name): the first in the order handed
    in is written, the second refused naming it — not "already exists and differs" — with no total or grade
    on its line of the receipt (a refused form counts for nothing)."""
    (tmp_path / "in" / "demo-water").mkdir(parents=True)
    form = save_xlsx(project_form(), tmp_path / "in" / "demo-water" / "a.xlsx")
    (tmp_path / "in" / "demo-water" / "b.xlsx").write_bytes(form.read_bytes())
    receipt = intake(tmp_path / "in", framework=MOF, out=tmp_path / "params", jobs=1)
    first, second = receipt.entries
    assert first.written is not None and second.written is None and second.status == "refused"
    assert f"与同批的 {first.path} 是同一部门、年度、项目的自评表" in second.refusal.reason
    row = second.row()
    assert (row["总分"], row["等级"], row["审核发现"]) == (None, "", None)
    text = receipt.text()
    assert str(second.path) in text and "已读取 1 份（其中有审核发现" in text and "拒收 1 份" in text
    assert receipt.exit_code == 1


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_form_that_unpacks_beyond_the_limits_is_refused_before_it_is_read(tmp_path: Path, suffix: str,
                                                                             monkeypatch) -> None:
    """The intake shares the workbooks' limits on what an archive declares unpacked (one check, in
    perflib.workbooks.sheets): a part beyond MAX_PART_BYTES is refused in one line naming it."""
    import zipfile

    import perflib.workbooks.sheets as sheets

    monkeypatch.setattr(sheets, "MAX_PART_BYTES", 1000)
    path = tmp_path / "demo-water" / f"form{suffix}"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml" if suffix == ".xlsx" else "word/document.xml", "0" * 5000)
    entry = read_form(path, framework=MOF)
    assert entry.status == "refused" and "解压后过大（疑为压缩炸弹）" in entry.refusal.reason
    assert "5,000 字节" in entry.refusal.reason
