"""The catalogue of defects that ``synth --defecten`` writes, with a manifest of what each
must cause: at least one per contract rule (aanleverformaat section 3 and every row
rule of section 2) and one per quality rule of cli.md and of v1.1's reasons.

Each defect lives in its own file or its own row, under ``defecten/`` and apart from the
clean deliveries, so clean data stays clean. ``manifest.json`` lists per defect: id,
regel (the rule id the loader or the quality suite reports), file, bronregel (for a row
defect), verwacht (``bestand_geweigerd``, ``rij_in_quarantaine``, ``kwaliteitsbevinding``, or
``geen_bevinding`` for the stock-flow identity, which valid rows cannot break) and a
Dutch description.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from pipeline.synth.generator import HEADERS, write_xlsx
from pipeline.synth.valid_rows import VALID
from schemas.formaat import KOLOMMEN

CG = "GM0344"
KW = "2025Q1"

#: Row defects: (soort, rule id, change to the valid row, description).
ROW_DEFECTS = [
    ("instroom", "verplicht_client_id", {"client_id": ""}, "client_id ontbreekt"),
    ("instroom", "client_id_vorm", {"client_id": "K 1!"}, "client_id met spatie en leesteken"),
    ("instroom", "aanmelding_id_lengte", {"aanmelding_id": "A" * 65}, "sleutel te lang"),
    ("instroom", "aanmelddatum_is_datum", {"aanmelddatum": "31-02-2025"}, "31 februari"),
    ("instroom", "aanmelddatum_in_kwartaal", {"aanmelddatum": "2024-12-30"},
     "aanmelding uit het vorige kwartaal"),
    ("instroom", "uitkomst_waarde", {"uitkomst": "opgenomen"}, "onbekende uitkomst"),
    ("instroom", "plaatsingsdatum_alleen_bij_geplaatst", {"plaatsingsdatum": ""},
     "geplaatst zonder plaatsingsdatum"),
    ("instroom", "plaatsingsdatum_na_aanmelddatum", {"plaatsingsdatum": "2025-01-09"},
     "plaatsing voor aanmelding"),
    ("instroom", "plaatsingsdatum_is_datum", {"plaatsingsdatum": "2025-13-01"}, "maand 13"),
    ("instroom", "opvangvorm_waarde", {"opvangvorm": "noodopvang"}, "onbekende opvangvorm"),
    ("instroom", "gemeente_herkomst_vorm", {"gemeente_herkomst": "0344"}, "code zonder GM"),
    ("instroom", "gemeente_herkomst_bekend", {"gemeente_herkomst": "GM9999"},
     "onbekende gemeentecode"),
    ("instroom", "verwijzer_waarde", {"verwijzer": "buurvrouw"}, "onbekende verwijzer"),
    ("instroom", "geslacht_waarde", {"geslacht": "vrouw"}, "geslacht voluit"),
    ("instroom", "geboortejaar_bereik", {"geboortejaar": "1850"}, "geboortejaar te vroeg"),
    ("instroom", "aantal_kinderen_bereik", {"aantal_kinderen": "16"}, "te veel kinderen"),
    ("instroom", "reden_niet_geplaatst_waarde",
     {"uitkomst": "niet_geplaatst", "plaatsingsdatum": "", "reden_niet_geplaatst": "geen_plek"},
     "onbekende reden niet geplaatst"),
    ("instroom", "reden_alleen_bij_niet_geplaatst", {"reden_niet_geplaatst": "vol"},
     "reden niet geplaatst bij een plaatsing"),
    ("verblijf", "verplicht_startdatum", {"startdatum": ""}, "startdatum ontbreekt"),
    ("verblijf", "verblijf_id_lengte", {"verblijf_id": "V" * 65}, "sleutel te lang"),
    ("verblijf", "startdatum_is_datum", {"startdatum": "gisteren"}, "geen datum"),
    ("verblijf", "startdatum_na_kwartaal", {"startdatum": "2025-04-02", "einddatum": ""},
     "verblijf begint na het kwartaal"),
    ("verblijf", "einddatum_is_datum", {"einddatum": "2025-02-29"}, "geen schrikkeljaar"),
    ("verblijf", "einddatum_voor_startdatum", {"einddatum": "2025-01-11"}, "eind voor start"),
    ("verblijf", "einddatum_buiten_kwartaal", {"einddatum": "2025-04-05"},
     "einddatum na het kwartaal"),
    ("verblijf", "aanmelding_id_lengte", {"aanmelding_id": "A" * 65}, "sleutel te lang"),
    ("verblijf", "opvangvorm_waarde", {"opvangvorm": "beschermd_wonen"}, "onbekende vorm"),
    ("uitstroom", "verplicht_bestemming", {"bestemming": ""}, "bestemming ontbreekt"),
    ("uitstroom", "uitstroomdatum_is_datum", {"uitstroomdatum": "2025-00-10"}, "maand 0"),
    ("uitstroom", "uitstroomdatum_in_kwartaal", {"uitstroomdatum": "2025-04-02"},
     "uitstroom na het kwartaal"),
    ("uitstroom", "bestemming_waarde", {"bestemming": "hotel"}, "onbekende bestemming"),
    ("uitstroom", "gemeente_bestemming_vorm", {"gemeente_bestemming": "GMX344"}, "geen code"),
    ("uitstroom", "gemeente_bestemming_bekend", {"gemeente_bestemming": "GM9998"},
     "onbekende code"),
    ("uitstroom", "reden_einde_waarde", {"reden_einde": "verhuisd"}, "onbekende reden"),
    ("uitstroom", "belemmeringen_waarde", {"belemmeringen": "geen_woning|schulden"},
     "onbekende belemmering"),
    ("capaciteit", "opvangvorm_residentieel", {"opvangvorm": "ambulant"},
     "capaciteit voor ambulant"),
    ("capaciteit", "plaatsen_bereik", {"plaatsen": "5001"}, "te veel plaatsen"),
]


def _csv(rows: list[list[str]], delimiter: str = ";") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _row(soort: str, i: int, change: dict) -> list[str]:
    r = dict(VALID[soort])
    if soort != "capaciteit":  # capaciteit's key is its opvangvorm: one row each
        key = KOLOMMEN[soort].key
        r[key] = f"{r[key]}-{i}"
    r.update(change)
    return [r.get(h, "") for h in HEADERS[soort]]


def write_defects(folder: Path, seed: int) -> Path:
    """Write every defect and the manifest; returns the manifest's path."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest: list[dict] = []

    def add(id_: str, regel: str, path: Path, verwacht: str, beschrijving: str,
            bronregel: int | None = None) -> None:
        manifest.append({"id": id_, "regel": regel, "file": str(path.relative_to(folder)),
                         "bronregel": bronregel, "verwacht": verwacht,
                         "beschrijving": beschrijving})

    # Row defects: one file per soort, line 2 valid, each further line one defect.
    rows_dir = folder / "rijen"
    rows_dir.mkdir(exist_ok=True)
    capaciteit_forms = iter(["crisisopvang"])
    for soort in HEADERS:
        mine = [(r, c, d) for s, r, c, d in ROW_DEFECTS if s == soort]
        lines = [HEADERS[soort], _row(soort, 0, {"opvangvorm": "residentieel"}
                                      if soort == "capaciteit" else {})]
        path = rows_dir / f"{CG}_{KW}_{soort}.csv"
        for i, (regel, change, beschrijving) in enumerate(mine, start=1):
            if soort == "capaciteit":
                change = {"opvangvorm": next(capaciteit_forms), **change} if "opvangvorm" not in \
                    change else change
            lines.append(_row(soort, i, change))
            add(f"rij-{soort}-{regel}", regel, path, "rij_in_quarantaine", beschrijving, i + 2)
        path.write_bytes(_csv(lines))
    # a ragged row and conflicting keys
    verblijf = rows_dir / f"{CG}_{KW}_verblijf.csv"
    n = verblijf.read_bytes().count(b"\n")
    extra = _csv([_row("verblijf", 90, {})[:4]]) + _csv([_row("verblijf", 91, {})]) + _csv(
        [_row("verblijf", 91, {"opvangvorm": "ambulant"})])
    verblijf.write_bytes(verblijf.read_bytes() + extra)
    add("rij-veldaantal", "veldaantal", verblijf, "rij_in_quarantaine", "rij met te weinig "
        "velden", n + 1)
    add("rij-sleutel-dubbel", "verblijf_id_dubbel", verblijf, "rij_in_quarantaine",
        "twee verschillende rijen met dezelfde verblijf_id", n + 2)

    # Whole-file defects, each in its own folder so names may repeat.
    def whole(id_: str, regel: str, name: str, data: bytes, beschrijving: str) -> None:
        path = folder / "bestanden" / id_ / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        add(f"bestand-{id_}", regel, path, "bestand_geweigerd", beschrijving)

    good = [HEADERS["verblijf"], _row("verblijf", 0, {})]
    whole("naam", "bestandsnaam", "verblijf_GM0344_2025Q1.csv", _csv(good),
          "bestandsnaam volgt het patroon niet")
    whole("cg", "onbekende_centrumgemeente", f"GM0308_{KW}_verblijf.csv", _csv(good),
          "Baarn is geen centrumgemeente")
    whole("toekomst", "toekomstig_kwartaal", f"{CG}_2099Q1_verblijf.csv", _csv(good),
          "kwartaal dat nog niet begonnen is")
    whole("kolom", "kolom_ontbreekt", f"{CG}_{KW}_verblijf.csv",
          _csv([h[:1] + h[2:] for h in good]), "verplichte kolom verblijf_id ontbreekt")
    whole("identificerend", "identificerende_kolom", f"{CG}_{KW}_verblijf.csv",
          _csv([good[0] + ["Geboorte datum"], good[1] + ["01-01-1990"]]),
          "kolom met geboortedatum")
    whole("bsn", "mogelijk_bsn", f"{CG}_{KW}_verblijf.csv",
          _csv([good[0], ["123456782"] + good[1][1:]]), "client_id die de 11-proef haalt")
    whole("codering", "codering", f"{CG}_{KW}_verblijf.csv",
          _csv(good) + b"D2;DV\x81\x8d;2025-01-12;;ambulant;\r\n", "onleesbare tekens")
    whole("leeg", "leeg_bestand", f"{CG}_{KW}_uitstroom.csv", b"", "helemaal leeg bestand")
    whole("dubbele-kolom", "kolom_dubbel", f"{CG}_{KW}_verblijf.csv",
          _csv([good[0] + ["opvangvorm"], good[1] + ["ambulant"]]), "kolom twee keer")
    hidden = folder / "bestanden" / "verborgen" / f"{CG}_{KW}.xlsx"
    write_xlsx(hidden, {"verblijf": [VALID["verblijf"]], "capaciteit": []},
               hidden=("capaciteit",))
    add("bestand-verborgen", "verborgen_blad", hidden, "bestand_geweigerd",
        "verborgen werkblad capaciteit")

    # Quality defects: a small world for GM0400 (Den Helder), consistent per row, wrong
    # across files or quarters. The quality suite reports them; the loader accepts them.
    kw = folder / "kwaliteit"
    _quality_world(kw, add)

    path = folder / "manifest.json"
    path.write_text(json.dumps({"seed": seed, "defecten": manifest}, indent=2,
                               ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _quality_world(folder: Path, add) -> None:
    cg = "GM0400"

    def write(kwartaal: str, soort: str, rows: list[dict]) -> Path:
        path = folder / kwartaal / f"{cg}_{kwartaal}_{soort}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv([HEADERS[soort]] + [[r.get(h, "") for h in HEADERS[soort]]
                                                  for r in rows]))
        return path

    def v(vid, client, start, eind="", vorm="residentieel"):
        return {"client_id": client, "verblijf_id": vid, "startdatum": start,
                "einddatum": eind, "opvangvorm": vorm}

    def u(vid, client, datum):
        return {"client_id": client, "verblijf_id": vid, "uitstroomdatum": datum,
                "bestemming": "familie_netwerk", "reden_einde": "doelen_behaald"}

    q1 = write("2025Q1", "verblijf", [
        v("Q1", "k1", "2025-01-05", "2025-02-01"),     # ends, no uitstroom
        v("Q2", "k2", "2025-01-05"),                   # running, vanishes in Q2
        v("Q3", "k3", "2025-01-05", "2025-03-01"),     # uitstroom on another date
        v("Q4", "k4", "2025-01-05", "2025-03-20"),     # overlaps Q5 by more than a day
        v("Q5", "k4", "2025-03-10"),
    ] + [v(f"B{i}", f"b{i}", "2025-01-02") for i in range(3)])  # occupancy above capacity
    write("2025Q1", "uitstroom", [u("Q3", "k3", "2025-03-05"), u("NIET", "k9", "2025-03-06")])
    write("2025Q1", "capaciteit", [{"opvangvorm": "residentieel", "plaatsen": "1"}])
    def a(kwartaal: str, i: int, datum: str, reden: str = "") -> dict:
        return {"client_id": f"n{kwartaal}{i}", "aanmelding_id": f"N{kwartaal}-{i}",
                "aanmelddatum": datum, "uitkomst": "niet_geplaatst", "opvangvorm": "ambulant",
                "geslacht": "v", "reden_niet_geplaatst": reden}

    # v1.1 instroom (every column): 20 aanmeldingen not placed because the house was full,
    # then 20 placed elsewhere first, then (2025Q4) 60 without any reason
    write("2025Q1", "instroom", [a("2025Q1", i, "2025-01-10", "vol") for i in range(20)])
    add("kwaliteit-zonder-uitstroom", "verblijf_zonder_uitstroom", q1, "kwaliteitsbevinding",
        "verblijf Q1 eindigt zonder uitstroom en zonder vervolg")
    add("kwaliteit-datum", "uitstroom_datum_wijkt_af", q1, "kwaliteitsbevinding",
        "uitstroomdatum 5 maart, verblijf eindigt 1 maart")
    add("kwaliteit-onbekend", "uitstroom_onbekend_verblijf", q1, "kwaliteitsbevinding",
        "uitstroom voor een onbekend verblijf")
    add("kwaliteit-overlap", "overlappende_verblijven", q1, "kwaliteitsbevinding",
        "twee verblijven van een cliënt overlappen tien dagen")
    add("kwaliteit-bezetting", "bezetting_boven_capaciteit", q1, "kwaliteitsbevinding",
        "meer bezette bedden dan plaatsen")
    q2 = write("2025Q2", "verblijf", [v("Q5", "k4", "2025-03-10")] + [
        v(f"B{i}", f"b{i}", "2025-01-02") for i in range(3)])
    q2_instroom = write("2025Q2", "instroom", [a("2025Q2", i, "2025-04-10", "elders_geplaatst")
                                               for i in range(20)])
    add("kwaliteit-reden-mix", "reden_mix_afwijking", q2_instroom, "kwaliteitsbevinding",
        "20 keer elders geplaatst na 20 keer vol")
    add("kwaliteit-verdwenen", "verblijf_verdwenen", q2, "kwaliteitsbevinding",
        "lopend verblijf Q2 ontbreekt in de levering van het volgende kwartaal")
    # 2025Q3 missing entirely, then 2025Q4 with a volume far above the CG's history
    q4 = write("2025Q4", "instroom", [a("2025Q4", i, "2025-10-10") for i in range(60)])
    write("2025Q4", "verblijf", [v("Q5", "k4", "2025-03-10")])
    add("kwaliteit-kwartaal", "kwartaal_ontbreekt", q4, "kwaliteitsbevinding",
        "geen levering voor 2025Q3 tussen 2025Q2 en 2025Q4")
    add("kwaliteit-volume", "volume_afwijking", q4, "kwaliteitsbevinding",
        "60 aanmeldingen tegen 20 in eerdere kwartalen")
    add("kwaliteit-reden-onbekend", "reden_niet_geplaatst_onbekend", q4, "kwaliteitsbevinding",
        "60 aanmeldingen niet geplaatst in een levering met de kolom, geen enkele met een reden")
    add("kwaliteit-voorraad", "voorraad_identiteit", q4, "geen_bevinding",
        "kan met geldige rijen niet optreden: de lader weigert einddatum voor startdatum en "
        "het model telt stand en stromen uit dezelfde verblijven; de regel bewaakt het model "
        "en moet hier dus zwijgen")
