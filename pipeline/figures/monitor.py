"""The Python API for notebooks and reports: key figures and their tables as DataFrames.

    from pipeline import Monitor
    m = Monitor.open()                      # read-only; default warehouse as the CLI
    m.kerncijfers("2025", "GM0344")         # the JSON object of kerncijfers.md
    m.tijdreeks("GM0344")                   # quarterly series
    m.km_verblijfsduur("2025")              # Kaplan-Meier curve with confidence band
    m.verblijfsduur_duren("2025")           # raw (durations, events) for sharing curves

Everything is computed inside DuckDB from the current state of the warehouse; the
figures are not suppressed (reports apply disclosure control on top).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipeline import config
from pipeline.figures import kerncijfers as kc
from pipeline.figures.survival import km_curve
from pipeline.periods import PeriodeLike, as_periode
from pipeline.warehouse import db


class Monitor:
    """A read-only view of one warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    @classmethod
    def open(cls, db_file: Path | str | None = None) -> Monitor:
        return cls(db.connect(config.db_path(db_file), read_only=True))

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _df(self, sql: str, params: dict) -> pd.DataFrame:
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        return self.con.execute(sql, used).df()

    def _params(self, periode: PeriodeLike, centrumgemeente: str | None) -> dict:
        p = as_periode(periode)
        cg = kc.check_scope(self.con, centrumgemeente)
        kc.check_periode(self.con, p)
        return {"s": p.start, "e": p.end, "cg": cg}

    def check_periode(self, periode: PeriodeLike) -> None:
        """A ValueError when no centrumgemeente delivered anything for the period (the one
        check every period-taking method and command makes; ``kc.check_periode``)."""
        kc.check_periode(self.con, as_periode(periode))

    def centrumgemeente(self, text: str) -> str:
        """The code of a centrumgemeente given by code or name ('Zaanstad' -> 'GM0479')."""
        return kc.resolve_centrumgemeente(self.con, text)

    def kerncijfers(self, periode: PeriodeLike, centrumgemeente: str | None = None) -> dict:
        return kc.kerncijfers(self.con, as_periode(periode), centrumgemeente)

    def capaciteit(self, periode: PeriodeLike, centrumgemeente: str | None = None,
                   simulatie: bool = False) -> dict:
        """Places needed per area and residential form (docs/capaciteit.md): the document
        `opvangmonitor capaciteit --json` prints."""
        from pipeline.figures.capaciteit import capaciteit

        return capaciteit(self.con, as_periode(periode), centrumgemeente, simulatie=simulatie)

    def centrumgemeenten(self) -> pd.DataFrame:
        """Code, name, province and status of the 35 centrumgemeenten."""
        return self._df("SELECT * FROM ref_centrumgemeenten ORDER BY gm_code", {})

    def gemeenten(self) -> pd.DataFrame:
        """The 342 municipalities with the centrumgemeente area each belongs to, as installed
        in this warehouse (the default or an official membership list)."""
        return self._df("SELECT * FROM ref_gemeenten ORDER BY gm_code", {})

    def tijdreeks(self, centrumgemeente: str | None = None) -> pd.DataFrame:
        """Per delivered quarter: aanmeldingen, geplaatst, clienten_in_zorg, nieuwe and
        beeindigde verblijven, stand begin/einde, uitstroom (national = sum over CGs, which
        is exact because a client is counted per CG)."""
        cg = kc.check_scope(self.con, centrumgemeente)
        return self._df("""
            SELECT kwartaal, sum(aanmeldingen) AS aanmeldingen, sum(geplaatst) AS geplaatst,
                   sum(clienten_in_zorg) AS clienten_in_zorg,
                   sum(nieuwe_verblijven) AS nieuwe_verblijven,
                   sum(beeindigde_verblijven) AS beeindigde_verblijven,
                   sum(stand_begin) AS stand_begin, sum(stand_einde) AS stand_einde,
                   sum(uitstroom) AS uitstroom
            FROM mart_kwartaal_cg WHERE ($cg IS NULL OR centrumgemeente = $cg)
            GROUP BY kwartaal ORDER BY kwartaal""", {"cg": cg})

    def kwartaalcijfers(self, kwartalen: list[str]) -> dict[tuple[str, str], dict[str, int]]:
        """(centrumgemeente, kwartaal) -> the series counts of that quarter by the
        definitions of the key figures, for every centrumgemeente, also in a quarter it has
        not delivered (``kerncijfers.kwartaalcijfers``): what a report publishes per
        quarter, where ``tijdreeks`` lists delivered quarters only."""
        kc.check_models(self.con)
        return kc.kwartaalcijfers(self.con, kwartalen)

    def herkomst_matrix(self, periode: PeriodeLike) -> pd.DataFrame:
        """Aanmeldingen in P by municipality of origin (2025 code) x centrumgemeente."""
        return self._df("""
            SELECT coalesce(gemeente_herkomst_2025, gemeente_herkomst, 'onbekend')
                       AS gemeente_herkomst, centrumgemeente, count(*) AS aanmeldingen
            FROM aanmeldingen WHERE aanmelddatum BETWEEN $s AND $e
            GROUP BY ALL ORDER BY ALL""", self._params(periode, None))

    def stromen(self, periode: PeriodeLike) -> pd.DataFrame:
        """Aanmeldingen in P from one centrumgemeente area (herkomst_regio) to another."""
        return self._df("""
            SELECT herkomst_regio, centrumgemeente, count(*) AS aanmeldingen
            FROM aanmeldingen WHERE aanmelddatum BETWEEN $s AND $e
              AND herkomst_regio IS NOT NULL
            GROUP BY ALL ORDER BY ALL""", self._params(periode, None))

    def uitstroom_bestemmingen(self, periode: PeriodeLike, centrumgemeente: str | None = None
                               ) -> pd.DataFrame:
        return self._df(f"""
            SELECT bestemming, reden_einde, count(*) AS uitstroom FROM uitstroom
            WHERE {kc.SCOPE} AND uitstroomdatum BETWEEN $s AND $e
            GROUP BY ALL ORDER BY ALL""", self._params(periode, centrumgemeente))

    def belemmeringen(self, periode: PeriodeLike, centrumgemeente: str | None = None
                      ) -> pd.DataFrame:
        return self._df(f"""
            SELECT belemmering, count(*) AS uitstroom FROM (
                SELECT unnest(belemmeringen) AS belemmering FROM uitstroom
                WHERE {kc.SCOPE} AND uitstroomdatum BETWEEN $s AND $e)
            GROUP BY ALL ORDER BY 2 DESC""", self._params(periode, centrumgemeente))

    def wachttijden(self, periode: PeriodeLike, centrumgemeente: str | None = None) -> pd.DataFrame:
        """Days from aanmelding to plaatsing, counted per number of days, for geplaatst in P."""
        return self._df(f"""
            SELECT plaatsingsdatum - aanmelddatum AS dagen, opvangvorm, count(*) AS aantal
            FROM aanmeldingen WHERE {kc.SCOPE} AND uitkomst = 'geplaatst'
              AND aanmelddatum BETWEEN $s AND $e GROUP BY ALL ORDER BY ALL""",
                        self._params(periode, centrumgemeente))

    def bezetting(self, centrumgemeente: str | None = None,
                  per_centrumgemeente: bool = False) -> pd.DataFrame:
        """Per delivered quarter and residential opvangvorm: ligdagen, capaciteitsdagen
        (plaatsen x days; null when the capacity of the scope in that quarter is not known,
        by the key figures' one rule ``capaciteit_bekend``: for one centrumgemeente its own
        delivery, nationally every centrumgemeente that delivered that quarter),
        bezettingsgraad, and the distinct clients in that form (the base a report needs
        before it may show the rate). Nationally a quarter counts the centrumgemeenten that
        delivered it, in the ligdagen as in the capacity. ``per_centrumgemeente``: every
        area at once, with a column centrumgemeente (one query instead of 35)."""
        cg = kc.check_scope(self.con, centrumgemeente)
        per_cg = bool(per_centrumgemeente)
        return self._df("""
            WITH q AS (
                SELECT centrumgemeente, kwartaal, q_start, q_end,
                       capaciteit_bekend(CASE WHEN $per_cg THEN centrumgemeente ELSE $cg END,
                                         [kwartaal]) AS bekend
                FROM mart_kwartaal_cg WHERE ($cg IS NULL OR centrumgemeente = $cg)
            ), cel AS (
                SELECT CASE WHEN $per_cg THEN q.centrumgemeente END AS centrumgemeente,
                    q.kwartaal, q.bekend, f.opvangvorm,
                    c.capaciteitsdagen,
                    (SELECT coalesce(sum(ligdagen_in(v.startdatum, v.einddatum, q.q_start,
                                                     q.q_end)), 0)
                     FROM verblijven v WHERE v.centrumgemeente = q.centrumgemeente
                       AND v.opvangvorm = f.opvangvorm) AS ligdagen,
                    (SELECT count(DISTINCT v.client_pseudoniem) FROM verblijven v
                     WHERE v.centrumgemeente = q.centrumgemeente AND v.opvangvorm = f.opvangvorm
                       AND overlapt(v.startdatum, v.einddatum, q.q_start, q.q_end)) AS clienten
                FROM q CROSS JOIN (SELECT opvangvorm FROM ref_opvangvormen WHERE residentieel) f
                LEFT JOIN capaciteit c ON c.centrumgemeente = q.centrumgemeente
                     AND c.kwartaal = q.kwartaal AND c.opvangvorm = f.opvangvorm
            )
            SELECT centrumgemeente, kwartaal, opvangvorm, sum(ligdagen)::BIGINT AS ligdagen,
                   CASE WHEN bool_and(bekend) THEN sum(capaciteitsdagen) END AS capaciteitsdagen,
                   sum(ligdagen) / CASE WHEN bool_and(bekend)
                        THEN nullif(sum(capaciteitsdagen), 0) END AS bezettingsgraad,
                   sum(clienten)::BIGINT AS clienten
            FROM cel GROUP BY ALL ORDER BY ALL""", {"cg": cg, "per_cg": per_cg}).drop(
            columns=[] if per_cg else ["centrumgemeente"])

    def verblijfsduur_duren(self, periode: PeriodeLike, centrumgemeente: str | None = None,
                            opvangvorm: str | None = None) -> tuple[list, list]:
        """(durations in days, ended?) of residential stays starting in P, all residential
        opvangvormen together unless ``opvangvorm`` picks one. Raw: for
        ``survival.curve_for_sharing`` or ``km_curve``, never to publish as is."""
        per_vorm = kc.verblijfsduur_data(self.con, self._params(periode, centrumgemeente))
        vormen = [opvangvorm] if opvangvorm else list(per_vorm)
        d = [x for v in vormen for x in per_vorm.get(v, ([], []))[0]]
        e = [x for v in vormen for x in per_vorm.get(v, ([], []))[1]]
        return d, e

    def trajectduur_duren(self, periode: PeriodeLike, centrumgemeente: str | None = None
                          ) -> tuple[list, list]:
        """(durations in days, ended?) of trajecten starting in P (all opvangvormen). Raw,
        as ``verblijfsduur_duren``."""
        return kc.trajectduur_data(self.con, self._params(periode, centrumgemeente))

    def km_verblijfsduur(self, periode: PeriodeLike, centrumgemeente: str | None = None,
                         opvangvorm: str | None = None) -> pd.DataFrame:
        """KM curve (t, S, lower, upper, at_risk, events) of residential stays starting in
        P (unprotected: for publishing use ``survival.curve_for_sharing``)."""
        return km_curve(*self.verblijfsduur_duren(periode, centrumgemeente, opvangvorm))

    def km_trajectduur(self, periode: PeriodeLike, centrumgemeente: str | None = None
                       ) -> pd.DataFrame:
        return km_curve(*self.trajectduur_duren(periode, centrumgemeente))
