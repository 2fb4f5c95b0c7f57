"""Reports for sharing: per centrumgemeente and national, with disclosure control.

One release = one period. All figures of the release are computed once and protected
*together*: for each group of counts that add up (the stock-flow identity, aanmeldingen
by herkomst, the quarterly series) a table of centrumgemeenten x measures is suppressed
with the national figure as its margin. So no report, nor the difference between the
national report and the other 35, can reveal a hidden cell.

Each report folder holds rapport.html (self-contained, no code, opens offline),
figuren/*.png and *.svg, tabellen.xlsx and release.json (rules applied, checksums).
The notebook notebooks/kwartaalrapportage.ipynb, run by papermill, lays the report out;
this module supplies its content through the Monitor API.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor
from importlib.resources import files
from pathlib import Path

import pandas as pd

from pipeline.disclosure import Rules
from pipeline.release import (
    GROUPS,
    LANDELIJK,
    MARK,
    SERIES,
    TOTAAL,
    Release,
    compute_release,
)
from pipeline.survival import median_from_curve

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "kwartaalrapportage.ipynb"
#: Groups shown in the key-figure table (the others get their own chart and table).
IN_KERNCIJFERS = ("voorraad", "herkomst", "zorg")
LABELS = {
    "stand_begin": "Lopende verblijven begin periode", "nieuwe_verblijven": "Nieuwe verblijven",
    "beeindigde_verblijven": "Beëindigde verblijven", "stand_einde":
    "Lopende verblijven einde periode", "eigen_regio": "Aanmeldingen uit eigen regio",
    "andere_regio": "Aanmeldingen uit andere regio", "buitenland": "Aanmeldingen uit buitenland",
    "onbekend": "Aanmeldingen herkomst onbekend", "clienten_in_zorg": "Cliënten in zorg",
    "geplaatst": "Geplaatst", "uitstroom": "Uitstroom",
    "meegekomen_kinderen": "Meegekomen kinderen", "Totaal": "Aanmeldingen totaal",
}


def scope_row(table: pd.DataFrame, scope: str) -> pd.Series:
    return table.loc[TOTAAL if scope == LANDELIJK else scope]


def build_report(m, release: Release, scope: str, out: Path) -> dict:
    """Write charts and tables for one scope; return the parts the notebook shows."""
    from pipeline import charts

    rules = release.rules
    out = Path(out)
    fig_dir = out / "figuren"
    raw = release.raw[scope]
    naam = "Nederland" if scope == LANDELIJK else _naam(m, scope)
    kop = f"{naam}, {release.periode}"
    parts: list[str | Path] = [
        f"# Monitor vrouwenopvang: {kop}\n\nPeildatum {release.peildatum}. Referentiedata "
        f"{release.referentie}. {MARK_UITLEG.format(mark=MARK, t_1=rules.threshold - 1)}"]
    tabellen = {}
    figures = []

    rows = []
    for group in IN_KERNCIJFERS:
        for col, value in scope_row(release.tables[group], scope).items():
            rows.append({"Kerncijfer": LABELS.get(col, col), "Waarde": value})
    kern = pd.DataFrame(rows)
    wacht = release.wacht_mediaan.get(scope)
    eigen, andere = raw["herkomst"]["eigen_regio"], raw["herkomst"]["andere_regio"]
    # the share with one of its two counts shown gives the other: hidden if either is
    herkomst_row = scope_row(release.tables["herkomst"], scope)
    aandeel = (None if (herkomst_row[["eigen_regio", "andere_regio"]] == MARK).any()
               else rules.share(eigen, eigen + andere))
    ambulant = release.aandeel_ambulant.get(scope)
    extra = [("Wachttijd tot plaatsing, mediaan (klasse)", wacht),
             ("Aandeel uit eigen regio", None if aandeel is None else f"{aandeel:.0%}"),
             ("Aandeel uitsluitend ambulant", ambulant)]
    kern = pd.concat([kern, pd.DataFrame([{"Kerncijfer": k, "Waarde": "niet getoond"
                                           if v is None else v} for k, v in extra])],
                     ignore_index=True)
    tabellen["Kerncijfers"] = kern
    parts.append("## Kerncijfers\n\n" + _markdown_table(kern))

    reeks = pd.DataFrame({label: scope_row(release.series[m_], scope)
                          for m_, label in SERIES.items()})
    reeks.index.name = "Kwartaal"
    tabellen["Per kwartaal"] = reeks.reset_index()
    plot_frame = pd.DataFrame({k: scope_row(release.series[k], scope) for k in SERIES})
    plot_frame["kwartaal"] = plot_frame.index
    fig = charts.tijdreeks(plot_frame, f"In- en uitstroom per kwartaal, {naam}",
                           release.peildatum, release.referentie)
    figures += charts.save(fig, fig_dir, "per_kwartaal")
    parts += ["## Per kwartaal\n\n" + _markdown_table(reeks.reset_index()),
              fig_dir / "per_kwartaal.png"]

    fig = charts.staaf(["Eigen regio", "Andere regio", "Buitenland", "Onbekend"],
                       [herkomst_row[c] for c in GROUPS["herkomst"]],
                       f"Herkomst van aanmeldingen, {naam}", "Aanmeldingen",
                       release.peildatum, release.referentie)
    figures += charts.save(fig, fig_dir, "herkomst")
    parts += ["## Waar komen cliënten vandaan?", fig_dir / "herkomst.png"]

    vormen = scope_row(release.tables["vormen"], scope)
    vorm_namen = ["Crisisopvang", "Residentieel", "Ambulant"]
    tabellen["Per opvangvorm"] = pd.DataFrame(
        {"Opvangvorm": vorm_namen, "Cliënten in zorg": [vormen[c] for c in GROUPS["vormen"]]})
    fig = charts.staaf(vorm_namen, [vormen[c] for c in GROUPS["vormen"]],
                       f"Cliënten in zorg per opvangvorm, {naam}", "Cliënten",
                       release.peildatum, release.referentie)
    figures += charts.save(fig, fig_dir, "per_opvangvorm")
    parts += ["## Welke opvang krijgen cliënten?\n\nEen cliënt die in de periode van "
              "opvangvorm wisselde (doorstroom) telt bij elke vorm mee.",
              fig_dir / "per_opvangvorm.png"]

    cg = None if scope == LANDELIJK else scope
    curve = release.curves[("verblijfsduur", scope)]
    duur = median_from_curve(curve)
    fig = charts.overleving(curve, f"Verblijfsduur residentiële opvang, {naam}",
                            release.peildatum, release.referentie)
    figures += charts.save(fig, fig_dir, "verblijfsduur")
    if len(curve) > 1:  # a lone start row holds only a rounded small N: not a table
        tabellen["Verblijfsduur"] = curve.rename(columns={
            "t": "dagen", "S": "aandeel_nog_in_zorg",
            "at_risk": f"nog_in_zorg_afgerond_op_{rules.threshold}",
            "events": f"beeindigd_afgerond_op_{rules.threshold}"})
    parts += [f"## Hoe lang duurt de opvang?\n\nMediane verblijfsduur in residentiële "
              f"opvang (Kaplan-Meier): "
              f"{'niet getoond' if duur is None else f'ongeveer {duur / 7:.0f} weken'}. De "
              f"curves zijn berekend op aantallen die eerst zijn afgerond op veelvouden van "
              f"{rules.threshold}, per hele week; de curve stopt waar minder dan "
              f"{rules.threshold} cliënten nog in zorg zijn.",
              fig_dir / "verblijfsduur.png"]
    traject = release.curves[("trajectduur", scope)]
    fig = charts.overleving(traject, f"Duur van trajecten (alle opvangvormen), {naam}",
                            release.peildatum, release.referentie)
    figures += charts.save(fig, fig_dir, "trajectduur")
    parts += ["Een traject is een aaneengesloten reeks verblijven van een cliënt, ook "
              "ambulant.", fig_dir / "trajectduur.png"]

    bestemming = scope_row(release.tables["bestemming"], scope)
    namen = [c.replace("_", " ") for c in GROUPS["bestemming"]]
    tabellen["Uitstroom naar bestemming"] = pd.DataFrame(
        {"Bestemming": namen + ["Totaal"],
         "Uitstroom": [bestemming[c] for c in GROUPS["bestemming"]] + [bestemming["Totaal"]]})
    fig = charts.staaf(namen, [bestemming[c] for c in GROUPS["bestemming"]],
                       f"Waar gaan cliënten naartoe? {naam}", "Uitstroom",
                       release.peildatum, release.referentie, horizontaal=True)
    figures += charts.save(fig, fig_dir, "uitstroom_bestemming")
    parts += ["## Waar gaan cliënten naartoe?", fig_dir / "uitstroom_bestemming.png"]

    belem = scope_row(release.tables["belemmeringen"], scope)
    namen = [BELEMMERING_LABELS[c] for c in GROUPS["belemmeringen"]]
    tabellen["Belemmeringen"] = pd.DataFrame(
        {"Belemmering": namen, "Uitstroom": [belem[c] for c in GROUPS["belemmeringen"]]})
    fig = charts.staaf(namen, [belem[c] for c in GROUPS["belemmeringen"]],
                       f"Belemmeringen bij uitstroom, {naam}", "Uitstroom met deze belemmering",
                       release.peildatum, release.referentie, horizontaal=True)
    figures += charts.save(fig, fig_dir, "belemmeringen")
    parts += ["Een cliënt kan bij uitstroom meer dan één belemmering hebben.",
              fig_dir / "belemmeringen.png"]

    wacht = scope_row(release.tables["wachttijd"], scope)
    tabellen["Wachttijd"] = pd.DataFrame(
        {"Wachttijd": GROUPS["wachttijd"] + ["Totaal geplaatst"],
         "Geplaatst": [wacht[c] for c in GROUPS["wachttijd"]] + [wacht[TOTAAL]]})
    fig = charts.staaf(GROUPS["wachttijd"], [wacht[c] for c in GROUPS["wachttijd"]],
                       f"Wachttijd van aanmelding tot plaatsing, {naam}", "Geplaatst",
                       release.peildatum, release.referentie, geordend=True)
    figures += charts.save(fig, fig_dir, "wachttijd")
    parts += ["## Hoe snel krijgt een cliënt een plek?", fig_dir / "wachttijd.png"]

    bez = bezetting_tabel(m, rules, cg, release.periode)
    tabellen["Bezetting"] = bez.assign(bezettingsgraad=[
        "niet getoond" if v is None else f"{v:.0%}" for v in bez["bezettingsgraad"]]).rename(
        columns={"kwartaal": "Kwartaal", "opvangvorm": "Opvangvorm",
                 "bezettingsgraad": "Bezettingsgraad"})
    fig = charts.bezetting(bez, f"Bezetting van de residentiële opvang, {naam}",
                           release.peildatum, release.referentie)
    figures += charts.save(fig, fig_dir, "bezetting")
    parts += ["## Bezetting tegenover capaciteit\n\nLigdagen als deel van de plaatsen maal "
              "de dagen van het kwartaal. Niet getoond waar de capaciteit niet is aangeleverd "
              f"of minder dan {rules.threshold} cliënten in die opvangvorm verbleven.",
              fig_dir / "bezetting.png"]

    parts += herkomst_delen(m, release, scope, cg, naam, fig_dir, tabellen, figures)
    return {"parts": parts, "tabellen": tabellen, "figuren": figures}


BELEMMERING_LABELS = {"geen_woning": "Geen woning", "geen_vervolghulp": "Geen vervolghulp",
                      "niet_terug_naar_herkomst": "Kan niet terug naar herkomst",
                      "financien": "Financiën", "verblijfsstatus": "Verblijfsstatus"}


def bezetting_tabel(m, rules: Rules, cg: str | None, periode: str) -> pd.DataFrame:
    """The last eight quarters up to P: bezettingsgraad per residential form, None where the
    capacity is unknown or fewer than threshold clients stayed in that form (a rate with its
    published capacity gives the ligdagen away, which for one client is her stay)."""
    from pipeline.periods import parse_periode

    last = parse_periode(periode).kwartalen[-1]
    b = m.bezetting(cg)
    b = b[b["kwartaal"] <= last]
    b = b[b["kwartaal"].isin(sorted(b["kwartaal"].unique())[-8:])]
    # whole percent: seven digits next to the capacity would give the ligdagen back
    rate = [None if pd.isna(g) or n < rules.threshold else round(float(g), 2)
            for g, n in zip(b["bezettingsgraad"], b["clienten"], strict=True)]
    return pd.DataFrame({"kwartaal": b["kwartaal"].to_list(),
                         "opvangvorm": b["opvangvorm"].to_list(), "bezettingsgraad": rate})


def herkomst_delen(m, release: Release, scope: str, cg: str | None, naam: str,
                   fig_dir: Path, tabellen: dict, figures: list) -> list:
    """The national map of origin municipalities and the flows between CG areas, in classes
    where 0 and small counts look alike (0 tot en met 4), as the release's audit covered
    them: a figure the audit could not pass is left out of every report."""
    from pipeline import charts, kaart
    from pipeline.reference import BOUNDARIES_FILE, REFERENCE_DIR

    rules = release.rules
    namen = dict(zip(m.centrumgemeenten()["gm_code"], m.centrumgemeenten()["gm_naam"],
                     strict=True))
    uitleg = KLASSEN_UITLEG.format(label=rules.label, t_1=rules.threshold - 1)
    parts: list = ["## Herkomst op de kaart"]
    if cg is not None:
        parts.append(KAART_PER_REGIO)
    elif release.kaart is None:
        parts.append(NIET_GETOOND.format(wat="De kaart is"))
    else:
        # the counts the audit covered, in the shape the map takes
        matrix = release.kaart.rename("aanmeldingen").rename_axis(
            "gemeente_herkomst").reset_index().assign(centrumgemeente=None)
        gemeenten = m.gemeenten()  # the membership the figures were computed with
        fig = kaart.herkomst_kaart(matrix, rules, f"Gemeente van herkomst, {naam}",
                                   release.peildatum, release.referentie, None,
                                   REFERENCE_DIR / BOUNDARIES_FILE, gemeenten,
                                   nul_als_klein=frozenset(gemeenten["gm_code"]))
        figures += charts.save(fig, fig_dir, "herkomst_kaart")
        parts += [uitleg, fig_dir / "herkomst_kaart.png"]

    parts.append("## Stromen tussen regio's")
    if release.stromen is None:
        parts.append(NIET_GETOOND.format(wat="De stromen zijn"))
        return parts
    stromen = release.stromen.stack().rename("aanmeldingen").rename_axis(
        ["herkomst_regio", "centrumgemeente"]).reset_index()
    if cg is None:
        fig = kaart.stromen_matrix(stromen, rules, "Aanmeldingen tussen regio's",
                                   release.peildatum, release.referentie, namen,
                                   nul_als_klein=frozenset(namen), diagonaal_leeg=True)
        figures += charts.save(fig, fig_dir, "stromen")
        parts += [uitleg + " De diagonaal (de eigen regio) staat in de tabel Kerncijfers.",
                  fig_dir / "stromen.png"]
    else:
        tabel = kaart.stromen_tabel(stromen, rules, cg, namen, alle=list(namen))
        tabellen["Stromen tussen regio's"] = tabel
        parts.append(uitleg + "\n\n" + _markdown_table(tabel))
    return parts


KLASSEN_UITLEG = ("Aantallen staan hier in klassen (zoals 5-9 of 10-24), zodat geen exact "
                  "aantal van een gemeente of regio uit de totalen te berekenen is; "
                  "'{label}' is 0 tot en met {t_1}: een klein aantal en geen aanmelding zien "
                  "er hetzelfde uit.")
NIET_GETOOND = ("{wat} niet getoond: met zo weinig aanmeldingen zou een klein aantal uit de "
                "totalen af te leiden zijn.")
KAART_PER_REGIO = ("De kaart van de gemeenten van herkomst staat in het landelijke rapport. "
                   "Een kaart per regio wordt (nog) niet getoond: de controle op onthulling "
                   "van de hele release dekt alleen de landelijke kaart.")
MARK_UITLEG = ("Een '{mark}' is een verborgen aantal: een klein aantal (1 tot en met {t_1}), "
               "of een aantal dat verborgen is zodat zo'n klein aantal niet uit totalen, "
               "verschillen of andere rapporten te berekenen is. Alle verborgen aantallen "
               "zien er hetzelfde uit.")


def _naam(m, cg: str) -> str:
    row = m.centrumgemeenten().set_index("gm_code").loc[cg]
    return f"{row['gm_naam']} ({cg})"


def _markdown_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join("" if v is None else str(v) for v in r) + " |")
    return "\n".join(lines)


def write_tables(tabellen: dict[str, pd.DataFrame], path: Path) -> Path:
    from pipeline.safe_output import neutralise

    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, df in tabellen.items():
            neutralise(df).to_excel(xl, sheet_name=name[:31], index=False)
    return path


def html_from_notebook(nb_path: Path, html_path: Path, titel: str) -> Path:
    """Notebook -> one HTML file without code, images inline, no external reference."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(nb_path, as_version=4)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r"<script\b[^>]*>.*?</script>", "", body, flags=re.S)
    css = files("pipeline.templates").joinpath("rapport.css").read_text(encoding="utf-8")
    html_path.write_text(
        f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>{titel}</title>"
        f"<style>{css}</style></head><body><main>{body}</main></body></html>",
        encoding="utf-8")
    return html_path


def release_record(folder: Path, rules: Rules, periode: str, scope: str,
                   referentie: str, audit: dict | None = None) -> Path:
    checksums = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "release.json"
                 and p.suffix != ".ipynb"}
    record = {"periode": periode, "scope": scope, "referentie_versie": referentie,
              "disclosure": rules.describe(), "audit": audit, "bestanden": checksums}
    path = folder / "release.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _render_batch(db: str, periode: str, scopes: list[str], out_dir: str, drempel: int,
                  release_file: str, meta: dict) -> list[dict]:
    """Render several reports in one worker with one kernel: starting a kernel and importing
    pandas, DuckDB and matplotlib costs ~2-3 s, more than rendering a report. papermill runs
    each notebook on that kernel (``km``): every report still executes its own parameterized
    notebook from the top. A kernel that died is replaced before the next report."""
    from jupyter_client.manager import KernelManager

    results = []
    with _quiet_kernel():
        km = None
        try:
            for scope in scopes:
                if km is None or not km.is_alive():
                    if km is not None:
                        km.cleanup_resources()
                    km = KernelManager(kernel_name="python3")
                    km.start_kernel()
                folder = Path(out_dir) / periode / scope
                folder.mkdir(parents=True, exist_ok=True)
                results.append(_run_notebook(db, periode, scope, folder, drempel,
                                             release_file, meta, km))
        finally:
            if km is not None and km.is_alive():
                km.shutdown_kernel(now=True)
    return results


@contextlib.contextmanager
def _quiet_kernel():
    """Keep the kernels' own start-up chatter (ipykernel's TCP notice) off the terminal;
    a failing report is still reported, from the exception papermill raises."""
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _run_notebook(db: str, periode: str, scope: str, folder: Path, drempel: int,
                  release_file: str, meta: dict, km=None) -> dict:
    import papermill as pm

    executed = folder / ".rapport.ipynb"
    try:
        pm.execute_notebook(str(NOTEBOOK), str(executed), progress_bar=False,
                            parameters={"db": db, "periode": periode, "scope": scope,
                                        "out": str(folder), "drempel": drempel,
                                        "release_file": release_file},
                            kernel_name="python3", log_output=False, km=km)
        titel = f"Monitor vrouwenopvang {scope} {periode}"
        html_from_notebook(executed, folder / "rapport.html", titel)
        executed.unlink()
        release_record(folder, Rules(drempel), periode, scope, meta["referentie"],
                       meta["audit"])
        return {"centrumgemeente": scope, "folder": str(folder), "ok": True, "error": None}
    except Exception as exc:  # noqa: BLE001 - collected and reported after trying all
        return {"centrumgemeente": scope, "folder": str(folder), "ok": False,
                "error": _error_text(exc)}


def _error_text(exc: Exception) -> str:
    """One line saying what went wrong: for an error inside the notebook papermill's own
    message starts with an empty line, the exception's name and value are what matter."""
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or next(
        (line for line in str(exc).splitlines() if line.strip()), "")
    return f"{name}: {value}"[:300]


def render_reports(db: Path, periode: str, centrumgemeenten: list[str] | None,
                   out_dir: Path, drempel: int = 5, workers: int = 2) -> list[dict]:
    """Render the reports of one release; failures are collected, never raised midway."""
    import pickle

    from pipeline.monitor import Monitor

    rules = Rules(drempel)
    with Monitor.open(db) as m:
        release = compute_release(m, periode, rules)
        scopes = (list(m.centrumgemeenten()["gm_code"]) + [LANDELIJK]
                  if centrumgemeenten is None else
                  [c if c == LANDELIJK else m.centrumgemeenten().set_index("gm_code").loc[
                      c.upper()].name for c in centrumgemeenten])
    out_dir = Path(out_dir)
    (out_dir / periode).mkdir(parents=True, exist_ok=True)
    release_file = out_dir / periode / ".release.pickle"
    release_file.write_bytes(pickle.dumps(release))
    workers = max(1, min(workers, len(scopes)))
    batches = [scopes[i::workers] for i in range(workers)]  # interleaved: similar sizes
    meta = {"referentie": release.referentie, "audit": release.audit}
    args = [(str(db), periode, b, str(out_dir), drempel, str(release_file), meta)
            for b in batches]
    try:
        if workers > 1:
            with ProcessPoolExecutor(workers) as pool:
                done = list(pool.map(_render_batch, *zip(*args, strict=True)))
        else:
            done = [_render_batch(*args[0])]
    finally:
        release_file.unlink(missing_ok=True)
    by_scope = {r["centrumgemeente"]: r for batch in done for r in batch}
    return [by_scope[s] for s in scopes]
