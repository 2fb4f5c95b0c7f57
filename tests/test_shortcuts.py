"""The loader's shortcuts give the answer of their plain definition.

A shortcut decides whether work is skipped (trimming, case folding, comparing rows with
a repeated key), so a wrong answer would silently skip a rule: each is compared here with
the obvious way to compute the same thing, on random and on edge-case input.
"""

from __future__ import annotations

import polars as pl
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import text_table
from pipeline.ingest.text_table import has_bytes
from schemas.keys import all_distinct

RANGES = [(0x00, 0x20), (0x80, 0xFF), (0x41, 0x5A), (0x61, 0x7A)]


def plain_has_bytes(values: list[str | None], lo: int, hi: int) -> bool:
    return any(lo <= b <= hi for v in values if v is not None for b in v.encode("utf-8"))


texts = st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(chunks=st.lists(texts, min_size=1, max_size=3), which=st.sampled_from(RANGES))
def test_has_bytes_agrees_with_looking_at_every_byte(chunks, which):
    array = pa.chunked_array([pa.array(c, pa.large_string()) for c in chunks],
                             type=pa.large_string())
    expected = plain_has_bytes([v for c in chunks for v in c], *which)
    assert has_bytes(array, which) is expected


def test_has_bytes_finds_a_byte_in_a_later_block():
    # the middle ranges are tested a block at a time: a hit past the first block counts
    filler = "1" * (text_table._BLOCK + 100)
    assert has_bytes(pa.array([filler, "x"], pa.large_string()), (0x61, 0x7A))
    assert not has_bytes(pa.array([filler, "9"], pa.large_string()), (0x61, 0x7A))
    assert has_bytes(pa.array([filler + " "], pa.large_string()), (0x00, 0x20))
    assert has_bytes(pa.array([filler + "é"], pa.large_string()), (0x80, 0xFF))


def test_has_bytes_of_nothing_is_false():
    assert not has_bytes(pa.array([], pa.large_string()), *RANGES)
    assert not has_bytes(pa.array([None, None], pa.large_string()), *RANGES)
    assert not has_bytes(pa.array(["", ""], pa.large_string()), *RANGES)


keys = st.lists(st.tuples(st.integers(0, 2), st.one_of(st.none(), st.sampled_from(
    ["A1", "A2", "a1", "A1 ", "B", ""]))), max_size=12)


@settings(max_examples=300, deadline=None)
@given(rows=keys)
def test_all_distinct_agrees_with_finding_repeated_rows(rows):
    frame = pl.DataFrame({"ctx_bron": [b for b, _ in rows], "k": [k for _, k in rows]},
                         schema={"ctx_bron": pl.Int64, "k": pl.String})
    expected = len(set(rows)) == len(rows)  # missing equals missing, as in a set
    assert frame.select(all_distinct(["ctx_bron", "k"])).item() is expected


cells = st.lists(st.one_of(st.none(), st.text(alphabet=" \tab\u00e9\u00a0-1", max_size=5)),
                 max_size=30)


@settings(max_examples=300, deadline=None)
@given(chunks=st.lists(cells, min_size=1, max_size=3), start=st.integers(0, 3))
def test_trimmed_text_trims_and_makes_empty_missing(chunks, start):
    """Trimmed text: each value stripped of whitespace, an empty one missing; also for a
    slice, for several chunks and for text that already has missing values."""
    array = pa.chunked_array([pa.array(c, pa.large_string()) for c in chunks],
                             type=pa.large_string())
    values = [v for c in chunks for v in c][start:]
    array = array.slice(start)
    got = text_table.trimmed_text(array)
    got.validate(full=True)
    assert got.to_pylist() == [None if v is None or not v.strip() else v.strip()
                               for v in values]
