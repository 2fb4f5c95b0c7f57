"""Backup and restore (issue 33, part 3): a consistent copy with a manifest of checksums; a
damaged or partial backup is refused before anything is written; a kill at any step leaves
the warehouse as it was and no backup that looks whole."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import sys
import time

import pytest

from pipeline.figures.monitor import Monitor
from pipeline.periods import parse_periode as P
from tests.conftest import Warehouse, row, write_delivery
from tests.test_cli_ingest import start_paused_ingest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A small warehouse of two quarters for all 35 areas."""
    from pipeline.synth.generator import generate

    tmp = tmp_path_factory.mktemp("bron")
    generate(tmp / "raw", seed=5, kwartalen=("2025Q1", "2025Q2"), schaal=0.02)
    wh = Warehouse(tmp)
    wh.ingest(tmp / "raw")
    return wh


def cli(wh, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env=wh.env())


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def every_figure(db) -> dict:
    """kerncijfers for every period and scope of the warehouse."""
    with Monitor.open(db) as m:
        scopes = [None, *m.centrumgemeenten()["gm_code"]]
        return {(p, s): m.kerncijfers(P(p), s) for p in ("2025Q1", "2025Q2", "2025")
                for s in scopes}


def test_restore_gives_the_same_figures_for_every_period_and_scope(source, tmp_path):
    backup, restored = tmp_path / "backup", tmp_path / "terug" / "monitor.duckdb"
    before = digest(source.path)
    done = cli(source, "backup", "--naar", str(backup))
    assert done.returncode == 0, done.stderr
    assert digest(source.path) == before  # a backup only reads
    manifest = json.loads((backup / "manifest.json").read_text())
    [entry] = manifest["bestanden"]
    assert entry["sha256"] == digest(backup / entry["bestand"])
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert stat.S_IMODE((backup / entry["bestand"]).stat().st_mode) == 0o600
    assert "pseudoniem" in manifest["niet_in_backup"] and "Keep the pseudonym key" in done.stdout

    done = cli(source, "restore", str(backup), "--db", str(restored))
    assert done.returncode == 0, done.stderr
    figures = every_figure(restored)
    assert len(figures) == 3 * 36 and figures == every_figure(source.path)
    # an existing warehouse is replaced only when asked
    again = cli(source, "restore", str(backup), "--db", str(restored))
    assert again.returncode == 2 and "--vervang" in again.stderr


def test_a_damaged_or_partial_backup_is_refused_and_nothing_is_written(source, tmp_path):
    backup = tmp_path / "backup"
    assert cli(source, "backup", "--naar", str(backup)).returncode == 0
    target = tmp_path / "doel.duckdb"
    write_delivery(tmp_path / "d", "instroom", [row("instroom")])
    Warehouse(tmp_path, models=False).ingest(tmp_path / "d")  # something to keep
    existing = tmp_path / "wh" / "monitor.duckdb"
    kept = digest(existing)

    copy = backup / "monitor.duckdb"
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    for db in (target, existing):
        done = cli(source, "restore", str(backup), "--db", str(db), "--vervang")
        assert done.returncode == 2 and "does not match its checksum" in done.stderr
        assert "Nothing was restored" in done.stderr
    assert not target.exists() and digest(existing) == kept

    (backup / "manifest.json").unlink()
    done = cli(source, "restore", str(backup), "--db", str(target))
    assert done.returncode == 2 and "the backup is partial" in done.stderr
    assert not target.exists()


def test_a_backup_is_refused_while_an_ingest_runs(wh, tmp_path):
    write_delivery(tmp_path / "d", "verblijf", [row("verblijf")])
    proc, _ = start_paused_ingest(wh, tmp_path, tmp_path / "d")
    try:
        done = cli(wh, "backup", "--naar", str(tmp_path / "backup"))
    finally:
        proc.kill()
        proc.wait()
    assert done.returncode == 2 and "in use by another process" in done.stderr
    assert not (tmp_path / "backup").exists()


def paused(wh, point: str, marker, *args: str) -> subprocess.Popen:
    """A command that stops at a fault point (pipeline.config.fault_point), to be killed."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            env=wh.env() | {"OPVANGMONITOR_FAULT_POINT": point,
                                            "OPVANGMONITOR_FAULT_MARKER": str(marker)})
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "never reached " + point
        time.sleep(0.05)
    return proc


def test_a_killed_backup_leaves_the_warehouse_and_no_backup_that_looks_whole(source, tmp_path):
    backup, before = tmp_path / "backup", digest(source.path)
    proc = paused(source, "backup_copied", tmp_path / "m", "backup", "--naar", str(backup))
    proc.kill()
    proc.wait()
    assert digest(source.path) == before and not backup.exists()
    partial = tmp_path / "backup.deel"
    assert partial.is_dir() and not (partial / "manifest.json").exists()
    done = cli(source, "restore", str(partial), "--db", str(tmp_path / "x.duckdb"))
    assert done.returncode == 2 and "partial" in done.stderr
    # the next backup to the same folder clears what the killed one left
    assert cli(source, "backup", "--naar", str(backup)).returncode == 0
    assert not partial.exists() and (backup / "manifest.json").exists()


def test_a_killed_restore_leaves_the_old_warehouse_as_it_was(source, tmp_path):
    backup = tmp_path / "backup"
    assert cli(source, "backup", "--naar", str(backup)).returncode == 0
    write_delivery(tmp_path / "d", "instroom", [row("instroom")])
    old = Warehouse(tmp_path)
    old.ingest(tmp_path / "d")
    loads = old.query("SELECT load_id, sha256, status FROM loads ORDER BY ALL")
    proc = paused(old, "restore_staged", tmp_path / "m", "restore", str(backup), "--vervang")
    proc.kill()
    proc.wait()
    assert old.query("SELECT load_id, sha256, status FROM loads ORDER BY ALL") == loads
    # finished, the restore puts the backup in place
    done = cli(old, "restore", str(backup), "--vervang")
    assert done.returncode == 0, done.stderr
    everything = "SELECT * EXCLUDE (loaded_at) FROM loads ORDER BY ALL"
    assert old.query(everything) == source.query(everything)
