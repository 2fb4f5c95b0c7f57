"""No client-level value appears in terminal output, error messages, rejection reports or the
load history: a test greps them all."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import row, write_delivery

pytestmark = pytest.mark.e2e

SECRET_IDS = [f"Geheim{i:02d}" for i in range(8)]


def test_no_client_id_in_any_output(wh, tmp_path):
    folder = tmp_path / "in"
    bad_rows = [
        row("verblijf", client_id=SECRET_IDS[0], opvangvorm="??"),
        row("verblijf", client_id=SECRET_IDS[1], verblijf_id="V2", startdatum="2025-99-01"),
        row("verblijf", client_id=SECRET_IDS[2], verblijf_id="V3", einddatum="2024-01-01"),
        row("verblijf", client_id=SECRET_IDS[3] + "!", verblijf_id="V4"),
    ]
    write_delivery(folder, "verblijf", bad_rows)
    write_delivery(folder, "instroom", [row("instroom", client_id=SECRET_IDS[4], uitkomst="x"),
                                        row("instroom", client_id=SECRET_IDS[5],
                                            aanmelding_id="A2", geslacht="")])
    write_delivery(folder, "uitstroom", [row("uitstroom", client_id=SECRET_IDS[6])],
                   header=["client_id", "verblijf_id", "uitstroomdatum", "bestemming",
                           "reden_einde", "naam"])
    write_delivery(folder, "capaciteit", [row("capaciteit")], cg="GM0308")
    env = wh.env()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(folder)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    loads = subprocess.run([sys.executable, "-m", "pipeline", "loads", "--json"],
                           capture_output=True, text=True, env=env).stdout
    reports = "".join(p.read_text(encoding="utf-8-sig")
                      for p in wh.path.parent.joinpath("afwijzingen").glob("*.csv"))
    history = str(wh.query("SELECT * FROM loads"))
    everything = proc.stdout + proc.stderr + loads + reports + history
    assert "whole file rejected" in everything and "opvangvorm" in everything
    for secret in SECRET_IDS:
        assert secret not in everything, secret
