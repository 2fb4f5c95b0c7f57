"""capaciteit (optional): places available in the quarter per residential opvangvorm."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import (
    RESIDENTIELE_OPVANGVORMEN,
    DeliveredModel,
    RowRule,
    Text,
    as_int,
    duplicate_key_rule,
    enum_rule,
    holds,
    required_rule,
)
from schemas.keys import key_conflicts

SOORT = "capaciteit"
KEY = "opvangvorm"
REQUIRED = ("opvangvorm", "plaatsen")
OPTIONAL: tuple[str, ...] = ()
DATE_COLUMNS: tuple[str, ...] = ()
INT_COLUMNS = ("plaatsen",)
ENUM_COLUMNS = ("opvangvorm",)
CODE_COLUMNS: tuple[str, ...] = ()

class CapaciteitModel(DeliveredModel):
    opvangvorm: Text = pa.Field(nullable=False)
    plaatsen: Text = pa.Field(nullable=False)

    @pa.check("opvangvorm", name="opvangvorm_residentieel")
    def _vorm(cls, s: Text) -> Series[bool]:
        return s.isin(RESIDENTIELE_OPVANGVORMEN)

    @pa.check("plaatsen", name="plaatsen_bereik")
    def _plaatsen(cls, s: Text) -> Series[bool]:
        return holds(as_int(s).between(0, 5000))

    @pa.dataframe_check(name="opvangvorm_dubbel")
    def _key(cls, df: pd.DataFrame) -> Series[bool]:
        return ~key_conflicts(df, KEY)


RULES: dict[str, RowRule] = {
    **{f"not_nullable:{c}": required_rule(c) for c in REQUIRED},
    "opvangvorm_residentieel": enum_rule("opvangvorm", RESIDENTIELE_OPVANGVORMEN),
    "plaatsen_bereik": RowRule("plaatsen", "plaatsen is not a whole number 0-5000",
                            "Give the number of places available in the quarter."),
    "opvangvorm_dubbel": duplicate_key_rule("opvangvorm"),
}
