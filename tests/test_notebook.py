"""`make notebook` / `opvangmonitor notebook` (issue 16): JupyterLab starts on notebooks/
with the project's kernel, and the exploration notebook opens the configured warehouse."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest

from tests.conftest import SAMPLE

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jupyter_env(wh, tmp_path) -> dict[str, str]:
    """Jupyter's own config, data and runtime files in the test's folder, not in a home."""
    env = wh.env()
    for name in ("CONFIG", "RUNTIME"):
        env[f"JUPYTER_{name}_DIR"] = str(tmp_path / f"jupyter_{name.lower()}")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp_path / "lab_settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp_path / "lab_workspaces")
    return env


def test_notebook_command_serves_jupyterlab_with_the_project_kernel(wh, tmp_path):
    wh.ingest(SAMPLE)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "notebook", "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=_jupyter_env(wh, tmp_path))
    try:
        seen, url, deadline = [], None, time.monotonic() + 90
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            found = re.search(rf"(http://(?:127\.0\.0\.1|localhost):{port})/lab\?token=(\w+)",
                              line)
            url = found and (found.group(1), found.group(2))
        assert url, "".join(seen[-30:])
        assert any(str(wh.path) in line for line in seen), "the warehouse is named at start"
        base, token = url

        def get(path: str) -> tuple[int, bytes]:
            # the URL is printed just before the server listens: retry for a while
            for attempt in range(40):
                try:
                    with urllib.request.urlopen(f"{base}{path}?token={token}", timeout=30) as r:
                        return r.status, r.read()
                except urllib.error.URLError:
                    if attempt == 39:
                        raise
                    time.sleep(0.5)
            raise AssertionError("unreachable")

        assert get("/lab")[0] == 200
        specs = json.loads(get("/api/kernelspecs")[1])
        assert "opvangmonitor" in specs["kernelspecs"]
        status, body = get("/api/contents/verkenning.ipynb")
        assert status == 200
        notebook = json.loads(body)["content"]
        assert notebook["metadata"]["kernelspec"]["name"] == "opvangmonitor"
    finally:
        server = psutil.Process(proc.pid).children(recursive=True)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        # stopping the command stops JupyterLab too: no server is left holding the port
        _, alive = psutil.wait_procs(server, timeout=20)
        for leftover in alive:
            leftover.kill()
    assert server and not alive, f"JupyterLab kept running after the command stopped: {alive}"


def test_exploration_notebook_opens_the_configured_warehouse_and_says_so(wh, tmp_path):
    """Run as JupyterLab runs it: in notebooks/, on the project kernel, no db given; the
    warehouse comes from OPVANGMONITOR_DB (what `opvangmonitor notebook` sets)."""
    import papermill as pm

    from pipeline.share.render import NOTEBOOK
    from pipeline.workflow import ensure_kernel

    wh.ingest(SAMPLE)
    kernel = ensure_kernel()
    out = tmp_path / "verkenning.ipynb"
    old = os.environ.get("OPVANGMONITOR_DB")
    os.environ["OPVANGMONITOR_DB"] = str(wh.path)
    try:
        pm.execute_notebook(str(NOTEBOOK.parent / "verkenning.ipynb"), str(out),
                            parameters={"periode": "2025Q1"}, kernel_name=kernel,
                            cwd=str(NOTEBOOK.parent), progress_bar=False)
    finally:
        if old is None:
            del os.environ["OPVANGMONITOR_DB"]
        else:
            os.environ["OPVANGMONITOR_DB"] = old
    text = out.read_text(encoding="utf-8")
    assert "Geen warehouse opgegeven" in text and str(wh.path) in text
    assert "cliënten in zorg" in text
