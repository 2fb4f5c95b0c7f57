"""Municipality codes: shape and whether the reference data knows them."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.common import RowRule, value_rule


def known_gemeente(data: pa.PolarsData) -> pl.LazyFrame:
    """True for BUITENLAND, a 2025 code, or an older code that maps to one.

    An old code (e.g. GM0501 Brielle, merged into Voorne aan Zee in 2023) is valid
    in a delivery: the models map it to the current code. The few distinct codes are
    looked up once each.
    """
    from schemas.reference_tables import load_reference

    ref = load_reference()
    codes = (data.lazyframe.select(pl.col(data.key).drop_nulls().unique()).collect()
             .to_series().to_list())
    known = [c for c in codes if c == "BUITENLAND" or ref.is_known_municipality(c)]
    return value_rule(data, pl.col(data.key).is_in(known))


def gemeente_rule(kolom: str) -> tuple[RowRule, RowRule]:
    return (
        RowRule(kolom, f"{kolom} is not a municipality code", "Use the CBS code GM + 4 digits "
             "(e.g. GM0344), BUITENLAND for abroad, or leave it empty when unknown."),
        RowRule(kolom, f"{kolom} is not a known municipality code",
             "Check the code against the CBS list of municipalities (current or former)."),
    )
