"""Synthetic deliveries: the same seed gives the same bytes, every file follows the delivery
format (checked here by an independent reader, not the loader), the dialects vary as the
contract allows, episodes repeat in every quarter they touch, the data loads cleanly and
quietly through the real pipeline, and the published targets hold through it."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import re
import tracemalloc
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.periods import kwartalen_between, quarter_bounds
from pipeline.periods import parse_periode as P
from pipeline.synth import targets as targets
from pipeline.synth.delivery_files import OPTIONAL, XlsxStream, cut_last_rows
from pipeline.synth.generator import HEADERS, build_regios, generate
from pipeline.synth.model import Kwartaal, Organisatie, Regio
from schemas.formaat import (
    BELEMMERINGEN,
    BESTEMMINGEN,
    GESLACHTEN,
    OPVANGVORMEN,
    REDENEN_EINDE,
    UITKOMSTEN,
    VERWIJZERS,
)

KWARTALEN = ("2025Q1", "2025Q3")
LABELS = kwartalen_between(*KWARTALEN)
NAME = re.compile(r"^(GM\d{4})_(\d{4}Q[1-4])(?:_(instroom|verblijf|uitstroom|capaciteit))?"
                  r"\.(csv|xlsx)$")


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    summary = generate(out / "a", seed=7, kwartalen=KWARTALEN, schaal=0.1)
    return out / "a", summary


# --- an independent reader of the delivery format ------------------------------------------

def _header(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).replace("\ufeff", "").strip().lower())


def _date(text: str) -> dt.date:
    m = re.fullmatch(r"(\d{2})-(\d{2})-(\d{4})", text)
    return dt.date(int(m[3]), int(m[2]), int(m[1])) if m else dt.date.fromisoformat(text)


def read_csv(path: Path) -> tuple[list[dict], str, str]:
    """Rows as {column: text}, the encoding and the delimiter, as the contract defines them."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252"), "cp1252"
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    header = [_header(h) for h in next(reader)]
    return [dict(zip(header, r, strict=True)) for r in reader], encoding, delimiter


def read_xlsx(path: Path) -> dict[str, list[dict]]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    wb = CalamineWorkbook.from_path(str(path))
    out = {}
    for meta in wb.sheets_metadata:
        assert meta.visible == SheetVisibleEnum.Visible
        cells = wb.get_sheet_by_name(meta.name).to_python()
        header = [_header(h) for h in cells[0]]

        def text(v):
            if isinstance(v, dt.date):
                return v.isoformat()
            if isinstance(v, float):
                assert v.is_integer()
                return str(int(v))
            return str(v)

        out[meta.name] = [dict(zip(header, map(text, r), strict=True)) for r in cells[1:]]
    return out


def deliveries(folder: Path) -> dict[tuple[str, str, str], list[dict]]:
    """(cg, kwartaal, soort) -> rows; a corrected re-delivery replaces the first export."""
    found: dict[tuple[str, str, str], list[dict]] = {}
    files = sorted(folder.rglob("*.*"), key=lambda p: "herlevering" in p.parts)
    for path in files:
        m = NAME.match(path.name)
        assert m, path
        cg, kwartaal, soort, ext = m.groups()
        sheets = read_xlsx(path) if ext == "xlsx" else {soort: read_csv(path)[0]}
        for s, rows in sheets.items():
            found[(cg, kwartaal, s)] = rows
    return found


def check_row(soort: str, r: dict, kwartaal: str, bekend: set[str]) -> None:
    """The row rules of aanleverformaat section 2."""
    qs, qe = quarter_bounds(int(kwartaal[:4]), int(kwartaal[-1]))
    required = [c for c in HEADERS[soort] if c not in OPTIONAL[soort]]
    assert set(r) <= set(HEADERS[soort]) and set(required) <= set(r), (soort, sorted(r))
    assert all(r[c] for c in required), r
    if "client_id" in r:
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", r["client_id"])
        assert not re.fullmatch(r"\d{9}", r["client_id"])
    for c in ("aanmelding_id", "verblijf_id"):
        assert len(r.get(c, "")) <= 64
    gemeente = r.get("gemeente_herkomst") or r.get("gemeente_bestemming")
    assert not gemeente or gemeente == "BUITENLAND" or gemeente in bekend
    if soort == "instroom":
        assert qs <= _date(r["aanmelddatum"]) <= qe
        assert r["uitkomst"] in UITKOMSTEN and r["opvangvorm"] in OPVANGVORMEN
        assert (r["uitkomst"] == "geplaatst") == bool(r["plaatsingsdatum"])
        if r["plaatsingsdatum"]:
            assert _date(r["plaatsingsdatum"]) >= _date(r["aanmelddatum"])
        assert r["geslacht"] in GESLACHTEN
        assert not r.get("verwijzer") or r["verwijzer"] in VERWIJZERS
        assert not r.get("geboortejaar") or 1900 <= int(r["geboortejaar"]) <= qs.year
        assert not r.get("aantal_kinderen") or 0 <= int(r["aantal_kinderen"]) <= 15
    elif soort == "verblijf":
        assert _date(r["startdatum"]) <= qe and r["opvangvorm"] in OPVANGVORMEN
        if r["einddatum"]:
            assert max(_date(r["startdatum"]), qs) <= _date(r["einddatum"]) <= qe
    elif soort == "uitstroom":
        assert qs <= _date(r["uitstroomdatum"]) <= qe
        assert r["bestemming"] in BESTEMMINGEN and r["reden_einde"] in REDENEN_EINDE
        assert set(filter(None, r.get("belemmeringen", "").split("|"))) <= set(BELEMMERINGEN)
    else:
        assert r["opvangvorm"] in ("crisisopvang", "residentieel")
        assert 0 <= int(r["plaatsen"]) <= 5000


# --- determinism and format ----------------------------------------------------------------

@pytest.mark.slow
def test_same_seed_gives_the_same_bytes(small, tmp_path):
    folder, _ = small
    generate(tmp_path / "b", seed=7, kwartalen=KWARTALEN, schaal=0.1)
    assert digest(folder) == digest(tmp_path / "b")


def test_another_seed_gives_other_data(small, tmp_path):
    folder, _ = small
    generate(tmp_path / "c", seed=8, kwartalen=KWARTALEN, schaal=0.1)
    assert digest(folder) != digest(tmp_path / "c")


def test_every_cg_delivers_every_quarter_named_as_the_contract_says(small):
    folder, summary = small
    assert sorted(summary["files"]) == sorted(str(p) for p in folder.rglob("*") if p.is_file())
    found = deliveries(folder)
    cgs = {cg for cg, _, _ in found}
    assert len(cgs) == 35
    for cg in cgs:
        for k in LABELS:
            assert {(cg, k, s) for s in ("instroom", "verblijf", "uitstroom")} <= set(found)
    capaciteit = sum((cg, k, "capaciteit") in found for cg in cgs for k in LABELS)
    assert 0.7 * 35 * len(LABELS) <= capaciteit < 35 * len(LABELS)  # most, not all
    assert any(p.suffix == ".xlsx" for p in folder.rglob("*"))
    assert summary["herleveringen"] and all("herlevering" in f for f in summary["herleveringen"])


def test_every_row_follows_the_row_rules(small):
    from schemas.reference_tables import load_reference

    ref = load_reference()
    bekend = set(ref.crosswalk)
    for (_, kwartaal, soort), rows in deliveries(small[0]).items():
        for r in rows:
            check_row(soort, r, kwartaal, bekend)


def test_keys_are_unique_within_a_cg_and_file(small):
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (cg, _, soort), rows in deliveries(small[0]).items():
        key = {"instroom": "aanmelding_id", "verblijf": "verblijf_id",
               "uitstroom": "verblijf_id", "capaciteit": "opvangvorm"}[soort]
        keys = [r[key] for r in rows]
        assert len(keys) == len(set(keys))
        if soort == "instroom":  # aanmelding_id unique within the CG, across quarters
            assert not seen[(cg, soort)] & set(keys)
            seen[(cg, soort)] |= set(keys)


def test_an_episode_is_delivered_in_every_quarter_it_touches(tmp_path):
    folder = tmp_path / "q"
    generate(folder, seed=11, kwartalen=("2024Q3", "2025Q2"), schaal=0.05)
    labels = kwartalen_between("2024Q3", "2025Q2")
    bounds = [quarter_bounds(int(k[:4]), int(k[-1])) for k in labels]
    where: dict[tuple[str, str], list[int]] = defaultdict(list)
    state: dict[tuple[str, str], tuple[dt.date, dt.date | None]] = {}
    for (cg, kwartaal, soort), rows in deliveries(folder).items():
        if soort == "verblijf":
            for r in rows:
                where[(cg, r["verblijf_id"])].append(labels.index(kwartaal))
                eind = _date(r["einddatum"]) if r["einddatum"] else None
                prev = state.get((cg, r["verblijf_id"]))
                assert prev is None or prev[0] == _date(r["startdatum"])
                if prev is None or eind is not None:
                    state[(cg, r["verblijf_id"])] = (_date(r["startdatum"]), eind)
    assert len(where) > 300
    for key, quarters in where.items():
        start, eind = state[key]
        first = next(i for i, (_, qe) in enumerate(bounds) if start <= qe)
        last = len(bounds) - 1 if eind is None else next(
            i for i, (qs, qe) in enumerate(bounds) if qs <= eind <= qe)
        assert sorted(quarters) == list(range(first, last + 1)), key


def test_dialects_vary_as_the_contract_allows(small):
    folder, summary = small
    csvs = [Path(f) for f in summary["files"] if f.endswith(".csv")]
    read = [read_csv(p) for p in csvs]
    raw = [p.read_bytes() for p in csvs]
    assert {enc for _, enc, _ in read} == {"utf-8", "utf-8-sig", "cp1252"}
    assert {d for _, _, d in read} == {";", ","}
    # Windows-1252 files carry non-ASCII text, so reading them as UTF-8 would fail
    assert any(enc == "cp1252" and any(b > 127 for b in data)
               for (_, enc, _), data in zip(read, raw, strict=True))
    assert any(enc == "utf-8" and any(b > 127 for b in data)
               for (_, enc, _), data in zip(read, raw, strict=True))
    texts = [b.decode("cp1252", "replace") for b in raw]
    assert any(re.search(r"\b\d{2}-\d{2}-\d{4}\b", t) for t in texts)
    assert any(re.search(r"\b\d{4}-\d{2}-\d{2}\b", t) for t in texts)
    heads = [t.split("\n", 1)[0] for t in texts]
    assert any("Client Id" in h for h in heads) and any("CLIENT_ID" in h for h in heads)
    assert any(b.endswith(b"\r\n") for b in raw) and any(not b.endswith(b"\r\n") for b in raw)
    assert any(h.startswith('"') for h in heads)
    # an optional column left out somewhere, all outcomes present
    assert any("verwijzer" not in h.lower() for h in heads if "aanmelddatum" in h.lower())
    uitkomsten = {r["uitkomst"] for rows, _, _ in read for r in rows if "uitkomst" in r}
    assert uitkomsten == set(UITKOMSTEN)


def test_workbooks_hold_date_cells_and_text_dates(small):
    from python_calamine import CalamineWorkbook

    folder, _ = small
    kinds = set()
    for path in folder.rglob("*.xlsx"):
        wb = CalamineWorkbook.from_path(str(path))
        assert {m.name for m in wb.sheets_metadata} >= {"instroom", "verblijf", "uitstroom"}
        rows = wb.get_sheet_by_name("verblijf").to_python()
        kinds |= {type(r[2]).__name__ for r in rows[1:]}
    assert kinds == {"date", "str"}


# --- building blocks ------------------------------------------------------------------------

def test_weights_follow_the_inhabitants_of_each_area():
    w = targets.regio_gewichten({"GM0363": 900, "GM0400": 100})
    assert w == {"GM0363": 0.9, "GM0400": 0.1}
    regios = build_regios()
    assert sum(r.gewicht for r in regios.values()) == pytest.approx(1)
    # Amsterdam's area (Amsterdam, Amstelveen, Diemen, ...) holds more people than Den Helder's
    assert regios["GM0363"].gewicht > 5 * regios["GM0400"].gewicht


def test_places_are_split_to_the_exact_national_total():
    assert targets.verdeel(10, {"a": .5, "b": .3, "c": .2}) == {"a": 5, "b": 3, "c": 2}
    assert targets.verdeel(10, {"a": .55, "b": .45}) == {"a": 6, "b": 4}
    # every CG keeps at least one place, even when that exceeds the total
    assert targets.verdeel(3, {"a": .98, "b": .01, "c": .01}) == {"a": 2, "b": 1, "c": 1}
    regios = build_regios(1.0)
    assert sum(r.plaatsen["crisisopvang"] for r in regios.values()) == 400
    assert sum(r.plaatsen["residentieel"] for r in regios.values()) == 475


def test_cut_last_rows_keeps_the_header(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(b"h1;h2\r\na;1\r\nb;2\r\n")
    assert cut_last_rows(p, 3) == 2
    assert p.read_bytes() == b"h1;h2\r\n"


def test_xlsx_stream_round_trips_through_calamine(tmp_path):
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    wb = XlsxStream(["verblijf", "capaciteit"], hidden=("capaciteit",))
    wb.append("verblijf", ["client_id", "startdatum", "plaatsen"])
    wb.append("verblijf", ["Hûs <1> & co", dt.date(2025, 1, 21), 3])
    wb.append("verblijf", [" K2", None, "4"])
    wb.save(tmp_path / "w.xlsx")
    book = CalamineWorkbook.from_path(str(tmp_path / "w.xlsx"))
    assert [m.visible for m in book.sheets_metadata] == [SheetVisibleEnum.Visible,
                                                         SheetVisibleEnum.Hidden]
    assert book.get_sheet_by_name("verblijf").to_python() == [
        ["client_id", "startdatum", "plaatsen"], ["Hûs <1> & co", dt.date(2025, 1, 21), 3.0],
        [" K2", "", "4"]]


@pytest.mark.slow
def test_memory_does_not_grow_with_the_length_of_the_run():
    """The simulation keeps running episodes and waiting lists, never the history."""
    regio = build_regios(2.0)["GM0344"]

    def peak(n_quarters: int) -> int:
        labels = kwartalen_between("2021Q1", "2025Q4")[-n_quarters:]
        quarters = [Kwartaal(k, *(d.toordinal() for d in quarter_bounds(int(k[:4]), int(k[-1]))))
                    for k in labels]
        tracemalloc.start()
        for _ in Organisatie(regio, quarters, 2.0, random.Random(1)).run():
            pass
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return size

    assert peak(20) < 1.5 * peak(2)


def test_the_capacity_policy_is_explicit_and_its_truth_is_recorded():
    """crisisopvang is a loss system: placed after the intake or turned away (doorverwezen);
    residentieel is a queue: an aanmelding waits at most WACHTEN_MAX days; a bed is never
    given twice; and the recorded truth counts exactly the delivered residential requests."""
    from pipeline.synth.model import INTAKE_CRISIS, WACHTEN_MAX

    regio = Regio("GM0344", 0.05, ("GM0344",), ("GM0363",),
                  {"crisisopvang": 2, "residentieel": 1})
    quarters = [Kwartaal("2025Q1", dt.date(2025, 1, 1).toordinal(),
                         dt.date(2025, 3, 31).toordinal())]
    rows = defaultdict(list)
    org = Organisatie(regio, quarters, 1.0, random.Random(3))
    for event in org.run():
        if event[0] == "rij":
            rows[event[1]].append(event[3])
    aanm = {v: [r for r in rows["instroom"] if r["opvangvorm"] == v]
            for v in ("crisisopvang", "residentieel")}
    crisis = aanm["crisisopvang"]
    assert {r["plaatsingsdatum"] - r["aanmelddatum"]
            for r in crisis if r["uitkomst"] == "geplaatst"} <= {k for k, _ in INTAKE_CRISIS}
    assert any(r["uitkomst"] == "doorverwezen" for r in crisis)
    assert not any(r["uitkomst"] == "niet_geplaatst" for r in crisis + aanm["residentieel"])
    assert all(r["plaatsingsdatum"] - r["aanmelddatum"] <= WACHTEN_MAX
               for r in aanm["residentieel"] if r["uitkomst"] == "geplaatst")
    truth = org.waarheid[(0, "crisisopvang")]
    assert truth.aanvragen == sum(r["uitkomst"] != "in_behandeling" for r in crisis)
    assert truth.afgewezen == sum(r["uitkomst"] == "doorverwezen" for r in crisis)
    res = org.waarheid[(0, "residentieel")]
    doorstroom = [r for r in rows["verblijf"]
                  if r["opvangvorm"] == "residentieel" and r["aanmelding_id"] is None
                  and r["startdatum"] >= quarters[0].start]
    assert res.aanvragen >= sum(r["uitkomst"] != "in_behandeling" for r in aanm["residentieel"])
    assert res.aanvragen - res.afgewezen >= len(doorstroom)
    last = quarters[0].end
    for vorm, cap in regio.plaatsen.items():
        eps = {(r["verblijf_id"]): r for r in rows["verblijf"] if r["opvangvorm"] == vorm}
        for d in range(quarters[0].start, last + 1):
            bezet = sum(1 for r in eps.values()
                        if r["startdatum"] <= d < (r["einddatum"] or last + 1))
            assert bezet <= cap


# --- through the real pipeline -------------------------------------------------------------

@pytest.fixture(scope="module")
def ingested(small, tmp_path_factory):
    from tests.conftest import Warehouse

    folder, _ = small
    wh = Warehouse(tmp_path_factory.mktemp("wh"))
    return wh, wh.ingest(folder)


@pytest.mark.slow
def test_clean_synthetic_data_loads_without_a_single_rejection(ingested, small):
    wh, run = ingested
    assert run.exit_code == 0, run.report.head().to_dict("records")
    assert {r.status for r in run.results} <= {"loaded", "duplicate", "superseded"}
    statuses = dict(wh.query("SELECT status, count(*) FROM loads GROUP BY 1"))
    # the first exports of the re-delivered quarters were superseded by the corrections,
    # the unchanged files of those deliveries are duplicates
    assert statuses["superseded"] == len([f for f in small[1]["herleveringen"]
                                          if f.endswith("_verblijf.csv")])
    assert statuses["duplicate"] >= statuses["superseded"]
    assert wh.query("SELECT count(*) FROM quarantine") == [(0,)]


@pytest.mark.slow
def test_clean_synthetic_data_gives_no_quality_findings(ingested):
    from pipeline.quality import run_quality
    from pipeline.warehouse import db

    wh, _ = ingested
    con = db.connect(wh.path)
    try:
        findings = run_quality(con)
    finally:
        con.close()
    assert findings == []


@pytest.mark.slow
def test_calibration_targets_hold_through_the_real_pipeline(tmp_path, wh):
    """A national year at schaal 1, ingested and computed exactly as an analyst would."""
    from pipeline.figures.kerncijfers import kerncijfers
    from pipeline.warehouse import db

    generate(tmp_path / "nl", seed=20251, kwartalen=("2025Q1", "2025Q4"), schaal=1.0)
    assert wh.ingest(tmp_path / "nl").exit_code == 0
    con = db.connect(wh.path, read_only=True)
    try:
        f = kerncijfers(con, P("2025"))

        def one(sql: str) -> float:
            return con.execute(sql).fetchall()[0][0]

        geplaatst = ("FROM aanmeldingen WHERE uitkomst = 'geplaatst' "
                     "AND year(aanmelddatum) = 2025")
        measured = {
            "CLIENTEN_PER_JAAR": f["clienten_in_zorg"],
            "KINDEREN_PER_JAAR": f["meegekomen_kinderen"],
            "AANDEEL_AMBULANT": f["aandeel_ambulant"],
            "AANDEEL_EIGEN_REGIO": f["aandeel_eigen_regio"],
            "WACHTTIJD_MEDIAAN_DAGEN": f["wachttijd_mediaan_dagen"],
            "AANDEEL_GEPLAATST_BINNEN_WEEK": one(
                f"SELECT avg((plaatsingsdatum - aanmelddatum <= 7)::INT) {geplaatst}"),
            "AANDEEL_GEPLAATST_ANDERE_REGIO": one(
                f"SELECT avg((herkomst = 'andere_regio')::INT) {geplaatst} "
                "AND herkomst IN ('eigen_regio', 'andere_regio')"),
            "CRISISPLAATSEN": one(
                "SELECT sum(p) FROM (SELECT centrumgemeente, max(plaatsen) AS p FROM capaciteit "
                "WHERE opvangvorm = 'crisisopvang' GROUP BY 1)"),
            "RESIDENTIELE_PLAATSEN": one(
                "SELECT sum(p) FROM (SELECT centrumgemeente, max(plaatsen) AS p FROM capaciteit "
                "WHERE opvangvorm = 'residentieel' GROUP BY 1)"),
            "VERVOLGOPVANG_GEMIDDELDE_DAGEN": one(
                "SELECT avg(einddatum - startdatum) FROM verblijven "
                "WHERE opvangvorm = 'residentieel' AND year(einddatum) = 2025"),
        }
        # each CG's volume follows its population share
        per_cg = dict(con.execute(
            "SELECT centrumgemeente, count(*) FROM aanmeldingen "
            "WHERE year(aanmelddatum) = 2025 GROUP BY 1").fetchall())
    finally:
        con.close()
    assert set(measured) == set(targets.TARGETS)
    off = {name: (value, targets.TARGETS[name]) for name, value in measured.items()
           if not targets.TARGETS[name].holds(value)}
    assert not off, off
    total = sum(per_cg.values())
    for cg, regio in build_regios(1.0).items():
        expected = regio.gewicht * total
        assert abs(per_cg[cg] - expected) <= 4 * expected ** 0.5 + 0.1 * expected, cg


def test_the_delivery_table_in_the_docs_is_current():
    from pipeline.synth.generator import leveringen_tabel

    doc = (Path(__file__).parent.parent / "docs" / "synth.md").read_text(encoding="utf-8")
    assert leveringen_tabel() in doc
