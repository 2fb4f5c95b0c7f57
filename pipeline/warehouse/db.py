"""The DuckDB connection: one place that opens the warehouse and explains failures."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import duckdb


class WarehouseInUse(RuntimeError):
    """Another process holds the warehouse open for writing."""


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, creating its folder and the loader's tables when writing.

    DuckDB allows one writing process per file; a second one gets a lock error that
    we translate into words an analyst can act on.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(
            f"No warehouse at {path}. Run 'opvangmonitor ingest <files>' first, "
            "or point --db / OPVANGMONITOR_DB at an existing warehouse."
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseInUse(
                f"The warehouse {path} is in use by another process (for example an "
                "ingest that is still running, or a notebook holding it open). Wait for "
                "it to finish or close it, then try again."
            ) from exc
        raise
    if not read_only:
        ensure_raw_schema(con)
    install_macros(con)
    if read_only:
        from pipeline.warehouse import check_current

        try:
            check_current(con, path)
        except BaseException:
            con.close()
            raise
    return con


@functools.cache
def _macro_sql() -> str:
    return files("pipeline.warehouse").joinpath("kwartaal.sql").read_text(encoding="utf-8")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The quarter macros of ``kwartaal.sql`` on this connection (TEMP, so also read-only)."""
    con.execute(_macro_sql())


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the loader's tables (idempotent)."""
    sql = files("pipeline.warehouse").joinpath("raw.sql").read_text(encoding="utf-8")
    con.execute(sql)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The single value of a query, with the result drained.

    DuckDB 2.0 keeps a result open until it is fetched to the end; ``fetchone()`` on
    a one-row result leaves it open, and the next ``register`` on the connection then
    fails with "unfinished result". ``fetchall()`` drains it.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: commit when the block ends, roll back on any exception (also Ctrl-C),
    so a file, a rebuild or a quality run never leaves half its rows behind."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
