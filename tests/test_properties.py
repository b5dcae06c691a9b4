"""Property-based tests: whatever the input, parser and loader raise nothing but perflib's errors."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perflib import InputErrors, PerflibError, evaluate
from perflib.scoring.targets import BETWEEN, OP_SYMBOLS, normalize, parse

from .conftest import EXAMPLE, FRAMEWORKS

PIECES = [
    "≥", "≤", ">", "<", "=", "＞", "不低于", "不超过", "达到", "以上", "以下", "以内", "%", "‰", "次", "台", "万元",
    "人次", "、", "，", "；", "（", "）", "(", ")", "《", "》", "-", "~", "至", "年", "月", "底前", "约", "共计", "/",
    "*", "100%", "不发生", "稳定", ".", "0", "1", "26", "13.5", "2023", " ", "\n", "$\\geq", "\\%$", "万", "亿",
]
target_text = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.text(max_size=40),
)


@settings(max_examples=600, deadline=None)
@given(target_text)
def test_parse_raises_only_target_error(text: str) -> None:
    try:
        parsed = parse(text)
    except PerflibError:
        return
    digits = re.findall(r"\d+", normalize(text))
    assert len(parsed.parts) <= len(digits)  # every part was read from a number written in the text
    for part in parsed.parts:
        assert isinstance(part.value, Decimal) and part.value.is_finite()
        assert part.op in OP_SYMBOLS
        if part.value == 0:  # never a silent zero: a zero is read only from a written 0
            assert any(set(d) == {"0"} for d in digits), (text, part)
        if part.op == BETWEEN:
            assert part.upper is not None and part.upper.is_finite() and part.value <= part.upper


yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["≥26 次", "100%", "abc", "", "-1", "1e400", "2023-01-01"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=20,
)


def _example() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


EXAMPLE_DATA = _example()
EXAMPLE_PATHS = _paths(EXAMPLE_DATA)


def _tree(tmp: Path) -> Path:
    root = tmp / "params"
    if not (root / "frameworks").exists():
        (root / "frameworks").mkdir(parents=True)
        for f in FRAMEWORKS.glob("*.yaml"):
            (root / "frameworks" / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "baiyun-emergency").mkdir(exist_ok=True)
    return root / "baiyun-emergency" / "2023.yaml"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(EXAMPLE_PATHS), yaml_values)
def test_loader_raises_only_input_errors_on_any_field_value(tmp_path: Path, field: tuple, value: object) -> None:
    data = copy.deepcopy(EXAMPLE_DATA)
    target = data
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    path = _tree(tmp_path)
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    path.write_text(text, encoding="utf-8")
    _evaluates_or_names_the_problem(path)


def _evaluates_or_names_the_problem(path: Path) -> None:
    """Either a coherent evaluation, or errors that name the file and a field: never anything else."""
    try:
        ev = evaluate(path)
    except InputErrors as exc:
        assert exc.errors
        for error in exc.errors:
            assert str(error).startswith(f"{path}: ") and error.field and error.message, str(error)
        return
    except PerflibError as exc:
        assert str(exc).strip()
        return
    assert ev.total == sum((n.score for n in ev.scorecard.nodes), Decimal(0))
    assert 0 <= ev.total <= ev.framework.total
    assert ev.grade == ev.framework.grade(ev.total)
    for node in ev.scorecard.walk():
        assert 0 <= node.score <= node.max or node.rule_score is not None, node


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300), yaml_values.map(lambda v: yaml.safe_dump(v, allow_unicode=True))))
def test_loader_raises_only_input_errors_on_any_text(tmp_path: Path, text: str) -> None:
    path = _tree(tmp_path)
    path.write_bytes(text.encode("utf-8", errors="replace"))
    _evaluates_or_names_the_problem(path)


def _numeric_paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every field of the example holding a number (or a percent written as text)."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _numeric_paths(v, prefix + (k,))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _numeric_paths(v, prefix + (i,))]
    if isinstance(node, bool):
        return []
    if isinstance(node, (int, float)) or (isinstance(node, str) and re.fullmatch(r"-?[\d.]+%", node)):
        return [prefix]
    return []


NUMERIC_PATHS = _numeric_paths(EXAMPLE_DATA)
EXTREMES = st.one_of(
    st.sampled_from(["1e26", "1e999999999", "1e-999999999", "-1e26", "5" * 5000, ".nan", ".inf", "-.inf", "-0",
                     "-0.0", "0.1234567", "1e15", "1000000000000000", "1000000000000001", "0.000001", "1e-7",
                     "123456789012345678901234567890.5", "'1e400%'", "'NaN'", "'-0%'", "0x1F", "1_000"]),
    st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: format(d, "f") if abs(d.adjusted()) < 50 else str(d)),
    st.integers(min_value=-10**40, max_value=10**40).map(str),
)


def test_the_example_has_numeric_fields_to_drive() -> None:
    assert len(NUMERIC_PATHS) > 40
    assert ("budget", "funds", 0, "spent") in NUMERIC_PATHS and ("execution", "stated_rate") in NUMERIC_PATHS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(NUMERIC_PATHS), EXTREMES)
def test_any_number_in_any_numeric_field_gives_a_result_or_one_line_per_problem(
        tmp_path: Path, capsys, field: tuple, raw: str) -> None:
    """Huge, tiny, many-digit, NaN, infinite and negative-zero numbers: exit 0, or exit 2 with lines naming the
    file and field — never a traceback."""
    from perflib.cli import main

    data = copy.deepcopy(EXAMPLE_DATA)
    target = data
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = "__VALUE__"
    path = _tree(tmp_path)
    path.write_text(yaml.safe_dump(data, allow_unicode=True).replace("'__VALUE__'", raw), encoding="utf-8")
    code = main(["score", str(path), "--json"])
    out, err = capsys.readouterr()
    _one_line_per_problem_or_a_result(path, code, out, err)


# The two documented examples on the common framework's rows: the standard section (printed rates and
# department targets), the budget facts the standard indicators read, and the stated row scores.
FORM_EXAMPLES = {
    name: yaml.safe_load((Path(__file__).parent.parent / "docs" / "examples" / name / f"{year}.yaml")
                         .read_text(encoding="utf-8"))
    for name, year in (("cq-kxc-media", 2021), ("demo-mof-finance", 2024))
}
FORM_PATHS = [(name, p) for name, data in FORM_EXAMPLES.items() for p in _numeric_paths(data)]


def test_the_form_examples_have_standard_fields_to_drive() -> None:
    assert ("cq-kxc-media", ("standard", "政府采购执行率", "value")) in FORM_PATHS
    assert ("cq-kxc-media", ("standard", "预算调整率", "target")) in FORM_PATHS
    assert ("demo-mof-finance", ("budget", "staffing", "actual")) in FORM_PATHS


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FORM_PATHS), EXTREMES)
def test_any_number_in_a_form_examples_field_gives_a_result_or_one_line_per_problem(
        tmp_path: Path, capsys, where: tuple, raw: str) -> None:
    from perflib.cli import main

    name, field = where
    data = copy.deepcopy(FORM_EXAMPLES[name])
    target = data
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = "__VALUE__"
    folder = tmp_path / "params" / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{data['year']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True).replace("'__VALUE__'", raw), encoding="utf-8")
    code = main(["score", str(path), "--json"])
    out, err = capsys.readouterr()
    _one_line_per_problem_or_a_result(path, code, out, err)


def _one_line_per_problem_or_a_result(path: Path, code: int, out: str, err: str) -> None:
    """Exit 2: every line names the file and a field ("<file>: <field>: …"), no reprs; exit 0: a score."""
    assert code in (0, 2), err
    if code == 2:
        lines = [line for line in err.strip().splitlines() if line.startswith(f"{path}: ")]
        assert lines and len(lines) == len(err.strip().splitlines()), err
        for line in lines:
            field = line[len(f"{path}: "):].split(": ", 1)[0]
            assert field and field != "(文件)" and " " not in field, line
        assert "Decimal(" not in err and "Traceback" not in err and "None" not in err
    else:
        result = __import__("json").loads(out)
        assert 0 <= result["total"] <= result["max"]


TEXT_PATHS = [p for p in _paths(EXAMPLE_DATA) if p[0] == "indicators" and p[-1] in ("target", "actual")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(TEXT_PATHS), EXTREMES, st.sampled_from(["≥{}次", "{}%", "≤{}‰", "{}～100%", "共计{}人"]))
def test_any_number_written_in_a_target_or_actual_gives_a_result_or_one_line_per_problem(
        tmp_path: Path, capsys, field: tuple, raw: str, form: str) -> None:
    from perflib.cli import main

    data = copy.deepcopy(EXAMPLE_DATA)
    target = data
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = form.format(raw.strip("'"))
    path = _tree(tmp_path)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code = main(["score", str(path), "--json"])
    out, err = capsys.readouterr()
    _one_line_per_problem_or_a_result(path, code, out, err)
