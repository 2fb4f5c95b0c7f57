"""Run a soort's pandera schema over a Polars frame in one pass.

pandera stays the home of every row rule: this module calls the schema's own check
objects (the functions in ``schemas/``) and reads its columns' ``nullable``. What it
changes is how they are run. pandera collects each check on its own, then again for its
failure cases and its summary: three queries per check, one after another. Here every
check's query is collected together (``pl.collect_all``: Polars runs them side by side)
and the failures are read from the results. On 10^6 rows that is 0.26 CPU seconds less
for instroom and verblijf together (docs/performance.md).

The outcome is pandera's, row for row: ``tests/test_rule_pass.py`` compares the failure
cases of both on random frames and on every defect of ``synth --defecten``. A schema
that uses a feature this runner does not replay (coercion, uniqueness, element-wise or
grouped checks, warnings) is refused, not approximated.
"""

from __future__ import annotations

import polars as pl
from pandera.api.polars.container import DataFrameSchema
from pandera.api.polars.types import PolarsData

#: The failure cases, as pandera's ``failure_cases`` carries them (the columns we read).
FAILURE_CASES = {"check": pl.String, "column": pl.String, "index": pl.Int64}


class UnsupportedSchema(TypeError):
    """The schema uses a pandera feature that this runner does not replay."""


def failure_cases(schema: DataFrameSchema, frame: pl.DataFrame) -> pl.DataFrame:
    """Every (check, column, row position) that fails, like pandera's lazy validation.

    A column check is reported with its column; a check of the whole frame with none. A
    check that raises is a fault in the rules or in how the frame was prepared: it is
    raised as such, with the check's name.
    """
    _refuse_unsupported(schema, frame)
    lf = frame.lazy()
    names: list[tuple[str, str | None]] = []
    queries: list[pl.LazyFrame] = []
    for column_name, column in schema.columns.items():
        if not column.nullable:
            names.append(("not_nullable", column_name))
            queries.append(lf.select(pl.col(column_name).is_not_null().alias("ok")))
        for check in column.checks:
            names.append((_name(check), column_name))
            queries.append(_outcome(check, lf, column_name))
    for check in schema.checks:
        names.append((_name(check), None))
        queries.append(_outcome(check, lf, "*"))
    try:
        results = pl.collect_all(queries)
    except Exception:  # a rule failed to run: run them one by one to name it
        for (check, column), query in zip(names, queries, strict=True):
            try:
                query.collect()
            except Exception as exc:
                raise RuntimeError(f"rule {check} ({column or 'row'}) could not be run: "
                                   f"{exc}") from exc
        raise
    parts = []
    for (check, column), result in zip(names, results, strict=True):
        failed = result.select(pl.arg_where(~pl.col("ok")).alias("index"))
        if failed.height:
            parts.append(failed.select(pl.lit(check).alias("check"),
                                       pl.lit(column).alias("column"),
                                       "index").cast(FAILURE_CASES))
    return pl.concat(parts) if parts else pl.DataFrame(schema=FAILURE_CASES)


def _outcome(check, lf: pl.LazyFrame, key: str) -> pl.LazyFrame:
    """One check's pass or fail per row, as pandera's Polars check backend reads a check's
    output: several columns are all required to hold, and a missing outcome passes when
    the check ignores missing values (``ignore_na``) and fails otherwise."""
    try:
        out = check._check_fn(PolarsData(lf, key), **check._check_kwargs)
        columns = out.collect_schema().names() if isinstance(out, pl.LazyFrame) else None
    except Exception as exc:
        raise RuntimeError(f"rule {_name(check)} could not be run: {exc}") from exc
    if columns is None:
        raise UnsupportedSchema(f"check {_name(check)} does not return a frame of outcomes")
    ok = pl.all_horizontal(pl.all()) if len(columns) > 1 else pl.col(columns[0])
    ok = (ok | ok.is_null()) if check.ignore_na else ok.fill_null(False)
    return out.select(ok.alias("ok"))


def _name(check) -> str:
    """The name pandera reports a failed check by."""
    return check.error if check.error is not None else (
        check.name if check.name is not None else str(check))


def _refuse_unsupported(schema: DataFrameSchema, frame: pl.DataFrame) -> None:
    problems = []
    if schema.coerce or schema.unique or schema.parsers or schema.add_missing_columns:
        problems.append("coercion, parsers, added columns or a unique constraint")
    if schema.strict and set(frame.columns) != set(schema.columns):
        problems.append(f"the frame's columns {sorted(frame.columns)} are not the schema's")
    for name, column in schema.columns.items():
        if column.unique or column.coerce or column.dtype is not None or column.parsers:
            problems.append(f"column {name}: dtype, coercion, parsers or uniqueness")
        if column.regex:
            problems.append(f"column {name}: a pattern of column names")
    for check in [c for col in schema.columns.values() for c in col.checks] + schema.checks:
        if (check.element_wise or check.groupby is not None or check.raise_warning
                or check.n_failure_cases is not None):
            problems.append(f"check {_name(check)}: element-wise, grouped, a warning or "
                            "a limited number of failure cases")
    if problems:
        raise UnsupportedSchema("the one-pass runner cannot replay this schema: "
                                + "; ".join(problems))
