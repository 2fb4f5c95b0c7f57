"""The quality report: one self-contained HTML page (inline CSS, no script, no external
reference of any kind) that opens offline and says, per centrumgemeente, what to ask.

It only shows what the findings and the tidy results hold: counts per rule x CG x quarter and
the rules' own texts. No client-level value exists in either, so none can appear here.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import pandas as pd

from pipeline.periods import Periode
from pipeline.quality.rules import ERNST, load_rules
from schemas import labels

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:64rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;
border-bottom:2px solid #ddd;padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.6rem 0 .4rem}
.meta{color:#555;margin-top:0}.note{background:#fff8e1;padding:.6rem 1rem;
border-left:4px solid #e6a700}table{border-collapse:collapse;width:100%;margin:.5rem 0;
font-size:.92rem}td,th{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;
vertical-align:top}th{background:#f3f3f3}td.n{text-align:right;white-space:nowrap}
.badge{display:inline-block;border-radius:.6rem;padding:0 .55rem;font-size:.8rem;
font-weight:600;white-space:nowrap}.fataal{background:#8b0000;color:#fff}
.fout{background:#c25e00;color:#fff}.waarschuwing{background:#e8e1c4;color:#3d3200}
.kaarten{display:flex;gap:1rem;flex-wrap:wrap}.kaart{border:1px solid #ddd;border-radius:.4rem;
padding:.5rem 1rem;min-width:9rem}.kaart b{font-size:1.4rem;display:block}
code{font-size:.85rem}footer{margin-top:3rem;color:#666;font-size:.85rem}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}}
"""

ERNST_UITLEG = {
    "fataal": "de kerncijfers zijn onderling inconsistent: niet publiceren, meld het aan het "
              "team",
    "fout": "een cijfer klopt niet zonder correctie of aanvulling door de organisatie",
    "waarschuwing": "mogelijk juist, maar navragen voor publicatie",
}


def write_html(findings: list[dict], results: pd.DataFrame, out_dir: Path,
               periode: Periode | None = None) -> Path:
    """Write ``<out_dir>/kwaliteit_<periode|alle_kwartalen>.html`` and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"kwaliteit_{periode.label if periode else 'alle_kwartalen'}.html"
    path.write_text(render_html(findings, results, periode), encoding="utf-8")
    return path


def render_html(findings: list[dict], results: pd.DataFrame, periode: Periode | None = None,
                now: dt.datetime | None = None) -> str:
    e = html.escape
    now = now or dt.datetime.now()
    names = _names(results)
    scope = periode.label if periode else "alle kwartalen"
    parts = [
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Datakwaliteit vrouwenopvang, {e(scope)}</title><style>{STYLE}</style>",
        "</head><body>",
        f"<h1>Datakwaliteit monitor vrouwenopvang</h1><p class='meta'>{e(scope)} · gemaakt op "
        f"{now:%d-%m-%Y %H:%M} · {results['centrumgemeente'].nunique()} centrumgemeente(n) en "
        f"{results['kwartaal'].nunique()} kwartaal/kwartalen gecontroleerd</p>",
        "<p class='note'>Intern werkdocument voor de analist en de aanleverende organisaties. "
        "De aantallen zijn niet afgeschermd: niet publiceren en niet doorsturen buiten de "
        "betrokken organisatie. Er staan geen gegevens van individuele cliënten in.</p>",
        _summary(findings),
        "<h2>Wat te vragen per centrumgemeente</h2>",
    ]
    if not findings:
        parts.append("<p>Geen bevindingen: alle regels zijn in orde voor deze periode.</p>")
    by_cg: dict[str, list[dict]] = {}
    for f in findings:
        by_cg.setdefault(f["centrumgemeente"], []).append(f)
    order = sorted(by_cg, key=lambda cg: (min(ERNST.index(f["ernst"]) for f in by_cg[cg]), cg))
    for cg in order:
        naam = names.get(cg)
        parts.append(f"<h3>{e(cg)}{' ' + e(naam) if naam else ''}</h3><table><tr>"
                     "<th>Kwartaal</th><th>Ernst</th><th>Regel</th><th>Aantal</th>"
                     "<th>Wat te vragen</th></tr>")
        for f in sorted(by_cg[cg], key=lambda x: (x["kwartaal"], ERNST.index(x["ernst"]),
                                                  x["regel"])):
            parts.append(f"<tr><td>{e(f['kwartaal'])}</td><td>{_badge(f['ernst'])}</td>"
                         f"<td><code>{e(f['regel'])}</code></td><td class='n'>{f['aantal']}"
                         f"</td><td>{e(f['toelichting'])}</td></tr>")
        parts.append("</table>")
    parts += [_per_rule(results), _rules_table(), _footer()]
    parts.append("</body></html>")
    return "\n".join(parts)


def _names(results: pd.DataFrame) -> dict[str, str]:
    if "gm_naam" not in results:
        return {}
    pairs = results[["centrumgemeente", "gm_naam"]].dropna().drop_duplicates()
    return dict(zip(pairs["centrumgemeente"], pairs["gm_naam"], strict=True))


def _badge(ernst: str) -> str:
    return f"<span class='badge {html.escape(ernst)}'>{html.escape(ernst)}</span>"


def _summary(findings: list[dict]) -> str:
    cards = []
    for ernst in ERNST:
        n = sum(f["ernst"] == ernst for f in findings)
        cg = len({f["centrumgemeente"] for f in findings if f["ernst"] == ernst})
        cards.append(f"<div class='kaart'>{_badge(ernst)}<b>{n}</b>bevinding(en) in {cg} "
                     f"centrumgemeente(n)</div>")
    uitleg = "".join(f"<li>{_badge(k)} {html.escape(v)}</li>" for k, v in ERNST_UITLEG.items())
    return (f"<h2>Samenvatting</h2><div class='kaarten'>{''.join(cards)}</div>"
            "<p>Een bevinding is één regel in één centrumgemeente in één kwartaal; het aantal is "
            f"het aantal records dat niet aan de regel voldoet.</p><ul>{uitleg}</ul>")


def _per_rule(results: pd.DataFrame) -> str:
    rows = ["<h2>Resultaten per regel</h2><p>Alle gecontroleerde records, over alle "
            "centrumgemeenten en kwartalen van dit rapport. Per centrumgemeente en kwartaal "
            "staan ze in de tabel <code>kwaliteit_resultaten</code> van het warehouse.</p>"
            "<table><tr><th>Regel</th><th>Ernst</th><th>Gecontroleerd</th><th>Afwijkend</th>"
            "<th>% geldig</th><th>CG-kwartalen met bevinding</th></tr>"]
    if len(results):
        agg = results.assign(met=results["afwijkend"] > 0).groupby(
            ["regel", "ernst"], as_index=False).agg(
            gecontroleerd=("gecontroleerd", "sum"), afwijkend=("afwijkend", "sum"),
            met=("met", "sum"))
        agg = agg.sort_values(["ernst", "regel"], key=lambda s: s.map(
            lambda v: ERNST.index(v) if v in ERNST else v))
        for r in agg.itertuples():
            pct = labels.getal(100 * (r.gecontroleerd - r.afwijkend) / r.gecontroleerd, 1)
            rows.append(f"<tr><td><code>{html.escape(r.regel)}</code></td>"
                        f"<td>{_badge(r.ernst)}</td><td class='n'>{r.gecontroleerd}</td>"
                        f"<td class='n'>{r.afwijkend}</td>"
                        f"<td class='n'>{pct}</td>"
                        f"<td class='n'>{r.met}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _rules_table() -> str:
    rows = ["<h2>De regels</h2><table><tr><th>Regel</th><th>Ernst</th><th>Wat de regel "
            "controleert</th><th>Expectation</th></tr>"]
    for rule in load_rules():
        params = json.dumps({**rule.parameters, **rule.bron_parameters}, ensure_ascii=False)
        rows.append(f"<tr><td><code>{html.escape(rule.regel)}</code><br><small>id "
                    f"{rule.regel_id}</small></td><td>{_badge(rule.ernst)}</td>"
                    f"<td>{html.escape(rule.omschrijving)}</td><td><code>"
                    f"{html.escape(rule.expectation)}</code><br><small>{html.escape(params)}"
                    "</small></td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _footer() -> str:
    return ("<footer>Gemaakt met <code>opvangmonitor kwaliteit</code>. De regels staan in "
            "<code>pipeline/quality/regels.yaml</code>; de controle loopt over de leveringen "
            "zoals ze in het warehouse staan (vervangen leveringen niet meegerekend).</footer>")
