"""The key figures of kerncijfers.md for one period and scope, computed inside DuckDB.

Every figure is computed from the current state of the warehouse (core tables built by
``pipeline.warehouse.build``). These figures are for the analyst and are not
suppressed; whatever is written for sharing applies disclosure control on top.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb

from pipeline.figures.survival import km_median
from pipeline.periods import Periode
from schemas.formaat import (
    BESTEMMINGEN,
    NIET_GEPLAATST,
    OPVANGVORMEN,
    REDENEN_NIET_GEPLAATST,
    RESIDENTIELE_OPVANGVORMEN,
)

HERKOMST = ("eigen_regio", "andere_regio", "buitenland", "onbekend")
SCOPE = "($cg IS NULL OR centrumgemeente = $cg)"


def fetch(con, sql: str, params: dict) -> list[tuple]:
    """Run with the named parameters the statement uses (DuckDB refuses extra ones)."""
    return con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall()


def check_models(con: duckdb.DuckDBPyConnection) -> None:
    """The warehouse holds the current models (built by this version of the pipeline)."""
    try:  # calling the newest macro costs ~0.1 ms; listing duckdb_functions() ~17 ms
        con.execute("SELECT duur_tot_peildatum(DATE '2025-01-01', NULL, "
                    "DATE '2025-01-01')").fetchall()
    except duckdb.CatalogException:
        raise ValueError("the warehouse's models are missing or older than this version of "
                         "opvangmonitor: run 'opvangmonitor build' (or ingest) first") from None


def _normalise(text: str) -> str:
    """Case, accents, apostrophes and hyphens forgiven: "'s-Hertogenbosch", "s hertogenbosch"
    and "’S-HERTOGENBOSCH" are one name."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[‘’`´']", "", text)
    return re.sub(r"[\s\-_.]+", " ", text).strip()


#: What people call two centrumgemeenten beside their official names.
ALIASSEN = {"den haag": "GM0518", "the hague": "GM0518", "den bosch": "GM0796"}

LIJST = "'opvangmonitor referentie' lists the 35 centrumgemeenten with their codes"


def resolve_centrumgemeente(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The CBS code of the centrumgemeente a user typed: its code (GM0479, gm479, 0479) or
    its name (Zaanstad, 's-Hertogenbosch, Den Bosch), case and accents forgiven, or the start
    of a name when only one fits. Anything else is a ValueError naming what was given and how
    to list the valid ones; a name that fits several names their candidates. The one resolver
    every command and the Monitor API use (through :func:`check_scope`)."""
    rows = fetch(con, "SELECT gm_code, gm_naam FROM ref_centrumgemeenten ORDER BY gm_code", {})
    names = dict(rows)
    given = text.strip()
    code = re.fullmatch(r"(?i)(?:gm)?\s*(\d{1,4})", given)
    if code:
        cg = f"GM{int(code.group(1)):04d}"
        if cg in names:
            return cg
        raise ValueError(f"'{given}' is not a centrumgemeente (no area has that code); {LIJST} "
                         "(e.g. GM0344 for Utrecht; a name such as Utrecht works too)")
    key = _normalise(given)
    by_name = {_normalise(naam): cg for cg, naam in rows}
    if key in by_name:
        return by_name[key]
    if key in ALIASSEN and ALIASSEN[key] in names:
        return ALIASSEN[key]
    bare = key.removeprefix("s ")
    fits = [cg for n, cg in by_name.items() if key and (n.startswith(key)
                                                         or n.removeprefix("s ").startswith(bare))]
    if len(fits) == 1:
        return fits[0]
    if fits:
        raise ValueError(f"'{given}' fits more than one centrumgemeente: "
                         + ", ".join(f"{names[cg]} ({cg})" for cg in fits)
                         + "; give the whole name or the code")
    hint = ""
    gemeente = [r for r in fetch(con, "SELECT gm_naam, centrumgemeente FROM ref_gemeenten", {})
                if _normalise(r[0]) == key and r[1] in names]
    if gemeente:
        naam, cg = gemeente[0]
        hint = (f" ({naam} is a gemeente in the area of {names[cg]}: give {cg} or "
                f"{names[cg]})")
    raise ValueError(f"'{given}' is not a centrumgemeente{hint}; {LIJST} "
                     "(a code such as GM0344 or a name such as Utrecht)")


def check_scope(con: duckdb.DuckDBPyConnection, centrumgemeente: str | None) -> str | None:
    """The current models and the centrumgemeente's code (None: the country)."""
    check_models(con)
    if centrumgemeente is None:
        return None
    return resolve_centrumgemeente(con, centrumgemeente)


def geleverde_kwartalen(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The quarters any centrumgemeente delivered (the staging view of current loads)."""
    return [r[0] for r in fetch(
        con, "SELECT DISTINCT kwartaal FROM stg_leveringen ORDER BY kwartaal", {})]


def check_periode(con: duckdb.DuckDBPyConnection, p: Periode) -> None:
    """Refuse a period no centrumgemeente delivered a single file for: its figures would be
    zeros that read as 'nothing happened'. Called by kerncijfers, capaciteit, the Monitor API
    and (in the CLI, before anything is computed) report, audit and export; per-area gaps
    within a delivered period stay visible in ``dekking``."""
    check_models(con)
    geleverd = geleverde_kwartalen(con)
    if any(k in geleverd for k in p.kwartalen):
        return
    if not geleverd:
        raise ValueError(f"no centrumgemeente delivered data for {p.label}: the warehouse holds "
                         "no deliveries yet; load them with 'opvangmonitor ingest'")
    raise ValueError(f"no centrumgemeente delivered data for {p.label}: the warehouse holds "
                     f"deliveries for {geleverd[0]} to {geleverd[-1]}; 'opvangmonitor loads' "
                     "lists them")


def kerncijfers(con: duckdb.DuckDBPyConnection, p: Periode,
                centrumgemeente: str | None = None) -> dict:
    """One JSON-ready object with every key of kerncijfers.md plus periode, centrumgemeente,
    peildatum and referentie_versie."""
    cg = check_scope(con, centrumgemeente)
    check_periode(con, p)
    params = {"s": p.start, "e": p.end, "cg": cg}

    a = _aanmeldingen(con, params)
    vormen = per_opvangvorm(con, params)
    clients, ambulant_only = fetch(con, f"""
        SELECT count(*), count(*) FILTER (WHERE alleen_ambulant) FROM (
            SELECT centrumgemeente, client_pseudoniem,
                   bool_and(opvangvorm = 'ambulant') AS alleen_ambulant
            FROM verblijven
            WHERE {SCOPE} AND overlapt(startdatum, einddatum, $s, $e)
            GROUP BY ALL)""", params)[0]
    capacity_days = capaciteit_dagen(con, p, cg)
    durations = verblijfsduur_data(con, params)
    uitstroom = dict(fetch(con, f"""
        SELECT bestemming, count(*) FROM uitstroom
        WHERE {SCOPE} AND uitstroomdatum BETWEEN $s AND $e GROUP BY ALL""", params))

    def total(key: str) -> int:
        return sum(v[key] for v in vormen.values())

    ligdagen = sum(vormen[v]["ligdagen"] for v in RESIDENTIELE_OPVANGVORMEN)
    dekking = dict(fetch(con, f"""
        SELECT kwartaal, count(DISTINCT centrumgemeente) FROM stg_leveringen
        WHERE list_contains($kw, kwartaal) AND {SCOPE} GROUP BY ALL""",
                         {"kw": list(p.kwartalen), "cg": cg}))
    n_scope = 1 if cg else fetch(con, "SELECT count(*) FROM ref_centrumgemeenten", {})[0][0]
    volledig = all(dekking.get(k, 0) == n_scope for k in p.kwartalen)
    # nationally a quarter counts the centrumgemeenten that delivered it, in the ligdagen
    # as in the capacity (kerncijfers.md, bezettingsgraad); one centrumgemeente counts all,
    # and with every centrumgemeente in every quarter the covered ligdagen are all of them
    ligdagen_gedekt = ligdagen if cg or volledig else _covered_ligdagen(con, p)
    all_capacity = (None if capacity_days is None
                    else sum(capacity_days[v] for v in RESIDENTIELE_OPVANGVORMEN))
    per_vorm = {}
    for vorm in OPVANGVORMEN:
        v = vormen[vorm]
        entry = {k: v[k] for k in ("clienten_in_zorg", "nieuwe_verblijven",
                                   "beeindigde_verblijven", "stand_begin", "stand_einde")}
        if vorm in RESIDENTIELE_OPVANGVORMEN:
            entry["ligdagen"] = v["ligdagen"]
            entry["plaatsen"] = (None if capacity_days is None
                                 else capacity_days[vorm] / p.days)
            entry["verblijfsduur_mediaan_dagen"] = km_median(*durations.get(vorm, ([], [])))
        per_vorm[vorm] = entry
    all_res = [x for vorm in RESIDENTIELE_OPVANGVORMEN for x in zip(
        *durations.get(vorm, ([], [])), strict=True)]
    eigen, andere = a["herkomst"]["eigen_regio"], a["herkomst"]["andere_regio"]
    n_inwoners = inwoners(con, cg)
    plaatsen = None if all_capacity is None else all_capacity / p.days

    def per_10k(n: float | None) -> float | None:
        # only over a whole scope: a rate of the areas that delivered over the inhabitants
        # of all of them would understate (see dekking)
        if n is None or not n_inwoners or not volledig:
            return None
        return n / n_inwoners * 10_000

    peildatum = fetch(con, f"SELECT max(peildatum) FROM peildata WHERE {SCOPE}", params)[0][0]
    versie = fetch(con, "SELECT versie FROM ref_versie", {})
    return {
        "periode": p.label,
        "centrumgemeente": cg,
        "peildatum": peildatum.isoformat() if peildatum else None,
        "referentie_versie": versie[0][0] if versie else None,
        "aanmeldingen": a["aanmeldingen"],
        "geplaatst": a["geplaatst"],
        "wachttijd_mediaan_dagen": a["wachttijd"],
        "clienten_in_zorg": clients,
        "aandeel_ambulant": ambulant_only / clients if clients else None,
        "nieuwe_verblijven": total("nieuwe_verblijven"),
        "beeindigde_verblijven": total("beeindigde_verblijven"),
        "stand_begin": total("stand_begin"),
        "stand_einde": total("stand_einde"),
        "uitstroom": sum(uitstroom.values()),
        "uitstroom_bestemming": {b: int(uitstroom.get(b, 0)) for b in BESTEMMINGEN},
        "ligdagen": ligdagen,
        "bezettingsgraad": (None if not all_capacity else ligdagen_gedekt / all_capacity),
        "verblijfsduur_mediaan_dagen": km_median([d for d, _ in all_res],
                                                 [e for _, e in all_res]),
        "trajectduur_mediaan_dagen": km_median(*trajectduur_data(con, params)),
        "herkomst": a["herkomst"],
        "aandeel_eigen_regio": eigen / (eigen + andere) if eigen + andere else None,
        # v1.1, "What happens after the shelter"
        **niet_geplaatst_redenen(a["reden"]),
        "meegekomen_kinderen": a["kinderen"],
        "per_opvangvorm": per_vorm,
        # additive keys (docs/kerncijfers.md, "Per inwoner")
        "inwoners": n_inwoners,
        "aanmeldingen_per_10k_inwoners": per_10k(a["aanmeldingen"]),
        "clienten_in_zorg_per_10k_inwoners": per_10k(clients),
        "plaatsen_per_10k_inwoners": per_10k(plaatsen),
        "plaatsen_norm_istanbul": norm_istanbul(n_inwoners),
        "dekking": {k: {"geleverd": int(dekking.get(k, 0)), "centrumgemeenten": int(n_scope)}
                    for k in p.kwartalen},
        # pressure on the places (docs/kerncijfers.md, "Druk op de opvang")
        **druk(con, params, p.days, a),
    }


#: The counts per quarter a report's series shows, in the order of ``kwartaalcijfers``.
KWARTAAL_MATEN = ("aanmeldingen", "nieuwe_verblijven", "uitstroom", "stand_einde")


def kwartaalcijfers(con, kwartalen: list[str]) -> dict[tuple[str, str], dict[str, int]]:
    """(centrumgemeente, kwartaal) -> aanmeldingen, nieuwe_verblijven, uitstroom and
    stand_einde of that quarter, for every centrumgemeente and every quarter asked, by the
    definitions of :func:`kerncijfers` for P = that quarter: what ``kerncijfers(kwartaal,
    cg)`` says for those keys. Unlike ``mart_kwartaal_cg`` (delivered quarters only) a
    quarter an area has not delivered yet is computed too, from what the warehouse holds:
    its stays still running at the end of the last quarter it delivered are running at the
    end of this one (kerncijfers.md, stand_einde), so the stock identity holds across it."""
    rows = fetch(con, """
        WITH q AS (
            SELECT c.gm_code AS cg, k.kwartaal, kwartaal_begin(k.kwartaal) AS s,
                   kwartaal_einde(k.kwartaal) AS e
            FROM ref_centrumgemeenten AS c CROSS JOIN (SELECT unnest($kw) AS kwartaal) AS k)
        SELECT q.cg, q.kwartaal,
            (SELECT count(*) FROM aanmeldingen AS a WHERE a.centrumgemeente = q.cg
                AND a.aanmelddatum BETWEEN q.s AND q.e),
            (SELECT count(*) FROM verblijven AS v WHERE v.centrumgemeente = q.cg
                AND v.startdatum BETWEEN q.s AND q.e),
            (SELECT count(*) FROM uitstroom AS u WHERE u.centrumgemeente = q.cg
                AND u.uitstroomdatum BETWEEN q.s AND q.e),
            (SELECT count(*) FROM verblijven AS v WHERE v.centrumgemeente = q.cg
                AND loopt_bij_einde(v.startdatum, v.einddatum, q.e))
        FROM q""", {"kw": list(kwartalen)})
    return {(cg, k): dict(zip(KWARTAAL_MATEN, map(int, values), strict=True))
            for cg, k, *values in rows}


def inwoners(con, cg: str | None) -> int:
    """Inhabitants of one area under the active membership, or of the country (None)."""
    return int(fetch(con, """
        SELECT coalesce(sum(b.inwoners), 0) FROM ref_gemeenten AS g
        JOIN ref_bevolking AS b USING (gm_code)
        WHERE $cg IS NULL OR g.centrumgemeente = $cg""", {"cg": cg})[0][0])


def norm_istanbul(n_inwoners: int) -> float | None:
    """The places the Istanbul Convention's norm asks for: one family place per 10,000
    inhabitants (docs/kerncijfers.md, plaatsen_norm_istanbul)."""
    return n_inwoners / 10_000 if n_inwoners else None


#: Days within which a placement counts for ``geplaatst_binnen_dagen``.
BINNEN_DAGEN = (1, 3, 7)


def druk(con, params: dict, dagen: int, a: dict) -> dict:
    """The pressure keys: how fast aanmeldingen are placed, how many are not, how many
    clients wait on an average day, and placements across area borders (in: clients from
    another area placed here; uit: this area's residents placed by another centrumgemeente;
    nationally both are every placement across a border). ``a``: :func:`_aanmeldingen` of
    the same scope and period, which counts the placements per wait in its one scan."""
    geplaatst = a["geplaatst"]
    # days in P on which an aanmelding was waiting: from aanmelddatum up to the day before
    # plaatsingsdatum (placed ones only: how long a referred client waited is not delivered)
    wachtdagen = fetch(con, f"""
        SELECT coalesce(sum(ligdagen_in(aanmelddatum, plaatsingsdatum, $s, $e)), 0)
        FROM aanmeldingen WHERE {SCOPE} AND uitkomst = 'geplaatst'
          AND aanmelddatum <= $e AND plaatsingsdatum >= $s""", params)[0][0]
    grens = fetch(con, """
        SELECT count(*) FILTER (WHERE $cg IS NULL OR centrumgemeente = $cg),
               count(*) FILTER (WHERE $cg IS NULL OR herkomst_regio = $cg)
        FROM aanmeldingen
        WHERE uitkomst = 'geplaatst' AND herkomst = 'andere_regio'
          AND aanmelddatum BETWEEN $s AND $e""", params)[0]
    return {
        "geplaatst_binnen_dagen": {str(d): (n / geplaatst if geplaatst else None)
                                   for d, n in zip(BINNEN_DAGEN, a["binnen"], strict=True)},
        "aanmeldingen_niet_geplaatst": a["niet_geplaatst"],
        "gemiddeld_wachtend": float(wachtdagen) / dagen,
        "bovenregionaal_geplaatst": {"in": int(grens[0]), "uit": int(grens[1])},
    }


def _aanmeldingen(con, params: dict) -> dict:
    row = fetch(con, f"""
        SELECT count(*), count(*) FILTER (WHERE uitkomst = 'geplaatst'),
               median(plaatsingsdatum - aanmelddatum) FILTER (WHERE uitkomst = 'geplaatst'),
               {", ".join(f"count(*) FILTER (WHERE herkomst = '{h}')" for h in HERKOMST)},
               coalesce(sum(aantal_kinderen) FILTER (WHERE uitkomst = 'geplaatst'), 0),
               {", ".join(f"count(*) FILTER (WHERE list_contains($niet_geplaatst, uitkomst) "
                          f"AND coalesce(reden_niet_geplaatst, 'onbekend') = '{r}')"
                          for r in REDENEN_NIET_GEPLAATST)},
               {", ".join(f"count(*) FILTER (WHERE uitkomst = 'geplaatst' AND "
                          f"plaatsingsdatum - aanmelddatum <= {d})" for d in BINNEN_DAGEN)}
        FROM aanmeldingen WHERE {SCOPE} AND aanmelddatum BETWEEN $s AND $e""",
                {**params, "niet_geplaatst": list(NIET_GEPLAATST)})[0]
    n = len(REDENEN_NIET_GEPLAATST)
    reden = dict(zip(REDENEN_NIET_GEPLAATST, map(int, row[8:8 + n]), strict=True))
    return {"aanmeldingen": row[0], "geplaatst": row[1],
            "wachttijd": None if row[2] is None else float(row[2]),
            "herkomst": dict(zip(HERKOMST, row[3:7], strict=True)), "kinderen": int(row[7]),
            "niet_geplaatst": sum(reden.values()), "reden": reden, "binnen": row[8 + n:]}


def niet_geplaatst_redenen(reden: dict[str, int]) -> dict:
    """``niet_geplaatst_reden``: the aanmeldingen in P with an uitkomst of NIET_GEPLAATST per
    reden_niet_geplaatst, every value a key, an empty reason or one of a v1 delivery (no
    column) counting as onbekend; ``aandeel_vol``: vol over those with a known reason, null
    when none has one (kerncijfers.md v1.1)."""
    bekend = sum(reden.values()) - reden["onbekend"]
    return {"niet_geplaatst_reden": reden,
            "aandeel_vol": reden["vol"] / bekend if bekend else None}


def per_opvangvorm(con, params: dict) -> dict[str, dict]:
    rows = fetch(con, f"""
        SELECT opvangvorm,
            count(DISTINCT (centrumgemeente, client_pseudoniem)) FILTER (
                WHERE overlapt(startdatum, einddatum, $s, $e)),
            count(*) FILTER (WHERE startdatum BETWEEN $s AND $e),
            count(*) FILTER (WHERE einddatum BETWEEN $s AND $e),
            count(*) FILTER (WHERE loopt_bij_begin(startdatum, einddatum, $s)),
            count(*) FILTER (WHERE loopt_bij_einde(startdatum, einddatum, $e)),
            coalesce(sum(ligdagen_in(startdatum, einddatum, $s, $e)), 0)
        FROM verblijven WHERE {SCOPE} GROUP BY opvangvorm""", params)
    keys = ("clienten_in_zorg", "nieuwe_verblijven", "beeindigde_verblijven", "stand_begin",
            "stand_einde", "ligdagen")
    out = {v: dict.fromkeys(keys, 0) for v in OPVANGVORMEN}
    for vorm, *values in rows:
        out[vorm] = {k: int(x) for k, x in zip(keys, values, strict=True)}
    return out


def _covered_ligdagen(con, p: Periode) -> int:
    """Residential ligdagen in P of the centrumgemeenten each quarter's deliveries cover."""
    return int(fetch(con, """
        SELECT coalesce(sum(ligdagen_in(v.startdatum, v.einddatum, kwartaal_begin(l.kwartaal),
                                        kwartaal_einde(l.kwartaal))), 0)
        FROM (SELECT DISTINCT centrumgemeente, kwartaal FROM stg_leveringen
              WHERE list_contains($kw, kwartaal)) AS l
        JOIN verblijven AS v USING (centrumgemeente)
        WHERE v.residentieel""", {"kw": list(p.kwartalen)})[0][0])


def capaciteit_dagen(con, p: Periode, cg: str | None) -> dict[str, float] | None:
    """Places x days per residential form over the quarters of P; None when the capacity of
    the scope is not known (``capaciteit_bekend``: one CG needs every quarter of P; nationally
    each quarter needs it from the centrumgemeenten that delivered that quarter)."""
    params = {"kw": list(p.kwartalen), "cg": cg}
    if not fetch(con, "SELECT capaciteit_bekend($cg, $kw)", params)[0][0]:
        return None
    rows = fetch(con, """
        SELECT opvangvorm, capaciteitsdagen FROM capaciteit
        WHERE list_contains($kw, kwartaal) AND ($cg IS NULL OR centrumgemeente = $cg)""",
                 params)
    out = dict.fromkeys(RESIDENTIELE_OPVANGVORMEN, 0.0)
    for vorm, dagen in rows:
        out[vorm] += dagen
    return out


def verblijfsduur_data(con, params: dict) -> dict[str, tuple[list, list]]:
    rows = fetch(con, """
        SELECT v.opvangvorm, duur_tot_peildatum(v.startdatum, v.einddatum, r.peildatum),
               v.einddatum IS NOT NULL
        FROM verblijven AS v JOIN peildata AS r USING (centrumgemeente)
        WHERE v.residentieel AND v.startdatum BETWEEN $s AND $e
          AND ($cg IS NULL OR v.centrumgemeente = $cg)""", params)
    out: dict[str, tuple[list, list]] = {}
    for vorm, dur, event in rows:
        out.setdefault(vorm, ([], []))
        out[vorm][0].append(dur)
        out[vorm][1].append(event)
    return out


def trajectduur_data(con, params: dict) -> tuple[list, list]:
    rows = fetch(con, """
        SELECT duur_tot_peildatum(t.startdatum, t.einddatum, r.peildatum), NOT t.lopend
        FROM trajecten AS t JOIN peildata AS r USING (centrumgemeente)
        WHERE t.startdatum BETWEEN $s AND $e
          AND ($cg IS NULL OR t.centrumgemeente = $cg)""", params)
    return [r[0] for r in rows], [r[1] for r in rows]
