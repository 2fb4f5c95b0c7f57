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
import pandera.pandas as pa
import pyarrow

from pipeline.ingest.names import DeliveryName
from pipeline.ingest.text_table import TextTable, normalise_values
from schemas import schema_of
from schemas.common import (
    BRON,
    CONTEXT_COLUMNS,
    KWARTAAL_EIND,
    KWARTAAL_START,
    ROW_SHAPE_RULES,
    TEXT_DTYPE,
    RowRule,
)

#: Columns whose values may be shown in a rejection report: closed value domains only.
#: Free-text ids and client_id are never echoed.
SHOWABLE_KINDS = ("DATE_COLUMNS", "INT_COLUMNS", "ENUM_COLUMNS", "CODE_COLUMNS")

UNKNOWN_RULE = RowRule(None, "the row breaks a rule of the delivery format",
                    "Check the row against the delivery format.")


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
            ) -> pd.DataFrame:
    """Keep the contract's columns, add absent optional ones, normalise spellings, add context."""
    cols = list(model.REQUIRED) + list(model.OPTIONAL)
    frame = table.frame.reindex(columns=cols).astype(TEXT_DTYPE)
    frame = normalise_values(frame, model.DATE_COLUMNS, model.ENUM_COLUMNS, model.CODE_COLUMNS)
    for column, value in ((KWARTAAL_START, name.kwartaal_start.isoformat()),
                          (KWARTAAL_EIND, name.kwartaal_eind.isoformat()), (BRON, str(bron))):
        # one value repeated, built in Arrow (a Python string per row costs ~0.1 s a million)
        frame[column] = pd.arrays.ArrowStringArray(
            pyarrow.chunked_array([pyarrow.repeat(pyarrow.scalar(value, pyarrow.large_string()),
                                                  len(frame))]))
    return frame


def validate_table(table: TextTable, model: ModuleType, name: DeliveryName) -> Validated:
    return validate_many([(table, name)], model)[0]


def validate_many(items: list[tuple[TextTable, DeliveryName]], model: ModuleType
                  ) -> list[Validated]:
    """Validate the tables of many files of one soort in a single pandera pass.

    pandera costs tens of milliseconds per call whatever the size, which dominates a
    quarter's hundreds of small files; one pass over all rows costs about the same as
    one file. Rows keep their file (``ctx_bron``) and source line, so every result is
    reported per file exactly as if each had been validated alone.
    """
    frames, bronregels, rows_read, dups = [], [], [], []
    for i, (table, name) in enumerate(items):
        frame = prepare(table, model, name, bron=i)
        rows_read.append(len(frame))
        content = [c for c in frame.columns if c not in CONTEXT_COLUMNS]
        dup_mask = exact_duplicates(frame, content, model.KEY)
        dups.append(int(dup_mask.sum()))
        if dup_mask.any():
            frame = frame[~dup_mask]
        frames.append(frame)
        bronregels.append(frame.index.to_numpy())
    content = [c for c in frames[0].columns if c not in CONTEXT_COLUMNS]
    offsets = np.cumsum([0] + [len(f) for f in frames])
    batch = (pd.concat(frames, ignore_index=True) if len(frames) > 1
             else frames[0].reset_index(drop=True))
    item_of = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
    line_of = np.concatenate(bronregels) if bronregels else np.array([], dtype=int)

    failures = [_shape_failures(table, frames[i].index, offsets[i])
                for i, (table, _) in enumerate(items)]
    try:
        schema_of(model.SOORT).validate(batch, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures.append(_describe(exc.failure_cases, model, batch))
    fail = pd.concat(failures, ignore_index=True)
    fail = fail.drop_duplicates(["rij", "regel"])
    fail["bron"] = item_of[fail["rij"].to_numpy(int)]
    fail["bronregel"] = line_of[fail["rij"].to_numpy(int)].astype("int64")
    bad_rows = np.zeros(len(batch), dtype=bool)
    bad_rows[fail["rij"].to_numpy(int)] = True

    out = []
    for i, frame in enumerate(frames):
        lo, hi = offsets[i], offsets[i + 1]
        bad = bad_rows[lo:hi]
        mine = fail[fail["bron"] == i].sort_values(["bronregel", "regel"])
        warnings = [f"{dups[i]} exact duplicate row(s) loaded once"] if dups[i] else []
        out.append(Validated(
            good=frame.loc[~bad, content],
            failures=mine[FAILURE_COLUMNS].reset_index(drop=True),
            rejected_rows=frame.loc[bad, content],
            rows_read=rows_read[i],
            exact_duplicates=dups[i],
            warnings=warnings,
        ))
    return out


def exact_duplicates(frame: pd.DataFrame, content: list[str], key: str) -> np.ndarray:
    """Rows equal in every delivered column to an earlier row (the first one is kept).

    Equal rows share their key, so only rows whose key occurs more than once are compared
    in full: one column to hash instead of all of them (a tenth of the time on a million
    rows, where keys are nearly all unique)."""
    shared = frame.duplicated(subset=[key], keep=False).to_numpy(bool)
    out = np.zeros(len(frame), dtype=bool)
    if shared.any():
        out[shared] = frame.loc[shared].duplicated(subset=content, keep="first").to_numpy(bool)
    return out


FAILURE_COLUMNS = ["bronregel", "kolom", "regel", "melding", "oplossing", "waarde"]


def _shape_failures(table: TextTable, index: pd.Index, offset: int) -> pd.DataFrame:
    """Problems the reader found with a row's shape (field count, merged cells, formulas)."""
    lines = list(table.row_problems)
    found_at = index.get_indexer(lines) if lines else []
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


def _describe(cases: pd.DataFrame, model: ModuleType, frame: pd.DataFrame) -> pd.DataFrame:
    """Turn pandera's failure cases into plain-language rows, one per (row, rule)."""
    showable = {c for kind in SHOWABLE_KINDS for c in getattr(model, kind)}
    if cases["index"].isna().any():
        # A failure that is not about a row (e.g. a column of the wrong type) means the
        # loader prepared the frame wrongly: that is our bug, not the delivery's.
        raise RuntimeError(
            f"internal error validating {model.SOORT}: "
            + ", ".join(sorted(set(cases.loc[cases["index"].isna(), "check"].astype(str))))
        )
    out = []
    for check, column, line in zip(cases["check"], cases["column"], cases["index"], strict=True):
        key = f"not_nullable:{column}" if check == "not_nullable" else str(check)
        rule = model.RULES.get(key, UNKNOWN_RULE)
        kolom = rule.kolom or (column if column in frame.columns else None)
        waarde = None
        line = int(line)  # position in the batch; mapped back to file and line by the caller
        if kolom in showable:
            value = frame.at[line, kolom]
            waarde = None if pd.isna(value) else str(value)[:40]
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
