"""Faults a nightly batch must survive, each made to happen."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perflib import files
from perflib.batch import RunOptions, run
from perflib.errors import RunError

from .conftest import processes
from .test_batch import make_params, make_template

FAULTS = '''
import os, signal, time
if department == "d-killed":
    os.kill(os.getpid(), signal.SIGKILL)   # the kernel killed in the middle of the notebook
elif department == "d-hang":
    time.sleep(60)                         # a cell that hangs past --timeout
print(department, year)
'''


def options(root: Path, **kw) -> RunOptions:
    base = dict(params_dir=root / "params", outputs_dir=root / "outputs", template=root / "t.ipynb", jobs=2,
                progress=False, timeout=3, overview=False)
    return RunOptions(**{**base, **kw})


@pytest.mark.parametrize("engine", ["warm", "cold"])
def test_killed_kernel_and_hanging_cell(tmp_path: Path, engine: str) -> None:
    make_params(tmp_path, ["d-killed", "d-hang", "d-ok"])
    make_template(tmp_path / "t.ipynb", "print('good')")
    run(options(tmp_path, engine=engine))
    good = {c: (tmp_path / "outputs" / c / "2023" / "report.html").read_bytes() for c in ("d-killed", "d-hang")}
    make_template(tmp_path / "t.ipynb", FAULTS)
    report = run(options(tmp_path, engine=engine, jobs=1))  # one warm kernel: it must recover twice
    outcome = {e.code: (e.status, e.error_kind) for e in report.entries}
    assert outcome == {"d-hang": ("failed", "timeout"), "d-killed": ("failed", "dead_kernel"), "d-ok": ("ok", None)}
    for code, html in good.items():
        out = tmp_path / "outputs" / code / "2023"
        assert (out / "report.html").read_bytes() == html
        failed = json.loads((out / "report.failed.ipynb").read_text(encoding="utf-8"))
        assert "perflib" in failed["metadata"] and failed["cells"][0]["metadata"]["tags"] == ["perflib-failure"]


def _perflib(*args: str, **kw) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "perflib"
    # Ctrl-C as at a terminal: a suite started in the background of a non-interactive shell (`make test &`,
    # some CI runners) ignores SIGINT, children inherit that, and Python then keeps ignoring it
    return subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **kw)


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _valid_outputs(out: Path) -> dict:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (out / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert (out / "summary.csv").read_text(encoding="utf-8-sig").startswith("部门代码")
    assert not list(out.rglob("*.tmp")) and not list(out.rglob(".report.*.ipynb"))
    return manifest


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_batch_leaves_no_half_files_and_resumes(tmp_path: Path, sig: int) -> None:
    codes = [f"d-{i}" for i in range(5)]
    params = make_params(tmp_path, codes)
    make_template(tmp_path / "t.ipynb", "import time\ntime.sleep(1)\nprint('ok')")
    out = tmp_path / "outputs"
    args = ["run", "--params", str(params), "--outputs", str(out), "--template", str(tmp_path / "t.ipynb"),
            "--jobs", "1", "--quiet", "--no-overview"]
    proc = _perflib(*args)
    _wait_for(lambda: len(list(out.glob("d-*/2023/report.json"))) >= 2)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "已中断" in err and "Traceback" not in err
    manifest = _valid_outputs(out)
    done = {r["department"] for r in manifest["reports"] if r["status"] == "ok"}
    interrupted = {r["department"] for r in manifest["reports"] if r["error_kind"] == "interrupted"}
    assert len(done) >= 2 and done | interrupted == set(codes)
    for code in done:
        assert (out / code / "2023" / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    again = _perflib(*args)
    stdout, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    manifest = _valid_outputs(out)
    assert {r["department"] for r in manifest["reports"] if r["status"] == "skipped"} == done
    assert {r["department"] for r in manifest["reports"] if r["status"] == "ok"} == set(codes) - done


def test_params_file_changed_during_the_run(tmp_path: Path) -> None:
    params = make_params(tmp_path, ["d-slow"])
    path = params / "d-slow" / "2023.yaml"
    make_template(tmp_path / "t.ipynb", "import time\ntime.sleep(4)")
    proc = _perflib("run", "--params", str(params), "--outputs", str(tmp_path / "outputs"), "--template",
                    str(tmp_path / "t.ipynb"), "--jobs", "1", "--quiet", "--no-overview", "--engine", "cold")
    time.sleep(2.5)
    path.write_text(path.read_text(encoding="utf-8").replace("spent: 3107.04", "spent: 3107.05"), encoding="utf-8")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "输入文件在运行期间被修改" in err
    assert not (tmp_path / "outputs" / "d-slow" / "2023" / "report.html").exists()
    make_template(tmp_path / "t.ipynb", "print('ok')")
    assert {e.status for e in run(options(tmp_path)).entries} == {"ok"}  # the next run picks it up


def test_two_batches_at_once(tmp_path: Path) -> None:
    params = make_params(tmp_path, ["d-1", "d-2"])
    make_template(tmp_path / "t.ipynb", "import time\ntime.sleep(2)")
    args = ["run", "--params", str(params), "--outputs", str(tmp_path / "outputs"), "--template",
            str(tmp_path / "t.ipynb"), "--jobs", "1", "--quiet", "--no-overview"]
    first = _perflib(*args)
    _wait_for(lambda: (tmp_path / "outputs" / ".perflib.lock.owner").exists()
              and (tmp_path / "outputs" / ".perflib.lock.owner").read_text(encoding="utf-8"))
    second = _perflib(*args)
    _, err2 = second.communicate(timeout=30)
    assert second.returncode == 2 and "另一个 perflib run 正在写入" in err2
    _, err1 = first.communicate(timeout=60)
    assert first.returncode == 0, err1
    manifest = _valid_outputs(tmp_path / "outputs")
    assert [r["status"] for r in manifest["reports"]] == ["ok", "ok"]
    waiting = _perflib(*args, "--wait", "30")  # with --wait the second one waits its turn instead
    assert waiting.wait(timeout=60) == 0


def _fail_writes(monkeypatch, matches) -> None:
    real = os.fsync

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        if matches(name):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)


def test_disk_full_while_writing_a_report(tmp_path: Path, monkeypatch) -> None:
    make_params(tmp_path, ["d-full", "d-ok"])
    make_template(tmp_path / "t.ipynb", "print('v1')")
    run(options(tmp_path, jobs=1))
    before = (tmp_path / "outputs" / "d-full" / "2023" / "report.html").read_bytes()
    make_template(tmp_path / "t.ipynb", "print('v2')")
    _fail_writes(monkeypatch, lambda name: "/d-full/" in name and "report.html" in name)
    report = run(options(tmp_path, jobs=1))  # jobs=1 renders in this process, where the disk "fills up"
    outcome = {e.code: (e.status, e.error_kind) for e in report.entries}
    assert outcome == {"d-full": ("failed", "disk_full"), "d-ok": ("ok", None)}
    assert "磁盘空间不足" in next(e.error for e in report.entries if e.code == "d-full")
    assert (tmp_path / "outputs" / "d-full" / "2023" / "report.html").read_bytes() == before
    assert not list((tmp_path / "outputs").rglob("*.tmp"))


def test_disk_full_while_writing_the_index(tmp_path: Path, monkeypatch) -> None:
    make_params(tmp_path, ["d-1"])
    make_template(tmp_path / "t.ipynb", "print('v1')")
    run(options(tmp_path, jobs=1))
    index = (tmp_path / "outputs" / "index.html").read_bytes()
    _fail_writes(monkeypatch, lambda name: name.endswith(".tmp") and "index.html" in name)
    with pytest.raises(RunError, match="index.html: 写入失败（No space left on device），原文件未改动"):
        run(options(tmp_path, jobs=1, force=True))
    assert (tmp_path / "outputs" / "index.html").read_bytes() == index


@pytest.mark.parametrize("spoil", ["not an object", "emptied page", "changed page", "document gone"])
def test_a_cache_that_claims_what_is_not_there_is_not_trusted(tmp_path: Path, spoil: str) -> None:
    """A report is skipped as unchanged only when its sidecar is a JSON object whose fingerprint matches and
    whose recorded files are still there, byte for byte; otherwise it is rendered again — no traceback."""
    params = make_params(tmp_path, ["a-one"])
    make_template(tmp_path / "t.ipynb", "print('ok')")
    opts = RunOptions(params_dir=params, outputs_dir=tmp_path / "out", template=tmp_path / "t.ipynb", jobs=1,
                      engine="cold", progress=False, overview=False, formats=("html", "xlsx"))
    assert [e.status for e in run(opts).entries] == ["ok"]
    assert [e.status for e in run(opts).entries] == ["skipped"]
    folder = tmp_path / "out" / "a-one" / "2023"
    if spoil == "not an object":
        (folder / "report.json").write_text("[1, 2]", encoding="utf-8")
    elif spoil == "emptied page":
        (folder / "report.html").write_bytes(b"")
    elif spoil == "changed page":
        (folder / "report.html").write_text("<p>edited by hand</p>", encoding="utf-8")
    else:
        (folder / "自评表.xlsx").unlink()
    done = run(opts)
    assert [e.status for e in done.entries] == ["ok"], spoil
    assert b"ok" in (folder / "report.html").read_bytes() and (folder / "自评表.xlsx").is_file()
    assert [e.status for e in run(opts).entries] == ["skipped"]


def _batch_processes(root: Path) -> set[int]:
    """Workers and kernels of a batch writing under ``root`` (their command lines name it, or a kernel's
    parent is such a worker)."""
    found = processes()
    workers = {pid for pid, (_, cmd) in found.items() if str(root).encode() in cmd}
    return workers | {pid for pid, (ppid, cmd) in found.items() if ppid in workers and b"ipykernel" in cmd}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal: Linux")
def test_workers_and_kernels_end_when_the_batch_is_killed(tmp_path: Path) -> None:
    """kill -9 of perflib run: no handler runs, yet its workers and their kernels end with it."""
    params = make_params(tmp_path, [f"d-{i:02d}" for i in range(6)])
    make_template(tmp_path / "t.ipynb", "import time\ntime.sleep(2)")
    proc = _perflib("run", "--params", str(params), "--outputs", str(tmp_path / "outputs"), "--template",
                    str(tmp_path / "t.ipynb"), "--jobs", "2", "--quiet", "--no-overview")
    _wait_for(lambda: len(_batch_processes(tmp_path)) >= 5)  # the batch, two workers, two kernels
    proc.kill()
    proc.wait()
    _wait_for(lambda: not _batch_processes(tmp_path), timeout=10)


KILLS_ITS_WORKER = '''
import os, signal, time
if department == "d-killer":
    os.kill(os.getppid(), signal.SIGKILL)   # the kernel's parent is the worker: a worker dies mid-batch
    time.sleep(30)
print(department, year)
'''


@pytest.mark.parametrize("engine", ["warm", "cold"])
def test_a_worker_killed_mid_batch_fails_only_its_report(tmp_path: Path, engine: str) -> None:
    """A pool worker dies (killed, out of memory): the pool is started anew and the batch goes on; the reports
    that were in the broken pool are tried again, alone, so only the one that kills its worker fails."""
    make_params(tmp_path, ["a-one", "b-two", "d-killer", "e-four", "f-five", "g-six"])
    make_template(tmp_path / "t.ipynb", KILLS_ITS_WORKER)
    done = run(options(tmp_path, engine=engine, timeout=60))
    status = {e.code: (e.status, e.error_kind) for e in done.entries}
    assert status.pop("d-killer") == ("failed", "dead_kernel"), status
    assert set(status.values()) == {("ok", None)}, status
    assert "重试" in next(e.error for e in done.entries if e.code == "d-killer")


def test_the_timeout_covers_the_documents_and_the_time_recorded_is_the_real_one(tmp_path: Path,
                                                                               monkeypatch) -> None:
    """A document that takes longer than --timeout is stopped and fails alone; the page is kept, and the
    seconds recorded for the report include its documents."""
    from perflib.batch import documents

    def slow(*args, **kwargs) -> bytes:
        time.sleep(30)
        return b""

    monkeypatch.setitem(documents.MAKERS, "docx", slow)
    make_params(tmp_path, ["a-one"])
    make_template(tmp_path / "t.ipynb", "print('ok')")
    started = time.monotonic()
    done = run(options(tmp_path, jobs=1, engine="cold", timeout=2, formats=("html", "docx", "xlsx")))
    assert time.monotonic() - started < 25
    entry = done.entries[0]
    assert entry.status == "ok" and "--timeout" in entry.document_errors["docx"] and entry.documents == ("xlsx",)
    assert entry.seconds >= 2
    sidecar = json.loads((tmp_path / "outputs" / "a-one" / "2023" / "report.json").read_text(encoding="utf-8"))
    assert sidecar["seconds"] >= 2
