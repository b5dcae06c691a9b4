"""What makes a report "unchanged": hashes of the files it reads, its template and perflib's own code.

Computed from file contents alone, nothing parsed, so a batch of hundreds of unchanged reports is
planned in a fraction of a second.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from .._version import __version__
from ..errors import InputError
from ..files import read_limited
from ..inputs.yamlio import MAX_BYTES

PACKAGE = Path(__file__).resolve().parent.parent
#: Files of the package whose change re-renders every report (code, templates, bundled frameworks).
CODE_SUFFIXES = (".py", ".j2", ".css", ".json", ".yaml")


def sha(*chunks: bytes) -> str:
    """SHA-256 of the chunks, each prefixed by its length (so ``ab``+``c`` ≠ ``a``+``bc``)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "little"))
        digest.update(chunk)
    return digest.hexdigest()


def code_digest() -> str:
    """perflib's version and the hash of its source files: a code change re-renders every report."""
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in CODE_SUFFIXES)
    return sha(__version__.encode(), *(p.relative_to(PACKAGE).as_posix().encode() + p.read_bytes() for p in files))


def input_files(params_file: Path, frameworks: Sequence[Path]) -> list[Path]:
    """The files a report reads: its params file, the department's earlier years, and the frameworks.

    All framework files count (a changed framework re-renders every report), so that an unchanged
    report is recognised from file contents alone, without parsing anything.
    """
    year = int(params_file.stem)
    earlier = [p for p in sorted(params_file.parent.glob("*.yaml")) if p.stem.isdigit() and int(p.stem) <= year]
    return [*earlier, *frameworks]


def inputs_digest(files: Sequence[Path]) -> str:
    """Hash of the files' names and contents. Each is read as every input is (a regular file, at most the
    inputs' size limit): one that cannot be read hashes as the reason, and the job's check says it."""
    chunks = []
    for path in files:
        try:
            chunks.append(path.name.encode() + b"\0" + read_limited(path, MAX_BYTES))
        except InputError as exc:
            chunks.append(path.name.encode() + b"\1" + exc.detail.encode())
    return sha(*chunks)
