"""Malformed inputs: each gives the project's error naming the file and the field, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from perflib import InputErrors, evaluate
from perflib.cli import main
from perflib.inputs.params import load_params

from .conftest import dump


def _set(path: str, value: object) -> Callable[[dict], None]:
    """A mutation setting ``a.b[0].c`` to ``value`` (``...`` deletes it)."""

    def mutate(data: dict) -> None:
        keys: list[str | int] = []
        for part in path.replace("]", "").replace("[", ".").split("."):
            keys.append(int(part) if part.isdigit() else part)
        target = data
        for key in keys[:-1]:
            target = target[key]
        if value is ...:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return mutate


def _many(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        for m in mutations:
            m(data)

    return mutate


# (id, mutation, field named in the error, fragment of the message)
CASES = [
    ("missing-code", _set("department.code", ...), "department.code", "缺少必填字段"),
    ("bad-code", _set("department.code", "Baiyun Emergency"), "department.code", "代码格式"),
    ("path-code", _set("department.code", "../../etc"), "department.code", "代码格式"),
    ("year-text", _set("year", "二〇二三"), "year", "整数"),
    ("year-range", _set("year", 1949), "year", "≥ 2000"),
    ("unknown-framework", _set("framework", "no-such-framework"), "framework", "找不到该评价框架"),
    ("amount-text", _set("budget.funds[0].adjusted", "三千"), "budget.funds[0].adjusted", "数值"),
    ("amount-negative", _set("budget.funds[0].spent", -5), "budget.funds[0].spent", "≥ 0"),
    ("no-funds", _set("budget.funds", []), "budget.funds", "至少 1 项"),
    ("duplicate-fund", lambda d: d["budget"]["funds"].append(dict(d["budget"]["funds"][0])), "budget.funds", "重复"),
    ("eleven-months", lambda d: d["execution"]["monthly"]["values"].pop(), "execution.monthly.values", "至少 12 项"),
    ("no-execution-data", _set("execution", {}), "execution", "无法计算「部门预算资金支出率」的执行率"),
    ("bad-basis", _set("execution.monthly.basis", "累计"), "execution.monthly.basis", "cumulative、monthly"),
    ("bad-unit", _set("money_unit", "千元"), "money_unit", "应为以下之一：万元、元，实际为 '千元'"),
    ("rate-text", _set("execution.stated_rate", "约五成"), "execution.stated_rate", "百分比"),
    ("target-unreadable", _set("indicators[0].target", "≥"), "indicators[0].target", "缺少数值"),
    ("target-two-numbers", _set("indicators[2].target", "≥2期3期"), "indicators[2].target", "多个数值"),
    ("unknown-category", _set("indicators[0].category", "产出/速度"), "indicators[0].category", "不在评价框架"),
    ("weights-do-not-add-up", _set("indicators[0].weight", 5), "indicators", "合计须等于 20"),
    ("compound-mismatch", _set("indicators[3].actual", "37 次"), "indicators[3].actual", "项数"),
    ("unit-mismatch", _set("indicators[1].actual", "32%"), "indicators[1].actual", "单位"),
    ("actual-not-numeric", _set("indicators[1].actual", "基本完成"), "indicators[1].actual", "数值形式"),
    ("qualitative-without-tier", _set("indicators[4].tier", ...), "indicators[4].tier", "档次"),
    ("qualitative-without-score", _set("indicators[4].self_score", ...), "indicators[4].self_score", "自评得分"),
    ("unknown-tier", _set("indicators[4].tier", "优秀"), "indicators[4].tier", "未知的定性档次"),
    ("numerator-alone", _set("indicators[14].denominator", ...), "indicators[14]", "同时填写"),
    ("denominator-zero", _set("indicators[14].denominator", 0), "indicators[14]", "不能为 0"),
    ("misspelt-key", lambda d: d["indicators"][0].update(weigth=2), "indicators[0].weigth", "未知字段"),
    ("unknown-method", _set("indicators[0].method", "magic"), "indicators[0].method", "未知的指标计分方法"),
    ("self-score-too-high", _set("indicators[0].self_score", 9), "indicators[0].self_score", "超过"),
    ("missing-management-leaf", lambda d: d["management"].pop(0), "management", "预算编制完整性"),
    ("unknown-management-leaf", _set("management[0].name", "不存在的指标"), "management[0].name", "没有这个管理效率指标"),
    ("management-weight", _set("management[0].weight", 5), "management[0].weight", "分值与评价框架不一致"),
    ("management-group", _set("management[0].group", "运行成本"), "management[0].group", "预算编制"),
    ("stated-grade", _set("stated.grade", "A"), "stated.grade", "未知的等级"),
    ("stated-node", lambda d: d["stated"]["nodes"].update({"不存在": 1}), "stated.nodes.不存在", "没有这个节点"),
    ("money-unit", _set("money_unit", "美元"), "money_unit", "万元"),
    ("functions-type", _set("department.functions", {"a": 1}), "department.functions", "列表"),
    ("deduction-no-reason", _set("management[6].deductions[0].reason", ...), "management[6].deductions[0].reason", "缺少"),
]


@pytest.mark.parametrize(("mutate", "field", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_params(example_data, write_params, mutate, field: str, fragment: str) -> None:
    mutate(example_data)
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    with pytest.raises(InputErrors) as info:
        evaluate(path, strict=True)  # data entry: a form's defects are refused too
    lines = str(info.value).splitlines()
    matching = [line for line in lines if line.startswith(f"{path}: {field}: ")]
    assert matching, lines
    assert any(fragment in line for line in matching), lines


RAW = [
    ("yaml-syntax", "department: {code: x\n", "(文件)", "YAML 格式错误"),
    ("empty", "", "(文件)", "键值对"),
    ("top-level-list", "- a\n- b\n", "(文件)", "键值对"),
    ("duplicate-key", "year: 2023\nyear: 2024\n", "(文件)", "重复"),
    ("alias", "a: &x [1, 2]\nb: *x\n", "(文件)", "别名"),
    ("python-object", "a: !!python/object/apply:os.system ['true']\n", "(文件)", "YAML"),
    ("deep-nesting", "a: " + "[" * 100 + "]" * 100 + "\n", "(文件)", "嵌套"),
    ("huge-nesting", "[" * 500_000, "(文件)", "嵌套"),
    ("block-nesting", "a:\n" + "- " * 200 + "x\n", "(文件)", "嵌套"),
    ("indented-nesting", "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "v\n", "(文件)", "嵌套"),
]


@pytest.mark.parametrize(("text", "field", "fragment"), [c[1:] for c in RAW], ids=[c[0] for c in RAW])
def test_malformed_files(write_params, text: str, field: str, fragment: str) -> None:
    path = write_params(text=text, code="dept", year=2023)
    with pytest.raises(InputErrors) as info:
        evaluate(path)
    line = str(info.value).splitlines()[0]
    assert line.startswith(f"{path}: {field}: ") and fragment in line, line


def test_not_utf8(write_params) -> None:
    path = write_params(text="", code="dept", year=2023)
    path.write_bytes("department: 广州市白云区应急管理局\n".encode("gbk"))
    with pytest.raises(InputErrors, match="UTF-8"):
        evaluate(path)


def test_oversized_file_refused_before_reading(write_params, monkeypatch) -> None:
    from perflib.inputs import yamlio

    monkeypatch.setattr(yamlio, "MAX_BYTES", 1000)
    monkeypatch.setattr(yamlio.read_text, "__kwdefaults__", {"max_bytes": 1000})
    monkeypatch.setattr(yamlio.load_yaml, "__kwdefaults__", {"max_bytes": 1000})
    path = write_params(text="a: " + "x" * 5000 + "\n", code="dept", year=2023)
    with pytest.raises(InputErrors, match="文件过大"):
        evaluate(path)


def test_errors_are_collected_not_just_the_first(example_data, write_params) -> None:
    example_data["indicators"][0]["target"] = "≥"
    example_data["indicators"][1]["actual"] = "32%"
    example_data["stated"]["grade"] = "A"
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    with pytest.raises(InputErrors) as info:
        evaluate(path)
    assert len(info.value.errors) >= 3


def test_errors_carry_line_numbers(example_data, write_params) -> None:
    example_data["budget"]["funds"][0]["adjusted"] = "三千"
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    with pytest.raises(InputErrors) as info:
        evaluate(path)
    error = info.value.errors[0]
    assert error.line is not None
    assert "adjusted" in path.read_text(encoding="utf-8").splitlines()[error.line - 1]


@pytest.mark.parametrize("case", CASES[:8], ids=[c[0] for c in CASES[:8]])
def test_cli_exit_2_one_line_per_problem_no_traceback(example_data, write_params, capsys, case) -> None:
    _, mutate, field, _ = case
    mutate(example_data)
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    for line in out.strip().splitlines():
        file, fld, message = line.split(": ", 2)
        assert file == str(path) and fld and message
    assert main(["score", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.strip().splitlines()[0].startswith(f"{path}: ")


def test_year_and_code_must_match_the_file_name(example_data, write_params) -> None:
    path = write_params(example_data, code="baiyun-emergency", year=2024)
    with pytest.raises(InputErrors, match=r"2024\.yaml: year: 年度与文件名不一致"):
        evaluate(path)
    path = write_params(example_data, code="other-dept", year=2023)
    with pytest.raises(InputErrors, match="department.code: 部门代码与所在目录名不一致"):
        evaluate(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputErrors, match="文件不存在"):
        evaluate(tmp_path / "nope" / "2023.yaml")


def test_small_things_read_as_an_analyst_expects(example_data, write_params, capsys) -> None:
    from perflib import evaluate
    from perflib.cli import main

    example_data["indicators"][2]["actual"] = 2  # unquoted: read as its text "2"
    example_data["indicators"][3]["name"] = example_data["indicators"][4]["name"]
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    ev = evaluate(path)
    assert ev.scorecard.indicators[2].actual.text == "2"
    assert [f.code for f in ev.findings].count("DUPLICATE_INDICATOR") == 1
    example_data["indicators"][2]["actual"] = True  # YAML's yes/no: say to quote it
    example_data["budget"]["funds"][0]["spent"] = -3107.04
    path = write_params(example_data, code="baiyun-emergency", year=2023)
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert "请加引号" in err and "Decimal(" not in err and "-3107.04" in err


def test_a_fund_kind_ending_in_spending_is_not_doubled(example_data, write_params) -> None:
    from perflib import evaluate

    example_data["budget"]["funds"][1]["type"] = "项目支出"
    example_data["budget"]["funds"][1]["spent"] = 2300
    example_data["budget"].pop("stated", None)
    ev = evaluate(write_params(example_data, code="baiyun-emergency", year=2023))
    messages = [f.message for f in ev.findings if f.code == "SPENT_OVER_BUDGET"]
    assert messages and messages[0].startswith("项目支出 2,300.00") and "支出支出" not in messages[0]


# A number in YAML is read as the digits written: a leading zero is a typing slip (03107 is 3107), and
# YAML 1.1's other number forms — hexadecimal, octal, base 60, underscores — and a decimal comma are
# refused, never converted to some other value.
WRITTEN = [
    ("leading-zero", "03107", Decimal("3107")),
    ("thousands", "'3,107.04'", Decimal("3107.04")),
    ("full-width", "'３１０７．０４'", Decimal("3107.04")),
    ("plain", "3107.04", Decimal("3107.04")),
    ("hexadecimal", "0x1F", "数值"),
    ("octal", "0o17", "数值"),
    ("base-60", "52:48", "数值"),
    ("underscores", "3_107", "数值"),
    ("decimal-comma", "'3107,04'", "逗号用法不明确"),
    ("continental", "'3.107,04'", "逗号用法不明确"),
]


@pytest.mark.parametrize(("written", "expected"), [c[1:] for c in WRITTEN], ids=[c[0] for c in WRITTEN])
def test_numbers_are_read_as_written(example_data, write_params, written: str, expected) -> None:
    example_data["budget"]["funds"][0]["adjusted"] = 987654.125  # a sentinel replaced by the text under test
    text = dump(example_data)
    assert text.count("987654.125") == 1
    path = write_params(text=text.replace("987654.125", written), code="baiyun-emergency", year=2023)
    if isinstance(expected, Decimal):
        params, _lines = load_params(path)
        assert params.budget.funds[0].adjusted == expected
        return
    with pytest.raises(InputErrors) as info:
        evaluate(path)
    line = next(line for line in str(info.value).splitlines() if "budget.funds[0].adjusted" in line)
    assert expected in line and written.strip("'") in line, line
