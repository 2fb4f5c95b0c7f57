"""Read a delivered XLSX workbook with calamine; row numbers in messages are Excel's."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from pipeline.ingest.names import FileRejected
from pipeline.ingest.text_table import TextTable, normalise_header, table_from_records
from schemas import SOORTEN


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def read_xlsx_sheets(path: Path, required: dict[str, set[str]]) -> tuple[
        dict[str, TextTable], list[str]]:
    """Read the sheets named after a soort; row numbers in messages are Excel's.

    Returns the tables and the names of the other sheets (ignored with a warning).
    Hidden soort sheets and two sheets for one soort are refused: we would have to
    guess which one the organisation meant.
    """
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileRejected(
            f"the workbook cannot be opened ({type(exc).__name__})",
            "Open it in Excel, save it again as .xlsx, and deliver that file", "codering",
        ) from exc
    tables: dict[str, TextTable] = {}
    others: list[str] = []
    formulas = None
    for meta in wb.sheets_metadata:
        soort = normalise_header(meta.name)
        if soort not in SOORTEN:
            others.append(meta.name)
            continue
        if meta.visible != SheetVisibleEnum.Visible:
            raise FileRejected(
                f"sheet '{meta.name}' is hidden", "Unhide it if it is the delivery, or delete it, "
                "so that what is delivered is what the organisation can see", "verborgen_blad",
            )
        if soort in tables:
            raise FileRejected(
                f"two sheets hold {soort}", f"Keep one sheet named {soort}", "kolom_dubbel")
        sheet = wb.get_sheet_by_name(meta.name)
        cells = sheet.to_python(skip_empty_area=False)
        problems: dict[int, list[tuple[str, str]]] = {}
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
            for r in range(r0, r1 + 1):
                problems.setdefault(r + 1, []).append(
                    ("samengevoegde_cel", f"merged cells {_ref(r0, c0)}:{_ref(r1, c1)}"))
        if formulas is None:
            formulas = _formulas_without_value(path)
        for r, c in formulas.get(meta.name, ()):
            if r - 1 < len(cells) and c - 1 < len(cells[r - 1]) and cells[r - 1][c - 1] == "":
                problems.setdefault(r, []).append(
                    ("formule_zonder_waarde", f"cell {_ref(r - 1, c - 1)}"))
        records = ((i, [_cell_text(v) for v in raw]) for i, raw in enumerate(cells, start=1))
        tables[soort] = table_from_records(records, required[soort], problems)
    return tables, others


def _ref(row0: int, col0: int) -> str:
    letters = ""
    n = col0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row0 + 1}"


def _formulas_without_value(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Formula cells per sheet (1-based row, column); empty when the workbook has none.

    A formula that Excel never calculated has no stored value, so the reader sees an
    empty cell: such a row must not be judged as "value missing" without saying why.
    """
    with zipfile.ZipFile(path) as z:
        if not any(b"<f" in z.read(n) for n in z.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            return {}
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    out: dict[str, set[tuple[int, int]]] = {}
    for ws in wb.worksheets:
        found = set()
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=") and hasattr(
                        cell, "row"):
                    found.add((cell.row, cell.column))
        out[ws.title] = found
    wb.close()
    return out
