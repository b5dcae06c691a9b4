"""papermill engines: ``perflib-cold`` (a new kernel per report) and ``perflib-warm`` (kernels reused).

Both are papermill engines (subclasses of ``papermill.engines.NBClientEngine``, registered with
papermill and as ``papermill.engine`` entry points, so ``papermill --engine perflib-warm`` works too).
The executed notebook therefore carries papermill's own metadata, parameters, per-cell status and
error banner, exactly as a plain papermill run writes them. What they add:

* both save the partly executed notebook when a cell times out or the kernel dies — papermill
  saves nothing then — with a banner saying what happened, so the failure can be debugged;
* ``perflib-warm`` runs each report in an already started kernel (one per worker). Starting a
  kernel and importing matplotlib and perflib is most of a cold report's time; a warm kernel pays
  it once. Between reports :mod:`perflib.engine.warm_agent` resets the namespace, closes figures,
  restores matplotlib settings and more, and reports anything it cannot undo (a monkeypatched
  library or perflib function, a new IPython hook, new modules); the kernel is then restarted, as
  it is after any failed report, after every ``max_runs`` reports and above ``max_rss_mb``.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import os
import threading
import time
import weakref
from functools import partial
from queue import Empty

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.iorw import write_ipynb
from papermill.log import logger as pm_logger
from papermill.utils import merge_kwargs, remove_args

from . import RESTART_EVERY, Engine
from .kernels import kernel_manager_class, launch, wait_ready

log = logging.getLogger(__name__)

COLD, WARM = Engine.COLD.papermill_name, Engine.WARM.papermill_name
MAX_RUNS = int(os.environ.get("PERFLIB_WARM_MAX_RUNS", RESTART_EVERY))  # restart after this many reports (K)
MAX_RSS_MB = float(os.environ.get("PERFLIB_WARM_MAX_RSS_MB", "1500"))
# a visible cell through the display machinery a report cell uses (displayhook, HTML formatter)
WARMUP = "from perflib.present.html import HTML as _HTML\n_HTML('<p>预热</p>')"

_FAILURE_TEXT = {
    CellTimeoutError: "代码单元执行超时，执行被终止",
    DeadKernelError: "内核意外退出（被终止或内存不足）",
}


def _mark_failure(nb, exc: BaseException) -> None:  # NotebookNode
    """Put a banner on a notebook whose run stopped on a timeout or a dead kernel."""
    from nbformat.v4 import new_markdown_cell

    text = next((t for cls, t in _FAILURE_TEXT.items() if isinstance(exc, cls)), type(exc).__name__)
    banner = new_markdown_cell(
        f'<span style="color:red; font-size:1.2em">perflib：{text}。</span>\n\n{str(exc).splitlines()[0] if str(exc) else ""}',
        metadata={"tags": ["perflib-failure"]},
    )
    nb.cells.insert(0, banner)
    nb.metadata.setdefault("perflib", {})["failure"] = type(exc).__name__


def _client_kwargs(kernel_name: str, *, log_output: bool, stdout_file: object, stderr_file: object,
                   start_timeout: float, execution_timeout: float | None, **kwargs: object) -> dict:
    """The notebook client's options from papermill's engine arguments, as papermill's own engine makes them."""
    kwargs = remove_args(["input_path"], **kwargs)
    safe = remove_args(["timeout", "startup_timeout"], **kwargs)
    return merge_kwargs(safe, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                        startup_timeout=start_timeout, kernel_name=kernel_name, log=pm_logger,
                        log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)


async def _run_prelude(client: PapermillNotebookClient, code: str, **_: object) -> None:
    """Run ``code`` silently in the client's kernel before the first cell (nbclient's notebook-start hook)."""
    msg_id = client.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
    reply = await client.async_wait_for_reply(msg_id)
    content = (reply or {}).get("content", {})
    if content.get("status") != "ok":
        raise RuntimeError(f"perflib could not prepare the kernel: {content.get('ename')}: {content.get('evalue')}")


class ColdEngine(NBClientEngine):
    """papermill's own engine (a new kernel per notebook), saving the notebook on timeout or dead kernel.

    ``prelude=`` (a perflib extra) is code the kernel runs silently before the first cell: the batch hands
    its evaluations over that way (:mod:`perflib.engine.handover`); it leaves no trace in the notebook.
    """

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, save_on_failure=None, **kwargs):
        nb_man = NotebookExecutionManager(nb, output_path=output_path, progress_bar=progress_bar,
                                          log_output=log_output, autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        except BaseException as exc:
            if save_on_failure:
                nb_man.notebook_complete()
                _mark_failure(nb_man.nb, exc)
                write_ipynb(nb_man.nb, save_on_failure)
            raise
        finally:
            nb_man.cleanup_pbar()
            if not nb_man.end_time:
                nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, prelude=None,
                                 **kwargs):
        kwargs.setdefault("kernel_manager_class", kernel_manager_class())
        final = _client_kwargs(kernel_name, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                               start_timeout=start_timeout, execution_timeout=execution_timeout, **kwargs)
        client = PapermillNotebookClient(nb_man, **final)
        if prelude:
            client.on_notebook_start = partial(_run_prelude, client, prelude)
        return client.execute()


# ---------------------------------------------------------------------- warm kernels


class KernelStateError(RuntimeError):
    """A hidden call into the warm agent failed."""


class WarmKernel:
    """A started kernel that runs notebook after notebook. Use it from one thread only."""

    def __init__(self, kernel_name: str = "python3", *, max_runs: int = MAX_RUNS, max_rss_mb: float = MAX_RSS_MB,
                 startup_timeout: float = 120, control_timeout: float = 60) -> None:
        self.kernel_name = kernel_name
        self.max_runs, self.max_rss_mb = max_runs, max_rss_mb
        self.startup_timeout, self.control_timeout = startup_timeout, control_timeout
        self.km = self.kc = None
        self.runs = 0  # since the last start
        self.learned: list[str] = []  # modules a report imported: preloaded after the next start
        self.restarts: list[str] = []  # why the kernel was restarted
        self.pending_reset: str | None = None  # msg id of a reset sent but not yet collected
        self.last_reset: dict = {}
        self.home: str | None = None  # the kernel's working folder, where every reset puts it back
        _LIVE.add(self)

    @property
    def alive(self) -> bool:
        return self.km is not None

    # -- lifecycle
    async def _async_start(self, launched: AsyncKernelManager | None = None) -> None:
        """Start the kernel — or finish starting one :func:`perflib.engine.kernels.launch` launched."""
        km = launched or await launch(self.kernel_name)
        kc = km.client()
        kc.start_channels()
        kc.allow_stdin = False
        self.km, self.kc, self.runs = km, kc, 0
        try:
            await wait_ready(km, kc, self.startup_timeout)
            await self._call("setup", self.learned, timeout=self.startup_timeout)
            # the warm-up runs as a visible cell, so the lazy imports of a real cell land in the baseline
            await self._execute(WARMUP, silent=False, store_history=True, timeout=self.startup_timeout)
            self.home = (await self._call("rebaseline")).get("cwd")
        except BaseException:
            await self._async_shutdown()
            raise

    async def _async_shutdown(self) -> None:
        km, kc = self.km, self.kc
        self.km = self.kc = None
        self.pending_reset = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass
        if km is not None:
            try:
                if km.has_kernel:
                    await km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - already gone
                pass
            finally:
                try:
                    await km.cleanup_resources()
                except Exception:  # noqa: BLE001
                    pass

    start = run_sync(_async_start)
    shutdown = run_sync(_async_shutdown)

    def restart_later(self, reason: str) -> None:
        """Stop the kernel now (frees its CPU if it is stuck); the next report starts a fresh one."""
        self.restarts.append(reason)
        log.info("warm kernel restart: %s", reason)
        self.shutdown()

    # -- hidden calls into perflib.engine.warm_agent
    def _send(self, code: str, expr: str | None = None, *, silent: bool = True, store_history: bool = False) -> str:
        return self.kc.execute(code, silent=silent, store_history=store_history,
                               user_expressions={"r": expr} if expr else None, allow_stdin=False)

    async def _collect(self, msg_id: str, timeout: float | None = None) -> str | None:
        deadline = time.monotonic() + (timeout or self.control_timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelStateError("warm kernel did not answer in time")
            try:
                reply = await self.kc.get_shell_msg(timeout=min(remaining, 1.0))
            except Empty:
                if not await self.km.is_alive():
                    raise DeadKernelError("warm kernel died") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        while time.monotonic() < deadline:  # drain iopub up to this request's idle
            try:
                msg = await self.kc.get_iopub_msg(timeout=max(0.05, deadline - time.monotonic()))
            except Empty:
                break
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"):
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelStateError(f"{content.get('ename')}: {content.get('evalue')}")
        result = (content.get("user_expressions") or {}).get("r")
        if result is None:
            return None
        if result.get("status") != "ok":
            raise KernelStateError(f"{result.get('ename')}: {result.get('evalue')}")
        return result["data"]["text/plain"]

    async def _execute(self, code: str, *, silent: bool = True, store_history: bool = False,
                       timeout: float | None = None) -> None:
        await self._collect(self._send(code, silent=silent, store_history=store_history), timeout)

    def _send_call(self, function: str, *args: object) -> str:
        call = (f"__import__('perflib.engine.warm_agent').engine.warm_agent.{function}"
                f"(*__import__('json').loads({json.dumps(list(args))!r}))")
        return self._send("pass", call)  # the user expression runs the call; its repr is the JSON reply

    async def _call(self, function: str, *args: object, timeout: float | None = None) -> dict:
        text = await self._collect(self._send_call(function, *args), timeout)
        return json.loads(text) if text else {}

    # -- around each report
    def before_run(self, cwd: str | None = None, *, prelude: str | None = None) -> None:
        """Ready for the next notebook, in ``cwd`` — by default this process's folder, as a new kernel would be —
        with ``prelude`` run silently (see :class:`ColdEngine`)."""
        if self.pending_reset is not None:
            self._finish_reset()
        if not self.alive:
            self.start()
        cwd = os.path.abspath(cwd or os.getcwd())  # papermill's cwd= has already made it this process's
        if cwd != self.home:  # the reset put the kernel back in its own folder
            run_sync(self._call)("prepare", cwd)
        if prelude:
            run_sync(self._execute)(prelude)

    async def _async_finish_interrupted(self, before: set[asyncio.Task], wait: float = 5.0) -> None:
        """After a cell timed out: interrupt it and wait for its last outputs (the KeyboardInterrupt
        traceback, the only sign of where it hung), as nbclient keeps them when it stops a cold kernel."""
        try:
            await self.km.interrupt_kernel()
        except Exception:  # noqa: BLE001 - gone already: there is nothing more to wait for
            return
        pollers = [t for t in asyncio.all_tasks() if t not in before and not t.done()
                   and getattr(t.get_coro(), "__name__", "") == "_async_poll_output_msg"]
        if pollers:
            await asyncio.wait(pollers, timeout=wait)

    finish_interrupted = run_sync(_async_finish_interrupted)

    def after_run(self, ok: bool) -> None:
        self.runs += 1
        if not ok:
            self.restart_later("a report failed")
        elif self.max_runs and self.runs >= self.max_runs:
            self.restart_later(f"{self.max_runs} reports since start")
        else:
            # sent now, collected at the next before_run: the kernel cleans up while this process exports HTML
            try:
                self.pending_reset = self._send_call("reset")
            except Exception as exc:  # noqa: BLE001
                self.restart_later(f"reset could not be sent: {exc!r}")

    def _finish_reset(self) -> None:
        msg_id, self.pending_reset = self.pending_reset, None
        try:
            text = run_sync(self._collect)(msg_id)
            result = json.loads(text) if text else {}
        except Exception as exc:  # noqa: BLE001 - wedged or dead: start afresh
            self.restart_later(f"reset failed: {exc!r}"[:200])
            return
        self.last_reset = result
        if result.get("dirty"):
            self.learned += [m for m in result.get("new_modules", []) if m not in self.learned]
            self.restart_later("; ".join(result["dirty"])[:300])
        elif self.max_rss_mb and (result.get("rss_mb") or 0) > self.max_rss_mb:
            self.restart_later(f"kernel memory {result['rss_mb']:.0f} MB > {self.max_rss_mb:.0f} MB")


_LIVE: weakref.WeakSet[WarmKernel] = weakref.WeakSet()
_local = threading.local()


def thread_kernel(kernel_name: str = "python3") -> WarmKernel:
    """This thread's warm kernel (one per worker)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None or kernel.kernel_name != kernel_name:
        if kernel is not None:
            kernel.shutdown()
        kernel = _local.kernel = WarmKernel(kernel_name)
    return kernel


def shutdown() -> None:
    """Stop every warm kernel of this process."""
    for kernel in list(_LIVE):
        try:
            kernel.shutdown()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


atexit.register(shutdown)


def _thread_tasks() -> set[asyncio.Task]:
    """The tasks on this thread's event loop (the one jupyter_core's run_sync runs)."""
    from jupyter_core.utils import ensure_event_loop

    return set(asyncio.all_tasks(ensure_event_loop()))


async def _async_cancel_pollers(before: set[asyncio.Task] = frozenset()) -> None:
    # After a timeout, a dead kernel or an interrupt (Ctrl-C, SIGTERM) nbclient leaves tasks on the
    # thread's loop — pollers, and the interrupted cell itself. With a long-lived loop they would
    # pile up, keep reading the shared iopub socket, and — once the kernel is stopped — fail with
    # DeadKernelError that nobody awaits ("Task exception was never retrieved" on stderr).
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if not t.done() and t is not current and t not in before]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=1)
    for task in tasks:  # nbclient turns a cancelled wait into DeadKernelError: seen here, not logged at exit
        if task.done() and not task.cancelled():
            task.exception()


_cancel_pollers = run_sync(_async_cancel_pollers)


class WarmEngine(ColdEngine):
    """Runs the notebook in this thread's warm kernel; papermill's client and bookkeeping otherwise."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, prelude=None,
                                 **kwargs):
        kernel = kwargs.pop("warm_kernel", None) or thread_kernel(kernel_name)
        kernel.max_runs = kwargs.pop("warm_max_runs", kernel.max_runs)
        if kernel.kernel_name != kernel_name:  # a notebook for another kernel: run it cold
            return super().execute_managed_notebook(
                nb_man, kernel_name, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                start_timeout=start_timeout, execution_timeout=execution_timeout, prelude=prelude, **kwargs)
        kwargs = remove_args(["kernel_manager_class", "km"], **kwargs)
        final = _client_kwargs(kernel_name, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                               start_timeout=start_timeout, execution_timeout=execution_timeout, **kwargs)
        kernel.before_run(final.pop("cwd", None), prelude=prelude)
        # km=… makes nbclient neither start nor shut down a kernel; .kc skips opening new channels
        client = PapermillNotebookClient(nb_man, km=kernel.km, **final)
        client.kc = kernel.kc
        before = _thread_tasks()  # only what this run leaves behind is cancelled
        try:
            nb = client.execute()
        except BaseException as exc:
            if isinstance(exc, CellTimeoutError):
                kernel.finish_interrupted(before)
            _cancel_pollers(before)
            kernel.after_run(ok=False)
            raise
        kernel.after_run(ok=not nb_man.nb.metadata.get("papermill", {}).get("exception"))
        return nb


def register() -> None:
    """Make the engines known to papermill (the entry points do the same for the papermill CLI)."""
    papermill_engines.register(COLD, ColdEngine)
    papermill_engines.register(WARM, WarmEngine)


register()
