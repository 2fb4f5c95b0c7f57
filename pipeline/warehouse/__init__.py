"""The warehouse's derived layers, built from the loader's raw tables by SQL files.

``raw.sql`` (the loader's tables) -> ``staging/`` (current loads only, one view per soort)
-> ``core/`` (current episodes, aanmeldingen, uitstroom, capaciteit, trajecten, peildata)
-> ``marts/`` (figures per CG x quarter). Files run in name order within each layer;
files named ``check_*.sql`` are invariants that must return no rows.
"""

from __future__ import annotations

from importlib.resources import files

import duckdb

LAYERS = ("staging", "core", "marts")


class InvariantBroken(RuntimeError):
    """A model invariant returned rows: the models are wrong, not the data."""


def sql_files(layer: str) -> list:
    folder = files("pipeline.warehouse").joinpath(layer)
    return sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every derived table from the raw and reference tables, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        for layer in LAYERS:
            for f in sql_files(layer):
                if not f.name.startswith("check_"):
                    con.execute(f.read_text(encoding="utf-8"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def check_invariants(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Run every ``check_*.sql``; returns {check name: violating rows}."""
    out = {}
    for layer in LAYERS:
        for f in sql_files(layer):
            if f.name.startswith("check_"):
                out[f.name.removesuffix(".sql")] = len(
                    con.execute(f.read_text(encoding="utf-8")).fetchall())
    return out
