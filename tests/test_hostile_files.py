"""Whatever a params folder holds, every read is bounded and every refusal one line (issue 24).

A pipe is never waited on, a device never read, a file over the limit never read whole — in every
command, in the batch's fingerprint too; a folder where a file is expected, an outputs path that cannot be
a folder, a department folder whose name is not a code: one line, exit 2, nothing written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perflib.batch import RunOptions, run
from perflib.cli import main
from perflib.errors import InputError
from perflib.files import read_limited

from .conftest import EXAMPLE

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pipes and devices: Unix")


def _hostile(kind: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "pipe":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "huge":
        with open(path, "wb") as fh:  # 3 GB that takes no room: a sparse file
            fh.truncate(3 * 2**30)
    elif kind == "folder":
        path.mkdir()
    return path


LIMIT = 1_500_000_000  # bytes of address space for a command run against a hostile file


def _cli(*args: str) -> subprocess.CompletedProcess:
    """``perflib ARGS`` in a process capped in memory and time: a regression fails, never hangs or swaps."""
    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT}))\n"
            "from perflib.cli import main\n"
            f"sys.exit(main({list(args)!r}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("kind", "says"), [("pipe", "不是普通文件"), ("device", "不是普通文件"), ("huge", "文件过大")])
@pytest.mark.parametrize("command", [["validate"], ["score", "--explain"]])
def test_every_command_refuses_in_one_line_and_never_blocks(tmp_path: Path, kind: str, says: str,
                                                            command: list[str]) -> None:
    path = _hostile(kind, tmp_path / "d-odd" / "2023.yaml")
    done = _cli(*command, str(path))
    assert done.returncode == 2 and says in done.stdout + done.stderr, done.stderr
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("command", [["score"], ["score", "--explain"], ["score", "--json"], ["validate"]])
def test_a_folder_where_a_file_should_be(tmp_path: Path, capsys, command: list[str]) -> None:
    path = _hostile("folder", tmp_path / "d-odd" / "2023.yaml")
    assert main([*command, str(path)]) == 2
    said = capsys.readouterr()
    says = "没有找到 .yaml 文件" if command == ["validate"] else "这是目录"  # validate searches a folder it is given
    assert says in said.out + said.err and "Traceback" not in said.out + said.err


@pytest.mark.parametrize("kind", ["pipe", "device", "huge"])
def test_the_batch_fails_that_department_alone(tmp_path: Path, kind: str) -> None:
    params = tmp_path / "params"
    (params / "baiyun-emergency").mkdir(parents=True)
    shutil.copy(EXAMPLE, params / "baiyun-emergency" / "2023.yaml")
    _hostile(kind, params / "d-odd" / "2023.yaml")
    done = run(RunOptions(params_dir=params, outputs_dir=tmp_path / "out", jobs=1, engine="cold", progress=False,
                          overview=False))
    status = {e.code: (e.status, e.error_kind) for e in done.entries}
    assert status == {"baiyun-emergency": ("ok", None), "d-odd": ("failed", "input")}
    assert (tmp_path / "out" / "index.html").is_file()


def test_read_limited_reads_at_most_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"x" * 100)
    assert read_limited(path, 100) == b"x" * 100
    with pytest.raises(InputError, match="文件过大"):
        read_limited(path, 99)
    with pytest.raises(InputError, match="文件不存在"):
        read_limited(tmp_path / "none.yaml", 100)


@pytest.mark.parametrize("name", ["UPPER", "has space", "a'quote", "x<y", "javascript:alert(1)"])
def test_a_folder_not_named_as_a_code_is_refused_by_name(tmp_path: Path, name: str) -> None:
    params = tmp_path / "params"
    (params / name).mkdir(parents=True)
    shutil.copy(EXAMPLE, params / name / "2023.yaml")
    done = run(RunOptions(params_dir=params, outputs_dir=tmp_path / "out", jobs=1, engine="cold", progress=False,
                          overview=False))
    entry = done.entries[0]
    assert (entry.status, entry.error_kind) == ("failed", "input") and "目录名不是有效的部门代码" in entry.error
    assert not (tmp_path / "out" / name).exists()


@pytest.mark.parametrize("where", ["a file", "under /proc"])
def test_an_outputs_path_that_cannot_be_a_folder_is_one_line(tmp_path: Path, capsys, where: str) -> None:
    params = tmp_path / "params"
    (params / "baiyun-emergency").mkdir(parents=True)
    shutil.copy(EXAMPLE, params / "baiyun-emergency" / "2023.yaml")
    outputs = tmp_path / "a-file" if where == "a file" else Path("/proc/perflib-outputs")
    if where == "a file":
        outputs.write_text("x", encoding="utf-8")
    assert main(["run", "--params", str(params), "--outputs", str(outputs), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "不能用作输出目录" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["export", "{d}", "--to", "{t}/x.docx"], ["excel-export", "{d}", "{t}/x.xlsx"]])
def test_a_folder_given_for_a_file_is_one_line(tmp_path: Path, capsys, command: list[str]) -> None:
    args = [a.format(d=EXAMPLE.parent, t=tmp_path) for a in command]
    assert main(args) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_link_that_leaves_the_params_folder_is_refused_and_nothing_of_it_is_published(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere" / "credentials.yaml"
    secret.parent.mkdir()
    secret.write_text("SECRET-TOKEN-123: hunter2\n", encoding="utf-8")
    params = tmp_path / "params"
    (params / "baiyun-emergency").mkdir(parents=True)
    shutil.copy(EXAMPLE, params / "baiyun-emergency" / "2023.yaml")
    (params / "d-secret").mkdir()
    (params / "d-secret" / "2023.yaml").symlink_to(secret)
    out = tmp_path / "out"
    done = run(RunOptions(params_dir=params, outputs_dir=out, jobs=1, engine="cold", progress=False, overview=False))
    status = {e.code: (e.status, e.error_kind) for e in done.entries}
    assert status == {"baiyun-emergency": ("ok", None), "d-secret": ("failed", "input")}
    assert "输入目录之外" in next(e.error for e in done.entries if e.code == "d-secret")
    for published in ("index.html", "manifest.json", "summary.csv"):
        assert "SECRET-TOKEN" not in (out / published).read_text(encoding="utf-8"), published


def test_the_bundled_example_may_be_a_link_into_perflib(tmp_path: Path) -> None:
    """The checkout's own params/baiyun-emergency links to the example perflib ships: that is not elsewhere."""
    from perflib.inputs.locate import EXAMPLE as BUNDLED

    params = tmp_path / "params"
    params.mkdir()
    (params / "baiyun-emergency").symlink_to(BUNDLED / "baiyun-emergency")
    done = run(RunOptions(params_dir=params, outputs_dir=tmp_path / "out", jobs=1, engine="cold", progress=False,
                          overview=False, formats=("html",)))
    assert [e.status for e in done.entries] == ["ok"]
