"""One file handed in: read, validated, scored and audited (:func:`read_form`), and its input file written.

The department code comes from ``code`` or the file's name: a department form's stem is the code
(``baiyun-emergency.xlsx``); a project form (framework kind ``project``) sits in a folder named by the code
(``baiyun-emergency/防汛物资.xlsx``), or its name starts with the code before the first dot
(``baiyun-emergency.防汛物资.xlsx``). Nothing is written for a form that cannot be read; an existing input
file is never replaced by a different one unless ``overwrite`` is given.
"""

from __future__ import annotations

import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from ..errors import InputError, InputErrors, Level, PerflibError
from ..evaluation import evaluate_params
from ..files import write_atomic
from ..inputs.locate import available, find_framework
from ..inputs.params import project_file, year_file
from ..inputs.schema import CODE_PATTERN, ParamsFile
from ..inputs.validation import validate
from ..scoring.frameworks import Framework, load_framework
from ..workbooks.sheets import yaml_text
from .form import Reading, read
from .grid import read_grids
from .receipt import Intake
from .refusal import Refusal, Refused

_CODE = re.compile(CODE_PATTERN)


def framework_for(framework: str, frameworks_dir: str | Path | None) -> Framework:
    """The framework ``framework`` (an id, looked for in ``frameworks_dir`` then among the bundled, or a path)."""
    path = Path(framework)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return load_framework(path)
    found = find_framework(framework, frameworks_dir)
    if found is None:
        raise InputErrors([InputError("--framework", "framework", "找不到该评价框架",
                                      expected=f"以下之一：{'、'.join(available(frameworks_dir))}", found=framework)])
    return load_framework(found)


def code_for(path: Path, kind: str, code: str | None) -> str:
    """The department code of a form; :class:`Refused` when neither ``code`` nor the file's name gives one."""
    if code is not None:
        if not _CODE.match(code):
            raise Refused(Refusal("", "", f"--code「{code}」不是部门代码（小写字母、数字，以 - 或 _ 连接）"))
        return code
    stem = path.stem
    if kind == "project":
        for candidate in (path.parent.name, stem.split(".")[0]):
            if _CODE.match(candidate):
                return candidate
        raise Refused(Refusal("", "", f"无法从文件名得出部门代码：项目自评表应放在以部门代码命名的文件夹中"
                                      f"（如 baiyun-emergency/{path.name}），或文件名以部门代码开头（如 baiyun-emergency.{path.name}），"
                                      f"或用 --code 指定；实际文件夹为「{path.parent.name}」"))
    if _CODE.match(stem):
        return stem
    raise Refused(Refusal("", "", f"文件名「{stem}」不是部门代码（小写字母、数字，以 - 或 _ 连接，如 baiyun-emergency）："
                                  "请把文件改名为部门代码，或用 --code 指定"))


def read_form(path: str | Path, *, framework: str, frameworks_dir: str | Path | None = None, code: str | None = None,
              year: int | None = None) -> Intake:
    """Read one filled-in form, validate, score and audit it; nothing is written. A form that cannot be read
    comes back with status ``refused`` and its :class:`~perflib.intake.refusal.Refusal` — never an exception,
    except for a framework that does not exist (a usage error: :class:`~perflib.errors.InputErrors`)."""
    fw = framework_for(framework, frameworks_dir)
    return _read(Path(path), fw, code, year)


def _read(path: Path, fw: Framework, code: str | None, year: int | None) -> Intake:
    reading: Reading | None = None
    try:
        the_code = code_for(path, fw.kind, code)
        grids = read_grids(path)
        reading = read(path, grids, fw, code=the_code, year=year)
        params = validate(ParamsFile, reading.data, path)
        ev = evaluate_params(params, fw, path=None)
    except Refused as exc:
        return Intake(path, "refused", code=code, year=year, refusal=exc.refusal)
    except InputError as exc:
        return Intake(path, "refused", code=code, year=year, refusal=_located(exc, reading))
    except InputErrors as exc:
        return Intake(path, "refused", code=code, year=year, refusal=_located(exc.errors[0], reading, len(exc.errors)))
    except PerflibError as exc:
        return Intake(path, "refused", code=code, year=year, refusal=Refusal("", "", str(exc)))
    except Exception as exc:  # noqa: BLE001 - a form nobody foresaw: its refusal, one line, never a traceback
        return Intake(path, "refused", code=code, year=year,
                      refusal=Refusal("", "", f"无法读取此表（{type(exc).__name__}：{str(exc)[:200]}）"))
    data = reading.data
    serious = any(f.level in (Level.ERROR, Level.WARNING) for f in ev.findings)
    return Intake(path, "findings" if serious else "read", code=ev.code, year=ev.year, project=reading.project,
                  data=data, evaluation=ev, findings=tuple(ev.findings), total=ev.total, grade=ev.grade)


def _located(error: InputError, reading: Reading | None, count: int = 1) -> Refusal:
    """A validation or scoring error as a refusal naming the cell its field was read from."""
    more = f"（另有 {count - 1} 处问题）" if count > 1 else ""
    where = ""
    if reading is not None:
        field = error.field
        while field and field not in reading.cells:
            cut = max(field.rfind("."), field.rfind("["))
            field = field[:cut] if cut > 0 else ""
        where = reading.cells.get(field, reading.sheet)
    sheet, _, cell = where.partition("!")
    if error.field in ("(文件)",) or error.field.startswith("(") or not reading:
        return Refusal(sheet, cell, f"{error.field}: {error.message}{more}" if error.field != "(文件)" else error.message + more)
    return Refusal(sheet, cell, f"{error.message}（输入项 {error.field}）{more}")


def target_of(entry: Intake, out: str | Path) -> Path:
    """Where the input file of a read form goes."""
    if entry.project:
        return project_file(out, entry.code, entry.year, entry.project)
    return year_file(out, entry.code, entry.year)


def content_of(entry: Intake) -> str:
    """The text of a read form's input file: a line naming the form it was read from, then the YAML."""
    shown = " ".join(entry.path.name.split())
    return f"# 由 perflib intake 从 {shown} 读入\n" + yaml_text(_tidy(entry.data))


def write(entry: Intake, out: str | Path, *, overwrite: bool = False, content: str | None = None,
          sync: bool = True) -> Intake:
    """Write a read form's input file, atomically; refuse (naming the file) to replace a different one.
    ``content``: the text, when already made (in a worker process) — else made here. ``sync=False``: a new
    file is not flushed to disk here; the caller syncs once for a whole batch (see bulk._commit)."""
    if entry.status == "refused" or (entry.data is None and content is None):
        return entry
    target = target_of(entry, out)
    content = content_of(entry) if content is None else content
    try:
        if target.exists():
            if target.read_text(encoding="utf-8") == content:
                entry.written = target
                return entry
            if not overwrite:
                return _refused(entry, f"输入文件 {target} 已存在且内容不同，未覆盖（确需覆盖请加 --overwrite）")
            write_atomic(target, content)
        elif not _create(target, content, sync=sync):
            if target.read_text(encoding="utf-8") != content and not overwrite:
                return _refused(entry, f"输入文件 {target} 已由另一进程写入且内容不同，未覆盖")
            write_atomic(target, content)
    except (OSError, PerflibError) as exc:
        return _refused(entry, f"写入 {target} 失败：{exc}")
    entry.written = target
    return entry


def _tidy(value: object) -> object:
    """The input as written: whole numbers as integers (95.00 → 95, not !!float '95'), empty parts left out."""
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items() if v not in ({}, [], None)}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _create(path: Path, content: str, *, sync: bool = True) -> bool:
    """Write ``path`` only if it does not exist, atomically (a temporary file linked into place); False when
    another writer got there first. ``sync``: flushed to disk before it is linked into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8"))
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _refused(entry: Intake, reason: str) -> Intake:
    entry.status = "refused"
    entry.refusal = Refusal("", "", reason)
    return entry
