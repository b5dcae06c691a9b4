"""Excel in and out: template, round trip, malformed workbooks, the summary workbook."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perflib import InputErrors, evaluate, evaluate_params
from perflib.batch.outputs import Entry
from perflib.batch.summary import summary_csv, summary_workbook
from perflib.cli import main
from perflib.demo import generate
from perflib.evaluation import load
from perflib.workbooks.year_form import SHEETS, export_workbook, read_workbook, template_workbook

from .conftest import EXAMPLE, FRAMEWORKS, REPO


@pytest.fixture(scope="module")
def loaded():
    return load(EXAMPLE)


@pytest.fixture
def exported(tmp_path: Path, loaded) -> Path:
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(export_workbook(loaded.params, framework=loaded.framework, frameworks_dir=FRAMEWORKS))
    return path


def test_template(tmp_path: Path, loaded) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_workbook(framework=loaded.framework, frameworks_dir=FRAMEWORKS))
    wb = load_workbook(path)
    assert wb.sheetnames[:12] == ["说明", "基本信息", "预算", "按支出类型", "预算明细", "月度支出", "绩效指标", "管理效率",
                                  "共性指标", "重点项目", "文字说明", "报告所述得分"]
    for name, columns in SHEETS.items():
        assert [c.value for c in wb[name][1]][: len(columns)] == [c.header for c in columns]
        assert wb[name].freeze_panes == "A2"
    management = wb["管理效率"]
    leaves = [row[1].value for row in management.iter_rows(min_row=2) if row[1].value]
    assert len(leaves) == 22 and "财务管理合规性" in leaves
    validations = {next(iter(dv.sqref.ranges)).coord[0] for dv in wb["绩效指标"].data_validations.dataValidation}
    assert {"A", "I", "J"} <= validations  # 指标类别, 计分方法, 定性档次
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    assert "产出/数量" in [c.value for c in options["E"]]


def test_round_trip_scores_identically(exported: Path, loaded) -> None:
    params = read_workbook(exported, frameworks_dir=FRAMEWORKS)
    before, after = loaded.params.model_dump(), params.model_dump()
    for leaf in after["management"]:  # the template shows each leaf's points; the original left them implicit
        leaf["weight"] = None
    assert after == before
    ev = evaluate_params(params, loaded.framework)
    assert (str(ev.total), ev.grade) == ("91.88", "优")
    assert [(n.name, n.score) for n in ev.scorecard.walk()] == [(n.name, n.score) for n in evaluate(EXAMPLE).scorecard.walk()]


def test_cli_round_trip(tmp_path: Path, exported: Path, capsys) -> None:
    out = tmp_path / "params"
    shutil.copytree(FRAMEWORKS, out / "frameworks")
    assert main(["excel-import", str(exported), "--out", str(out), "--frameworks", str(FRAMEWORKS)]) == 0
    written = out / "baiyun-emergency" / "2023.yaml"
    assert written.exists() and "由 perflib excel-import" in written.read_text(encoding="utf-8")
    assert main(["validate", str(out)]) == 0
    assert str(evaluate(written).total) == "91.88"
    again = tmp_path / "again.xlsx"
    assert main(["excel-export", str(written), str(again)]) == 0
    assert main(["excel-template", str(tmp_path / "t.xlsx"), "--framework", "guangzhou-department-overall",
                 "--frameworks", str(FRAMEWORKS)]) == 0
    assert main(["excel-template", str(tmp_path / "t.txt")]) == 2
    capsys.readouterr()


def _mutate(path: Path, change) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


MALFORMED = [
    ("missing-sheet", lambda wb: wb.remove(wb["预算"]), "预算!", "缺少工作表「预算」"),
    ("wrong-header", lambda wb: wb["绩效指标"].cell(row=1, column=3, value="目标"), "绩效指标!C1（表头）", "「指标值」"),
    ("text-in-amount", lambda wb: wb["预算"].cell(row=2, column=3, value="三千一百多"), "预算!C2（调整后预算）", "数值"),
    ("decimal-comma", lambda wb: wb["预算"].cell(row=2, column=3, value="3168,02"), "预算!C2（调整后预算）", "逗号用法不明确"),
    ("decimal-comma-percent", lambda wb: wb["重点项目"].cell(row=2, column=4, value="95,5%"),
     "重点项目!D2（预算执行率（报告所述））", "逗号用法不明确"),
    ("decimal-comma-target", lambda wb: wb["绩效指标"].cell(row=4, column=3, value="≥95,5%"), "绩效指标!C4（指标值）",
     "逗号用法不明确"),
    ("merged-cells", lambda wb: wb["绩效指标"].merge_cells("A3:B3"), "绩效指标!A3:B3（合并单元格）", "合并单元格"),
    ("merged-basic", lambda wb: wb["基本信息"].merge_cells("B3:B4"), "基本信息!B3:B4（合并单元格）", "合并单元格"),
    ("merged-facts", lambda wb: wb["预算明细"].merge_cells("A2:B2"), "预算明细!A2:B2（合并单元格）", "合并单元格"),
    ("empty-row", lambda wb: wb["绩效指标"].insert_rows(5), "绩效指标!A5（空行）", "空行"),
    ("bad-percent", lambda wb: wb["重点项目"].cell(row=2, column=4, value="约百分之百"), "重点项目!D2（预算执行率（报告所述））", "百分比"),
    ("missing-code", lambda wb: setattr(wb["基本信息"]["B2"], "value", None), "基本信息!B2（部门代码）", "必填"),
    ("unknown-category", lambda wb: wb["绩效指标"].cell(row=2, column=1, value="产出/速度"), "绩效指标!A2（指标类别）", "不在评价框架"),
    ("bad-target", lambda wb: wb["绩效指标"].cell(row=4, column=3, value="≥"), "绩效指标!C4（指标值）", "缺少数值"),
    ("both-monthly-columns", lambda wb: wb["月度支出"].cell(row=2, column=3, value=1), "月度支出!B2", "只能填写一列"),
    ("weights", lambda wb: wb["绩效指标"].cell(row=2, column=8, value=9), "绩效指标", "合计须等于 20"),
]


@pytest.mark.parametrize(("change", "where", "fragment"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_workbook_names_the_place_and_writes_nothing(tmp_path: Path, exported: Path, change, where: str,
                                                              fragment: str, capsys) -> None:
    _mutate(exported, change)
    with pytest.raises(InputErrors) as info:
        read_workbook(exported, frameworks_dir=FRAMEWORKS, strict=True)
    lines = str(info.value).splitlines()
    assert any(line.startswith(f"{exported}: {where}") and fragment in line for line in lines), lines
    out = tmp_path / "out"
    assert main(["excel-import", str(exported), "--out", str(out), "--frameworks", str(FRAMEWORKS), "--strict"]) == 2
    assert not out.exists()
    assert "Traceback" not in capsys.readouterr().err


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputErrors, match="不是可读取的 Excel 工作簿"):
        read_workbook(path, frameworks_dir=FRAMEWORKS)


def test_percent_and_numbers_typed_in_excel(tmp_path: Path, exported: Path, loaded) -> None:
    """A target typed as 100% becomes the number 1 formatted as a percentage: it reads back as '100%'."""
    def change(wb):
        cell = wb["绩效指标"].cell(row=11, column=4, value=1)  # indicator ⑩ actual, typed as 100%
        cell.number_format = "0%"
        wb["基本信息"].cell(row=10, column=2, value="47.78%")  # a percentage typed as text
    _mutate(exported, change)
    params = read_workbook(exported, frameworks_dir=FRAMEWORKS)
    assert params.indicators[9].actual == "100%"
    assert str(params.execution.stated_rate) == "47.78"


def test_summary_workbook_matches_csv(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    generate(demo, frameworks_dir=FRAMEWORKS)
    entries = [Entry(p.parent.name, int(p.stem), "ok", summary=evaluate(p).to_dict(), has_report=True)
               for p in sorted(demo.glob("demo-[a-e]*/[0-9][0-9][0-9][0-9].yaml"))]
    entries.append(Entry("broken", 2023, "failed", error="x", error_kind="input"))
    rows = list(csv.reader(io.StringIO(summary_csv(entries).lstrip("\ufeff"))))
    path = tmp_path / "summary.xlsx"
    path.write_bytes(summary_workbook(entries))
    wb = load_workbook(path)
    assert wb.sheetnames == ["全部年度", "2022年", "2023年", "2024年"]
    sheet = wb["全部年度"]
    header = [c.value for c in sheet[1]]
    assert header == rows[0]
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref.startswith("A1:")
    percent = {i for i, h in enumerate(header) if h.endswith("（%）")}
    for csv_row, xl_row in zip(rows[1:], sheet.iter_rows(min_row=2, values_only=True)):
        for i, (a, b) in enumerate(zip(csv_row, xl_row)):
            if a == "":
                assert b is None or b == "", (header[i], a, b)
            elif isinstance(b, (int, float)):
                assert f"{b * 100 if i in percent else b:.2f}" == f"{float(a):.2f}", (header[i], a, b)
            else:
                assert str(b) == a, (header[i], a, b)
    assert sum(1 for _ in wb["2023年"].iter_rows(min_row=2)) == len([e for e in entries if e.year == 2023])
    grade, rate = header.index("等级"), header.index("年度预算执行率（%）")
    graded = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=grade + 1).value)
    assert sheet.cell(row=graded, column=grade + 1).fill.fgColor.rgb.endswith(("C6EFCE", "DDEBF7", "FFF2CC", "F8CBAD"))
    assert sheet.cell(row=graded, column=rate + 1).number_format == "0.00%"



# the two examples on the common framework's rows: budget facts, expenditure kinds, printed standard rows
FORM_EXAMPLES = [REPO / "docs" / "examples" / "demo-mof-finance" / "2024.yaml",
                 REPO / "docs" / "examples" / "cq-kxc-media" / "2021.yaml"]


@pytest.mark.parametrize("path", FORM_EXAMPLES, ids=lambda p: p.parent.name)
def test_the_standard_rows_and_budget_facts_round_trip(tmp_path: Path, path: Path) -> None:
    original = evaluate(path)
    xlsx = tmp_path / "form.xlsx"
    xlsx.write_bytes(export_workbook(original.params, framework=original.framework, frameworks_dir=FRAMEWORKS))
    params = read_workbook(xlsx, frameworks_dir=FRAMEWORKS)
    before = original.params.model_dump()
    after = params.model_dump()
    for leaf in after["management"]:
        leaf["weight"] = None
    before["standard"] = {k: v for k, v in before["standard"].items() if v["target"] or v["value"] is not None}
    for side in (before, after):  # the workbook lists the judged rows in framework order
        side["management"].sort(key=lambda leaf: leaf["name"])
    assert after == before  # a row blank on the form is no row
    ev = evaluate_params(params, original.framework)
    assert [(n.name, n.score) for n in ev.scorecard.walk()] == [(n.name, n.score) for n in original.scorecard.walk()]


def test_the_template_lists_the_frameworks_standard_rows(tmp_path: Path) -> None:
    from perflib.scoring.frameworks import load_framework

    fw = load_framework(FRAMEWORKS / "chongqing-department-overall.yaml")
    wb = load_workbook(io.BytesIO(template_workbook(framework=fw, frameworks_dir=FRAMEWORKS)))
    rows = [[c.value for c in row] for row in wb["共性指标"].iter_rows(min_row=2) if row[0].value]
    assert [r[0] for r in rows][:2] == ["财政供养人员控制率", "“三公”经费变动率"] and len(rows) == 9
    assert rows[0][1] == "实有在职人数 ÷ 编制数 × 100%" and rows[0][2] == "部门自定"
    assert [c.value for c in wb["按支出类型"]["A"]][1:3] == ["基本支出", "项目支出"]
    labels = [c.value for c in wb["预算明细"]["A"]][1:]
    assert "上年“三公”经费实际支出" in labels and "编制数" in labels


def test_a_workbook_from_an_older_template_still_imports(tmp_path: Path, exported: Path) -> None:
    wb = load_workbook(exported)
    for name in ("按支出类型", "预算明细", "共性指标"):
        del wb[name]
    wb["管理效率"].delete_cols(8, 2)  # nor the printed 年初指标值 / 完成值 of the judged rows
    wb.save(exported)
    assert str(evaluate_params(read_workbook(exported, frameworks_dir=FRAMEWORKS),
                               load_framework_for(exported)).total) == "91.88"


def load_framework_for(path: Path):
    from perflib.scoring.frameworks import load_framework

    return load_framework(FRAMEWORKS / "guangzhou-department-overall.yaml")


@pytest.mark.parametrize(("raw", "fmt", "message"), [
    (0.03, "0%", None),                     # a percent cell: 3 %
    ("3%", "@", None),                      # the percent sign typed
    (0, "General", None),                   # 0 is 0 either way
    (0.1, "General", "共性指标!D5（目标值（表上所列））: 请写成百分数（带 %）"),   # 10 % or 0.1 %?
    ("0.1", "@", "如 0.1% 或 10%"),
])
def test_a_printed_rate_must_say_it_is_a_percent(tmp_path: Path, raw, fmt: str, message: str | None) -> None:
    src = evaluate(FORM_EXAMPLES[1])
    xlsx = tmp_path / "form.xlsx"
    xlsx.write_bytes(export_workbook(src.params, framework=src.framework, frameworks_dir=FRAMEWORKS))
    wb = load_workbook(xlsx)
    cell = wb["共性指标"]["D5"]  # 预算调整率's 目标值
    assert wb["共性指标"]["A5"].value == "预算调整率"
    cell.value, cell.number_format = raw, fmt
    wb.save(xlsx)
    if message is None:
        params = read_workbook(xlsx, frameworks_dir=FRAMEWORKS)
        assert params.standard["预算调整率"].target in ("3%", "0")
    else:
        with pytest.raises(InputErrors, match=re.escape(message)):
            read_workbook(xlsx, frameworks_dir=FRAMEWORKS)


def test_a_text_beginning_with_equals_stays_text(tmp_path: Path, example_data, write_params) -> None:
    """openpyxl stores "=100%" as a formula: Excel would compute it and the import read a blank."""
    example_data["indicators"][7]["target"] = "=100%"
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    xlsx = tmp_path / "x.xlsx"
    xlsx.write_bytes(export_workbook(ev.params, framework=ev.framework, frameworks_dir=FRAMEWORKS))
    cell = next(c for row in load_workbook(xlsx)["绩效指标"].iter_rows() for c in row if c.value == "=100%")
    assert cell.data_type == "s"
    assert read_workbook(xlsx, frameworks_dir=FRAMEWORKS).indicators[7].target == "=100%"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda ws: ws.cell(row=5, column=1, value="不存在的行"), "共性指标!A5（指标名称）: 评价框架中没有这个按标准公式计算的指标"),
    (lambda ws: [ws.cell(row=12, column=c, value=v) for c, v in ((1, "预算完成率"), (5, "80%"))],
     "共性指标!A12（指标名称）: 与 A4 重复"),
    (lambda ws: ws.cell(row=5, column=4, value="高"), "应为如 3%、≤5%、≥95%"),
])
def test_a_bad_standard_row_names_its_cell(tmp_path: Path, edit, message: str) -> None:
    src = evaluate(FORM_EXAMPLES[1])
    xlsx = tmp_path / "form.xlsx"
    xlsx.write_bytes(export_workbook(src.params, framework=src.framework, frameworks_dir=FRAMEWORKS))
    wb = load_workbook(xlsx)
    edit(wb["共性指标"])
    wb.save(xlsx)
    with pytest.raises(InputErrors, match=re.escape(message)):
        read_workbook(xlsx, frameworks_dir=FRAMEWORKS)


def test_rectification_round_trips(tmp_path: Path, loaded) -> None:
    said = ["上年指出的预算执行进度偏慢问题，已建立月度调度机制，全年执行率提高。", "绩效目标设置问题已整改。"]
    params = loaded.params.model_copy(update={
        "narrative": loaded.params.narrative.model_copy(update={"rectification": said})})
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(export_workbook(params, framework=loaded.framework, frameworks_dir=FRAMEWORKS))
    rows = [[c.value for c in row] for row in load_workbook(path)["文字说明"].iter_rows(min_row=2)]
    assert [text for category, text, *_ in rows if category == "上年问题整改情况"] == said
    assert read_workbook(path, frameworks_dir=FRAMEWORKS).narrative.rectification == said
