"""Hostile input: whatever arrives, a clear message naming file, row and fix; nothing lost."""

from __future__ import annotations

import datetime as dt
import random

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import HEADERS, TODAY, Warehouse, row, write_delivery

#: These tests read what the loader writes (raw tables, quarantine, load history): the
#: ``wh`` fixture's ingests build no models here (conftest.wh).
MODELS = False



def report_rows(run, regel):
    return run.report[run.report["regel"] == regel]


def test_truncated_csv_keeps_complete_rows_and_quarantines_the_cut_one(wh, tmp_path):
    path = write_delivery(tmp_path, "verblijf", [row("verblijf", verblijf_id=f"V{i}")
                                                 for i in range(5)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 20])  # cut inside the last row
    run = wh.ingest(path)
    [res] = run.results
    assert res.rows_read == 5 and res.rows_loaded + res.rows_quarantined == 5
    assert res.rows_quarantined == 1
    assert list(report_rows(run, "veldaantal")["bronregel"]) == [6]


def test_truncated_inside_a_quoted_field_is_quarantined(wh, tmp_path):
    path = write_delivery(tmp_path, "verblijf", [row("verblijf")])
    path.write_bytes(path.read_bytes() + b'K2;"V2;2025-01-')
    run = wh.ingest(path)
    assert run.results[0].rows_quarantined == 1
    assert wh.query("SELECT count(*) FROM raw_verblijf") == [(1,)]


def test_truncated_workbook_is_rejected_with_a_fix(wh, tmp_path):
    path = tmp_path / "GM0344_2025Q1.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "capaciteit"
    wb.active.append(["opvangvorm", "plaatsen"])
    wb.save(path)
    path.write_bytes(path.read_bytes()[:300])
    run = wh.ingest(path)
    [res] = run.results
    assert res.status == "rejected" and "save it again as .xlsx" in res.message


def test_binary_garbage_without_nul_bytes_is_rejected(wh, tmp_path):
    rnd = random.Random(7)
    path = tmp_path / "GM0344_2025Q1_instroom.csv"
    path.write_bytes(bytes(rnd.choice(range(1, 256)) for _ in range(5000)))
    [res] = wh.ingest(path).results
    assert res.status == "rejected"
    assert wh.query("SELECT count(*) FROM raw_instroom") == [(0,)]


@pytest.mark.slow
def test_ten_megabyte_cell_is_judged_by_its_rule(wh, tmp_path):
    huge = "A" * 10_000_000
    path = write_delivery(tmp_path, "verblijf", [row("verblijf"),
                                                 row("verblijf", verblijf_id=huge)])
    run = wh.ingest(path)
    [res] = run.results
    assert (res.rows_loaded, res.rows_quarantined) == (1, 1)
    assert list(report_rows(run, "verblijf_id_lengte")["bronregel"]) == [3]
    # the report does not echo the free-text key
    assert run.report["waarde"].isna().all()


@pytest.mark.slow
def test_ten_megabyte_cell_in_an_ignored_column_loads(wh, tmp_path):
    header = HEADERS["capaciteit"] + ["toelichting"]
    path = write_delivery(tmp_path, "capaciteit", [row("capaciteit", toelichting="x" * 10**7)],
                          header=header)
    assert wh.ingest(path).results[0].rows_loaded == 1


@pytest.mark.slow
def test_a_million_rows_load_completely(wh, tmp_path):
    path = tmp_path / "GM0344_2025Q1_verblijf.csv"
    start = dt.date(2025, 1, 1)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(";".join(HEADERS["verblijf"]) + "\n")
        for i in range(1_000_000):
            d = start + dt.timedelta(days=i % 90)
            fh.write(f"K{i % 40000};V{i};{d.isoformat()};;ambulant;\n")
    run = wh.ingest(path)
    assert run.exit_code == 0
    assert wh.query("SELECT count(*), count(DISTINCT client_pseudoniem) FROM raw_verblijf") == [
        (1_000_000, 40_000)]


def test_mixed_encodings_in_one_file_are_rejected_naming_the_line(wh, tmp_path):
    path = write_delivery(tmp_path, "verblijf", [row("verblijf", verblijf_id="Zoë")])
    path.write_bytes(path.read_bytes() + "K2;Chloë;2025-01-12;;ambulant;\r\n".encode("cp1252"))
    run = wh.ingest(path)
    [res] = run.results
    assert res.status == "rejected"
    assert "mixes character encodings: line 3" in res.message and "UTF-8" in res.message


def write_workbook(path, build):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    build(wb)
    wb.save(path)
    return path


def verblijf_sheet(wb, name="verblijf"):
    ws = wb.create_sheet(name)
    ws.append(HEADERS["verblijf"])
    return ws


def test_formula_without_computed_value_is_quarantined_with_its_cell(wh, tmp_path):
    def build(wb):
        ws = verblijf_sheet(wb)
        ws.append(["K1", "V1", "2025-01-12", None, "ambulant", None])
        ws.append(["K2", "=B2&\"x\"", "2025-01-12", None, "ambulant", None])
    run = wh.ingest(write_workbook(tmp_path / "GM0344_2025Q1.xlsx", build))
    [res] = run.results
    assert (res.rows_loaded, res.rows_quarantined) == (1, 1)
    rep = report_rows(run, "formule_zonder_waarde").iloc[0]
    assert rep["bronregel"] == 3 and "B3" in rep["probleem"] and "paste" in rep["oplossing"]


def test_merged_cells_are_quarantined_not_guessed(wh, tmp_path):
    def build(wb):
        ws = verblijf_sheet(wb)
        ws.append(["K1", "V1", "2025-01-12", None, "ambulant", None])
        ws.append(["K1", "V2", "2025-01-12", None, "ambulant", None])
        ws.append(["K3", "V3", "2025-01-12", None, "ambulant", None])
        ws.merge_cells("A2:A3")
    run = wh.ingest(write_workbook(tmp_path / "GM0344_2025Q1.xlsx", build))
    assert sorted(report_rows(run, "samengevoegde_cel")["bronregel"]) == [2, 3]
    assert wh.query("SELECT verblijf_id FROM raw_verblijf") == [("V3",)]


def test_title_rows_above_the_header_are_skipped_with_a_warning(wh, tmp_path):
    def build(wb):
        ws = wb.create_sheet("verblijf")
        ws.append(["Overzicht verblijven 1e kwartaal 2025"])
        ws.append([])
        ws.append(["Organisatie X", None, "versie 2"])
        ws.append(HEADERS["verblijf"])
        ws.append(["K1", "V1", dt.date(2025, 1, 12), None, "ambulant", None])
    run = wh.ingest(write_workbook(tmp_path / "GM0344_2025Q1.xlsx", build))
    [res] = run.results
    assert res.rows_loaded == 1 and run.exit_code == 0
    assert any("row(s) 1, 3 above the header" in w for w in res.warnings)
    assert wh.query("SELECT bronregel FROM raw_verblijf") == [(5,)]


def test_title_rows_in_a_csv_are_skipped_too(wh, tmp_path):
    path = write_delivery(tmp_path, "capaciteit", [row("capaciteit")])
    path.write_text("Capaciteit Q1;;\n" + path.read_text())
    run = wh.ingest(path)
    assert run.exit_code == 0 and wh.query("SELECT bronregel FROM raw_capaciteit") == [(3,)]


def test_hidden_soort_sheet_rejects_the_workbook(wh, tmp_path):
    def build(wb):
        ws = verblijf_sheet(wb)
        ws.append(["K1", "V1", "2025-01-12", None, "ambulant", None])
        cap = wb.create_sheet("capaciteit")
        cap.append(["opvangvorm", "plaatsen"])
        cap.sheet_state = "hidden"
    run = wh.ingest(write_workbook(tmp_path / "GM0344_2025Q1.xlsx", build))
    [res] = run.results
    assert res.status == "rejected" and "'capaciteit' is hidden" in res.message
    assert wh.query("SELECT count(*) FROM raw_verblijf") == [(0,)]


def test_hidden_other_sheet_is_only_ignored(wh, tmp_path):
    def build(wb):
        ws = verblijf_sheet(wb)
        ws.append(["K1", "V1", "2025-01-12", None, "ambulant", None])
        wb.create_sheet("hulpblad").sheet_state = "hidden"
    assert wh.ingest(write_workbook(tmp_path / "GM0344_2025Q1.xlsx", build)).exit_code == 0


@pytest.mark.parametrize(("kwartaal", "datum", "ok"), [
    ("2024Q1", "29-02-2024", True), ("2024Q1", "2024-02-29", True),
    ("2025Q1", "29-02-2025", False), ("2025Q1", "31-02-2025", False),
    ("2025Q2", "31-04-2025", False), ("2025Q1", "00-01-2025", False),
    ("2025Q1", "2025-1-5", False), ("2025Q1", "5-1-2025", True),
])
def test_impossible_dates_and_leap_days(wh, tmp_path, kwartaal, datum, ok):
    path = write_delivery(tmp_path, "uitstroom", [row("uitstroom", uitstroomdatum=datum)],
                          kwartaal=kwartaal)
    run = wh.ingest(path)
    assert (run.exit_code == 0) == ok, run.report.to_dict("records")
    if not ok:
        assert set(run.report["regel"]) == {"uitstroomdatum_is_datum"}


@pytest.mark.parametrize("value", ["gеplaatst",  # Cyrillic е
                                   "geplaatst\u200b",  # zero-width space
                                   "ｇｅｐｌａａｔｓｔ"])  # full-width
def test_enum_in_look_alike_unicode_is_quarantined_with_a_hint(wh, tmp_path, value):
    run = wh.ingest(write_delivery(tmp_path, "instroom", [row("instroom", uitkomst=value)]))
    rep = report_rows(run, "uitkomst_waarde").iloc[0]
    assert "only looks like a normal letter" in rep["probleem"]


@pytest.mark.parametrize(("start", "ok"), [("0001-01-01", True), ("1900-01-01", True),
                                           ("9999-12-31", False)])
def test_far_past_and_future_dates_are_judged_by_the_rules(wh, tmp_path, start, ok):
    run = wh.ingest(write_delivery(tmp_path, "verblijf", [row("verblijf", startdatum=start,
                                                              einddatum="")]))
    assert (run.exit_code == 0) == ok
    if ok:
        assert wh.query("SELECT startdatum FROM raw_verblijf") == [
            (dt.date.fromisoformat(start),)]
    else:
        assert set(run.report["regel"]) == {"startdatum_na_kwartaal"}


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(body=st.text(min_size=0, max_size=400), tail=st.binary(max_size=40),
       soort=st.sampled_from(list(HEADERS)))
@example(body="", tail=b"\r\x01", soort="instroom")  # a lone CR once crashed the sniffer
def test_fuzzed_files_never_crash_and_every_row_is_accounted_for(tmp_path_factory, body, tail,
                                                                 soort):
    tmp = tmp_path_factory.mktemp("fuzz")
    wh = Warehouse(tmp)
    path = tmp / f"GM0344_2025Q1_{soort}.csv"
    path.write_bytes((";".join(HEADERS[soort]) + "\n" + body).encode("utf-8") + tail)
    run = wh.ingest(path, today=TODAY)
    [res] = run.results
    assert res.status in {"loaded", "rejected"}
    if res.status == "loaded":
        stored = wh.query(f"SELECT count(*) FROM raw_{soort}")[0][0]
        quarantined = wh.query("SELECT count(DISTINCT bronregel) FROM quarantine")[0][0]
        dups = sum(int(w.split()[0]) for w in res.warnings if "exact duplicate" in w)
        assert stored + quarantined + dups == res.rows_read
    else:
        assert res.message and wh.query(f"SELECT count(*) FROM raw_{soort}") == [(0,)]
