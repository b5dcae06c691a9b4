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
    and memory addresses; consecutive stream outputs of one name joined, since how a kernel splits its
    printed text into messages follows the clock (ipykernel flushes every 0.2 s), not the notebook's state
    — under load one cell's text came back as two outputs in one run and one in the other."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = _joined_streams(cell.outputs)
    for key in VOLATILE_RUN:
        nb.metadata.get("papermill", {}).pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for key in VOLATILE_RUN:
            cell.metadata.get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return re.sub(r"0x[0-9a-f]{6,}", "0x…", json.dumps(nb, sort_keys=True, ensure_ascii=False))


def _joined_streams(outputs: list) -> list:
    joined: list = []
    for out in outputs:
        if (out.get("output_type") == "stream" and joined and joined[-1].get("output_type") == "stream"
                and joined[-1].get("name") == out.get("name")):
            joined[-1] = nbformat.from_dict({**joined[-1], "text": _text(joined[-1]) + _text(out)})
        else:
            joined.append(out)
    return joined


def _text(out) -> str:
    text = out.get("text", "")
    return "".join(text) if isinstance(text, list) else text


def same_report(a: Path, b: Path) -> tuple[bool, bool]:
    """(notebooks equal, HTML equal) for two ``outputs/<code>/<year>`` folders."""
    notebooks = normalized_notebook(a / "report.ipynb") == normalized_notebook(b / "report.ipynb")
    html = (a / "report.html").read_bytes() == (b / "report.html").read_bytes()
    return notebooks, html
