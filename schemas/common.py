"""Building blocks shared by the four row models: patterns, the model's frame, how a rule
reads its values, and the texts of rules every model has.

The pandera models in this package are the single home of every row rule of the
delivery format (aanleverformaat.md section 2): each column's own rules generated from its
declaration in ``schemas/formaat.py`` (``schemas/kolomregels.py``), the rules between
columns written in ``schemas/<soort>.py``. They run on Polars frames
(``pandera.polars``): each rule is a Polars expression, so a million rows are checked
in parallel without a Python call per row (issue 17 chose Polars over pandas and over
the Ibis backend on measurements; docs/performance.md). The loader hands them frames of
*text* exactly as delivered (trimmed, empty cells as missing, enum values lower-cased,
``DD-MM-YYYY`` rewritten as ``YYYY-MM-DD``), plus context columns with the quarter's
first and last day and the file a row came from. Working on text keeps one failing cell
from hiding the other failures in its row, and ISO date text compares correctly as text.

Every check has a stable name; :data:`RULES` turns that name into words an analyst
can act on (what is wrong, how to fix it). The quarantine table, the rejection
report and the tests all use these names.

How a rule reads: a column rule says what a *delivered* value must be (a missing value
is judged only by the column's ``nullable``); a row rule says what must hold between
columns, and judges only rows whose values it compares are valid, so each problem is
reported once, by its own rule. A rule's result is never missing: missing means false.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.polars as pa
import polars as pl

# Digits are written [0-9]: a regex \d also matches other scripts' digits.
ISO_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
GEMEENTE_PATTERN = r"GM[0-9]{4}|BUITENLAND"
INTEGER_PATTERN = r"[+-]?[0-9]+"

#: Every delivered column is read as Arrow-backed text (the readers' pandas frames).
TEXT_DTYPE = pd.StringDtype("pyarrow")
#: Annotation of a delivered column in the models: text.
Text = str

#: Context columns the loader adds to every frame before validation.
KWARTAAL_START = "ctx_kwartaal_start"
KWARTAAL_EIND = "ctx_kwartaal_eind"
#: Which delivered table a row came from: the loader validates the rows of many files in
#: one pass, and rules that compare rows (duplicate keys) stay within one file.
BRON = "ctx_bron"
CONTEXT_COLUMNS = (KWARTAAL_START, KWARTAAL_EIND, BRON)


class DeliveredModel(pa.DataFrameModel):
    """What every soort's model shares: the loader's context columns and its config."""

    ctx_kwartaal_start: Text = pa.Field()
    ctx_kwartaal_eind: Text = pa.Field()
    ctx_bron: int = pa.Field()

    class Config:
        strict = True


def fullmatch(column: str, pattern: str) -> pl.Expr:
    """The whole text matches ``pattern`` (missing: false)."""
    return pl.col(column).str.contains(f"^(?:{pattern})$").fill_null(False)


def value_rule(data: pa.PolarsData, ok: pl.Expr) -> pl.LazyFrame:
    """A column rule's result: a delivered value must satisfy ``ok``; a missing one is left
    to the column's ``nullable`` (pandera's Polars backend does not skip missing values
    for a custom check, so the rule says it)."""
    return data.lazyframe.select(pl.col(data.key).is_null() | ok.fill_null(False))


def row_rule(data: pa.PolarsData, ok: pl.Expr) -> pl.LazyFrame:
    """A row rule's result, missing counting as false."""
    return data.lazyframe.select(ok.fill_null(False).alias("ok"))


@dataclass(frozen=True)
class RowRule:
    """A row rule in plain words: which column, what is wrong, how to fix it."""

    kolom: str | None
    melding: str
    oplossing: str


def named_check(fn, name: str):
    """``fn`` under the rule's name. pandera takes a decorated check's name from its keywords
    once, then from the function's name: with both the rule's, the rule keeps its name however
    often pandera builds a model from it."""
    fn.__name__ = fn.__qualname__ = name
    return fn


def row_check(name: str, kolom: str, melding: str, oplossing: str):
    """A rule between columns: a pandera check of the whole frame called ``name``, and its
    words (``RowRule``), which the soort's ``RULES`` reads from the model."""
    def decorate(fn):
        check = pa.dataframe_check(name=name)(named_check(fn, name))
        check.__row_rule__ = (name, RowRule(kolom, melding, oplossing))
        return check
    return decorate


def quarter_check(kolom: str, oplossing: str, name: str | None = None):
    """The rule that the date in ``kolom`` lies in the quarter of the delivery, called
    ``<kolom>_in_kwartaal`` unless ``name`` says otherwise. A row whose date is not valid is
    left to the date's own rule."""
    def inside(cls, data: pa.PolarsData) -> pl.LazyFrame:
        date = pl.col(kolom)
        inside = (date >= pl.col(KWARTAAL_START)) & (date <= pl.col(KWARTAAL_EIND))
        return row_rule(data, ~applicable(kolom) | inside.fill_null(False))
    return row_check(name or f"{kolom}_in_kwartaal", kolom,
                     f"{kolom} is outside the quarter of this delivery", oplossing)(inside)


def is_valid_date(column: str) -> pl.Expr:
    """True where the text is an existing calendar date written YYYY-MM-DD (31-02-2025 is
    not; the loader has rewritten DD-MM-YYYY already). Missing: false."""
    text = pl.col(column)
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    return (fullmatch(column, ISO_DATE_PATTERN) & parsed.is_not_null()).fill_null(False)


def as_int(column: str) -> pl.Expr:
    """Integer text as a number; anything else (or beyond 64 bits) is missing."""
    text = pl.col(column)
    number = text.str.strip_prefix("+").cast(pl.Int64, strict=False)
    return pl.when(fullmatch(column, INTEGER_PATTERN)).then(number).otherwise(None)


def applicable(*columns: str) -> pl.Expr:
    """Rows where every given date column holds a valid date.

    Cross-column date rules only judge rows whose dates are valid; an invalid or
    missing date is already reported by its own rule, once.
    """
    ok = pl.lit(True)
    for c in columns:
        ok = ok & is_valid_date(c)
    return ok


def not_before(later: str, earlier: str) -> pl.Expr:
    """The date in ``later`` is on or after the one in ``earlier``; judged only where both
    dates are valid."""
    return ~applicable(earlier, later) | (pl.col(later) >= pl.col(earlier)).fill_null(False)


def duplicate_key_rule(key: str) -> RowRule:
    return RowRule(
        key, f"another row in this file has the same {key} but different values",
        f"Each {key} may occur once per file: keep the correct row and remove the others, "
        "or give each record its own key.",
    )


#: Rules that the loader applies before pandera (they concern the row's shape).
ROW_SHAPE_RULES: dict[str, RowRule] = {
    "veldaantal": RowRule(
        None, "the row has a different number of fields than the header",
        "Check for a missing or extra delimiter, or an unquoted text containing the delimiter.",
    ),
    "samengevoegde_cel": RowRule(
        None, "the row is part of merged cells, so some of its cells look empty",
        "Unmerge the cells in Excel and fill in the value on every row.",
    ),
    "formule_zonder_waarde": RowRule(
        None, "a cell holds a formula that was never calculated, so it has no value",
        "Open the workbook in Excel, let it calculate and save it, or paste the cells as values.",
    ),
}

