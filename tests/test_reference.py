"""Reference data: 342 municipalities in exactly one of 35 areas, old codes, official override."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from schemas.reference_tables import ReferenceDataError, load_reference
from tests.conftest import row, write_delivery


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def test_every_municipality_in_exactly_one_of_35_areas(ref):
    g = ref.gemeenten
    assert len(g) == 342 and g["gm_code"].is_unique
    assert g["centrumgemeente"].notna().all()
    assert set(g["centrumgemeente"]) == set(ref.centrumgemeenten["gm_code"])
    assert len(ref.centrumgemeenten) == 35


def test_each_centrumgemeente_in_its_own_area(ref):
    own = dict(zip(ref.gemeenten["gm_code"], ref.gemeenten["centrumgemeente"], strict=True))
    for cg in ref.centrumgemeente_codes:
        assert own[cg] == cg


def test_the_35_are_the_35_of_dutch_law(ref):
    cgs = ref.centrumgemeenten.set_index("gm_code")
    # Delft, Helmond and Nissewaard (Spijkenisse in the texts) are; Deventer, Hoorn and
    # Roermond are not (shared/reference SOURCES.md section 8)
    assert {"GM0503", "GM0794", "GM1930"} <= set(cgs.index)
    assert not {"GM0150", "GM0405", "GM0957"} & set(cgs.index)
    assert (cgs["status"] == "confirmed").all()
    assert cgs["source"].str.contains("BWBR0027383 bijlage 3").all()
    assert "Spijkenisse" in cgs.loc["GM1930", "source"]


def test_every_area_lies_inside_the_veilig_thuis_regio_of_its_centrumgemeente(ref):
    from schemas.reference_tables import REFERENCE_DIR, REGIOS_FILE

    vt = pd.read_csv(REFERENCE_DIR / REGIOS_FILE, dtype=str).set_index("gemeentecode")
    g = ref.gemeenten
    assert (g["bron"] == "afgeleid").all()
    assert (vt.loc[g["gm_code"], "veiligthuisregio_code"].to_numpy()
            == vt.loc[g["centrumgemeente"], "veiligthuisregio_code"].to_numpy()).all()
    assert set(g["methode"]) == {"enige_in_vt", "ggd", "dichtstbij", "eigen"}
    assert ref.versie == "2025-wet35-vt-afgeleid"


@pytest.mark.parametrize("gemeente, centrumgemeente, methode", [
    ("GM0150", "GM0193", "enige_in_vt"),   # Deventer: VT IJsselland holds only Zwolle
    ("GM0957", "GM0983", "enige_in_vt"),   # Roermond: Noord- en Midden-Limburg, only Venlo
    ("GM0828", "GM0796", "ggd"),           # Oss: GGD Hart voor Brabant, 's-Hertogenbosch
    ("GM0502", "GM0599", "dichtstbij"),    # Capelle a/d IJssel borders Rotterdam
    ("GM0794", "GM0794", "eigen"),
])
def test_membership_is_assigned_as_documented(ref, gemeente, centrumgemeente, methode):
    row = ref.gemeenten.set_index("gm_code").loc[gemeente]
    assert (row["centrumgemeente"], row["methode"]) == (centrumgemeente, methode)


def test_merged_municipalities_map_to_their_successor(ref):
    for old in ("GM0501", "GM0530", "GM0614"):
        assert ref.to_current(old) == "GM1992"
    assert ref.to_current("GM0344") == "GM0344"
    assert ref.to_current("BUITENLAND") == "BUITENLAND"
    assert ref.to_current("GM9999") is None
    assert not ref.is_known_municipality("GM0997")  # "Niet GBA" code without a successor


def official_file(tmp_path, ref, change=None, sep=","):
    rows = dict(zip(ref.gemeenten["gm_code"], ref.gemeenten["centrumgemeente"], strict=True))
    if change:
        change(rows)
    path = tmp_path / "officieel.csv"
    lines = [f"gm_code{sep}centrumgemeente"] + [f"{k}{sep}{v}" for k, v in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_official_file_replaces_the_default(tmp_path, ref):
    def move(rows):
        rows["GM0308"] = "GM0344"  # Baarn to Utrecht's area instead of Amersfoort's
    path = official_file(tmp_path, ref, move, sep=";")
    off = load_reference(path)
    assert off.versie.startswith("2025+officieel.csv@")
    g = off.gemeenten.set_index("gm_code")
    assert g.loc["GM0308", "centrumgemeente"] == "GM0344"
    assert g["bron"].str.startswith("officieel").all()


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.pop("GM0308"), "1 municipalities are in no area: GM0308"),
    (lambda r: r.__setitem__("GM9999", "GM0344"), "GM9999 is not a known municipality"),
    (lambda r: r.__setitem__("GM0501", "GM0599"), "former municipality (now GM1992)"),
    (lambda r: r.__setitem__("GM0308", "GM0308"), "GM0308 is not one of the 35"),
    (lambda r: r.__setitem__("GM0307", "GM0344"), "centrumgemeente GM0307 is placed in the area"),
])
def test_invalid_official_file_gives_a_clear_error(tmp_path, ref, change, message):
    with pytest.raises(ReferenceDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_reference(official_file(tmp_path, ref, change))


def test_duplicate_in_official_file_names_both_rows(tmp_path, ref):
    path = official_file(tmp_path, ref)
    path.write_text(path.read_text() + "GM0308,GM0344\n")
    with pytest.raises(ReferenceDataError,
                       match=r"GM0308 appears more than once \(rows \d+, 344\)"):
        load_reference(path)


def test_install_writes_the_tables(tmp_path, ref):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ref.install(con)
    assert con.execute("SELECT count(*) FROM ref_gemeenten").fetchone() == (342,)
    assert con.execute("SELECT count(*) FROM ref_centrumgemeenten").fetchone() == (35,)
    assert con.execute("SELECT gm_code_2025 FROM ref_crosswalk WHERE old_code = 'GM0614'"
                       ).fetchone() == ("GM1992",)
    assert con.execute("SELECT versie FROM ref_versie").fetchone() == (ref.versie,)


@pytest.mark.e2e
def test_referentie_json_has_exactly_the_cli_shape(wh):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "referentie", "--json"],
                          capture_output=True, text=True, env=wh.env(), check=True)
    doc = json.loads(proc.stdout)
    assert set(doc) == {"versie", "centrumgemeenten", "gemeenten"}
    assert set(doc["centrumgemeenten"][0]) == {"gm_code", "gm_naam", "status"}
    assert set(doc["gemeenten"][0]) == {"gm_code", "gm_naam", "provincie", "centrumgemeente",
                                        "bron"}
    assert {c["status"] for c in doc["centrumgemeenten"]} == {"confirmed"}


@pytest.mark.e2e
def test_referentie_text_says_what_is_confirmed_and_how_areas_were_derived(wh):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "referentie"], capture_output=True,
                          text=True, env=wh.env(), check=True)
    text = " ".join(proc.stdout.split())
    assert "35 of 35 centrumgemeenten are confirmed by Dutch law" in text
    assert "Memberships are derived, not official" in text
    assert "the nearest of several (dichtstbij: a guess)" in text


def test_a_2022_delivery_with_a_pre_merger_code_is_accepted(wh, tmp_path):
    # GM0530 Hellevoetsluis merged into GM1992 Voorne aan Zee on 2023-01-01
    path = write_delivery(tmp_path, "instroom", [row(
        "instroom", aanmelddatum="2022-05-02", plaatsingsdatum="2022-05-03",
        gemeente_herkomst="GM0530")], cg="GM0599", kwartaal="2022Q2")
    assert wh.ingest(path).exit_code == 0


def test_loads_of_a_former_candidate_are_kept_named_and_not_counted(tiny):
    # a warehouse filled when Deventer (GM0150) was taken for a centrumgemeente
    from pipeline.figures.kerncijfers import kerncijfers
    from pipeline.periods import parse_periode
    from pipeline.warehouse import loads_buiten_referentie

    tiny.verblijf("V1", "2025-01-05", None, cg="GM0150")
    tiny.verblijf("V2", "2025-01-05", None, cg="GM0193")
    tiny.build()
    [warning] = loads_buiten_referentie(tiny.con)
    assert "1 load(s) of GM0150 (2025Q1..2025Q1) are kept but not counted" in warning
    assert "its area is that of GM0193" in warning
    assert tiny.con.execute("SELECT count(*) FROM raw_verblijf").fetchone() == (2,)
    assert kerncijfers(tiny.con, parse_periode("2025Q1"))["clienten_in_zorg"] == 1
