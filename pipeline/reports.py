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
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pandas as pd

from pipeline.disclosure import SECONDARY, Rules

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "kwartaalrapportage.ipynb"
LANDELIJK = "landelijk"

GROUPS = {
    "voorraad": ["stand_begin", "nieuwe_verblijven", "beeindigde_verblijven", "stand_einde"],
    "herkomst": ["eigen_regio", "andere_regio", "buitenland", "onbekend"],
    "zorg": ["clienten_in_zorg", "geplaatst", "uitstroom", "meegekomen_kinderen"],
    "bestemming": ["zelfstandig_wonen", "terug_naar_partner", "familie_netwerk",
                   "andere_vrouwenopvang", "maatschappelijke_opvang", "zorginstelling",
                   "buitenland", "onbekend"],
}
#: Groups whose measures add up to a total that is worth showing (and protecting).
WITH_TOTAL = {"herkomst", "bestemming"}
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
SERIES = {"aanmeldingen": "Aanmeldingen", "nieuwe_verblijven": "Instroom (nieuwe verblijven)",
          "uitstroom": "Uitstroom", "stand_einde": "Lopende verblijven einde kwartaal"}


@dataclass
class Release:
    """The protected figures of one period for all centrumgemeenten and the country."""

    periode: str
    rules: Rules
    tables: dict[str, pd.DataFrame]      # group -> protected CG x measure (+ Totaal)
    series: dict[str, pd.DataFrame]      # measure -> protected CG x kwartaal (+ Totaal)
    raw: dict[str, dict]                 # scope -> kerncijfers (for bases of shares/medians)
    peildatum: str
    referentie: str


def compute_release(m, periode: str, rules: Rules) -> Release:
    """Every figure of the release, computed once (the 36 reports reuse it)."""
    cgs = list(m.centrumgemeenten()["gm_code"])
    raw = {cg: m.kerncijfers(periode, cg) for cg in cgs}
    raw[LANDELIJK] = m.kerncijfers(periode)
    tables = {}
    for group, cols in GROUPS.items():
        source = {"herkomst": "herkomst", "bestemming": "uitstroom_bestemming"}.get(group)
        frame = pd.DataFrame(
            [[(raw[cg][source][c] if source else raw[cg][c]) for c in cols] for cg in cgs],
            index=cgs, columns=cols)
        protected = rules.table(frame)
        if group not in WITH_TOTAL:
            protected = protected.drop(columns="Totaal")
        tables[group] = protected
    series = {}
    quarters = _quarters_upto(m, periode)
    for measure in SERIES:
        rows = []
        for cg in cgs:
            t = m.tijdreeks(cg).set_index("kwartaal")
            rows.append([int(t[measure].get(q, 0)) for q in quarters])
        frame = pd.DataFrame(rows, index=cgs, columns=quarters)
        series[measure] = rules.table(frame).drop(columns="Totaal")
    k = raw[LANDELIJK]
    return Release(periode, rules, tables, series, raw, k["peildatum"] or "",
                   k["referentie_versie"] or "")


def _quarters_upto(m, periode: str) -> list[str]:
    from pipeline.periods import parse_periode

    last = parse_periode(periode).kwartalen[-1]
    t = m.tijdreeks()
    return [q for q in t["kwartaal"] if q <= last][-8:]


def scope_row(table: pd.DataFrame, scope: str) -> pd.Series:
    return table.loc["Totaal" if scope == LANDELIJK else scope]


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
        f"{release.referentie}. Aantallen van 1 tot en met {rules.threshold - 1} worden "
        f"getoond als '{rules.label}'. Een aantal dat als '{SECONDARY}' staat is verborgen "
        "om zo'n klein aantal te beschermen: anders zou het uit een totaal of een verschil "
        "te berekenen zijn."]
    tabellen = {}
    figures = []

    rows = []
    for group in IN_KERNCIJFERS:
        for col, value in scope_row(release.tables[group], scope).items():
            rows.append({"Kerncijfer": LABELS.get(col, col), "Waarde": value})
    kern = pd.DataFrame(rows)
    wacht = rules.median(raw["wachttijd_mediaan_dagen"], raw["geplaatst"])
    eigen, andere = raw["herkomst"]["eigen_regio"], raw["herkomst"]["andere_regio"]
    aandeel = rules.share(eigen, eigen + andere)
    ambulant = rules.share(round((raw["aandeel_ambulant"] or 0) * raw["clienten_in_zorg"]),
                           raw["clienten_in_zorg"])
    extra = [("Wachttijd tot plaatsing, mediaan",
              None if wacht is None else f"{wacht:.1f} dagen".replace(".", ",")),
             ("Aandeel uit eigen regio", None if aandeel is None else f"{aandeel:.0%}"),
             ("Aandeel uitsluitend ambulant", None if ambulant is None else f"{ambulant:.0%}")]
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

    herkomst = scope_row(release.tables["herkomst"], scope)
    fig = charts.staaf(["Eigen regio", "Andere regio", "Buitenland", "Onbekend"],
                       [herkomst[c] for c in GROUPS["herkomst"]],
                       f"Herkomst van aanmeldingen, {naam}", "Aanmeldingen",
                       release.peildatum, release.referentie)
    figures += charts.save(fig, fig_dir, "herkomst")
    parts += ["## Waar komen cliënten vandaan?", fig_dir / "herkomst.png"]

    cg = None if scope == LANDELIJK else scope
    full = m.km_verblijfsduur(release.periode, cg)
    curve = rules.curve(full)
    duur = rules.median(raw["verblijfsduur_mediaan_dagen"], int(full["at_risk"].iloc[0]))
    fig = charts.overleving(curve, f"Verblijfsduur residentiële opvang, {naam}",
                            release.peildatum, release.referentie)
    figures += charts.save(fig, fig_dir, "verblijfsduur")
    tabellen["Verblijfsduur"] = curve.rename(columns={
        "t": "dagen", "S": "aandeel_nog_in_zorg", "lower": "ondergrens_95",
        "upper": "bovengrens_95", "at_risk": "nog_in_zorg"}).assign(
        nog_in_zorg=lambda d: [rules.count(int(v)) for v in d["nog_in_zorg"]])
    parts += [f"## Hoe lang duurt de opvang?\n\nMediane verblijfsduur in residentiële "
              f"opvang (Kaplan-Meier): "
              f"{'niet getoond' if duur is None else f'{duur:.0f} dagen'}.",
              fig_dir / "verblijfsduur.png"]
    traject = rules.curve(m.km_trajectduur(release.periode, cg))
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
    return {"parts": parts, "tabellen": tabellen, "figuren": figures}


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
                   referentie: str) -> Path:
    checksums = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "release.json"
                 and p.suffix != ".ipynb"}
    record = {"periode": periode, "scope": scope, "referentie_versie": referentie,
              "disclosure": rules.describe(), "bestanden": checksums}
    path = folder / "release.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _render_one(db: str, periode: str, scope: str, out_dir: str, drempel: int,
                release_file: str) -> dict:
    """Run the notebook for one scope with papermill and package the folder."""
    folder = Path(out_dir) / periode / scope
    folder.mkdir(parents=True, exist_ok=True)
    executed = folder / ".rapport.ipynb"
    with _quiet_kernel():
        return _run_notebook(db, periode, scope, folder, executed, drempel, release_file)


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


def _run_notebook(db: str, periode: str, scope: str, folder: Path, executed: Path,
                  drempel: int, release_file: str) -> dict:
    import papermill as pm

    try:
        pm.execute_notebook(str(NOTEBOOK), str(executed), progress_bar=False,
                            parameters={"db": db, "periode": periode, "scope": scope,
                                        "out": str(folder), "drempel": drempel,
                                        "release_file": release_file},
                            kernel_name="python3", log_output=False)
        titel = f"Monitor vrouwenopvang {scope} {periode}"
        html_from_notebook(executed, folder / "rapport.html", titel)
        executed.unlink()
        import pickle

        release = pickle.loads(Path(release_file).read_bytes())
        release_record(folder, release.rules, periode, scope, release.referentie)
        return {"centrumgemeente": scope, "folder": str(folder), "ok": True, "error": None}
    except Exception as exc:  # noqa: BLE001 - collected and reported after trying all
        return {"centrumgemeente": scope, "folder": str(folder), "ok": False,
                "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}


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
    args = [(str(db), periode, s, str(out_dir), drempel, str(release_file)) for s in scopes]
    try:
        if workers > 1 and len(args) > 1:
            with ProcessPoolExecutor(workers) as pool:
                results = list(pool.map(_render_one, *zip(*args, strict=True)))
        else:
            results = [_render_one(*a) for a in args]
    finally:
        release_file.unlink(missing_ok=True)
    return results
