"""The warehouse's connection: what every connection of ours is set to, and the memory a
rebuild of the models may take (pipeline/warehouse/db.py)."""

from __future__ import annotations

import duckdb
import pytest

from pipeline import warehouse
from pipeline.warehouse import db


def _memory_limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_a_build_runs_under_its_memory_limit_and_restores_the_connections(tiny, monkeypatch):
    """warehouse.build holds DuckDB to BUILD_MEMORY_LIMIT: far too small a limit makes the
    build fail (and roll back), which it could not if the limit were not applied; after a
    build, failed or not, the connection has its own limit again."""
    tiny.verblijf("V1", "2025-01-01", "2025-01-11")
    before = _memory_limit(tiny.con)
    monkeypatch.setattr(warehouse, "BUILD_MEMORY_LIMIT", "1MB")
    with pytest.raises(duckdb.OutOfMemoryException, match="(could not|failed to) allocate"):
        warehouse.build(tiny.con)
    assert _memory_limit(tiny.con) == before
    monkeypatch.undo()
    warehouse.build(tiny.con)
    assert _memory_limit(tiny.con) == before
    assert tiny.con.execute("SELECT count(*) FROM trajecten").fetchone()[0] == 1


def test_memory_at_most_never_raises_a_lower_limit(tmp_path):
    con = db.connect(tmp_path / "monitor.duckdb")
    con.execute("SET memory_limit = '100MB'")
    low = _memory_limit(con)
    with db.memory_at_most(con, "1GB"):
        assert _memory_limit(con) == low
    con.execute("SET memory_limit = '4GB'")
    four = _memory_limit(con)
    for _ in range(3):  # a limit DuckDB shows cut to a tenth does not creep down per build
        with db.memory_at_most(con, "1GB"):
            assert db.size_bytes(_memory_limit(con)) == pytest.approx(1e9, rel=1e-3)
        assert _memory_limit(con) == four
    con.close()


@pytest.mark.parametrize(("shown", "expected"), [
    ("953.6 MiB", 953.6 * 2**20), ("18.8 GiB", 18.8 * 2**30), ("976.5 KiB", 976.5 * 1024),
    ("100 bytes", 100.0), ("something else", float("inf"))])
def test_size_bytes_reads_duckdbs_sizes(shown, expected):
    assert db.size_bytes(shown) == pytest.approx(expected)


def test_no_connection_of_ours_draws_duckdbs_progress_bar(tmp_path):
    """DuckDB draws a progress bar on standard output for a query of more than two seconds;
    it would land in the middle of --json output."""
    con = db.connect(tmp_path / "monitor.duckdb")
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
    con.close()


def test_ingest_into_loads_then_rebuilds_unless_told_not_to(wh, tmp_path):
    """ingest_into (through the tests' Warehouse.ingest) is the one ingest-then-rebuild:
    with rebuild=False the rows are loaded and the models left alone; the default builds
    them, stamped with this version's models."""
    from tests.conftest import row, write_delivery

    path = write_delivery(tmp_path / "raw", "verblijf", [row("verblijf")])
    run = wh.ingest(path, rebuild=False)
    assert run.exit_code == 0 and run.rebuild_warnings == []
    tables = {r[0] for r in wh.query("SELECT table_name FROM duckdb_tables()")}
    assert "raw_verblijf" in tables and "verblijven" not in tables
    assert wh.query("SELECT count(*) FROM raw_verblijf") == [(1,)]

    wh.ingest(path)
    assert wh.query("SELECT verblijf_id FROM verblijven") == [("V1",)]
    assert wh.query(f"SELECT model_versie FROM {warehouse.BUILD_TABLE}") == [
        (warehouse.model_version(),)]


def test_a_warehouse_from_before_v1_1_upgrades_by_a_build_and_keeps_its_rows(wh, tmp_path):
    """A warehouse written before v1.1 of the delivery format (no reden_niet_geplaatst, no
    formaatversie per load, models of the version before) is refused for reading until
    `opvangmonitor build`, which adds the columns and rebuilds; its rows stay, as v1 loads,
    and a v1.1 delivery then loads beside them."""
    from typer.testing import CliRunner

    from pipeline.cli import app
    from tests.conftest import row, write_delivery

    wh.ingest(write_delivery(tmp_path / "oud", "instroom",
                             [row("instroom", uitkomst="doorverwezen", plaatsingsdatum="")]))
    con = duckdb.connect(str(wh.path))  # make it the warehouse the version before left
    con.execute("ALTER TABLE raw_instroom DROP COLUMN reden_niet_geplaatst")
    con.execute("ALTER TABLE loads DROP COLUMN formaatversie")
    con.execute(f"UPDATE {warehouse.BUILD_TABLE} SET model_versie = 'de vorige'")
    con.close()

    with pytest.raises(warehouse.ModelsOutdated, match="opvangmonitor build"):
        db.connect(wh.path, read_only=True)
    result = CliRunner().invoke(app, ["build", "--db", str(wh.path)], env=wh.env())
    assert result.exit_code == 0, result.output
    con = db.connect(wh.path, read_only=True)  # no longer refused
    try:
        assert con.execute("SELECT aanmelding_id, reden_niet_geplaatst FROM aanmeldingen"
                           ).fetchall() == [("A1", None)]
        assert con.execute("SELECT formaatversie FROM stg_leveringen").fetchall() == [("1",)]
    finally:
        con.close()

    wh.ingest(write_delivery(tmp_path / "nieuw", "instroom",
                             [row("instroom", aanmelding_id="A2", uitkomst="niet_geplaatst",
                                  plaatsingsdatum="", reden_niet_geplaatst="vol")],
                             cg="GM0363"))
    assert wh.query("SELECT centrumgemeente, aanmelding_id, reden_niet_geplaatst "
                    "FROM aanmeldingen ORDER BY 1") == [("GM0344", "A1", None),
                                                        ("GM0363", "A2", "vol")]
    assert wh.query("SELECT formaatversie FROM loads ORDER BY load_id") == [(None,), ("1.1",)]
