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
    frame: pd.DataFrame  # dtype string, index = bronregel
    ragged: dict[int, int] = field(default_factory=dict)  # bronregel -> number of fields
    encoding: str | None = None
    delimiter: str | None = None


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
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _undetectable(exc) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _undetectable(exc) from exc


def _undetectable(exc: UnicodeDecodeError) -> FileRejected:
    return FileRejected(
        f"the character encoding cannot be read (byte {exc.start} is neither UTF-8 "
        "nor Windows-1252)",
        "Save the file again as 'CSV UTF-8' from Excel, or as plain Windows-1252 CSV",
        "codering",
    )


def sniff_delimiter(header_line: str, known: set[str]) -> str:
    """Pick ';' or ',' by which one splits the header into more known column names."""
    def score(delim: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=delim, quotechar='"'), [])
        return (sum(normalise_header(c) in known for c in cells), len(cells))

    return max([";", ","], key=score)


def read_csv_text(text: str, known_columns: set[str]) -> TextTable:
    """Parse CSV text; every row remembers its line number in the file."""
    first_line = text.split("\n", 1)[0]
    delim = sniff_delimiter(first_line, known_columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"')
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    ragged: dict[int, int] = {}
    start_line = 1
    for record in reader:
        line = start_line
        start_line = reader.line_num + 1
        if header is None:
            header = [normalise_header(c) for c in record]
            continue
        if not any(c.strip() for c in record):
            continue  # blank line: not a record
        if len(record) != len(header):
            ragged[line] = len(record)
            record = (record + [""] * len(header))[: len(header)]
        rows.append(record)
        lines.append(line)
    if header is None:
        raise FileRejected("the file is empty (not even a header row)",
                           "Deliver the file with at least its header row", "leeg_bestand")
    frame = _text_frame(header, rows, lines)
    return TextTable(header, frame, ragged, delimiter=delim)


def read_csv_file(path: Path, known_columns: set[str]) -> TextTable:
    text, encoding = decode(path.read_bytes())
    table = read_csv_text(text, known_columns)
    table.encoding = encoding
    return table


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


def read_xlsx_sheets(path: Path) -> Iterator[tuple[str, TextTable]]:
    """Yield (soort, table) for each sheet named after a soort; row numbers are Excel's."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileRejected(
            f"the workbook cannot be opened ({type(exc).__name__})",
            "Open it in Excel, save it again as .xlsx, and deliver that file", "codering",
        ) from exc
    for name in wb.sheet_names:
        soort = normalise_header(name)
        if soort not in SOORTEN:
            continue
        cells = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        yield soort, _sheet_table(cells)


def xlsx_other_sheets(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return [n for n in wb.sheet_names if normalise_header(n) not in SOORTEN]


def _sheet_table(cells: list[list[object]]) -> TextTable:
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    for i, raw in enumerate(cells, start=1):
        record = [_cell_text(v) for v in raw]
        if not any(c.strip() for c in record):
            continue
        if header is None:
            header = [normalise_header(c) for c in record]
            continue
        rows.append(record)
        lines.append(i)
    if header is None:
        header = []
    while header and header[-1] == "":
        header.pop()
    rows = [(r + [""] * len(header))[: len(header)] for r in rows]
    return TextTable(header, _text_frame(header, rows, lines))


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
            out[c] = out[c].str.replace(
                r"^(\d{1,2})-(\d{1,2})-(\d{4})$",
                lambda m: f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}",
                regex=True,
            )
    return out
