"""Each quality rule finds exactly its defect, with the right CG and quarter, and stays silent on
clean data; the synth defect catalogue is found; JSON, exit codes and the HTML report."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.quality import exit_code, load_rules, run_quality
from pipeline.quality.rules import RulesError

CLI_RULES = {"uitstroom_onbekend_verblijf", "uitstroom_datum_wijkt_af",
             "verblijf_zonder_uitstroom", "verblijf_verdwenen", "overlappende_verblijven",
             "kwartaal_ontbreekt", "volume_afwijking", "voorraad_identiteit",
             "bezetting_boven_capaciteit"}


def deliver_quarters(tiny, kwartalen, cg="GM0344"):
    """Empty but delivered instroom/verblijf/uitstroom files for each quarter."""
    for k in kwartalen:
        for soort in ("instroom", "verblijf", "uitstroom"):
            tiny.load_id(cg, k, soort)


def findings(tiny, periode=None):
    tiny.build()
    found, _ = run_quality(tiny.con, periode)
    return {(f["regel"], f["centrumgemeente"], f["kwartaal"], f["aantal"]) for f in found}


def test_rules_file_has_every_cli_rule_and_is_valid():
    assert {r.regel for r in load_rules()} >= CLI_RULES
    assert len({r.regel_id for r in load_rules()}) == len(load_rules())


def test_malformed_rules_file_is_refused(tmp_path):
    bad = tmp_path / "regels.yaml"
    bad.write_text("- regel: nieuw\n  ernst: ramp\n  expectation: Iets\n  parameters: {}\n"
                   "  toelichting: x\n")
    with pytest.raises(RulesError, match="ernst must be one of"):
        load_rules(bad)


def test_clean_warehouse_gives_no_finding(tiny):
    deliver_quarters(tiny, ["2025Q1", "2025Q2"])
    tiny.verblijf("V1", "2025-01-05", "2025-02-01", client="a")
    tiny.uitstroom("V1", "2025-02-01", client="a")
    tiny.verblijf("V2", "2025-01-05", None, client="b")
    tiny.verblijf("V2", "2025-01-05", None, client="b", kwartaal="2025Q2")
    tiny.capaciteit("2025Q1", crisis=5, residentieel=5)
    assert findings(tiny) == set()


def test_uitstroom_onbekend_verblijf(tiny):
    deliver_quarters(tiny, ["2025Q1"])
    tiny.uitstroom("ONBEKEND", "2025-02-01")
    assert ("uitstroom_onbekend_verblijf", "GM0344", "2025Q1", 1) in findings(tiny)


def test_uitstroom_datum_wijkt_af(tiny):
    deliver_quarters(tiny, ["2025Q1"])
    tiny.verblijf("V1", "2025-01-05", "2025-02-01")
    tiny.uitstroom("V1", "2025-02-03")
    assert findings(tiny) == {("uitstroom_datum_wijkt_af", "GM0344", "2025Q1", 1)}


def test_verblijf_zonder_uitstroom_but_doorstroom_within_a_day_is_fine(tiny):
    deliver_quarters(tiny, ["2025Q1"])
    tiny.verblijf("V1", "2025-01-05", "2025-02-01", client="a")   # no uitstroom: finding
    tiny.verblijf("V2", "2025-01-05", "2025-02-01", client="b")   # next episode next day
    tiny.verblijf("V3", "2025-02-02", None, client="b", vorm="ambulant")
    assert findings(tiny) == {("verblijf_zonder_uitstroom", "GM0344", "2025Q1", 1)}


def test_verblijf_verdwenen_is_reported_in_the_quarter_it_vanished(tiny):
    deliver_quarters(tiny, ["2025Q1", "2025Q2"])
    tiny.verblijf("V1", "2025-01-05", None)
    found = findings(tiny)
    assert ("verblijf_verdwenen", "GM0344", "2025Q2", 1) in found


def test_overlappende_verblijven_more_than_one_day(tiny):
    deliver_quarters(tiny, ["2025Q1"])
    tiny.verblijf("V1", "2025-01-05", "2025-01-20", vorm="crisisopvang")
    tiny.verblijf("V2", "2025-01-20", None)        # 0 days shared: fine
    tiny.verblijf("V3", "2025-01-05", "2025-01-10", client="b")
    tiny.verblijf("V4", "2025-01-08", None, client="b")  # 2 days shared: both flagged
    tiny.uitstroom("V1", "2025-01-20")
    tiny.uitstroom("V3", "2025-01-10", client="b")
    assert findings(tiny) == {("overlappende_verblijven", "GM0344", "2025Q1", 2)}


def test_kwartaal_ontbreekt(tiny):
    deliver_quarters(tiny, ["2025Q1", "2025Q3"])
    tiny.load_id("GM0344", "2025Q2", "verblijf")  # Q2 has verblijf only
    assert findings(tiny) == {("kwartaal_ontbreekt", "GM0344", "2025Q2", 2)}


def test_volume_afwijking_against_the_cgs_own_history(tiny):
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"]
    deliver_quarters(tiny, quarters)
    for k, n in zip(quarters, [10, 12, 11, 9, 60], strict=True):
        y, q = int(k[:4]), int(k[-1])
        for i in range(n):
            tiny.aanmelding(f"A{k}{i}", f"{y}-{3 * q - 2:02d}-05", uitkomst="doorverwezen",
                            kwartaal=k)
    found = findings(tiny)
    assert ("volume_afwijking", "GM0344", "2025Q1", 1) in found
    assert not any(f[0] == "volume_afwijking" and f[2] != "2025Q1" for f in found)


def test_bezetting_boven_capaciteit(tiny):
    deliver_quarters(tiny, ["2025Q1"])
    tiny.capaciteit("2025Q1", residentieel=1)
    tiny.verblijf("V1", "2025-01-01", None, client="a")
    tiny.verblijf("V2", "2025-01-01", None, client="b")
    assert findings(tiny) == {("bezetting_boven_capaciteit", "GM0344", "2025Q1", 1)}


def test_voorraad_identiteit_holds_on_any_loaded_data_and_is_fataal(tiny):
    deliver_quarters(tiny, ["2025Q1"])
    tiny.verblijf("V1", "2024-12-01", "2025-01-10")
    tiny.uitstroom("V1", "2025-01-10")
    assert findings(tiny) == set()
    rule = next(r for r in load_rules() if r.regel == "voorraad_identiteit")
    assert rule.ernst == "fataal" and exit_code([{"ernst": "fataal"}]) == 3


def test_exit_codes():
    assert exit_code([]) == 0
    assert exit_code([{"ernst": "waarschuwing"}, {"ernst": "fout"}]) == 1


def test_every_quality_defect_of_synth_is_found(tmp_path):
    from pipeline.synth_defects import write_defects
    from tests.conftest import Warehouse

    folder = tmp_path / "defecten"
    manifest = json.loads(write_defects(folder, 1).read_text())["defecten"]
    wh = Warehouse(tmp_path)
    wh.ingest(folder / "kwaliteit")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "kwaliteit", "--json", "--out",
                           str(tmp_path / "rapport")], capture_output=True, text=True,
                          env=wh.env())
    found = json.loads(proc.stdout)
    assert proc.returncode == 1
    regels = {f["regel"] for f in found}
    for d in manifest:
        if d["verwacht"] == "kwaliteitsbevinding":
            assert d["regel"] in regels, d
        if d["verwacht"] == "geen_bevinding":
            assert d["regel"] not in regels, d
    assert all(set(f) == {"regel", "ernst", "centrumgemeente", "kwartaal", "aantal",
                          "toelichting"} for f in found)
    # no client-level value in findings or in the offline HTML report
    html = next((tmp_path / "rapport").glob("*.html")).read_text()
    secrets = [f"k{i}" for i in range(1, 10)] + ["Q1", "Q5", "NIET"]
    text = proc.stdout + html
    for s in secrets:
        assert f'"{s}"' not in text and f">{s}<" not in text
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert wh.query("SELECT count(*) > 0 FROM kwaliteit_resultaten WHERE afwijkend > 0") == [
        (True,)]
