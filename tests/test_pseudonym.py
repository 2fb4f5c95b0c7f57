"""Pseudonyms: delivered client ids never reach the warehouse; the key is kept safe."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import duckdb
import pandas as pd
import pytest

from pipeline.ingest import pseudonym
from tests.conftest import SAMPLE, row, write_delivery


def all_text_in_warehouse(path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    chunks = []
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        df = con.execute(f'SELECT * FROM "{table}"').df()
        chunks.append(df.astype(str).to_csv())
    con.close()
    return "\n".join(chunks)


def test_delivered_client_id_never_reaches_the_warehouse(wh, tmp_path):
    ids = ["Geheim-001", "Geheim-002", "Geheim-003"]
    write_delivery(tmp_path, "verblijf", [row("verblijf", client_id=ids[0]),
                                          row("verblijf", client_id=ids[1], verblijf_id="V2",
                                              opvangvorm="??")])
    write_delivery(tmp_path, "instroom", [row("instroom", client_id=ids[2])])
    write_delivery(tmp_path, "uitstroom", [row("uitstroom", client_id=ids[0])])
    wh.ingest(tmp_path)
    text = all_text_in_warehouse(wh.path)
    assert wh.query("SELECT count(*) FROM quarantine") == [(1,)]
    for cid in ids:
        assert cid not in text


def test_same_client_same_cg_same_pseudonym_other_cg_other(wh, tmp_path):
    write_delivery(tmp_path / "a", "verblijf", [row("verblijf")])
    write_delivery(tmp_path / "b", "instroom", [row("instroom")])
    write_delivery(tmp_path / "c", "verblijf", [row("verblijf")], cg="GM0363")
    wh.ingest(tmp_path)
    p = dict(wh.query("SELECT centrumgemeente, client_pseudoniem FROM raw_verblijf"))
    [(p_instroom,)] = wh.query("SELECT client_pseudoniem FROM raw_instroom")
    assert p["GM0344"] == p_instroom
    assert p["GM0344"] != p["GM0363"]


def test_pseudonym_depends_on_the_key():
    ids = pd.Series(["K1", "K2", None], dtype="string")
    a = pseudonym.pseudonymise(b"a" * 32, "GM0344", ids)
    b = pseudonym.pseudonymise(b"b" * 32, "GM0344", ids)
    assert a[0] != b[0] and a[0] != a[1] and pd.isna(a[2])


def reference_pseudonym(key: bytes, cg: str, client_id: str) -> str:
    """The previous version's definition, per id with Python's hmac: the pseudonyms of every
    warehouse built so far."""
    return hmac.new(key, f"{cg}:{client_id}".encode(), hashlib.sha256).hexdigest()[:32]


@pytest.mark.parametrize("key", [bytes(range(32)), b"k" * 16, b"lang" * 20],
                         ids=["32 bytes", "16 bytes", "80 bytes: hashed first"])
def test_batch_pseudonyms_equal_those_of_the_previous_version(key):
    """Same key, same pseudonyms: the sample delivery's ids and the awkward ones (non-ASCII,
    empty, missing, repeated), in their order, with their index."""
    sample = pd.read_csv(SAMPLE / "2025Q1" / "GM0344_2025Q1_verblijf.csv", sep=None,
                         engine="python", dtype=str)["client_id"]
    ids = pd.Series([*sample, "Jöse-é€", "", None, sample.iloc[0]], dtype="string",
                    index=range(100, 100 + len(sample) + 4))
    got = pseudonym.pseudonymise(key, "GM0344", ids)
    assert list(got.index) == list(ids.index) and str(got.dtype) == "string"
    expected = [None if pd.isna(c) else reference_pseudonym(key, "GM0344", c) for c in ids]
    assert [None if pd.isna(g) else g for g in got] == expected
    assert len(sample) > 5


@pytest.mark.parametrize("limit", [pseudonym.MEMO_LIMIT, 4])
def test_pseudonyms_looked_up_from_earlier_batches_are_the_same(monkeypatch, limit):
    """A run remembers the pseudonyms it made (a large instroom and its verblijf are two
    batches of one centrumgemeente): what it looks up, and what it hashes anew beside it,
    equal the definition, with other centrumgemeenten, missing ids and all-known batches in
    the mix; also when the memo is full and starts over (limit 4)."""
    monkeypatch.setattr(pseudonym, "MEMO_LIMIT", limit)
    key = bytes(range(32))
    memo = pseudonym.Memo()
    first = pd.Series(["A1", "A2", None, "A3"], dtype="string")
    second = pd.Series(["A3", "B9", "A1", None, "A1"], dtype="string", index=range(7, 12))
    known = pd.Series(["A2", "A1", "A1"], dtype="string", index=range(3, 6))
    other = pd.Series(["A1", "Z5"], dtype="string")
    batches = [[("GM0344", first)], [("GM0344", second)], [("GM0344", known)],
               [("GM0363", other), ("GM0344", first)], [("GM0344", second)],
               [("GM0344", second), ("GM0363", other)]]
    sizes = []
    for parts in batches:
        got = pseudonym.pseudonymise_many(key, parts, memo)
        sizes.append(len(memo.messages))
        for (cg, ids), out in zip(parts, got, strict=True):
            assert list(out.index) == list(ids.index)
            assert [None if pd.isna(g) else g for g in out] == [
                None if pd.isna(c) else reference_pseudonym(key, cg, c) for c in ids]
    assert memo.centrumgemeenten == {"GM0344", "GM0363"}
    # B9 joins the memo, an all-known batch adds nothing, GM0363 starts it afresh; a memo
    # that would outgrow its limit holds only the batch's new messages (B9; then the four
    # not among them)
    assert sizes == ([3, 4, 4, 5, 6, 6] if limit > 6 else [3, 4, 4, 5, 1, 4])


def test_key_is_created_on_first_use_readable_only_by_owner(tmp_path):
    path = tmp_path / "cfg" / "opvangmonitor" / "pseudoniem.key"
    key = pseudonym.load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pseudonym.load_or_create_key(path) == key


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_key_readable_by_others_is_refused(tmp_path, mode):
    path = tmp_path / "pseudoniem.key"
    pseudonym.load_or_create_key(path)
    os.chmod(path, mode)
    with pytest.raises(pseudonym.KeyFileError, match="chmod 600"):
        pseudonym.load_or_create_key(path)


def test_damaged_key_is_refused_not_replaced(tmp_path):
    path = tmp_path / "pseudoniem.key"
    path.write_text("not hex")
    os.chmod(path, 0o600)
    with pytest.raises(pseudonym.KeyFileError, match="backup"):
        pseudonym.load_or_create_key(path)
    assert path.read_text() == "not hex"
