"""Runs *inside* a warm kernel: the clean-up between two reports.

The warm engine (:mod:`perflib.engine.engines`) imports this module in every kernel it starts, calls
:func:`setup` once (preload, warm-up, baseline snapshot) and :func:`reset` after every report.
:func:`reset` restores what can be restored cheaply (:data:`RESTORED` lists it) and reports what it
cannot undo: a library or perflib function replaced (monkeypatched), an IPython hook installed,
modules imported that the kernel did not have at start, the matplotlib backend switched, memory above
the limit. The host then restarts the kernel.

Each call returns a :class:`Reply` whose ``repr`` is JSON; the host reads it through
``user_expressions`` (evaluated after the hidden cell, reported as text/plain).
"""

from __future__ import annotations

import copy
import gc
import json
import logging
import os
import sys
import types
import warnings
from collections.abc import Mapping

#: packages whose functions and classes are fingerprinted to detect monkeypatches
WATCH = ("perflib", "matplotlib", "numpy", "nbformat", "IPython", "builtins", "json", "os", "decimal")
#: modules imported at start (and kept between reports): what the report template uses. Only modules
#: whose import changes nothing a notebook can see: e.g. not matplotlib_inline, whose import registers
#: IPython display formatters that a cold kernel would not have.
PRELOAD = ("perflib.present.report", "perflib.present.overview", "perflib.present.charts", "perflib.present.html",
           "perflib.engine.handover",
           "matplotlib.figure", "numpy.random",
           "matplotlib.backends.backend_svg", "numpy", "encodings.utf_8_sig", "zmq.utils.garbage")

#: What every reset puts back as it was when the kernel started (the README lists the same).
RESTORED = (
    "the IPython namespace and execution count", "matplotlib figures and rcParams", "warning filters",
    "os.environ (and the time zone)", "sys.path", "the working folder", "every logger's level, handlers, "
    "filters, propagation and disabled flag, and logging.disable", "the decimal context (precision, rounding, "
    "traps, flags, exponent limits)", "numpy's print options and floating-point error handling",
    "numpy's and Python's global random generators (seeded afresh, as in a new kernel)", "sys.setrecursionlimit",
    "sys.set_int_max_str_digits", "the locale", "the umask", "the garbage collector's thresholds",
    "socket.setdefaulttimeout", "the evaluations the batch handed over (perflib.evaluation.give)",
)

_base: dict = {}


class Reply:
    """A reply whose repr is its JSON text (a str would be repr'd with quotes and escapes)."""

    def __init__(self, **data: object) -> None:
        self.text = json.dumps(data, ensure_ascii=False, default=repr)

    def __repr__(self) -> str:
        return self.text


#: besides callables: what else is patched by rebinding (callable() is the fast test, these the rest)
_PATCHABLE = (types.ModuleType, staticmethod, classmethod, property)


def _watched(name: str) -> bool:
    return name.split(".")[0] in WATCH and name != __name__


def _callables(module: types.ModuleType) -> tuple[list[tuple[str, object]], list[tuple[dict, list]]]:
    """A module's callables (and what else is patched by rebinding), and the methods of the classes it
    defines: (name, object) pairs, and (class namespace, pairs)."""
    namespace = getattr(module, "__dict__", None)
    if not isinstance(namespace, dict):
        return [], []
    name = module.__name__
    skip = ("input", "getpass") if name in ("builtins", "getpass") else ()  # rebound by ipykernel
    items = [(k, v) for k, v in list(namespace.items()) if (callable(v) or isinstance(v, _PATCHABLE)) and k not in skip]
    classes = [(vars(cls), [(k, v) for k, v in list(vars(cls).items()) if callable(v) or isinstance(v, _PATCHABLE)])
               for _, cls in items if isinstance(cls, type) and cls.__module__ == name]
    return items, classes


def _fingerprint(module: types.ModuleType) -> int:
    """Identity of a module's callables (and of the methods of classes it defines)."""
    items, classes = _callables(module)
    ids = [(k, id(v)) for k, v in items] + [(k, id(v)) for _, pairs in classes for k, v in pairs]
    return hash(tuple(ids))


def _fingerprints() -> dict[str, tuple[int, int, tuple]]:
    """Every watched module's fingerprint, with what :func:`_patched` checks first: the size of its namespace
    and its callables themselves."""
    out = {}
    for n, m in list(sys.modules.items()):
        if m is not None and _watched(n) and isinstance(getattr(m, "__dict__", None), dict):
            items, classes = _callables(m)
            ids = [(k, id(v)) for k, v in items] + [(k, id(v)) for _, pairs in classes for k, v in pairs]
            out[n] = (hash(tuple(ids)), len(m.__dict__), (items, [(ns, len(ns), pairs) for ns, pairs in classes]))
    return out


def _patched(base: dict[str, tuple[int, int, tuple]]) -> list[str]:
    """The watched modules whose callables are not those of the baseline (a function replaced, added or
    removed). Quick where nothing changed: each baseline callable is looked up by name and compared by
    identity, and only a namespace whose size changed is fingerprinted again."""
    out = []
    for name, (fingerprint, size, (items, classes)) in base.items():
        module = sys.modules.get(name)
        if module is None:
            continue
        namespace = module.__dict__
        if not (_same(namespace, items) and all(len(ns) == n and _same(ns, pairs) for ns, n, pairs in classes)) or (
                len(namespace) != size and _fingerprint(module) != fingerprint):
            out.append(name)
    return sorted(out)


def _same(namespace: Mapping, pairs: list[tuple[str, object]]) -> bool:
    get = namespace.get
    for k, v in pairs:
        if get(k, _GONE) is not v:
            return False
    return True


_GONE = object()


def _hooks() -> str:
    from IPython import get_ipython

    ip = get_ipython()
    events = {k: [id(f) for f in v] for k, v in ip.events.callbacks.items()}
    formatters = {mime: (f.enabled, sorted(map(repr, f.type_printers)), sorted(map(repr, f.deferred_printers)))
                  for mime, f in ip.display_formatter.formatters.items()}
    return repr((events, formatters, sorted(ip.extension_manager.loaded), [id(t) for t in ip.ast_transformers],
                 [id(t) for t in ip.input_transformers_post], id(sys.stdout), id(sys.stderr), id(sys.displayhook),
                 sys.gettrace() is None, sys.getprofile() is None))


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return None


def _loggers() -> dict[str, tuple]:
    """Every logger's state: level, handlers, filters, propagate, disabled (the root's under "")."""
    out = {"": _logger_state(logging.root)}
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            out[name] = _logger_state(logger)
    return out


def _logger_state(logger: logging.Logger) -> tuple:
    return logger.level, list(logger.handlers), list(logger.filters), logger.propagate, logger.disabled


_NEW_LOGGER = (logging.NOTSET, [], [], True, False)  # a logger a cold kernel would not have yet


def _restore_loggers(saved: dict[str, tuple]) -> None:
    now = {"": logging.root, **{n: lg for n, lg in list(logging.root.manager.loggerDict.items())
                                if isinstance(lg, logging.Logger)}}
    for name, logger in now.items():
        level, handlers, filters, propagate, disabled = saved.get(name, _NEW_LOGGER)
        if _logger_state(logger) != (level, handlers, filters, propagate, disabled):
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.filters[:] = filters
            logger.propagate, logger.disabled = propagate, disabled


def _interpreter() -> dict:
    """Process-wide settings a notebook can change with one call, and that a fresh kernel would not have."""
    import decimal
    import locale
    import socket

    umask = os.umask(0)
    os.umask(umask)
    state = {
        "decimal": decimal.getcontext().copy(),
        "recursionlimit": sys.getrecursionlimit(),
        "int_max_str_digits": sys.get_int_max_str_digits(),
        "locale": locale.setlocale(locale.LC_ALL),
        "umask": umask,
        "gc_threshold": gc.get_threshold(),
        "socket_timeout": socket.getdefaulttimeout(),
    }
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        state["numpy"] = (numpy.get_printoptions(), numpy.geterr())
    return state


def _restore_interpreter(saved: dict) -> None:
    import decimal
    import locale
    import random
    import socket

    decimal.setcontext(saved["decimal"].copy())
    random.seed()  # fresh entropy, as a new kernel's generators have (not the same numbers every report)
    sys.setrecursionlimit(saved["recursionlimit"])
    sys.set_int_max_str_digits(saved["int_max_str_digits"])
    if locale.setlocale(locale.LC_ALL) != saved["locale"]:
        locale.setlocale(locale.LC_ALL, saved["locale"])
    os.umask(saved["umask"])
    gc.set_threshold(*saved["gc_threshold"])
    socket.setdefaulttimeout(saved["socket_timeout"])
    if "numpy" in saved:
        numpy = sys.modules["numpy"]
        printoptions, errors = saved["numpy"]
        numpy.set_printoptions(**printoptions)
        numpy.seterr(**errors)
    if "numpy.random" in sys.modules:  # not imported here: numpy loads it lazily, and that is a new module
        sys.modules["numpy.random"].seed()


def _snapshot() -> None:
    import matplotlib

    _base.update(
        modules=set(sys.modules),
        environ=dict(os.environ),
        path=list(sys.path),
        cwd=os.getcwd(),
        warnings=list(warnings.filters),
        logging=(_loggers(), logging.root.manager.disable),
        interpreter=_interpreter(),
        rc={k: copy.deepcopy(v) for k, v in dict.items(matplotlib.rcParams) if k != "backend"},
        backend=dict.__getitem__(matplotlib.rcParams, "backend"),
        fingerprints=_fingerprints(),
        hooks=_hooks(),
    )
    # Everything the kernel holds now stays for its whole life: move it out of the collector's sight,
    # so the full collection of every reset (IPython's) and those during a report only walk the
    # report's own objects (~70 ms less per report).
    gc.collect()
    gc.freeze()


def preload(modules: tuple[str, ...] | list[str] = PRELOAD) -> dict[str, str]:
    """Import what the reports use; the modules that could not be imported, and why.

    A warm kernel runs this as it boots (see :data:`perflib.engine.kernels.WARM_ARGUMENTS`), while its
    worker imports papermill and nbconvert, and :func:`setup` again for the modules learned since."""
    import importlib

    failed = {}
    gc.disable()  # imports make many objects and few cycles: collecting meanwhile costs ~10 % of them
    try:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception as exc:  # noqa: BLE001 - a missing optional module is not fatal
                failed[name] = repr(exc)
    finally:
        gc.enable()
    return failed


def setup(learned: list[str] | None = None) -> Reply:
    """Import what the reports use, warm the font, and take the baseline every reset restores."""
    failed = preload([*PRELOAD, *(learned or [])])
    import matplotlib

    from ..present import charts, report

    pristine = {k: copy.deepcopy(v) for k, v in dict.items(matplotlib.rcParams)}
    report.setup()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        charts.svg(_warmup_figure())  # font loading and the SVG writer: paid once
    # a cold kernel starts with matplotlib's own settings: so must every report in a warm one
    with matplotlib._api.suppress_matplotlib_deprecation_warning():
        dict.update(matplotlib.rcParams, pristine)
    _snapshot()
    return Reply(preload_failed=failed, modules=len(sys.modules))


def _warmup_figure():
    from matplotlib.figure import Figure

    from ..present import charts

    with charts.style():
        fig = Figure(figsize=(2, 1))
        ax = fig.add_subplot()
        ax.bar([0, 1], [1, 2], hatch="//")
        ax.set_title("预热 ≥‰（）−")
    return fig


def rebaseline() -> Reply:
    """After the visible warm-up cell: fresh namespace, then the baseline again."""
    from IPython import get_ipython

    get_ipython().reset(new_session=True)
    _snapshot()
    return Reply(modules=len(sys.modules), cwd=os.getcwd())


def prepare(cwd: str | None) -> Reply:
    if cwd and os.getcwd() != cwd:
        os.chdir(cwd)
    return Reply(cwd=os.getcwd())


def reset() -> Reply:
    """Restore the baseline; return what could not be restored (``dirty``)."""
    import matplotlib
    from IPython import get_ipython

    dirty: list[str] = []
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    changed = [k for k, v in dict.items(matplotlib.rcParams) if k in _base["rc"] and v != _base["rc"][k]]
    if changed:
        with matplotlib._api.suppress_matplotlib_deprecation_warning():
            for key in changed:
                matplotlib.rcParams[key] = _base["rc"][key]
    if dict.__getitem__(matplotlib.rcParams, "backend") != _base["backend"]:
        dirty.append("matplotlib backend switched")
    if dict(os.environ) != _base["environ"]:
        zone = os.environ.get("TZ")
        os.environ.clear()
        os.environ.update(_base["environ"])
        if zone != os.environ.get("TZ") and hasattr(__import__("time"), "tzset"):
            __import__("time").tzset()
    sys.path[:] = _base["path"]
    if os.getcwd() != _base["cwd"]:
        os.chdir(_base["cwd"])
    warnings.filters[:] = _base["warnings"]
    warnings._filters_mutated()  # "once"/"default" warnings show again in the next report
    loggers, disable = _base["logging"]
    _restore_loggers(loggers)
    logging.disable(disable)
    _restore_interpreter(_base["interpreter"])
    sys.modules["perflib.evaluation"].give({})  # the next notebook gets its own
    get_ipython().reset(new_session=True)  # not %reset -f: that keeps counting executions
    new = sorted(set(sys.modules) - _base["modules"])
    if new:
        dirty.append("new modules: " + ", ".join(new[:6]) + (" …" if len(new) > 6 else ""))
    patched = _patched(_base["fingerprints"])
    if patched:
        dirty.append("patched: " + ", ".join(patched[:6]))
    if _hooks() != _base["hooks"]:
        dirty.append("IPython/sys hooks changed")
    return Reply(dirty=dirty, new_modules=new, rss_mb=_rss_mb())
