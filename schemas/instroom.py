"""instroom: one row per aanmelding received in the quarter (aanleverformaat 2)."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.common import (
    CLIENT_ID_RULE,
    GEMEENTE_PATTERN,
    KWARTAAL_EIND,
    KWARTAAL_START,
    ClientModel,
    RowRule,
    Text,
    applicable,
    as_int,
    date_rules,
    duplicate_key_rule,
    enum_rule,
    fullmatch,
    is_valid_date,
    required_rule,
    row_rule,
    value_rule,
)
from schemas.formaat import GESLACHTEN, KOLOMMEN, OPVANGVORMEN, UITKOMSTEN, VERWIJZERS
from schemas.gemeenten import gemeente_rule, known_gemeente
from schemas.keys import no_key_conflict

SOORT = "instroom"
# the columns are the delivery format's (schemas/formaat.py); the rules below name them
KEY = KOLOMMEN[SOORT].key
REQUIRED = KOLOMMEN[SOORT].required

col = pl.col


class InstroomModel(ClientModel):
    aanmelding_id: Text = pa.Field(nullable=False)
    aanmelddatum: Text = pa.Field(nullable=False)
    uitkomst: Text = pa.Field(nullable=False)
    plaatsingsdatum: Text = pa.Field(nullable=True)
    opvangvorm: Text = pa.Field(nullable=False)
    gemeente_herkomst: Text = pa.Field(nullable=True)
    verwijzer: Text = pa.Field(nullable=True)
    geslacht: Text = pa.Field(nullable=False)
    geboortejaar: Text = pa.Field(nullable=True)
    aantal_kinderen: Text = pa.Field(nullable=True)

    @pa.check("aanmelding_id", name="aanmelding_id_lengte")
    def _aanmelding_id(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).str.len_chars().is_between(1, 64))

    @pa.check("aanmelddatum", name="aanmelddatum_is_datum")
    def _aanmelddatum(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, is_valid_date(data.key))

    @pa.check("plaatsingsdatum", name="plaatsingsdatum_is_datum")
    def _plaatsingsdatum(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, is_valid_date(data.key))

    @pa.check("uitkomst", name="uitkomst_waarde")
    def _uitkomst(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).is_in(UITKOMSTEN))

    @pa.check("opvangvorm", name="opvangvorm_waarde")
    def _opvangvorm(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).is_in(OPVANGVORMEN))

    @pa.check("verwijzer", name="verwijzer_waarde")
    def _verwijzer(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).is_in(VERWIJZERS))

    @pa.check("geslacht", name="geslacht_waarde")
    def _geslacht(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).is_in(GESLACHTEN))

    @pa.check("gemeente_herkomst", name="gemeente_herkomst_vorm")
    def _herkomst_vorm(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, fullmatch(data.key, GEMEENTE_PATTERN))

    @pa.check("gemeente_herkomst", name="gemeente_herkomst_bekend")
    def _herkomst_bekend(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return known_gemeente(data)

    @pa.check("aantal_kinderen", name="aantal_kinderen_bereik")
    def _kinderen(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, as_int(data.key).is_between(0, 15))

    @pa.dataframe_check(name="aanmelddatum_in_kwartaal")
    def _aanmelddatum_in_kwartaal(cls, data: pa.PolarsData) -> pl.LazyFrame:
        d = col("aanmelddatum")
        inside = (d >= col(KWARTAAL_START)) & (d <= col(KWARTAAL_EIND))
        return row_rule(data, ~applicable("aanmelddatum") | inside.fill_null(False))

    @pa.dataframe_check(name="plaatsingsdatum_alleen_bij_geplaatst")
    def _plaatsing_iff_geplaatst(cls, data: pa.PolarsData) -> pl.LazyFrame:
        uitkomst = col("uitkomst")
        known = uitkomst.is_in(UITKOMSTEN).fill_null(False)
        geplaatst = (uitkomst == "geplaatst").fill_null(False)
        return row_rule(data, ~known | (geplaatst == col("plaatsingsdatum").is_not_null()))

    @pa.dataframe_check(name="plaatsingsdatum_na_aanmelddatum")
    def _plaatsing_na_aanmelding(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return row_rule(data, ~applicable("aanmelddatum", "plaatsingsdatum")
                        | (col("plaatsingsdatum") >= col("aanmelddatum")).fill_null(False))

    @pa.dataframe_check(name="geboortejaar_bereik")
    def _geboortejaar(cls, data: pa.PolarsData) -> pl.LazyFrame:
        jaar = as_int("geboortejaar")
        kwartaaljaar = col(KWARTAAL_START).str.slice(0, 4).cast(pl.Int64, strict=False)
        ok = ((jaar >= 1900) & (jaar <= kwartaaljaar)).fill_null(False)
        return row_rule(data, col("geboortejaar").is_null() | ok)

    @pa.dataframe_check(name="aanmelding_id_dubbel")
    def _key(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return no_key_conflict(data, KEY)


RULES: dict[str, RowRule] = {
    **{f"not_nullable:{c}": required_rule(c) for c in REQUIRED},
    "client_id_vorm": CLIENT_ID_RULE,
    "aanmelding_id_lengte": RowRule("aanmelding_id", "aanmelding_id is longer than 64 characters",
                                 "Shorten the key to at most 64 characters."),
    **date_rules("aanmelddatum", "aanmelddatum"),
    **date_rules("plaatsingsdatum", "plaatsingsdatum"),
    "uitkomst_waarde": enum_rule("uitkomst", UITKOMSTEN),
    "opvangvorm_waarde": enum_rule("opvangvorm", OPVANGVORMEN),
    "verwijzer_waarde": enum_rule("verwijzer", VERWIJZERS),
    "geslacht_waarde": enum_rule("geslacht", GESLACHTEN),
    "gemeente_herkomst_vorm": gemeente_rule("gemeente_herkomst")[0],
    "gemeente_herkomst_bekend": gemeente_rule("gemeente_herkomst")[1],
    "aantal_kinderen_bereik": RowRule(
        "aantal_kinderen", "aantal_kinderen is not a whole number 0-15",
        "Give the number of children who came along, 0 to 15."),
    "aanmelddatum_in_kwartaal": RowRule(
        "aanmelddatum", "aanmelddatum is outside the quarter of this delivery",
        "Deliver the aanmelding in the file of the quarter it was received, or correct the date.",
    ),
    "plaatsingsdatum_alleen_bij_geplaatst": RowRule(
        "plaatsingsdatum", "plaatsingsdatum must be filled when uitkomst is geplaatst, "
        "and empty otherwise", "Fill in the plaatsingsdatum, or correct the uitkomst.",
    ),
    "plaatsingsdatum_na_aanmelddatum": RowRule(
        "plaatsingsdatum", "plaatsingsdatum is before aanmelddatum",
        "Check both dates: a client is placed on or after the day of the aanmelding.",
    ),
    "geboortejaar_bereik": RowRule(
        "geboortejaar", "geboortejaar is not a year from 1900 up to the quarter's year",
        "Give the four-digit year of birth, or leave it empty when unknown.",
    ),
    "aanmelding_id_dubbel": duplicate_key_rule("aanmelding_id"),
}
