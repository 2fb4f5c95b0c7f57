"""Each key-figure definition of kerncijfers.md on tiny hand-computed warehouses."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from pathlib import Path

import pytest

from pipeline import warehouse
from pipeline.figures.kerncijfers import kerncijfers
from pipeline.periods import parse_periode as P
from pipeline.quality.kerncijfers_frames import voorraad_records
from schemas.reference_tables import load_reference
from tests.conftest import SAMPLE, D

SPEC_KEYS = {
    "aanmeldingen", "geplaatst", "wachttijd_mediaan_dagen", "clienten_in_zorg",
    "aandeel_ambulant", "nieuwe_verblijven", "beeindigde_verblijven", "stand_begin",
    "stand_einde", "uitstroom", "uitstroom_bestemming", "ligdagen", "bezettingsgraad",
    "verblijfsduur_mediaan_dagen", "trajectduur_mediaan_dagen", "herkomst",
    "aandeel_eigen_regio", "meegekomen_kinderen", "per_opvangvorm",
    "periode", "centrumgemeente", "peildatum",
    # v1.1, "What happens after the shelter": the keys computed so far (the return figures,
    # terugkeer_* and herhaalde_aanmeldingen, are issue 32's next step)
    "niet_geplaatst_reden", "aandeel_vol",
}
#: Keys this project adds, each documented in docs/kerncijfers.md.
ADDED_KEYS = {"referentie_versie", "inwoners", "aanmeldingen_per_10k_inwoners",
              "clienten_in_zorg_per_10k_inwoners", "plaatsen_per_10k_inwoners",
              "plaatsen_norm_istanbul", "dekking", "geplaatst_binnen_dagen",
              "aanmeldingen_niet_geplaatst", "gemiddeld_wachtend", "bovenregionaal_geplaatst"}


def test_ligdagen_from_1_to_3_january_is_2(tiny):
    tiny.verblijf("V1", "2025-01-01", "2025-01-03")
    f = tiny.figures()
    assert f["ligdagen"] == 2
    assert f["per_opvangvorm"]["residentieel"]["ligdagen"] == 2


def test_ligdagen_of_a_running_stay_count_to_the_end_of_the_period(tiny):
    tiny.verblijf("V1", "2024-12-01")              # whole Q1: 90 days
    tiny.verblijf("V2", "2025-03-31", vorm="crisisopvang")   # 1 day
    tiny.verblijf("V3", "2025-02-01", vorm="ambulant")       # not residential
    assert tiny.figures()["ligdagen"] == 91


@pytest.mark.parametrize(("start", "eind", "overlaps"), [
    ("2024-12-31", "2024-12-31", False), ("2024-12-31", "2025-01-01", True),
    ("2025-03-31", None, True), ("2024-01-01", None, True), ("2025-02-01", "2025-02-01", True),
])
def test_overlap(tiny, start, eind, overlaps):
    tiny.verblijf("V1", start, eind, kwartaal="2024Q4" if start < "2025" and eind and
                  eind < "2025" else "2025Q1")
    tiny.capaciteit("2025Q1", 1, 1)  # keeps 2025Q1 delivered in both cases
    assert tiny.figures()["clienten_in_zorg"] == int(overlaps)


def test_stock_and_flow(tiny):
    tiny.verblijf("A", "2024-11-01", "2025-01-15", client="c1")   # stand_begin, beeindigd
    tiny.verblijf("B", "2025-02-01", None, client="c2")           # nieuw, stand_einde
    tiny.verblijf("C", "2025-02-01", "2025-02-10", client="c3")   # nieuw, beeindigd
    tiny.verblijf("D", "2024-10-01", None, client="c4", vorm="ambulant")  # begin and einde
    f = tiny.figures()
    assert (f["stand_begin"], f["nieuwe_verblijven"], f["beeindigde_verblijven"],
            f["stand_einde"]) == (2, 2, 2, 2)
    assert f["aandeel_ambulant"] == pytest.approx(1 / 4)


def test_even_count_median_wait_is_mean_of_middle_values(tiny):
    for i, (a, p) in enumerate([("2025-01-01", "2025-01-02"), ("2025-01-01", "2025-01-04"),
                                ("2025-01-10", "2025-01-20"), ("2025-02-01", "2025-02-01")]):
        tiny.aanmelding(f"A{i}", a, plaatsing=p)
    tiny.aanmelding("A9", "2025-01-05", uitkomst="doorverwezen")
    f = tiny.figures()
    # waits 1, 3, 10, 0 -> sorted 0,1,3,10 -> (1+3)/2
    assert f["wachttijd_mediaan_dagen"] == 2.0
    assert (f["aanmeldingen"], f["geplaatst"]) == (5, 4)


def test_wait_median_is_null_without_placements(tiny):
    tiny.aanmelding("A1", "2025-01-05", uitkomst="niet_geplaatst")
    assert tiny.figures()["wachttijd_mediaan_dagen"] is None


def test_verblijfsduur_km_with_censoring_at_r(tiny):
    # R = 2025-03-31 (latest quarter delivered for GM0344)
    tiny.verblijf("V1", "2025-01-01", "2025-01-11")            # event 10
    tiny.verblijf("V2", "2025-01-01", "2025-01-21")            # event 20
    tiny.verblijf("V3", "2025-03-21")                          # censored at 10
    tiny.verblijf("V4", "2025-01-01", "2025-02-10", vorm="crisisopvang")  # event 40
    tiny.verblijf("V5", "2025-01-01", "2025-01-02", vorm="ambulant")      # not residential
    # t=10: n=4 (censored at 10 still at risk), d=1 -> .75; t=20: n=2, d=1 -> .375
    f = tiny.figures()
    assert f["verblijfsduur_mediaan_dagen"] == 20.0
    assert f["per_opvangvorm"]["crisisopvang"]["verblijfsduur_mediaan_dagen"] == 40.0
    assert f["peildatum"] == "2025-03-31"


@pytest.mark.parametrize(("gap", "chained"), [(0, True), (1, True), (2, False)])
def test_trajecten_chain_with_gaps_of_0_1_2_days(tiny, gap, chained):
    tiny.verblijf("V1", "2025-01-01", "2025-01-11", vorm="crisisopvang")
    second = D("2025-01-11") + dt.timedelta(days=gap)
    tiny.verblijf("V2", second.isoformat(), "2025-01-31", vorm="ambulant")
    warehouse.build(tiny.con)
    n = tiny.con.execute("SELECT count(*) FROM trajecten").fetchall()[0][0]
    assert n == (1 if chained else 2)
    f = kerncijfers(tiny.con, P("2025Q1"), "GM0344")
    # chained: one traject of 30 days; else two (10 and 31 - 11 - gap days) -> median
    expected = 30.0 if chained else 10.0 if (20 - gap) > 10 else float(20 - gap)
    assert f["trajectduur_mediaan_dagen"] == expected


def test_traject_with_running_last_episode_is_censored(tiny):
    tiny.verblijf("V1", "2025-01-01", "2025-01-11", vorm="crisisopvang")
    tiny.verblijf("V2", "2025-01-12", None)
    warehouse.build(tiny.con)
    assert tiny.con.execute("SELECT lopend, aantal_verblijven FROM trajecten").fetchall() == [
        (True, 2)]
    assert kerncijfers(tiny.con, P("2025Q1"), "GM0344")["trajectduur_mediaan_dagen"] is None


def test_capacity_missing_for_one_quarter_makes_year_occupancy_null(tiny):
    tiny.verblijf("V1", "2025-01-01", "2025-01-31")
    for k in ("2025Q1", "2025Q2", "2025Q3"):
        tiny.capaciteit(k, crisis=2, residentieel=3)
    tiny.capaciteit("2025Q4", crisis=None, residentieel=None)  # delivered, lists no forms
    year = tiny.figures("2025")
    assert year["bezettingsgraad"] == pytest.approx(30 / (5 * (365 - 92)))
    assert year["per_opvangvorm"]["crisisopvang"]["plaatsen"] == pytest.approx(2 * 273 / 365)
    tiny.con.execute("DELETE FROM raw_capaciteit WHERE kwartaal = '2025Q2'")
    tiny.con.execute("DELETE FROM loads WHERE soort = 'capaciteit' AND kwartaal = '2025Q2'")
    assert tiny.figures("2025")["bezettingsgraad"] is None
    q1 = tiny.figures("2025Q1")
    assert q1["bezettingsgraad"] == pytest.approx(30 / (5 * 90))


def test_nationally_a_quarter_counts_the_centrumgemeenten_that_delivered_it(tiny):
    # Utrecht delivers every quarter; Amsterdam skips 2025Q2 altogether (partial participation)
    for cg in ("GM0344", "GM0363"):
        tiny.verblijf("V1", "2025-01-01", None, cg=cg, kwartaal="2025Q1")
        for k in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
            if cg == "GM0363" and k == "2025Q2":
                continue
            tiny.verblijf("V1", "2025-01-01", None, cg=cg, kwartaal=k)
            tiny.capaciteit(k, crisis=0, residentieel=2, cg=cg)
    tiny.build()
    year = kerncijfers(tiny.con, P("2025"))
    # both stays run all year; Amsterdam's 2025Q2 is out of numerator and denominator alike
    covered = 365 + 365 - 91
    assert year["bezettingsgraad"] == pytest.approx(covered / (2 * covered))
    assert year["dekking"]["2025Q2"] == {"geleverd": 1, "centrumgemeenten": 35}
    assert year["dekking"]["2025Q1"]["geleverd"] == 2
    # Amsterdam on its own: every quarter counts, so its missing 2025Q2 leaves it unknown
    assert kerncijfers(tiny.con, P("2025"), "GM0363")["bezettingsgraad"] is None
    # a centrumgemeente that delivered verblijf for a quarter without capaciteit: unknown
    tiny.verblijf("V1", "2025-01-01", None, cg="GM0363", kwartaal="2025Q2")
    tiny.build()
    assert kerncijfers(tiny.con, P("2025"))["bezettingsgraad"] is None


def test_herkomst_maps_old_codes_before_classifying(tiny):
    # GM0599 Rotterdam; GM0530 Hellevoetsluis -> GM1992 Voorne aan Zee (area of Rotterdam?)
    ref = load_reference()
    area = dict(zip(ref.gemeenten["gm_code"], ref.gemeenten["centrumgemeente"], strict=True))
    cg = area["GM1992"]
    tiny.aanmelding("A1", "2022-05-02", plaatsing="2022-05-03", herkomst="GM0530", cg=cg,
                    kwartaal="2022Q2", kinderen=2)
    tiny.aanmelding("A2", "2022-05-02", uitkomst="doorverwezen", herkomst="GM0344", cg=cg,
                    kwartaal="2022Q2", kinderen=4)
    tiny.aanmelding("A3", "2022-05-02", uitkomst="doorverwezen", herkomst="BUITENLAND", cg=cg,
                    kwartaal="2022Q2")
    tiny.aanmelding("A4", "2022-05-02", uitkomst="doorverwezen", cg=cg, kwartaal="2022Q2")
    f = tiny.figures("2022Q2", cg)
    assert f["herkomst"] == {"eigen_regio": 1, "andere_regio": 1, "buitenland": 1,
                             "onbekend": 1}
    assert f["aandeel_eigen_regio"] == 0.5
    assert f["meegekomen_kinderen"] == 2


def test_niet_geplaatst_reden_and_aandeel_vol_per_cg_and_national(tiny):
    # GM0344 (v1.1) in 2025Q1: doorverwezen or niet_geplaatst A2 vol, A3 vol, A4 past_niet,
    # A5 onbekend, A6 empty (= onbekend); A1 geplaatst and A7 in_behandeling are not counted,
    # A8 is in 2025Q2. GM0363 delivered v1 (no column): both its aanmeldingen are onbekend.
    for aid, uitkomst, reden in (("A2", "doorverwezen", "vol"), ("A3", "niet_geplaatst", "vol"),
                                 ("A4", "doorverwezen", "past_niet"),
                                 ("A5", "niet_geplaatst", "onbekend"),
                                 ("A6", "doorverwezen", None), ("A7", "in_behandeling", None)):
        tiny.aanmelding(aid, "2025-02-01", uitkomst=uitkomst, reden=reden)
    tiny.aanmelding("A1", "2025-02-01", plaatsing="2025-02-02")
    tiny.aanmelding("A8", "2025-04-01", uitkomst="niet_geplaatst", reden="elders_geplaatst",
                    kwartaal="2025Q2")
    tiny.formaatversie = "1"
    for aid, uitkomst in (("B1", "doorverwezen"), ("B2", "niet_geplaatst")):
        tiny.aanmelding(aid, "2025-03-01", uitkomst=uitkomst, cg="GM0363")
    zero = {"vol": 0, "past_niet": 0, "client_ziet_af": 0, "elders_geplaatst": 0, "onbekend": 0}

    f = tiny.figures("2025Q1", "GM0344")
    assert f["niet_geplaatst_reden"] == {**zero, "vol": 2, "past_niet": 1, "onbekend": 2}
    assert f["aandeel_vol"] == pytest.approx(2 / 3)  # vol / (5 - 2 onbekend)
    national = kerncijfers(tiny.con, P("2025Q1"))
    assert national["niet_geplaatst_reden"] == {**zero, "vol": 2, "past_niet": 1, "onbekend": 4}
    assert national["aandeel_vol"] == pytest.approx(2 / 3)
    # no known reason: null, not 0; a known reason other than vol: 0
    assert kerncijfers(tiny.con, P("2025Q1"), "GM0363")["aandeel_vol"] is None
    q2 = kerncijfers(tiny.con, P("2025Q2"), "GM0344")
    assert q2["niet_geplaatst_reden"] == {**zero, "elders_geplaatst": 1}
    assert q2["aandeel_vol"] == 0
    assert kerncijfers(tiny.con, P("2025"), "GM0344")["niet_geplaatst_reden"]["vol"] == 2
    # an area that delivered nothing in a period others delivered: every reason 0
    assert tiny.figures("2025Q1", "GM0400")["niet_geplaatst_reden"] == zero


def test_json_keys_exactly_as_the_spec(tiny):
    tiny.verblijf("V1", "2025-01-01", "2025-01-03")
    f = tiny.figures()
    assert SPEC_KEYS <= set(f) and set(f) - SPEC_KEYS == ADDED_KEYS
    doc = (Path(__file__).parent.parent / "docs" / "kerncijfers.md").read_text(encoding="utf-8")
    assert all(f"`{k}`" in doc for k in ADDED_KEYS)
    assert set(f["per_opvangvorm"]) == {"crisisopvang", "residentieel", "ambulant"}
    res_keys = {"clienten_in_zorg", "nieuwe_verblijven", "beeindigde_verblijven", "stand_begin",
                "stand_einde", "ligdagen", "plaatsen", "verblijfsduur_mediaan_dagen"}
    assert set(f["per_opvangvorm"]["residentieel"]) == res_keys
    assert set(f["per_opvangvorm"]["ambulant"]) == res_keys - {"ligdagen", "plaatsen",
                                                              "verblijfsduur_mediaan_dagen"}
    assert len(f["uitstroom_bestemming"]) == 8
    json.dumps(f)  # plain JSON types only


def test_unknown_centrumgemeente_and_bad_period_are_clear_errors(tiny):
    warehouse.build(tiny.con)
    with pytest.raises(ValueError, match="not a centrumgemeente"):
        kerncijfers(tiny.con, P("2025Q1"), "GM0308")
    with pytest.raises(ValueError, match="not a period"):
        kerncijfers(tiny.con, P("2025-1"), None)


@pytest.mark.slow
def test_identities_hold_for_every_scope_and_period_on_generated_data(tiny):
    """Random episodes delivered as organisations do (repeated in every quarter they touch)."""
    rnd = random.Random(11)
    quarters = [f"{y}Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    bounds = {k: (dt.date(int(k[:4]), 3 * int(k[-1]) - 2, 1),
                  (dt.date(int(k[:4]) + (k[-1] == "4"), (3 * int(k[-1])) % 12 + 1, 1)
                   - dt.timedelta(1))) for k in quarters}
    for cg in ("GM0344", "GM0363"):
        for i in range(120):
            start = dt.date(2024, 1, 1) + dt.timedelta(rnd.randint(0, 700))
            end = start + dt.timedelta(rnd.randint(0, 200)) if rnd.random() < .8 else None
            vorm = rnd.choice(["crisisopvang", "residentieel", "ambulant"])
            for k, (qs, qe) in bounds.items():
                if start <= qe and (end is None or end >= qs):
                    tiny.verblijf(f"V{i}", start.isoformat(),
                                  end.isoformat() if end and end <= qe else None, vorm=vorm,
                                  client=f"k{i % 70}", cg=cg, kwartaal=k)
    warehouse.build(tiny.con)
    mart = tiny.con.execute("SELECT * FROM mart_kwartaal_cg").df()
    assert len(mart) == 16
    for row in mart.to_dict("records"):  # the mart by the quality rule's own identity
        [record] = voorraad_records(row, row["centrumgemeente"], row["kwartaal"])
        assert record["verschil"] == 0, record
    for periode, cg in itertools.product(quarters + ["2024", "2025"], [None, "GM0344",
                                                                        "GM0363"]):
        f = kerncijfers(tiny.con, P(periode), cg)
        assert f["stand_einde"] == f["stand_begin"] + f["nieuwe_verblijven"] - f[
            "beeindigde_verblijven"], (periode, cg)
        for vorm, v in f["per_opvangvorm"].items():
            assert v["stand_einde"] == v["stand_begin"] + v["nieuwe_verblijven"] - v[
                "beeindigde_verblijven"], (periode, cg, vorm)
        for key in ("nieuwe_verblijven", "beeindigde_verblijven", "stand_begin",
                    "stand_einde"):
            assert f[key] == sum(v[key] for v in f["per_opvangvorm"].values())
    national = kerncijfers(tiny.con, P("2025"), None)
    parts = [kerncijfers(tiny.con, P("2025"), cg) for cg in ("GM0344", "GM0363")]
    assert national["clienten_in_zorg"] == sum(p["clienten_in_zorg"] for p in parts)


def test_a_warehouse_without_the_models_asks_for_a_build(tmp_path):
    from pipeline.warehouse import db

    con = db.connect(tmp_path / "leeg.duckdb")
    try:
        with pytest.raises(ValueError, match="opvangmonitor build"):
            kerncijfers(con, P("2025Q1"))
    finally:
        con.close()


def test_a_warehouse_built_by_other_models_is_refused_until_it_is_rebuilt(wh):
    from pipeline.warehouse import BUILD_TABLE, ModelsOutdated, db

    wh.ingest(SAMPLE)
    con = db.connect(wh.path)
    con.execute(f"UPDATE {BUILD_TABLE} SET model_versie = 'een-oudere-versie'")
    con.close()
    with pytest.raises(ModelsOutdated, match="opvangmonitor build"):
        db.connect(wh.path, read_only=True)
    con = db.connect(wh.path)
    warehouse.build(con)
    con.close()
    with db.connect(wh.path, read_only=True) as con:
        assert kerncijfers(con, P("2025Q1"), "GM0344")["clienten_in_zorg"] == 5


def test_figures_per_10000_inhabitants_of_the_area(tiny):
    from schemas.reference_tables import bevolking, load_reference

    ref = load_reference()
    leden = ref.gemeenten.loc[ref.gemeenten["centrumgemeente"] == "GM0344", "gm_code"]
    inwoners = int(bevolking().set_index("gm_code").loc[leden, "inwoners"].sum())
    for i in range(3):
        tiny.aanmelding(f"A{i}", "2025-01-10")
    tiny.verblijf("V1", "2025-01-01", None, vorm="crisisopvang")
    tiny.capaciteit("2025Q1", crisis=30, residentieel=45)
    f = tiny.figures("2025Q1", "GM0344")
    assert f["inwoners"] == inwoners > 374_238          # Utrecht and the rest of its area
    assert f["aanmeldingen_per_10k_inwoners"] == pytest.approx(3 / inwoners * 10_000)
    assert f["clienten_in_zorg_per_10k_inwoners"] == pytest.approx(1 / inwoners * 10_000)
    assert f["plaatsen_per_10k_inwoners"] == pytest.approx(75 / inwoners * 10_000)
    assert f["plaatsen_norm_istanbul"] == pytest.approx(inwoners / 10_000)
    national = kerncijfers(tiny.con, P("2025Q1"))
    assert national["inwoners"] == 17_942_942              # CBS, 1 January 2024
    # only Utrecht delivered: a national rate over all inhabitants would understate
    assert national["aanmeldingen_per_10k_inwoners"] is None
    assert national["plaatsen_per_10k_inwoners"] is None


# --- pressure (docs/kerncijfers.md, "Druk op de opvang") -------------------------------------

def test_placements_within_1_3_and_7_days_and_the_aanmeldingen_not_placed(tiny):
    for i, (a, p) in enumerate([("2025-01-01", "2025-01-01"), ("2025-01-01", "2025-01-02"),
                                ("2025-01-01", "2025-01-04"), ("2025-01-01", "2025-01-08"),
                                ("2025-01-01", "2025-01-09")]):
        tiny.aanmelding(f"A{i}", a, plaatsing=p)     # waits 0, 1, 3, 7, 8
    tiny.aanmelding("N1", "2025-01-05", uitkomst="doorverwezen")
    tiny.aanmelding("N2", "2025-01-05", uitkomst="niet_geplaatst")
    tiny.aanmelding("N3", "2025-01-05", uitkomst="in_behandeling")
    f = tiny.figures()
    assert f["geplaatst_binnen_dagen"] == {"1": 2 / 5, "3": 3 / 5, "7": 4 / 5}
    assert f["aanmeldingen_niet_geplaatst"] == 2


def test_mean_number_waiting_counts_the_days_in_p_before_the_placement(tiny):
    # waits of 10 days, 3 days of which fall in Q1 (it was made in Q4, placed 3 January)
    tiny.aanmelding("A1", "2024-12-24", plaatsing="2025-01-03", kwartaal="2024Q4")
    tiny.aanmelding("A2", "2025-02-01", plaatsing="2025-02-11")            # 10 days
    tiny.aanmelding("A3", "2025-03-30", plaatsing="2025-04-04", kwartaal="2025Q1")  # 2 in Q1
    tiny.aanmelding("A4", "2025-02-01", uitkomst="doorverwezen")           # unknown: not counted
    f = tiny.figures()
    assert f["gemiddeld_wachtend"] == pytest.approx((2 + 10 + 2) / 90)
    empty = tiny.figures(periode="2025Q1", cg="GM0363")
    assert empty["gemiddeld_wachtend"] == 0 and empty["geplaatst_binnen_dagen"]["7"] is None


def test_placements_across_the_area_border_in_and_out(tiny):
    # GM0344 (Utrecht) places a client from Amsterdam's area (in for Utrecht, out for
    # Amsterdam) and one of its own; Amsterdam places one of Utrecht's residents
    tiny.aanmelding("A1", "2025-01-02", plaatsing="2025-01-02", herkomst="GM0363")
    tiny.aanmelding("A2", "2025-01-02", plaatsing="2025-01-02", herkomst="GM0344")
    tiny.aanmelding("A3", "2025-01-02", uitkomst="doorverwezen", herkomst="GM0363")
    tiny.aanmelding("B1", "2025-01-02", plaatsing="2025-01-02", herkomst="GM0344", cg="GM0363")
    utrecht = tiny.figures()
    assert utrecht["bovenregionaal_geplaatst"] == {"in": 1, "uit": 1}
    amsterdam = tiny.figures(cg="GM0363")
    assert amsterdam["bovenregionaal_geplaatst"] == {"in": 1, "uit": 1}
    tiny.aanmelding("C1", "2025-01-03", plaatsing="2025-01-03", herkomst="GM0363",
                    cg="GM0599")
    landelijk = tiny.figures(cg=None)
    assert landelijk["bovenregionaal_geplaatst"] == {"in": 3, "uit": 3}


def test_dutch_numbers_are_written_one_way_in_the_terminal_and_the_reports():
    import pandas as pd

    from pipeline.cli_render import _fmt
    from pipeline.share.sections import _markdown_table
    from schemas.labels import getal, procent

    assert (getal(3725), getal(1234567.891, 2), getal(2.0, 1), getal(None)) == (
        "3.725", "1.234.567,89", "2,0", None)
    assert (procent(0.7), procent(0.125, 1), procent(None)) == ("70%", "12,5%", None)
    assert (_fmt("aanmeldingen", 3725), _fmt("aandeel_ambulant", 0.613),
            _fmt("wachttijd_mediaan_dagen", 2.0)) == ("3.725", "61,3%", "2,0")
    table = _markdown_table(pd.DataFrame({"Maat": ["a", "b"], "Waarde": [3725, "x"]}))
    assert "| a | 3.725 |" in table and "| b | x |" in table


def test_a_difference_is_written_as_the_tables_write_numbers():
    from schemas.labels import verschil

    assert (verschil(1200), verschil(-3), verschil(0), verschil(None)) == (
        "+1.200", "-3", "0", None)


def test_the_sentence_on_classes_is_built_from_the_threshold_in_use():
    from pipeline.share.disclosure import Rules, klasse_labels
    from pipeline.share.sections import KLASSEN_UITLEG
    from schemas.labels import klassen_voorbeeld

    def zin(rules):
        return KLASSEN_UITLEG.format(voorbeeld=klassen_voorbeeld(klasse_labels(rules)),
                                     label=rules.label, t_1=rules.threshold - 1)

    assert "(zoals 5-9 of 10-24)" in zin(Rules()) and "0 tot en met 4" in zin(Rules())
    ten = zin(Rules(10))
    assert "(zoals 10-19 of 20-49)" in ten and "'<10' is 0 tot en met 9" in ten
    assert "5-9" not in ten
