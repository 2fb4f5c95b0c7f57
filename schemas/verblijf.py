"""verblijf: one row per care episode active at any time in the quarter (aanleverformaat 2)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import (
    CLIENT_ID_RULE,
    KWARTAAL_EIND,
    KWARTAAL_START,
    OPVANGVORMEN,
    ClientModel,
    RowRule,
    Text,
    applicable,
    date_rules,
    duplicate_key_rule,
    enum_rule,
    holds,
    is_valid_date,
    required_rule,
)
from schemas.keys import key_conflicts

SOORT = "verblijf"
KEY = "verblijf_id"
REQUIRED = ("client_id", "verblijf_id", "startdatum", "opvangvorm")
OPTIONAL = ("einddatum", "aanmelding_id")
DATE_COLUMNS = ("startdatum", "einddatum")
INT_COLUMNS: tuple[str, ...] = ()
ENUM_COLUMNS = ("opvangvorm",)
CODE_COLUMNS: tuple[str, ...] = ()


class VerblijfModel(ClientModel):
    verblijf_id: Text = pa.Field(nullable=False)
    startdatum: Text = pa.Field(nullable=False)
    einddatum: Text = pa.Field(nullable=True)
    opvangvorm: Text = pa.Field(nullable=False)
    aanmelding_id: Text = pa.Field(nullable=True)

    @pa.check("verblijf_id", name="verblijf_id_lengte")
    def _verblijf_id(cls, s: Text) -> Series[bool]:
        return s.str.len().between(1, 64)

    @pa.check("aanmelding_id", name="aanmelding_id_lengte")
    def _aanmelding_id(cls, s: Text) -> Series[bool]:
        return s.str.len().between(1, 64)

    @pa.check("startdatum", name="startdatum_is_datum")
    def _start(cls, s: Text) -> Series[bool]:
        return is_valid_date(s)

    @pa.check("einddatum", name="einddatum_is_datum")
    def _eind(cls, s: Text) -> Series[bool]:
        return is_valid_date(s)

    @pa.check("opvangvorm", name="opvangvorm_waarde")
    def _opvangvorm(cls, s: Text) -> Series[bool]:
        return s.isin(OPVANGVORMEN)

    @pa.dataframe_check(name="startdatum_na_kwartaal")
    def _start_in_time(cls, df: pd.DataFrame) -> Series[bool]:
        s = df["startdatum"]
        return ~applicable(s) | holds(s <= df[KWARTAAL_EIND])

    @pa.dataframe_check(name="einddatum_voor_startdatum")
    def _eind_na_start(cls, df: pd.DataFrame) -> Series[bool]:
        s, e = df["startdatum"], df["einddatum"]
        return ~applicable(s, e) | holds(e >= s)

    @pa.dataframe_check(name="einddatum_buiten_kwartaal")
    def _eind_in_kwartaal(cls, df: pd.DataFrame) -> Series[bool]:
        e = df["einddatum"]
        inside = (e >= df[KWARTAAL_START]) & (e <= df[KWARTAAL_EIND])
        return ~applicable(e) | holds(inside)

    @pa.dataframe_check(name="verblijf_id_dubbel")
    def _key(cls, df: pd.DataFrame) -> Series[bool]:
        return ~key_conflicts(df, KEY)


RULES: dict[str, RowRule] = {
    **{f"not_nullable:{c}": required_rule(c) for c in REQUIRED},
    "client_id_vorm": CLIENT_ID_RULE,
    "verblijf_id_lengte": RowRule("verblijf_id", "verblijf_id is longer than 64 characters",
                               "Shorten the key to at most 64 characters."),
    "aanmelding_id_lengte": RowRule("aanmelding_id", "aanmelding_id is longer than 64 characters",
                                 "Shorten the key to at most 64 characters."),
    **date_rules("startdatum", "startdatum"),
    **date_rules("einddatum", "einddatum"),
    "opvangvorm_waarde": enum_rule("opvangvorm", OPVANGVORMEN),
    "startdatum_na_kwartaal": RowRule(
        "startdatum", "startdatum is after the end of the quarter of this delivery",
        "An episode that starts later belongs in a later quarter's delivery; check the date.",
    ),
    "einddatum_voor_startdatum": RowRule(
        "einddatum", "einddatum is before startdatum", "Check both dates of the episode.",
    ),
    "einddatum_buiten_kwartaal": RowRule(
        "einddatum", "einddatum is outside the quarter of this delivery",
        "An episode that ended before the quarter does not belong in this delivery; one that "
        "ends after the quarter is still running at quarter end: leave einddatum empty.",
    ),
    "verblijf_id_dubbel": duplicate_key_rule("verblijf_id"),
}
