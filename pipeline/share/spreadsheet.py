"""Tables as an .xlsx workbook a spreadsheet cannot execute (formulas neutralised)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.share.safe_output import neutralise


def write_tables(tabellen: dict[str, pd.DataFrame], path: Path) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, df in tabellen.items():
            neutralise(df).to_excel(xl, sheet_name=name[:31], index=False)
    return path
