"""The report site (index.html), the export, and reports that leave out a chart with too
little to show: all from the protected release, nothing the audit did not cover."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pipeline.periods import parse_periode as P
from pipeline.share.audit import EXACT
from pipeline.share.disclosure import MARK, TOTAAL, Rules
from pipeline.share.release import GROUPS, LANDELIJK, SERIES, TOTAL_OF
from pipeline.share.sections import _getoond, figuur
from tests.conftest import RELEASED_SCOPES

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def release(released):
    """The release the reports were rendered from, and the publication the audit passed."""
    from pipeline.figures.monitor import Monitor
    from pipeline.share.release_cache import audited

    wh, _, _ = released
    with Monitor.open(wh.path) as m:
        rel, pub, parts = audited(m, P("2025Q2"), Rules())
        namen = dict(zip(m.centrumgemeenten()["gm_code"], m.centrumgemeenten()["gm_naam"],
                         strict=True))
    return rel, pub, parts, namen


def rows_of(page: str) -> dict[str, dict[str, str]]:
    """The comparison table of index.html: region text -> column -> cell text."""
    table = re.search(r"<table>.*?</table>", page, flags=re.S).group(0)
    header = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", table)]
    out = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c))
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)]
        out[cells[0]] = dict(zip(header, cells, strict=True))
    return out


def test_index_lists_all_36_by_name_and_links_the_reports_written(released, release):
    _, folder, _ = released
    _, _, _, namen = release
    page = (folder / "index.html").read_text(encoding="utf-8")
    for naam in namen.values():
        assert html.escape(naam) in page, naam
    links = set(re.findall(r"href='([^']+)'", page))
    assert links == {f"{s}/rapport.html" for s in RELEASED_SCOPES}
    assert all((folder / link).is_file() for link in links)
    assert page.count("(niet gemaakt)") == 36 - len(RELEASED_SCOPES)
    for external in ("http://", "https://", "<script", "<link"):
        assert external not in page


def test_comparison_table_shows_the_released_counts_and_no_small_one(released, release):
    _, folder, _ = released
    rel, _, _, namen = release
    rows = rows_of((folder / "index.html").read_text(encoding="utf-8"))
    assert len(rows) == 36
    columns = {"Aanmeldingen": ("herkomst", TOTAAL), "Geplaatst": ("zorg", "geplaatst"),
               "Cliënten in zorg": ("zorg", "clienten_in_zorg"),
               "Uitstroom": ("zorg", "uitstroom")}
    hidden = 0
    for scope in [*namen, LANDELIJK]:
        row = rows["Nederland" if scope == LANDELIJK else f"{namen[scope]} ({scope})"]
        for col, (group, measure) in columns.items():
            v = rel.tables[group].loc[TOTAAL if scope == LANDELIJK else scope, measure]
            expected = MARK if v == MARK else f"{int(v):,}".replace(",", ".")
            assert row[col] == expected, (scope, col)
            hidden += v == MARK
            if v == MARK:  # a rate of a hidden count would give it back
                per = "Aanmeldingen per 10.000 inw." if col == "Aanmeldingen" else (
                    "Cliënten in zorg per 10.000 inw." if col == "Cliënten in zorg" else None)
                assert per is None or row[per] == "–"
        assert not any(re.fullmatch(r"[1-4]", c) for c in row.values()), row
    assert hidden > 0  # at schaal 0.1 something is hidden: the check had work to do


def test_funnel_points_only_where_share_and_base_are_shown(release):
    from pipeline.share.site import INDICATOREN, funnel_punten

    rel, _, _, namen = release
    bases = {"eigen_regio": None, "ambulant": ("zorg", "clienten_in_zorg"),
             "binnen_1_dag": ("wachttijd", TOTAAL)}
    drawn = 0
    for key in INDICATOREN:
        punten, p0 = funnel_punten(rel, namen, key)
        assert p0 is None and punten.empty or 0 < p0 < 1
        for p in punten.itertuples():
            if bases[key] is None:
                row = rel.tables["herkomst"].loc[p.scope]
                assert MARK not in (row["eigen_regio"], row["andere_regio"])
                assert p.basis == int(row["eigen_regio"]) + int(row["andere_regio"])
            else:
                group, col = bases[key]
                assert rel.tables[group].loc[p.scope, col] == p.basis
            drawn += 1
        hidden_herkomst = rel.tables["herkomst"].drop(index=TOTAAL)[
            ["eigen_regio", "andere_regio"]].isin([MARK]).any(axis=1)
        if key == "eigen_regio":
            assert not set(punten["scope"]) & set(hidden_herkomst[hidden_herkomst].index)
    assert drawn > 0


def test_export_is_the_release_every_count_a_cell_the_audit_passed(released, release,
                                                                  tmp_path):
    """csv and parquet hold the same rows; every count in them is a cell the audit left
    shown, with its true value; every suppressed row is a cell the audit hid."""
    wh, _, _ = released
    rel, pub, parts, _ = release
    frames = {}
    for formaat in ("csv", "parquet"):
        out = tmp_path / f"export.{formaat}"
        proc = subprocess.run([sys.executable, "-m", "pipeline", "export", "--periode",
                               "2025Q2", "--formaat", formaat, "--out", str(out)],
                              capture_output=True, text=True, env=wh.env())
        assert proc.returncode == 0, proc.stderr
        frames[formaat] = (pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
                           if formaat == "csv" else pd.read_parquet(out))
    csv, parquet = frames["csv"], frames["parquet"]
    assert list(parquet.columns) == ["periode", "scope", "tabel", "rij", "kolom", "waarde",
                                     "onderdrukt"]
    assert len(csv) == len(parquet) and set(parquet["scope"]) == {*rel.scopes}
    # the same numbers; csv writes shares to six significant digits
    assert np.allclose(csv["waarde"].fillna(-1).to_numpy(),
                       parquet["waarde"].fillna(-1).astype(float).to_numpy(), rtol=1e-5)
    assert parquet.loc[parquet["onderdrukt"], "waarde"].isna().all()

    checked = 0
    for r in parquet.itertuples():
        row = TOTAAL if r.scope == LANDELIJK else r.scope
        if r.tabel in GROUPS and r.kolom == "aantal":
            col = TOTAAL if TOTAL_OF.get(r.tabel) == r.rij else r.rij
            name = parts.views[r.tabel].loc[row, col]
        elif r.tabel == "per_kwartaal" and r.rij in SERIES:
            name = parts.views[f"reeks:{r.rij}"].loc[row, r.kolom]
        else:
            continue
        exact = pub.shown.get(name, ("",))[0] == EXACT
        assert exact != r.onderdrukt, name
        if exact:
            assert r.waarde == pub.truth[name], name
        checked += 1
    assert checked > 1000 and parquet["onderdrukt"].sum() > 0


def test_export_refuses_an_unknown_format(released, tmp_path):
    wh, _, _ = released
    proc = subprocess.run([sys.executable, "-m", "pipeline", "export", "--periode", "2025Q2",
                           "--formaat", "xlsx", "--out", str(tmp_path / "x")],
                          capture_output=True, text=True, env=wh.env())
    assert proc.returncode == 2 and "csv or parquet" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_each_report_draws_a_chart_or_says_in_one_sentence_why_not(released):
    """Every image of a report is a chart of its figuren folder and every chart there is
    shown; a chart with too little data is a sentence, never an empty frame; the median
    stay is in the text only when its curve is drawn; no warning leaks into a page."""
    _, folder, _ = released
    left_out = drawn = 0
    for scope in RELEASED_SCOPES:
        page = (folder / scope / "rapport.html").read_text(encoding="utf-8")
        pngs = list((folder / scope / "figuren").glob("*.png"))
        assert page.count("<img") == len(pngs), scope
        drawn += len(pngs)
        left_out += page.count("De figuur is niet getoond:")
        median_shown = "opvang (Kaplan-Meier): ongeveer" in page
        assert median_shown == (folder / scope / "figuren" / "verblijfsduur.png").is_file()
        assert "Warning" not in page and "Traceback" not in page
        for svg in (folder / scope / "figuren").glob("*.svg"):
            assert "Te weinig" not in svg.read_text(encoding="utf-8"), svg
    # the small area (Den Helder) has charts with too little to show, the country none
    assert left_out > 0 and drawn > 0


def test_a_chart_with_nothing_to_show_is_a_sentence_and_no_file(tmp_path):
    drawn = []
    part = figuur(tmp_path, "leeg", drawn, False, lambda: pytest.fail("drawn"), "te weinig")
    assert part == "*De figuur is niet getoond: te weinig.*" and drawn == []
    assert not list(tmp_path.iterdir())
    assert _getoond([MARK, 0, None, 7, "x", 3]) == 2


def _published_values(rel, pub, scope: str) -> dict[str, set[str]]:
    """What one scope may show, written as a page writes it: the counts of the audited cells
    the audit left shown for that scope, and the figures the release derived behind their
    rules (shares, rates, occupancy, places) or holds as public context (inhabitants)."""
    from schemas.labels import getal, procent

    counts = {pub.truth[n] for n, v in pub.shown.items()
              if v[0] == EXACT and n.split("|")[-2] == scope}
    tables = [rel.plaatsen[scope]]
    if scope == LANDELIJK:  # the national table of all areas' places (for the VNG)
        tables.append(rel.plaatsen_per_regio)
    places = {v for t in tables for c in ("aangeleverd", "benodigd", "laag", "hoog",
                                          "aangeleverd_alle") if c in t for v in t[c].dropna()}
    gaps = {f"{b - a:+.0f}" for t in tables
            for a, b in zip(t["aangeleverd"], t["benodigd"], strict=True)
            if not (pd.isna(a) or pd.isna(b))}
    shares = [v[0] for v in rel.aandelen[scope].values() if v is not None]
    shares += [rel.bezettingsgraad[scope], *rel.bezetting[scope]["bezettingsgraad"]]
    decimals = [*rel.per_10k[scope].values(), rel.gemiddeld_wachtend[scope]]
    return {
        "aantal": {getal(int(n)) for n in counts | places | {rel.inwoners[scope]}},
        "procent": {procent(v) for v in shares if v is not None and not pd.isna(v)}
        | {procent(rel.aandeel_ambulant[scope])} - {None},
        "decimaal": {getal(v, d) for v in decimals if v is not None for d in (1, 2)}
        | {getal(rel.plaatsen_per_10k_inwoners[scope], 2)} - {None},
        "verschil": gaps,
    }


def _kind(text: str) -> str | None:
    if re.fullmatch(r"\d{1,3}(\.\d{3})*", text):
        return "aantal"
    if re.fullmatch(r"\d+%", text):
        return "procent"
    if re.fullmatch(r"\d+,\d+", text):
        return "decimaal"
    if re.fullmatch(r"[+-]\d+", text):
        return "verschil"
    return None


def test_every_number_a_page_the_index_and_the_export_show_is_in_the_release(released,
                                                                             release):
    """The release is the only source: every number in a table of a rendered report, of the
    site's comparison table and every row of the export is a cell the audit left shown for
    that scope, or a figure the release derived behind its rule."""
    from pipeline.share.export import BEIDE, lange_tabel

    _, folder, _ = released
    rel, pub, parts, namen = release
    checked = 0
    for scope in RELEASED_SCOPES:
        allowed = _published_values(rel, pub, scope)
        page = (folder / scope / "rapport.html").read_text(encoding="utf-8")
        for td in re.findall(r"<td[^>]*>(.*?)</td>", page, flags=re.S):
            text = html.unescape(re.sub(r"<[^>]+>", "", td)).strip()
            for part in re.split(r" tot | \(| van ", text):  # "12 tot 17", "8 (3 van 35 ...)"
                kind = _kind(part.strip(" )"))
                if kind is not None and not (scope == LANDELIJK and " van " in text):
                    assert part.strip(" )") in allowed[kind], (scope, kind, text)
                    checked += 1
    rows = rows_of((folder / "index.html").read_text(encoding="utf-8"))
    for scope in [*namen, LANDELIJK]:
        allowed = _published_values(rel, pub, scope)
        row = rows["Nederland" if scope == LANDELIJK else f"{namen[scope]} ({scope})"]
        for col, text in row.items():
            if col != "Regio" and (kind := _kind(text)) is not None:
                assert text in allowed[kind], (scope, col, text)
                checked += 1
    assert checked > 200

    export = lange_tabel(rel)
    derived = {"aandelen": lambda r: rel.aandelen[r.scope][r.rij][0],
               "per_10000_inwoners": lambda r: rel.per_10k[r.scope][r.rij],
               "plaatsen": lambda r: rel.plaatsen[r.scope].set_index("opvangvorm").loc[
                   r.rij, r.kolom],
               "bezetting": lambda r: rel.bezettingsgraad[r.scope] if r.rij == BEIDE else
               rel.bezetting[r.scope].set_index(["kwartaal", "opvangvorm"]).loc[
                   (r.kolom, r.rij), "bezettingsgraad"]}
    for r in export.itertuples():
        if r.tabel in derived:
            assert r.waarde == pytest.approx(derived[r.tabel](r)), r
            continue
        row = TOTAAL if r.scope == LANDELIJK else r.scope
        name = (parts.views[f"reeks:{r.rij}"].loc[row, r.kolom] if r.tabel == "per_kwartaal"
                else parts.views[r.tabel].loc[row, TOTAAL if TOTAL_OF.get(r.tabel) == r.rij
                                              else r.rij])
        # a count: a cell of the publication, shown with its value or hidden
        assert (pub.shown.get(name, ("",))[0] == EXACT and r.waarde == pub.truth[name]
                or r.onderdrukt and pub.shown.get(name, ("",))[0] != EXACT), r
    # the occupancy the reports show is in the export too
    assert (export["tabel"] == "bezetting").any()
    assert set(export.loc[export["tabel"] == "bezetting", "kolom"]) >= {"2025Q1", "2025Q2"}
