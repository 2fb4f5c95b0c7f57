"""instroom: one row per aanmelding received in the quarter (aanleverformaat 2); its columns
and their own rules are in ``schemas/formaat.py``, here the rules between columns."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.common import (
    KWARTAAL_START,
    RowRule,
    as_int,
    not_before,
    quarter_check,
    row_check,
    row_rule,
)
from schemas.formaat import NIET_GEPLAATST, UITKOMSTEN
from schemas.kolomregels import columns_model, rules_of

SOORT = "instroom"

col = pl.col


class InstroomModel(columns_model(SOORT)):
    _aanmelddatum_in_kwartaal = quarter_check(
        "aanmelddatum", "Deliver the aanmelding in the file of the quarter it was received, or "
        "correct the date.")

    @row_check("plaatsingsdatum_alleen_bij_geplaatst", "plaatsingsdatum",
               "plaatsingsdatum must be filled when uitkomst is geplaatst, and empty otherwise",
               "Fill in the plaatsingsdatum, or correct the uitkomst.")
    def _plaatsing_iff_geplaatst(cls, data: pa.PolarsData) -> pl.LazyFrame:
        uitkomst = col("uitkomst")
        known = uitkomst.is_in(UITKOMSTEN).fill_null(False)
        geplaatst = (uitkomst == "geplaatst").fill_null(False)
        return row_rule(data, ~known | (geplaatst == col("plaatsingsdatum").is_not_null()))

    @row_check("plaatsingsdatum_na_aanmelddatum", "plaatsingsdatum",
               "plaatsingsdatum is before aanmelddatum",
               "Check both dates: a client is placed on or after the day of the aanmelding.")
    def _plaatsing_na_aanmelding(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return row_rule(data, not_before("plaatsingsdatum", "aanmelddatum"))

    @row_check("reden_alleen_bij_niet_geplaatst", "reden_niet_geplaatst",
               "reden_niet_geplaatst is filled while uitkomst is not doorverwezen or "
               "niet_geplaatst",
               "Leave reden_niet_geplaatst empty for an aanmelding that was placed or is still "
               "being handled, or correct the uitkomst.")
    def _reden_alleen_bij_niet_geplaatst(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # v1.1: a reason only where the aanmelding did not lead to a place; a row whose
        # uitkomst is missing or unknown is left to uitkomst's own rules
        uitkomst = col("uitkomst")
        known = uitkomst.is_in(UITKOMSTEN).fill_null(False)
        niet_geplaatst = uitkomst.is_in(NIET_GEPLAATST).fill_null(False)
        return row_rule(data, ~known | niet_geplaatst | col("reden_niet_geplaatst").is_null())

    @row_check("geboortejaar_bereik", "geboortejaar",
               "geboortejaar is not a year from 1900 up to the quarter's year",
               "Give the four-digit year of birth, or leave it empty when unknown.")
    def _geboortejaar(cls, data: pa.PolarsData) -> pl.LazyFrame:
        jaar = as_int("geboortejaar")
        kwartaaljaar = col(KWARTAAL_START).str.slice(0, 4).cast(pl.Int64, strict=False)
        ok = ((jaar >= 1900) & (jaar <= kwartaaljaar)).fill_null(False)
        return row_rule(data, col("geboortejaar").is_null() | ok)


RULES: dict[str, RowRule] = rules_of(InstroomModel)
