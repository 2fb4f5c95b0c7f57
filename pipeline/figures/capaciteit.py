"""How many places each area needs (issue 15): `opvangmonitor capaciteit`.

Per centrumgemeente and residential opvangvorm this reads from the warehouse what the
queueing models need, and nothing else: the requests for a place per day, the mean stay,
the places delivered. The formulas are in :mod:`pipeline.figures.erlang`; the method, its
assumptions and its validation against synth's known world are in docs/capaciteit.md.

* **arrivals**: aanmeldingen in P for that opvangvorm with uitkomst geplaatst, doorverwezen
  or niet_geplaatst, over the days of P whose instroom the area delivered (a lagging area is
  not diluted by quarters it has not sent yet). For residentieel, crisis stays that continue
  in residentieel care (doorstroom: a residentieel episode without aanmelding that sluit_aan
  a crisisopvang episode of the same client) are requests too; they are counted apart
  (``doorstroom_per_dag``) and added to the offered load.
* **mean stay**: the restricted mean of the Kaplan-Meier curve of that opvangvorm's episodes
  in the area that started from the area's first delivered quarter up to the end of P (earlier
  starts are left out: the first delivery shows only the long ones still running, which would
  bias the mean up), running ones censored at R.
* **interval_95**: the offered load a = arrivals x stay has log-variance 1/n (Poisson count n
  of requests) + (se/mean)^2 of the stay; the places needed at the ends of a's 95% interval.

These figures are for the analyst (like `kerncijfers`) and are not suppressed; what goes to
reports passes the disclosure rules.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import asdict, dataclass
from statistics import NormalDist

import duckdb

from pipeline.figures.erlang import (
    erlang_b,
    kans_wacht_langer_dan,
    plaatsen_voor_verlies,
    plaatsen_voor_wachttijd,
)
from pipeline.figures.kerncijfers import (
    check_periode,
    check_scope,
    fetch,
    inwoners,
    norm_istanbul,
)
from pipeline.figures.survival import km_restricted_mean
from pipeline.periods import Periode, parse_periode
from schemas.formaat import RESIDENTIELE_OPVANGVORMEN

Z95 = NormalDist().inv_cdf(0.975)
#: The simulation's assumption for residentieel: an aanmelding waits at most this many days
#: for a place, then she is referred elsewhere (docs/capaciteit.md).
GEDULD_DAGEN = 14


@dataclass(frozen=True)
class Doel:
    """The targets places are sized for."""

    #: crisisopvang: at most this share of the requests finds the area full
    afgewezen_max: float = 0.05
    #: residentieel: at least ``binnen_aandeel`` of the requests placed within ``binnen_dagen``
    binnen_dagen: float = 7
    binnen_aandeel: float = 0.95

    def __post_init__(self) -> None:
        for name in ("afgewezen_max", "binnen_aandeel"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"a target share must lie between 0 and 1, not "
                                 f"{getattr(self, name):g}")
        if self.binnen_dagen < 0:
            raise ValueError("the days of a target cannot be negative")


def benodigd(vorm: str, a: float, verblijf: float, doel: Doel) -> int:
    """The places at which the target is met for offered load ``a`` (places busy on average)."""
    if a <= 0:
        return 0
    if vorm == "crisisopvang":
        return plaatsen_voor_verlies(a, doel.afgewezen_max)
    return plaatsen_voor_wachttijd(a, verblijf, doel.binnen_dagen, doel.binnen_aandeel)


def verwacht(vorm: str, plaatsen: int, a: float, verblijf: float, doel: Doel) -> float | None:
    """What the model expects at the delivered places: the share turned away (crisisopvang,
    Erlang B) or the share not placed within the target's days (residentieel, Erlang C; 1.0
    when the load is at or above the places: the queue has no end)."""
    if a <= 0:
        return 0.0
    if vorm == "crisisopvang":
        return erlang_b(plaatsen, a)
    return kans_wacht_langer_dan(plaatsen, a, doel.binnen_dagen, verblijf)


def gebied(vorm: str, aanvragen: int, doorstroom: int, afgewezen: int, dagen: int,
           verblijf: tuple[float, float], plaatsen: float | None,
           bezettingsgraad: float | None, doel: Doel, verblijven: int = 0) -> dict:
    """One element of ``gebieden`` from the counts (pure, so it can be tested on numbers).
    ``verblijven``: how many stays the mean stay was measured on."""
    mean, se = verblijf
    n = aanvragen + doorstroom
    per_dag = aanvragen / dagen if dagen else None
    out = {
        "opvangvorm": vorm,
        "plaatsen": plaatsen,
        "aankomsten_per_dag": per_dag,
        "gemiddelde_verblijfsduur_dagen": None if math.isnan(mean) else mean,
        "bezettingsgraad": bezettingsgraad,
        "waargenomen_afgewezen_aandeel": afgewezen / aanvragen if aanvragen else None,
        "benodigde_plaatsen": None,
        "interval_95": None,
        "tekort": None,
        "aanvragen": n,
        "verblijven_gemeten": verblijven,
    }
    if vorm == "residentieel":
        out["doorstroom_per_dag"] = doorstroom / dagen if dagen else None
    if not dagen or (n and math.isnan(mean)):
        return out  # no arrivals measured, or requests without a single stay to time
    a = n / dagen * (0.0 if math.isnan(mean) else mean)
    out["aangeboden_last"] = a
    out["benodigde_plaatsen"] = benodigd(vorm, a, mean, doel)
    if n:
        spread = Z95 * math.sqrt(1 / n + (se / mean) ** 2 if mean else 1 / n)
        low, high = a * math.exp(-spread), a * math.exp(spread)
        out["interval_95"] = [benodigd(vorm, low, mean, doel), benodigd(vorm, high, mean, doel)]
    else:
        out["interval_95"] = [0, 0]
    if plaatsen is not None:
        out["tekort"] = out["benodigde_plaatsen"] - plaatsen
        out["verwacht_bij_plaatsen"] = verwacht(vorm, round(plaatsen), a, mean, doel)
    return out


def capaciteit(con: duckdb.DuckDBPyConnection, p: Periode, centrumgemeente: str | None = None,
               doel: Doel = Doel(), simulatie: bool = False,
               scenario: Scenario | None = None) -> dict:
    """The `capaciteit --json` document for P: one area (``centrumgemeente``) or all. With
    ``simulatie`` (implied by a ``scenario``), each area and vorm also gets the discrete-event
    check (``simulatie``), and with a scenario its what-if (``simulatie.scenario``)."""
    cg = check_scope(con, centrumgemeente)
    check_periode(con, p)
    cgs = [cg] if cg else [r[0] for r in fetch(
        con, "SELECT gm_code FROM ref_centrumgemeenten ORDER BY gm_code", {})]
    params = {"s": p.start, "e": p.end, "kw": list(p.kwartalen)}
    dagen = {c: 0 for c in cgs}
    for c, kwartaal in fetch(con, """
            SELECT DISTINCT centrumgemeente, kwartaal FROM stg_leveringen
            WHERE soort = 'instroom' AND list_contains($kw, kwartaal)""", params):
        if c in dagen:
            dagen[c] += parse_periode(kwartaal).days
    aanvragen = {(c, v): (n, weg) for c, v, n, weg in fetch(con, """
        SELECT centrumgemeente, opvangvorm, count(*),
               count(*) FILTER (WHERE uitkomst <> 'geplaatst')
        FROM aanmeldingen
        WHERE aanmelddatum BETWEEN $s AND $e
          AND uitkomst IN ('geplaatst', 'doorverwezen', 'niet_geplaatst')
        GROUP BY ALL""", params)}
    doorstroom = dict(fetch(con, """
        SELECT r.centrumgemeente, count(DISTINCT r.verblijf_id)
        FROM verblijven AS r JOIN verblijven AS c
          ON c.centrumgemeente = r.centrumgemeente
         AND c.client_pseudoniem = r.client_pseudoniem
         AND c.opvangvorm = 'crisisopvang' AND c.einddatum IS NOT NULL
         AND c.startdatum <= r.startdatum AND sluit_aan(c.einddatum, r.startdatum)
         AND r.startdatum >= c.einddatum
        WHERE r.opvangvorm = 'residentieel' AND r.aanmelding_id IS NULL
          AND r.startdatum BETWEEN $s AND $e
          AND EXISTS (SELECT 1 FROM stg_leveringen AS l
                      WHERE l.centrumgemeente = r.centrumgemeente AND l.soort = 'instroom'
                        AND l.kwartaal = kwartaal_van(r.startdatum))
        GROUP BY ALL""", params))
    stays = _stays(con, p)
    bezetting = _bezetting(con, p)
    gebieden = []
    for c in cgs:
        for vorm in RESIDENTIELE_OPVANGVORMEN:
            n, weg = aanvragen.get((c, vorm), (0, 0))
            durations, events = stays.get((c, vorm), ([], []))
            door = doorstroom.get(c, 0) if vorm == "residentieel" else 0
            entry = gebied(vorm, n, door, weg, dagen[c], km_restricted_mean(durations, events),
                           *bezetting.get((c, vorm), (None, None)), doel, len(durations))
            if simulatie or scenario:
                entry["simulatie"] = simuleer_gebied(entry, n, door, durations, events, doel,
                                                     seed=zlib.crc32(f"{c}:{vorm}".encode()),
                                                     scenario=scenario)
            gebieden.append({"centrumgemeente": c, **entry})
    doc = {"periode": p.label, "doel": asdict(doel), "gebieden": gebieden,
           "landelijk": landelijk(gebieden, len(cgs), inwoners(con, None))}
    if scenario is not None:
        doc["scenario"] = scenario.naam
    return doc


@dataclass(frozen=True)
class Scenario:
    """A what-if for the simulation (``--scenario``)."""

    naam: str
    verblijf_factor: float = 1.0       # stays times this (0.9: 10% shorter)
    extra_plaatsen: int = 0            # places added to those delivered
    piek: tuple[float, float, float] | None = None  # (first day, days, arrivals factor)


def simuleer_gebied(entry: dict, aanvragen: int, doorstroom: int, durations, events,
                    doel: Doel, seed: int, scenario: Scenario | None = None) -> dict | None:
    """The share that misses the target in the discrete-event simulation, at the delivered
    places and at the places needed: stays drawn from the area's own Kaplan-Meier curve,
    residentieel aanmeldingen giving up after GEDULD_DAGEN (doorstroom clients wait in
    crisisopvang). With a ``scenario`` also the share under it at the delivered places (plus
    any extra ones) and the places it needs. None when there is nothing to simulate."""
    from pipeline.figures.simulatie import simuleer, verblijf_trekker

    n = aanvragen + doorstroom
    if entry.get("aangeboden_last") is None or not n or not len(durations):
        return None
    trek = verblijf_trekker(durations, events)
    per_dag = entry["aangeboden_last"] / entry["gemiddelde_verblijfsduur_dagen"]
    vorm = entry["opvangvorm"]
    queue = vorm == "residentieel"
    doel_gemist = doel.afgewezen_max if not queue else 1 - doel.binnen_aandeel

    def gemist(plaatsen: int, s: Scenario | None = None) -> float:
        factor = s.verblijf_factor if s else 1.0
        uit = simuleer(plaatsen, per_dag, (lambda rng, k: trek(rng, k) * factor), wachtrij=queue,
                       binnen_dagen=doel.binnen_dagen, geduld=GEDULD_DAGEN,
                       geduld_aandeel=aanvragen / n, piek=s.piek if s else None, seed=seed)
        return uit.aandeel_niet_binnen if queue else uit.aandeel_afgewezen

    plaatsen = None if entry["plaatsen"] is None else round(entry["plaatsen"])
    out = {"gemist_bij_plaatsen": None if plaatsen is None else gemist(plaatsen),
           "gemist_bij_benodigde": gemist(entry["benodigde_plaatsen"])}
    if scenario is None:
        return out
    mean = entry["gemiddelde_verblijfsduur_dagen"] * scenario.verblijf_factor
    nodig = benodigd(vorm, entry["aangeboden_last"] * scenario.verblijf_factor, mean, doel)
    if scenario.piek is not None:  # no formula for a season: the simulation's own answer
        grens = 2 * nodig + 10
        while nodig < grens and gemist(nodig, scenario) > doel_gemist:
            nodig += 1
    out["scenario"] = {
        "naam": scenario.naam,
        "plaatsen": None if plaatsen is None else plaatsen + scenario.extra_plaatsen,
        "gemist_bij_plaatsen": (None if plaatsen is None
                                else gemist(plaatsen + scenario.extra_plaatsen, scenario)),
        "benodigde_plaatsen": nodig,
    }
    return out


def _bezetting(con, p: Periode) -> dict[tuple[str, str], tuple[float, float]]:
    """Per (CG, vorm): the places (mean over the quarters of P with a capaciteit delivery,
    weighted by days) and the occupancy over those same quarters (ligdagen in them over
    places x days), so numerator and denominator cover the same days; absent when no quarter
    of P has a capaciteit delivery."""
    rows = fetch(con, """
        WITH k AS (
            SELECT centrumgemeente, opvangvorm, capaciteitsdagen,
                   kwartaal_begin(kwartaal) AS b, kwartaal_einde(kwartaal) AS e
            FROM capaciteit WHERE list_contains($kw, kwartaal)
        ), lig AS (
            SELECT k.centrumgemeente, k.opvangvorm, k.b,
                   coalesce(sum(ligdagen_in(v.startdatum, v.einddatum, k.b, k.e)), 0) AS ligdagen
            FROM k LEFT JOIN verblijven AS v
              ON v.centrumgemeente = k.centrumgemeente AND v.opvangvorm = k.opvangvorm
             AND overlapt(v.startdatum, v.einddatum, k.b, k.e)
            GROUP BY ALL
        )
        SELECT k.centrumgemeente, k.opvangvorm, sum(k.capaciteitsdagen),
               sum(k.e - k.b + 1), sum(lig.ligdagen)
        FROM k JOIN lig USING (centrumgemeente, opvangvorm, b)
        GROUP BY ALL""", {"kw": list(p.kwartalen)})
    return {(c, v): (cap / days, (lig / cap) if cap else None)
            for c, v, cap, days, lig in rows}


def _stays(con, p: Periode) -> dict[tuple[str, str], tuple[list, list]]:
    """Per (CG, vorm): durations and event flags of the episodes that started from the area's
    first delivered quarter to the end of P, running ones censored at R."""
    out: dict[tuple[str, str], tuple[list, list]] = {}
    for c, vorm, dur, event in fetch(con, """
            SELECT v.centrumgemeente, v.opvangvorm,
                   duur_tot_peildatum(v.startdatum, v.einddatum, r.peildatum),
                   v.einddatum IS NOT NULL
            FROM verblijven AS v JOIN peildata AS r USING (centrumgemeente)
            JOIN (SELECT centrumgemeente, kwartaal_begin(min(kwartaal)) AS eerste
                  FROM stg_leveringen GROUP BY ALL) AS f USING (centrumgemeente)
            WHERE v.residentieel AND v.startdatum BETWEEN f.eerste AND $e""", {"e": p.end}):
        ds, es = out.setdefault((c, vorm), ([], []))
        ds.append(dur)
        es.append(event)
    return out


def landelijk(gebieden: list[dict], n_gebieden: int, n_inwoners: int) -> dict:
    """National sums per vorm over the areas that have each figure, and how many those are;
    the Istanbul norm (one family place per 10,000 inhabitants) for both forms together."""
    out: dict = {"centrumgemeenten": n_gebieden}
    for vorm in RESIDENTIELE_OPVANGVORMEN:
        rows = [g for g in gebieden if g["opvangvorm"] == vorm]
        met_plaatsen = [g for g in rows if g["plaatsen"] is not None]
        met_nodig = [g for g in rows if g["benodigde_plaatsen"] is not None]
        beide = [g for g in rows if g["tekort"] is not None]
        scen = [g["simulatie"]["scenario"] for g in rows
                if (g.get("simulatie") or {}).get("scenario")]
        out[vorm] = {
            "plaatsen": sum(g["plaatsen"] for g in met_plaatsen),
            "gebieden_met_plaatsen": len(met_plaatsen),
            "benodigde_plaatsen": sum(g["benodigde_plaatsen"] for g in met_nodig),
            "gebieden_met_benodigde_plaatsen": len(met_nodig),
            "tekort": sum(g["tekort"] for g in beide),
            "gebieden_met_tekort_berekend": len(beide),
            # the two sides of ``tekort``, over the same areas: tekort is exactly their
            # difference (plaatsen and benodigde_plaatsen above each cover other areas)
            "plaatsen_vergeleken": sum(g["plaatsen"] for g in beide),
            "benodigde_plaatsen_vergeleken": sum(g["benodigde_plaatsen"] for g in beide),
            "gebieden_met_tekort": sum(1 for g in beide if g["tekort"] > 0),
        }
        if scen:
            out[vorm]["benodigde_plaatsen_scenario"] = sum(x["benodigde_plaatsen"] for x in scen)
    out["plaatsen_norm_istanbul"] = norm_istanbul(n_inwoners)
    return out
