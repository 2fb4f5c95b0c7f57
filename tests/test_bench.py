"""The benchmark runs end to end in its quick form (no timing is asserted anywhere)."""

from __future__ import annotations

import json
import subprocess
import sys


def test_bench_quick_runs_and_writes_every_measure(wh, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "bench", "--quick", "--out",
                           str(tmp_path)], capture_output=True, text=True, env=wh.env())
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "bench.json").read_text())
    [entry] = result["schalen"]
    for kind in ("duckdb", "pandas", "ingest"):
        assert entry[kind]["rows"] > 0 and entry[kind]["peak_rss_mb"] > 0
    # all three read the same files: the same number of rows
    assert entry["duckdb"]["rows"] == entry["pandas"]["rows"] == entry["ingest"]["rows"]
    assert set(entry["kerncijfers_ms"]) == {"kwartaal, landelijk", "kwartaal, GM0344",
                                           "jaar, landelijk", "jaar, GM0344"}
