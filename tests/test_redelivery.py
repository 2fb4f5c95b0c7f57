"""Re-delivery: same bytes are a no-op; a new version supersedes atomically and the old load
stays in the history."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import row, write_delivery

DATA_TABLES = ("loads", "raw_instroom", "raw_verblijf", "raw_uitstroom", "raw_capaciteit",
               "quarantine")

@pytest.fixture
def wh(loader_wh):
    """These tests read what the loader writes (raw tables, quarantine, load history):
    their ingests build no models (conftest.loader_wh)."""
    return loader_wh



def snapshot(wh) -> dict[str, list]:
    return {t: wh.query(f"SELECT * FROM {t} ORDER BY ALL") for t in DATA_TABLES}


@pytest.mark.slow
def test_same_bytes_again_changes_nothing(wh, tmp_path):
    folder = tmp_path / "raw"
    write_delivery(folder, "verblijf", [row("verblijf")])
    write_delivery(folder, "instroom", [row("instroom"), row("instroom", aanmelding_id="A2",
                                                             geslacht="?")])
    first = wh.ingest(folder)
    before = snapshot(wh)
    second = wh.ingest(folder)
    assert snapshot(wh) == before
    assert {r.status for r in second.results} == {"unchanged"}
    assert first.exit_code == 1 and second.exit_code == 0


@pytest.mark.slow
def test_same_bytes_under_another_path_is_noted_as_duplicate(wh, tmp_path):
    a = write_delivery(tmp_path / "a", "verblijf", [row("verblijf")])
    (tmp_path / "b").mkdir()
    b = shutil.copy(a, tmp_path / "b" / a.name)
    wh.ingest(a)
    run = wh.ingest(b)
    assert [r.status for r in run.results] == ["duplicate"]
    assert wh.query("SELECT status, rows_loaded FROM loads ORDER BY load_id") == [
        ("loaded", 1), ("duplicate", 0)]
    assert wh.query("SELECT count(*) FROM raw_verblijf") == [(1,)]
    wh.ingest(b)  # and again: still one note
    assert wh.query("SELECT count(*) FROM loads") == [(2,)]


def test_new_version_supersedes_and_history_keeps_both(wh, tmp_path):
    path = write_delivery(tmp_path / "v1", "verblijf", [row("verblijf"),
                                                        row("verblijf", verblijf_id="V2")])
    wh.ingest(path)
    path2 = write_delivery(tmp_path / "v2", "verblijf", [row("verblijf", einddatum="")])
    wh.ingest(path2)
    hist = wh.query("SELECT load_id, file, status, superseded_by, rows_loaded FROM loads "
                    "ORDER BY load_id")
    assert hist == [(1, str(path), "superseded", 2, 2), (2, str(path2), "loaded", None, 1)]
    # the old rows stay in the warehouse, marked by their superseded load
    current = wh.query("SELECT r.verblijf_id, r.einddatum FROM raw_verblijf r JOIN loads l "
                       "USING (load_id) WHERE l.status = 'loaded'")
    assert current == [("V1", None)]
    assert wh.query("SELECT count(*) FROM raw_verblijf") == [(3,)]


@pytest.mark.slow
def test_redelivering_the_old_version_makes_it_current_again(wh, tmp_path):
    v1 = write_delivery(tmp_path / "v1", "capaciteit", [row("capaciteit")])
    v2 = write_delivery(tmp_path / "v2", "capaciteit", [row("capaciteit", plaatsen="12")])
    wh.ingest(v1)
    wh.ingest(v2)
    wh.ingest(v1)
    assert wh.query("SELECT file, status FROM loads ORDER BY load_id") == [
        (str(v1), "superseded"), (str(v2), "superseded"), (str(v1), "loaded")]
    assert wh.query("SELECT plaatsen FROM raw_capaciteit JOIN loads USING (load_id) "
                    "WHERE status = 'loaded'") == [(10,)]


def test_a_rejected_redelivery_leaves_the_current_load_in_place(wh, tmp_path):
    good = write_delivery(tmp_path / "v1", "verblijf", [row("verblijf")])
    wh.ingest(good)
    bad = write_delivery(tmp_path / "v2", "verblijf", [row("verblijf")],
                         header=["client_id", "verblijf_id", "startdatum", "opvangvorm", "bsn"])
    wh.ingest(bad)
    assert wh.query("SELECT status FROM loads ORDER BY load_id") == [("loaded",), ("rejected",)]


def test_each_soort_and_quarter_supersedes_only_its_own_load(wh, tmp_path):
    wh.ingest(write_delivery(tmp_path / "q1", "capaciteit", [row("capaciteit")]))
    wh.ingest(write_delivery(tmp_path / "q2", "capaciteit", [row("capaciteit")],
                             kwartaal="2025Q2"))
    wh.ingest(write_delivery(tmp_path / "q1b", "verblijf", [row("verblijf")]))
    assert wh.query("SELECT status FROM loads ORDER BY load_id") == [("loaded",)] * 3
