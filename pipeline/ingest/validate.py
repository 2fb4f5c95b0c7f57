"""Run a soort's pandera model over a text table and split it into good rows and quarantine.

Every failed rule of every row is found at once (lazy validation). Failures are
described with the rule texts from ``schemas``, never with pandera's own messages,
which quote raw values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np
import pandas as pd
import pandera.polars as pa
import polars as pl
import pyarrow

from pipeline.ingest.names import DeliveryName
from pipeline.ingest.text_table import TextTable
from schemas import schema_of
from schemas.common import (
    BRON,
    KWARTAAL_EIND,
    KWARTAAL_START,
    ROW_SHAPE_RULES,
    RowRule,
)
from schemas.keys import repeated

#: Columns whose values may be shown in a rejection report: closed value domains only.
#: Free-text ids and client_id are never echoed.
SHOWABLE_KINDS = ("DATE_COLUMNS", "INT_COLUMNS", "ENUM_COLUMNS", "CODE_COLUMNS")

UNKNOWN_RULE = RowRule(None, "the row breaks a rule of the delivery format",
                    "Check the row against the delivery format.")

#: The source line of a row, carried beside the delivered columns while validating.
LINE = "bronregel"


@dataclass
class Validated:
    """The outcome of validating one table."""

    good: pd.DataFrame                 # text columns of rows that passed, index = bronregel
    failures: pd.DataFrame             # bronregel, kolom, regel, melding, oplossing, waarde
    rejected_rows: pd.DataFrame        # text columns of quarantined rows, index = bronregel
    rows_read: int
    exact_duplicates: int
    warnings: list[str] = field(default_factory=list)


def prepare(table: TextTable, model: ModuleType, name: DeliveryName, bron: int = 0
            ) -> pl.DataFrame:
    """The contract's columns as a Polars frame of text (absent optional ones empty),
    spellings normalised, with the row's source line and the context columns."""
    cols = list(model.REQUIRED) + list(model.OPTIONAL)
    present = [c for c in cols if c in table.frame.columns]
    arrow = pyarrow.Table.from_pandas(table.frame[present].reset_index(), preserve_index=False)
    frame = pl.from_arrow(arrow).with_columns(
        pl.col(LINE).cast(pl.Int64),
        *[pl.col(c).cast(pl.String) for c in present],
        *[pl.lit(None, pl.String).alias(c) for c in cols if c not in present],
    )
    # rewriting DD-MM-YYYY costs three regex passes: only for a column that has such dates
    dmy = [c for c in model.DATE_COLUMNS
           if frame.select(pl.col(c).str.contains(DMY).any()).item()]
    return frame.select(
        LINE,
        *normalised(cols, model, dmy),
        pl.lit(name.kwartaal_start.isoformat()).alias(KWARTAAL_START),
        pl.lit(name.kwartaal_eind.isoformat()).alias(KWARTAAL_EIND),
        pl.lit(str(bron)).alias(BRON),
    )


DMY = r"^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})$"


def normalised(cols: list[str], model: ModuleType, dmy: list[str]) -> list[pl.Expr]:
    """Rewrite delivered spellings into the one form the schemas check.

    Enumerations are matched case-insensitively, codes upper-cased, and ``DD-MM-YYYY``
    dates (in the date columns ``dmy``, which hold some) rewritten to ``YYYY-MM-DD``. A
    value that fits no form is left as it is, so the schema reports it.
    """
    out = []
    for c in cols:
        e = pl.col(c)
        if c in model.ENUM_COLUMNS:
            e = e.str.to_lowercase()
        elif c in model.CODE_COLUMNS:
            e = e.str.to_uppercase()
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
    content = list(model.REQUIRED) + list(model.OPTIONAL)
    frames, rows_read, dups = [], [], []
    for i, (table, name) in enumerate(items):
        frame = prepare(table, model, name, bron=i)
        rows_read.append(frame.height)
        # a row equal in every delivered column to an earlier one is loaded once; such rows
        # share their key, so the whole rows are compared only when some key repeats
        if frame.select(repeated([model.KEY]).any()).item():
            marked = frame.with_columns((~pl.struct(content).is_first_distinct()).alias("_dup"))
            dups.append(int(marked["_dup"].sum()))
            frame = marked.filter(~pl.col("_dup")).drop("_dup")
        else:
            dups.append(0)
        frames.append(frame)
    sizes = [f.height for f in frames]
    offsets = np.cumsum([0] + sizes)
    batch = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    item_of = np.repeat(np.arange(len(frames)), sizes)
    line_of = batch[LINE].to_numpy()

    failures = [_shape_failures(table, frames[i][LINE].to_numpy(), offsets[i])
                for i, (table, _) in enumerate(items)]
    try:
        schema_of(model.SOORT).validate(batch.drop(LINE), lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures.append(_describe(exc.failure_cases, model, batch))
    fail = pd.concat(failures, ignore_index=True)
    fail = fail.drop_duplicates(["rij", "regel"])
    fail["bron"] = item_of[fail["rij"].to_numpy(int)]
    fail["bronregel"] = line_of[fail["rij"].to_numpy(int)].astype("int64")
    bad_rows = np.zeros(batch.height, dtype=bool)
    bad_rows[fail["rij"].to_numpy(int)] = True

    out = []
    for i, frame in enumerate(frames):
        lo, hi = offsets[i], offsets[i + 1]
        bad = pl.Series(bad_rows[lo:hi])
        mine = fail[fail["bron"] == i].sort_values(["bronregel", "regel"])
        warnings = [f"{dups[i]} exact duplicate row(s) loaded once"] if dups[i] else []
        out.append(Validated(
            good=text_frame(frame.filter(~bad) if bad.any() else frame, content),
            failures=mine[FAILURE_COLUMNS].reset_index(drop=True),
            rejected_rows=text_frame(frame.filter(bad), content),
            rows_read=rows_read[i],
            exact_duplicates=dups[i],
            warnings=warnings,
        ))
    return out


def text_frame(frame: pl.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows as the pandas frame of Arrow-backed text the loader writes, index bronregel."""
    arrow = frame.select(columns).to_arrow(compat_level=pl.CompatLevel.oldest())
    return pd.DataFrame(
        {c: pd.arrays.ArrowStringArray(arrow.column(c).cast(pyarrow.large_string()))
         for c in columns},
        index=pd.Index(frame[LINE].to_numpy(), name="bronregel"))


FAILURE_COLUMNS = ["bronregel", "kolom", "regel", "melding", "oplossing", "waarde"]


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
    return pd.DataFrame(out, columns=["rij", "kolom", "regel", "melding", "oplossing",
                                      "waarde"]).astype({"rij": "int64"})


def _describe(cases: pl.DataFrame, model: ModuleType, frame: pl.DataFrame) -> pd.DataFrame:
    """Turn pandera's failure cases into plain-language rows, one per (row, rule)."""
    showable = {c for kind in SHOWABLE_KINDS for c in getattr(model, kind)}
    if cases["index"].null_count():
        # A failure that is not about a row (e.g. a column of the wrong type) means the
        # loader prepared the frame wrongly: that is our bug, not the delivery's.
        raise RuntimeError(
            f"internal error validating {model.SOORT}: "
            + ", ".join(sorted(set(cases.filter(pl.col("index").is_null())["check"]
                                   .cast(pl.String).to_list())))
        )
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
    return pd.DataFrame(out, columns=["rij", "kolom", "regel", "melding", "oplossing",
                                      "waarde"])


def record_json(row: pd.Series) -> str:
    """A quarantined row as JSON (client_id must already be replaced by its pseudonym)."""
    return json.dumps({k: (None if pd.isna(v) else str(v)) for k, v in row.items()},
                      ensure_ascii=False)


def typed(good: pd.DataFrame, model: ModuleType) -> pd.DataFrame:
    """Rows that passed validation, ready to insert: dates and numbers stay ISO text, which
    the warehouse casts on insert (every one is valid by now; DuckDB's cast is many times
    faster than pandas'), and a list column becomes a list."""
    if "belemmeringen" not in good:
        return good
    from schemas.uitstroom import split_belemmeringen

    out = good.copy()
    out["belemmeringen"] = split_belemmeringen(out["belemmeringen"])
    return out
