"""kernels.wait_ready: a starting kernel is ready when its shell answers and its IOPub delivers."""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest

from perflib.engine.kernels import wait_ready


class FakeClient:
    """Answers kernel_info requests from scripts: shell replies (None = no reply) and IOPub messages."""

    def __init__(self, shell: list, iopub: list) -> None:
        self.shell, self.iopub = list(shell), list(iopub)
        self.requests = 0
        self.handled = None

    def kernel_info(self) -> str:
        self.requests += 1
        return f"m{self.requests}"

    async def get_shell_msg(self, timeout: float) -> dict:
        reply = self.shell.pop(0) if self.shell else None
        if reply is None:
            raise Empty
        return {"msg_type": reply, "content": {"protocol_version": "5.3"}}

    async def get_iopub_msg(self, timeout: float) -> dict:
        if not (self.iopub and self.iopub.pop(0)):
            raise Empty
        return {"msg_type": "status"}

    def _handle_kernel_info_reply(self, msg: dict) -> None:
        self.handled = msg


class FakeManager:
    def __init__(self, alive: bool = True) -> None:
        self.alive = alive

    async def is_alive(self) -> bool:
        return self.alive


@pytest.mark.parametrize(("shell", "iopub", "requests"), [
    (["kernel_info_reply"], [True], 1),  # up at once
    ([None, "kernel_info_reply"], [True], 2),  # the shell answers late
    (["kernel_info_reply", "kernel_info_reply"], [False, True], 2),  # IOPub not subscribed yet: ask again
    (["execute_reply", "kernel_info_reply"], [True], 2),  # another reply first
])
def test_ready_when_shell_answers_and_iopub_delivers(shell, iopub, requests) -> None:
    kc = FakeClient(shell, iopub)
    asyncio.run(wait_ready(FakeManager(), kc, timeout=5))
    assert kc.requests == requests
    assert kc.handled["msg_type"] == "kernel_info_reply"  # protocol version adopted


def test_a_kernel_that_dies_while_starting_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(wait_ready(FakeManager(alive=False), FakeClient([None], []), timeout=5))


def test_a_kernel_that_never_answers_times_out() -> None:
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        asyncio.run(wait_ready(FakeManager(), FakeClient([None] * 3, []), timeout=0))
