"""uitstroom: one row per client who left the organisation's care in the quarter."""

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
    date_rules,
    duplicate_key_rule,
    enum_rule,
    fullmatch,
    is_valid_date,
    required_rule,
    row_rule,
    value_rule,
)
from schemas.formaat import BELEMMERINGEN, BESTEMMINGEN, KOLOMMEN, REDENEN_EINDE
from schemas.gemeenten import gemeente_rule, known_gemeente
from schemas.keys import no_key_conflict

SOORT = "uitstroom"
# the columns are the delivery format's (schemas/formaat.py); the rules below name them
KEY = KOLOMMEN[SOORT].key
REQUIRED = KOLOMMEN[SOORT].required

#: How belemmeringen are delivered: values separated by |, spaces around them ignored.
SEPARATOR = "|"

col = pl.col


def belemmeringen_delen(column: str | pl.Expr) -> pl.Expr:
    """'geen_woning | financien' -> ['geen_woning', 'financien']; empty parts dropped.
    The one reading of the delivered text: the rule below and the warehouse's list
    column (``LIST_COLUMNS``) both use it."""
    text = pl.col(column) if isinstance(column, str) else column
    parts = text.str.split(SEPARATOR).list.eval(pl.element().str.strip_chars())
    return parts.list.eval(pl.element().filter(pl.element() != ""))


#: Columns the warehouse keeps as a list, and how the delivered text is read into one
#: (empty or missing: an empty list).
LIST_COLUMNS = {"belemmeringen": belemmeringen_delen}


class UitstroomModel(ClientModel):
    verblijf_id: Text = pa.Field(nullable=False)
    uitstroomdatum: Text = pa.Field(nullable=False)
    bestemming: Text = pa.Field(nullable=False)
    gemeente_bestemming: Text = pa.Field(nullable=True)
    reden_einde: Text = pa.Field(nullable=False)
    belemmeringen: Text = pa.Field(nullable=True)

    @pa.check("verblijf_id", name="verblijf_id_lengte")
    def _verblijf_id(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).str.len_chars().is_between(1, 64))

    @pa.check("uitstroomdatum", name="uitstroomdatum_is_datum")
    def _datum(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, is_valid_date(data.key))

    @pa.check("bestemming", name="bestemming_waarde")
    def _bestemming(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).is_in(BESTEMMINGEN))

    @pa.check("reden_einde", name="reden_einde_waarde")
    def _reden(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, col(data.key).is_in(REDENEN_EINDE))

    @pa.check("belemmeringen", name="belemmeringen_waarde")
    def _belemmeringen(cls, data: pa.PolarsData) -> pl.LazyFrame:
        allowed = belemmeringen_delen(data.key).list.eval(pl.element().is_in(BELEMMERINGEN))
        return value_rule(data, allowed.list.all())

    @pa.check("gemeente_bestemming", name="gemeente_bestemming_vorm")
    def _gemeente_vorm(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return value_rule(data, fullmatch(data.key, GEMEENTE_PATTERN))

    @pa.check("gemeente_bestemming", name="gemeente_bestemming_bekend")
    def _gemeente_bekend(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return known_gemeente(data)

    @pa.dataframe_check(name="uitstroomdatum_in_kwartaal")
    def _in_kwartaal(cls, data: pa.PolarsData) -> pl.LazyFrame:
        d = col("uitstroomdatum")
        inside = (d >= col(KWARTAAL_START)) & (d <= col(KWARTAAL_EIND))
        return row_rule(data, ~applicable("uitstroomdatum") | inside.fill_null(False))

    @pa.dataframe_check(name="verblijf_id_dubbel")
    def _key(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return no_key_conflict(data, KEY)


RULES: dict[str, RowRule] = {
    **{f"not_nullable:{c}": required_rule(c) for c in REQUIRED},
    "client_id_vorm": CLIENT_ID_RULE,
    "verblijf_id_lengte": RowRule("verblijf_id", "verblijf_id is longer than 64 characters",
                               "Shorten the key to at most 64 characters."),
    **date_rules("uitstroomdatum", "uitstroomdatum"),
    "bestemming_waarde": enum_rule("bestemming", BESTEMMINGEN),
    "reden_einde_waarde": enum_rule("reden_einde", REDENEN_EINDE),
    "belemmeringen_waarde": RowRule(
        "belemmeringen", "belemmeringen holds a value that is not allowed",
        f"Separate values with | and use only: {', '.join(BELEMMERINGEN)}.",
    ),
    "gemeente_bestemming_vorm": gemeente_rule("gemeente_bestemming")[0],
    "gemeente_bestemming_bekend": gemeente_rule("gemeente_bestemming")[1],
    "uitstroomdatum_in_kwartaal": RowRule(
        "uitstroomdatum", "uitstroomdatum is outside the quarter of this delivery",
        "Deliver the uitstroom in the file of the quarter the client left, or correct the date.",
    ),
    "verblijf_id_dubbel": duplicate_key_rule("verblijf_id"),
}
