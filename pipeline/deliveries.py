"""Find delivery files, parse their names, and read them into text tables.

Reading is deliberately dumb: every cell becomes trimmed text (or missing), each
row keeps the line number it had in the source file, and nothing is judged here
except what makes a file unreadable. Judging rows is the schemas' job.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from schemas import SOORTEN
from schemas.common import TEXT_DTYPE

CSV_NAME = re.compile(r"^(GM\d{4})_(\d{4})Q([1-4])_([a-z]+)\.csv$", re.IGNORECASE)
XLSX_NAME = re.compile(r"^(GM\d{4})_(\d{4})Q([1-4])\.xlsx$", re.IGNORECASE)
NAME_PATTERNS = (
    "<CG>_<YYYY>Q<n>_<soort>.csv (e.g. GM0344_2025Q1_instroom.csv) or <CG>_<YYYY>Q<n>.xlsx"
)
DELIVERY_SUFFIXES = {".csv", ".xlsx"}


class FileRejected(Exception):
    """The whole file is refused; ``str(exc)`` says what is wrong and how to fix it."""

    def __init__(self, problem: str, fix: str, regel: str):
        super().__init__(f"{problem}. {fix}")
        self.problem = problem
        self.fix = fix
        self.regel = regel


@dataclass(frozen=True)
class DeliveryName:
    """What a file name says: the authority on CG, quarter and soort."""

    centrumgemeente: str
    jaar: int
    kwartaal_nr: int
    soort: str | None  # None for an XLSX workbook (one sheet per soort)

    @property
    def kwartaal(self) -> str:
        return f"{self.jaar}Q{self.kwartaal_nr}"

    @property
    def kwartaal_start(self) -> dt.date:
        return dt.date(self.jaar, 3 * self.kwartaal_nr - 2, 1)

    @property
    def kwartaal_eind(self) -> dt.date:
        if self.kwartaal_nr == 4:
            return dt.date(self.jaar, 12, 31)
        return dt.date(self.jaar, 3 * self.kwartaal_nr + 1, 1) - dt.timedelta(days=1)


def parse_name(path: Path) -> DeliveryName:
    """Parse ``GM0344_2025Q1_instroom.csv`` or ``GM0344_2025Q1.xlsx``; reject anything else."""
    m = CSV_NAME.match(path.name)
    if m:
        soort = m.group(4).lower()
        if soort not in SOORTEN:
            raise FileRejected(
                f"'{m.group(4)}' in the file name is not a soort",
                f"Name the file {NAME_PATTERNS}, with soort one of {', '.join(SOORTEN)}",
                "bestandsnaam",
            )
        return DeliveryName(m.group(1).upper(), int(m.group(2)), int(m.group(3)), soort)
    m = XLSX_NAME.match(path.name)
    if m:
        return DeliveryName(m.group(1).upper(), int(m.group(2)), int(m.group(3)), None)
    raise FileRejected(
        "the file name does not follow the delivery pattern",
        f"Rename the file to {NAME_PATTERNS}",
        "bestandsnaam",
    )


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given plus delivery files inside folders (recursive), in a stable order.

    A file named explicitly is always taken (so a wrongly named file gets its
    rejection message); inside folders only ``.csv`` and ``.xlsx`` files are taken,
    skipping hidden files and Excel's ``~$`` lock files.
    """
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (f.is_file() and f.suffix.lower() in DELIVERY_SUFFIXES
                        and not f.name.startswith((".", "~$"))):
                    found.append(f)
        elif p.is_file():
            found.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def normalise_header(name: object) -> str:
    """'  Client ID ' -> 'client_id'; 'Geboorte-datum' -> 'geboorte_datum'."""
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


@dataclass
class TextTable:
    """A sheet or CSV as text: normalised header, rows indexed by source line."""

    header: list[str]
    frame: pd.DataFrame  # Arrow-backed text, index = bronregel
    #: problems with a row's shape found while reading: bronregel -> [(rule id, detail)]
    row_problems: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


# A 10 MB cell is not a reason to crash: let the row rules judge it.
csv.field_size_limit(2**31 - 1)

#: How far down a sheet or file the header may be (title rows above it are skipped).
HEADER_SEARCH_ROWS = 20


def decode(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or Windows-1252; refuse anything else."""
    if not data.strip():
        raise FileRejected("the file is empty (not even a header row)",
                           "Deliver the file with at least its header row", "leeg_bestand")
    if b"\x00" in data:
        raise FileRejected(
            "the file is not a text file (it contains binary data)",
            "Export the data again as CSV (UTF-8 or Windows-1252) or as an .xlsx workbook",
            "codering",
        )
    body, encoding = (data[3:], "utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else (
        data, "utf-8")
    try:
        return body.decode("utf-8"), encoding
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        if encoding == "utf-8-sig" or _has_utf8_text(body):
            raise FileRejected(
                f"the file mixes character encodings: line {line} is not UTF-8 while other "
                "lines are", "Save the whole file again as 'CSV UTF-8' from Excel (or retype "
                "the characters on that line)", "codering",
            ) from exc
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            f"the character encoding cannot be read (line {line} has a byte that is neither "
            "UTF-8 nor Windows-1252)",
            "Save the file again as 'CSV UTF-8' from Excel, or as plain Windows-1252 CSV",
            "codering",
        ) from exc


def _has_utf8_text(data: bytes) -> bool:
    """True when some bytes decode as real UTF-8 multi-byte characters."""
    return any(ord(c) > 127 and c != "\ufffd" for c in data.decode("utf-8", "replace"))


def sniff_delimiter(lines: list[str], known: set[str]) -> str:
    """Pick ';' or ',' by which one splits some early line into more known column names."""
    def score(delim: str) -> tuple[int, int]:
        best = (0, 0)
        for line in lines:
            cells = next(csv.reader([line.replace("\r", "")], delimiter=delim,
                                    quotechar='"'), [])
            best = max(best, (sum(normalise_header(c) in known for c in cells), len(cells)))
        return best

    return max([";", ","], key=score)


def read_csv_text(text: str, required: set[str], known: set[str]) -> TextTable:
    """Parse CSV text; every row remembers its line number in the file."""
    early = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    delim = sniff_delimiter(early, known)
    fast = _read_plain_csv(text, delim, required)
    if fast is not None:
        return fast
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"')

    def numbered() -> Iterator[tuple[int, list[str]]]:
        start = 1
        try:
            for record in reader:
                yield start, record
                start = reader.line_num + 1
        except csv.Error as exc:
            raise FileRejected(
                f"line {start} cannot be read as CSV ({exc})",
                "Open the file in Excel or a text editor, check that line, and save it again "
                "as CSV", "codering",
            ) from exc

    table = table_from_records(numbered(), required)
    table.delimiter = delim
    return table


BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


def _read_plain_csv(text: str, delim: str, required: set[str]) -> TextTable | None:
    """The fast path for the common case: Arrow's CSV reader, ~50x the csv module.

    Taken only when line numbers are unambiguous: no quote character anywhere (so no
    field spans lines), no blank lines, no lone carriage returns, and every row has the
    header's number of fields (Arrow refuses otherwise). Anything else returns None and
    goes the careful way, row by row.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    body = text.replace("\r\n", "\n")
    if '"' in text or "\r" in body or BLANK_LINE.search(body.rstrip("\n") + "\n"):
        return None
    head_lines = body.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    records = [(i, line.split(delim)) for i, line in enumerate(head_lines, start=1)]
    found = None
    for i, cells in records:
        if not any(c.strip() for c in cells):
            return None  # a line of only delimiters: let the careful path skip it
        if required <= {normalise_header(c) for c in cells}:
            found = (i, cells)
            break
    if found is None:
        return None
    header_line, cells = found
    header = [normalise_header(c) for c in cells]
    if len({h for h in header if h}) != len([h for h in header if h]) or "" in header:
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pacsv.ReadOptions(skip_rows=header_line, column_names=header,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    frame = table.to_pandas(types_mapper={pa.string(): TEXT_DTYPE}.get)
    frame.index = pd.RangeIndex(header_line + 1, header_line + 1 + len(frame), name="bronregel")
    frame = frame.apply(lambda col: col.str.strip()).replace("", pd.NA)
    frame = frame[frame.notna().any(axis=1)] if len(frame.columns) else frame
    warnings = []
    if header_line > 1:
        warnings.append(f"row(s) {', '.join(map(str, range(1, header_line)))} above the "
                        "header were skipped as title rows")
    return TextTable(header, frame, {}, warnings, delimiter=delim)


def read_csv_file(path: Path, required: set[str], known: set[str]) -> TextTable:
    text, encoding = decode(path.read_bytes())
    table = read_csv_text(text, required, known)
    table.encoding = encoding
    return table


def table_from_records(records: Iterable[tuple[int, list[str]]], required: set[str],
                       extra_problems: dict[int, list[tuple[str, str]]] | None = None,
                       ) -> TextTable:
    """Find the header, skip blank and title rows, keep every other row with its line number.

    The header is the first of the first 20 non-blank rows that holds every required
    column; without such a row it is the first non-blank row (and the file will be
    rejected for its missing columns, which names them).
    """
    pending: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    title_rows: list[int] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: dict[int, list[tuple[str, str]]] = {}
    it = iter(records)
    for line, record in it:
        if not any(c.strip() for c in record):
            continue
        pending.append((line, record))
        if required <= {normalise_header(c) for c in record}:
            header = [normalise_header(c) for c in record]
            title_rows = [n for n, _ in pending[:-1]]
            pending = []
            break
        if len(pending) == HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not pending:
            raise FileRejected("the file is empty (not even a header row)",
                               "Deliver the file with at least its header row", "leeg_bestand")
        header = [normalise_header(c) for c in pending[0][1]]
        pending = pending[1:]
    while header and header[-1] == "" and len(header) > 1:
        header.pop()
    named = [h for h in header if h]
    doubled = sorted({h for h in named if named.count(h) > 1})
    if doubled:
        raise FileRejected(
            f"column(s) {', '.join(doubled)} appear more than once in the header",
            "Keep one column of each name", "kolom_dubbel",
        )

    def take(line: int, record: list[str]) -> None:
        if not any(c.strip() for c in record):
            return  # blank line: not a record
        if len(record) != len(header):
            extra = record[len(header):]
            if len(record) < len(header) or any(c.strip() for c in extra):
                problems.setdefault(line, []).append(
                    ("veldaantal", f"{len(record)} fields instead of {len(header)}"))
            record = (record + [""] * len(header))[: len(header)]
        rows.append(record)
        lines.append(line)

    for line, record in pending:
        take(line, record)
    for line, record in it:
        take(line, record)
    for line, found in (extra_problems or {}).items():
        if line in set(lines):
            problems.setdefault(line, []).extend(found)
    warnings = []
    if title_rows:
        warnings.append(f"row(s) {', '.join(map(str, title_rows))} above the header were "
                        "skipped as title rows")
    return TextTable(header, _text_frame(header, rows, lines), problems, warnings)


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


def _text_frame(header: list[str], rows: list[list[str]], lines: list[int]) -> pd.DataFrame:
    cols = {h: [r[i] for r in rows] for i, h in enumerate(header) if h}
    frame = pd.DataFrame(cols, index=pd.Index(lines, name="bronregel"), dtype=TEXT_DTYPE)
    frame = frame.apply(lambda s: s.str.strip())
    return frame.replace("", pd.NA)


def normalise_values(
    frame: pd.DataFrame,
    date_columns: Iterable[str],
    enum_columns: Iterable[str],
    code_columns: Iterable[str],
) -> pd.DataFrame:
    """Rewrite delivered spellings into the one form the schemas check.

    Enumerations are matched case-insensitively, codes upper-cased, and
    ``DD-MM-YYYY`` dates rewritten to ``YYYY-MM-DD``. A value that fits no form is
    left as it is, so the schema reports it.
    """
    out = frame.copy()
    for c in enum_columns:
        if c in out:
            out[c] = out[c].str.lower()
    for c in code_columns:
        if c in out:
            out[c] = out[c].str.upper()
    for c in date_columns:
        if c in out:
            dmy = out[c].str.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}").fillna(False).to_numpy(bool)
            if dmy.any():
                parts = out.loc[dmy, c].str.split("-", expand=True)
                out.loc[dmy, c] = (parts[2] + "-" + parts[1].str.zfill(2) + "-"
                                   + parts[0].str.zfill(2))
    return out
