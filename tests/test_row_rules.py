"""Every row rule of aanleverformaat section 2: a broken row is quarantined with that rule,
the rest of the file still loads, and a valid row passes."""

from __future__ import annotations

import pytest

from tests.conftest import HEADERS, VALID, row, write_delivery

# (soort, change to the valid row, the rule that must catch it)
CASES = [
    # instroom
    ("instroom", {"client_id": ""}, "verplicht_client_id"),
    ("instroom", {"client_id": "K 1"}, "client_id_vorm"),
    ("instroom", {"client_id": "K" * 65}, "client_id_vorm"),
    ("instroom", {"aanmelding_id": ""}, "verplicht_aanmelding_id"),
    ("instroom", {"aanmelding_id": "A" * 65}, "aanmelding_id_lengte"),
    ("instroom", {"aanmelddatum": ""}, "verplicht_aanmelddatum"),
    ("instroom", {"aanmelddatum": "2025-02-30"}, "aanmelddatum_is_datum"),
    ("instroom", {"aanmelddatum": "10/01/2025"}, "aanmelddatum_is_datum"),
    ("instroom", {"aanmelddatum": "2024-12-31", "plaatsingsdatum": "2025-01-12"},
     "aanmelddatum_in_kwartaal"),
    ("instroom", {"aanmelddatum": "2025-04-01", "plaatsingsdatum": "2025-04-01"},
     "aanmelddatum_in_kwartaal"),
    ("instroom", {"uitkomst": ""}, "verplicht_uitkomst"),
    ("instroom", {"uitkomst": "opgenomen"}, "uitkomst_waarde"),
    ("instroom", {"plaatsingsdatum": ""}, "plaatsingsdatum_alleen_bij_geplaatst"),
    ("instroom", {"uitkomst": "doorverwezen"}, "plaatsingsdatum_alleen_bij_geplaatst"),
    ("instroom", {"plaatsingsdatum": "2025-01-09"}, "plaatsingsdatum_na_aanmelddatum"),
    ("instroom", {"plaatsingsdatum": "2025-13-01"}, "plaatsingsdatum_is_datum"),
    ("instroom", {"opvangvorm": ""}, "verplicht_opvangvorm"),
    ("instroom", {"opvangvorm": "noodopvang"}, "opvangvorm_waarde"),
    ("instroom", {"gemeente_herkomst": "0344"}, "gemeente_herkomst_vorm"),
    ("instroom", {"gemeente_herkomst": "GM9999"}, "gemeente_herkomst_bekend"),
    ("instroom", {"verwijzer": "buurvrouw"}, "verwijzer_waarde"),
    ("instroom", {"geslacht": ""}, "verplicht_geslacht"),
    ("instroom", {"geslacht": "vrouw"}, "geslacht_waarde"),
    ("instroom", {"geboortejaar": "1899"}, "geboortejaar_bereik"),
    ("instroom", {"geboortejaar": "2026"}, "geboortejaar_bereik"),
    ("instroom", {"geboortejaar": "negentig"}, "geboortejaar_bereik"),
    ("instroom", {"aantal_kinderen": "16"}, "aantal_kinderen_bereik"),
    ("instroom", {"aantal_kinderen": "-1"}, "aantal_kinderen_bereik"),
    ("instroom", {"aantal_kinderen": "1.5"}, "aantal_kinderen_bereik"),
    # v1.1: reden_niet_geplaatst, a value of its list and only where no place followed
    ("instroom", {"uitkomst": "niet_geplaatst", "plaatsingsdatum": "",
                  "reden_niet_geplaatst": "geen_plek"}, "reden_niet_geplaatst_waarde"),
    ("instroom", {"reden_niet_geplaatst": "vol"}, "reden_alleen_bij_niet_geplaatst"),
    ("instroom", {"uitkomst": "in_behandeling", "plaatsingsdatum": "",
                  "reden_niet_geplaatst": "onbekend"}, "reden_alleen_bij_niet_geplaatst"),
    # verblijf
    ("verblijf", {"client_id": ""}, "verplicht_client_id"),
    ("verblijf", {"client_id": "K@1"}, "client_id_vorm"),
    ("verblijf", {"verblijf_id": ""}, "verplicht_verblijf_id"),
    ("verblijf", {"verblijf_id": "V" * 65}, "verblijf_id_lengte"),
    ("verblijf", {"startdatum": ""}, "verplicht_startdatum"),
    ("verblijf", {"startdatum": "2025-04-01", "einddatum": ""}, "startdatum_na_kwartaal"),
    ("verblijf", {"startdatum": "gisteren"}, "startdatum_is_datum"),
    ("verblijf", {"einddatum": "2025-01-11"}, "einddatum_voor_startdatum"),
    ("verblijf", {"startdatum": "2024-11-01", "einddatum": "2024-12-31"},
     "einddatum_buiten_kwartaal"),
    ("verblijf", {"einddatum": "2025-04-01"}, "einddatum_buiten_kwartaal"),
    ("verblijf", {"einddatum": "2025-02-29"}, "einddatum_is_datum"),
    ("verblijf", {"opvangvorm": ""}, "verplicht_opvangvorm"),
    ("verblijf", {"opvangvorm": "beschermd_wonen"}, "opvangvorm_waarde"),
    ("verblijf", {"aanmelding_id": "A" * 65}, "aanmelding_id_lengte"),
    # uitstroom
    ("uitstroom", {"client_id": ""}, "verplicht_client_id"),
    ("uitstroom", {"verblijf_id": ""}, "verplicht_verblijf_id"),
    ("uitstroom", {"uitstroomdatum": ""}, "verplicht_uitstroomdatum"),
    ("uitstroom", {"uitstroomdatum": "2025-00-10"}, "uitstroomdatum_is_datum"),
    ("uitstroom", {"uitstroomdatum": "2025-04-02"}, "uitstroomdatum_in_kwartaal"),
    ("uitstroom", {"bestemming": ""}, "verplicht_bestemming"),
    ("uitstroom", {"bestemming": "hotel"}, "bestemming_waarde"),
    ("uitstroom", {"gemeente_bestemming": "GMX344"}, "gemeente_bestemming_vorm"),
    ("uitstroom", {"gemeente_bestemming": "GM9998"}, "gemeente_bestemming_bekend"),
    ("uitstroom", {"reden_einde": ""}, "verplicht_reden_einde"),
    ("uitstroom", {"reden_einde": "verhuisd"}, "reden_einde_waarde"),
    ("uitstroom", {"belemmeringen": "geen_woning|schulden"}, "belemmeringen_waarde"),
    # capaciteit
    ("capaciteit", {"opvangvorm": ""}, "verplicht_opvangvorm"),
    ("capaciteit", {"opvangvorm": "ambulant"}, "opvangvorm_residentieel"),
    ("capaciteit", {"plaatsen": ""}, "verplicht_plaatsen"),
    ("capaciteit", {"plaatsen": "5001"}, "plaatsen_bereik"),
    ("capaciteit", {"plaatsen": "-3"}, "plaatsen_bereik"),
    ("capaciteit", {"plaatsen": "tien"}, "plaatsen_bereik"),
]

#: These tests read what the loader writes (raw tables, quarantine, load history): the
#: ``wh`` fixture's ingests build no models here (conftest.wh).
MODELS = False



@pytest.mark.parametrize(("soort", "change", "regel"), CASES,
                         ids=[f"{s}-{r}-{i}" for i, (s, _, r) in enumerate(CASES)])
def test_broken_row_is_quarantined_with_its_rule(wh, tmp_path, soort, change, regel):
    good = row(soort, **({"opvangvorm": "residentieel"} if soort == "capaciteit" else
                         {"client_id": "K2", VALID_KEY[soort]: "OK2"}))
    bad = row(soort, **change)
    path = write_delivery(tmp_path / "in", soort, [good, bad])
    run = wh.ingest(path)
    [result] = run.results
    assert result.status == "loaded"
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    rules = {r[0] for r in wh.query("SELECT regel FROM quarantine WHERE bronregel = 3")}
    assert regel in rules
    assert wh.query(f"SELECT count(*) FROM raw_{soort} WHERE bronregel = 2") == [(1,)]
    # the rejection report names the file, line, rule and a fix
    rep = run.report[run.report["regel"] == regel].iloc[0]
    assert rep["bestand"] == str(path) and rep["bronregel"] == 3 and rep["oplossing"]


VALID_KEY = {"instroom": "aanmelding_id", "verblijf": "verblijf_id", "uitstroom": "verblijf_id",
             "capaciteit": "opvangvorm"}


@pytest.mark.parametrize("soort", list(VALID))
def test_valid_row_loads_without_quarantine(wh, tmp_path, soort):
    run = wh.ingest(write_delivery(tmp_path, soort, [row(soort)]))
    assert run.exit_code == 0
    assert wh.query("SELECT count(*) FROM quarantine") == [(0,)]
    assert wh.query(f"SELECT count(*) FROM raw_{soort}") == [(1,)]


def test_every_reason_of_a_row_is_kept(wh, tmp_path):
    bad = row("instroom", uitkomst="onbekend", geslacht="", aantal_kinderen="99")
    wh.ingest(write_delivery(tmp_path, "instroom", [bad]))
    rules = {r[0] for r in wh.query("SELECT regel FROM quarantine")}
    assert rules == {"uitkomst_waarde", "verplicht_geslacht", "aantal_kinderen_bereik"}


def test_quarantined_row_is_kept_with_pseudonym_not_client_id(wh, tmp_path):
    wh.ingest(write_delivery(tmp_path, "verblijf",
                             [row("verblijf", client_id="GEHEIM7", opvangvorm="xx")]))
    [(record,)] = wh.query("SELECT record::VARCHAR FROM quarantine")
    assert "GEHEIM7" not in record
    assert '"client_pseudoniem"' in record and '"opvangvorm": "xx"' in record


def test_exact_duplicates_load_once_with_a_warning(wh, tmp_path):
    r = row("verblijf")
    run = wh.ingest(write_delivery(tmp_path, "verblijf", [r, r, r]))
    [res] = run.results
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined) == (3, 1, 0)
    assert any("2 exact duplicate" in w for w in res.warnings)
    assert wh.query("SELECT message FROM loads")[0][0].startswith("2 exact duplicate")
    assert run.exit_code == 0


def test_rows_sharing_a_key_but_differing_are_all_quarantined(wh, tmp_path):
    a = row("verblijf")
    b = row("verblijf", einddatum="")
    c = row("verblijf", verblijf_id="V2")
    run = wh.ingest(write_delivery(tmp_path, "verblijf", [a, b, c]))
    assert run.results[0].rows_quarantined == 2
    assert wh.query("SELECT bronregel FROM quarantine WHERE regel = 'verblijf_id_dubbel' "
                    "ORDER BY 1") == [(2,), (3,)]
    assert wh.query("SELECT verblijf_id FROM raw_verblijf") == [("V2",)]


def test_old_municipality_code_is_valid(wh, tmp_path):
    # GM0501 Brielle merged into GM1992 Voorne aan Zee on 2023-01-01
    run = wh.ingest(write_delivery(tmp_path, "instroom", [row("instroom",
                                                              gemeente_herkomst="GM0501")]))
    assert run.exit_code == 0


def test_row_with_wrong_number_of_fields_is_quarantined(wh, tmp_path):
    path = write_delivery(tmp_path, "capaciteit", [row("capaciteit")])
    path.write_text(path.read_text() + "residentieel;5;extra\r\n")
    run = wh.ingest(path)
    assert run.results[0].rows_quarantined == 1
    assert wh.query("SELECT regel, bronregel FROM quarantine") == [("veldaantal", 3)]


@pytest.mark.parametrize(("uitkomst", "reden"), [
    ("doorverwezen", "VOL "), ("niet_geplaatst", "elders_geplaatst"), ("doorverwezen", ""),
    ("niet_geplaatst", "onbekend"), ("geplaatst", ""), ("in_behandeling", "")])
def test_reden_niet_geplaatst_passes_where_the_contract_allows_it(wh, tmp_path, uitkomst, reden):
    # v1.1: any reason of the list (case and spaces as delivered) with doorverwezen or
    # niet_geplaatst; empty (= unknown) with every uitkomst
    r = row("instroom", uitkomst=uitkomst, reden_niet_geplaatst=reden,
            plaatsingsdatum="2025-01-12" if uitkomst == "geplaatst" else "")
    run = wh.ingest(write_delivery(tmp_path, "instroom", [r]))
    assert run.exit_code == 0, run.report
    assert wh.query("SELECT reden_niet_geplaatst FROM raw_instroom") == [
        (reden.strip().lower() or None,)]


def test_v1_and_v1_1_deliveries_load_side_by_side(wh, tmp_path):
    # a v1 delivery (no reden_niet_geplaatst column) and a v1.1 one, in one warehouse; the
    # load history keeps which version each file followed
    v1_header = [h for h in HEADERS["instroom"] if h != "reden_niet_geplaatst"]
    v1 = write_delivery(tmp_path / "v1", "instroom", [row("instroom", uitkomst="doorverwezen",
                                                          plaatsingsdatum="")],
                        header=v1_header)
    v11 = write_delivery(tmp_path / "v11", "instroom",
                         [row("instroom", uitkomst="doorverwezen", plaatsingsdatum="",
                              reden_niet_geplaatst="vol")], cg="GM0363")
    run = wh.ingest(v1, v11)
    assert run.exit_code == 0
    assert wh.query("SELECT centrumgemeente, formaatversie FROM loads ORDER BY 1") == [
        ("GM0344", "1"), ("GM0363", "1.1")]
    assert wh.query("SELECT centrumgemeente, reden_niet_geplaatst FROM raw_instroom "
                    "ORDER BY 1") == [("GM0344", None), ("GM0363", "vol")]


def test_a_v1_1_workbook_loads_its_reasons_and_its_version(wh, tmp_path):
    from pipeline.synth.generator import write_xlsx

    path = tmp_path / "GM0344_2025Q1.xlsx"
    write_xlsx(path, {"instroom": [row("instroom", uitkomst="niet_geplaatst", plaatsingsdatum="",
                                       reden_niet_geplaatst="Client_Ziet_Af")],
                      "verblijf": [row("verblijf")]})
    assert wh.ingest(path).exit_code == 0
    assert wh.query("SELECT soort, formaatversie FROM loads ORDER BY soort") == [
        ("instroom", "1.1"), ("verblijf", "1")]
    assert wh.query("SELECT reden_niet_geplaatst FROM raw_instroom") == [("client_ziet_af",)]
