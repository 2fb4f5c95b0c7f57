"""The rules each column obeys on its own, generated from its declaration in
``schemas/formaat.py``: the type, value list, length and range of every delivered column
are written there once, and here turned into pandera checks and their texts.

A soort's model is ``columns_model(soort)`` plus the rules between columns, written by
hand in ``schemas/<soort>.py``. What a type's rule is called and what it says:

| type | check | says |
|---|---|---|
| client key | ``<kolom>_vorm`` | characters other than letters, digits, _ and -, or too long |
| text with a length | ``<kolom>_lengte`` | longer than the longest length |
| date | ``<kolom>_is_datum`` | not a valid date |
| enum | ``<kolom>_waarde`` (or the declared ``regel``) | not one of the allowed values |
| list | ``<kolom>_waarde`` | holds a value that is not allowed |
| municipality code | ``<kolom>_vorm``, ``<kolom>_bekend`` | not a code; not a known code |
| integer with a range | ``<kolom>_bereik`` | not a whole number in the range |
| required | ``not_nullable:<kolom>`` (pandera's own) | the value is missing |
| the key | ``<key>_dubbel`` | another row in the file has the key with other values |

Names and texts are the rejection report's and the tests': they stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from schemas.common import (
    GEMEENTE_PATTERN,
    DeliveredModel,
    RowRule,
    Text,
    as_int,
    duplicate_key_rule,
    fullmatch,
    is_valid_date,
    named_check,
    value_rule,
)
from schemas.formaat import (
    CLIENT_KEY,
    CLIENT_KEY_CHARACTERS,
    DATE,
    ENUM,
    GEMEENTECODE,
    INTEGER,
    KOLOMMEN,
    LIST,
    LIST_SEPARATOR,
    TEXT,
    Kolom,
)
from schemas.gemeenten import gemeente_rule, known_gemeente
from schemas.keys import no_key_conflict

Check = Callable[[pa.PolarsData], pl.LazyFrame]


@dataclass(frozen=True)
class ColumnRule:
    """One generated rule of one column: its check's name, the check, its words."""

    naam: str
    check: Check
    tekst: RowRule


def lijst_delen(column: str | pl.Expr) -> pl.Expr:
    """'geen_woning | financien' -> ['geen_woning', 'financien']; empty parts dropped.
    The one reading of a delivered list: its value rule and the warehouse's list column
    (``pipeline/ingest/validate.warehouse_rows``) both use it."""
    text = pl.col(column) if isinstance(column, str) else column
    parts = text.str.split(LIST_SEPARATOR).list.eval(pl.element().str.strip_chars())
    return parts.list.eval(pl.element().filter(pl.element() != ""))


def _value(ok: Callable[[str], pl.Expr]) -> Check:
    """A column check: a delivered value satisfies ``ok`` (a missing one is left to the
    column's ``nullable``)."""
    return lambda data: value_rule(data, ok(data.key))


def column_rules(kolom: Kolom) -> list[ColumnRule]:
    """The rules of ``kolom`` on its own, in the order they are checked."""
    n = kolom.naam
    if kolom.type == CLIENT_KEY:
        lo, hi = kolom.lengte
        pattern = f"[{CLIENT_KEY_CHARACTERS}]{{{lo},{hi}}}"
        return [ColumnRule(f"{n}_vorm", _value(lambda c: fullmatch(c, pattern)), RowRule(
            n, f"{n} has characters other than letters, digits, _ and -, or is longer than "
            f"{hi}", "Deliver the organisation's pseudonymous client key as is."))]
    if kolom.type == TEXT and kolom.lengte:
        lo, hi = kolom.lengte
        return [ColumnRule(
            f"{n}_lengte", _value(lambda c: pl.col(c).str.len_chars().is_between(lo, hi)),
            RowRule(n, f"{n} is longer than {hi} characters",
                    f"Shorten the key to at most {hi} characters."))]
    if kolom.type == DATE:
        return [ColumnRule(f"{n}_is_datum", _value(is_valid_date), RowRule(
            n, f"{n} is not a valid date",
            f"Write {n} as YYYY-MM-DD or DD-MM-YYYY, and check that the day exists."))]
    if kolom.type == ENUM:
        values = kolom.waarden
        return [ColumnRule(kolom.regel or f"{n}_waarde",
                           _value(lambda c: pl.col(c).is_in(values)),
                           RowRule(n, f"{n} is not one of the allowed values",
                                   f"Use one of: {', '.join(values)}."))]
    if kolom.type == LIST:
        values = kolom.waarden
        return [ColumnRule(
            f"{n}_waarde",
            _value(lambda c: lijst_delen(c).list.eval(pl.element().is_in(values)).list.all()),
            RowRule(n, f"{n} holds a value that is not allowed",
                    f"Separate values with {LIST_SEPARATOR} and use only: {', '.join(values)}."))]
    if kolom.type == GEMEENTECODE:
        vorm, bekend = gemeente_rule(n)
        return [ColumnRule(f"{n}_vorm", _value(lambda c: fullmatch(c, GEMEENTE_PATTERN)), vorm),
                ColumnRule(f"{n}_bekend", known_gemeente, bekend)]
    if kolom.type == INTEGER and kolom.bereik:
        lo, hi = kolom.bereik
        return [ColumnRule(f"{n}_bereik", _value(lambda c: as_int(c).is_between(lo, hi)),
                           RowRule(n, f"{n} is not a whole number {lo}-{hi}", kolom.oplossing))]
    return []  # a text without a length, an integer whose range is a rule between columns


def required_rule(kolom: str) -> RowRule:
    return RowRule(kolom, f"required value {kolom} is missing", f"Fill in {kolom} for this row.")


def generated_rules(soort: str) -> dict[str, RowRule]:
    """The words of every generated rule of a soort, by check name: a required value
    missing, each column's own rules and the duplicate key."""
    kolommen = KOLOMMEN[soort]
    return {
        **{f"not_nullable:{c}": required_rule(c) for c in kolommen.required},
        **{r.naam: r.tekst for k in kolommen.kolommen for r in column_rules(k)},
        f"{kolommen.key}_dubbel": duplicate_key_rule(kolommen.key),
    }


def rules_of(model: type[DeliveredModel]) -> dict[str, RowRule]:
    """Every rule of a soort's model in words, by check name: the generated ones of its
    columns (``generated_rules``), then its rules between columns (``common.row_check``)."""
    own = [getattr(v, "__row_rule__", None) for v in vars(model).values()]
    return {**generated_rules(model.__soort__), **dict(r for r in own if r is not None)}


def columns_model(soort: str) -> type[DeliveredModel]:
    """A pandera model of a soort's delivered columns (text; nullable unless required), with
    each column's own rules and the duplicate-key rule. The soort's model subclasses it and
    adds the rules between columns; its checks run after these, the key rule last."""
    kolommen = KOLOMMEN[soort]
    namespace: dict = {"__module__": __name__, "__annotations__": {}, "__soort__": soort,
                       "__doc__": f"The delivered columns of {soort} and their own rules."}
    for kolom in kolommen.kolommen:
        namespace["__annotations__"][kolom.naam] = Text
        namespace[kolom.naam] = pa.Field(nullable=not kolom.verplicht)
        for rule in column_rules(kolom):
            check = named_check(lambda cls, data, rule=rule: rule.check(data), rule.naam)
            namespace[f"_{rule.naam}"] = pa.check(kolom.naam, name=rule.naam)(check)
    key_rule = f"{kolommen.key}_dubbel"
    namespace["_key"] = pa.dataframe_check(name=key_rule)(named_check(
        lambda cls, data: no_key_conflict(data, kolommen.key), key_rule))
    return type(f"{soort.capitalize()}Kolommen", (DeliveredModel,), namespace)
