"""The notebook API on a small real warehouse built from the sample delivery."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import Monitor
from tests.conftest import SAMPLE


@pytest.fixture
def monitor(wh):
    wh.ingest(SAMPLE)
    m = Monitor.open(wh.path)
    yield m
    m.close()


def test_kerncijfers_through_the_api_equal_the_cli_figures(monitor):
    f = monitor.kerncijfers("2025Q1", "GM0344")
    assert (f["clienten_in_zorg"], f["ligdagen"]) == (5, 199)


def test_tijdreeks_per_quarter(monitor):
    t = monitor.tijdreeks("GM0344")
    assert t["kwartaal"].tolist() == ["2025Q1"]
    assert t.loc[0, "stand_einde"] == t.loc[0, "stand_begin"] + t.loc[
        0, "nieuwe_verblijven"] - t.loc[0, "beeindigde_verblijven"]


def test_herkomst_and_flows(monitor):
    h = monitor.herkomst_matrix("2025Q1")
    assert h["aanmeldingen"].sum() == 6
    flows = monitor.stromen("2025Q1")
    # GM0307 Amersfoort's area sent one aanmelding to GM0344 Utrecht (sample row A002)
    assert ((flows["herkomst_regio"] == "GM0307") & (flows["centrumgemeente"] == "GM0344")).any()


def test_uitstroom_wait_and_km(monitor):
    assert monitor.uitstroom_bestemmingen("2025Q1")["uitstroom"].sum() == 2
    assert set(monitor.belemmeringen("2025Q1")["belemmering"]) == {"geen_woning", "financien"}
    w = monitor.wachttijden("2025Q1")
    assert sorted(w["dagen"].repeat(w["aantal"])) == [0, 1, 5]
    km = monitor.km_verblijfsduur("2025Q1", "GM0344")
    assert km["S"].iloc[0] == 1.0 and km["S"].iloc[-1] == pytest.approx(1 / 3)
    assert not monitor.km_trajectduur("2025Q1").empty


def test_duren_are_what_the_km_curves_are_computed_from(monitor):
    from pipeline.survival import curve_for_sharing, km_curve

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
