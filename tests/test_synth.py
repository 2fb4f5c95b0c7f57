"""Synthetic deliveries: deterministic, following the delivery format, calibrated through the
real pipeline."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from pipeline import synth_targets as targets
from pipeline.deliveries import CSV_NAME, XLSX_NAME
from pipeline.synth import generate


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    summary = generate(out / "a", seed=7, kwartalen=("2025Q1", "2025Q2"), schaal=0.1)
    return out, summary


def test_same_seed_gives_the_same_bytes(small, tmp_path):
    out, _ = small
    generate(tmp_path / "b", seed=7, kwartalen=("2025Q1", "2025Q2"), schaal=0.1)
    assert digest(out / "a") == digest(tmp_path / "b")


def test_another_seed_gives_other_data(small, tmp_path):
    out, _ = small
    generate(tmp_path / "c", seed=8, kwartalen=("2025Q1", "2025Q2"), schaal=0.1)
    assert digest(out / "a") != digest(tmp_path / "c")


def test_every_file_name_follows_the_pattern_for_all_35_cgs(small):
    out, summary = small
    names = [Path(f).name for f in summary["files"]]
    assert all(CSV_NAME.match(n) or XLSX_NAME.match(n) for n in names)
    assert len({n[:6] for n in names}) == 35
    assert any(n.endswith(".xlsx") for n in names)


def test_dialects_vary_as_the_contract_allows(small):
    out, summary = small
    csvs = [Path(f) for f in summary["files"] if f.endswith(".csv")]
    raw = [p.read_bytes() for p in csvs]
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw)
    heads = [b.split(b"\n", 1)[0] for b in raw]
    assert any(b";" in h for h in heads) and any(b"," in h and b";" not in h for h in heads)
    texts = [b.decode("utf-8-sig") for b in raw]
    assert any(re.search(r"\b\d{2}-\d{2}-\d{4}\b", t) for t in texts)
    assert any(re.search(r"\b\d{4}-\d{2}-\d{2}\b", t) for t in texts)


@pytest.fixture(scope="module")
def ingested(small, tmp_path_factory):
    from tests.conftest import Warehouse

    out, _ = small
    wh = Warehouse(tmp_path_factory.mktemp("wh"))
    return wh, wh.ingest(out / "a")


def test_clean_synthetic_data_loads_without_a_single_rejection(ingested):
    wh, run = ingested
    assert run.exit_code == 0, run.report.head().to_dict("records")
    statuses = {r.status for r in run.results}
    assert statuses <= {"loaded", "duplicate"}
    # the corrected re-deliveries superseded the first versions
    assert wh.query("SELECT count(*) FROM loads WHERE status = 'superseded'")[0][0] >= 1


def test_running_episodes_repeat_in_every_quarter_they_touch(ingested):
    wh, _ = ingested
    # an episode running at the end of 2025Q1 that started before it is delivered in both
    rows = wh.query("""
        SELECT count(*) FROM stg_verblijf q1 JOIN stg_verblijf q2
          ON q1.centrumgemeente = q2.centrumgemeente AND q1.verblijf_id = q2.verblijf_id
        WHERE q1.kwartaal = '2025Q1' AND q2.kwartaal = '2025Q2' AND q1.einddatum IS NULL""")
    missing = wh.query("""
        SELECT count(*) FROM stg_verblijf q1 WHERE q1.kwartaal = '2025Q1'
          AND q1.einddatum IS NULL AND NOT EXISTS (
            SELECT 1 FROM stg_verblijf q2 WHERE q2.kwartaal = '2025Q2'
              AND q2.centrumgemeente = q1.centrumgemeente AND q2.verblijf_id = q1.verblijf_id)""")
    assert rows[0][0] > 0 and missing == [(0,)]


def test_calibration_targets_hold_through_the_real_pipeline(tmp_path, wh):
    """A national year at schaal 1 ingested and computed exactly as an analyst would."""
    from pipeline import db
    from pipeline.figures import kerncijfers

    generate(tmp_path / "nl", seed=20251, kwartalen=("2025Q1", "2025Q4"), schaal=1.0)
    assert wh.ingest(tmp_path / "nl").exit_code == 0
    con = db.connect(wh.path)
    f = kerncijfers(con, "2025")
    cap = con.execute("SELECT opvangvorm, sum(plaatsen) / count(DISTINCT centrumgemeente) * 35 "
                      "FROM capaciteit WHERE kwartaal = '2025Q1' GROUP BY 1").fetchall()
    geplaatst_andere = con.execute(
        "SELECT avg((herkomst = 'andere_regio')::INT) FROM aanmeldingen "
        "WHERE uitkomst = 'geplaatst' AND year(aanmelddatum) = 2025 "
        "AND herkomst IN ('eigen_regio', 'andere_regio')").fetchall()[0][0]
    vervolg = con.execute(
        "SELECT avg(einddatum - startdatum) FROM verblijven WHERE opvangvorm = 'residentieel' "
        "AND einddatum IS NOT NULL").fetchall()[0][0]
    con.close()

    def near(target: targets.Target, value: float) -> None:
        assert abs(value - target.value) <= target.tolerance, (target.source, value)

    near(targets.CLIENTEN_PER_JAAR, f["clienten_in_zorg"])
    near(targets.KINDEREN_PER_JAAR, f["meegekomen_kinderen"])
    near(targets.AANDEEL_AMBULANT, f["aandeel_ambulant"])
    near(targets.AANDEEL_EIGEN_REGIO, f["aandeel_eigen_regio"])
    near(targets.WACHTTIJD_MEDIAAN_DAGEN, f["wachttijd_mediaan_dagen"])
    near(targets.AANDEEL_ANDERE_REGIO_GEPLAATST, geplaatst_andere)
    near(targets.VERVOLGOPVANG_GEMIDDELDE_DAGEN, vervolg)
    places = dict(cap)
    near(targets.CRISISPLAATSEN, places["crisisopvang"])
    near(targets.RESIDENTIELE_PLAATSEN, places["residentieel"])
