"""capaciteit (optional): places available in the quarter per residential opvangvorm."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.common import (
    DeliveredModel,
    RowRule,
    Text,
    as_int,
    duplicate_key_rule,
    enum_rule,
    required_rule,
    value_rule,
)
from schemas.formaat import KOLOMMEN, RESIDENTIELE_OPVANGVORMEN
from schemas.keys import no_key_conflict

SOORT = "capaciteit"
# the columns are the delivery format's (schemas/formaat.py); the rules below name them
KEY = KOLOMMEN[SOORT].key
REQUIRED = KOLOMMEN[SOORT].required


class CapaciteitModel(DeliveredModel):
    opvangvorm: Text = pa.Field(nullable=False)
    plaatsen: Text = pa.Field(nullable=False)

    @pa.check("opvangvorm", name="opvangvorm_residentieel")
    def _vorm(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, pl.col(data.key).is_in(RESIDENTIELE_OPVANGVORMEN))

    @pa.check("plaatsen", name="plaatsen_bereik")
    def _plaatsen(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, as_int(data.key).is_between(0, 5000))

    @pa.dataframe_check(name="opvangvorm_dubbel")
    def _key(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return no_key_conflict(data, KEY)


RULES: dict[str, RowRule] = {
    **{f"not_nullable:{c}": required_rule(c) for c in REQUIRED},
    "opvangvorm_residentieel": enum_rule("opvangvorm", RESIDENTIELE_OPVANGVORMEN),
    "plaatsen_bereik": RowRule("plaatsen", "plaatsen is not a whole number 0-5000",
                            "Give the number of places available in the quarter."),
    "opvangvorm_dubbel": duplicate_key_rule("opvangvorm"),
}
