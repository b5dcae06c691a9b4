"""Writing files so that a reader never sees half of one.

Every file perflib writes goes to a temporary name in the same folder and is renamed into place, so a
crash (or a full disk) leaves the previous version intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import WriteError

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``; on error the old file stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; reports are meant to be read by others
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise WriteError(f"{path}: 写入失败（{exc.strerror or exc}），原文件未改动") from exc
