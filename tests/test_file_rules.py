"""Whole-file rules of aanleverformaat section 3 and the CSV/XLSX dialect of section 1."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest

from tests.conftest import HEADERS, row, write_delivery

#: These tests read what the loader writes (raw tables, quarantine, load history): the
#: ``wh`` fixture's ingests build no models here (conftest.wh).
MODELS = False



def rejected(run, regel_fragment: str):
    [res] = run.results
    assert res.status == "rejected", res
    assert run.exit_code == 1
    [rep] = run.report.to_dict("records")
    assert rep["regel"] == regel_fragment
    assert rep["oplossing"]
    return res


def no_rows_loaded(wh):
    for soort in HEADERS:
        assert wh.query(f"SELECT count(*) FROM raw_{soort}") == [(0,)]


@pytest.mark.parametrize("name", [
    "GM0344_2025Q1_instroom.txt.csv", "gm0344-2025Q1-instroom.csv", "GM0344_2025Q5_instroom.csv",
    "GM0344_2025Q1_aanmelding.csv", "GM344_2025Q1_instroom.csv", "instroom.csv",
    "GM0344_2025Q1_instroom.xlsx",
])
def test_file_name_off_pattern_is_rejected_with_the_pattern(wh, tmp_path, name):
    path = write_delivery(tmp_path, "instroom", [row("instroom")], name=name)
    res = rejected(wh.ingest(path), "bestandsnaam")
    assert "<CG>_<YYYY>Q<n>_<soort>.csv" in res.message
    no_rows_loaded(wh)
    assert wh.query("SELECT status, file FROM loads") == [("rejected", str(path))]


def test_unknown_centrumgemeente_is_rejected(wh, tmp_path):
    # GM0307 Amersfoort is a centrumgemeente; GM0308 Baarn is a municipality but not one
    path = write_delivery(tmp_path, "instroom", [row("instroom")], cg="GM0308")
    rejected(wh.ingest(path), "onbekende_centrumgemeente")
    no_rows_loaded(wh)


def test_a_delivery_for_a_municipality_names_the_centrumgemeente_of_its_area(wh, tmp_path):
    # Deventer was long taken for a centrumgemeente; by law it lies in Zwolle's area
    path = write_delivery(tmp_path, "instroom", [row("instroom")], cg="GM0150")
    run = wh.ingest(path)
    rejected(run, "onbekende_centrumgemeente")
    [rep] = run.report.to_dict("records")
    assert "GM0150 lies in the area of centrumgemeente GM0193" in rep["oplossing"]
    assert "GM0193_2025Q1_" in rep["oplossing"]
    no_rows_loaded(wh)


@pytest.mark.parametrize("cg", ["GM0503", "GM0794", "GM1930"])  # Delft, Helmond, Nissewaard
def test_deliveries_of_the_three_once_missing_centrumgemeenten_load(wh, tmp_path, cg):
    path = write_delivery(tmp_path, "instroom", [row("instroom")], cg=cg)
    run = wh.ingest(path)
    assert [r.status for r in run.results] == ["loaded"], run.report.to_dict("records")


def test_future_quarter_is_rejected(wh, tmp_path):
    path = write_delivery(tmp_path, "capaciteit", [row("capaciteit")], kwartaal="2027Q1")
    res = rejected(wh.ingest(path, today=dt.date(2026, 12, 31)), "toekomstig_kwartaal")
    assert "2027Q1" in res.message


def test_current_quarter_is_not_future(wh, tmp_path):
    path = write_delivery(tmp_path, "capaciteit", [row("capaciteit")], kwartaal="2026Q4")
    assert wh.ingest(path, today=dt.date(2026, 10, 1)).exit_code == 0


@pytest.mark.parametrize("column", ["missing_client_id", "missing_startdatum"])
def test_required_column_missing_is_rejected(wh, tmp_path, column):
    gone = column.removeprefix("missing_")
    header = [h for h in HEADERS["verblijf"] if h != gone]
    path = write_delivery(tmp_path, "verblijf", [row("verblijf")], header=header)
    res = rejected(wh.ingest(path), "kolom_ontbreekt")
    assert gone in res.message
    no_rows_loaded(wh)


@pytest.mark.parametrize("column", ["BSN", "naam", "Voornaam", "achter_naam", "Adres", "straat",
                                    "huis-nummer", "Postcode", "Geboorte datum", "telefoon",
                                    "E-mail", "geboorte_datum"])
def test_identifying_column_is_rejected(wh, tmp_path, column):
    header = HEADERS["verblijf"] + [column]
    path = write_delivery(tmp_path, "verblijf", [row("verblijf")], header=header)
    rejected(wh.ingest(path), "identificerende_kolom")
    no_rows_loaded(wh)


def test_other_unknown_columns_are_ignored_with_a_warning(wh, tmp_path):
    header = HEADERS["verblijf"] + ["opmerking", "naam_begeleider"]
    run = wh.ingest(write_delivery(tmp_path, "verblijf", [row("verblijf")], header=header))
    [res] = run.results
    assert res.status == "loaded" and res.rows_loaded == 1
    assert any("opmerking" in w and "naam_begeleider" in w for w in res.warnings)


def elfproef_number() -> str:
    """A 9-digit number passing the 11-proef, built here from the rule itself."""
    digits = [1, 2, 3, 4, 5, 6, 7, 8]
    s = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    last = s % 11  # need (s - last) % 11 == 0 with last a digit
    assert last < 10
    return "".join(map(str, digits)) + str(last)


def test_client_id_that_may_be_a_bsn_rejects_the_file(wh, tmp_path):
    bsn = elfproef_number()
    path = write_delivery(tmp_path, "verblijf", [row("verblijf"), row(
        "verblijf", client_id=bsn, verblijf_id="V2")])
    res = rejected(wh.ingest(path), "mogelijk_bsn")
    assert "line(s) 3" in res.message
    assert bsn not in res.message
    assert bsn not in wh.query("SELECT message FROM loads")[0][0]
    no_rows_loaded(wh)


def test_nine_digits_failing_the_elfproef_load(wh, tmp_path):
    bsn = elfproef_number()
    not_bsn = bsn[:-1] + str((int(bsn[-1]) + 1) % 10)
    run = wh.ingest(write_delivery(tmp_path, "verblijf", [row("verblijf", client_id=not_bsn)]))
    assert run.exit_code == 0


def test_elfproef_applies_to_client_id_only(wh, tmp_path):
    bsn = elfproef_number()
    run = wh.ingest(write_delivery(tmp_path, "verblijf", [row("verblijf", verblijf_id=bsn,
                                                              aanmelding_id=bsn)]))
    assert run.exit_code == 0


def test_undetectable_encoding_is_rejected(wh, tmp_path):
    path = write_delivery(tmp_path, "capaciteit", [row("capaciteit")])
    path.write_bytes(path.read_bytes() + b"residentieel;\x81\x8d\r\n")
    rejected(wh.ingest(path), "codering")
    no_rows_loaded(wh)


def test_binary_file_is_rejected(wh, tmp_path):
    path = tmp_path / "GM0344_2025Q1_verblijf.csv"
    path.write_bytes(bytes(range(256)) * 4)
    rejected(wh.ingest(path), "codering")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_dialect_is_detected_per_file(wh, tmp_path, encoding, delimiter):
    path = write_delivery(tmp_path, "verblijf", [row("verblijf", verblijf_id="Zoë;1,€")],
                          delimiter=delimiter, encoding=encoding)
    run = wh.ingest(path)
    assert run.exit_code == 0, run.report
    assert wh.query("SELECT verblijf_id FROM raw_verblijf") == [("Zoë;1,€",)]


def test_header_names_are_normalised(wh, tmp_path):
    header = [" Client ID", "Verblijf-ID", "STARTDATUM ", " EindDatum", "Opvangvorm",
              "aanmelding id"]
    r = row("verblijf")
    path = tmp_path / "GM0344_2025Q1_verblijf.csv"
    path.write_text(";".join(header) + "\n" + ";".join(r[h] for h in
                                                      HEADERS["verblijf"]) + "\n")
    run = wh.ingest(path)
    assert run.exit_code == 0, run.report
    assert wh.query("SELECT einddatum FROM raw_verblijf") == [(dt.date(2025, 2, 1),)]


def test_values_are_matched_case_insensitively_after_trimming(wh, tmp_path):
    r = row("instroom", uitkomst=" Geplaatst ", opvangvorm="CRISISOPVANG", geslacht="V",
            gemeente_herkomst="gm0344")
    run = wh.ingest(write_delivery(tmp_path, "instroom", [r]))
    assert run.exit_code == 0, run.report
    assert wh.query("SELECT uitkomst, opvangvorm, geslacht, gemeente_herkomst "
                    "FROM raw_instroom") == [("geplaatst", "crisisopvang", "v", "GM0344")]


def test_both_date_formats_give_the_same_date(wh, tmp_path):
    run = wh.ingest(write_delivery(tmp_path, "verblijf", [
        row("verblijf", startdatum="12-01-2025", einddatum="2025-02-01")]))
    assert run.exit_code == 0
    assert wh.query("SELECT startdatum, einddatum FROM raw_verblijf") == [
        (dt.date(2025, 1, 12), dt.date(2025, 2, 1))]


def test_empty_cell_is_missing(wh, tmp_path):
    wh.ingest(write_delivery(tmp_path, "verblijf", [row("verblijf", einddatum="",
                                                        aanmelding_id="")]))
    assert wh.query("SELECT einddatum, aanmelding_id FROM raw_verblijf") == [(None, None)]


def test_optional_columns_may_be_absent(wh, tmp_path):
    header = ["client_id", "verblijf_id", "startdatum", "opvangvorm"]
    run = wh.ingest(write_delivery(tmp_path, "verblijf", [row("verblijf")], header=header))
    assert run.exit_code == 0
    assert wh.query("SELECT einddatum FROM raw_verblijf") == [(None,)]


def test_header_only_file_is_a_delivery_of_zero_records(wh, tmp_path):
    run = wh.ingest(write_delivery(tmp_path, "uitstroom", []))
    [res] = run.results
    assert res.status == "loaded" and res.rows_read == 0
    assert wh.query("SELECT status, rows_loaded FROM loads") == [("loaded", 0)]


def test_empty_file_is_rejected(wh, tmp_path):
    path = tmp_path / "GM0344_2025Q1_uitstroom.csv"
    path.write_bytes(b"")
    rejected(wh.ingest(path), "leeg_bestand")


def test_folders_are_read_recursively_and_raw_files_never_change(wh, tmp_path):
    a = write_delivery(tmp_path / "raw" / "2025Q1", "verblijf", [row("verblijf")])
    b = write_delivery(tmp_path / "raw" / "2025Q1" / "sub", "capaciteit", [row("capaciteit")])
    before = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
              for p in (a, b)}
    run = wh.ingest(tmp_path / "raw")
    assert sorted(r.soort for r in run.results) == ["capaciteit", "verblijf"]
    after = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
             for p in (a, b)}
    assert before == after


def write_workbook(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_xlsx_workbook_one_sheet_per_soort_with_date_and_number_cells(wh, tmp_path):
    v = row("verblijf")
    path = write_workbook(tmp_path / "GM0344_2025Q1.xlsx", {
        "verblijf": [HEADERS["verblijf"], [v["client_id"], v["verblijf_id"],
                                           dt.datetime(2025, 1, 12), "01-02-2025",
                                           v["opvangvorm"], None]],
        "Capaciteit": [["opvangvorm", "plaatsen"], ["crisisopvang", 10],
                       ["residentieel", "7"]],
        "Toelichting": [["dit blad wordt genegeerd"]],
    })
    run = wh.ingest(path)
    assert run.exit_code == 0, run.report
    assert {r.soort for r in run.results} == {"verblijf", "capaciteit"}
    assert wh.query("SELECT startdatum, einddatum, bronregel FROM raw_verblijf") == [
        (dt.date(2025, 1, 12), dt.date(2025, 2, 1), 2)]
    assert wh.query("SELECT plaatsen FROM raw_capaciteit ORDER BY 1") == [(7,), (10,)]
    assert any("Toelichting" in w for r in run.results for w in r.warnings)


def test_xlsx_with_an_identifying_column_in_one_sheet_loads_nothing(wh, tmp_path):
    path = write_workbook(tmp_path / "GM0344_2025Q1.xlsx", {
        "capaciteit": [["opvangvorm", "plaatsen"], ["crisisopvang", 10]],
        "verblijf": [HEADERS["verblijf"] + ["naam"], list(row("verblijf").values()) + ["X"]],
    })
    run = wh.ingest(path)
    assert [r.status for r in run.results] == ["rejected"]
    no_rows_loaded(wh)
