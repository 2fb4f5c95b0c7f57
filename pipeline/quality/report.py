"""The quality report as one self-contained HTML page (inline CSS, no external reference)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;max-width:60rem;
color:#1a1a1a}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.3rem
.5rem;text-align:left}th{background:#f3f3f3}.fataal{color:#a00;font-weight:bold}.fout{color:#b35900}
.waarschuwing{color:#555}.note{background:#fff8e1;padding:.5rem 1rem;border-left:4px solid #e6a700}
"""


def write_html(findings: list[dict], results: pd.DataFrame, out_dir: Path,
               periode: str | None = None) -> Path:
    """Per centrumgemeente: what to ask the delivering organisation, and the full results."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"kwaliteit_{periode or 'alle_kwartalen'}.html"
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
             f"<title>Datakwaliteit vrouwenopvang {e(periode or '')}</title>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>Datakwaliteit monitor vrouwenopvang {e(periode or 'alle kwartalen')}</h1>",
             f"<p>Gemaakt op {dt.date.today().isoformat()}. "
             f"{len(findings)} bevinding(en) in {results['centrumgemeente'].nunique()} "
             "centrumgemeente(n) gecontroleerd.</p>",
             "<p class='note'>Intern werkdocument voor de analist en de aanleverende "
             "organisatie: aantallen zijn niet afgeschermd. Niet publiceren.</p>"]
    if not findings:
        parts.append("<p>Geen bevindingen: alle regels zijn in orde.</p>")
    by_cg: dict[str, list[dict]] = {}
    for f in findings:
        by_cg.setdefault(f["centrumgemeente"], []).append(f)
    for cg in sorted(by_cg):
        parts.append(f"<h2>{e(cg)}: wat te vragen aan de organisatie</h2><table><tr>"
                     "<th>Kwartaal</th><th>Regel</th><th>Ernst</th><th>Aantal</th>"
                     "<th>Toelichting</th></tr>")
        for f in sorted(by_cg[cg], key=lambda x: (x["kwartaal"], x["regel"])):
            parts.append(f"<tr><td>{e(f['kwartaal'])}</td><td>{e(f['regel'])}</td>"
                         f"<td class='{e(f['ernst'])}'>{e(f['ernst'])}</td>"
                         f"<td>{f['aantal']}</td><td>{e(f['toelichting'])}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Alle resultaten per regel</h2><table><tr><th>Regel</th><th>Ernst</th>"
                 "<th>Gecontroleerd</th><th>Afwijkend</th><th>% geldig</th></tr>")
    if len(results):
        agg = results.groupby(["regel", "ernst"], as_index=False)[
            ["gecontroleerd", "afwijkend"]].sum()
        for r in agg.itertuples():
            pct = 100 * (r.gecontroleerd - r.afwijkend) / r.gecontroleerd if r.gecontroleerd \
                else 100
            parts.append(f"<tr><td>{e(r.regel)}</td><td>{e(r.ernst)}</td>"
                         f"<td>{r.gecontroleerd}</td><td>{r.afwijkend}</td>"
                         f"<td>{pct:.1f}</td></tr>")
    parts.append("</table></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
