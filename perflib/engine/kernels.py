"""A Jupyter kernel manager that talks to its kernel over Unix sockets (IPC), not TCP ports.

Starting kernels in parallel with TCP transport races for ports (``ZMQError: Address already in
use``, papermill issue #511). With ``transport = "ipc"`` every kernel gets its own socket files next
to its connection file in Jupyter's runtime folder, so parallel starts cannot collide; it is also
faster to start and silences ipykernel's "TCP without encryption" warning. Unix only; on Windows
perflib falls back to the default TCP manager.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir
from traitlets import CaselessStrEnum


class IPCKernelManager(AsyncKernelManager):
    """AsyncKernelManager with IPC transport and a unique connection file in the runtime folder."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if not self.connection_file:
            runtime = jupyter_runtime_dir()
            os.makedirs(runtime, exist_ok=True)
            self.connection_file = os.path.join(runtime, f"perflib-{os.getpid()}-{uuid.uuid4().hex[:10]}.json")

    async def _async_pre_start_kernel(self, **kw: object):  # jupyter_client's signature
        # jupyter_client interrupts a kernel before shutting it down, and ipykernel logs that as
        # "ERROR | KeyboardInterrupt caught in kernel" on the batch's terminal for every report.
        # Cell output and errors travel over the kernel's channels, not its log, so nothing is lost.
        kw["extra_arguments"] = [*kw.get("extra_arguments", []), "--IPKernelApp.log_level=CRITICAL"]
        return await super()._async_pre_start_kernel(**kw)


def kernel_manager_class() -> type[AsyncKernelManager]:
    """The kernel manager class to hand to papermill/nbclient on this platform."""
    return AsyncKernelManager if sys.platform == "win32" else IPCKernelManager


#: warm kernels, like nbclient's: parallel kernels must not share the history database. (ipykernel's
#: 0.5 ms pause before each execute_reply stays: it covers a rare race in which the last output of a
#: cell reaches the client after the reply; a benchmark run without it once lost one.) A warm kernel
#: imports what the reports use as it boots, while its worker imports papermill: the two overlap
#: (the names it leaves go with the first reset; see perflib.engine.warm_agent.preload).
WARM_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",
                  "--IPKernelApp.exec_lines=['import perflib.engine.warm_agent', 'perflib.engine.warm_agent.preload()']")


async def launch(kernel_name: str = "python3") -> AsyncKernelManager:
    """Start a warm kernel's process and return its manager at once, while the kernel boots.

    Needs only jupyter_client: a worker launches its kernel first and imports papermill and
    nbconvert while the kernel starts (see :func:`perflib.batch.executors._start_worker`).
    """
    km = kernel_manager_class()(kernel_name=kernel_name)
    await km.start_kernel(extra_arguments=list(WARM_ARGUMENTS))
    return km


async def wait_ready(km: AsyncKernelManager, kc: AsyncKernelClient, timeout: float) -> None:
    """Wait until a starting kernel answers on its shell channel and its IOPub channel delivers.

    As jupyter_client's ``wait_for_ready``, less its last step: waiting for 0.2 s of IOPub silence
    to throw away the start-up messages. The warm engine's calls and nbclient pick their messages
    by the request they answer, so that flush was only a pause (~0.25 s) at every kernel start.
    """
    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            reply = await kc.get_shell_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await kc.get_iopub_msg(timeout=0.2)  # any message: the subscription is connected
            except Empty:
                pass  # not yet (a message published before it was is lost): ask again
            else:
                kc._handle_kernel_info_reply(reply)  # the protocol version, as wait_for_ready does
                return
        if not await km.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
