"""The main job, as the README's first command runs it, on a small volume: synthetic
deliveries -> ingest with the quality suite -> key figures -> 36 reports, and where to look."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_demo_runs_end_to_end_and_says_where_to_look(wh, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "demo", "--out", str(tmp_path / "raw"),
         "--schaal", "0.05", "--kwartalen", "2025Q1..2025Q2"],
        capture_output=True, text=True, env=wh.env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    for step in ("1/4", "2/4", "3/4", "4/4"):
        assert step in proc.stderr
    assert "Kerncijfers 2025, landelijk" in proc.stdout
    assert "Data quality:" in proc.stdout
    assert "36 of 36 reports written" in proc.stdout and "Where to look next" in proc.stdout
    reports = tmp_path / "reports" / "2025Q2"
    assert len(list(reports.glob("*/rapport.html"))) == 36
    assert "reports/2025Q2/index.html" in proc.stdout
    site = (reports / "index.html").read_text(encoding="utf-8")
    # each report linked from the list and from its row of the comparison table
    assert len(set(re.findall(r"href='([^']+/rapport\.html)'", site))) == 36
    assert "(niet gemaakt)" not in site
    assert (reports / "landelijk" / "release.json").is_file()
    assert wh.query("SELECT count(*) FROM loads WHERE status = 'loaded'")[0][0] > 0
