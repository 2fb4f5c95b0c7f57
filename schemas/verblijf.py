"""verblijf: one row per care episode active at any time in the quarter (aanleverformaat 2).
What each column must be is declared in ``schemas/formaat.py``; the episode's dates are
compared here."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.common import (
    KWARTAAL_EIND,
    RowRule,
    applicable,
    not_before,
    quarter_check,
    row_check,
    row_rule,
)
from schemas.kolomregels import columns_model, rules_of

SOORT = "verblijf"


class VerblijfModel(columns_model(SOORT)):
    @row_check("startdatum_na_kwartaal", "startdatum",
               "startdatum is after the end of the quarter of this delivery",
               "An episode that starts later belongs in a later quarter's delivery; check the "
               "date.")
    def _start_in_time(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return row_rule(data, ~applicable("startdatum")
                        | (pl.col("startdatum") <= pl.col(KWARTAAL_EIND)).fill_null(False))

    @row_check("einddatum_voor_startdatum", "einddatum", "einddatum is before startdatum",
               "Check both dates of the episode.")
    def _eind_na_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return row_rule(data, not_before("einddatum", "startdatum"))

    _eind_in_kwartaal = quarter_check(
        "einddatum", "An episode that ended before the quarter does not belong in this "
        "delivery; one that ends after the quarter is still running at quarter end: leave "
        "einddatum empty.", name="einddatum_buiten_kwartaal")


RULES: dict[str, RowRule] = rules_of(VerblijfModel)
