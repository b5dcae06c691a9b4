"""Files: written so that a reader never sees half of one, read so that no file can stall or swamp perflib.

Every file perflib writes goes to a temporary name in the same folder and is renamed into place, so a
crash (or a full disk) leaves the previous version intact (:func:`write_atomic`). Every input it reads is
a regular file read to a limit (:func:`read_limited`).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError, WriteError

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: str | bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``; on error the old file stays.
    ``durable``: synced to disk before it replaces the old file (a cache need not be: ~6 ms a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; reports are meant to be read by others
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise WriteError(f"{path}: 写入失败（{exc.strerror or exc}），原文件未改动") from exc


def regular_file_within(path: Path, limit: int, *, too_large: str = "文件过大") -> None:
    """Refuse, with an :class:`InputError` naming the file, what is not a regular file of at most ``limit``
    bytes (a folder, pipe or device; a file that does not exist) — before a reader opens it by its path."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(path, "(文件)", "文件不存在") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "(文件)", "不是普通文件（目录、管道或设备），不予读取")
    if info.st_size > limit:
        raise InputError(path, "(文件)", too_large, expected=f"不超过 {limit:,} 字节", found=f"{info.st_size:,} 字节")


def read_limited(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, of at most ``limit`` bytes; an :class:`InputError` naming
    the file otherwise — a folder, a pipe or a device (a link to ``/dev/zero``, say), a file too large, one
    that cannot be read.

    Safe on whatever a folder holds: a pipe is never waited on (opened without blocking, then refused), a
    device never read, and never more than ``limit`` + 1 bytes are read, whatever the file claims.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError(path, "(文件)", "文件不存在") from None
    except PermissionError:
        raise InputError(path, "(文件)", "无权读取该文件") from None
    except OSError as exc:
        raise InputError(path, "(文件)", f"无法读取（{exc.strerror or exc}）") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(path, "(文件)", "这是目录，不是文件")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, "(文件)", "不是普通文件（管道、设备或套接字），不予读取")
        if info.st_size > limit:
            raise InputError(path, "(文件)", "文件过大", expected=f"不超过 {limit:,} 字节", found=f"{info.st_size:,} 字节")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise InputError(path, "(文件)", f"无法读取（{exc.strerror or exc}）") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while it was read
        raise InputError(path, "(文件)", "文件过大", expected=f"不超过 {limit:,} 字节", found=f"超过 {limit:,} 字节")
    return data
