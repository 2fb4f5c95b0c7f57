"""The DuckDB connection: one place that opens the warehouse and explains failures."""

from __future__ import annotations

import contextlib
import functools
import re
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
    con = open_duckdb(path, read_only)
    # DuckDB draws its own progress bar on standard output for a query of more than two
    # seconds (the rebuild at ten times national volume); it would break --json output
    # and the CLI's own progress lines. In a Jupyter kernel without ipywidgets DuckDB has it
    # off already and refuses to change the setting at all.
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")
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


def open_duckdb(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB connection to the file, with a lock held by another process said in
    words an analyst can act on (no schema, macros or model check: see ``connect``)."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseInUse(
                f"The warehouse {path} is in use by another process (for example an "
                "ingest that is still running, or a notebook holding it open). Wait for "
                "it to finish or close it, then try again."
            ) from exc
        raise


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


#: A size as DuckDB shows it ('953.6 MiB') or takes it ('1GB'): binary and decimal units.
_SIZE = re.compile(r"([0-9.]+)\s*(bytes|[KMGTP]i?B)")
_UNIT = {"bytes": 1} | {f"{p}iB": 2 ** (10 * i) for i, p in enumerate("KMGTP", 1)} | {
    f"{p}B": 10 ** (3 * i) for i, p in enumerate("KMGTP", 1)}


def size_bytes(shown: str) -> float:
    """Bytes of a size as DuckDB shows it ('18.8 GiB'); unreadable text counts as no limit."""
    m = _SIZE.fullmatch(shown.strip())
    return float(m[1]) * _UNIT[m[2]] if m else float("inf")


def current_setting(con: duckdb.DuckDBPyConnection, name: str):
    return scalar(con, f"SELECT current_setting('{name}')")


@contextlib.contextmanager
def setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> Iterator[None]:
    """A DuckDB setting for the block only; the connection's own value is back afterwards,
    also when the block fails."""
    before = current_setting(con, name)
    con.execute(f"SET {name} = '{value}'")
    try:
        yield
    finally:
        _restore_setting(con, name, before)


def _restore_setting(con: duckdb.DuckDBPyConnection, name: str, before: str) -> None:
    """DuckDB shows a size cut to a tenth ('18.8 GiB' for 18.83), so setting what it showed
    would lower the value a little with every use. DuckDB's default comes back exactly by
    RESET; another size comes back as the middle of the tenth it showed, which DuckDB shows
    the same again."""
    con.execute(f"RESET {name}")
    if current_setting(con, name) == before:
        return
    m = _SIZE.fullmatch(str(before))
    middle = f"{float(m[1]) + 0.05}{m[2]}" if m and m[2] != "bytes" else before
    con.execute(f"SET {name} = '{middle}'")


@contextlib.contextmanager
def memory_at_most(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's buffers stay under ``limit`` inside the block and spill the rest to its
    temporary folder beside the warehouse. DuckDB's own limit is 80% of the machine's
    memory, and it uses what it may: the rebuild of the models at 10^7 rows held ~1 GB
    more than it needed (docs/performance.md). A connection already held to less keeps
    its limit."""
    if size_bytes(limit) >= size_bytes(current_setting(con, "memory_limit")):
        yield
        return
    with setting(con, "memory_limit", limit):
        yield


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
