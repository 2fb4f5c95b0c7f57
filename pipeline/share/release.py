"""What one release publishes, protected and audited in one place.

A release is every number the 36 reports of a period show. It is built here as a
:class:`pipeline.share.audit.Publication`: each published count is one named cell (a number two
tables show is one cell, so it is hidden alike in both), each published relation one
constraint (a row and its total, the national row as the sum of the 35 areas, the stock
identity, a year as the sum of its quarters, the median wait class, flows and the map of
origin as class intervals with their sums). :func:`pipeline.share.audit.protect` hides cells
until an attacker holding all of it, reasoning with an integer program, cannot tell any
hidden small count from 0 or from the threshold; the audit's summary goes into every
``release.json``. A release that cannot be protected is refused.

Everything else a report shows is derived from these cells or protected by construction
(written down per item in docs/rapporten.md): shares only where both counts are shown,
Kaplan-Meier curves computed from counts rounded to the threshold, occupancy rates in whole
percent behind a minimum of clients, places needed behind a minimum of requests and stays.
Those gates are applied here too, once, so the :class:`Release` is the only thing a report,
the site and the export read, and no layout module takes a disclosure decision. Its one kind of
exact count not shown as such: the map of origin and the flows (``kaart``, ``stromen``),
which :mod:`pipeline.share.kaart` only ever draws in the classes the audit modelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from pipeline.figures.kerncijfers import HERKOMST
from pipeline.periods import Periode, vorig_kwartaal
from pipeline.share.audit import (
    CLASS,
    EXACT,
    HIDDEN,
    AuditResult,
    ProtectionError,
    Publication,
    Relation,
    protect,
)
from pipeline.share.disclosure import MARK, TOTAAL, Rules, klasse_bereik, klassen
from schemas.formaat import BELEMMERINGEN, BESTEMMINGEN, OPVANGVORMEN, RESIDENTIELE_OPVANGVORMEN

#: The national scope, in cell names as in the reports.
LANDELIJK = "landelijk"

GROUPS = {
    "voorraad": ["stand_begin", "nieuwe_verblijven", "beeindigde_verblijven", "stand_einde"],
    "herkomst": list(HERKOMST),  # the classes the key figures count (kerncijfers.HERKOMST)
    "zorg": ["clienten_in_zorg", "geplaatst", "uitstroom", "meegekomen_kinderen"],
    "bestemming": list(BESTEMMINGEN),  # the delivery format's value list
}
#: Wait classes: label -> the highest number of days in it.
WACHTTIJD_KLASSEN = {"0 dagen": 0, "1 dag": 1, "2-3 dagen": 3, "4-7 dagen": 7,
                     "8-14 dagen": 14, "15+ dagen": float("inf")}
GROUPS["wachttijd"] = list(WACHTTIJD_KLASSEN)
GROUPS["belemmeringen"] = list(BELEMMERINGEN)
GROUPS["vormen"] = list(OPVANGVORMEN)
#: Placements across an area border: in = clients from another area placed here, uit = this
#: area's residents placed by another centrumgemeente (kerncijfers bovenregionaal_geplaatst).
GROUPS["bovenregionaal"] = ["in", "uit"]
#: Aanmeldingen that found no place: uitkomst doorverwezen or niet_geplaatst.
GROUPS["niet_geplaatst"] = ["aanmeldingen_niet_geplaatst"]
#: Groups whose row total is published, and the cell that total is.
TOTAL_OF = {"herkomst": "aanmeldingen", "bestemming": "uitstroom", "wachttijd": "geplaatst"}
#: The series per quarter (their Dutch names: schemas.labels.REEKS).
SERIES = ("aanmeldingen", "nieuwe_verblijven", "uitstroom", "stand_einde")
#: Series measures that are flows (a year is the sum of its quarters); stand_einde is a state.
FLOWS = ("aanmeldingen", "nieuwe_verblijven", "uitstroom")


@dataclass
class Release:
    """The protected figures of one period for all centrumgemeenten and the country: the
    only source of what a report, the site and the export show."""

    periode: Periode
    rules: Rules
    tables: dict[str, pd.DataFrame]      # group -> protected CG x measure (+ Totaal)
    series: dict[str, pd.DataFrame]      # measure -> protected CG x kwartaal (+ Totaal)
    peildatum: str
    referentie: str
    wacht_mediaan: dict[str, str | None] = field(default_factory=dict)  # scope -> class
    #: scope -> the share only ambulant in whole percent (0.78), as the audit modelled it
    aandeel_ambulant: dict[str, float | None] = field(default_factory=dict)
    stromen: pd.DataFrame | None = None  # herkomst_regio x CG counts, None: not shown
    kaart: pd.Series | None = None       # national map counts per municipality, or None
    audit: dict = field(default_factory=dict)
    #: (verblijfsduur|trajectduur, scope) -> Kaplan-Meier curve from rounded counts
    curves: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    # Derived per scope, each behind its rule (pipeline.share.disclosure); None: not shown.
    #: scope -> eigen_regio | ambulant | binnen_1_dag | binnen_7_dagen -> (share, its base)
    aandelen: dict[str, dict[str, tuple[float, int] | None]] = field(default_factory=dict)
    #: scope -> aanmeldingen | clienten_in_zorg -> rate per 10,000 inhabitants of the count
    #: as shown
    per_10k: dict[str, dict[str, float | None]] = field(default_factory=dict)
    gemiddeld_wachtend: dict[str, float | None] = field(default_factory=dict)
    #: scope -> the last eight quarters up to P: kwartaal, opvangvorm, bezettingsgraad
    bezetting: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: scope -> the bezettingsgraad of P over both residential forms (kerncijfers')
    bezettingsgraad: dict[str, float | None] = field(default_factory=dict)
    #: scope -> per residential form: places delivered, places needed with interval
    #: (:func:`plaatsen_tabel`)
    plaatsen: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: per area and form: centrumgemeente, opvangvorm, aangeleverd, benodigd, laag, hoog
    plaatsen_per_regio: pd.DataFrame | None = None
    #: what the places needed aim at (capaciteit's doel), and the areas in the country
    plaatsen_doel: dict = field(default_factory=dict)
    plaatsen_regios: int = 0
    # Public context, not counts of clients: inhabitants (CBS), places delivered (the
    # organisations'), which areas delivered.
    inwoners: dict[str, int] = field(default_factory=dict)
    plaatsen_per_10k_inwoners: dict[str, float | None] = field(default_factory=dict)
    plaatsen_norm_istanbul: float | None = None
    dekking: dict = field(default_factory=dict)  # kwartaal -> geleverd, centrumgemeenten

    @property
    def scopes(self) -> list[str]:
        """The 35 centrumgemeenten and the country, as the release's cells name them."""
        return [LANDELIJK if s == TOTAAL else s for s in self.tables["voorraad"].index]


def cell(measure: str, scope: str, period: Periode | str) -> str:
    return f"{measure}|{scope}|{period}"


def wachttijd_klassen(wachttijden: pd.DataFrame) -> dict[str, int]:
    """Placements per wait class (0, 1, 2-3, 4-7, 8-14, 15+ days): they add up to
    ``geplaatst``, whose plaatsingsdatum the contract requires."""
    out = dict.fromkeys(GROUPS["wachttijd"], 0)
    for dagen, aantal in zip(wachttijden["dagen"], wachttijden["aantal"], strict=True):
        klasse = next(k for k, hoogste in WACHTTIJD_KLASSEN.items() if dagen <= hoogste)
        out[klasse] += int(aantal)
    return out


def mediaan_klasse(counts: list[int]) -> int | None:
    """Index of the wait class holding the median placement (the ceil(G/2)-th shortest
    wait): shown instead of an exact median, which together with the classes would pin
    cells. None without placements."""
    total = sum(counts)
    if total == 0:
        return None
    k, running = (total + 1) // 2, 0
    for i, c in enumerate(counts):
        running += c
        if running >= k:
            return i
    return None


def class_bounds(counts: pd.Series, rules: Rules) -> list[tuple[int, float]]:
    """The class interval a map or flow draws for each count, by the classes' own rule
    (:func:`pipeline.share.disclosure.klassen`) with 0 and small counts together, so the
    audit models exactly what is drawn."""
    return [klasse_bereik(label, rules, nul_als_klein=True)
            for label in klassen(counts, rules, nul_als_klein=True).astype(str)]


class Parts(NamedTuple):
    """What the reports lay out besides the cells: tables and series as cell names, the
    key figures per scope, and the per-scope statements and figures the audit covers."""

    views: dict[str, pd.DataFrame]
    raw: dict[str, dict]
    wacht_mediaan: dict[str, str | None]
    aandeel_ambulant: dict[str, float | None]
    stromen: pd.DataFrame
    kaart: pd.Series


class Audited(NamedTuple):
    """A protected release with the publication its audit passed: ``publication.shown``
    says how each cell is published, ``parts`` where the reports lay each cell out."""

    release: Release
    publication: Publication
    parts: Parts


def compute_release(m, periode: Periode, rules: Rules) -> Release:
    """Every figure of the release, computed once, protected and audited together; then
    what is derived from it, each behind its rule."""
    return audited_release(m, periode, rules).release


def audited_release(m, periode: Periode, rules: Rules) -> Audited:
    """The release and the publication it was protected as (raises ProtectionError when no
    protection passes the audit). :mod:`pipeline.share.release_cache` keeps it per
    warehouse state, so report, audit, export and the site read one computation."""
    pub, parts = build_publication(m, periode, rules)
    result = protect_publication(pub, rules)
    figures = {figure_of(n) for n, v in pub.shown.items() if v[0] == CLASS}
    k = parts.raw[LANDELIJK]
    release = Release(
        periode, rules, {g: _render(parts.views[g], pub) for g in GROUPS},
        {s: _render(parts.views[f"reeks:{s}"], pub) for s in SERIES},
        k["peildatum"] or "", k["referentie_versie"] or "",
        wacht_mediaan=parts.wacht_mediaan, aandeel_ambulant=parts.aandeel_ambulant,
        stromen=parts.stromen if "stroom" in figures else None,
        kaart=parts.kaart if f"kaart|{LANDELIJK}" in figures else None,
        audit=result.summary(), curves=_curves(m, periode, list(parts.raw), rules))
    _derive(release, m, parts.raw)
    return Audited(release, pub, parts)


def scope_row(table: pd.DataFrame, scope: str) -> pd.Series:
    """A scope's row of a protected table (the country is its Totaal row)."""
    return table.loc[TOTAAL if scope == LANDELIJK else scope]


def _derive(release: Release, m, raw: dict[str, dict]) -> None:
    """The figures a report shows beside the cells, each from the cells as shown or behind
    its rule, so nothing after the release needs the unprotected key figures."""
    rules, periode = release.rules, release.periode
    doc = m.capaciteit(periode)
    bezetting = bezetting_per_scope(m, periode, rules)
    for s, k in raw.items():
        release.inwoners[s] = k["inwoners"]
        release.plaatsen_per_10k_inwoners[s] = k["plaatsen_per_10k_inwoners"]
        release.aandelen[s] = {"eigen_regio": _eigen_regio(release, s, k["herkomst"]),
                               "ambulant": _ambulant(release, s),
                               "binnen_1_dag": _binnen_dagen(release, s, 1),
                               "binnen_7_dagen": _binnen_dagen(release, s, 7)}
        # only over a whole scope, as kerncijfers: a rate of the areas that delivered over
        # the inhabitants of all of them would understate
        release.per_10k[s] = {measure: rules.per_10k(scope_row(release.tables[g], s)[col],
                                                     k["inwoners"])
                              if k[f"{measure}_per_10k_inwoners"] is not None else None
                              for measure, (g, col) in PER_10K.items()}
        wacht = scope_row(release.tables["wachttijd"], s)
        release.gemiddeld_wachtend[s] = rules.gemiddeld_wachtend(
            k["gemiddeld_wachtend"], tuple(wacht[c] for c in GROUPS["wachttijd"])
            + (wacht[TOTAAL],))
        release.bezetting[s] = bezetting[s]
        # kerncijfers' bezettingsgraad of P (capaciteit_bekend decides, in one place), its
        # base the clients of the residential form with the most (at most all of them)
        release.bezettingsgraad[s] = rules.bezetting(k["bezettingsgraad"], max(
            k["per_opvangvorm"][v]["clienten_in_zorg"] for v in RESIDENTIELE_OPVANGVORMEN))
        release.plaatsen[s] = plaatsen_tabel(doc, rules, s)
    release.plaatsen_per_regio = plaatsen_per_regio(doc, rules)
    release.plaatsen_doel = doc.get("doel", {})
    release.plaatsen_regios = doc["landelijk"]["centrumgemeenten"]
    release.plaatsen_norm_istanbul = doc["landelijk"].get("plaatsen_norm_istanbul")
    release.dekking = raw[LANDELIJK]["dekking"]


def _binnen_dagen(release: Release, scope: str, dagen: int) -> tuple[float, int] | None:
    """The share of placements within ``dagen`` days and its base (geplaatst), where the
    classes it adds up and the total are shown: it is then a ratio of published counts (the
    rest, total minus those classes, is one subtraction away for anyone), so it tells
    nothing new. Not shown by the rules' own share rule either."""
    wacht = scope_row(release.tables["wachttijd"], scope)
    binnen = [c for c in GROUPS["wachttijd"] if WACHTTIJD_KLASSEN[c] <= dagen]
    if MARK in [wacht[c] for c in binnen] + [wacht[TOTAAL]]:
        return None
    share = release.rules.share(sum(int(wacht[c]) for c in binnen), int(wacht[TOTAAL]))
    return None if share is None else (share, int(wacht[TOTAAL]))


def _eigen_regio(release: Release, scope: str, herkomst: dict) -> tuple[float, int] | None:
    """Aanmeldingen from the area itself as a share of those from a Dutch area (eigen +
    andere regio, kerncijfers' aandeel_eigen_regio) and that base, by the disclosure rule
    for a share beside its two counts (Rules.share_of_two)."""
    eigen, andere = herkomst["eigen_regio"], herkomst["andere_regio"]
    shown = tuple(scope_row(release.tables["herkomst"], scope)[["eigen_regio", "andere_regio"]])
    share = release.rules.share_of_two(eigen, andere, shown)
    return None if share is None else (share, eigen + andere)


def _ambulant(release: Release, scope: str) -> tuple[float, int] | None:
    """Clients only in ambulant care as the release shows it (whole percent) with its base
    clienten_in_zorg, where that count is shown: a base beside a share of a hidden count
    would give the count back."""
    pct = release.aandeel_ambulant.get(scope)
    clienten = scope_row(release.tables["zorg"], scope)["clienten_in_zorg"]
    if pct is None or clienten == MARK:
        return None
    return pct, int(clienten)


#: The counts published with a rate per 10,000 inhabitants: measure -> (group, column).
PER_10K = {"aanmeldingen": ("herkomst", TOTAAL), "clienten_in_zorg": ("zorg", "clienten_in_zorg")}


def bezetting_per_scope(m, periode: Periode, rules: Rules) -> dict[str, pd.DataFrame]:
    """Per scope, the last eight quarters up to P: bezettingsgraad per residential form,
    None where the capacity is unknown (``capaciteit_bekend``, the rule of the key figures)
    or fewer than threshold clients stayed in that form (a rate with its published capacity
    gives the ligdagen away, which for one client is her stay). One query for the areas,
    one for the country."""
    last = periode.kwartalen[-1]
    per_cg = m.bezetting(per_centrumgemeente=True)
    frames = {cg: b for cg, b in per_cg.groupby("centrumgemeente")}
    out = {}
    for scope in [*m.centrumgemeenten()["gm_code"], LANDELIJK]:
        b = m.bezetting() if scope == LANDELIJK else frames.get(scope, per_cg.iloc[:0])
        b = b[b["kwartaal"] <= last]
        b = b[b["kwartaal"].isin(sorted(b["kwartaal"].unique())[-8:])]
        rate = [rules.bezetting(g, n)
                for g, n in zip(b["bezettingsgraad"], b["clienten"], strict=True)]
        out[scope] = pd.DataFrame({"kwartaal": b["kwartaal"].to_list(),
                                   "opvangvorm": b["opvangvorm"].to_list(),
                                   "bezettingsgraad": rate})
    return out


def plaatsen_tabel(doc: dict, rules: Rules, scope: str) -> pd.DataFrame:
    """Per residential form of one area (or the country: the areas shown, summed): places
    delivered, places needed with interval as the disclosure rule allows. ``doc``: the
    capaciteit document (``Monitor.capaciteit``)."""
    rows = []
    for vorm in RESIDENTIELE_OPVANGVORMEN:
        gebieden = [g for g in doc.get("gebieden", [])
                    if g["opvangvorm"] == vorm and (scope == LANDELIJK
                                                    or g["centrumgemeente"] == scope)]
        shown = [(g, rules.benodigde_plaatsen(g)) for g in gebieden]
        if scope == LANDELIJK:
            # the areas whose need is shown and that delivered places: both sums over the
            # same areas, so the difference means something and hides no area's need
            both = [(g, b) for g, b in shown if b is not None and g["plaatsen"] is not None]
            delivered = [g for g in gebieden if g["plaatsen"] is not None]
            rows.append({
                "opvangvorm": vorm,
                "aangeleverd": sum(g["plaatsen"] for g, _ in both) if both else None,
                "benodigd": sum(b[0] for _, b in both) if both else None,
                "laag": None, "hoog": None, "regios": len(both),
                "aangeleverd_alle": (sum(g["plaatsen"] for g in delivered) if delivered
                                     else None),
                "regios_aangeleverd": len(delivered)})
            continue
        g, b = shown[0] if shown else ({"plaatsen": None}, None)
        rows.append({"opvangvorm": vorm, "aangeleverd": g["plaatsen"],
                     "benodigd": None if b is None else b[0],
                     "laag": None if b is None else b[1], "hoog": None if b is None else b[2],
                     "regios": 1})
    return pd.DataFrame(rows)


def plaatsen_per_regio(doc: dict, rules: Rules) -> pd.DataFrame:
    """Per area and form (the national table for the VNG): places delivered (None: not
    delivered) and places needed with its interval where the rule allows (else None)."""
    rows = []
    for g in doc.get("gebieden", []):
        b = rules.benodigde_plaatsen(g)
        rows.append({"centrumgemeente": g["centrumgemeente"], "opvangvorm": g["opvangvorm"],
                     "aangeleverd": g["plaatsen"], "benodigd": None if b is None else b[0],
                     "laag": None if b is None else b[1], "hoog": None if b is None else b[2]})
    return pd.DataFrame(rows, columns=["centrumgemeente", "opvangvorm", "aangeleverd",
                                       "benodigd", "laag", "hoog"])


def build_publication(m, periode: Periode, rules: Rules) -> tuple[Publication, Parts]:
    """Every count the release would publish, all shown, with every relation between
    them; and the views (tables and series as cell names) that reports lay out."""
    kw = list(periode.kwartalen)
    cgs = list(m.centrumgemeenten()["gm_code"])
    scopes = [*cgs, LANDELIJK]
    raw = {cg: m.kerncijfers(periode, cg) for cg in cgs}
    raw[LANDELIJK] = m.kerncijfers(periode)
    pub = Publication(rules.threshold)
    views: dict[str, pd.DataFrame] = {}

    stand_begin = cell("stand_einde", "{}", vorig_kwartaal(kw[0]))
    stand_einde = cell("stand_einde", "{}", kw[-1])

    def name_of(group: str, measure: str) -> str:
        if group == "voorraad" and measure == "stand_begin":
            return stand_begin
        if group == "voorraad" and measure == "stand_einde":
            return stand_einde
        if group in ("voorraad", "zorg"):
            return cell(measure, "{}", periode)
        return cell(f"{group}.{measure}", "{}", periode)

    def table(group: str, values: dict[str, dict[str, int]]) -> None:
        """One group: a cell per CG x measure, the national row as their sum, and the
        published row total where there is one."""
        cols = GROUPS[group]
        names = {c: name_of(group, c) for c in cols}
        for c in cols:
            national = 0
            for cg in cgs:
                national += values[cg][c]
                pub.add(names[c].format(cg), values[cg][c])
            pub.add(names[c].format(LANDELIJK), national)
            pub.relate(Relation.total([names[c].format(cg) for cg in cgs],
                                      names[c].format(LANDELIJK), "landelijk = som van de regio's"))
        index = {s: [names[c].format(s) for c in cols] for s in scopes}
        if group in TOTAL_OF:
            total = cell(TOTAL_OF[group], "{}", periode)
            for s in scopes:
                pub.add(total.format(s), sum(pub.truth[n] for n in index[s]))
                pub.relate(Relation.total(index[s], total.format(s), f"rijtotaal {group}"))
                index[s].append(total.format(s))
            cols = [*cols, TOTAAL]
        views[group] = pd.DataFrame([index[s] for s in scopes], index=[*cgs, TOTAAL],
                                    columns=cols)

    # every count per area and quarter, by one computation: the series and the stock of the
    # key figures (the stand at the start is the previous quarter's stand at the end) are
    # the same cells, so they must never come from two paths that differ on a quarter an
    # area has not delivered yet
    quarters = _quarters_upto(m, kw[-1])
    per_kwartaal = m.kwartaalcijfers(sorted({*quarters, *kw, vorig_kwartaal(kw[0])}))
    stand = {cg: {"stand_begin": per_kwartaal[(cg, vorig_kwartaal(kw[0]))]["stand_einde"],
                  "stand_einde": per_kwartaal[(cg, kw[-1])]["stand_einde"]} for cg in cgs}
    for group in ("voorraad", "zorg"):
        table(group, {cg: {c: stand[cg].get(c, raw[cg][c]) for c in GROUPS[group]}
                      for cg in cgs})
    table("herkomst", {cg: raw[cg]["herkomst"] for cg in cgs})
    table("vormen", {cg: {v: raw[cg]["per_opvangvorm"][v]["clienten_in_zorg"]
                          for v in GROUPS["vormen"]} for cg in cgs})
    table("bestemming", {cg: raw[cg]["uitstroom_bestemming"] for cg in cgs})
    wacht = {cg: wachttijd_klassen(m.wachttijden(periode, cg)) for cg in cgs}
    table("wachttijd", wacht)
    belem = {cg: m.belemmeringen(periode, cg).set_index("belemmering")["uitstroom"]
             for cg in cgs}
    table("belemmeringen", {cg: {b: int(belem[cg].get(b, 0)) for b in GROUPS["belemmeringen"]}
                            for cg in cgs})
    for s in scopes:  # the stock identity: begin + new - ended = end
        pub.relate(Relation((
            (stand_begin.format(s), 1.0), (cell("nieuwe_verblijven", s, periode), 1.0),
            (cell("beeindigde_verblijven", s, periode), -1.0), (stand_einde.format(s), -1.0)),
            "==", 0.0, "voorraad: begin + nieuw - beëindigd = einde"))
    _definitions(pub, scopes, periode)

    for measure in SERIES:
        for q in quarters:
            names = [cell(measure, cg, q) for cg in cgs]
            for cg, n in zip(cgs, names, strict=True):
                pub.add(n, per_kwartaal[(cg, q)][measure])
            pub.add(cell(measure, LANDELIJK, q), sum(pub.truth[n] for n in names))
            pub.relate(Relation.total(names, cell(measure, LANDELIJK, q),
                                      "landelijk = som van de regio's"))
        in_p = [q for q in kw if q in quarters]
        if measure in FLOWS and len(kw) > 1 and in_p:
            for s in scopes:
                pub.relate(Relation.total([cell(measure, s, q) for q in in_p],
                                          cell(measure, s, periode), "jaar = som van kwartalen"))
        views[f"reeks:{measure}"] = pd.DataFrame(
            [[cell(measure, s, q) for q in quarters] for s in scopes],
            index=[*cgs, TOTAAL], columns=quarters)

    mediaan = _wait_median_relations(pub, scopes, periode, rules)
    ambulant = _ambulant_shares(pub, raw, scopes, periode, rules)
    stromen, kaart = _flows_and_map(m, pub, cgs, periode, rules)
    table("bovenregionaal", {cg: raw[cg]["bovenregionaal_geplaatst"] for cg in cgs})
    _border_relations(pub, cgs, periode)
    table("niet_geplaatst", {cg: {"aanmeldingen_niet_geplaatst":
                                  raw[cg]["aanmeldingen_niet_geplaatst"]} for cg in cgs})
    for s in scopes:  # an aanmelding is placed, not placed, or still undecided
        pub.relate(Relation((
            (cell("niet_geplaatst.aanmeldingen_niet_geplaatst", s, periode), 1.0),
            (cell("geplaatst", s, periode), 1.0), (cell("aanmeldingen", s, periode), -1.0)),
            "<=", 0.0, "niet geplaatst + geplaatst <= aanmeldingen"))
    return pub, Parts(views, raw, mediaan, ambulant, stromen, kaart)


def _curves(m, periode: Periode, scopes: list[str], rules: Rules) -> dict:
    """Kaplan-Meier curves for sharing: estimated from counts rounded to the threshold
    first (:func:`pipeline.figures.survival.curve_for_sharing`), so every number on them, and
    every coordinate in their SVG, is a function of counts known only to a band as wide as
    the threshold. The audit found exact curves with Greenwood bounds give n and d back."""
    from pipeline.figures.survival import curve_for_sharing

    out = {}
    for scope in scopes:
        cg = None if scope == LANDELIJK else scope
        out[("verblijfsduur", scope)] = curve_for_sharing(
            *m.verblijfsduur_duren(periode, cg), threshold=rules.threshold)
        out[("trajectduur", scope)] = curve_for_sharing(
            *m.trajectduur_duren(periode, cg), threshold=rules.threshold)
    return out


def _definitions(pub: Publication, scopes: list[str], periode: Periode) -> None:
    """What the definitions say without any table adding it up, which an attacker who read
    docs/kerncijfers.md knows: a client in care is in at least one opvangvorm and each
    vorm counts at most all clients; a belemmering is counted at most once per uitstroom.
    Data can still break a definition (a delivery that contradicts itself); such a
    relation is then left out, since an attacker relying on it would reason from a
    falsehood. (That a placed client is in care does not hold: geplaatst counts
    placements, and the truth check said so.)"""
    for s in scopes:
        clienten = cell("clienten_in_zorg", s, periode)
        vormen = [cell(f"vormen.{v}", s, periode) for v in GROUPS["vormen"]]
        relations = [Relation(((clienten, 1.0), *((v, -1.0) for v in vormen)), "<=", 0.0,
                              "definitie: elke cliënt in zorg heeft een opvangvorm")]
        relations += [Relation(((v, 1.0), (clienten, -1.0)), "<=", 0.0,
                               "definitie: een opvangvorm telt niet meer dan alle cliënten")
                      for v in vormen]
        uitstroom = cell("uitstroom", s, periode)
        relations += [Relation(((cell(f"belemmeringen.{b}", s, periode), 1.0),
                                (uitstroom, -1.0)), "<=", 0.0,
                               "definitie: een belemmering hoort bij een uitstroom")
                      for b in GROUPS["belemmeringen"]]
        for r in relations:
            if pub.holds(r):
                pub.relate(r)


def _quarters_upto(m, last: str) -> list[str]:
    t = m.tijdreeks()
    return [q for q in t["kwartaal"] if q <= last][-8:]


def _wait_median_relations(pub: Publication, scopes: list[str], periode: Periode,
                           rules: Rules) -> dict[str, str | None]:
    """The median wait, as the class that holds it, shown where at least threshold were
    placed. What it tells: fewer than half the placements waited less, at least half at
    most as long: 2*below <= G-1 and 2*through >= G over the class cells."""
    labels = GROUPS["wachttijd"]
    out: dict[str, str | None] = {}
    for s in scopes:
        counts = [pub.truth[cell(f"wachttijd.{k}", s, periode)] for k in labels]
        total = cell("geplaatst", s, periode)
        i = mediaan_klasse(counts)
        if i is None or sum(counts) < rules.threshold:
            out[s] = None
            continue
        out[s] = labels[i]
        below = [(cell(f"wachttijd.{k}", s, periode), 2.0) for k in labels[:i]]
        through = [(cell(f"wachttijd.{k}", s, periode), -2.0) for k in labels[:i + 1]]
        if below:
            pub.relate(Relation((*below, (total, -1.0)), "<=", -1.0, "mediaan wachttijd"))
        pub.relate(Relation((*through, (total, 1.0)), "<=", 0.0, "mediaan wachttijd"))
    return out


def _ambulant_shares(pub: Publication, raw: dict, scopes: list[str], periode: Periode,
                     rules: Rules) -> dict[str, float | None]:
    """The share of clients only in ambulant care, in whole percent, where its base and
    both its parts are at least the threshold. Its count is published nowhere else, but
    it is tied to a published cell: those clients are among the ambulant ones of the
    opvangvorm table. So the count enters the audit as an unpublished cell, bounded by the
    rounded share (p - 0.5%) * clients <= count <= (p + 0.5%) * clients, and <= ambulant."""
    out: dict[str, str | None] = {}
    for s in scopes:
        clienten = pub.truth[cell("clienten_in_zorg", s, periode)]
        count = round((raw[s]["aandeel_ambulant"] or 0) * raw[s]["clienten_in_zorg"])
        share = rules.share(count, clienten)
        if share is None:
            out[s] = None
            continue
        pct = round(share * 100)
        out[s] = pct / 100
        name = pub.add(cell("uitsluitend_ambulant", s, periode), count, None)
        c = cell("clienten_in_zorg", s, periode)
        relations = [
            Relation(((name, 1.0), (c, -(pct + 0.5) / 100)), "<=", 0.0, "aandeel ambulant"),
            Relation(((name, -1.0), (c, (pct - 0.5) / 100)), "<=", 0.0, "aandeel ambulant"),
            Relation(((name, 1.0), (cell("vormen.ambulant", s, periode), -1.0)), "<=", 0.0,
                     "definitie: uitsluitend ambulant is ambulant")]
        for r in relations:
            if pub.holds(r):
                pub.relate(r)
    return out


def _flows_and_map(m, pub: Publication, cgs: list[str], periode: Periode, rules: Rules):
    """Flows between CG areas and the national map of origin, both in classes: each cell an
    interval, tied to the exact eigen_regio and andere_regio of every area and to each
    other (a region's municipalities on the map add up to its row of flows)."""
    stromen = m.stromen(periode)
    flows = stromen.pivot_table(index="herkomst_regio", columns="centrumgemeente",
                                values="aanmeldingen", aggfunc="sum", fill_value=0)
    flows = flows.reindex(index=cgs, columns=cgs, fill_value=0).astype(int)
    for x in cgs:
        if pub.truth[cell("herkomst.eigen_regio", x, periode)] != flows.at[x, x]:
            raise ValueError(f"eigen_regio of {x} differs from the flow within its area")
        others = flows[x].drop(x)
        for y, bounds in zip(others.index, class_bounds(others, rules), strict=True):
            pub.add(cell(f"stroom|{y}", x, periode), others[y], (CLASS, *bounds))
    for x in cgs:
        pub.relate(Relation.total([cell(f"stroom|{y}", x, periode) for y in cgs if y != x],
                                  cell("herkomst.andere_regio", x, periode),
                                  "stromen: som = andere regio"))
    gemeenten = m.gemeenten().set_index("gm_code")["centrumgemeente"]
    matrix = m.herkomst_matrix(periode)
    counts = matrix[matrix["gemeente_herkomst"].isin(gemeenten.index)].groupby(
        "gemeente_herkomst")["aanmeldingen"].sum().reindex(gemeenten.index, fill_value=0)
    for (gm, n), bounds in zip(counts.items(), class_bounds(counts, rules), strict=True):
        pub.add(cell(f"kaart|{gm}", LANDELIJK, periode), n, (CLASS, *bounds))
    for y in cgs:
        members = [cell(f"kaart|{gm}", LANDELIJK, periode)
                   for gm in gemeenten.index[gemeenten == y]]
        row = [cell(f"stroom|{y}", x, periode) if x != y
               else cell("herkomst.eigen_regio", y, periode) for x in cgs]
        if members:
            pub.relate(Relation(tuple((n, 1.0) for n in members) + tuple(
                (n, -1.0) for n in row), "==", 0.0, "kaart: gemeenten = stromen uit regio"))
    return flows, counts.astype(int)


def _border_relations(pub: Publication, cgs: list[str], periode: Periode) -> None:
    """What ties the placements across area borders to the rest: a placement is an
    aanmelding, so an area's in is at most its andere_regio aanmeldingen and its geplaatst,
    and its uit at most the aanmeldingen from its area elsewhere (its row of flows); and
    nationally every border crossing is one area's in and another's uit."""
    def c(measure: str, scope: str) -> str:
        return cell(measure, scope, periode)

    for x in cgs:
        for bound, source in ((c("herkomst.andere_regio", x), "grens: in <= andere regio"),
                              (c("geplaatst", x), "grens: in <= geplaatst")):
            pub.relate(Relation(((c("bovenregionaal.in", x), 1.0), (bound, -1.0)), "<=", 0.0,
                                source))
        row = [(c(f"stroom|{x}", y), -1.0) for y in cgs if y != x]
        pub.relate(Relation(((c("bovenregionaal.uit", x), 1.0), *row), "<=", 0.0,
                            "grens: uit <= stromen uit de regio"))
    pub.relate(Relation(((c("bovenregionaal.in", LANDELIJK), 1.0),
                         (c("bovenregionaal.uit", LANDELIJK), -1.0)), "==", 0.0,
                        "grens: landelijk in = uit"))


def figure_of(name: str) -> str:
    """The figure a cell in classes is drawn in: the flows (one matrix, and every area's
    list of it), or the map of one scope (only the national one is published yet)."""
    parts = name.split("|")
    return "stroom" if parts[0] == "stroom" else f"kaart|{parts[2]}"


def protect_publication(pub: Publication, rules: Rules) -> AuditResult:
    """Hide table cells until the audit passes. A figure in classes whose cells the audit
    still finds pinned is not shown at all (its cells become unpublished): hiding single
    cells of a map would only draw the eye to them."""

    def classed(n: str) -> bool:
        return pub.shown.get(n, ("",))[0] == CLASS

    while True:
        try:
            return protect(pub, may_hide=lambda n: not classed(n), give_up=classed)
        except ProtectionError as exc:
            figures = {figure_of(c.name) for c in exc.result.failures if classed(c.name)}
            if not figures:
                raise
            for n in [n for n in pub.shown if classed(n) and figure_of(n) in figures]:
                del pub.shown[n]


def _render(view: pd.DataFrame, pub: Publication) -> pd.DataFrame:
    """A view of cell names as the reader sees it: the count, or the mark."""
    return view.map(lambda n: MARK if pub.shown.get(n, (HIDDEN,))[0] != EXACT
                    else pub.truth[n]).astype(object)
