"""One batch at a time per outputs folder: ``outputs/.perflib.lock``, and the leftovers of a killed one.

The lock is :mod:`filelock`'s (an OS-level lock, released by the kernel when the process dies, so a
killed batch never leaves a stale lock). Who holds it is written beside it, in
``.perflib.lock.owner``, for the message a second batch prints.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import RunError

LOCK = ".perflib.lock"
OWNER = ".perflib.lock.owner"


@contextmanager
def outputs_lock(outputs_dir: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold ``outputs/.perflib.lock``; a second batch waits up to ``wait`` seconds, then refuses."""
    from filelock import FileLock, Timeout

    try:
        outputs_dir.mkdir(parents=True, exist_ok=True)
        if not outputs_dir.is_dir():
            raise NotADirectoryError(20, "不是目录")
        probe = outputs_dir / f".perflib.probe.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        why = "已有同名文件" if isinstance(exc, FileExistsError | NotADirectoryError) else (exc.strerror or str(exc))
        raise RunError(f"{outputs_dir}: 不能用作输出目录（{why}）；请用 --outputs 指定一个可写入的目录") from None
    lock = FileLock(outputs_dir / LOCK, timeout=max(wait, 0.0))
    owner = outputs_dir / OWNER
    try:
        lock.acquire(poll_interval=0.2)
    except Timeout:
        try:
            holder = owner.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            holder = "?"
        raise RunError(
            f"{outputs_dir}: 另一个 perflib run 正在写入（{holder}），请等它结束后再运行，或用 --wait 秒数 等待"
        ) from None
    try:
        try:
            owner.write_text(f"pid {os.getpid()}，开始于 {_dt.datetime.now():%Y-%m-%d %H:%M:%S}", encoding="utf-8")
        except OSError:  # a full disk: the message names no holder, the lock still holds
            pass
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()


def remove_leftovers(outputs_dir: Path) -> list[Path]:
    """Temporary files of an earlier batch that was killed (never a finished report); call under the lock."""
    gone = []
    for pattern in (".*.tmp", ".report.*.ipynb", ".overview.*.ipynb", ".monitor-*.ipynb"):
        for path in outputs_dir.rglob(pattern):
            try:
                path.unlink()
                gone.append(path)
            except OSError:
                pass
    return gone
