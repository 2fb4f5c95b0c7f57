"""instroom: one row per aanmelding received in the quarter (aanleverformaat 2)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import (
    CLIENT_ID_RULE,
    GEMEENTE_PATTERN,
    GESLACHTEN,
    KWARTAAL_EIND,
    KWARTAAL_START,
    OPVANGVORMEN,
    UITKOMSTEN,
    VERWIJZERS,
    ClientModel,
    RowRule,
    Text,
    applicable,
    as_int,
    date_rules,
    duplicate_key_rule,
    enum_rule,
    holds,
    is_valid_date,
    required_rule,
)
from schemas.gemeenten import gemeente_rule, known_gemeente
from schemas.keys import key_conflicts

SOORT = "instroom"
KEY = "aanmelding_id"
REQUIRED = ("client_id", "aanmelding_id", "aanmelddatum", "uitkomst", "opvangvorm", "geslacht")
OPTIONAL = ("plaatsingsdatum", "gemeente_herkomst", "verwijzer", "geboortejaar", "aantal_kinderen")
DATE_COLUMNS = ("aanmelddatum", "plaatsingsdatum")
INT_COLUMNS = ("geboortejaar", "aantal_kinderen")
ENUM_COLUMNS = ("uitkomst", "opvangvorm", "verwijzer", "geslacht")
CODE_COLUMNS = ("gemeente_herkomst",)

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
    def _aanmelding_id(cls, s: Text) -> Series[bool]:
        return s.str.len().between(1, 64)

    @pa.check("aanmelddatum", name="aanmelddatum_is_datum")
    def _aanmelddatum(cls, s: Text) -> Series[bool]:
        return is_valid_date(s)

    @pa.check("plaatsingsdatum", name="plaatsingsdatum_is_datum")
    def _plaatsingsdatum(cls, s: Text) -> Series[bool]:
        return is_valid_date(s)

    @pa.check("uitkomst", name="uitkomst_waarde")
    def _uitkomst(cls, s: Text) -> Series[bool]:
        return s.isin(UITKOMSTEN)

    @pa.check("opvangvorm", name="opvangvorm_waarde")
    def _opvangvorm(cls, s: Text) -> Series[bool]:
        return s.isin(OPVANGVORMEN)

    @pa.check("verwijzer", name="verwijzer_waarde")
    def _verwijzer(cls, s: Text) -> Series[bool]:
        return s.isin(VERWIJZERS)

    @pa.check("geslacht", name="geslacht_waarde")
    def _geslacht(cls, s: Text) -> Series[bool]:
        return s.isin(GESLACHTEN)

    @pa.check("gemeente_herkomst", name="gemeente_herkomst_vorm")
    def _herkomst_vorm(cls, s: Text) -> Series[bool]:
        return s.str.fullmatch(GEMEENTE_PATTERN)

    @pa.check("gemeente_herkomst", name="gemeente_herkomst_bekend")
    def _herkomst_bekend(cls, s: Text) -> Series[bool]:
        return known_gemeente(s)

    @pa.check("aantal_kinderen", name="aantal_kinderen_bereik")
    def _kinderen(cls, s: Text) -> Series[bool]:
        return holds(as_int(s).between(0, 15))

    @pa.dataframe_check(name="aanmelddatum_in_kwartaal")
    def _aanmelddatum_in_kwartaal(cls, df: pd.DataFrame) -> Series[bool]:
        d = df["aanmelddatum"]
        inside = (d >= df[KWARTAAL_START]) & (d <= df[KWARTAAL_EIND])
        return ~applicable(d) | holds(inside)

    @pa.dataframe_check(name="plaatsingsdatum_alleen_bij_geplaatst")
    def _plaatsing_iff_geplaatst(cls, df: pd.DataFrame) -> Series[bool]:
        geplaatst = holds(df["uitkomst"].eq("geplaatst"))
        has_date = df["plaatsingsdatum"].notna().to_numpy()
        known = holds(df["uitkomst"].isin(UITKOMSTEN))
        return ~known | (geplaatst == has_date)

    @pa.dataframe_check(name="plaatsingsdatum_na_aanmelddatum")
    def _plaatsing_na_aanmelding(cls, df: pd.DataFrame) -> Series[bool]:
        a, p = df["aanmelddatum"], df["plaatsingsdatum"]
        return ~applicable(a, p) | holds(p >= a)

    @pa.dataframe_check(name="geboortejaar_bereik")
    def _geboortejaar(cls, df: pd.DataFrame) -> Series[bool]:
        jaar = as_int(df["geboortejaar"])
        kwartaaljaar = as_int(df[KWARTAAL_START].str.slice(0, 4))
        ok = holds((jaar >= 1900) & (jaar <= kwartaaljaar))
        return df["geboortejaar"].isna().to_numpy() | ok

    @pa.dataframe_check(name="aanmelding_id_dubbel")
    def _key(cls, df: pd.DataFrame) -> Series[bool]:
        return ~key_conflicts(df, KEY)


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
