"""Re-delivery: same bytes are a no-op; a new version supersedes atomically and the old load
stays in the history."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import row, write_delivery

DATA_TABLES = ("loads", "raw_instroom", "raw_verblijf", "raw_uitstroom", "raw_capaciteit",
               "quarantine")

#: These tests read what the loader writes (raw tables, quarantine, load history): the
#: ``wh`` fixture's ingests build no models here (conftest.wh).
MODELS = False



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
def test_redelivering_the_old_version_with_terugdraaien_makes_it_current_again(wh, tmp_path):
    v1 = write_delivery(tmp_path / "v1", "capaciteit", [row("capaciteit")])
    v2 = write_delivery(tmp_path / "v2", "capaciteit", [row("capaciteit", plaatsen="12")])
    wh.ingest(v1)
    wh.ingest(v2)
    run = wh.ingest(v1, terugdraaien=True)   # a deliberate rollback (issue 31)
    assert any("rolls back to these bytes, loaded before as load 1" in w
               for w in run.results[0].warnings)
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


# --- saying what a load replaces (issue 31) --------------------------------------------------

def test_a_load_that_replaces_another_says_which_with_rows_before_and_after(wh, tmp_path):
    v1 = write_delivery(tmp_path / "v1", "verblijf", [row("verblijf"),
                                                      row("verblijf", verblijf_id="V2")])
    first = wh.ingest(v1).results[0]
    assert first.vervangt == [] and not any("replaces" in w for w in first.warnings)
    v2 = write_delivery(tmp_path / "v2", "verblijf", [row("verblijf", einddatum="")])
    res = wh.ingest(v2).results[0]
    assert res.status == "loaded"
    assert res.vervangt == [{"load_id": 1, "file": str(v1), "rows_loaded": 2}]
    assert res.rows_loaded == 1
    note = f"verblijf of GM0344 2025Q1: replaces load 1 ({v1}, 2 rows) with 1 row"
    assert note in res.warnings
    assert note in wh.query("SELECT message FROM loads WHERE load_id = 2")[0][0]


def test_an_older_version_again_after_a_newer_one_changes_nothing_and_says_so(wh, tmp_path):
    v1 = write_delivery(tmp_path / "v1", "capaciteit", [row("capaciteit")])
    v2 = write_delivery(tmp_path / "v2", "capaciteit", [row("capaciteit", plaatsen="12")])
    wh.ingest(v1)
    wh.ingest(v2)
    before = snapshot(wh)
    for again in (v1, shutil.copy(v1, tmp_path / v1.name)):   # its path, or another one
        run = wh.ingest(again)
        assert snapshot(wh) == before
        [res] = run.results
        assert res.status == "unchanged" and run.exit_code == 0
        assert "loaded before as load 1" in res.message
        assert f"replaced by load 2 ({v2}), which stays current" in res.message
        assert "--terugdraaien" in res.message
    assert wh.query("SELECT plaatsen FROM raw_capaciteit JOIN loads USING (load_id) "
                    "WHERE status = 'loaded'") == [(12,)]


def test_a_file_in_a_folder_of_another_quarter_gets_a_warning(wh, tmp_path):
    wrong = write_delivery(tmp_path / "2025Q2", "verblijf", [row("verblijf")])
    right = write_delivery(tmp_path / "2025Q1" / "herlevering", "instroom", [row("instroom")])
    run = wh.ingest(wrong, right)
    by_soort = {r.soort: r for r in run.results}
    assert by_soort["verblijf"].status == "loaded"
    assert any("named for 2025Q1 but lies in folder 2025Q2/" in w
               for w in by_soort["verblijf"].warnings)
    assert not any("folder" in w for w in by_soort["instroom"].warnings)
