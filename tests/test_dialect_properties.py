"""Property tests: any valid delivery in any allowed dialect loads, value for value."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.checks import passes_elfproef
from pipeline.ingest.read_csv import decode, read_csv_text
from tests.conftest import HEADERS, Warehouse, row, write_delivery

Q1 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
dates_in_q1 = st.dates(min_value=Q1[0], max_value=Q1[1])
# a valid delivery has no client_id that could be a BSN (that file is refused whole, as
# test_file_rules checks): hypothesis found '120636098', which passes the 11-proef
ids = st.text(alphabet="ABCdef0123456789_-", min_size=1, max_size=20).filter(
    lambda v: not passes_elfproef(v))
# Text as Dutch organisations write it. Windows-1252 bytes of accented letters are never
# valid UTF-8 sequences, so detection is unambiguous for such text; arbitrary cp1252 byte
# pairs (e.g. "Â¡") are valid UTF-8 too and no detector can tell them apart.
DUTCH = "".join(chr(c) for c in range(32, 127)) + "éëïöüèàçâêôûÉËÏÖÜÈ"
texts = st.text(alphabet=DUTCH, min_size=1, max_size=30).map(str.strip).filter(bool)


def fmt(d: dt.date, iso: bool) -> str:
    return d.isoformat() if iso else d.strftime("%d-%m-%Y")


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    episodes=st.lists(st.tuples(ids, texts, dates_in_q1, st.integers(0, 40), st.booleans()),
                      min_size=1, max_size=6, unique_by=lambda t: t[1]),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    iso=st.booleans(),
)
def test_any_valid_verblijf_delivery_loads_exactly(episodes, delimiter, encoding, iso):
    rows, expected = [], set()
    for client, vid, start, length, ended in episodes:
        end = start + dt.timedelta(days=length)
        end_txt = fmt(end, iso) if ended and end <= Q1[1] else ""
        rows.append(row("verblijf", client_id=client, verblijf_id=vid,
                        startdatum=fmt(start, iso), einddatum=end_txt, aanmelding_id=""))
        expected.add((vid, start, end if end_txt else None))
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Path(tmp), models=False)
        path = write_delivery(Path(tmp) / "in", "verblijf", rows, delimiter=delimiter,
                              encoding=encoding)
        run = wh.ingest(path)
        assert run.exit_code == 0, run.report.to_dict("records")
        got = set(wh.query("SELECT verblijf_id, startdatum, einddatum FROM raw_verblijf"))
    assert got == expected


@settings(max_examples=50, deadline=None)
@given(cells=st.lists(st.lists(texts, min_size=4, max_size=4), min_size=0, max_size=8),
       delimiter=st.sampled_from([";", ","]))
def test_csv_reader_roundtrips_quoted_cells(cells, delimiter):
    header = HEADERS["verblijf"][:4]

    def q(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ';,"') else v

    text = "\r\n".join([delimiter.join(header)] + [delimiter.join(q(c) for c in r)
                                                   for r in cells]) + "\r\n"
    table = read_csv_text(text, set(header), set(header))
    assert table.delimiter == delimiter
    assert table.frame.fillna("").values.tolist() == [[c.strip() for c in r] for r in cells]
    assert table.frame.index.tolist() == list(range(2, 2 + len(cells)))


@given(st.binary(min_size=1, max_size=200))
def test_decode_accepts_or_refuses_with_a_clear_reason(data):
    from pipeline.ingest.names import FileRejected

    try:
        text, enc = decode(data)
    except FileRejected as exc:
        assert exc.regel in {"codering", "leeg_bestand"} and exc.fix
    else:
        assert enc in {"utf-8", "utf-8-sig", "cp1252"} and isinstance(text, str)


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(n=st.integers(-10**6, 10**6), kinderen=st.integers(-5, 25))
def test_integer_rules_follow_the_ranges(n, kinderen):
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Path(tmp), models=False)
        path = write_delivery(Path(tmp) / "in", "instroom", [
            row("instroom", geboortejaar=str(n), aantal_kinderen=str(kinderen))])
        run = wh.ingest(path)
        rules = set(run.report["regel"]) if len(run.report) else set()
    assert ("geboortejaar_bereik" in rules) == (not 1900 <= n <= 2025)
    assert ("aantal_kinderen_bereik" in rules) == (not 0 <= kinderen <= 15)
