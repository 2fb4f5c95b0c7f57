"""Evaluation for issue 17: the verblijf row rules on pandera's polars and ibis (DuckDB)
backends, against the pandas path the loader uses, on the same million-row file.

Not part of the product: run it in a scratch venv that has polars and ibis-framework
(``pip install "pandera[polars,ibis]==0.35.0" polars "ibis-framework[duckdb]"``):

    python bench/backends/verblijf_backends.py FILE.csv

It ports the nine verblijf rules (shape, length, two dates, the enum, three date
comparisons, the duplicate key) to each backend, validates lazily, and prints the seconds,
the number of failure cases and whether each failure can be traced to its source line.
"""

from __future__ import annotations

import sys
import time

PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"
ISO = r"^\d{4}-\d{2}-\d{2}$"
FORMS = ["crisisopvang", "residentieel", "ambulant"]
START, END = "2025-01-01", "2025-03-31"


def polars_run(path: str) -> dict:
    import pandera.polars as pap
    import polars as pl

    def valid_date(c: str) -> pl.Expr:
        col = pl.col(c)
        return col.str.contains(ISO) & col.str.to_date("%Y-%m-%d", strict=False).is_not_null()

    class Verblijf(pap.DataFrameModel):
        bronregel: int
        client_id: str = pap.Field(nullable=False)
        verblijf_id: str = pap.Field(nullable=False)
        startdatum: str = pap.Field(nullable=False)
        einddatum: str = pap.Field(nullable=True)
        opvangvorm: str = pap.Field(nullable=False)
        aanmelding_id: str = pap.Field(nullable=True)

        @pap.check("client_id", name="client_id_vorm")
        def _cid(cls, data: pap.PolarsData) -> pl.LazyFrame:
            return data.lazyframe.select(pl.col(data.key).str.contains(PATTERN))

        @pap.check("verblijf_id", name="verblijf_id_lengte")
        def _vid(cls, data: pap.PolarsData) -> pl.LazyFrame:
            return data.lazyframe.select(pl.col(data.key).str.len_chars().is_between(1, 64))

        @pap.check("startdatum", name="startdatum_is_datum")
        def _start(cls, data: pap.PolarsData) -> pl.LazyFrame:
            return data.lazyframe.select(valid_date(data.key))

        @pap.check("einddatum", name="einddatum_is_datum")
        def _eind(cls, data: pap.PolarsData) -> pl.LazyFrame:
            # a custom check's nulls are not skipped here: say so in the rule
            return data.lazyframe.select(pl.col(data.key).is_null() | valid_date(data.key))

        @pap.check("opvangvorm", name="opvangvorm_waarde")
        def _vorm(cls, data: pap.PolarsData) -> pl.LazyFrame:
            return data.lazyframe.select(pl.col(data.key).is_in(FORMS))

        @pap.dataframe_check(name="startdatum_na_kwartaal")
        def _s(cls, data: pap.PolarsData) -> pl.LazyFrame:
            return data.lazyframe.select(~valid_date("startdatum") | (pl.col("startdatum") <= END))

        @pap.dataframe_check(name="einddatum_voor_startdatum")
        def _e(cls, data: pap.PolarsData) -> pl.LazyFrame:
            ok = valid_date("startdatum") & valid_date("einddatum")
            return data.lazyframe.select((~ok | (pl.col("einddatum") >= pl.col("startdatum")))
                                         .fill_null(True))

        @pap.dataframe_check(name="einddatum_buiten_kwartaal")
        def _q(cls, data: pap.PolarsData) -> pl.LazyFrame:
            e = pl.col("einddatum")
            return data.lazyframe.select((~valid_date("einddatum") | ((e >= START) & (e <= END)))
                                         .fill_null(True))

        @pap.dataframe_check(name="verblijf_id_dubbel")
        def _k(cls, data: pap.PolarsData) -> pl.LazyFrame:
            content = ["client_id", "verblijf_id", "startdatum", "einddatum", "opvangvorm",
                       "aanmelding_id"]
            distinct = pl.struct(content).n_unique().over("verblijf_id")
            return data.lazyframe.select(pl.col("verblijf_id").is_null() | (distinct == 1))

        class Config:
            strict = False

    t0 = time.perf_counter()
    frame = pl.read_csv(path, separator=";", infer_schema=False).with_row_index(
        "bronregel", offset=2).with_columns(pl.col("bronregel").cast(pl.Int64))
    frame = frame.with_columns(pl.col(c).str.strip_chars().replace("", None)
                               for c in frame.columns if c != "bronregel")
    t1 = time.perf_counter()
    try:
        Verblijf.validate(frame, lazy=True)
        cases = None
    except pap.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    t2 = time.perf_counter()
    return {"backend": "polars", "read_s": round(t1 - t0, 2), "validate_s": round(t2 - t1, 2),
            "failure_cases": 0 if cases is None else cases.height,
            "per_check": {} if cases is None else dict(
                cases.group_by("check").len().iter_rows()),
            "columns": [] if cases is None else cases.columns,
            "row_index_present": cases is not None and cases["index"].null_count() == 0}


def ibis_run(path: str) -> dict:
    import ibis
    import pandera.ibis as pai

    def valid_date(col):
        return col.re_search(ISO) & col.try_cast("date").notnull()

    class Verblijf(pai.DataFrameModel):
        bronregel: int
        client_id: str = pai.Field(nullable=False)
        verblijf_id: str = pai.Field(nullable=False)
        startdatum: str = pai.Field(nullable=False)
        einddatum: str = pai.Field(nullable=True)
        opvangvorm: str = pai.Field(nullable=False)
        aanmelding_id: str = pai.Field(nullable=True)

        @pai.check("client_id", name="client_id_vorm")
        def _cid(cls, data):
            return data.table[data.key].re_search(PATTERN)

        @pai.check("verblijf_id", name="verblijf_id_lengte")
        def _vid(cls, data):
            return data.table[data.key].length().between(1, 64)

        @pai.check("startdatum", name="startdatum_is_datum")
        def _start(cls, data):
            return valid_date(data.table[data.key])

        @pai.check("einddatum", name="einddatum_is_datum")
        def _eind(cls, data):
            return valid_date(data.table[data.key])

        @pai.check("opvangvorm", name="opvangvorm_waarde")
        def _vorm(cls, data):
            return data.table[data.key].isin(FORMS)

        @pai.dataframe_check(name="startdatum_na_kwartaal")
        def _s(cls, data):
            t = data.table
            return ~valid_date(t.startdatum) | (t.startdatum <= END)

        @pai.dataframe_check(name="einddatum_voor_startdatum")
        def _e(cls, data):
            t = data.table
            ok = valid_date(t.startdatum) & valid_date(t.einddatum)
            return (~ok | (t.einddatum >= t.startdatum)).fill_null(True)

        @pai.dataframe_check(name="einddatum_buiten_kwartaal")
        def _q(cls, data):
            t = data.table
            return (~valid_date(t.einddatum) | ((t.einddatum >= START) & (t.einddatum <= END))
                    ).fill_null(True)

        @pai.dataframe_check(name="verblijf_id_dubbel")
        def _k(cls, data):
            t = data.table
            content = ibis.literal("|").join([t[c].fill_null("\x00") for c in (
                "client_id", "startdatum", "einddatum", "opvangvorm", "aanmelding_id")])
            w = ibis.window(group_by=t.verblijf_id)
            return t.verblijf_id.isnull() | (content.nunique().over(w) == 1)

        class Config:
            strict = False

    con = ibis.duckdb.connect()
    t0 = time.perf_counter()
    con.raw_sql(f"""CREATE TABLE v AS SELECT row_number() OVER () + 1 AS bronregel, * REPLACE (
        nullif(trim(client_id), '') AS client_id) FROM read_csv('{path}', delim=';',
        header=true, all_varchar=true)""")
    table = con.table("v")
    t1 = time.perf_counter()
    try:
        Verblijf.validate(table, lazy=True).execute()
        cases = None
    except pai.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    t2 = time.perf_counter()
    import pandas as pd

    cases_df = cases if isinstance(cases, pd.DataFrame) else (
        None if cases is None else cases.execute())
    return {"backend": "ibis (DuckDB)", "read_s": round(t1 - t0, 2),
            "validate_s": round(t2 - t1, 2),
            "failure_cases": 0 if cases_df is None else len(cases_df),
            "per_check": {} if cases_df is None else cases_df["check"].astype(str)
            .value_counts().to_dict(),
            "columns": [] if cases_df is None else list(cases_df.columns),
            "row_index_present": cases_df is not None and "index" in cases_df
            and cases_df["index"].notna().all()}


if __name__ == "__main__":
    for run in (polars_run, ibis_run):
        try:
            print(run(sys.argv[1]))
        except Exception as exc:  # noqa: BLE001 - an evaluation reports what broke
            print({"backend": run.__name__, "error": f"{type(exc).__name__}: {exc}"[:600]})
