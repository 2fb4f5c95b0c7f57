"""Pseudonyms: delivered client ids never reach the warehouse; the key is kept safe."""

from __future__ import annotations

import os
import stat

import duckdb
import pandas as pd
import pytest

from pipeline.ingest import pseudonym
from tests.conftest import row, write_delivery


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
