"""Synthetic deliveries for all 35 centrumgemeenten, exported as organisations would.

Nothing here is real: clients, episodes and municipalities of origin are drawn from
distributions calibrated to published national figures (``synth_targets``). The
generator simulates clients per centrumgemeente (aanmelding -> placement -> a chain
of episodes crisisopvang -> residentieel -> ambulant -> uitstroom), starting two
years before the first delivered quarter so the stock at the start is realistic,
and then writes per quarter what the organisation would export: every episode in
every quarter it touches, running ones without einddatum.

Deterministic: each centrumgemeente has its own random stream seeded by
(seed, CG), and workbooks are written with fixed timestamps, so the same seed gives
the same bytes. Memory holds one centrumgemeente at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.periods import kwartalen_between, quarter_bounds
from schemas.common import BESTEMMINGEN, REDENEN_EINDE, VERWIJZERS

#: National aanmeldingen per year at schaal 1 (gives ~12,000 clients in care a year).
AANMELDINGEN_PER_JAAR = 12_500
WARMUP_YEARS = 2
FIXED_TIME = (2025, 1, 1, 0, 0, 0)

UITKOMST = (("geplaatst", .75), ("doorverwezen", .12), ("niet_geplaatst", .08),
            ("in_behandeling", .05))
HERKOMST = (("eigen", .655), ("andere", .28), ("buitenland", .03), ("onbekend", .035))
KINDEREN = ((0, .68), (1, .17), (2, .10), (3, .05))
WACHTTIJD = ((0, .30), (1, .15), (2, .13), (3, .12), (5, .12), (7, .13), (14, .05))
BESTEMMING_W = (.35, .12, .15, .08, .07, .05, .03, .15)
REDEN_W = (.55, .2, .1, .05, .1)
MERGED = {"GM1992": ("GM0501", "GM0530", "GM0614")}

HEADERS = {
    "instroom": ["client_id", "aanmelding_id", "aanmelddatum", "uitkomst", "plaatsingsdatum",
                 "opvangvorm", "gemeente_herkomst", "verwijzer", "geslacht", "geboortejaar",
                 "aantal_kinderen"],
    "verblijf": ["client_id", "verblijf_id", "startdatum", "einddatum", "opvangvorm",
                 "aanmelding_id"],
    "uitstroom": ["client_id", "verblijf_id", "uitstroomdatum", "bestemming",
                  "gemeente_bestemming", "reden_einde", "belemmeringen"],
    "capaciteit": ["opvangvorm", "plaatsen"],
}


def pick(rnd: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rnd.choices(values, weights)[0]


@dataclass
class Episode:
    verblijf_id: str
    client_id: str
    start: dt.date
    end: dt.date | None  # None = still running at the end of the simulation
    vorm: str
    aanmelding_id: str | None


@dataclass
class Region:
    """One centrumgemeente's simulated records."""

    cg: str
    aanmeldingen: list[dict] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    uitstroom: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Style:
    """How one organisation exports: the contract allows all of these."""

    xlsx: bool
    delimiter: str
    encoding: str
    dmy: bool
    spaced_headers: bool


def style_of(i: int) -> Style:
    return Style(xlsx=i % 9 == 4, delimiter=";" if i % 2 == 0 else ",",
                 encoding=("utf-8", "utf-8-sig", "cp1252")[i % 3], dmy=i % 4 in (1, 3),
                 spaced_headers=i % 5 == 2)


def simulate(cg: str, share: float, members: list[str], others: list[str], first: dt.date,
             last: dt.date, schaal: float, rnd: random.Random) -> Region:
    region = Region(cg)
    start = dt.date(first.year - WARMUP_YEARS, first.month, first.day)
    days = (last - start).days + 1
    rate = AANMELDINGEN_PER_JAAR * schaal * share / 365.25
    n = max(1, round(rate * days))
    dates = sorted(start + dt.timedelta(rnd.randrange(days)) for _ in range(n))
    for k, d in enumerate(dates):
        client = f"K{rnd.getrandbits(40):010x}"
        aid = f"A{k:07d}"
        uitkomst = pick(rnd, UITKOMST)
        herkomst = pick(rnd, HERKOMST)
        gemeente = {"eigen": lambda: rnd.choice(members), "andere": lambda: rnd.choice(others),
                    "buitenland": lambda: "BUITENLAND", "onbekend": lambda: None}[herkomst]()
        if gemeente in MERGED and (d.year < 2023 or rnd.random() < .3):
            gemeente = rnd.choice(MERGED[gemeente])
        plaatsing = d + dt.timedelta(pick(rnd, WACHTTIJD)) if uitkomst == "geplaatst" else None
        if plaatsing and plaatsing > last:
            uitkomst, plaatsing = "in_behandeling", None
        residentieel = rnd.random() < .35
        vorm = ("crisisopvang" if rnd.random() < .92 else "residentieel") if residentieel \
            else "ambulant"
        kinderen = pick(rnd, KINDEREN) if rnd.random() < .9 else None
        region.aanmeldingen.append({
            "client_id": client, "aanmelding_id": aid, "aanmelddatum": d, "uitkomst": uitkomst,
            "plaatsingsdatum": plaatsing, "opvangvorm": vorm, "gemeente_herkomst": gemeente,
            "verwijzer": rnd.choice(VERWIJZERS) if rnd.random() < .9 else None,
            "geslacht": pick(rnd, (("v", .95), ("m", .04), ("x", .01))),
            "geboortejaar": d.year - rnd.randint(18, 70) if rnd.random() < .9 else None,
            "aantal_kinderen": kinderen,
        })
        if plaatsing:
            _placement(region, client, aid, plaatsing, vorm, members, others, last, rnd)
    return region


def _duration(vorm: str, rnd: random.Random) -> int:
    if vorm == "crisisopvang":
        return min(365, int(rnd.expovariate(1 / 35)))
    if vorm == "residentieel":
        return min(1500, int(rnd.gammavariate(3.0, 259 / 3.0)))
    return min(1000, int(rnd.expovariate(1 / 120)))


def _placement(region: Region, client: str, aid: str, start: dt.date, vorm: str,
               members: list[str], others: list[str], last: dt.date,
               rnd: random.Random) -> None:
    aanmelding: str | None = aid
    while True:
        end = start + dt.timedelta(_duration(vorm, rnd))
        vid = f"V{len(region.episodes):07d}"
        running = end > last
        region.episodes.append(Episode(vid, client, start, None if running else end, vorm,
                                       aanmelding))
        if running:
            return
        aanmelding = None
        nxt = None
        if vorm == "crisisopvang":
            nxt = pick(rnd, (("residentieel", .10), ("ambulant", .45), (None, .45)))
        elif vorm == "residentieel":
            nxt = pick(rnd, (("ambulant", .55), (None, .45)))
        if nxt is None:
            bestemming = rnd.choices(BESTEMMINGEN, BESTEMMING_W)[0]
            region.uitstroom.append({
                "client_id": client, "verblijf_id": vid, "uitstroomdatum": end,
                "bestemming": bestemming,
                "gemeente_bestemming": (None if rnd.random() < .3 or bestemming == "buitenland"
                                        else rnd.choice(members if rnd.random() < .7
                                                        else others)),
                "reden_einde": rnd.choices(REDENEN_EINDE, REDEN_W)[0],
                "belemmeringen": "|".join(sorted(rnd.sample(
                    ["geen_woning", "geen_vervolghulp", "niet_terug_naar_herkomst", "financien",
                     "verblijfsstatus"], k=pick(rnd, ((0, .5), (1, .35), (2, .15)))))),
            })
            return
        start = end + dt.timedelta(rnd.choice((0, 0, 1)))
        vorm = nxt


def quarter_records(region: Region, kwartaal: str) -> dict[str, list[dict]]:
    qs, qe = quarter_bounds(int(kwartaal[:4]), int(kwartaal[-1]))
    verblijf = [{"client_id": e.client_id, "verblijf_id": e.verblijf_id, "startdatum": e.start,
                 "einddatum": e.end if e.end and e.end <= qe else None, "opvangvorm": e.vorm,
                 "aanmelding_id": e.aanmelding_id}
                for e in region.episodes if e.start <= qe and (e.end is None or e.end >= qs)]
    return {
        "instroom": [a for a in region.aanmeldingen if qs <= a["aanmelddatum"] <= qe],
        "verblijf": verblijf,
        "uitstroom": [u for u in region.uitstroom if qs <= u["uitstroomdatum"] <= qe],
    }


def _text(v: object, dmy: bool) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.strftime("%d-%m-%Y") if dmy else v.isoformat()
    return str(v)


def write_csv(path: Path, soort: str, rows: list[dict], style: Style) -> int:
    header = HEADERS[soort]
    shown = [h.replace("_", " ").title() if style.spaced_headers else h for h in header]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=style.delimiter, lineterminator="\r\n")
    w.writerow(shown)
    for r in rows:
        w.writerow([_text(r.get(h), style.dmy) for h in header])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(style.encoding))
    return len(rows)


def write_xlsx(path: Path, sheets: dict[str, list[dict]], hidden: tuple[str, ...] = ()) -> None:
    """A workbook with one sheet per soort; dates as date cells; fixed timestamps."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for soort, rows in sheets.items():
        ws = wb.create_sheet(soort)
        ws.append(HEADERS[soort])
        for r in rows:
            ws.append([r.get(h) for h in HEADERS[soort]])
        if soort in hidden:
            ws.sheet_state = "hidden"
    wb.properties.created = wb.properties.modified = dt.datetime(*FIXED_TIME)
    raw = io.BytesIO()
    wb.save(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into 'modified' whatever we set
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>2025-01-01T00:00:00Z", data)
            dst.writestr(fixed, data)


def capaciteit_rows(share: float, schaal: float) -> list[dict]:
    from pipeline import synth_targets as t

    return [{"opvangvorm": "crisisopvang",
             "plaatsen": max(1, round(t.CRISISPLAATSEN.value * share * schaal))},
            {"opvangvorm": "residentieel",
             "plaatsen": max(1, round(t.RESIDENTIELE_PLAATSEN.value * share * schaal))}]


def generate(out: Path, seed: int = 20251, kwartalen: tuple[str, str] = ("2024Q1", "2025Q4"),
             schaal: float = 1.0, defecten: bool = False,
             progress: Callable[[int, int], None] | None = None) -> dict:
    """Write deliveries under ``out/<YYYY>Q<n>/``; corrected re-deliveries under
    ``out/herlevering/``; with ``defecten`` also ``out/defecten/`` and its manifest."""
    from pipeline.reference import load_reference

    if schaal <= 0:
        raise ValueError("--schaal must be positive")
    out = Path(out)
    quarters = kwartalen_between(*kwartalen)
    if quarter_bounds(int(quarters[-1][:4]), int(quarters[-1][-1]))[0] > dt.date.today():
        raise ValueError(f"{quarters[-1]} has not started yet; the loader would refuse it")
    first = quarter_bounds(int(quarters[0][:4]), int(quarters[0][-1]))[0]
    last = quarter_bounds(int(quarters[-1][:4]), int(quarters[-1][-1]))[1]
    ref = load_reference()
    areas = ref.gemeenten.groupby("centrumgemeente")["gm_code"].apply(sorted).to_dict()
    total_members = sum(len(v) for v in areas.values())
    all_codes = sorted(ref.gemeenten["gm_code"])
    files: list[str] = []
    rows = dict.fromkeys(HEADERS, 0)
    cgs = sorted(ref.centrumgemeente_codes)
    for i, cg in enumerate(cgs):
        rnd = random.Random(f"{seed}:{cg}")
        share = len(areas[cg]) / total_members
        members = areas[cg]
        others = [c for c in all_codes if c not in set(members)]
        region = simulate(cg, share, members, others, first, last, schaal, rnd)
        style = style_of(i)
        redeliver_q = quarters[len(quarters) // 2] if i in (3, 17, 28) else None
        for k in quarters:
            recs = quarter_records(region, k)
            if rnd.random() < .9:
                recs["capaciteit"] = capaciteit_rows(share, schaal)
            for soort, rs in recs.items():
                rows[soort] += len(rs)
            written = _write_quarter(out / k, cg, k, recs, style)
            if k == redeliver_q:
                # the organisation first sent an export that missed its last rows,
                # then a corrected one: the correction must supersede it
                first_version = dict(recs, verblijf=recs["verblijf"][:-3])
                _write_quarter(out / k, cg, k, first_version, style)
                written = _write_quarter(out / "herlevering" / k, cg, k, recs, style)
            files.extend(str(p) for p in written)
        if progress:
            progress(i + 1, len(cgs))
    summary = {"files": sorted(files), "rows": rows, "kwartalen": f"{quarters[0]}..{quarters[-1]}",
               "seed": seed, "schaal": schaal}
    if defecten:
        from pipeline.synth_defects import write_defects

        summary["manifest"] = str(write_defects(out / "defecten", seed))
    return summary


def _write_quarter(folder: Path, cg: str, k: str, recs: dict[str, list[dict]],
                   style: Style) -> list[Path]:
    if style.xlsx:
        path = folder / f"{cg}_{k}.xlsx"
        write_xlsx(path, recs)
        return [path]
    paths = []
    for soort, rs in recs.items():
        path = folder / f"{cg}_{k}_{soort}.csv"
        write_csv(path, soort, rs, style)
        paths.append(path)
    return paths
