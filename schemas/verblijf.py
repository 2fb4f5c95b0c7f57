"""verblijf: one row per care episode active at any time in the quarter (aanleverformaat 2)."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.common import (
    CLIENT_ID_RULE,
    KWARTAAL_EIND,
    KWARTAAL_START,
    ClientModel,
    RowRule,
    Text,
    applicable,
    date_rules,
    duplicate_key_rule,
    enum_rule,
    is_valid_date,
    required_rule,
    row_rule,
    value_rule,
)
from schemas.formaat import KOLOMMEN, OPVANGVORMEN
from schemas.keys import no_key_conflict

SOORT = "verblijf"
# the columns are the delivery format's (schemas/formaat.py); the rules below name them
KEY = KOLOMMEN[SOORT].key
REQUIRED = KOLOMMEN[SOORT].required

col = pl.col


class VerblijfModel(ClientModel):
    verblijf_id: Text = pa.Field(nullable=False)
    startdatum: Text = pa.Field(nullable=False)
    einddatum: Text = pa.Field(nullable=True)
    opvangvorm: Text = pa.Field(nullable=False)
    aanmelding_id: Text = pa.Field(nullable=True)

    @pa.check("verblijf_id", name="verblijf_id_lengte")
    def _verblijf_id(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).str.len_chars().is_between(1, 64))

    @pa.check("aanmelding_id", name="aanmelding_id_lengte")
    def _aanmelding_id(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).str.len_chars().is_between(1, 64))

    @pa.check("startdatum", name="startdatum_is_datum")
    def _start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, is_valid_date(data.key))

    @pa.check("einddatum", name="einddatum_is_datum")
    def _eind(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, is_valid_date(data.key))

    @pa.check("opvangvorm", name="opvangvorm_waarde")
    def _opvangvorm(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).is_in(OPVANGVORMEN))

    @pa.dataframe_check(name="startdatum_na_kwartaal")
    def _start_in_time(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return row_rule(data, ~applicable("startdatum")
                        | (col("startdatum") <= col(KWARTAAL_EIND)).fill_null(False))

    @pa.dataframe_check(name="einddatum_voor_startdatum")
    def _eind_na_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return row_rule(data, ~applicable("startdatum", "einddatum")
                        | (col("einddatum") >= col("startdatum")).fill_null(False))

    @pa.dataframe_check(name="einddatum_buiten_kwartaal")
    def _eind_in_kwartaal(cls, data: pa.PolarsData) -> pl.LazyFrame:
        e = col("einddatum")
        inside = (e >= col(KWARTAAL_START)) & (e <= col(KWARTAAL_EIND))
        return row_rule(data, ~applicable("einddatum") | inside.fill_null(False))

    @pa.dataframe_check(name="verblijf_id_dubbel")
    def _key(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return no_key_conflict(data, KEY)


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
