"""Workbooks made to exhaust the machine are refused before they are opened, in one line (issue 24, item 2).

Each attack runs as ``perflib excel-import`` in a process whose address space is capped, so that a
regression fails with an error instead of swapping the machine.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perflib.evaluation import load
from perflib.workbooks import sheets
from perflib.workbooks.year_form import export_workbook

from .conftest import EXAMPLE, FRAMEWORKS

LIMIT = 1_500_000_000  # bytes of address space for the import (perflib itself needs some 300 MB)


def _import(path: Path, out: Path) -> subprocess.CompletedProcess:
    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT}))\n"
            "from perflib.cli import main\n"
            f"sys.exit(main(['excel-import', {str(path)!r}, '--out', {str(out)!r}, '--frameworks', {str(FRAMEWORKS)!r}]))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    loaded = load(EXAMPLE)
    return export_workbook(loaded.params, framework=loaded.framework, frameworks_dir=FRAMEWORKS)


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The workbook with some parts replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, replace.pop(item.filename, src.read(item.filename)))
        for name, body in replace.items():
            dst.writestr(name, body)
    return out.getvalue()


def _sheet(rows: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>').encode()


def _first_sheet(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def test_shared_strings_that_unpack_to_millions_are_refused(tmp_path: Path, exported: bytes) -> None:
    bomb = b"<sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>" + b"<si><t>x</t></si>" * 4_000_000
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_rezip(exported, {"xl/sharedStrings.xml": bomb + b"</sst>"}))
    assert path.stat().st_size < 2_000_000  # small on disk …
    done = _import(path, tmp_path / "out")
    assert done.returncode == 2 and "解压后过大" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_a_cell_at_the_last_row_is_refused_by_its_row(tmp_path: Path, exported: bytes) -> None:
    path = tmp_path / "far.xlsx"
    path.write_bytes(exported)
    wb = load_workbook(path)
    wb["绩效指标"].cell(row=1_048_576, column=1, value="远处的一格")
    wb.save(path)
    done = _import(path, tmp_path / "out")
    assert done.returncode == 2 and "绩效指标!A1048576" in done.stderr and "行数超出上限" in done.stderr, done.stderr


def test_millions_of_cells_in_a_small_file_are_refused(tmp_path: Path, exported: bytes) -> None:
    rows = "".join(f'<row r="{r}">' + '<c t="n"><v>1</v></c>' * 100 + "</row>" for r in range(1, 6_001))
    path = tmp_path / "cells.xlsx"
    path.write_bytes(_rezip(exported, {_first_sheet(exported): _sheet(rows)}))
    done = _import(path, tmp_path / "out")
    assert done.returncode == 2 and "单元格过多" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_one_huge_string_is_refused(tmp_path: Path, exported: bytes) -> None:
    huge = b"<sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><si><t>" + b"y" * 60_000_000
    path = tmp_path / "huge.xlsx"
    path.write_bytes(_rezip(exported, {"xl/sharedStrings.xml": huge + b"</t></si></sst>"}))
    done = _import(path, tmp_path / "out")
    assert done.returncode == 2 and "解压后过大" in done.stderr, done.stderr


def test_a_workbook_file_too_large_is_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(sheets.MAX_FILE_BYTES + 1)
    done = _import(path, tmp_path / "out")
    assert done.returncode == 2 and "工作簿过大" in done.stderr, done.stderr


def test_the_limits_do_not_touch_a_real_form(tmp_path: Path, exported: bytes) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(exported)
    assert _import(path, tmp_path / "out").returncode == 0
