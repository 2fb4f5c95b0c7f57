"""uitstroom: one row per client who left the organisation's care in the quarter. Its
columns and their rules are declared in ``schemas/formaat.py``; one rule compares columns."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.common import RowRule, in_quarter, row_check, row_rule
from schemas.kolomregels import columns_model, rules_of

SOORT = "uitstroom"


class UitstroomModel(columns_model(SOORT)):
    @row_check("uitstroomdatum_in_kwartaal", "uitstroomdatum",
               "uitstroomdatum is outside the quarter of this delivery",
               "Deliver the uitstroom in the file of the quarter the client left, or correct "
               "the date.")
    def _in_kwartaal(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return row_rule(data, in_quarter("uitstroomdatum"))


RULES: dict[str, RowRule] = rules_of(UitstroomModel)
