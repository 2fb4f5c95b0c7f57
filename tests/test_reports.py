"""Reports: notebooks run by papermill on small synthetic data; nothing in them reveals a small
count, a pseudonym or a delivered client_id; the HTML opens offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import openpyxl
import pytest

from pipeline.periods import parse_periode as P
from pipeline.share.render import render_reports
from tests.conftest import NOT_DELIVERED, RELEASED_SCOPES

pytestmark = pytest.mark.e2e

SMALL = re.compile(r"^[1-4]$")


def test_reports_are_complete(released):
    _, folder, results = released
    assert [r["ok"] for r in results] == [True] * len(RELEASED_SCOPES), results
    for scope in ("GM0344", "landelijk"):
        d = folder / scope
        assert (d / "rapport.html").is_file() and (d / "tabellen.xlsx").is_file()
        assert {p.suffix for p in (d / "figuren").iterdir()} == {".png", ".svg"}
        drawn = {p.stem for p in (d / "figuren").glob("*.png")}
        charts = {"per_kwartaal", "herkomst", "verblijfsduur", "trajectduur",
                  "uitstroom_bestemming", "belemmeringen", "wachttijd", "bezetting",
                  "per_opvangvorm", "plaatsen"}
        html = (d / "rapport.html").read_text()
        # each chart is drawn, or one sentence says why not
        assert len(charts - drawn) == html.count("De figuur is niet getoond:"), scope
        assert drawn >= {"per_kwartaal", "per_opvangvorm"}, scope
        # the map and the flows are drawn, or the report says why not
        assert ("herkomst_kaart" in drawn or "De kaart is niet getoond" in html
                or scope != "landelijk" and "staat in het landelijke rapport" in html)
        sheets = openpyxl.load_workbook(d / "tabellen.xlsx", read_only=True).sheetnames
        flows = "stromen" in drawn if scope == "landelijk" else "Stromen tussen regio's" in sheets
        assert flows or "De stromen zijn niet getoond" in html
        assert {"Kerncijfers", "Wachttijd", "Belemmeringen", "Bezetting", "Plaatsen",
                "Druk"} <= set(sheets)
        assert "Druk op de opvang" in html
        if scope == "landelijk":
            assert "Plaatsen per regio" in sheets
        record = json.loads((d / "release.json").read_text())
        assert record["disclosure"]["drempel"] == 5
        # the audit of the whole release passed, and says what it covered
        assert record["audit"]["geslaagd"] is True
        assert record["audit"]["kleine_aantallen_niet_beschermd"] == 0
        assert record["audit"]["relaties"]["landelijk = som van de regio's"] > 0
        # placements across area borders are audited cells, tied to the flows
        assert record["audit"]["relaties"]["grens: uit <= stromen uit de regio"] == 35
        assert record["audit"]["relaties"]["grens: landelijk in = uit"] == 1
        assert record["audit"]["relaties"]["niet geplaatst + geplaatst <= aanmeldingen"] == 36
        assert set(record["bestanden"]) >= {"rapport.html", "tabellen.xlsx"}


def test_a_quarter_one_area_has_not_delivered_yet_is_published(released):
    """The weeks after a quarter closes: one area has not delivered it. The release still
    publishes the others and the country (it once stopped with "stand_einde|GM0080|2025Q2
    published twice with different values": the series counted the undelivered quarter as
    0 where the key figures counted the stays still running). One computation gives every
    count per area and quarter, as the key figures define it."""
    from pipeline.figures.monitor import Monitor

    wh, folder, results = released
    assert all(r["ok"] for r in results), results
    with Monitor.open(wh.path) as m:
        assert "2025Q2" not in set(m.tijdreeks(NOT_DELIVERED)["kwartaal"])
        per_kwartaal = m.kwartaalcijfers(["2025Q1", "2025Q2"])
        for q in ("2025Q1", "2025Q2"):
            for cg in (NOT_DELIVERED, "GM0344"):
                k = m.kerncijfers(q, cg)
                assert per_kwartaal[(cg, q)] == {c: k[c] for c in per_kwartaal[(cg, q)]}
        # the cell the two paths disagreed on: stays running from 2025Q1 are running still
        assert per_kwartaal[(NOT_DELIVERED, "2025Q2")]["stand_einde"] > 0
        assert m.kerncijfers("2025Q2")["dekking"]["2025Q2"]["geleverd"] == 34
    page = (folder / "landelijk" / "rapport.html").read_text(encoding="utf-8")
    assert "2025Q2: 34 van 35" in page
    # a rate of 34 areas' aanmeldingen over the inhabitants of 35 would understate: as in
    # kerncijfers, no rate per 10,000 inhabitants over a scope that did not all deliver
    rates = re.findall(r"<td>(?:Aanmeldingen|Cliënten in zorg) per 10.000 inwoners</td>\s*"
                       r"<td>([^<]*)</td>", page)
    assert rates == ["niet getoond", "niet getoond"], rates
    assert "GM0344/rapport.html" in (folder / "index.html").read_text(encoding="utf-8")


def test_html_is_self_contained_and_has_no_code(released):
    _, folder, _ = released
    html = (folder / "GM0344" / "rapport.html").read_text()
    for external in ("http://", "https://", "//cdn", "<script", "<link"):
        assert external not in html
    assert "data:image/png;base64," in html
    assert "import " not in html and "Monitor.open" not in html
    assert "Utrecht (GM0344)" in html


#: Columns that hold no count of clients: places as the organisation delivered them, and
#: places needed (a function of requests x mean stay, shown only from 10 requests and stays
#: on: Rules.benodigde_plaatsen, tested in test_disclosure) and their difference.
PLAATSEN = {"Plaatsen (aangeleverd)", "Benodigde plaatsen", "95%-interval", "Verschil"}


def visible_counts(folder):
    """Every integer a reader sees in the tables (HTML cells and XLSX count columns)."""
    seen = []
    for html in folder.rglob("rapport.html"):
        for table in re.findall(r"<table.*?</table>", html.read_text(), flags=re.S):
            header = [h.strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
                cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)
                names = header[-len(cells):] if cells and len(header) >= len(cells) else []
                for i, cell in enumerate(cells):
                    if names and names[i] in PLAATSEN:
                        continue
                    seen.append((html, cell.strip()))
    for xlsx in folder.rglob("tabellen.xlsx"):
        wb = openpyxl.load_workbook(xlsx, read_only=True)
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            header = rows[0] if rows else ()
            for r in rows[1:]:
                for name, v in zip(header, r, strict=False):
                    if name in ("dagen", "aandeel_nog_in_zorg", "ondergrens_95", "bovengrens_95"):
                        continue  # durations and fractions, not counts
                    if "_afgerond_op_" in str(name):
                        continue  # band midpoints (3 = "1 to 5"), not counts: test_survival
                    if name in PLAATSEN:
                        continue
                    seen.append((xlsx, str(v)))
    return seen


def test_no_visible_count_below_five(released):
    _, folder, _ = released
    seen = visible_counts(folder)
    # one mark for every hidden count ('<5' remains only as the class 0-4 of the flows)
    assert seen and any(v == "x" for _, v in seen)
    assert [x for x in seen if SMALL.match(x[1])] == []


def test_no_pseudonym_or_client_id_anywhere(released):
    wh, folder, _ = released
    pseudonyms = {p for (p,) in wh.query("SELECT DISTINCT client_pseudoniem FROM raw_verblijf")}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".svg"):
            text = path.read_text(errors="replace")
            assert not re.search(r"\bK[0-9a-f]{10}\b", text), path
            assert not any(p in text for p in list(pseudonyms)[:500]), path


def test_report_command_needs_one_scope(wh):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "report", "--periode", "2025Q1"],
                          capture_output=True, text=True, env=wh.env())
    assert proc.returncode == 2 and "--alle" in proc.stderr


def test_verkenning_notebook_runs(released, tmp_path):
    import papermill as pm

    from pipeline.share.render import NOTEBOOK

    wh, _, _ = released
    out = tmp_path / "verkenning.ipynb"
    pm.execute_notebook(str(NOTEBOOK.parent / "verkenning.ipynb"), str(out),
                        parameters={"db": str(wh.path), "periode": "2025"}, progress_bar=False,
                        kernel_name="python3")
    assert "cliënten in zorg" in out.read_text()


def test_numbers_published_in_two_tables_are_hidden_alike(released):
    """A count that two tables of the release publish (uitstroom, geplaatst, the stock at
    the end of the quarter, aanmeldingen) is hidden in both or in neither: otherwise the one
    table simply shows what the other hid."""
    from pipeline.figures.monitor import Monitor
    from pipeline.share.disclosure import Rules
    from pipeline.share.release_cache import audited

    wh, _, _ = released
    rules = Rules()
    with Monitor.open(wh.path) as m:
        rel = audited(m, P("2025Q2"), rules).release
    t, series = rel.tables, rel.series
    pairs = [(t["bestemming"]["Totaal"], t["zorg"]["uitstroom"]),
             (t["wachttijd"]["Totaal"], t["zorg"]["geplaatst"]),
             (series["uitstroom"]["2025Q2"], t["zorg"]["uitstroom"]),
             (series["stand_einde"]["2025Q2"], t["voorraad"]["stand_einde"]),
             (series["stand_einde"]["2025Q1"], t["voorraad"]["stand_begin"]),
             (series["nieuwe_verblijven"]["2025Q2"], t["voorraad"]["nieuwe_verblijven"]),
             (series["aanmeldingen"]["2025Q2"], t["herkomst"]["Totaal"])]
    for a, b in pairs:
        assert rules.hidden(a).equals(rules.hidden(b)), (a.name, b.name)
        shown = ~rules.hidden(b)
        assert (a[shown] == b[shown]).all(), (a.name, b.name)
    assert sum(rules.hidden(b).sum() for _, b in pairs) > 0  # the check had something to do


def test_audit_command_reports_the_release_as_protected(released):
    wh, _, _ = released
    proc = subprocess.run([sys.executable, "-m", "pipeline", "audit", "--periode", "2025Q2",
                           "--json"], capture_output=True, text=True, env=wh.env())
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["periode"] == "2025Q2" and doc["geslaagd"] is True
    assert doc["kleine_aantallen_beschermd"] > 0 and doc["niet_beschermd"] == []
    assert doc["kleinste_bereik"] >= 1


def test_every_hidden_small_count_of_the_release_reaches_the_threshold(released):
    """The release as the reports publish it, audited again from scratch: each hidden small
    count can be 0 or at least 5 for all an attacker with every report knows. Hiding the
    small counts alone would not do: the audit objects to that publication."""
    from pipeline.figures.monitor import Monitor
    from pipeline.share.audit import audit
    from pipeline.share.disclosure import Rules
    from pipeline.share.release import build_publication
    from pipeline.share.release_cache import audited

    wh, _, _ = released
    with Monitor.open(wh.path) as m:
        pub, _ = build_publication(m, P("2025Q2"), Rules())
        published = audited(m, P("2025Q2"), Rules()).publication  # what the reports show
    assert published.truth == pub.truth and published.relations == pub.relations
    for name in list(pub.shown):  # small counts hidden, nothing more: the audit objects
        if pub.is_small(name) and pub.shown[name][0] == "exact":
            pub.hide(name)
    assert not audit(pub, exact_ranges=False).ok  # (the verdict; exact ranges not needed)

    again = audit(published)
    assert again.ok and any(c.small for c in again.cells)
    assert all(c.hi >= 5 or c.lo <= 0 for c in again.cells if c.small)

def test_a_year_cannot_be_added_up_from_the_quarters_of_the_series(released):
    """For a year the series shows its quarters, which add up to the year's aanmeldingen,
    nieuwe verblijven and uitstroom of the other tables: per centrumgemeente those quarter
    cells and the year's figure hide none or at least two, so no sum reveals a hidden one."""
    from pipeline.figures.monitor import Monitor
    from pipeline.share.disclosure import Rules
    from pipeline.share.release import compute_release

    wh, _, _ = released
    rules = Rules()
    with Monitor.open(wh.path) as m:
        rel = compute_release(m, P("2025"), rules)
    quarters = ["2025Q1", "2025Q2"]
    checked = 0
    for measure, (table, col) in {"aanmeldingen": ("herkomst", "Totaal"),
                                  "nieuwe_verblijven": ("voorraad", "nieuwe_verblijven"),
                                  "uitstroom": ("zorg", "uitstroom")}.items():
        cells, year = rel.series[measure][quarters], rel.tables[table][col]
        for r in cells.index:
            n = int(rules.hidden(cells.loc[r]).sum()) + int(year[r] in ("<5", "x"))
            assert n != 1, (measure, r, cells.loc[r].tolist(), year[r])
            checked += n
            if n == 0:
                assert cells.loc[r].sum() == year[r]
    assert checked > 0  # something was hidden, so the rule was exercised


def test_share_from_own_area_is_not_shown_when_one_of_its_counts_is_hidden(released,
                                                                          tmp_path):
    # eigen / (eigen + andere) with andere shown gives eigen back
    from pipeline.figures.monitor import Monitor
    from pipeline.share.disclosure import Rules
    from pipeline.share.release_cache import audited
    from pipeline.share.sections import build_report

    wh, _, _ = released
    rules = Rules()
    with Monitor.open(wh.path) as m:
        rel = audited(m, P("2025Q2"), rules).release
        herkomst = rel.tables["herkomst"].drop(index="Totaal")
        hidden = rules.hidden(herkomst[["eigen_regio", "andere_regio"]]).any(axis=1)
        scope = hidden[hidden].index[0]  # at schaal 0.1 some centrumgemeente has one
        kern = build_report(m, rel, scope, tmp_path)["tabellen"]["Kerncijfers"]
    share = kern.set_index("Kerncijfer").loc["Aandeel uit eigen regio", "Waarde"]
    assert share == "niet getoond"


def test_a_failing_report_is_reported_after_the_others_are_written(released, tmp_path):
    # GM0344's figure folder is a file here, so its charts cannot be saved; the national
    # report is still written, and the command says which failed and exits 1
    wh, _, _ = released
    (tmp_path / "2025Q2" / "GM0344").mkdir(parents=True)
    (tmp_path / "2025Q2" / "GM0344" / "figuren").write_text("in de weg")
    results = render_reports(wh.path, P("2025Q2"), ["GM0344", "landelijk"], tmp_path, workers=1)
    assert [r["ok"] for r in results] == [False, True]
    assert results[0]["error"].startswith(("FileExistsError", "NotADirectoryError"))
    assert (tmp_path / "2025Q2" / "landelijk" / "rapport.html").is_file()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "report", "--periode", "2025Q2",
                           "--centrumgemeente", "GM0344", "--out", str(tmp_path)],
                          capture_output=True, text=True, env=wh.env())
    assert proc.returncode == 1
    assert "FAIL" in proc.stdout and "GM0344" in proc.stdout
