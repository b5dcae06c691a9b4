"""The warm engine: identical reports to the cold engine, isolation between reports, restarts, memory."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from perflib.batch import RunOptions, run
from perflib.demo import generate
from perflib.engine import engines
from perflib.engine.parity import same_report

from .conftest import EXAMPLE, FRAMEWORKS, REPO

TEMPLATE = REPO / "notebooks" / "report.ipynb"


def _params(root: Path, codes: dict[str, Path]) -> Path:
    """params/ with the given department codes, each a copy of a source params file."""
    params = root / "params"
    if not (params / "frameworks").exists():
        shutil.copytree(FRAMEWORKS, params / "frameworks")
    for code, source in codes.items():
        text = source.read_text(encoding="utf-8").replace(f"code: {source.parent.name}", f"code: {code}")
        (params / code).mkdir(parents=True, exist_ok=True)
        (params / code / source.name).write_text(text, encoding="utf-8")
    return params


def _run(root: Path, params: Path, engine: str, name: str, template: Path = TEMPLATE, **kw):
    opts = RunOptions(params_dir=params, outputs_dir=root / name, template=template, engine=engine,
                      progress=False, overview=False, **{"jobs": 2, **kw})
    return run(opts)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("parity")
    demo = root / "demo"
    generate(demo, frameworks_dir=FRAMEWORKS)
    params = _params(root, {"baiyun-emergency": EXAMPLE})
    for code in ("demo-justice", "demo-water"):
        shutil.copytree(demo / code, params / code)
    return params


def test_warm_reports_identical_to_cold(portfolio: Path, tmp_path: Path) -> None:
    cold = _run(tmp_path, portfolio, "cold", "cold")
    warm = _run(tmp_path, portfolio, "warm", "warm")
    assert {e.status for e in cold.entries} == {e.status for e in warm.entries} == {"ok"}
    assert len([e for e in warm.entries if e.kind == "report"]) == 7
    for e in warm.entries:
        folder = Path(e.code) / str(e.year)
        assert same_report(tmp_path / "cold" / folder, tmp_path / "warm" / folder) == (True, True), folder


POLLUTE = '''
import os, matplotlib
if department.startswith("a-"):  # settings and globals: undone by the reset, no restart needed
    matplotlib.rcParams["font.size"] = 30
    matplotlib.rcParams["axes.grid"] = False
    leaked = "全局变量"
    os.environ["PERFLIB_LEAK"] = "1"
if department.startswith("c-"):  # a patched perflib function: the kernel is restarted
    import perflib.present.report as _r
    _r.title = lambda report: _r.HTML("<h1>被篡改</h1>")
    import perflib.present.charts as _c
    _c.STYLE["font.size"] = 40
if department.startswith("e-"):
    raise RuntimeError("故意失败")
'''
CHECK = '''import os, matplotlib\nprint("leaked" in globals(), os.environ.get("PERFLIB_LEAK"), matplotlib.rcParams["font.size"])'''


def _polluting_template(path: Path) -> Path:
    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells.insert(2, new_code_cell(CHECK))  # before the report: what the previous report left
    nb.cells.append(new_code_cell(POLLUTE))  # after the report: pollute the kernel for the next one
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"t{i:02d}"
    nbformat.write(nb, path)
    return path


def test_pollution_does_not_reach_the_next_report(tmp_path: Path) -> None:
    codes = {f"{p}-{name}": EXAMPLE for p, name in (("a", "rc"), ("b", "victim"), ("c", "patch"), ("d", "victim"),
                                                    ("e", "fail"), ("f", "victim"))}
    params = _params(tmp_path, codes)
    template = _polluting_template(tmp_path / "t.ipynb")
    warm = _run(tmp_path, params, "warm", "warm", template=template, jobs=1)  # one kernel, in order
    kernel = engines.thread_kernel()
    statuses = {e.code: e.status for e in warm.entries}
    assert statuses == {"a-rc": "ok", "b-victim": "ok", "c-patch": "ok", "d-victim": "ok", "e-fail": "failed",
                        "f-victim": "ok"}
    assert any(r.startswith("patched:") and "perflib" in r for r in kernel.restarts), kernel.restarts
    assert "a report failed" in kernel.restarts
    assert not any("global" in r or "rcParams" in r for r in kernel.restarts)  # those were simply reset
    victims = ["b-victim", "d-victim", "f-victim"]
    _run(tmp_path, params, "cold", "cold", template=template, departments=victims)
    for victim in victims:
        warm_dir, cold_dir = tmp_path / "warm" / victim / "2023", tmp_path / "cold" / victim / "2023"
        assert same_report(cold_dir, warm_dir) == (True, True), victim
        html = (warm_dir / "report.html").read_text(encoding="utf-8")
        assert "被篡改" not in html and "False None 10.0" in html


def test_restart_every_k(tmp_path: Path) -> None:
    params = _params(tmp_path, {f"d-{i}": EXAMPLE for i in range(3)})
    _run(tmp_path, params, "warm", "out", jobs=1, restart_every=2)
    assert "2 reports since start" in engines.thread_kernel().restarts


def _light_template(path: Path) -> Path:
    """The report template's first chapter, the conclusion (load, prose, tables, two charts) and the appendix."""
    from nbformat.v4 import new_code_cell

    nb = nbformat.read(TEMPLATE, as_version=4)
    cut = next(i for i, c in enumerate(nb.cells) if "report.chapter(r, 1)" in c.source) + 1
    nb.cells = [*nb.cells[:cut], new_code_cell("report.conclusion(r)"),
                *[c for c in nb.cells if "report.chapter(r, 5)" in c.source]]
    nbformat.write(nb, path)
    return path


def test_memory_stays_flat_over_100_reports(tmp_path: Path) -> None:
    """One warm kernel (no restarts) renders the worked example 100 times; kernel and host memory stay flat."""
    import resource

    import papermill as pm

    template = _light_template(tmp_path / "light.ipynb")
    params = _params(tmp_path, {"baiyun-emergency": EXAMPLE})
    kernel = engines.WarmKernel(max_runs=0, max_rss_mb=0)  # never restarted: a leak would show
    kernel_rss, host_rss = [], []
    engines.register()
    parameters = {"department": "baiyun-emergency", "year": 2023, "params_dir": str(params)}
    try:
        for i in range(100):
            pm.execute_notebook(str(template), None, parameters=parameters, engine_name=engines.WARM,
                                kernel_name="python3", language="python", progress_bar=False, warm_kernel=kernel)
            if i:  # the reset of report i is collected when report i + 1 starts
                kernel_rss.append(kernel.last_reset["rss_mb"])
            host_rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        assert kernel.restarts == []
    finally:
        kernel.shutdown()
    assert len(kernel_rss) == 99
    settled = kernel_rss[9]
    assert max(kernel_rss[10:]) - settled < 25, kernel_rss[::10]  # MB
    assert host_rss[-1] - host_rss[9] < 40, host_rss[::10]


FRESH_KERNEL = '''
import matplotlib, sys
from matplotlib.figure import Figure
from IPython.display import display
fig = Figure(figsize=(2, 1))
fig.add_subplot().plot([1, 2], [year % 3, 1])
display(fig)  # a cold kernel has no PNG formatter for a bare Figure: neither may a warm one
print(matplotlib.rcParams["font.sans-serif"][:2], "matplotlib.pyplot" in sys.modules, sorted(globals())[-3:])
'''


def test_warm_kernel_starts_each_notebook_like_a_cold_one(tmp_path: Path) -> None:
    """Nothing perflib does while warming a kernel (fonts, preloads) is visible to a notebook."""
    from .test_batch import make_template

    params = _params(tmp_path, {f"d-{i}": EXAMPLE for i in range(2)})
    template = make_template(tmp_path / "fresh.ipynb", FRESH_KERNEL)
    _run(tmp_path, params, "cold", "cold", template=template)
    _run(tmp_path, params, "warm", "warm", template=template, jobs=1)
    for code in ("d-0", "d-1"):
        assert same_report(tmp_path / "cold" / code / "2023", tmp_path / "warm" / code / "2023") == (True, True)
