"""Read a delivered CSV: encoding, delimiter, quoting; every row keeps its line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.ingest.names import FileRejected
from pipeline.ingest.text_table import (
    HEADER_SEARCH_ROWS,
    TextTable,
    normalise_header,
    table_from_records,
    trimmed_text,
)

# A 10 MB cell is not a reason to crash: let the row rules judge it.
csv.field_size_limit(2**31 - 1)

#: Arrow reads a CSV in blocks of this size, and each block becomes a chunk of every
#: column. Polars later joins a column's chunks into one, a copy of all its text: with
#: 16 MB blocks that copy was a fifth of the fresh memory of a run. A file up to 256 MB
#: (about 3.5 million rows) is one block, so there is nothing to join; larger files stay
#: in blocks, so one block's parse never holds more than this at once.
BLOCK_BYTES = 1 << 28


def decode(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or Windows-1252; refuse anything else."""
    if not data or data.isspace():  # not data.strip(): that copies the whole file
        raise FileRejected("the file is empty (not even a header row)",
                           "Deliver the file with at least its header row", "leeg_bestand")
    if b"\x00" in data:
        raise FileRejected(
            "the file is not a text file (it contains binary data)",
            "Export the data again as CSV (UTF-8 or Windows-1252) or as an .xlsx workbook",
            "codering",
        )
    body, encoding = _utf8_body(data)
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


def _utf8_body(data: bytes) -> tuple[bytes, str]:
    """The bytes after a UTF-8 byte-order mark, and the encoding's name with or without it."""
    return (data[3:], "utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else (data, "utf-8")


def _has_utf8_text(data: bytes) -> bool:
    """True when some bytes decode as real UTF-8 multi-byte characters."""
    return any(ord(c) > 127 and c != "\ufffd" for c in data.decode("utf-8", "replace"))


def sniff_delimiter(lines: list[str], known: set[str]) -> str:
    """Pick ';' or ',' by which one splits some early line into more known column names."""
    def score(delim: str) -> tuple[int, int]:
        best = (0, 0)
        for line in lines:
            line = line.replace("\r", "")
            cells = (line.split(delim) if '"' not in line else  # no quotes: a plain split
                     next(csv.reader([line], delimiter=delim, quotechar='"'), []))
            best = max(best, (sum(normalise_header(c) in known for c in cells), len(cells)))
        return best

    return max([";", ","], key=score)


def _head(text: str) -> list[str]:
    """The first lines, where header and title rows may be (without splitting the whole
    text: splitting an 80 MB file copies it)."""
    return text[:1 << 16].split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]


def read_csv_text(text: str, required: set[str], known: set[str]) -> TextTable:
    """Parse CSV text; every row remembers its line number in the file."""
    head = _head(text)
    delim = sniff_delimiter(head, known)
    fast = _read_plain_csv(text.encode("utf-8"), head, delim, required)
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


def _read_plain_utf8(data: bytes, required: set[str], known: set[str]) -> TextTable | None:
    """The fast path straight from the file's bytes when they are UTF-8: decoding a large
    file to Python text costs more than Arrow's whole read, and Arrow checks the UTF-8
    itself (a file that is not UTF-8 fails here and goes the careful way, where
    :func:`decode` names the problem)."""
    if not data or b"\x00" in data or data.isspace():
        return None
    body, encoding = _utf8_body(data)
    head = body[:1 << 16]
    if len(body) > len(head):
        head = head[:head.rfind(b"\n") + 1]  # whole lines only: no character cut in two
    try:
        lines = _head(head.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    table = _read_plain_csv(body, lines, sniff_delimiter(lines, known), required)
    if table is not None:
        table.encoding = encoding
    return table


def _read_plain_csv(utf8: bytes, head: list[str], delim: str, required: set[str]
                    ) -> TextTable | None:
    """The fast path for the common case: Arrow's CSV reader, ~50x the csv module.

    Taken only when line numbers are unambiguous: no quote character anywhere (so no
    field spans lines), no lone carriage returns, and every row has the header's number
    of fields (Arrow refuses the file otherwise, e.g. for a line of only spaces, and it
    goes the careful way, row by row). An empty line comes back as a row with nothing in
    it, which is dropped like any such row, so every other row keeps its line number.
    ``head`` holds the text of the first lines, where the header is looked for.
    """
    if b'"' in utf8 or (b"\r" in utf8 and utf8.count(b"\r") != utf8.count(b"\r\n")):
        return None
    records = [(i, line.rstrip("\r").split(delim)) for i, line in enumerate(head, start=1)]
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
            pa.BufferReader(utf8),  # the bytes as they are (io.BytesIO copies every block)
            read_options=pacsv.ReadOptions(skip_rows=header_line, column_names=header,
                                           block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                # large_string: the type pandas keeps Arrow text in (it would cast to it)
                column_types={h: pa.large_string() for h in header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    frame = arrow_text_frame(table, header_line + 1)
    warnings = []
    if header_line > 1:
        warnings.append(f"row(s) {', '.join(map(str, range(1, header_line)))} above the "
                        "header were skipped as title rows")
    return TextTable(header, frame, {}, warnings, delimiter=delim)


def arrow_text_frame(table, first_line: int) -> pd.DataFrame:
    """Trim every cell, make empty cells missing and drop rows with nothing in them, in
    Arrow (pandas' own ``str.strip`` calls the same trim, one column at a time through
    pandas), then hand the text over as pandas columns indexed by their line number."""
    lines = pa.array(np.arange(first_line, first_line + table.num_rows, dtype=np.int64))
    columns = []
    for col in table.columns:
        columns.append(trimmed_text(col))
    if columns:
        keep = columns[0].is_valid()
        for c in columns[1:]:
            keep = pc.or_(keep, c.is_valid())
        if not pc.all(keep).as_py():  # filtering copies every column: only when needed
            columns = [c.filter(keep) for c in columns]
            lines = lines.filter(keep)
    return pd.DataFrame(
        {name: pd.arrays.ArrowStringArray(c)
         for name, c in zip(table.column_names, columns, strict=True)},
        index=pd.Index(lines.to_numpy(), name="bronregel"))


def read_csv_file(path: Path, required: set[str], known: set[str],
                  data: bytes | None = None) -> TextTable:
    """A delivered CSV as a text table; ``data`` is the file's bytes when the caller has
    read them already (the loader has, for the file's checksum)."""
    data = path.read_bytes() if data is None else data
    fast = _read_plain_utf8(data, required, known)
    if fast is not None:
        return fast
    text, encoding = decode(data)
    table = read_csv_text(text, required, known)
    table.encoding = encoding
    return table
