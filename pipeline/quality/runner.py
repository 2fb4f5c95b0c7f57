"""Run the quality rules: SQL in DuckDB gives record-level frames (pseudonymous keys only),
Great Expectations validates them in an ephemeral context, findings are counted per
centrumgemeente x kwartaal.

GX runs on pandas frames pulled from DuckDB: through SQLAlchemy + duckdb-engine every
expectation fails upstream. Results are asked in SUMMARY form without partial lists,
so no value of any record ever leaves GX.
"""

from __future__ import annotations

import os

import duckdb
import pandas as pd

from pipeline.periods import parse_periode
from pipeline.quality.rules import Rule, load_rules

RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0,
                 "include_unexpected_rows": False}


class _Gx:
    """One ephemeral GX context per run (importing GX costs seconds: do it once, lazily)."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        import great_expectations.expectations as gxe

        self.gxe = gxe
        self.context = gx.get_context(mode="ephemeral")
        try:
            from great_expectations.data_context.types.base import ProgressBarsConfig

            self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        except Exception:  # noqa: BLE001 - progress bars are cosmetic
            pass
        source = self.context.data_sources.add_pandas("warehouse")
        asset = source.add_dataframe_asset("regel")
        self.batch_definition = asset.add_batch_definition_whole_dataframe("alles")

    def validate(self, rule: Rule, frame: pd.DataFrame) -> dict:
        expectation = getattr(self.gxe, rule.expectation)(**rule.parameters)
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(expectation, result_format=RESULT_FORMAT)
        return {"success": bool(result.success),
                "element_count": int(result.result.get("element_count", len(frame))),
                "unexpected_count": int(result.result.get("unexpected_count", 0))}


def run_rules(con: duckdb.DuckDBPyConnection, periode: str | None = None
              ) -> tuple[list[dict], pd.DataFrame]:
    """Findings (cli.md shape) and the tidy results table (one row per rule x CG x kwartaal)."""
    rules = load_rules()
    kwartalen = set(parse_periode(periode).kwartalen) if periode else None
    gx = _Gx()
    tidy = []
    for rule in rules:
        params = {"drempel": rule.drempel} if "$drempel" in rule.sql else {}
        frame = con.execute(rule.sql, params).df()
        if kwartalen is not None:
            frame = frame[frame["kwartaal"].isin(kwartalen)]
        frame = frame.assign(ok=frame["ok"].astype(bool)).reset_index(drop=True)
        if frame.empty:
            continue
        summary = gx.validate(rule, frame)
        grouped = frame.groupby(["centrumgemeente", "kwartaal"])["ok"].agg(["size", "sum"])
        # GX and our own grouping must agree on the total; if not, trust neither.
        failing_total = int((~frame["ok"]).sum())
        if failing_total != summary["unexpected_count"]:
            raise RuntimeError(f"quality rule {rule.regel}: GX counted "
                               f"{summary['unexpected_count']} failing records, "
                               f"SQL {failing_total}")
        for (cg, kw), row in grouped.iterrows():
            checked, valid = int(row["size"]), int(row["sum"])
            tidy.append({"regel": rule.regel, "regel_id": rule.regel_id, "ernst": rule.ernst,
                         "centrumgemeente": cg, "kwartaal": kw, "gecontroleerd": checked,
                         "afwijkend": checked - valid,
                         "percentage_geldig": round(100 * valid / checked, 2)})
    results = pd.DataFrame(tidy, columns=["regel", "regel_id", "ernst", "centrumgemeente",
                                          "kwartaal", "gecontroleerd", "afwijkend",
                                          "percentage_geldig"])
    by_rule = {r.regel: r for r in rules}
    findings = [
        {"regel": r.regel, "ernst": r.ernst, "centrumgemeente": r.centrumgemeente,
         "kwartaal": r.kwartaal, "aantal": int(r.afwijkend),
         "toelichting": by_rule[r.regel].toelichting}
        for r in results[results["afwijkend"] > 0].itertuples()
    ]
    return findings, results
