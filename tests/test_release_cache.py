"""The protected release is computed once per period, threshold and warehouse state, and
read back by report, audit, export and the site (pipeline/share/release_cache.py)."""

from __future__ import annotations

import json
import stat

import duckdb

from pipeline.figures.monitor import Monitor
from pipeline.periods import parse_periode as P
from pipeline.share.disclosure import Rules
from pipeline.share.release_cache import audited, cache_dir, state_key
from tests.conftest import row, write_delivery


def test_the_reports_release_is_kept_beside_the_warehouse_and_read_back(released):
    wh, folder, _ = released
    [kept] = cache_dir(wh.path).glob("2025Q2_d5_*.pickle")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_dir(wh.path).stat().st_mode) == 0o700
    with Monitor.open(wh.path) as m:
        rel, pub, _ = audited(m, P("2025Q2"), Rules())
    # the very release the reports were rendered from: its audit is the one they record
    recorded = json.loads((folder / "landelijk" / "release.json").read_text())["audit"]
    assert rel.audit == recorded and rel.audit["geslaagd"]
    assert list(cache_dir(wh.path).glob("2025Q2_d5_*.pickle")) == [kept]  # read, not redone
    assert any(how[0] != "exact" for how in pub.shown.values())  # the protected publication


def test_any_change_of_warehouse_threshold_or_period_is_another_release(wh, tmp_path):
    write_delivery(tmp_path / "d", "instroom", [row("instroom")])
    wh.ingest(tmp_path / "d")

    def key(periode="2025Q1", drempel=5) -> str:
        con = duckdb.connect(str(wh.path), read_only=True)
        try:
            return state_key(con, P(periode), Rules(drempel))
        finally:
            con.close()

    first = key()
    assert key() == first  # the same state gives the same release
    assert len({first, key(drempel=10), key(periode="2025")}) == 3
    write_delivery(tmp_path / "e", "verblijf", [row("verblijf")])
    wh.ingest(tmp_path / "e")  # a new load and a new build: a new state
    assert key() != first
