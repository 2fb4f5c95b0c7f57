"""How a run is cut into batches changes nothing in the warehouse.

The loader validates files in batches, one batch while it writes the one before, and the
batches share a pseudonym memo. A run cut into one batch per file must load exactly what a
run of one batch loads: the same rows, pseudonyms, quarantine and load history, in the
same order.
"""

from __future__ import annotations

import duckdb
import pytest

from pipeline.ingest import run as run_module
from pipeline.ingest.run import ingest_paths
from pipeline.warehouse import db
from schemas.reference_tables import load_reference
from tests.conftest import SAMPLE, TODAY, row, write_delivery

TABLES = {
    "loads": "file, sha256, centrumgemeente, kwartaal, soort, status, rows_read, rows_loaded, "
             "rows_quarantined, message",
    "raw_instroom": "*", "raw_verblijf": "*", "raw_uitstroom": "*", "raw_capaciteit": "*",
    "quarantine": "*",
}


def contents(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT {cols} FROM {t} ORDER BY ALL").fetchall()
                for t, cols in TABLES.items()}
    finally:
        con.close()


@pytest.mark.parametrize("alongside", [False, True], ids=["in_turn", "alongside"])
def test_one_batch_per_file_loads_what_one_batch_loads(tmp_path, monkeypatch, alongside):
    """Also when every batch is validated beside the one before it, as batches of large
    files are (``run.ALONGSIDE_FILE_ROWS``; these files are small, so the threshold is
    lowered): the two then share the pseudonym memo."""
    if alongside:
        monkeypatch.setattr(run_module, "ALONGSIDE_FILE_ROWS", 0)
    extra = tmp_path / "extra"
    paths = [SAMPLE, write_delivery(extra, "instroom", [
        row("instroom"), row("instroom", aanmelding_id="A2", geslacht="onbekend"),
        row("instroom", client_id="K7", aanmelding_id="A3")], cg="GM0363")]
    ref = load_reference()
    key = bytes(range(32))
    outcomes = {}
    for name, batch_rows in (("one", 10**9), ("per_file", 1)):
        path = tmp_path / name / "monitor.duckdb"
        con = db.connect(path)
        run = ingest_paths(con, paths, key, ref.lidmaatschap, today=TODAY,
                           batch_rows=batch_rows)
        con.close()
        outcomes[name] = ([(r.file, r.soort, r.status, r.rows_loaded, r.rows_quarantined)
                           for r in run.results], contents(path))
    one, per_file = outcomes["one"], outcomes["per_file"]
    assert len(one[0]) > 4 and one[1]["quarantine"] and one[1]["raw_verblijf"]
    assert per_file == one


def test_a_run_checkpoints_once_at_its_end_and_restores_the_setting(tmp_path):
    """During a run DuckDB checkpoints less often (load.fewer_checkpoints); afterwards the
    connection's own setting is back and the run's log is folded into the database file."""
    path = tmp_path / "monitor.duckdb"
    con = db.connect(path)
    con.execute("SET checkpoint_threshold = '24MiB'")
    before = con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
    run = ingest_paths(con, [SAMPLE], bytes(range(32)), load_reference().lidmaatschap,
                       today=TODAY)
    assert any(r.status == "loaded" for r in run.results)
    assert con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0] == before
    wal = path.with_name(path.name + ".wal")
    assert not wal.exists() or wal.stat().st_size == 0
    con.close()
