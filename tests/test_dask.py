"""The batch on a Dask LocalCluster: same outputs as the local pool, worker loss survived."""

from __future__ import annotations

import json
from pathlib import Path

from perflib.batch import RunOptions, run

from .test_batch import make_params, make_template

KILL_WORKER_ONCE = '''
import os, signal
marker = os.path.join(params_dir, "killed-once")
if department == "d-kill" and not os.path.exists(marker):
    open(marker, "w").close()
    os.kill(os.getppid(), signal.SIGKILL)  # the Dask worker process that runs this kernel
print(department, year)
'''


def options(root: Path, out: str, **kw) -> RunOptions:
    base = dict(params_dir=root / "params", outputs_dir=root / out, template=root / "t.ipynb", jobs=2,
                progress=False, timeout=60, overview=False)
    return RunOptions(**{**base, **kw})


def test_local_cluster_gives_the_same_reports_as_the_pool(tmp_path: Path) -> None:
    from .test_report_notebook import TEMPLATE

    make_params(tmp_path, ["d-one", "d-two"])
    make_params(tmp_path, ["d-one"], year=2022)
    pool = run(options(tmp_path, "pool", template=TEMPLATE))
    dask = run(options(tmp_path, "dask", template=TEMPLATE, scheduler="local"))
    sent = run(options(tmp_path, "sent", template=TEMPLATE, scheduler="local", transfer_files=True))
    for report in (pool, dask, sent):
        assert sorted((e.code, e.year, e.status) for e in report.entries) == [
            ("d-one", 2022, "ok"), ("d-one", 2023, "ok"), ("d-two", 2023, "ok")]
    for code, year in (("d-one", 2022), ("d-one", 2023), ("d-two", 2023)):
        html = (tmp_path / "pool" / code / str(year) / "report.html").read_bytes()
        assert (tmp_path / "dask" / code / str(year) / "report.html").read_bytes() == html
        assert (tmp_path / "sent" / code / str(year) / "report.html").read_bytes() == html
        assert (tmp_path / "sent" / code / str(year) / "report.ipynb").exists()
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text(encoding="utf-8"))
    assert "dask local" in manifest["engine"]
    assert {e.status for e in run(options(tmp_path, "dask", template=TEMPLATE, scheduler="local")).entries} == {"skipped"}


def test_lost_worker_task_is_retried_and_counted_once(tmp_path: Path) -> None:
    make_params(tmp_path, ["d-kill", "d-fine"])
    make_template(tmp_path / "t.ipynb", KILL_WORKER_ONCE)
    report = run(options(tmp_path, "out", scheduler="local"))
    assert (tmp_path / "params" / "killed-once").exists()  # the worker really died once
    assert sorted((e.code, e.status) for e in report.entries) == [("d-fine", "ok"), ("d-kill", "ok")]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [r["department"] for r in manifest["reports"]].count("d-kill") == 1


def test_unreachable_scheduler_is_a_clear_error_and_changes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    from perflib.cli import main

    make_params(tmp_path, ["d-one"])
    make_template(tmp_path / "t.ipynb", "print('ok')")
    run(options(tmp_path, "out"))
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file() and p.name != ".perflib.lock"}
    monkeypatch.setenv("PERFLIB_DASK_TIMEOUT", "2")
    code = main(["run", "--params", str(tmp_path / "params"), "--outputs", str(tmp_path / "out"), "--template",
                 str(tmp_path / "t.ipynb"), "--scheduler", "tcp://127.0.0.1:9", "--force", "--no-overview", "--quiet"])
    assert code == 2
    assert "无法连接 Dask 调度器 tcp://127.0.0.1:9" in capsys.readouterr().err
    after = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file() and p.name != ".perflib.lock"}
    assert after == before
