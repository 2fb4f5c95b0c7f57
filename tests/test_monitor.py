"""The notebook API on a small real warehouse built from the sample delivery."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from pipeline.figures.monitor import Monitor
from tests.conftest import SAMPLE


@pytest.fixture
def monitor(wh):
    wh.ingest(SAMPLE)
    m = Monitor.open(wh.path)
    yield m
    m.close()


@pytest.mark.e2e
def test_kerncijfers_through_the_api_equal_the_cli_figures(monitor, wh):
    f = monitor.kerncijfers("2025Q1", "GM0344")
    assert (f["clienten_in_zorg"], f["ligdagen"]) == (5, 199)
    proc = subprocess.run([sys.executable, "-m", "pipeline", "kerncijfers", "--periode", "2025Q1",
                           "--centrumgemeente", "GM0344", "--json"], capture_output=True,
                          text=True, env=wh.env(), check=True)
    assert json.loads(proc.stdout) == json.loads(json.dumps(f))


@pytest.mark.slow
def test_tijdreeks_per_quarter(monitor):
    t = monitor.tijdreeks("GM0344")
    assert t["kwartaal"].tolist() == ["2025Q1"]
    assert t.loc[0, "stand_einde"] == t.loc[0, "stand_begin"] + t.loc[
        0, "nieuwe_verblijven"] - t.loc[0, "beeindigde_verblijven"]


@pytest.mark.slow
def test_herkomst_and_flows(monitor):
    h = monitor.herkomst_matrix("2025Q1")
    assert h["aanmeldingen"].sum() == 6
    flows = monitor.stromen("2025Q1")
    # GM0307 Amersfoort's area sent one aanmelding to GM0344 Utrecht (sample row A002)
    assert ((flows["herkomst_regio"] == "GM0307") & (flows["centrumgemeente"] == "GM0344")).any()


@pytest.mark.slow
def test_uitstroom_wait_and_km(monitor):
    assert monitor.uitstroom_bestemmingen("2025Q1")["uitstroom"].sum() == 2
    assert set(monitor.belemmeringen("2025Q1")["belemmering"]) == {"geen_woning", "financien"}
    w = monitor.wachttijden("2025Q1")
    assert sorted(w["dagen"].repeat(w["aantal"])) == [0, 1, 5]
    km = monitor.km_verblijfsduur("2025Q1", "GM0344")
    assert km["S"].iloc[0] == 1.0 and km["S"].iloc[-1] == pytest.approx(1 / 3)
    # three trajecten start in 2025Q1 (75 and 86 days running, one ended after 23 days)
    traject = monitor.km_trajectduur("2025Q1")
    assert traject[["t", "at_risk", "events"]].values.tolist() == [[0, 3, 0], [23, 3, 1]]
    assert traject["S"].iloc[-1] == pytest.approx(2 / 3)


@pytest.mark.slow
def test_duren_are_what_the_km_curves_are_computed_from(monitor):
    from pipeline.figures.survival import curve_for_sharing, km_curve

    d, e = monitor.verblijfsduur_duren("2025Q1", "GM0344")
    assert len(d) == len(e) > 0
    pd.testing.assert_frame_equal(monitor.km_verblijfsduur("2025Q1", "GM0344"), km_curve(d, e))
    per_vorm = [monitor.verblijfsduur_duren("2025Q1", "GM0344", v)[0]
                for v in ("crisisopvang", "residentieel")]
    assert sorted(d) == sorted(per_vorm[0] + per_vorm[1])
    d, e = monitor.trajectduur_duren("2025Q1")
    pd.testing.assert_frame_equal(monitor.km_trajectduur("2025Q1"), km_curve(d, e))
    shared = curve_for_sharing(d, e)
    assert list(shared.columns) == ["t", "S", "at_risk", "events"]
    assert shared["at_risk"].iloc[0] == (0 if not d else -(-len(d) // 5) * 5 - 2)
