"""Maps and flow matrices show classes only: bounds, no exact small count anywhere, one
patch per municipality of the shipped boundaries, outlines, and the per-CG flow table."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from pipeline.share import charts
from pipeline.share.disclosure import Rules, klasse_labels, klassen
from pipeline.share.kaart import (
    NAAR,
    VANUIT,
    herkomst_kaart,
    klasse_kleuren,
    stromen_matrix,
    stromen_tabel,
)
from schemas.reference_tables import load_reference

R = Rules()
REF = load_reference()
PEIL, VERSIE = "2025-12-31", "2025-afgeleid"

#: Counts chosen so that none of them is a number the charts print anyway (peildatum,
#: class bounds, licence names): if one shows up in a chart's text, a count leaked.
MATRIX = pd.DataFrame([
    ("GM0014", "GM0014", 142),    # Groningen, nationally '100+'
    ("GM0037", "GM0014", 3),      # Stadskanaal, '<5' nationally
    ("GM0034", "GM0034", 3),      # Almere: 3 + 3 = 6 nationally ('5-9'), '<5' for GM0344
    ("GM0034", "GM0344", 3),
    ("GM0344", "GM0344", 13),     # Utrecht
    ("BUITENLAND", "GM0344", 37),
    ("onbekend", "GM0344", 17),
], columns=["gemeente_herkomst", "centrumgemeente", "aanmeldingen"])
LEAKED = {3, 6, 13, 17, 37, 142}


def numbers_in_svg(path) -> list[int]:
    svg = path.read_text(encoding="utf-8")
    texts = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg,
                                                           flags=re.S)]
    assert "5-9" in texts, "the SVG should hold the legend as text"
    return [int(x) for t in texts for x in re.findall(r"\d+", t)]


@pytest.mark.parametrize(("n", "label"), [
    (0, "0"), (1, "<5"), (4, "<5"), (5, "5-9"), (9, "5-9"), (10, "10-24"), (24, "10-24"),
    (25, "25-49"), (49, "25-49"), (50, "50-99"), (99, "50-99"), (100, "100+"), (1000, "100+")])
def test_class_bounds(n, label):
    assert klassen(pd.Series([n]), R).iloc[0] == label


@pytest.mark.parametrize(("n", "label"), [
    (0, "0"), (1, "<10"), (9, "<10"), (10, "10-19"), (19, "10-19"), (20, "20-49"),
    (50, "50-99"), (100, "100-199"), (199, "100-199"), (200, "200+")])
def test_class_bounds_follow_the_threshold(n, label):
    assert klassen(pd.Series([n]), Rules(10)).iloc[0] == label


@pytest.mark.parametrize("threshold", [2, 3, 5, 10])
def test_no_label_shows_a_small_count_and_each_holds_its_count(threshold):
    rules = Rules(threshold)
    counts = pd.Series(range(25 * threshold))
    out = klassen(counts, rules)
    assert list(out.cat.categories) == klasse_labels(rules)
    assert out.cat.ordered
    for n, label in zip(counts, out, strict=True):
        assert not any(0 < int(x) < threshold for x in re.findall(r"\d+", label)), label
        if label == "0":
            assert n == 0
        elif label == rules.label:
            assert 0 < n < threshold
        elif label.endswith("+"):
            assert n >= int(label[:-1])
        else:
            lo, hi = map(int, label.split("-"))
            assert lo >= threshold and lo <= n <= hi


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        klassen(pd.Series([3, -1]), R)


def _polygons(geometry: dict) -> list:
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "Polygon" else coords


def _collection(fig, gid):
    found = [c for c in fig.axes[0].collections if c.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def _fill(fig, code: str) -> str:
    codes = [f["id"] for f in json.loads(REF.boundaries_path.read_text())["features"]]
    return to_hex(_collection(fig, "gemeenten").get_facecolors()[codes.index(code)])


def test_national_map_one_patch_per_municipality_summed_over_cgs(tmp_path):
    features = json.loads(REF.boundaries_path.read_text(encoding="utf-8"))["features"]
    fig = herkomst_kaart(MATRIX, R, "Herkomst van aanmeldingen, Nederland", PEIL, VERSIE,
                         None, REF.boundaries_path, REF.gemeenten)
    assert len(_collection(fig, "gemeenten").get_paths()) == len(features) == 342
    kleur = klasse_kleuren(R)
    assert _fill(fig, "GM0014") == kleur["100+"]
    assert _fill(fig, "GM0034") == kleur["5-9"]      # 3 + 3 over two CGs
    assert _fill(fig, "GM0037") == kleur["<5"]
    assert _fill(fig, "GM0344") == kleur["10-24"]
    assert _fill(fig, "GM0363") == kleur["0"]        # Amsterdam: no rows
    assert len(_collection(fig, "klein").get_paths()) == 1   # hatched: Stadskanaal only
    assert not [c for c in fig.axes[0].collections if c.get_gid() == "regiogrens"]
    svg = charts.save(fig, tmp_path, "nl")[1]
    assert not LEAKED & set(numbers_in_svg(svg))


def test_cg_map_counts_only_its_rows_and_outlines_its_area(tmp_path):
    fig = herkomst_kaart(MATRIX, R, "Herkomst van aanmeldingen, Utrecht", PEIL, VERSIE,
                         "GM0344", REF.boundaries_path, REF.gemeenten)
    kleur = klasse_kleuren(R)
    assert _fill(fig, "GM0034") == kleur["<5"]
    assert _fill(fig, "GM0014") == kleur["0"]        # Groningen's rows belong to GM0014
    assert _fill(fig, "GM0344") == kleur["10-24"]
    # the outline is the area's border only: closed curves (every corner has an even
    # number of edges); an inner border between members would end at a corner of three
    outline = _collection(fig, "regiogrens").get_segments()
    assert len(outline) > 20
    corners = Counter(tuple(p) for seg in outline for p in seg)
    assert all(n % 2 == 0 for n in corners.values())
    # ... and it runs along the area's own municipalities (those of the reference)
    members = set(REF.gemeenten.loc[REF.gemeenten["centrumgemeente"] == "GM0344", "gm_code"])
    features = json.loads(REF.boundaries_path.read_text(encoding="utf-8"))["features"]
    vertices = {tuple(p) for f in features if f["id"] in members
                for poly in _polygons(f["geometry"]) for ring in poly for p in ring}
    assert set(corners) <= vertices
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == [*klasse_labels(R), "Regio Utrecht"]
    svg = charts.save(fig, tmp_path, "gm0344")[1]
    assert not LEAKED & set(numbers_in_svg(svg))


STROMEN = pd.DataFrame([
    ("A", "C", 40), ("B", "C", 3), ("D", "C", 0), ("C", "C", 60),
    ("C", "A", 7), ("C", "B", 0), ("C", "D", 2), ("A", "B", 9),
], columns=["herkomst_regio", "centrumgemeente", "aanmeldingen"])
NAMEN = {"A": "Amsterdam", "B": "Breda", "C": "Utrecht", "D": "Den Helder"}


def test_stromen_tabel_lists_regions_of_five_or_more_and_merges_the_rest_with_zeros():
    # Breda's 3 to Utrecht and Den Helder's 0 look alike: one row 'elk 0 tot en met 4'
    out = stromen_tabel(STROMEN, R, "C", NAMEN)
    assert out.to_dict("records") == [
        {"Richting": NAAR, "Regio": "Amsterdam", "Aanmeldingen": "25-49"},
        {"Richting": NAAR, "Regio": OVERIGE, "Aanmeldingen": "<5"},
        {"Richting": VANUIT, "Regio": "Amsterdam", "Aanmeldingen": "5-9"},
        {"Richting": VANUIT, "Regio": OVERIGE, "Aanmeldingen": "<5"},
    ]


OVERIGE = "overige regio's (elk 0 tot en met 4)"


def test_stromen_tabel_order_reveals_nothing_within_a_class():
    # ordered by count, regions of one class would give their order of size away
    stromen = pd.DataFrame([("Z", "C", 40), ("U", "C", 30), ("G", "C", 26), ("A", "C", 25),
                            ("M", "C", 2)],
                           columns=["herkomst_regio", "centrumgemeente", "aanmeldingen"])
    out = stromen_tabel(stromen, R, "C", {})
    naar = out[out["Richting"] == NAAR]
    assert naar["Regio"].tolist() == ["A", "G", "U", "Z", OVERIGE]
    assert set(naar["Aanmeldingen"]) == {"25-49", "<5"}


@pytest.mark.slow
def test_stromen_matrix_draws_classes_for_3_by_3(tmp_path):
    stromen = STROMEN[STROMEN["herkomst_regio"] != "D"]
    stromen = stromen[stromen["centrumgemeente"] != "D"]
    namen = {k: v for k, v in NAMEN.items() if k != "D"}
    fig = stromen_matrix(stromen, R, "Stromen tussen regio's", PEIL, VERSIE, namen)
    ax = fig.axes[0]
    # rows and columns by name: Amsterdam, Breda, Utrecht
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Amsterdam", "Breda", "Utrecht"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Amsterdam", "Breda", "Utrecht"]
    labels = klasse_labels(R)
    expected = [["0", "5-9", "25-49"], ["0", "0", "<5"], ["5-9", "0", "50-99"]]
    shown = np.asarray(ax.get_images()[0].get_array())
    assert [[labels[i] for i in row] for row in shown] == expected
    assert len(_collection(fig, "klein").get_paths()) == 1
    svg = charts.save(fig, tmp_path, "stromen")[1]
    assert not {3, 7, 40, 60} & set(numbers_in_svg(svg))


def test_no_flows_give_an_empty_figure_that_says_so_and_a_table_of_only_small():
    empty = STROMEN.iloc[:0]
    out = stromen_tabel(empty, R, "C", NAMEN, alle=list(NAMEN))
    assert out["Regio"].tolist() == [OVERIGE, OVERIGE]
    fig = stromen_matrix(empty, R, "Stromen tussen regio's", PEIL, VERSIE, NAMEN)
    assert "Geen aanmeldingen" in " ".join(t.get_text() for t in fig.axes[0].texts)
    charts.plt.close(fig)


def test_zero_read_as_small_unpins_a_total_of_ones():
    # found on the synthetic national data: 13 regions sent 1 aanmelding each to Venlo, and
    # andere_regio = 13 is published exactly: listed as '<5', every one of them is 1
    ones = pd.Series([1] * 13 + [0] * 21)
    pinned = audit_against_total(ones[ones > 0], nul_als_klein=False)
    assert pinned and all((c.lo, c.hi) == (1, 1) for c in pinned)
    assert set(klassen(ones, R, nul_als_klein=True).astype(str)) == {"<5"}
    assert audit_against_total(ones, nul_als_klein=True) == []


def test_an_exact_total_that_pins_a_small_cell_is_found():
    # total 6 from a '5-9' and a '<5' cell: 5 and 1, nothing else fits
    assert [(c.name, c.lo, c.hi) for c in audit_against_total(
        pd.Series({"a": 5, "b": 1, "c": 0}), nul_als_klein=False)] == [("b", 1, 1)]
    # total 8 from '5-9' and '<5': b is 1 to 3, no longer 1 to 4
    assert [(c.name, c.lo, c.hi) for c in audit_against_total(
        pd.Series({"a": 5, "b": 3}), nul_als_klein=False)] == [("b", 1, 3)]


def audit_against_total(counts: pd.Series, nul_als_klein: bool) -> list:
    """The small cells an attacker pins when the cells are drawn in classes and their sum
    is published exactly (the release's audit on one map column)."""
    from pipeline.share.audit import CLASS, Publication, Relation, audit
    from pipeline.share.disclosure import klasse_bereik

    pub = Publication(R.threshold)
    labels = klassen(counts, R, nul_als_klein=nul_als_klein).astype(str)
    for key, n in counts.items():
        pub.add(str(key), int(n), (CLASS, *klasse_bereik(labels[key], R, nul_als_klein)))
    pub.add("totaal", int(counts.sum()))
    pub.relate(Relation.total([str(k) for k in counts.index], "totaal", "totaal"))
    return audit(pub).failures


def test_matrix_column_with_zero_as_small(tmp_path):
    stromen = pd.DataFrame({"herkomst_regio": ["GM0014", "GM0034"],
                            "centrumgemeente": ["GM0344", "GM0344"], "aanmeldingen": [1, 1]})
    fig = stromen_matrix(stromen, R, "t", PEIL, VERSIE, {"GM0344": "Utrecht"},
                         nul_als_klein=frozenset({"GM0344"}))
    image = next(a for a in fig.axes[0].get_images())
    column = list(sorted({"GM0014", "GM0034", "GM0344"})).index("GM0344")
    # every cell of that column, the empty one included, is '<5'
    assert set(image.get_array()[:, column].tolist()) == {klasse_labels(R).index("<5")}
    charts.plt.close(fig)




def test_matrix_can_leave_the_own_region_white(tmp_path):
    # the diagonal is eigen_regio, published or hidden in the herkomst table: a class there
    # would narrow a hidden one
    fig = stromen_matrix(STROMEN, R, "t", PEIL, VERSIE, NAMEN, diagonaal_leeg=True)
    image = fig.axes[0].get_images()[0].get_array()
    assert np.ma.getmaskarray(image).diagonal().all()
    assert not np.ma.getmaskarray(image)[0, 1:].any()
    charts.plt.close(fig)
