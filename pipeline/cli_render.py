"""What the commands draw on the terminal: the tables of ``kerncijfers`` and ``capaciteit``,
the ingest summary with what to fix, and the load history.

The figures modules compute and return JSON-ready documents; this module, beside the CLI,
turns those documents into rich tables (Dutch labels and number notation for the key
figures). Nothing here computes a figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from rich.console import Console
from rich.table import Table

from schemas import labels
from schemas.formaat import RESIDENTIELE_OPVANGVORMEN

if TYPE_CHECKING:
    from pipeline.ingest.run import IngestRun


def _fmt(key: str, v: object) -> str:
    if v is None:
        return "–"
    if key == "dekking":
        return ", ".join(f"{k} {d['geleverd']}/{d['centrumgemeenten']}" for k, d in v.items())
    if key.startswith(("aandeel", "bezetting")):
        return labels.procent(v, 1)
    return labels.getal(v, 1 if isinstance(v, float) else 0)


def render_kerncijfers(d: dict, naam: str | None = None) -> Table:
    """A readable table with Dutch labels (numbers in Dutch notation); ``naam``: the area's
    name for the title (Zaanstad (GM0479))."""
    cg = d["centrumgemeente"]
    scope = (f"{naam} ({cg})" if naam else cg) if cg else "landelijk"
    table = Table(title=f"Kerncijfers {d['periode']}, {scope} (peildatum {d['peildatum']}, "
                  f"referentie {d['referentie_versie']})")
    table.add_column("Kerncijfer")
    table.add_column("Waarde", justify="right")
    for key, label in labels.KERNCIJFER.items():
        table.add_row(label, _fmt(key, d[key]))
    for h, n in d["herkomst"].items():
        table.add_row(f"  herkomst: {labels.HERKOMST[h].lower()}", _fmt(h, n))
    for b, n in d["uitstroom_bestemming"].items():
        table.add_row(f"  uitstroom naar: {labels.BESTEMMING[b]}", _fmt(b, n))
    for r, n in d["niet_geplaatst_reden"].items():
        table.add_row(f"  niet geplaatst, reden: {labels.REDEN_NIET_GEPLAATST[r].lower()}",
                      _fmt(r, n))
    for vorm, v in d["per_opvangvorm"].items():
        table.add_row(f"  {vorm}: cliënten / nieuw / beëindigd",
                      f"{_fmt('', v['clienten_in_zorg'])} / {_fmt('', v['nieuwe_verblijven'])} "
                      f"/ {_fmt('', v['beeindigde_verblijven'])}")
    binnen = d["geplaatst_binnen_dagen"]
    table.add_row("Druk: geplaatst binnen 1 / 3 / 7 dagen",
                  " / ".join(_fmt("aandeel", binnen[k]) for k in ("1", "3", "7")))
    table.add_row("Druk: aanmeldingen niet geplaatst", _fmt("", d["aanmeldingen_niet_geplaatst"]))
    table.add_row("Druk: gemiddeld aantal wachtenden", _fmt("", d["gemiddeld_wachtend"]))
    grens = d["bovenregionaal_geplaatst"]
    table.add_row("Druk: geplaatst over de regiogrens, in / uit",
                  f"{_fmt('', grens['in'])} / {_fmt('', grens['uit'])}")
    return table


def render_capaciteit(d: dict, namen: dict[str, str]) -> Table:
    """The terminal table in Dutch words and number notation: one row per area and vorm,
    then, for more than one area, the national row. The national row compares the same
    areas on both sides (those with places and a need: ``plaatsen_vergeleken``), and a gap
    is the difference of the places as shown, so every row adds up as printed."""
    doel = d["doel"]
    table = Table(title=(
        f"Benodigde plaatsen, {d['periode']} (doel: crisisopvang hoogstens "
        f"{labels.procent(doel['afgewezen_max'])} afgewezen; residentieel "
        f"{labels.procent(doel['binnen_aandeel'])} geplaatst binnen "
        f"{labels.getal(doel['binnen_dagen'], 0 if doel['binnen_dagen'] % 1 == 0 else 1)} "
        "dagen)"))
    cols = ["centrumgemeente", "opvangvorm", "plaatsen", "bezetting", "aanvragen per dag",
            "gem. verblijf (dagen)", "afgewezen", "benodigd", "95%-interval", "tekort"]
    sim = any(g.get("simulatie") for g in d["gebieden"])
    scen = d.get("scenario")
    if sim:
        cols += ["gemist nu (sim.)", "gemist bij benodigd (sim.)"]
    if scen:
        cols += ["gemist in scenario", "benodigd in scenario"]
        table.title += f"; scenario: {scen}"
    for col in cols:
        table.add_column(col, justify="left" if col in ("centrumgemeente", "opvangvorm")
                         else "right")

    def num(x: float | None, decimalen: int = 0) -> str:
        return "–" if x is None else labels.getal(x, decimalen)

    def pct(x: float | None) -> str:
        return "–" if x is None else labels.procent(x)

    def gap(nodig: int | None, plaatsen: float | None) -> str:
        if nodig is None or plaatsen is None:
            return "–"
        diff = nodig - round(plaatsen)  # of the places as shown: the row adds up as printed
        return ("+" if diff > 0 else "") + labels.getal(diff)

    for g in d["gebieden"]:
        per_dag = g["aankomsten_per_dag"]
        if per_dag is not None and g.get("doorstroom_per_dag"):
            per_dag += g["doorstroom_per_dag"]
        cells = [
            f"{namen.get(g['centrumgemeente'], '')} ({g['centrumgemeente']})", g["opvangvorm"],
            num(g["plaatsen"]), pct(g["bezettingsgraad"]), num(per_dag, 2),
            num(g["gemiddelde_verblijfsduur_dagen"]),
            pct(g["waargenomen_afgewezen_aandeel"]), num(g["benodigde_plaatsen"]),
            "–" if g["interval_95"] is None else "{} tot {}".format(*g["interval_95"]),
            gap(g["benodigde_plaatsen"], g["plaatsen"] if g["tekort"] is not None else None)]
        s = g.get("simulatie") or {}
        if sim:
            cells += [pct(s.get("gemist_bij_plaatsen")), pct(s.get("gemist_bij_benodigde"))]
        if scen:
            x = s.get("scenario") or {}
            cells += [pct(x.get("gemist_bij_plaatsen")), num(x.get("benodigde_plaatsen"))]
        table.add_row(*cells)
    land = d["landelijk"]
    if land["centrumgemeenten"] > 1:
        for vorm in RESIDENTIELE_OPVANGVORMEN:
            v = land[vorm]
            n = v["gebieden_met_tekort_berekend"]
            cells = [
                f"landelijk ({n} van {land['centrumgemeenten']} met plaatsen en behoefte)",
                vorm, num(v["plaatsen_vergeleken"]), "", "", "", "",
                num(v["benodigde_plaatsen_vergeleken"]), "",
                gap(v["benodigde_plaatsen_vergeleken"], v["plaatsen_vergeleken"]) if n else "–"]
            cells += [""] * (len(cols) - len(cells) - (1 if scen else 0))
            if scen:
                cells.append(num(v.get("benodigde_plaatsen_scenario")))
            table.add_row(*cells, style="bold")
    if land["plaatsen_norm_istanbul"] is not None and land["centrumgemeenten"] > 1:
        table.caption = (
            f"Norm van Istanbul (1 gezinsplaats per 10.000 inwoners): "
            f"{num(land['plaatsen_norm_istanbul'])} plaatsen voor beide vormen samen. "
            "Aanvragen per dag voor residentieel tellen de doorstroom uit crisisopvang mee. "
            "De landelijke rij telt alleen gebieden met zowel plaatsen als een behoefte.")
    elif d["gebieden"]:
        table.caption = ("Aanvragen per dag voor residentieel tellen de doorstroom uit "
                         "crisisopvang mee.")
    return table


STATUS_STYLE = {"loaded": "green", "unchanged": "dim", "duplicate": "yellow", "rejected": "red"}


def print_summary(run: IngestRun, report_path: Path | None, out: Console) -> None:
    table = Table(title="Ingest", show_lines=False)
    for col in ("file", "soort", "status", "read", "loaded", "quarantined", "notes"):
        table.add_column(col, overflow="fold")
    for r in run.results:
        notes = "; ".join([m for m in [r.message] if m and r.status != "loaded"] + r.warnings)
        table.add_row(
            Path(r.file).name, r.soort or "", f"[{STATUS_STYLE.get(r.status, '')}]{r.status}[/]",
            str(r.rows_read), str(r.rows_loaded), str(r.rows_quarantined), notes,
        )
    out.print(table)
    counts: dict[str, int] = {}
    for r in run.results:
        counts[r.status] = counts.get(r.status, 0) + 1
    quarantined = sum(r.rows_quarantined for r in run.results)
    out.print(", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
              + f"; {quarantined} row(s) quarantined.")
    if len(run.report):
        out.print("[bold]What to fix[/] (one line per file and rule; every row is in the report):")
        for line in what_to_fix(run.report):
            out.print("  " + line, highlight=False, markup=False)
    if report_path:
        out.print(f"Rejection report: {report_path}")


def loads_table(history: list[dict]) -> Table:
    table = Table(title="Load history")
    for col in ("id", "file", "cg", "kwartaal", "soort", "status", "read", "loaded",
                "quarantined", "loaded_at", "message"):
        table.add_column(col, overflow="fold")
    for h in history:
        table.add_row(
            str(h["load_id"]), Path(h["file"]).name, h["centrumgemeente"] or "",
            h["kwartaal"] or "", h["soort"] or "", h["status"], str(h["rows_read"]),
            str(h["rows_loaded"]), str(h["rows_quarantined"]), h["loaded_at"] or "",
            h["message"] or "",
        )
    return table


def what_to_fix(report: pd.DataFrame, max_lines: int = 30, max_rows_named: int = 5) -> list[str]:
    """Group the rejection report by file and rule, so 500 bad dates make one line, not 500."""
    lines = []
    for (bestand, regel), grp in report.groupby(["bestand", "regel"], sort=False, dropna=False):
        first = grp.iloc[0]
        rows = grp["bronregel"].dropna().astype(int).tolist()
        if rows:
            shown = ", ".join(map(str, rows[:max_rows_named]))
            more = f" and {len(rows) - max_rows_named} more" if len(rows) > max_rows_named else ""
            where = f"line{'s' if len(rows) > 1 else ''} {shown}{more}"
        else:
            where = "whole file"
        col = f", column {first['kolom']}" if isinstance(first["kolom"], str) else ""
        lines.append(f"{Path(bestand).name}, {where}{col}: {first['probleem']}. "
                     f"{first['oplossing']} [{regel}]")
        if len(lines) == max_lines:
            lines.append("... more in the rejection report")
            break
    return lines
