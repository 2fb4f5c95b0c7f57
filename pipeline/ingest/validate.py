"""Run a soort's pandera model over a text table and split it into good rows and quarantine.

Every failed rule of every row is found at once (``rule_pass``). Failures are
described with the rule texts from ``schemas``, never with pandera's own messages,
which quote raw values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np
import pandas as pd
import polars as pl
import pyarrow

from pipeline.ingest import rule_pass
from pipeline.ingest.names import DeliveryName
from pipeline.ingest.text_table import TextTable, arrow_text, has_bytes
from schemas import schema_of
from schemas.common import (
    BRON,
    KWARTAAL_EIND,
    KWARTAAL_START,
    ROW_SHAPE_RULES,
    RowRule,
)
from schemas.formaat import KOLOMMEN, Kolommen
from schemas.keys import all_distinct
from schemas.kolomregels import lijst_delen

#: Columns whose values may be shown in a rejection report: closed value domains only.
#: Free-text ids and client_id are never echoed.
SHOWABLE_KINDS = ("dates", "ints", "enums", "codes")

UNKNOWN_RULE = RowRule(None, "the row breaks a rule of the delivery format",
                    "Check the row against the delivery format.")

#: The source line of a row, carried beside the delivered columns while validating.
LINE = "bronregel"


@dataclass
class Validated:
    """The outcome of validating one table."""

    good: pyarrow.Table                # rows that passed (warehouse_rows), with bronregel
    failures: pd.DataFrame             # bronregel, kolom, regel, melding, oplossing, waarde
    rejected_rows: pd.DataFrame        # text columns of quarantined rows, index = bronregel
    rows_read: int
    exact_duplicates: int
    warnings: list[str] = field(default_factory=list)


def prepare(items: list[tuple[TextTable, DeliveryName]], model: ModuleType) -> pl.DataFrame:
    """The contract's columns of many tables as one Polars frame of text (absent optional
    columns empty), spellings normalised, with each row's source line and context columns
    (the file it came from, its quarter's first and last day). Built once for the batch:
    a step per file costs milliseconds, which adds up over a quarter's thousand files."""
    kolommen = KOLOMMEN[model.SOORT]
    cols = list(kolommen.delivered)
    text = pyarrow.large_string()
    tables = []
    for table, _ in items:
        frame = table.frame
        tables.append(pyarrow.table(
            {LINE: pyarrow.array(frame.index.to_numpy(), type=pyarrow.int64()),
             **{c: (arrow_text(frame[c]) if c in frame else pyarrow.nulls(len(frame), text))
                for c in cols}}))
    sizes = [t.num_rows for t in tables]
    joined = pyarrow.concat_tables(tables) if tables else None
    # folding case copies every value: only for a column with something to fold
    fold = {c for c in cols if joined is not None and (
        c in kolommen.enums and has_bytes(joined.column(c), (0x41, 0x5A), (0x80, 0xFF))
        or c in kolommen.codes and has_bytes(joined.column(c), (0x61, 0x7A), (0x80, 0xFF)))}
    batch = pl.from_arrow(joined) if tables else pl.DataFrame()

    item = pl.Series(np.repeat(np.arange(len(items), dtype=np.uint32), sizes))

    def per_row(values: list[str]) -> pl.Series | pl.Expr:
        if len(values) == 1:  # one file: a constant, which Polars does not spell out
            return pl.lit(values[0], dtype=pl.String)
        return pl.Series(values, dtype=pl.String).gather(item)

    # rewriting DD-MM-YYYY costs three regex passes: only for a column that may have such
    # dates (a '-' within its first three characters; ISO dates have it fifth)
    dmy = [c for c in kolommen.dates
           if batch.select((pl.col(c).str.find("-", literal=True) < 3).any()).item()]
    return batch.select(LINE, *normalised(cols, kolommen, dmy, fold)).with_columns(
        per_row([n.kwartaal_start.isoformat() for _, n in items]).alias(KWARTAAL_START),
        per_row([n.kwartaal_eind.isoformat() for _, n in items]).alias(KWARTAAL_EIND),
        item.cast(pl.Int64).alias(BRON),
    )


DMY = r"^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})$"


def normalised(cols: list[str], kolommen: Kolommen, dmy: list[str],
               fold: set[str] | None = None) -> list[pl.Expr]:
    """Rewrite delivered spellings into the one form the schemas check.

    Enumerations are matched case-insensitively, codes upper-cased, and ``DD-MM-YYYY``
    dates (in the date columns ``dmy``, which hold some) rewritten to ``YYYY-MM-DD``. A
    value that fits no form is left as it is, so the schema reports it. ``fold`` names
    the enumeration and code columns whose case may need folding (None: all).
    """
    out = []
    for c in cols:
        e = pl.col(c)
        if c in kolommen.enums:
            e = e.str.to_lowercase() if fold is None or c in fold else e
        elif c in kolommen.codes:
            e = e.str.to_uppercase() if fold is None or c in fold else e
        elif c in dmy:
            day = e.str.extract(DMY, 1).str.zfill(2)
            month = e.str.extract(DMY, 2).str.zfill(2)
            year = e.str.extract(DMY, 3)
            iso = pl.concat_str([year, month, day], separator="-")
            e = pl.when(iso.is_not_null()).then(iso).otherwise(e)
        out.append(e.alias(c))
    return out


def validate_table(table: TextTable, model: ModuleType, name: DeliveryName) -> Validated:
    return validate_many([(table, name)], model)[0]


def validate_many(items: list[tuple[TextTable, DeliveryName]], model: ModuleType
                  ) -> list[Validated]:
    """Validate the tables of many files of one soort in a single pandera pass.

    pandera costs milliseconds per call whatever the size, which dominates a quarter's
    hundreds of small files; one pass over all rows costs about the same as one file.
    Rows keep their file (``ctx_bron``) and source line, so every result is reported per
    file exactly as if each had been validated alone.
    """
    kolommen = KOLOMMEN[model.SOORT]
    content = list(kolommen.delivered)
    n = len(items)
    batch = prepare(items, model)
    rows_read = np.bincount(batch[BRON].to_numpy(), minlength=n)
    # a row equal in every delivered column to an earlier one of its file is loaded once;
    # such rows share their key, so whole rows are compared only when some key repeats
    dups = np.zeros(n, dtype=int)
    if not batch.select(all_distinct([BRON, kolommen.key])).item():
        dup = ~pl.struct([BRON, *content]).is_first_distinct()
        marked = batch.with_columns(dup.alias("_dup"))
        dups = np.bincount(marked.filter("_dup")[BRON].to_numpy(), minlength=n)
        batch = marked.filter(~pl.col("_dup")).drop("_dup")
    item_of = batch[BRON].to_numpy()
    line_of = batch[LINE].to_numpy()
    offsets = np.concatenate([[0], np.cumsum(np.bincount(item_of, minlength=n))])

    failures = [_shape_failures(table, line_of[offsets[i]:offsets[i + 1]], offsets[i])
                for i, (table, _) in enumerate(items) if table.row_problems]
    # the model's rules, all in one Polars pass (rule_pass: the same failures as pandera's
    # own validation, found with a third of its queries)
    cases = rule_pass.failure_cases(schema_of(model.SOORT), batch.drop(LINE))
    if cases.height:
        failures.append(_describe(cases, model, batch))
    fail = (pd.concat(failures, ignore_index=True) if failures
            else pd.DataFrame(columns=_CASE_COLUMNS))
    fail = fail.drop_duplicates(["rij", "regel"])
    rij = fail["rij"].to_numpy(int)
    fail["bron"] = item_of[rij]
    fail["bronregel"] = line_of[rij].astype("int64")
    bad_rows = np.zeros(batch.height, dtype=bool)
    bad_rows[rij] = True
    bad = pl.Series(bad_rows)

    # one conversion for the batch, then each file's rows are a slice of it
    good = warehouse_rows(batch.filter(~bad) if bad_rows.any() else batch, model)
    rejected = text_frame(batch.filter(bad), content)
    good_at = np.concatenate([[0], np.cumsum(np.bincount(item_of[~bad_rows], minlength=n))])
    bad_at = np.concatenate([[0], np.cumsum(np.bincount(item_of[bad_rows], minlength=n))])
    # one sort for the batch; a file's failures are then a slice (sorting per file costs
    # a millisecond, a quarter has a thousand files)
    fail = fail.sort_values(["bron", "bronregel", "regel"])
    fail_at = np.searchsorted(fail["bron"].to_numpy(), np.arange(n + 1))
    fail = fail[FAILURE_COLUMNS].reset_index(drop=True)
    out = []
    for i in range(n):
        mine = fail.iloc[fail_at[i]:fail_at[i + 1]]
        out.append(Validated(
            good=good.slice(good_at[i], good_at[i + 1] - good_at[i]),
            failures=mine.reset_index(drop=True) if len(mine) else fail.iloc[:0],
            rejected_rows=rejected.iloc[bad_at[i]:bad_at[i + 1]],
            rows_read=int(rows_read[i]),
            exact_duplicates=int(dups[i]),
            warnings=[f"{dups[i]} exact duplicate row(s) loaded once"] if dups[i] else [],
        ))
    return out


def warehouse_rows(frame: pl.DataFrame, model: ModuleType) -> pyarrow.Table:
    """Rows that passed, as the Arrow table the loader inserts: each row's source line and
    the contract's columns as text. Dates and numbers stay ISO text, which the warehouse
    casts on insert (every one is valid by now; DuckDB's cast is many times faster), and a
    column the format declares a list (``Kolommen.lists``) becomes one."""
    kolommen = KOLOMMEN[model.SOORT]
    columns = [pl.col(LINE)] + [
        lijst_delen(pl.col(c).fill_null("")).alias(c) if c in kolommen.lists else pl.col(c)
        for c in kolommen.delivered]
    # Polars' own string layout (Arrow's string_view), which DuckDB reads as it is: the
    # older layout would copy every value once more
    return frame.select(columns).to_arrow(compat_level=pl.CompatLevel.newest())


def text_frame(frame: pl.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows as the pandas frame of Arrow-backed text the loader writes, index bronregel."""
    arrow = frame.select(columns).to_arrow(compat_level=pl.CompatLevel.oldest())
    return pd.DataFrame(
        {c: pd.arrays.ArrowStringArray(arrow.column(c).cast(pyarrow.large_string()))
         for c in columns},
        index=pd.Index(frame[LINE].to_numpy(), name="bronregel"))


FAILURE_COLUMNS = ["bronregel", "kolom", "regel", "melding", "oplossing", "waarde"]
#: A failure while validating a batch: ``rij`` is its position in the batch.
_CASE_COLUMNS = ["rij", "kolom", "regel", "melding", "oplossing", "waarde"]


def _shape_failures(table: TextTable, lines_kept: np.ndarray, offset: int) -> pd.DataFrame:
    """Problems the reader found with a row's shape (field count, merged cells, formulas)."""
    lines = list(table.row_problems)
    found_at = pd.Index(lines_kept).get_indexer(lines) if lines else []
    out = []
    for line, k in zip(lines, found_at, strict=True):
        if k < 0:
            continue
        for regel, detail in table.row_problems[line]:
            rule = ROW_SHAPE_RULES[regel]
            out.append({"rij": offset + int(k), "kolom": None, "regel": regel,
                        "melding": f"{rule.melding} ({detail})", "oplossing": rule.oplossing,
                        "waarde": None})
    return pd.DataFrame(out, columns=_CASE_COLUMNS).astype({"rij": "int64"})


def _describe(cases: pl.DataFrame, model: ModuleType, frame: pl.DataFrame) -> pd.DataFrame:
    """Turn the failure cases (``rule_pass``: check, column, row) into plain-language rows,
    one per (row, rule). A rule that cannot run at all is raised there, as our fault."""
    showable = {c for kind in SHOWABLE_KINDS for c in getattr(KOLOMMEN[model.SOORT], kind)}
    out = []
    for check, column, line in zip(cases["check"].to_list(), cases["column"].to_list(),
                                   cases["index"].to_list(), strict=True):
        key = f"not_nullable:{column}" if check == "not_nullable" else str(check)
        rule = model.RULES.get(key, UNKNOWN_RULE)
        kolom = rule.kolom or (column if column in frame.columns else None)
        waarde = None
        line = int(line)  # position in the batch; mapped back to file and line by the caller
        if kolom in showable:
            value = frame[kolom][line]
            waarde = None if value is None else str(value)[:40]
        melding = rule.melding
        if waarde is not None and not waarde.isascii():
            melding += (" (it contains a character that only looks like a normal letter or "
                        "digit, or an invisible one: retype the value)")
        out.append({
            "rij": line,
            "kolom": kolom,
            "regel": key.replace("not_nullable:", "verplicht_"),
            "melding": melding,
            "oplossing": rule.oplossing,
            "waarde": waarde,
        })
    return pd.DataFrame(out, columns=_CASE_COLUMNS)


def record_json(rows: pd.DataFrame) -> pd.Series:
    """Each quarantined row as JSON, by source line (client_id must already be replaced by
    its pseudonym). Built from plain column lists: pandas' row-wise ``apply`` over Arrow
    text costs about a millisecond per row."""
    names = [str(c) for c in rows.columns]
    columns = [[None if pd.isna(v) else str(v) for v in rows[c].tolist()] for c in rows.columns]
    return pd.Series([json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False)
                      for values in zip(*columns, strict=True)], index=rows.index, dtype=object)
