"""Why a report failed: the kinds of failure, owned here, and how an exception is classified.

Every failure of a report is one :class:`Failure` kind in ``manifest.json`` (``error_kind``) and a
one-paragraph Chinese description in the index. A failed write is never called an input error:
the input was fine, the disk was not.
"""

from __future__ import annotations

import errno
import traceback
from enum import StrEnum


class Failure(StrEnum):
    """The kinds of failure of one report (the values are what ``manifest.json`` says)."""

    INPUT = "input"  # the params file (or its framework) is invalid: fix the file
    CELL = "cell"  # a notebook cell raised
    TIMEOUT = "timeout"  # a cell ran longer than --timeout
    DEAD_KERNEL = "dead_kernel"  # the kernel or the worker died (killed, out of memory)
    CHANGED = "changed"  # an input file changed while the report rendered: its result was not used
    DISK_FULL = "disk_full"  # no space left to write the report (the last good one is kept)
    IO = "io"  # another failure to read or write a file (permissions, a vanished folder …)
    INTERRUPTED = "interrupted"  # the batch was stopped (Ctrl-C, SIGTERM) before the report was done
    INTERNAL = "internal"  # anything else: a bug in perflib


_INPUT_ERRORS = ("InputErrors", "InputError", "PerflibError")


def classify(exc: BaseException) -> tuple[Failure, str]:
    """The kind of a rendering failure and a one-paragraph Chinese description."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from ..errors import InputError, InputErrors, PerflibError, WriteError

    if isinstance(exc, PapermillExecutionError):
        detail = f"{exc.ename}: {exc.evalue}".strip()
        kind = Failure.INPUT if exc.ename in _INPUT_ERRORS else Failure.CELL
        return kind, f"第 {exc.exec_count} 个代码单元出错：{detail}"
    if isinstance(exc, CellTimeoutError):
        return Failure.TIMEOUT, f"代码单元执行超时：{str(exc).splitlines()[0] if str(exc) else ''}"
    if isinstance(exc, DeadKernelError):
        return Failure.DEAD_KERNEL, f"内核意外退出（可能被终止或内存不足）：{exc}"
    if isinstance(exc, WriteError | OSError):
        cause = exc.__cause__ if isinstance(exc, WriteError) else exc
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return Failure.DISK_FULL, f"磁盘空间不足，未能写入（上次成功的报告未改动）：{exc}"
        return Failure.IO, f"文件读写失败（上次成功的报告未改动）：{exc}"
    if isinstance(exc, InputError | InputErrors):
        return Failure.INPUT, str(exc)
    if isinstance(exc, PerflibError):
        return Failure.INTERNAL, str(exc)
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return Failure.INTERNAL, f"内部错误：{last}"
