"""The report site of a period: ``reports/<P>/index.html``, one page that lists the 36 reports
by name, compares the areas side by side and shows the funnel plots.

Everything on it comes from the protected :class:`pipeline.share.release.Release`, as the
reports do: a count is a cell the audit covered, shown or marked alike; a rate per 10,000
inhabitants is computed only from a count as shown (the inhabitants are public); a share
only where both its counts are shown and by the reports' own rules. A funnel point is a
share and its base, both already in the comparison table, so the plots publish nothing the
table does not. The page is offline like the reports: its charts are inline, it links only
to the report folders next to it.
"""

from __future__ import annotations

import base64
import html
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.figures.funnel import beoordeling
from pipeline.share.disclosure import MARK, TOTAAL
from pipeline.share.release import LANDELIJK, Release, scope_row
from pipeline.share.templates import pagina
from schemas.labels import INDICATOR, KERNCIJFER, VERGELIJKING, getal, procent


@dataclass(frozen=True)
class Indicator:
    naam: str
    titel: str
    basis: str
    sleutel: str  # the share in Release.aandelen

    def waarde(self, release: Release, scope: str) -> tuple[float, int] | None:
        """(share, base) as the release allows it, or None: not shown."""
        return release.aandelen[scope][self.sleutel]


INDICATOREN = {key: Indicator(*woorden, key) for key, woorden in INDICATOR.items()}


def funnel_punten(release: Release, namen: dict[str, str], indicator: str
                  ) -> tuple[pd.DataFrame, float | None]:
    """The areas' points of one funnel plot (scope, naam, aandeel, basis, beoordeling) and
    the national share they are judged against; areas whose share is not shown are left
    out (listed by the site beneath the plot)."""
    waarde = INDICATOREN[indicator].waarde
    landelijk = waarde(release, LANDELIJK)
    rows = []
    for cg in namen:
        v = waarde(release, cg)
        if v is not None and landelijk is not None:
            rows.append({"scope": cg, "naam": namen[cg], "aandeel": v[0], "basis": v[1],
                         "beoordeling": beoordeling(v[0], v[1], landelijk[0])})
    cols = ["scope", "naam", "aandeel", "basis", "beoordeling"]
    return pd.DataFrame(rows, columns=cols), None if landelijk is None else landelijk[0]


def vergelijking(release: Release, namen: dict[str, str]) -> pd.DataFrame:
    """The comparison table: per area (and Nederland) the protected key figures side by
    side, in Dutch notation, hidden counts as the mark and their rates not shown."""
    rows = []
    for scope in [*_op_naam(namen), LANDELIJK]:
        herkomst = scope_row(release.tables["herkomst"], scope)
        zorg = scope_row(release.tables["zorg"], scope)
        voorraad = scope_row(release.tables["voorraad"], scope)
        rates = {k: "–" if v is None else getal(v, 1)
                 for k, v in release.per_10k[scope].items()}
        row = {VERGELIJKING["regio"]: _label(scope, namen),
               VERGELIJKING["inwoners"]: getal(release.inwoners[scope]) or "–",
               VERGELIJKING["aanmeldingen"]: _count(herkomst[TOTAAL]),
               VERGELIJKING["aanmeldingen_per_10k"]: rates["aanmeldingen"],
               KERNCIJFER["geplaatst"]: _count(zorg["geplaatst"]),
               KERNCIJFER["clienten_in_zorg"]: _count(zorg["clienten_in_zorg"]),
               VERGELIJKING["clienten_in_zorg_per_10k"]: rates["clienten_in_zorg"],
               KERNCIJFER["nieuwe_verblijven"]: _count(voorraad["nieuwe_verblijven"]),
               KERNCIJFER["uitstroom"]: _count(zorg["uitstroom"]),
               KERNCIJFER["stand_einde"]: _count(voorraad["stand_einde"])}
        for ind in INDICATOREN.values():
            v = ind.waarde(release, scope)
            row[ind.naam] = "–" if v is None else procent(v[0])
        row[VERGELIJKING["wacht_mediaan"]] = release.wacht_mediaan.get(scope) or "–"
        rows.append(row)
    return pd.DataFrame(rows)


def _count(v) -> str:
    return MARK if v == MARK else getal(int(v))


def write_site(release: Release, namen: dict[str, str], folder: Path) -> Path:
    """Write ``folder/index.html`` (and the funnel plots as PNG and SVG under
    ``folder/figuren/``); link each report whose rapport.html exists in ``folder``."""
    from pipeline.share import charts

    folder = Path(folder)
    fig_dir = folder / "figuren"
    shutil.rmtree(fig_dir, ignore_errors=True)  # no chart of an earlier run lingers
    periode = str(release.periode)
    blocks = []
    for key, ind in INDICATOREN.items():
        punten, p0 = funnel_punten(release, namen, key)
        missing = [namen[cg] for cg in namen if cg not in set(punten["scope"])]
        blocks.append(f"<h3>{html.escape(ind.titel)}</h3>")
        if p0 is None or punten.empty:
            blocks.append("<p>Niet getoond: het landelijke aandeel of de aandelen van de "
                          "regio's zijn afgeschermd.</p>")
            continue
        fig = charts.funnel(punten, p0, f"{ind.titel}, {periode}", ind.basis,
                            release.peildatum, release.referentie)
        png, _ = charts.save(fig, fig_dir, f"funnel_{key}")
        blocks.append(_img(png, f"Funnelplot: {ind.titel}"))
        blocks.append(_opvallend(punten, p0))
        if missing:
            blocks.append(f"<p class='klein'>Niet in de figuur (aandeel afgeschermd of te "
                          f"weinig aantallen): {html.escape(', '.join(sorted(missing)))}.</p>")

    tabel = vergelijking(release, namen)
    links = _links(folder, namen)
    regio = VERGELIJKING["regio"]
    tabel[regio] = [links.get(s, html.escape(r)) for s, r in
                    zip([*_op_naam(namen), LANDELIJK], tabel[regio], strict=True)]
    body = [
        f"<h1>Monitor vrouwenopvang: alle rapporten, {html.escape(periode)}</h1>",
        f"<p>Peildatum {html.escape(release.peildatum)}. Referentiedata "
        f"{html.escape(release.referentie)}. Een '{MARK}' is een verborgen aantal (een klein "
        f"aantal, of verborgen zodat een klein aantal niet uit totalen te berekenen is); "
        f"'–' is niet getoond. Getallen per 10.000 inwoners gebruiken de inwoners van het "
        f"gebied (CBS, 2024).</p>",
        "<h2>Rapporten</h2>", _lijst(links, namen),
        "<h2>De regio's naast elkaar</h2>",
        "<div class='breed'>" + _table(tabel) + "</div>",
        "<h2>Wijkt een regio af? Funnelplots</h2>", f"<p>{html.escape(FUNNEL_UITLEG)}</p>",
        *blocks]
    path = folder / "index.html"
    path.write_text(pagina(f"Monitor vrouwenopvang {periode}", "\n".join(body), "site"),
                    encoding="utf-8")
    return path


FUNNEL_UITLEG = (
    "Elke punt is een regio: het aandeel tegenover het aantal waarop het berekend is. De "
    "lijnen zijn controlegrenzen rond het landelijke aandeel (Spiegelhalter, 2005): bij een "
    "kleine regio liggen ze wijd, omdat toeval daar meer uitmaakt. Binnen de 95%-grenzen "
    "valt 19 van de 20 regio's die in werkelijkheid niet afwijken; buiten de 99,8%-grenzen "
    "komt bij toeval zelden een regio. Een punt daarbuiten is een reden om te vragen waarom, "
    "geen oordeel.")

_OORDEEL = {"boven_998": "boven de 99,8%-grens", "onder_998": "onder de 99,8%-grens",
            "boven_95": "boven de 95%-grens", "onder_95": "onder de 95%-grens"}


def _opvallend(punten: pd.DataFrame, p0: float) -> str:
    buiten = punten[punten["beoordeling"] != "binnen"].sort_values("aandeel")
    if buiten.empty:
        return (f"<p>Landelijk {procent(p0)}. Alle regio's in de figuur liggen binnen de "
                f"95%-grenzen.</p>")
    items = "".join(
        f"<li>{html.escape(r.naam)}: {procent(r.aandeel)} van {getal(r.basis)}, "
        f"{_OORDEEL[r.beoordeling]}</li>" for r in buiten.itertuples())
    return f"<p>Landelijk {procent(p0)}. Buiten de grenzen:</p><ul>{items}</ul>"


def _links(folder: Path, namen: dict[str, str]) -> dict[str, str]:
    """scope -> an HTML link to its report, for the reports that exist beside the page."""
    out = {}
    for scope in [LANDELIJK, *namen]:
        if (folder / scope / "rapport.html").is_file():
            out[scope] = (f"<a href='{scope}/rapport.html'>"
                          f"{html.escape(_label(scope, namen))}</a>")
    return out


def _lijst(links: dict[str, str], namen: dict[str, str]) -> str:
    order = [LANDELIJK, *_op_naam(namen)]
    items = [f"<li>{links[s]}</li>" if s in links else
             f"<li>{html.escape('Nederland' if s == LANDELIJK else namen[s])} (niet gemaakt)"
             f"</li>" for s in order]
    return "<ul class='kolommen'>" + "".join(items) + "</ul>"


def _label(scope: str, namen: dict[str, str]) -> str:
    return "Nederland" if scope == LANDELIJK else f"{namen[scope]} ({scope})"


def _op_naam(namen: dict[str, str]) -> list[str]:
    """The areas in the order a reader looks them up: by name ('s-Gravenhage under G)."""
    return sorted(namen, key=lambda c: namen[c].removeprefix("'s-").lower())


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<img src='data:image/png;base64,{data}' alt='{html.escape(alt)}'>"


def _table(df: pd.DataFrame) -> str:
    """Cells are already text; the first column may hold a link made here."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
    rows = []
    for r in df.itertuples(index=False):
        cells = [f"<td>{r[0]}</td>"] + [f"<td class='getal'>{html.escape(str(v))}</td>"
                                         for v in r[1:]]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
