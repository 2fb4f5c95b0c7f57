"""Synthetic deliveries for all 35 centrumgemeenten, exported as organisations would.

Real client data never enters the repository, yet analysts trying the tool, the tests
and the benchmarks need data that looks and behaves like the real thing. Nothing here
is real: each centrumgemeente's organisation is simulated day by day
(:mod:`pipeline.synth.model`), sized by its share of the population and calibrated to
published national figures (:mod:`pipeline.synth.targets`), and its quarters are written
the way that organisation exports them (:mod:`pipeline.synth.delivery_files`): an episode in
every quarter it touches, running ones without einddatum; aanmeldingen with all outcomes;
uitstroom with destinations and obstacles; capaciteit for most quarters.

Now and then an organisation re-delivers: its first export of a quarter missed the last
rows of the verblijf file, the corrected export (under ``herlevering/``) supersedes it.

Deterministic: each centrumgemeente has its own random streams, seeded by (seed, CG),
and workbooks get fixed timestamps, so the same seed gives the same bytes. Streaming:
rows go to disk as the simulation produces them and one centrumgemeente is simulated at
a time, so memory stays flat for any ``schaal``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import random
import shutil
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from pipeline.periods import kwartalen_between, quarter_bounds
from pipeline.synth import targets as targets
from pipeline.synth.delivery_files import (  # noqa: F401  (HEADERS, write_xlsx: public from here)
    HEADERS,
    KwartaalLevering,
    cut_last_rows,
    stijl_van,
    write_xlsx,
)
from pipeline.synth.model import Kwartaal, Organisatie, Regio

#: Share of CG-quarters with a capaciteit delivery (the soort is optional).
CAPACITEIT_KANS = .9
#: Organisations (by place in the sorted list) that re-deliver one quarter.
HERLEVERAARS = (3, 17, 28)
HERLEVERING_ONTBREKEND = 3  # verblijf rows missing from the first export


def generate(out: Path, seed: int = 20251, kwartalen: tuple[str, str] = ("2024Q1", "2025Q4"),
             schaal: float = 1.0, defecten: bool = False,
             progress: Callable[[int, int], None] | None = None,
             centrumgemeenten: Collection[str] | None = None,
             plaatsen: Mapping[str, Mapping[str, int]] | None = None) -> dict:
    """Write deliveries under ``out/<YYYY>Q<n>/``, corrected re-deliveries under
    ``out/herlevering/<YYYY>Q<n>/`` and, with ``defecten``, the defect catalogue under
    ``out/defecten/`` with its manifest.

    Returns a summary: ``files`` (every delivery file written, sorted), ``rows`` (records
    per soort over all CG-quarters, each once), ``kwartalen``, ``seed``, ``schaal``,
    ``herleveringen``, ``waarheid`` (what happened to every residential request, per CG,
    quarter and opvangvorm: :class:`pipeline.synth.model.Waarheid`, never delivered) and,
    with ``defecten``, ``manifest`` (its path).

    ``centrumgemeenten`` limits the run to those areas (each keeps its own random streams
    and export habits); ``plaatsen`` replaces an area's places (per opvangvorm), for the
    capacity model's what-if check (docs/capaciteit.md).
    """
    if not schaal > 0:
        raise ValueError("--schaal must be positive")
    out = Path(out)
    labels = kwartalen_between(*kwartalen)
    quarters = [Kwartaal(k, *(d.toordinal() for d in quarter_bounds(int(k[:4]), int(k[-1]))))
                for k in labels]
    if dt.date.fromordinal(quarters[-1].start) > dt.date.today():
        raise ValueError(f"{labels[-1]} has not started yet; the loader would refuse it")
    regios = build_regios(schaal)
    for cg, vormen in (plaatsen or {}).items():
        regios[cg] = dataclasses.replace(regios[cg], plaatsen={**regios[cg].plaatsen, **vormen})
    waarheid: list[dict] = []
    files: list[str] = []
    herleveringen: list[str] = []
    rows = dict.fromkeys(HEADERS, 0)
    cgs = sorted(regios)
    gekozen = set(cgs if centrumgemeenten is None else centrumgemeenten)
    if unknown := gekozen - set(cgs):
        raise ValueError(f"not a centrumgemeente: {', '.join(sorted(unknown))}")
    for i, cg in enumerate(cgs):
        if cg not in gekozen:
            continue
        stijl = stijl_van(i)
        levering = random.Random(f"{seed}:{cg}:levering")
        capaciteit = [levering.random() < CAPACITEIT_KANS for _ in quarters]
        herlevering = labels[len(labels) // 2] if i in HERLEVERAARS and not stijl.xlsx else None
        org = Organisatie(regios[cg], quarters, schaal, random.Random(f"{seed}:{cg}"),
                          stijl.nummering)
        open_: dict[int, KwartaalLevering] = {}

        def levering_van(q: int, cg: str = cg, stijl=stijl, capaciteit=capaciteit,
                         open_=open_) -> KwartaalLevering:
            if q not in open_:
                plaatsen = regios[cg].plaatsen
                open_[q] = KwartaalLevering(
                    out / labels[q], cg, labels[q], stijl,
                    [{"opvangvorm": v, "plaatsen": plaatsen[v]} for v in sorted(plaatsen)]
                    if capaciteit[q] else None)
            return open_[q]

        for event in org.run():
            if event[0] == "rij":
                _, soort, q, row = event
                levering_van(q).rij(soort, row)
                continue
            _, q, soorten = event
            lev = levering_van(q)
            lev.klaar(soorten)
            if not lev.af:
                continue
            del open_[q]
            for soort, n in lev.rows.items():
                rows[soort] += n
            files.extend(str(p) for p in lev.paths)
            if labels[q] == herlevering:
                herleveringen.extend(_herlever(lev, out / "herlevering" / labels[q]))
        waarheid.extend({"centrumgemeente": cg, "kwartaal": labels[q], "opvangvorm": vorm,
                         **dataclasses.asdict(w)}
                        for (q, vorm), w in sorted(org.waarheid.items()))
        if progress:
            progress(i + 1, len(cgs))
    files.extend(herleveringen)
    summary = {"files": sorted(files), "rows": rows, "kwartalen": f"{labels[0]}..{labels[-1]}",
               "seed": seed, "schaal": schaal, "herleveringen": sorted(herleveringen),
               "waarheid": waarheid}
    if defecten:
        from pipeline.synth.defects import write_defects

        summary["manifest"] = str(write_defects(out / "defecten", seed))
    return summary


def _herlever(lev: KwartaalLevering, folder: Path) -> list[str]:
    """Keep the complete files as the correction (every soort, as organisations re-send a
    whole delivery) and cut rows off the verblijf file of the first export."""
    verblijf = next(p for p in lev.paths if p.name.endswith("_verblijf.csv"))
    if lev.rows["verblijf"] == 0:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for p in lev.paths:
        shutil.copyfile(p, folder / p.name)
        copies.append(str(folder / p.name))
    cut_last_rows(verblijf, HERLEVERING_ONTBREKEND)
    return copies


def leveringen_tabel() -> str:
    """The table in docs/synth.md: per centrumgemeente its share, places and export habits
    (a test keeps the doc equal to this)."""
    from schemas.reference_tables import load_reference

    ref = load_reference()
    names = dict(zip(ref.centrumgemeenten["gm_code"], ref.centrumgemeenten["gm_naam"],
                     strict=True))
    lines = ["| CG | naam | aandeel | crisis | resid. | levering | codering | scheiding | datums "
             "| kop | verder |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    regios = build_regios(1.0)
    for i, cg in enumerate(sorted(regios)):
        r, st = regios[cg], stijl_van(i)
        extra = []
        if st.xlsx:
            enc = sep = "-"
            datums = "tekst DD-MM-YYYY" if st.dmy else "datumcellen"
            extra += ["getallen als tekst"] if st.tekst_getallen else []
        else:
            enc = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 BOM", "cp1252": "Windows-1252"}[
                st.encoding]
            sep, datums = f"`{st.delimiter}`", "DD-MM-YYYY" if st.dmy else "ISO"
            extra += ["alles tussen aanhalingstekens"] if st.quote_all else []
            extra += ["LF"] if st.regeleinde == "\n" else []
        kop = {"snake": "`client_id`", "titel": "`Client Id`", "hoofdletters": "`CLIENT_ID`"}[
            st.kop]
        extra += [f"zonder {', '.join(sorted(st.weglaten))}"] if st.weglaten else []
        extra += ["optionele kolommen omgekeerd"] if st.andere_volgorde else []
        extra += [f"verblijf_id met '{st.nummering.locatie}'"] if st.nummering.locatie else []
        extra += ["herlevering"] if i in HERLEVERAARS and not st.xlsx else []
        lines.append(
            f"| {cg} | {names[cg]} | {r.gewicht * 100:.1f}% | {r.plaatsen['crisisopvang']} | "
            f"{r.plaatsen['residentieel']} | {'xlsx' if st.xlsx else 'csv'} | {enc} | {sep} | "
            f"{datums} | {kop} | {'; '.join(extra)} |")
    return "\n".join(lines)


def build_regios(schaal: float = 1.0) -> dict[str, Regio]:
    """Every centrumgemeente of the active reference data, with its weight, its area, the
    other municipalities, its places and the pre-merger codes its area still sees."""
    from pipeline import config
    from schemas.reference_tables import bevolking, load_reference

    ref = load_reference(config.membership_path(None))
    gemeenten = ref.gemeenten
    leden = {cg: tuple(sorted(g)) for cg, g in
             gemeenten.groupby("centrumgemeente")["gm_code"]}
    cgs = sorted(ref.centrumgemeente_codes)
    inwoners = gemeenten.merge(bevolking(), on="gm_code").groupby("centrumgemeente")[
        "inwoners"].sum()
    gewichten = targets.regio_gewichten({cg: int(inwoners.get(cg, 0)) for cg in cgs})
    crisis = targets.verdeel(round(targets.CRISISPLAATSEN.value * schaal), gewichten)
    residentieel = targets.verdeel(round(targets.RESIDENTIELE_PLAATSEN.value * schaal),
                                   gewichten)
    oude = recent_old_codes()
    alle = tuple(sorted(gemeenten["gm_code"]))
    regios = {}
    for cg in cgs:
        eigen = leden.get(cg, (cg,))
        eigen_set = set(eigen)
        regios[cg] = Regio(
            cg, gewichten[cg], eigen, tuple(c for c in alle if c not in eigen_set),
            {"crisisopvang": crisis[cg], "residentieel": residentieel[cg]},
            {c: oude[c] for c in alle if c in oude})
    return regios


def recent_old_codes(since: str = "20220101") -> dict[str, tuple[str, ...]]:
    """2025 code -> codes of municipalities merged into it since ``since``: organisations
    keep using those for a while (the pipeline maps them with the crosswalk)."""
    from schemas.reference_tables import CROSSWALK_FILE, REFERENCE_DIR

    found: dict[str, list[str]] = {}
    with (REFERENCE_DIR / CROSSWALK_FILE).open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if (r["datum_einde"] >= since and r["gm_code_2025"]
                    and r["old_code"] != r["gm_code_2025"]):
                found.setdefault(r["gm_code_2025"], []).append(r["old_code"])
    return {k: tuple(sorted(v)) for k, v in sorted(found.items())}
