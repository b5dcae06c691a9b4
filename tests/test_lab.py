"""JupyterLab from the README's set-up: it serves the notebooks and the perflib kernel."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO

LAB = REPO / ".venv-lab" / "bin" / "jupyter-lab"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, token: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.skipif(sys.platform == "win32", reason="make setup's layout")
def test_jupyterlab_serves_the_notebooks_and_the_perflib_kernel(tmp_path: Path) -> None:
    assert LAB.exists(), "JupyterLab is not set up: run `make setup` (the README's set-up)"
    port, token = _free_port(), "perflib-test"
    server = subprocess.Popen(
        [str(LAB), "--no-browser", f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={REPO}", f"--ServerApp.runtime_dir={tmp_path}",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                contents = _get(port, "/api/contents/notebooks", token)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
                time.sleep(0.5)
        names = {item["name"] for item in contents["content"]}
        assert {"report.ipynb", "overview.ipynb", "explore.ipynb"} <= names
        specs = _get(port, "/api/kernelspecs", token)
        spec = specs["kernelspecs"]["python3"]["spec"]
        assert spec["display_name"] == "perflib (Python 3)"
        assert Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve()  # perflib's own environment
        assert specs["default"] == "python3"
    finally:
        server.terminate()
        server.wait(timeout=30)
