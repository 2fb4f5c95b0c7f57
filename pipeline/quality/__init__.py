"""Data quality across deliveries: what the loader, checking one row at a time, cannot see.

Rules are data (``regels.yaml``, validated before use); each rule yields a record-level frame
(SQL on the loader's tables, or the published kerncijfers); Great Expectations validates it in
an ephemeral context; findings are counted per centrumgemeente x kwartaal. Outputs: the
findings of cli.md, the tidy table ``kwaliteit_resultaten`` for Power BI or Excel, and an
offline HTML page per run saying what to ask each organisation. No client-level value is ever
selected into a frame, so none can reach any output.

The CLI's call sequence::

    findings = run_quality(con, periode)        # writes kwaliteit_resultaten
    path = write_html(findings, results_frame(con, periode), out_dir, periode)
    exit_code(findings)                         # 0 / 1 / 3 per cli.md
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from pipeline.periods import Periode
from pipeline.quality.report import write_html
from pipeline.quality.rules import ERNST, RulesError, load_rules
from pipeline.warehouse.db import transaction

__all__ = ["RulesError", "exit_code", "load_rules", "results_frame", "run_quality",
           "summary_lines", "write_html"]

EXIT = {"waarschuwing": 1, "fout": 1, "fataal": 3}
TABLE = "kwaliteit_resultaten"
#: Typed, so an empty run still gives Power BI / Excel proper columns.
TABLE_COLUMNS = ("regel VARCHAR, regel_id VARCHAR, ernst VARCHAR, centrumgemeente VARCHAR, "
                 "gm_naam VARCHAR, kwartaal VARCHAR, gecontroleerd BIGINT, afwijkend BIGINT, "
                 "percentage_geldig DOUBLE, uitgevoerd_op TIMESTAMP")


def run_quality(con: duckdb.DuckDBPyConnection, periode: Periode | None = None, *,
                progress: Callable[[str], None] | None = None) -> list[dict]:
    """Run every rule and return the findings (cli.md keys, worst first); write the tidy
    results to ``kwaliteit_resultaten`` (all quarters, or only P's quarters refreshed)."""
    from pipeline.quality.runner import run_rules

    findings, results = run_rules(con, periode, progress=progress)
    kwartalen = list(periode.kwartalen) if periode else None
    write_results(con, results, kwartalen)
    return findings


def write_results(con: duckdb.DuckDBPyConnection, results: pd.DataFrame,
                  kwartalen: list[str] | None) -> None:
    """Replace the table, or with a period replace only that period's rows, so a check of
    one quarter does not wipe the others an analyst may have open in Power BI."""
    con.register("_kwaliteit", results)
    try:
        with transaction(con):
            if kwartalen is not None and _table_matches(con, results):
                con.execute(f"DELETE FROM {TABLE} WHERE list_contains(?, kwartaal)",
                            [kwartalen])
            else:
                con.execute(f"CREATE OR REPLACE TABLE {TABLE} ({TABLE_COLUMNS})")
            con.execute(f"INSERT INTO {TABLE} SELECT * FROM _kwaliteit")
    finally:
        con.unregister("_kwaliteit")


def _table_matches(con: duckdb.DuckDBPyConnection, results: pd.DataFrame) -> bool:
    cols = [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
        "AND database_name = current_database() ORDER BY column_index", [TABLE]).fetchall()]
    return cols == list(results.columns)


def results_frame(con: duckdb.DuckDBPyConnection, periode: Periode | None = None
                  ) -> pd.DataFrame:
    """The tidy results as written by the last run (limited to P's quarters when given)."""
    sql = f"SELECT * FROM {TABLE}"
    params: list = []
    if periode:
        sql += " WHERE list_contains(?, kwartaal)"
        params = [list(periode.kwartalen)]
    return con.execute(sql + " ORDER BY regel, centrumgemeente, kwartaal", params).df()


def exit_code(findings: list[dict]) -> int:
    """0 none, 1 when the worst is waarschuwing or fout, 3 when fataal (cli.md)."""
    return max((EXIT[f["ernst"]] for f in findings), default=0)


def summary_lines(findings: list[dict]) -> list[str]:
    """A few lines for the terminal after an ingest: counts per severity and rule."""
    if not findings:
        return ["Data quality: no findings."]
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        counts[(f["ernst"], f["regel"])] = counts.get((f["ernst"], f["regel"]), 0) + 1
    cgs = len({f["centrumgemeente"] for f in findings})
    worst = min((f["ernst"] for f in findings), key=ERNST.index)
    lines = [f"Data quality: {len(findings)} finding(s) in {cgs} centrumgemeente(n), "
             f"worst: {worst}."]
    for (ernst, regel), n in sorted(counts.items(), key=lambda x: (ERNST.index(x[0][0]),
                                                                   x[0][1])):
        lines.append(f"  {ernst:<12} {regel:<28} {n} CG-quarter(s)")
    if worst == "fataal":
        lines.append("  Do not publish: a fataal finding means the key figures are inconsistent.")
    lines.append("Run 'opvangmonitor kwaliteit' for what to ask each organisation "
                 "(HTML report under reports/kwaliteit/).")
    return lines
