"""The toolkit of perflib's fill-in workbooks: writing sheets people fill in, and reading them back.

Writing: :class:`Column` (header, key, kind, width), :func:`header`, :func:`format_column`,
:func:`options_sheet` and :func:`dropdown`. Reading: :func:`open_filled` opens a filled workbook for its
values; a :class:`Reader` turns cells into Python values and collects every problem as an
:class:`~perflib.errors.InputError` naming sheet, cell and column ("预算!C2（调整后预算）"); a params file's
error is re-addressed to the cell it came from by :func:`relocate`. :func:`yaml_text` writes what was read
as YAML, numbers as the digits they are.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from ..errors import InputError, InputErrors, format_field
from ..files import regular_file_within
from ..inputs.validation import input_errors
from ..numbers import AmbiguousNumber, number_text
from ..present.xlsx import AMOUNT_FORMAT, HEADER_FILL, PERCENT_FORMAT, TEXT_FORMAT, THIN


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text, amount, percent, int, number, written (a target or actual as written)
    width: int = 14
    note: str = ""
    optional: bool = False  # added after the first templates: an older workbook without it still reads


# ---------------------------------------------------------------------- writing


def header(ws: Worksheet, columns: Sequence[Column]) -> None:
    """Row 1: the columns' headers, bold on grey, bordered, the columns' widths; the row frozen."""
    for i, col in enumerate(columns, 1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"


def format_column(ws: Worksheet, index: int, kind: str, rows: int = 500) -> None:
    """The number format of a column's data cells by its kind (amounts, percentages, text as text)."""
    fmt = {"amount": AMOUNT_FORMAT, "percent": PERCENT_FORMAT, "written": TEXT_FORMAT, "text": TEXT_FORMAT}.get(kind)
    if fmt is None:
        return
    for row in range(2, rows + 2):
        ws.cell(row=row, column=index).number_format = fmt


def options_sheet(wb: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """A hidden sheet of drop-down choices; returns name → range formula."""
    ws = wb.create_sheet("选项")
    ws.sheet_state = "hidden"
    refs = {}
    for i, (name, values) in enumerate(lists.items(), 1):
        ws.cell(row=1, column=i, value=name)
        for j, value in enumerate(values, 2):
            ws.cell(row=j, column=i, value=value)
        letter = get_column_letter(i)
        refs[name] = f"='选项'!${letter}$2:${letter}${max(len(values) + 1, 2)}"
    return refs


def dropdown(ws: Worksheet, formula: str, column: int, *, strict: bool = True, rows: int = 500) -> None:
    """A drop-down list (``formula``, from :func:`options_sheet`) on a column's data cells; ``strict``
    refuses a value not in the list."""
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=strict,
                        errorTitle="取值不在列表中", error="请从下拉列表中选择")
    ws.add_data_validation(dv)
    letter = get_column_letter(column)
    dv.add(f"{letter}2:{letter}{rows + 1}")


# ---------------------------------------------------------------------- reading


#: What a filled-in workbook may be. A form a department fills in is some tens of kilobytes: these are guards
#: against a file made to exhaust the machine (a zip bomb, millions of cells, a cell at row 1,048,576),
#: each refused in one line naming it. perflib/workbooks/sheets.py holds them, to raise for a real need.
MAX_FILE_BYTES = 20_000_000  # the .xlsx itself
MAX_PART_BYTES = 50_000_000  # any one part of it, unpacked (a sheet, the shared strings)
MAX_UNPACKED_BYTES = 100_000_000  # all its parts, unpacked
MAX_ROWS = 20_000  # rows of one sheet
MAX_CELLS = 500_000  # cells of the whole workbook


def open_filled(path: Path):  # an openpyxl Workbook
    """A filled-in workbook opened for its values; :class:`InputErrors` naming the file when it is missing,
    not an .xlsx workbook, or beyond one of the limits above (checked before it is opened)."""
    path = Path(path)
    try:
        _within_limits(path)
    except InputError as exc:
        raise InputErrors([exc]) from None
    try:
        return load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise InputErrors([InputError(path, "(文件)", "文件不存在")]) from None
    except Exception as exc:  # noqa: BLE001 - zipfile, XML and openpyxl errors alike
        suffix = Path(path).suffix.lower()
        why = (f"扩展名为 {suffix or '（无）'}，请在 Excel 中另存为 .xlsx 工作簿" if suffix != ".xlsx"
               else f"文件已损坏或不是 Excel 保存的工作簿（{type(exc).__name__}）")
        raise InputErrors([InputError(path, "(文件)", f"不是可读取的 Excel 工作簿（.xlsx）：{why}")]) from None


def unpacked_within_limits(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive (.xlsx, .ods, .docx) whose parts declare more unpacked than :data:`MAX_PART_BYTES`
    each or :data:`MAX_UNPACKED_BYTES` in all (a zip never yields more than it declares)."""
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise InputError(path, f"(文件内 {part.filename})", "解压后过大（疑为压缩炸弹）",
                             expected=f"不超过 {MAX_PART_BYTES:,} 字节", found=f"{part.file_size:,} 字节")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(path, "(文件)", "解压后过大（疑为压缩炸弹）", expected=f"不超过 {MAX_UNPACKED_BYTES:,} 字节",
                         found=f"{unpacked:,} 字节")


def _within_limits(path: Path) -> None:
    """Refuse a workbook beyond :data:`MAX_FILE_BYTES` … :data:`MAX_CELLS` before openpyxl reads it: the file
    is a regular file of bounded size; the sizes its parts declare unpacked are bounded (a zip never yields
    more than it declares); each sheet is streamed, never loaded, to count its rows and cells."""
    regular_file_within(path, MAX_FILE_BYTES, too_large="工作簿过大")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: openpyxl's error says so
    with archive:
        unpacked_within_limits(path, archive.infolist())
        cells = 0
        for name, part in _sheet_parts(archive).items():
            cells = _count(archive, part, path, name, cells)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name → its part (``xl/worksheets/sheet1.xml``), from the workbook's own listing; parts
    the listing does not name are counted under their part name."""
    from lxml import etree

    names: dict[str, str] = {}
    try:
        book = etree.fromstring(archive.read("xl/workbook.xml"))
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        for sheet in book.iter("{*}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "").lstrip("/")
            names[sheet.get("name", "?")] = target if target.startswith("xl/") else f"xl/{target}"
    except (KeyError, etree.XMLSyntaxError, ValueError):
        pass
    listed = set(names.values())
    for part in archive.namelist():
        if part.startswith("xl/worksheets/") and part.endswith(".xml") and part not in listed:
            names[part] = part
    return names


def _count(archive: zipfile.ZipFile, part: str, path: Path, sheet: str, cells: int) -> int:
    """Stream one sheet: refuse a row beyond :data:`MAX_ROWS` or cells beyond :data:`MAX_CELLS` (counted on
    from ``cells``); the cells counted so far."""
    from lxml import etree

    try:
        stream = archive.open(part)
    except KeyError:
        return cells
    with stream:
        try:
            for _, row in etree.iterparse(stream, events=("end",), tag="{*}row", huge_tree=False):
                number = row.get("r")
                if number is not None and number.isdigit() and int(number) > MAX_ROWS:
                    raise InputError(path, f"{sheet}!A{number}", "行数超出上限", expected=f"不超过 {MAX_ROWS:,} 行",
                                     found=f"第 {int(number):,} 行有内容")
                cells += len(row)
                if cells > MAX_CELLS:
                    raise InputError(path, f"{sheet}（工作表）", "单元格过多", expected=f"全部工作表合计不超过 {MAX_CELLS:,} 个")
                row.clear()
        except etree.XMLSyntaxError:
            return cells  # openpyxl's own error says the file is broken
    return cells


def blank(value: object) -> bool:
    """An empty cell: nothing, or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Reader:
    """Reads cells into Python values, collecting errors that name sheet, cell and column.

    ``sheets`` names, for an error :func:`relocate` cannot trace to a cell, the sheet of each top-level
    field ("indicators" → "绩效指标"), ``default`` the sheet of the rest; ``template`` is the command that
    makes the workbook, for the message about a missing sheet.
    """

    file: str
    sheets: dict[str, str] = field(default_factory=dict)
    default: str = "基本信息"
    template: str = "perflib excel-template"
    errors: list[InputError] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # formatted field path → "sheet!A1（header）"

    def error(self, where: str, message: str, *, expected: str | None = None, found: object = None) -> None:
        self.errors.append(InputError(self.file, where, message, expected=expected, found=found))

    @staticmethod
    def where(ws: Worksheet, cell, header: str) -> str:
        return f"{ws.title}!{cell.coordinate}（{header}）"

    def value(self, ws: Worksheet, cell, header: str, kind: str, field: tuple) -> Any:
        """The cell as ``kind`` (text, written, bool, int, percent, amount, number); None when blank or
        unreadable (then the error is recorded, naming the cell)."""
        where = self.where(ws, cell, header)
        self.cells[format_field(field)] = where
        raw = cell.value
        if blank(raw):
            return None
        is_percent_cell = "%" in (cell.number_format or "")
        try:
            if kind in ("text", "written"):
                if isinstance(raw, bool):
                    return "是" if raw else "否"
                if isinstance(raw, (int, float)):
                    number = Decimal(repr(raw)) * (100 if is_percent_cell else 1)
                    text = format(number.normalize(), "f")
                    return text + ("%" if is_percent_cell else "")
                if hasattr(raw, "isoformat"):
                    raise ValueError("日期")
                return str(raw).strip()
            if kind == "bool":
                text = str(raw).strip()
                if text in ("是", "true", "True", "TRUE", "1", "Y", "y"):
                    return True
                if text in ("否", "false", "False", "FALSE", "0", "N", "n", ""):
                    return False
                raise ValueError(text)
            if kind == "int":
                if isinstance(raw, float) and raw.is_integer():
                    return int(raw)
                if isinstance(raw, int) and not isinstance(raw, bool):
                    return raw
                return int(str(raw).strip())
            if kind == "percent":
                if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    number = Decimal(repr(raw))
                    return (number * 100).normalize() if is_percent_cell else number
                text = str(raw).strip().replace("％", "%")
                return number_text(text.removesuffix("%"))
            # amount, number
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return Decimal(repr(raw))
            return number_text(str(raw))
        except AmbiguousNumber as exc:
            self.error(where, str(exc))
            return None
        except (ValueError, InvalidOperation, ArithmeticError):
            expected = {"int": "整数", "percent": "百分比，如 47.78%", "bool": "是 或 否",
                        "text": "文字", "written": "文字"}.get(kind, "数值，如 3024.25")
            self.error(where, "内容无法读取", expected=expected, found=raw if not hasattr(raw, "isoformat") else str(raw))
            return None

    def no_merged_cells(self, ws: Worksheet) -> None:
        """A merged range would hide a value (its other cells read as empty): refused, named."""
        for merged in ws.merged_cells.ranges:
            self.error(f"{ws.title}!{merged.coord}（合并单元格）", "表格中有合并单元格，请取消合并后再导入")

    def validated(self, model: type, data: dict) -> Any:  # an instance of ``model``
        """``data`` read from the sheets as ``model``; :class:`InputErrors` with every cell problem, or every
        schema problem re-addressed to the cell it came from."""
        if self.errors:
            raise InputErrors(self.errors)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise InputErrors([relocate(e, self) for e in input_errors(exc, self.file)]) from None

    def table(self, wb, name: str, columns: Sequence[Column], *, optional: bool = False,
              labelled_rows: int = 0) -> tuple[Worksheet | None, list[tuple[int, list]]]:
        """The data rows (row number, cells) of a table sheet, after checking header and layout: no merged
        cells, no blank row in the middle. A missing sheet is an error unless ``optional``. The first
        ``labelled_rows`` rows carry a label in their first column (月份): they are kept even when blank."""
        if name not in wb.sheetnames:
            if not optional:
                self.error(f"{name}!（工作表）", f"缺少工作表「{name}」", expected=f"使用 {self.template} 生成的工作簿")
            return None, []
        ws = wb[name]
        header_ok = True
        for i, col in enumerate(columns, 1):
            found = ws.cell(row=1, column=i).value
            if found is None and col.optional:
                continue  # a workbook from an older template: the column reads as empty
            if (str(found).strip() if found is not None else "") != col.header:
                header_ok = False
                self.error(f"{name}!{get_column_letter(i)}1（表头）", "表头与模板不一致", expected=f"「{col.header}」",
                           found=found)
        if not header_ok:
            return None, []
        self.no_merged_cells(ws)
        rows: list[tuple[int, list]] = []
        gap: int | None = None
        for r in range(2, ws.max_row + 1):
            cells = [ws.cell(row=r, column=c) for c in range(1, len(columns) + 1)]
            empty = all(blank(c.value) for c in cells[1 if labelled_rows else 0:])
            if r <= labelled_rows + 1:
                rows.append((r, cells))
                continue
            if empty:
                gap = gap or r
                continue
            if gap is not None:
                self.error(f"{name}!A{gap}（空行）", f"第 {gap} 行为空行，但第 {r} 行还有内容；请删除表格中间的空行")
                gap = None
            rows.append((r, cells))
        return ws, rows


def relocate(error: InputError, reader: Reader) -> InputError:
    """A params-file error re-addressed to the cell it came from (else to the sheet its field belongs to)."""
    field = error.field
    candidates = [field]
    while "." in field or "[" in field:
        field = field[: max(field.rfind("."), field.rfind("["))]
        candidates.append(field)
    where = next((reader.cells[c] for c in candidates if c in reader.cells), None)
    if where is None:
        prefix = error.field.split("[")[0].split(".")[0]
        where = f"{reader.sheets.get(prefix, reader.default)}（{error.field}）"
    return InputError(reader.file, where, error.detail, expected=error.expected, found=error.found)


def put(data: dict, path: tuple, value: object) -> None:
    """``data[path[0]][path[1]]… = value``, making the dicts on the way; nothing for None."""
    if value is None:
        return
    target = data
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter: ~4× faster, the same text
    def ignore_aliases(self, data: object) -> bool:
        """Never an anchor and alias: a value used twice (one Decimal as weight and as self_score) is written
        twice, since perflib's loader refuses aliases (and a person editing the file should not meet them)."""
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
        return dumper.represent_int(int(value))
    digits = format(value.normalize(), "f")
    if "." not in digits:  # 5.0 stays a float: "5.0", not "5" (an int), which would need an explicit !!float tag
        digits += ".0"
    return dumper.represent_scalar("tag:yaml.org,2002:float", digits)


_Dumper.add_representer(Decimal, _represent_decimal)


def yaml_text(data: dict) -> str:
    """``data`` as YAML in the order given, Chinese as is, Decimals as the numbers they are."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
