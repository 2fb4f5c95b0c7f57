"""The benchmark runs end to end in its quick form (no timing is asserted anywhere)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


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
    assert entry["rows"] == entry["ingest"]["rows"]
    # the floor: a warm-up run that does not count, then the median of three that do
    floor = entry["duckdb"]
    assert len(floor["runs_seconds"]) == 3 and floor["warm_up_seconds"] > 0
    assert floor["seconds"] == sorted(floor["runs_seconds"])[1]
    assert set(entry["kerncijfers_ms"]) == {"kwartaal, landelijk", "kwartaal, GM0344",
                                           "jaar, landelijk", "jaar, GM0344"}
    cap = entry["capaciteit"]
    assert cap["gebieden"] == 70 and cap["met_simulatie_seconden"] >= cap["formules_seconden"] > 0
    # (e): the quick run renders two scopes, both must come out
    rapporten = entry["rapporten"]
    assert (rapporten["reports"], rapporten["ok"]) == (2, 2), rapporten["errors"]
    assert rapporten["periode"] == "2025Q2"
    # (f): the disclosure audit of the same quarter's release is measured, and passes
    audit = entry["audit"]
    assert audit["periode"] == "2025Q2" and audit["geslaagd"] is True
    assert audit["cellen"] > 0 and audit["protect_seconds"] > 0
    # issue 17's case: two files of 20,000 rows each in the quick run, against the floor
    [two] = result["twee_bestanden"].values()
    assert two["rows_per_file"] == 20_000 and len(two["duckdb"]["runs_seconds"]) == 3
    assert two["duckdb"]["rows"] == 40_000
    # one row in a thousand is broken on purpose: quarantined, never loaded
    assert two["ingest"]["rows"] == 40_000 - 40
    assert two["load_over_floor"] == round(two["ingest"]["load_seconds"]
                                           / two["duckdb"]["seconds"], 2)
    # ours is a median of three too, each run into its own warehouse (all load the rows)
    runs = two["ingest"]["runs_load_seconds"]
    assert len(runs) == 3 and two["ingest"]["load_seconds"] == sorted(runs)[1]
    assert len(entry["ingest"]["runs_load_seconds"]) == 3
    # the cost-curve chart is written beside bench.json
    assert (tmp_path / "performance_kosten.png").read_bytes()[:4] == b"\x89PNG"


def test_bench_redraws_the_chart_from_bench_json(wh, tmp_path):
    """--grafiek draws from an existing bench.json (e.g. into docs/) without measuring."""
    def entry(schaal: float, rows: int) -> dict:
        return {"schaal": schaal, "kwartalen": "2024Q1..2025Q4", "rows": rows,
                "duckdb": {"seconds": rows / 1e5}, "pandas": {"seconds": rows / 2e5},
                "ingest": {"seconds": rows / 3e4, "peak_rss_mb": 300 + rows // 10_000}}

    (tmp_path / "bench.json").write_text(json.dumps(
        {"machine": {"cpus": 2}, "schalen": [entry(1, 90_000), entry(10, 900_000)]}))
    png = tmp_path / "docs" / "kosten.png"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "bench", "--out", str(tmp_path),
                           "--grafiek", str(png)], capture_output=True, text=True, env=wh.env())
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_bench_can_leave_out_the_capaciteit_latency(tmp_path):
    """--geen-capaciteit: a run at 10^7 rows need not wait ten minutes for the capacity
    simulation; the ingest measures are all still taken."""
    from pipeline.tools.bench import run_bench

    lines: list[str] = []
    result = run_bench([0.02], ("2025Q1", "2025Q1"), tmp_path / "out", echo=lines.append,
                       rapporten_bij=None, capaciteit=False)
    [entry] = result["schalen"]
    assert entry["capaciteit"] is None
    assert entry["ingest"]["rows"] == entry["duckdb"]["rows"] > 0
    assert "capaciteit not measured" in lines[0]
    saved = json.loads((tmp_path / "out" / "bench.json").read_text())
    assert saved["schalen"][0]["capaciteit"] is None
