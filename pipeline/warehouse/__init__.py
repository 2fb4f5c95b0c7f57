"""The warehouse's derived layers, built from the loader's raw tables by SQL files.

``raw.sql`` (the loader's tables) -> ``staging/`` (current loads only, one view per soort)
-> ``core/`` (current episodes, aanmeldingen, uitstroom, capaciteit, trajecten, peildata)
-> ``marts/`` (figures per CG x quarter). Files run in name order within each layer;
the stock-flow identity of the figures is a quality rule (``voorraad_identiteit``), not a
second copy here.
"""

from __future__ import annotations

import functools
import hashlib
from importlib.resources import files
from typing import TYPE_CHECKING

import duckdb

from pipeline.periods import Periode, parse_periode

if TYPE_CHECKING:
    from schemas.reference_tables import Reference

LAYERS = ("staging", "core", "marts")
#: Written by every build: which version of the SQL models made the derived tables.
BUILD_TABLE = "build_info"
#: DuckDB's memory for a build (db.memory_at_most). At 10^7 rows a build under 1 GB took
#: 14.3-15.5 s against 12.5-14.3 s without, and the ingest's peak RSS fell from 1.84-1.93 GB
#: to 1.57-1.72 GB (the 2 GB of issue 17); at national volume the limit is never reached.
BUILD_MEMORY_LIMIT = "1GB"


class ModelsOutdated(RuntimeError):
    """The derived tables were built by other SQL models than this version's."""


def sql_files(layer: str) -> list:
    folder = files("pipeline.warehouse").joinpath(layer)
    return sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every derived table from the raw and reference tables, in one transaction."""
    from pipeline.warehouse.db import install_macros, memory_at_most, transaction

    install_macros(con)
    with memory_at_most(con, BUILD_MEMORY_LIMIT), transaction(con):
        for layer in LAYERS:
            for f in sql_files(layer):
                con.execute(f.read_text(encoding="utf-8"))
        con.execute(f"CREATE OR REPLACE TABLE {BUILD_TABLE} AS "
                    "SELECT ? AS model_versie, now() AS gebouwd_op", [model_version()])


def rebuild(con: duckdb.DuckDBPyConnection, ref: Reference) -> list[str]:
    """Refresh the reference tables and the derived models after the raw tables (or the
    reference data) changed; returns warnings about loads the active reference data does not
    count."""
    ref.install(con)
    build(con)
    return loads_buiten_referentie(con)


def loads_buiten_referentie(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One sentence per code with current loads that is not a centrumgemeente of the
    active reference data: those loads are kept but not counted, and the analyst must
    hear so (nothing is dropped silently)."""
    rows = con.execute("""
        SELECT l.centrumgemeente, count(*), min(l.kwartaal), max(l.kwartaal), any_value(g.cg)
        FROM loads AS l
        LEFT JOIN (SELECT gm_code, centrumgemeente AS cg FROM ref_gemeenten) AS g
               ON g.gm_code = l.centrumgemeente
        WHERE l.status = 'loaded'
          AND l.centrumgemeente NOT IN (SELECT gm_code FROM ref_centrumgemeenten)
        GROUP BY ALL ORDER BY ALL""").fetchall()
    return [f"{n} load(s) of {code} ({first}..{last}) are kept but not counted: {code} is not "
            "a centrumgemeente in the active reference data"
            + (f"; its area is that of {cg}: ask for its records in {cg}'s deliveries"
               if cg else "") for code, n, first, last, cg in rows]


def laatste_kwartaal(con: duckdb.DuckDBPyConnection) -> Periode | None:
    """The latest quarter any centrumgemeente delivered, as a Periode (None when empty)."""
    rows = con.execute("SELECT max(kwartaal) FROM stg_leveringen").fetchall()
    return parse_periode(rows[0][0]) if rows and rows[0][0] else None


@functools.cache
def model_version() -> str:
    """A digest of every SQL file the models and their macros are made of, and of the names
    of the reference tables they and the key figures join to (a new reference table needs a
    build as much as a changed model does)."""
    from schemas.reference_tables import TABLES

    h = hashlib.sha256(",".join(TABLES).encode())
    root = files("pipeline.warehouse")
    for f in [root.joinpath("kwartaal.sql"), *(f for layer in LAYERS for f in sql_files(layer))]:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def check_current(con: duckdb.DuckDBPyConnection, path: object) -> None:
    """Refuse to read derived tables that another version's models built: a figure would
    silently follow old definitions, or a query would miss a macro or table. A warehouse
    without derived tables yet (nothing ingested) is fine."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    if "verblijven" not in tables:
        return
    built = (con.execute(f"SELECT model_versie FROM {BUILD_TABLE}").fetchall()[0][0]
             if BUILD_TABLE in tables else None)
    if built != model_version():
        raise ModelsOutdated(
            f"The warehouse {path} was built by another version of opvangmonitor's models. "
            "Run 'opvangmonitor build' once (it keeps every load and rebuilds the derived "
            "tables), then try again.")
