"""A sheet or CSV as text: the header row found, every cell trimmed text, every row its line.

Reading is deliberately dumb: nothing is judged here except what makes a file unreadable.
Judging rows is the schemas' job.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from pipeline.ingest.names import FileRejected


def normalise_header(name: object) -> str:
    """'  Client ID ' -> 'client_id'; 'Geboorte-datum' -> 'geboorte_datum'."""
    return _normalised("" if name is None else str(name))


@functools.lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    """(The same few header names come back in every file.)"""
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


#: How far down a sheet or file the header may be (title rows above it are skipped).
HEADER_SEARCH_ROWS = 20


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


def _text_frame(header: list[str], rows: list[list[str]], lines: list[int]) -> pd.DataFrame:
    """Every cell trimmed, an empty cell missing (in Arrow, as the fast CSV path does)."""
    import pyarrow as pa

    named = [(i, h) for i, h in enumerate(header) if h]
    return pd.DataFrame(
        {h: pd.arrays.ArrowStringArray(trimmed_text(pa.array([r[i] for r in rows],
                                                              pa.large_string())))
         for i, h in named},
        index=pd.Index(lines, name="bronregel", dtype="int64"))


def trimmed_text(values):
    """Arrow text trimmed (Unicode whitespace, as pandas' ``str.strip``), empty made missing.

    Trimming copies every value; it is skipped for a column whose text has no byte that
    could be whitespace (nothing at or below the space, nothing outside ASCII), which
    is the usual column of codes, dates and numbers: a tenth of the cost."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # no byte at or below the space and none outside ASCII: no value can begin or end
    # with whitespace
    plain = not has_bytes(values, (0x00, 0x20), (0x80, 0xFF))
    trimmed = values if plain else pc.utf8_trim_whitespace(values)
    chunks = trimmed.chunks if isinstance(trimmed, pa.ChunkedArray) else [trimmed]
    empties = [pc.equal(pc.binary_length(c), 0) for c in chunks]
    if not any(pc.any(e).as_py() for e in empties):
        return trimmed
    out = [_empty_missing(c, e) for c, e in zip(chunks, empties, strict=True)]
    return pa.chunked_array(out, trimmed.type) if isinstance(trimmed, pa.ChunkedArray) else out[0]


def _empty_missing(values, empty):
    """The same text with its ``empty`` values missing. A new validity bitmap over the same
    bytes where it can (no missing values yet, not a slice): ``if_else`` would copy the
    text of the whole column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.null_count or values.offset:
        return pc.if_else(empty, pa.scalar(None, values.type), values)
    return pa.Array.from_buffers(values.type, len(values),
                                 [pc.invert(empty).buffers()[1], *values.buffers()[1:]])


def has_bytes(values, *ranges: tuple[int, int]) -> bool:
    """Whether the Arrow text holds a byte in one of the (inclusive) ranges. Looks at the
    whole buffer behind each chunk (at worst more than its values): a scan of the bytes
    costs a fraction of a string function over the values.

    A range from 0 or up to 255 is one minimum or maximum over the bytes; any other is
    tested a block at a time, so no temporary array as large as the column is made (fresh
    memory for it costs more than the test)."""
    import numpy as np
    import pyarrow as pa

    for chunk in (values.chunks if isinstance(values, pa.ChunkedArray) else [values]):
        data = chunk.buffers()[2]
        if data is None or not data.size:
            continue
        octets = np.frombuffer(data, dtype=np.uint8)
        for lo, hi in ranges:
            if lo == 0:
                found = octets.min() <= hi
            elif hi == 0xFF:
                found = octets.max() >= lo
            else:
                found = _bytes_between(octets, lo, hi)
            if found:
                return True
    return False


_BLOCK = 1 << 18


def _bytes_between(octets, lo: int, hi: int) -> bool:
    import numpy as np

    shifted = np.empty(min(_BLOCK, len(octets)), dtype=np.uint8)
    inside = np.empty(len(shifted), dtype=bool)
    for start in range(0, len(octets), _BLOCK):
        part = octets[start:start + _BLOCK]
        n = len(part)
        np.subtract(part, np.uint8(lo), out=shifted[:n])
        if np.less_equal(shifted[:n], np.uint8(hi - lo), out=inside[:n]).any():
            return True
    return False


def arrow_text(values: pd.Series):
    """A column as Arrow text (large_string). An Arrow-backed column is taken as it is:
    ``pa.array`` would convert it through Python objects (about a second per million)."""
    import pyarrow as pa

    array = values.array
    if isinstance(array, pd.arrays.ArrowStringArray):
        chunked = array._pa_array
        return chunked if chunked.type == pa.large_string() else chunked.cast(pa.large_string())
    return pa.chunked_array([pa.array(values, type=pa.large_string(), from_pandas=True)])
