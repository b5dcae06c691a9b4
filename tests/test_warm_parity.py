"""The warm engine against papermill's default engine and perflib-cold, notebook by notebook.

Each case changes some interpreter state and is followed, in the same warm kernel, by a probe that
prints that state: the probe must read exactly as in a fresh kernel. papermill's ``cwd=`` must hold
for every notebook, and a cell stopped by ``execution_timeout`` must keep its traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from perflib.engine import engines
from perflib.engine.parity import normalized_notebook

# name → a cell that changes what a later notebook in the same kernel could see
CASES = {
    "decimal": "import decimal\nctx = decimal.getcontext()\nctx.prec = 5\nctx.rounding = decimal.ROUND_DOWN\n"
               "ctx.traps[decimal.Inexact] = True\nctx.Emax = 99",
    "numpy": "import numpy as np\nnp.set_printoptions(precision=2, suppress=True)\nnp.seterr(all='raise')",
    "loggers": "import logging\nlogging.getLogger('perflib').setLevel(logging.CRITICAL)\n"
               "logging.getLogger('asyncio').disabled = True\nlogging.getLogger('traitlets').propagate = False\n"
               "logging.getLogger('made.here').addHandler(logging.StreamHandler())\n"
               "logging.getLogger('made.here').setLevel(logging.DEBUG)\nlogging.disable(logging.WARNING)",
    "limits": "import sys\nsys.setrecursionlimit(321)\nsys.set_int_max_str_digits(640)",
    "random": "import random\nimport numpy as np\nrandom.seed(1)\nnp.random.seed(1)",
    "process": "import gc, os, socket, time\ngc.set_threshold(11, 3, 2)\nos.umask(0o077)\nsocket.setdefaulttimeout(3)\n"
               "os.environ['TZ'] = 'Asia/Tokyo'\ntime.tzset()\nos.chdir('/')",
    "locale": "import locale\ntry:\n    locale.setlocale(locale.LC_ALL, 'C.UTF-8')\nexcept locale.Error:\n    pass\n"
              "locale.setlocale(locale.LC_NUMERIC, 'C')",
    "perflib": "import decimal\ndecimal.getcontext().prec = 3\nfrom perflib import numbers\n"
               "print(numbers.fmt_number(decimal.Decimal('1234.125')),\n"
               "      numbers.percent(numbers.ratio(decimal.Decimal(2), decimal.Decimal(3))))",
}

PROBE = r'''
import decimal, gc, locale, logging, os, random, socket, sys, time
import numpy as np
print(decimal.Decimal(1) / decimal.Decimal(3), decimal.getcontext())
print(np.array([1 / 3, 1e-9]), np.geterr())
with np.errstate():
    print(np.float64(1.0) / np.float64(0.0) if False else "division warns, not raises:", np.geterr()["divide"])
print({n: (logging.getLogger(n).level, len(logging.getLogger(n).handlers), logging.getLogger(n).propagate,
           logging.getLogger(n).disabled) for n in ("", "perflib", "asyncio", "traitlets", "made.here")},
      logging.root.manager.disable)
print(sys.getrecursionlimit(), sys.get_int_max_str_digits(), gc.get_threshold(), socket.getdefaulttimeout())
umask = os.umask(0); os.umask(umask); print(oct(umask), time.tzname, locale.setlocale(locale.LC_ALL))
print(random.random() == 0.13436424411240122, np.random.rand() == 0.417022004702574)  # not seed 1's numbers
'''


def _notebook(path: Path, source: str) -> Path:
    nb = new_notebook(cells=[new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _execute(src: Path, out: Path, engine: str | None, **kw) -> None:
    engines.register()
    pm.execute_notebook(str(src), str(out), kernel_name="python3", progress_bar=False, log_output=False,
                        engine_name=engine, **kw)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parity-notebooks")
    for name, source in CASES.items():
        _notebook(root / f"{name}.ipynb", source)
    _notebook(root / "probe.ipynb", PROBE)
    return root


def test_no_state_survives_into_the_next_notebook(notebooks: Path, tmp_path: Path) -> None:
    _execute(notebooks / "probe.ipynb", tmp_path / "probe-cold.ipynb", engines.COLD)
    expected = normalized_notebook(tmp_path / "probe-cold.ipynb")
    kernel = engines.WarmKernel()
    try:
        for name in CASES:  # one warm kernel: each case, then the probe
            _execute(notebooks / f"{name}.ipynb", tmp_path / f"{name}-warm.ipynb", engines.WARM, warm_kernel=kernel)
            _execute(notebooks / "probe.ipynb", tmp_path / f"probe-after-{name}.ipynb", engines.WARM,
                     warm_kernel=kernel)
            probe = normalized_notebook(tmp_path / f"probe-after-{name}.ipynb")
            assert probe == expected, (name, _difference(_outputs(tmp_path / f"probe-after-{name}.ipynb"),
                                                         _outputs(tmp_path / "probe-cold.ipynb")))
        assert kernel.restarts == [], kernel.restarts  # all of it was undone, not restarted away
    finally:
        kernel.shutdown()


def test_perflib_figures_ignore_the_notebooks_decimal_context(notebooks: Path, tmp_path: Path) -> None:
    _execute(notebooks / "perflib.ipynb", tmp_path / "cold.ipynb", engines.COLD)
    assert _outputs(tmp_path / "cold.ipynb") == ["1,234.13 66.67\n"]


@pytest.mark.parametrize("engine", [None, engines.COLD, engines.WARM])
def test_cwd_holds_for_every_notebook(engine: str | None, tmp_path: Path) -> None:
    check = _notebook(tmp_path / "check.ipynb", "import os\nprint(os.path.basename(os.getcwd()))\n"
                                                "assert os.path.exists('here.txt')")
    kernel = engines.WarmKernel()
    extra = {"warm_kernel": kernel} if engine == engines.WARM else {}
    try:
        for folder in ("first", "second", "third"):
            (tmp_path / folder).mkdir()
            (tmp_path / folder / "here.txt").write_text(folder, encoding="utf-8")
            _execute(check, tmp_path / f"{folder}.ipynb", engine, cwd=str(tmp_path / folder), **extra)
            assert _outputs(tmp_path / f"{folder}.ipynb") == [f"{folder}\n"]
    finally:
        kernel.shutdown()


@pytest.mark.parametrize("engine", [engines.COLD, engines.WARM])
def test_a_timed_out_cell_keeps_its_traceback(engine: str, tmp_path: Path) -> None:
    from nbclient.exceptions import CellTimeoutError

    hang = _notebook(tmp_path / "hang.ipynb", "import time\nprint('before')\ntime.sleep(30)")
    with pytest.raises(CellTimeoutError):
        _execute(hang, tmp_path / "out.ipynb", engine, execution_timeout=2)
    cell = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0]
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "KeyboardInterrupt", cell.outputs
    assert any("time.sleep(30)" in re.sub(r"\x1b\[[0-9;]*m", "", line) for line in errors[0].traceback)
    engines.shutdown()


def _difference(warm: list, cold: list) -> list[str]:
    """The lines in which the warm probe's output differs from the cold one's."""
    import difflib

    return [line for line in difflib.unified_diff("".join(map(str, cold)).splitlines(),
                                                  "".join(map(str, warm)).splitlines(), "cold", "warm", lineterm="")
            if line.startswith(("-", "+"))]


def _outputs(path: Path) -> list:
    nb = json.loads(path.read_text(encoding="utf-8"))
    texts = [o.get("text") or o.get("data", {}).get("text/plain") or o.get("ename")
             for c in nb["cells"] for o in c.get("outputs", [])]
    return ["".join(t) if isinstance(t, list) else t for t in texts]


PAPERMILL = Path(__file__).parent / "papermill_notebooks"
# papermill's own test notebooks with the parameters and keyword arguments papermill's tests pass
PAPERMILL_CASES = [
    ("simple_execute.ipynb", {"msg": "Hello"}, {}),
    ("read_check.ipynb", {}, {"cwd": "checked"}),  # cwd= must hold for every notebook in a warm kernel
    ("complex_parameters.ipynb", {"msg": "Hello"}, {}),
    ("simple_execute.ipynb", {"msg": '"Hello"'}, {}),
    ("report_mode_test.ipynb", {"a": 0}, {"report_mode": True}),
    ("no_parameters.ipynb", {"var": "It works"}, {}),
    ("nb_version_4.4.ipynb", {}, {}),
    ("blank-vscode.ipynb", {}, {}),
    ("result_no_exec.ipynb", {}, {}),
    ("test_notebooknode_io.ipynb", {}, {}),
    ("test_logging.ipynb", {}, {}),
    ("broken1.ipynb", {}, {}),
    ("broken2.ipynb", {}, {}),
    ("line_magic_error.ipynb", {}, {}),
    ("sysexit0.ipynb", {}, {}),
    ("sysexit1.ipynb", {}, {}),
    ("systemexit.ipynb", {}, {}),
    ("keyboard_interrupt.ipynb", {}, {"execution_timeout": 2}),  # the interrupted cell keeps its traceback
    ("read_check.ipynb", {}, {"cwd": "checked"}),
]


def _run_case(name: str, parameters: dict, kw: dict, out: Path, engine: str | None, root: Path, **extra) -> str:
    kw = dict(kw)
    if "cwd" in kw:
        kw["cwd"] = str(root / kw["cwd"])
    try:
        pm.execute_notebook(str(PAPERMILL / name), str(out), parameters=parameters, kernel_name="python3",
                            progress_bar=False, log_output=False, engine_name=engine, **kw, **extra)
        outcome = "ok"
    except Exception as exc:  # noqa: BLE001 - the failure is part of what must match
        outcome = type(exc).__name__
    return outcome


def _without_cell_ids(text: str) -> str:
    """papermill's notebooks are nbformat 4.4: reading them gives every cell a new random id."""
    nb = json.loads(text)
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = str(i)
    return json.dumps(nb, sort_keys=True, ensure_ascii=False)


@pytest.fixture(scope="module")
def reused_kernel() -> Iterator[engines.WarmKernel]:
    """One warm kernel for every papermill notebook this test process runs, one after another."""
    kernel = engines.WarmKernel()
    try:
        yield kernel
    finally:
        kernel.shutdown()


@pytest.mark.parametrize(("name", "parameters", "kw"), PAPERMILL_CASES, ids=[c[0] for c in PAPERMILL_CASES])
def test_papermills_own_notebooks_behave_alike_under_every_engine(name: str, parameters: dict, kw: dict,
                                                                   reused_kernel: engines.WarmKernel,
                                                                   tmp_path: Path) -> None:
    """Each notebook under papermill's engine, perflib-cold and perflib-warm (one kernel reused for all of
    them, in the order they run): the same outcome and the same executed notebook (without timestamps and
    paths)."""
    engines.register()
    (tmp_path / "checked").mkdir()
    (tmp_path / "checked" / "check.txt").write_text("here", encoding="utf-8")
    runs = {}
    for engine in (None, engines.COLD, engines.WARM):
        out = tmp_path / f"{engine or 'papermill'}.ipynb"
        extra = {"warm_kernel": reused_kernel} if engine == engines.WARM else {}
        outcome = _run_case(name, parameters, kw, out, engine, tmp_path, **extra)
        runs[engine] = (outcome, _without_cell_ids(normalized_notebook(out)) if out.exists() else None)
    assert len({r[0] for r in runs.values()}) == 1, {k or "papermill": v[0] for k, v in runs.items()}
    assert len({r[1] for r in runs.values()}) == 1, name


def test_a_notebooks_printed_text_split_in_two_messages_is_the_same_notebook(tmp_path: Path) -> None:
    """The parity flake ('process', no line differs): one run's cell printed its text in one stream output,
    the other's in two (the kernel flushes on a clock). Normalised, they are the same; other outputs are not
    joined, and stdout is never joined with stderr."""
    import nbformat

    from perflib.engine.parity import normalized_notebook

    def saved(name: str, outputs: list) -> Path:
        cell = nbformat.v4.new_code_cell("print('a'); print('b')", outputs=outputs)
        cell.id = "same"
        nb = nbformat.v4.new_notebook(cells=[cell])
        nbformat.write(nb, tmp_path / name)
        return tmp_path / name

    stream = nbformat.v4.new_output
    one = saved("one.ipynb", [stream("stream", name="stdout", text="a\nb\n")])
    two = saved("two.ipynb", [stream("stream", name="stdout", text="a\n"), stream("stream", name="stdout", text="b\n")])
    mixed = saved("mixed.ipynb", [stream("stream", name="stdout", text="a\n"), stream("stream", name="stderr", text="b\n")])
    assert normalized_notebook(one) == normalized_notebook(two) != normalized_notebook(mixed)
