"""Data quality across deliveries: rules as data (regels.yaml), SQL per rule, Great
Expectations on the record-level frames, findings per centrumgemeente x kwartaal."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline.quality.report import write_html
from pipeline.quality.rules import RulesError, load_rules

__all__ = ["RulesError", "exit_code", "load_rules", "run_quality", "summary_lines", "write_html"]

EXIT = {"waarschuwing": 1, "fout": 1, "fataal": 3}


def run_quality(con: duckdb.DuckDBPyConnection, periode: str | None = None
                ) -> tuple[list[dict], pd.DataFrame]:
    """Run every rule; (re)write the tidy table ``kwaliteit_resultaten`` for Power BI/Excel."""
    from pipeline.quality.runner import run_rules

    findings, results = run_rules(con, periode)
    con.register("_kwaliteit", results)
    try:
        con.execute("CREATE OR REPLACE TABLE kwaliteit_resultaten AS SELECT * FROM _kwaliteit")
    finally:
        con.unregister("_kwaliteit")
    return findings, results


def exit_code(findings: list[dict]) -> int:
    """0 none, 1 when the worst is waarschuwing or fout, 3 when fataal (cli.md)."""
    return max((EXIT[f["ernst"]] for f in findings), default=0)


def summary_lines(findings: list[dict]) -> list[str]:
    if not findings:
        return ["Data quality: no findings."]
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        counts[(f["ernst"], f["regel"])] = counts.get((f["ernst"], f["regel"]), 0) + 1
    order = {"fataal": 0, "fout": 1, "waarschuwing": 2}
    lines = [f"Data quality: {len(findings)} finding(s) (rule x centrumgemeente x kwartaal):"]
    for (ernst, regel), n in sorted(counts.items(), key=lambda x: (order[x[0][0]], x[0][1])):
        lines.append(f"  {ernst:<12} {regel:<28} in {n} CG-quarter(s)")
    lines.append("Run 'opvangmonitor kwaliteit' for what to ask each organisation.")
    return lines
