"""The command line end to end: files -> ingest -> loads --json, exit codes, locking, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.ingest.load import FAULT_POINTS
from tests.conftest import SAMPLE, row, write_delivery

pytestmark = pytest.mark.e2e

LOAD_KEYS = {"file", "sha256", "centrumgemeente", "kwartaal", "soort", "status", "rows_read",
             "rows_loaded", "rows_quarantined", "message", "loaded_at"}


def cli(wh, *args: str, check: int | None = None, quality: bool = False,
        **kw) -> subprocess.CompletedProcess:
    """Run the CLI; ingest skips the quality suite (5 s of GX) unless a test asks for it."""
    if args and args[0] == "ingest" and not quality:
        args = (*args, "--zonder-kwaliteit")
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env=wh.env(), **kw)
    if check is not None:
        assert proc.returncode == check, proc.stderr + proc.stdout
    return proc


def test_ingest_then_loads_json_end_to_end(wh):
    cli(wh, "ingest", str(SAMPLE), check=0)
    proc = cli(wh, "loads", "--json", check=0)
    loads = json.loads(proc.stdout)
    assert len(loads) == 4
    for entry in loads:
        assert LOAD_KEYS <= set(entry)
        assert entry["status"] == "loaded" and entry["centrumgemeente"] == "GM0344"
        assert entry["kwartaal"] == "2025Q1" and len(entry["sha256"]) == 64
    assert {e["soort"] for e in loads} == {"instroom", "verblijf", "uitstroom", "capaciteit"}
    assert sum(e["rows_loaded"] for e in loads) == sum(
        len(p.read_text().strip().splitlines()) - 1 for p in SAMPLE.rglob("*.csv"))


def test_ingest_ends_with_the_quality_summary(wh):
    proc = cli(wh, "ingest", str(SAMPLE), check=0, quality=True)
    assert "Data quality:" in proc.stdout
    assert wh.query("SELECT count(*) > 0 FROM kwaliteit_resultaten") == [(True,)]


def test_loads_without_json_is_a_readable_table(wh):
    cli(wh, "ingest", str(SAMPLE), check=0)
    proc = cli(wh, "loads", check=0)
    assert "Load history" in proc.stdout and "GM0344_2025Q1_verblijf.csv" in proc.stdout


def test_exit_code_1_when_a_row_is_quarantined_and_report_says_what_to_fix(wh, tmp_path):
    write_delivery(tmp_path, "verblijf", [row("verblijf", client_id="Geheim-9", opvangvorm="x")])
    proc = cli(wh, "ingest", str(tmp_path), check=1)
    assert "opvangvorm is not one of the allowed values" in proc.stdout
    report = Path(proc.stdout.split("Rejection report:")[1].split()[0])
    text = report.read_text(encoding="utf-8-sig")
    assert "GM0344_2025Q1_verblijf.csv" in text and "opvangvorm_waarde" in text
    assert "Geheim-9" not in text and "Geheim-9" not in proc.stdout + proc.stderr


def test_exit_code_1_when_a_file_is_rejected_and_others_still_load(wh, tmp_path):
    write_delivery(tmp_path, "verblijf", [row("verblijf")])
    write_delivery(tmp_path, "capaciteit", [row("capaciteit")], name="capaciteit.csv")
    cli(wh, "ingest", str(tmp_path), check=1)
    loads = json.loads(cli(wh, "loads", "--json", check=0).stdout)
    assert sorted(e["status"] for e in loads) == ["loaded", "rejected"]


def test_exit_code_2_for_a_path_that_does_not_exist(wh, tmp_path):
    proc = cli(wh, "ingest", str(tmp_path / "nergens"), check=2)
    assert "no such file or folder" in proc.stderr


def test_ingest_json_is_one_document_on_stdout(wh):
    proc = cli(wh, "ingest", str(SAMPLE), "--json", check=0)
    doc = json.loads(proc.stdout)
    assert doc["exit_code"] == 0 and len(doc["files"]) == 4


def test_db_flag_beats_the_environment(wh, tmp_path):
    other = tmp_path / "other.duckdb"
    cli(wh, "ingest", str(SAMPLE), "--db", str(other), check=0)
    assert other.exists() and not wh.path.exists()


def start_paused_ingest(wh, tmp_path, folder, point: str = "before_commit"
                        ) -> tuple[subprocess.Popen, Path]:
    """Run an ingest that stops at a fault point (see pipeline.ingest.load.FAULT_POINTS)."""
    marker = tmp_path / f"paused-{point}"
    env = wh.env() | {"OPVANGMONITOR_FAULT_POINT": point,
                      "OPVANGMONITOR_FAULT_MARKER": str(marker)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(folder),
                             "--zonder-kwaliteit"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, "ingest ended before reaching the fault point"
        assert time.monotonic() < deadline, "ingest never reached the fault point"
        time.sleep(0.05)
    return proc, marker


TABLES = ("loads", "raw_verblijf", "raw_capaciteit", "quarantine")


def state(wh) -> dict[str, list]:
    return {t: wh.query(f"SELECT * EXCLUDE (loaded_at) FROM {t} ORDER BY ALL") if t == "loads"
            else wh.query(f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_killed_load_leaves_no_trace_and_rerun_completes(wh, tmp_path, point):
    """SIGKILL at each fault point: the warehouse equals its state before the killed file."""
    first = write_delivery(tmp_path / "v1", "verblijf", [row("verblijf", verblijf_id="OLD")])
    cli(wh, "ingest", str(first), check=0)
    before = state(wh)

    # a re-delivery (so superseding is exercised) with a quarantined row
    folder = tmp_path / "v2"
    rows = [row("verblijf", verblijf_id=f"V{i}") for i in range(50)]
    write_delivery(folder, "verblijf", rows + [row("verblijf", verblijf_id="BAD", opvangvorm="?")])
    proc, _ = start_paused_ingest(wh, tmp_path, folder, point)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    after = state(wh)
    if point == "after_commit":
        assert after != before  # the file had been committed: it stays
        assert wh.query("SELECT count(*) FROM loads WHERE status = 'loaded'") == [(1,)]
    else:
        assert after == before
    # re-running completes the file (exit 1: the BAD row is quarantined), or, when the kill
    # came after COMMIT, finds it already loaded (exit 0)
    cli(wh, "ingest", str(folder), check=0 if point == "after_commit" else 1)
    assert wh.query("SELECT r.verblijf_id FROM raw_verblijf r JOIN loads USING (load_id) "
                    "WHERE status = 'loaded' ORDER BY 1")[0] == ("V0",)
    assert wh.query("SELECT count(*) FROM raw_verblijf r JOIN loads USING (load_id) "
                    "WHERE status = 'loaded'") == [(50,)]
    assert wh.query("SELECT status FROM loads ORDER BY load_id") == [("superseded",), ("loaded",)]


def test_second_ingest_while_one_runs_gets_a_clear_error(wh, tmp_path):
    folder = tmp_path / "q"
    write_delivery(folder, "capaciteit", [row("capaciteit")])
    proc, _ = start_paused_ingest(wh, tmp_path, folder)
    try:
        other = tmp_path / "other"
        write_delivery(other, "verblijf", [row("verblijf")])
        second = cli(wh, "ingest", str(other), check=2)
        assert "in use by another process" in second.stderr
    finally:
        proc.kill()
        proc.wait(timeout=30)
    cli(wh, "ingest", str(folder), check=0)


@pytest.mark.parametrize("args", [["--help"], ["ingest", "--help"], ["loads", "--help"]])
def test_help_explains(wh, args):
    proc = cli(wh, *args, check=0)
    assert "Usage" in proc.stdout


def test_ingest_says_what_it_replaces_and_rolls_back_only_when_asked(wh, tmp_path):
    v1 = write_delivery(tmp_path / "2025Q1", "capaciteit", [row("capaciteit")])
    v2 = write_delivery(tmp_path / "herlevering" / "2025Q1", "capaciteit",
                        [row("capaciteit", plaatsen="12")])
    cli(wh, "ingest", str(v1), check=0)
    doc = json.loads(cli(wh, "ingest", str(v2), "--json", check=0).stdout)
    [f] = doc["files"]
    assert f["vervangt"] == [{"load_id": 1, "file": str(v1), "rows_loaded": 1}]
    again = cli(wh, "ingest", str(v1), check=0)
    assert "unchanged" in again.stdout and "--terugdraaien" in again.stdout
    assert [e["status"] for e in json.loads(cli(wh, "loads", "--json").stdout)] == [
        "superseded", "loaded"]
    back = json.loads(cli(wh, "ingest", str(v1), "--terugdraaien", "--json", check=0).stdout)
    assert back["files"][0]["status"] == "loaded"
    assert [e["status"] for e in json.loads(cli(wh, "loads", "--json").stdout)] == [
        "superseded", "superseded", "loaded"]
    assert "--terugdraaien" in cli(wh, "ingest", "--help", check=0).stdout
