"""Building blocks shared by the four row models: value domains and the rule texts.

The pandera models in this package are the single home of every row rule of the
delivery format (aanleverformaat.md section 2). The loader hands them frames of
*text* exactly as delivered (trimmed, empty cells as missing, enum values lower-cased,
``DD-MM-YYYY`` rewritten as ``YYYY-MM-DD``), plus two context columns with the
quarter's first and last day. Working on text keeps one failing cell from hiding
the other failures in its row, and ISO date text compares correctly as text.

Every check has a stable name; :data:`RULES` turns that name into words an analyst
can act on (what is wrong, how to fix it). The quarantine table, the rejection
report and the tests all use these names.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

OPVANGVORMEN = ("crisisopvang", "residentieel", "ambulant")
RESIDENTIELE_OPVANGVORMEN = ("crisisopvang", "residentieel")
UITKOMSTEN = ("geplaatst", "doorverwezen", "niet_geplaatst", "in_behandeling")
VERWIJZERS = (
    "veilig_thuis", "politie", "wijkteam", "huisarts_ggz", "andere_opvang", "zelfmelder", "overig",
)
GESLACHTEN = ("v", "m", "x")
BESTEMMINGEN = (
    "zelfstandig_wonen", "terug_naar_partner", "familie_netwerk", "andere_vrouwenopvang",
    "maatschappelijke_opvang", "zorginstelling", "buitenland", "onbekend",
)
REDENEN_EINDE = (
    "doelen_behaald", "voortijdig_vertrokken", "overgeplaatst", "regels_overtreden", "overig",
)
BELEMMERINGEN = ("geen_woning", "geen_vervolghulp", "niet_terug_naar_herkomst", "financien",
                 "verblijfsstatus")

CLIENT_ID_PATTERN = r"[A-Za-z0-9_\-]{1,64}"
ISO_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
GEMEENTE_PATTERN = r"GM\d{4}|BUITENLAND"
INTEGER_PATTERN = r"[+-]?\d+"

#: Every delivered column reaches the schemas as Arrow-backed text: vectorised string
#: checks on it are several times faster than on Python-object strings.
TEXT_DTYPE = pd.StringDtype("pyarrow")
Text = Series[Annotated[pd.StringDtype, "pyarrow", pd.NA]]

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
    ctx_bron: Text = pa.Field()

    class Config:
        strict = True
        coerce = True


@pa.extensions.register_check_method()
def client_id_vorm(s: pd.Series) -> pd.Series:
    """The client_id shape rule, registered once so every model names it the same way
    (pandera renames a decorated check inherited by a second model)."""
    return s.str.fullmatch(CLIENT_ID_PATTERN)


class ClientModel(DeliveredModel):
    """Record types delivered per client: client_id and its shape rule."""

    client_id: Text = pa.Field(nullable=False, client_id_vorm=())


@dataclass(frozen=True)
class RowRule:
    """A row rule in plain words: which column, what is wrong, how to fix it."""

    kolom: str | None
    melding: str
    oplossing: str


def holds(cond: pd.Series) -> pd.Series:
    """A comparison as plain booleans, missing counting as False.

    Arrow-backed comparisons return a nullable boolean; mixing those with numpy
    booleans in ``|`` and ``&`` raises, so every rule combines plain booleans.
    """
    return cond.fillna(False).astype(bool)


def parse_dates(s: pd.Series) -> pd.Series:
    """ISO date text to Arrow dates; anything that is not a calendar date becomes missing.

    Arrow's strptime accepts ``2025-1-5`` and quietly rolls 2025-02-30 over to 2 March,
    so a text only counts as a date when it has the YYYY-MM-DD shape and the parsed day
    is the day written. Arrow dates cover the years 1-9999, so a far-past date is judged
    by the rules that concern it rather than failing as "not a date" (pandas timestamps
    stop at 1677). All vectorised: ~0.2 s per million values, paid once per column: several
    rules read the same date column, and the parse of an Arrow array is remembered for as
    long as the array lives (:func:`_parsed`).
    """
    import pyarrow as pa

    text = s.astype(TEXT_DTYPE)
    chunks = text.array._pa_array
    dates = _parsed(chunks) if isinstance(chunks, pa.ChunkedArray) else _parse(chunks)
    return pd.Series(pd.arrays.ArrowExtensionArray(dates), index=s.index)


def _parse(arr):
    import pyarrow as pa
    import pyarrow.compute as pc

    shaped = pc.fill_null(pc.match_substring_regex(arr, r"^\d{4}-\d{2}-\d{2}$"), False)
    safe = pc.if_else(shaped, arr, pa.scalar("2000-01-01"))
    stamp = pc.strptime(safe, format="%Y-%m-%d", unit="s", error_is_null=True)
    written_day = pc.cast(pc.utf8_slice_codeunits(safe, 8, 10), pa.int64())
    ok = pc.and_(shaped, pc.fill_null(pc.equal(pc.day(stamp), written_day), False))
    return pc.if_else(ok, stamp, pa.scalar(None, stamp.type)).cast(pa.date32())


#: Recent parses, by the identity of the (immutable) Arrow array they were made from. The
#: entry holds the array itself, so its id cannot be reused by another array while cached.
_PARSED: dict[int, tuple[object, object]] = {}
_PARSED_MAX = 16


_PARSED_LOCK = threading.Lock()  # the loader validates soorts in threads


def _parsed(chunks):
    with _PARSED_LOCK:
        hit = _PARSED.get(id(chunks))
    if hit is not None and hit[0] is chunks:
        return hit[1]
    dates = _parse(chunks)
    with _PARSED_LOCK:
        while len(_PARSED) >= _PARSED_MAX:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[id(chunks)] = (chunks, dates)
    return dates


def is_valid_date(s: pd.Series) -> pd.Series:
    """True where the text is an existing calendar date (31-02-2025 is not)."""
    return pd.Series(parse_dates(s).notna().to_numpy(bool), index=s.index)


def as_int(s: pd.Series) -> pd.Series:
    """Integer text to numbers; anything else (or a number beyond 64 bits) becomes NA.

    Arrow does it in one vectorised pass: pandas' ``to_numeric`` costs ~1 s per million."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(s.astype(TEXT_DTYPE).array._pa_array.combine_chunks()
                   if len(s) else [], type=pa.string())
    whole = pc.fill_null(pc.match_substring_regex(arr, f"^{INTEGER_PATTERN}$"), False)
    digits = pc.utf8_length(pc.utf8_ltrim(arr, "+-0"))
    fits = pc.and_(whole, pc.fill_null(pc.less_equal(digits, 18), False))
    safe = pc.utf8_ltrim(pc.if_else(fits, arr, pa.scalar("0")), "+")
    numbers = pc.if_else(fits, pc.cast(safe, pa.int64()), pa.scalar(None, pa.int64()))
    return pd.Series(pd.arrays.ArrowExtensionArray(numbers), index=s.index)


def applicable(*cols: pd.Series) -> pd.Series:
    """Rows where every given date column holds a valid date.

    Cross-column date rules only judge rows whose dates are valid; an invalid or
    missing date is already reported by its own rule, once.
    """
    mask = pd.Series(True, index=cols[0].index)
    for c in cols:
        mask &= is_valid_date(c)
    return mask


def date_rules(kolom: str, label: str) -> dict[str, RowRule]:
    return {
        f"{kolom}_is_datum": RowRule(
            kolom, f"{label} is not a valid date",
            f"Write {kolom} as YYYY-MM-DD or DD-MM-YYYY, and check that the day exists.",
        ),
    }


def required_rule(kolom: str) -> RowRule:
    return RowRule(kolom, f"required value {kolom} is missing", f"Fill in {kolom} for this row.")


def enum_rule(kolom: str, values: tuple[str, ...]) -> RowRule:
    return RowRule(
        kolom, f"{kolom} is not one of the allowed values",
        f"Use one of: {', '.join(values)}.",
    )


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


CLIENT_ID_RULE = RowRule(
    "client_id", "client_id has characters other than letters, digits, _ and -, "
    "or is longer than 64", "Deliver the organisation's pseudonymous client key as is.",
)
