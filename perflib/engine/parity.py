"""Comparing two renderings of the same report (e.g. by the warm and the cold engine).

Executed notebooks are compared without what legitimately differs between runs: papermill's and
nbclient's timestamps and durations, input and output paths, the random id papermill gives the
injected-parameters cell, and memory addresses in reprs. HTML is compared byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

VOLATILE_RUN = ("start_time", "end_time", "duration", "input_path", "output_path")


def normalized_notebook(path: Path) -> str:
    """The notebook as JSON without timestamps, durations, paths, the injected cell's random id
    and memory addresses."""
    nb = nbformat.read(path, as_version=4)
    for key in VOLATILE_RUN:
        nb.metadata.get("papermill", {}).pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for key in VOLATILE_RUN:
            cell.metadata.get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return re.sub(r"0x[0-9a-f]{6,}", "0x…", json.dumps(nb, sort_keys=True, ensure_ascii=False))


def same_report(a: Path, b: Path) -> tuple[bool, bool]:
    """(notebooks equal, HTML equal) for two ``outputs/<code>/<year>`` folders."""
    notebooks = normalized_notebook(a / "report.ipynb") == normalized_notebook(b / "report.ipynb")
    html = (a / "report.html").read_bytes() == (b / "report.html").read_bytes()
    return notebooks, html
