"""The duplicate-key rule shared by all record types."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.common import BRON, CONTEXT_COLUMNS, row_rule


def no_key_conflict(data: pa.PolarsData, key: str) -> pl.LazyFrame:
    """False for every row whose key is shared, in the same file, by a row with different
    content.

    Exact duplicates (same key, same values) are not conflicts: the loader keeps one of
    them and counts the rest as a warning. Keys are unique per file, not per batch of
    files validated together (``ctx_bron``).
    """
    names = data.lazyframe.collect_schema().names()
    content = [c for c in names if c not in CONTEXT_COLUMNS]
    scope = [BRON, key] if BRON in names else [key]
    if not data.lazyframe.select(repeated(scope).any()).collect().item():
        # keys nearly always are unique: then there is nothing to compare (a tenth of the
        # time of grouping a million rows by key)
        return data.lazyframe.select(pl.repeat(True, pl.len()).alias("ok"))
    versions = pl.struct(content).n_unique().over(scope)
    return row_rule(data, pl.col(key).is_null() | (versions == 1))


def repeated(columns: list[str]) -> pl.Expr:
    """Rows whose values in ``columns`` occur more than once (missing equals missing).
    Hashing the columns as one struct is about twice as fast as one string column alone."""
    return pl.struct(columns).is_duplicated()
