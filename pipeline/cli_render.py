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


def render_kerncijfers(d: dict) -> Table:
    """A readable table with Dutch labels (numbers in Dutch notation)."""
    scope = d["centrumgemeente"] or "landelijk"
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
    """The terminal table: one row per area and vorm, then the national sums."""
    doel = d["doel"]
    table = Table(title=(
        f"Places needed, {d['periode']} (target: crisisopvang at most "
        f"{doel['afgewezen_max']:.0%} turned away; residentieel {doel['binnen_aandeel']:.0%} "
        f"placed within {doel['binnen_dagen']:g} days)"))
    cols = ["centrumgemeente", "opvangvorm", "places", "occupancy", "requests/day",
            "mean stay (days)", "turned away", "needed", "95% interval", "gap"]
    sim = any(g.get("simulatie") for g in d["gebieden"])
    scen = d.get("scenario")
    if sim:
        cols += ["missed now (sim.)", "missed at needed (sim.)"]
    if scen:
        cols += ["missed in scenario", "needed in scenario"]
        table.title += f"; scenario: {scen}"
    for col in cols:
        table.add_column(col, justify="left" if col in ("centrumgemeente", "opvangvorm")
                         else "right")

    def num(x: float | None, fmt: str = "{:.0f}") -> str:
        return "-" if x is None else fmt.format(x)

    for g in d["gebieden"]:
        per_dag = g["aankomsten_per_dag"]
        if per_dag is not None and g.get("doorstroom_per_dag"):
            per_dag += g["doorstroom_per_dag"]
        cells = [
            f"{namen.get(g['centrumgemeente'], '')} ({g['centrumgemeente']})", g["opvangvorm"],
            num(g["plaatsen"]), num(g["bezettingsgraad"], "{:.0%}"), num(per_dag, "{:.2f}"),
            num(g["gemiddelde_verblijfsduur_dagen"]),
            num(g["waargenomen_afgewezen_aandeel"], "{:.0%}"), num(g["benodigde_plaatsen"]),
            "-" if g["interval_95"] is None else "{}-{}".format(*g["interval_95"]),
            num(g["tekort"], "{:+.0f}")]
        s = g.get("simulatie") or {}
        if sim:
            cells += [num(s.get("gemist_bij_plaatsen"), "{:.0%}"),
                      num(s.get("gemist_bij_benodigde"), "{:.0%}")]
        if scen:
            x = s.get("scenario") or {}
            cells += [num(x.get("gemist_bij_plaatsen"), "{:.0%}"),
                      num(x.get("benodigde_plaatsen"))]
        table.add_row(*cells)
    land = d["landelijk"]
    for vorm in RESIDENTIELE_OPVANGVORMEN:
        v = land[vorm]
        cells = [
            f"national ({v['gebieden_met_plaatsen']} of {land['centrumgemeenten']} with "
            "places)", vorm, num(v["plaatsen"]), "", "", "", "", num(v["benodigde_plaatsen"]),
            "", num(v["tekort"], "{:+.0f}")]
        cells += [""] * (len(cols) - len(cells) - (1 if scen else 0))
        if scen:
            cells.append(num(v.get("benodigde_plaatsen_scenario")))
        table.add_row(*cells, style="bold")
    if land["plaatsen_norm_istanbul"] is not None:
        table.caption = (f"Istanbul norm (one family place per 10,000 inhabitants): "
                         f"{land['plaatsen_norm_istanbul']:.0f} places for both forms together. "
                         "requests/day for residentieel includes doorstroom from crisisopvang.")
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
