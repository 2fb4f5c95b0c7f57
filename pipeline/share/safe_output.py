"""Writing tables that people open in Excel, without formula injection.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is run as a formula by
spreadsheet programs. Every CSV or XLSX the product writes goes through
:func:`neutralise`, which prefixes such text with an apostrophe. Numbers are
left alone: a negative number is a number, not a formula.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_value(v: object) -> object:
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise_value)
    out.columns = [neutralise_value(str(c)) for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """CSV for analysts: ';'-separated UTF-8 with BOM, as Dutch Excel opens it directly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(df).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path
