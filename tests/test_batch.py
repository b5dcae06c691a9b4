"""The batch: incremental skips, --force, failure isolation, the index/summary/manifest, the lock."""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from perflib.batch import RunOptions, outputs_lock, run
from perflib.cli import main
from perflib.errors import RunError

from .conftest import EXAMPLE, FRAMEWORKS, processes

BEHAVIOUR = '''
import os, time
if department == "d-fail":
    raise ValueError("故意的错误")
elif department == "d-sleep":
    time.sleep(60)
elif department == "d-die":
    os._exit(1)
print(department, year)
'''


def make_template(path: Path, body: str = BEHAVIOUR) -> Path:
    params = new_code_cell('department = "x"\nyear = 2023\nparams_dir = "."', metadata={"tags": ["parameters"]})
    nb = new_notebook(cells=[params, new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def make_params(root: Path, codes: list[str], year: int = 2023) -> Path:
    params = root / "params"
    if not (params / "frameworks").exists():
        shutil.copytree(FRAMEWORKS, params / "frameworks")
    text = EXAMPLE.read_text(encoding="utf-8")
    for code in codes:
        (params / code).mkdir(parents=True, exist_ok=True)
        (params / code / f"{year}.yaml").write_text(
            text.replace("code: baiyun-emergency", f"code: {code}").replace("year: 2023", f"year: {year}"),
            encoding="utf-8")
    return params


def options(root: Path, **kw) -> RunOptions:
    base = dict(params_dir=root / "params", outputs_dir=root / "outputs", template=root / "t.ipynb", jobs=2,
                engine="cold", progress=False, timeout=3, overview=False)
    base.update(kw)
    return RunOptions(**base)


def test_incremental_skip_and_force(tmp_path: Path) -> None:
    make_params(tmp_path, ["d-one", "d-two"])
    make_template(tmp_path / "t.ipynb")
    first = run(options(tmp_path))
    assert [e.status for e in first.entries] == ["ok", "ok"]
    again = run(options(tmp_path))
    assert [e.status for e in again.entries] == ["skipped", "skipped"]
    # a changed input re-renders only that report
    path = tmp_path / "params" / "d-two" / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("adjusted: 3168.02", "adjusted: 3168.03"), encoding="utf-8")
    changed = run(options(tmp_path))
    assert {e.code: e.status for e in changed.entries} == {"d-one": "skipped", "d-two": "ok"}
    # an earlier year of the same department changes its trend: re-rendered too
    make_params(tmp_path, ["d-one"], year=2022)
    trend = run(options(tmp_path))
    assert {(e.code, e.year): e.status for e in trend.entries} == {
        ("d-one", 2022): "ok", ("d-one", 2023): "ok", ("d-two", 2023): "skipped"}
    forced = run(options(tmp_path, force=True))
    assert {e.status for e in forced.entries} == {"ok"}
    # a changed template re-renders everything
    make_template(tmp_path / "t.ipynb", BEHAVIOUR + "\nprint('v2')")
    assert {e.status for e in run(options(tmp_path)).entries} == {"ok"}


def test_failures_are_isolated_and_keep_the_last_good_report(tmp_path: Path) -> None:
    codes = ["d-ok", "d-fail", "d-sleep", "d-die"]
    make_params(tmp_path, codes)
    make_template(tmp_path / "t.ipynb", "print('good')")
    assert {e.status for e in run(options(tmp_path)).entries} == {"ok"}
    good = {c: (tmp_path / "outputs" / c / "2023" / "report.html").read_bytes() for c in codes}

    make_template(tmp_path / "t.ipynb")
    report = run(options(tmp_path))
    outcome = {e.code: (e.status, e.error_kind) for e in report.entries}
    assert outcome == {"d-ok": ("ok", None), "d-fail": ("failed", "cell"), "d-sleep": ("failed", "timeout"),
                       "d-die": ("failed", "dead_kernel")}
    for code in ("d-fail", "d-sleep", "d-die"):
        out = tmp_path / "outputs" / code / "2023"
        assert (out / "report.html").read_bytes() == good[code], code  # last good report kept
        assert (out / "report.failed.ipynb").exists(), code  # failed notebook kept for debugging
    failed_nb = nbformat.read(tmp_path / "outputs" / "d-fail" / "2023" / "report.failed.ipynb", as_version=4)
    assert failed_nb.metadata.papermill.exception is True
    assert "故意的错误" in next(e.error for e in report.entries if e.code == "d-fail")
    # the next good run removes the stale failed notebook
    make_template(tmp_path / "t.ipynb", "print('good again')")
    run(options(tmp_path))
    assert not (tmp_path / "outputs" / "d-fail" / "2023" / "report.failed.ipynb").exists()


def test_invalid_input_is_never_rendered_and_the_index_lists_it_first(tmp_path: Path, capsys) -> None:
    params = make_params(tmp_path, ["a-good", "b-bad"])
    bad = params / "b-bad" / "2023.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("adjusted: 3168.02", "adjusted: 三千"), encoding="utf-8")
    make_template(tmp_path / "t.ipynb", "print('ok')")
    code = main(["run", "--params", str(params), "--outputs", str(tmp_path / "outputs"),
                 "--template", str(tmp_path / "t.ipynb"), "--jobs", "1", "--engine", "cold", "--quiet",
                 "--no-overview"])
    assert code == 1
    err = capsys.readouterr().err
    assert "失败 b-bad 2023" in err and "budget.funds[0].adjusted" in err
    outputs = tmp_path / "outputs"
    assert not (outputs / "b-bad").exists()
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    bad_entry = next(r for r in manifest["reports"] if r["department"] == "b-bad")
    assert bad_entry["status"] == "failed" and bad_entry["error_kind"] == "input"
    index = (outputs / "index.html").read_text(encoding="utf-8")
    assert index.index("b-bad") < index.index("a-good")  # failed first
    assert "budget.funds[0].adjusted" in index
    with open(outputs / "summary.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["部门代码"], r["状态"]) for r in rows] == [("a-good", "成功"), ("b-bad", "失败")]
    assert rows[0]["总分"] == "91.88" and rows[0]["履职效能"] == "44.38" and rows[0]["年度评价执行率（%）"] == "47.78"


def test_second_batch_refuses_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    make_params(tmp_path, ["d-one"])
    make_template(tmp_path / "t.ipynb", "print('ok')")
    with outputs_lock(tmp_path / "outputs"), pytest.raises(RunError, match="另一个 perflib run"):
        run(options(tmp_path))
    assert not (tmp_path / "outputs" / "manifest.json").exists()


def test_cli_usage_errors(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "--jobs", "0"])
    assert info.value.code == 2
    assert main(["run", "--params", str(tmp_path / "nothing"), "--outputs", str(tmp_path / "out")]) == 2
    assert "没有找到" in capsys.readouterr().err


class _NoScheduler:
    """An executor that cannot start, like a Dask scheduler that does not answer."""

    def __enter__(self):
        raise RunError("无法连接 Dask 调度器 tcp://nowhere:8786")

    def __exit__(self, *exc: object) -> None:
        pass


def _options(tmp_path: Path, params: Path, **kw) -> RunOptions:
    make_template(tmp_path / "t.ipynb", "print('ok')")
    return RunOptions(params_dir=params, outputs_dir=tmp_path / "outputs", template=tmp_path / "t.ipynb",
                      progress=False, overview=False, excel=False, **kw)


def _break(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("adjusted: 3168.02", "adjusted: 三千"), encoding="utf-8")


def test_no_executor_and_only_invalid_inputs_still_records_them(tmp_path: Path) -> None:
    params = make_params(tmp_path, ["b-bad"])
    _break(params / "b-bad" / "2023.yaml")
    report = run(_options(tmp_path, params), executor=_NoScheduler())
    assert [(e.status, e.error_kind) for e in report.entries] == [("failed", "input")]
    assert json.loads((tmp_path / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]


def test_no_executor_with_reports_to_render_leaves_outputs_alone(tmp_path: Path) -> None:
    params = make_params(tmp_path, ["a-good", "b-bad"])
    _break(params / "b-bad" / "2023.yaml")
    with pytest.raises(RunError, match="调度器"):
        run(_options(tmp_path, params), executor=_NoScheduler())
    assert not (tmp_path / "outputs" / "manifest.json").exists()


def test_an_unreadable_params_file_fails_alone(tmp_path: Path, monkeypatch) -> None:
    import perflib.batch.jobs as batch

    params = make_params(tmp_path, ["a-good", "b-gone"])
    real = batch.evaluate

    def evaluate(path: Path, **kw):
        if path.parent.name == "b-gone":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, **kw)

    monkeypatch.setattr(batch, "evaluate", evaluate)
    report = run(_options(tmp_path, params, jobs=1, engine="cold"))
    status = {e.code: (e.status, e.error_kind) for e in report.entries}
    assert status == {"a-good": ("ok", None), "b-gone": ("failed", "io")}
    assert "b-gone" in next(e.error for e in report.entries if e.code == "b-gone")


def test_interrupted_while_checking_inputs_lists_the_rest_as_unfinished(tmp_path: Path, monkeypatch) -> None:
    import perflib.batch.jobs as batch
    from perflib.batch import BatchInterrupted

    params = make_params(tmp_path, ["a-first", "b-second", "c-third"])
    real = batch.evaluate

    def evaluate(path: Path, **kw):
        if path.parent.name == "b-second":
            raise KeyboardInterrupt
        return real(path, **kw)

    monkeypatch.setattr(batch, "evaluate", evaluate)
    with pytest.raises(BatchInterrupted):
        run(_options(tmp_path, params, jobs=1, engine="cold"))
    manifest = json.loads((tmp_path / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    kinds = {r["department"]: (r["status"], r["error_kind"]) for r in manifest["reports"]}
    assert kinds["b-second"] == ("failed", "interrupted") and kinds["c-third"] == ("failed", "interrupted")


def test_workers_that_cannot_start_fail_every_report_cleanly(tmp_path: Path, monkeypatch) -> None:
    import perflib.batch.executors as executors

    def broken(engine: str, parent: int = 0) -> None:
        raise ImportError("no module named nbconvert")

    monkeypatch.setattr(executors, "_start_worker", broken)  # inherited by the forked workers
    params = make_params(tmp_path, ["a-one", "b-two"])
    report = run(_options(tmp_path, params, jobs=2, engine="cold"))
    assert {(e.status, e.error_kind) for e in report.entries} == {("failed", "dead_kernel")}


def _orphan_kernels() -> set[int]:
    """perflib kernels whose parent has gone (re-parented to init or a sub-reaper), by pid."""
    return {pid for pid, (ppid, cmd) in processes().items()
            if b"ipykernel_launcher" in cmd and b"perflib-" in cmd and ppid == 1}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_warm_kernels_stop_with_the_pool(tmp_path: Path) -> None:
    """Pool workers end with os._exit (no atexit): their kernels must not outlive the batch."""
    params = make_params(tmp_path, ["a-one", "b-two"])
    before = _orphan_kernels()
    report = run(_options(tmp_path, params, jobs=2, engine="warm"))
    assert {e.status for e in report.entries} == {"ok"}
    assert not _orphan_kernels() - before


@pytest.mark.parametrize(("error", "kind"), [
    (errno.ENOSPC, "disk_full"), (errno.EACCES, "io"), (errno.EROFS, "io"),
])
def test_a_failed_write_is_never_an_input_error(tmp_path: Path, monkeypatch, error: int, kind: str) -> None:
    from perflib import files
    from perflib.batch.failures import Failure, classify
    from perflib.errors import WriteError

    def fail(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(files.os, "fsync", fail)
    with pytest.raises(WriteError) as caught:
        files.write_atomic(tmp_path / "report.html", "x")
    assert classify(caught.value)[0] == Failure(kind) != Failure.INPUT
    assert "report.html" in classify(caught.value)[1]


def test_a_document_of_other_inputs_is_removed_not_linked(tmp_path: Path) -> None:
    """After the inputs change, a run that does not ask for the 自评表 must not leave the old one beside the new
    page (it says the old figures) nor link it; with the inputs unchanged, a document made earlier stays."""
    params = make_params(tmp_path, ["a-one"])
    make_template(tmp_path / "t.ipynb", "print('ok')")
    with_form = options(tmp_path, jobs=1, formats=("html", "xlsx"), timeout=60)
    page_only = options(tmp_path, jobs=1, formats=("html",), timeout=60)
    form = tmp_path / "outputs" / "a-one" / "2023" / "自评表.xlsx"
    index = tmp_path / "outputs" / "index.html"

    first = run(with_form)
    assert [e.documents for e in first.entries] == [("xlsx",)]
    text = index.read_text(encoding="utf-8")
    assert f"用时 {first.seconds:.1f} 秒" in text and f"用时 {first.seconds:.1f} 秒" in first.line()  # one 用时
    assert re.search(r"\d+（错误 \d+，警示 \d+，提示 [1-9]\d*）", text)  # every level counted, 提示 too
    assert [(e.status, e.documents) for e in run(page_only).entries] == [("ok", ("xlsx",))]  # same inputs: kept
    assert form.is_file() and "自评表.xlsx" in index.read_text(encoding="utf-8")

    year_file = params / "a-one" / "2023.yaml"
    year_file.write_text(year_file.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: （修订）", 1), encoding="utf-8")
    assert [(e.status, e.documents) for e in run(page_only).entries] == [("ok", ())]
    assert not form.exists() and "自评表.xlsx" not in index.read_text(encoding="utf-8")


def test_a_process_that_has_typeset_spawns_its_workers(monkeypatch) -> None:
    """Typst compiles on native threads started at its first job; a worker forked after that waits for them
    forever at its own first chart (seen: a batch with Word run in a test process that had exported Word). Such a
    process spawns its workers; one that has not typeset anything forks them, as before."""
    from perflib.batch.executors import PoolExecutor
    from perflib.engine import Engine
    from perflib.present import typeset

    monkeypatch.setattr(typeset, "_compiled", set())
    pool, _ = PoolExecutor(1, Engine.COLD)._start()
    pool.shutdown(wait=True)
    assert not typeset.used_here() and pool._mp_context.get_start_method() == "fork"
    typeset.svg_png([b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>'])
    assert typeset.used_here()
    pool, starts = PoolExecutor(1, Engine.COLD)._start()
    try:
        assert pool._mp_context.get_start_method() == "spawn"
        assert all(f.result(timeout=120) is None for f in starts)  # the spawned worker starts
    finally:
        pool.shutdown(wait=True)
