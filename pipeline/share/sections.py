"""The sections of a report: what each shows, in Dutch, from one protected release.

Each function takes the release (all numbers already protected by ``release``, every share,
rate, occupancy and places figure already behind its rule there) and returns the parts the
notebook ``notebooks/kwartaalrapportage.ipynb`` lays out: texts, tables and the charts it
writes. No disclosure decision is taken here, and nothing is read from the warehouse but
names (of areas and municipalities, and the map's membership).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.figures.survival import median_from_curve
from pipeline.share.disclosure import klasse_labels
from pipeline.share.release import (
    GROUPS,
    LANDELIJK,
    MARK,
    SERIES,
    TOTAAL,
    Release,
    scope_row,
)
from schemas import labels
from schemas.labels import RAPPORT, getal, klassen_voorbeeld, procent, verschil

#: What a cell says when its figure is not shown.
_NIET = RAPPORT["niet_getoond"]
#: Groups shown in the key-figure table (the others get their own chart and table).
IN_KERNCIJFERS = ("voorraad", "herkomst", "zorg")


def build_report(m, release: Release, scope: str, out: Path) -> dict:
    """Write charts and tables for one scope; return the parts the notebook shows."""
    from pipeline.share import charts

    rules = release.rules
    out = Path(out)
    fig_dir = out / "figuren"
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
            rows.append({RAPPORT["kerncijfer"]: labels.MAAT.get(col, col),
                         RAPPORT["waarde"]: value})
    kern = pd.DataFrame(rows)
    wacht = release.wacht_mediaan.get(scope)
    aandeel = release.aandelen[scope]["eigen_regio"]
    ambulant = procent(release.aandeel_ambulant.get(scope))
    rates = release.per_10k[scope]
    plaatsen = release.plaatsen_per_10k_inwoners[scope]
    graad = release.bezettingsgraad[scope]
    extra = [(RAPPORT["wacht_mediaan"], wacht),
             (RAPPORT["aandeel_eigen_regio"], None if aandeel is None else procent(aandeel[0])),
             (RAPPORT["aandeel_ambulant"], ambulant),
             (labels.KERNCIJFER["bezettingsgraad"] + " (opvang met verblijf)",
              None if graad is None else procent(graad)),
             (labels.KERNCIJFER["inwoners"], getal(release.inwoners[scope])),
             (labels.KERNCIJFER["aanmeldingen_per_10k_inwoners"],
              getal(rates["aanmeldingen"], 1)),
             (labels.KERNCIJFER["clienten_in_zorg_per_10k_inwoners"],
              getal(rates["clienten_in_zorg"], 1)),
             (labels.KERNCIJFER["plaatsen_per_10k_inwoners"] + " (norm van Istanbul: 1)",
              getal(plaatsen, 2))]
    if scope == LANDELIJK:  # what a national figure covers (partial participation)
        extra.append((labels.KERNCIJFER["dekking"], "; ".join(
            f"{k}: {d['geleverd']} van {d['centrumgemeenten']}"
            for k, d in release.dekking.items())))
    kern = pd.concat([kern, pd.DataFrame([{RAPPORT["kerncijfer"]: k, RAPPORT["waarde"]: _NIET
                                           if v is None else v} for k, v in extra])],
                     ignore_index=True)
    tabellen["Kerncijfers"] = kern
    parts.append("## Kerncijfers\n\n" + _markdown_table(kern))

    reeks = pd.DataFrame({labels.REEKS[m_]: scope_row(release.series[m_], scope)
                          for m_ in SERIES})
    reeks.index.name = RAPPORT["kwartaal"]
    tabellen["Per kwartaal"] = reeks.reset_index()
    plot_frame = pd.DataFrame({k: scope_row(release.series[k], scope) for k in SERIES})
    plot_frame["kwartaal"] = plot_frame.index
    getoond = _getoond(plot_frame[list(SERIES)].to_numpy().ravel())
    parts += ["## Per kwartaal\n\n" + _markdown_table(reeks.reset_index()),
              figuur(fig_dir, "per_kwartaal", figures, getoond >= 2, lambda: charts.tijdreeks(
                  plot_frame, grafiek_titel("per_kwartaal", naam), release.peildatum,
                  release.referentie), "alle aantallen per kwartaal zijn afgeschermd"),
              DOORSTROOM_UITLEG]

    _, _, figuur_ = _staaf(release, scope, "herkomst", labels.HERKOMST,
                           grafiek_titel("herkomst", naam), labels.GRAFIEK["as_aanmeldingen"],
                           fig_dir, figures)
    parts += ["## Waar komen cliënten vandaan?", figuur_]

    namen, waarden, figuur_ = _staaf(release, scope, "vormen", labels.OPVANGVORM,
                                     grafiek_titel("per_opvangvorm", naam),
                                     labels.GRAFIEK["as_clienten"], fig_dir, figures,
                                     "per_opvangvorm")
    tabellen["Per opvangvorm"] = pd.DataFrame({RAPPORT["opvangvorm"]: namen,
                                               RAPPORT["clienten_in_zorg"]: waarden})
    parts += ["## Welke opvang krijgen cliënten?\n\nEen cliënt die in de periode van "
              "opvangvorm wisselde (doorstroom) telt bij elke vorm mee.",
              figuur_]

    cg = None if scope == LANDELIJK else scope
    curve = release.curves[("verblijfsduur", scope)]
    toonbaar = len(curve) > MIN_STAPPEN  # the start row and at least MIN_STAPPEN drops
    # the text and the chart show the same: the median only from a curve that is drawn
    duur = median_from_curve(curve) if toonbaar else None
    if toonbaar:
        tabellen["Verblijfsduur"] = curve.rename(columns={
            "t": "dagen", "S": "aandeel_nog_in_zorg",
            "at_risk": f"nog_in_zorg_afgerond_op_{rules.threshold}",
            "events": f"beeindigd_afgerond_op_{rules.threshold}"})
    parts += [f"## Hoe lang duurt de opvang?\n\nMediane verblijfsduur in residentiële "
              f"opvang (Kaplan-Meier): "
              f"{'niet getoond' if duur is None else f'ongeveer {getal(duur / 7)} weken'}. De "
              f"curves zijn berekend op aantallen die eerst zijn afgerond op veelvouden van "
              f"{rules.threshold}, per hele week; de curve stopt waar minder dan "
              f"{rules.threshold} cliënten nog in zorg zijn.",
              figuur(fig_dir, "verblijfsduur", figures, toonbaar, lambda: charts.overleving(
                  curve, grafiek_titel("verblijfsduur", naam), release.peildatum,
                  release.referentie), TE_WEINIG_VERBLIJVEN.format(wat="verblijven"))]
    traject = release.curves[("trajectduur", scope)]
    parts += ["Een traject is een aaneengesloten reeks verblijven van een cliënt, ook "
              "ambulant.",
              figuur(fig_dir, "trajectduur", figures, len(traject) > MIN_STAPPEN,
                     lambda: charts.overleving(
                         traject, grafiek_titel("trajectduur", naam),
                         release.peildatum, release.referentie),
                     TE_WEINIG_VERBLIJVEN.format(wat="trajecten"))]

    namen, waarden, figuur_ = _staaf(release, scope, "bestemming", labels.BESTEMMING,
                                     grafiek_titel("uitstroom_bestemming", naam),
                                     RAPPORT["uitstroom"], fig_dir, figures,
                                     "uitstroom_bestemming",
                                     horizontaal=True)
    tabellen["Uitstroom naar bestemming"] = pd.DataFrame(
        {RAPPORT["bestemming"]: namen + [RAPPORT["totaal"]],
         RAPPORT["uitstroom"]: waarden + [scope_row(release.tables["bestemming"], scope)[TOTAAL]]})
    parts += ["## Waar gaan cliënten naartoe?", figuur_]

    namen, waarden, figuur_ = _staaf(release, scope, "belemmeringen", labels.BELEMMERING,
                                     grafiek_titel("belemmeringen", naam),
                                     labels.GRAFIEK["as_belemmering"], fig_dir, figures,
                                     horizontaal=True)
    tabellen["Belemmeringen"] = pd.DataFrame({RAPPORT["belemmering"]: namen,
                                              RAPPORT["uitstroom"]: waarden})
    parts += ["Een cliënt kan bij uitstroom meer dan één belemmering hebben.", figuur_]

    wacht = scope_row(release.tables["wachttijd"], scope)
    tabellen[RAPPORT["wachttijd"]] = pd.DataFrame(
        {RAPPORT["wachttijd"]: GROUPS["wachttijd"] + [RAPPORT["totaal_geplaatst"]],
         RAPPORT["geplaatst"]: [wacht[c] for c in GROUPS["wachttijd"]] + [wacht[TOTAAL]]})
    klassen = [wacht[c] for c in GROUPS["wachttijd"]]
    parts += ["## Hoe snel krijgt een cliënt een plek?",
              figuur(fig_dir, "wachttijd", figures, _getoond(klassen) >= 2, lambda: charts.staaf(
                  GROUPS["wachttijd"], klassen, grafiek_titel("wachttijd", naam),
                  RAPPORT["geplaatst"], release.peildatum, release.referentie, geordend=True),
                  TE_WEINIG_BALKEN)]

    bez = release.bezetting[scope]
    tabellen["Bezetting"] = bez.assign(bezettingsgraad=[
        _NIET if v is None else procent(v) for v in bez["bezettingsgraad"]]).rename(
        columns={"kwartaal": RAPPORT["kwartaal"], "opvangvorm": RAPPORT["opvangvorm"],
                 "bezettingsgraad": RAPPORT["bezettingsgraad"]})
    bezetting = figuur(fig_dir, "bezetting", figures,
                       _getoond(bez["bezettingsgraad"]) >= 1, lambda: charts.bezetting(
                           bez, grafiek_titel("bezetting", naam),
                           release.peildatum, release.referentie),
                       "geen capaciteit aangeleverd, of te weinig cliënten om een bezetting "
                       "te tonen")
    parts += ["## Bezetting tegenover capaciteit\n\nLigdagen als deel van de plaatsen maal "
              "de dagen van het kwartaal. Niet getoond waar de capaciteit niet is aangeleverd "
              f"of minder dan {rules.threshold} cliënten in die opvangvorm verbleven.",
              bezetting]

    parts += druk_delen(release, scope, naam, fig_dir, tabellen, figures,
                        _namen(m) if scope == LANDELIJK else {})
    parts += herkomst_delen(m, release, scope, cg, naam, fig_dir, tabellen, figures)
    return {"parts": parts, "tabellen": tabellen, "figuren": figures}


def grafiek_titel(grafiek: str, naam: str) -> str:
    """A chart's title for the scope named ``naam`` (its words: labels.GRAFIEK_TITEL)."""
    return labels.GRAFIEK_TITEL[grafiek].format(naam=naam)


def druk_delen(release: Release, scope: str, naam: str, fig_dir: Path, tabellen: dict,
               figures: list, namen: dict[str, str]) -> list:
    """The pressure section: how fast a place is found, and the places needed beside the
    places delivered (docs/capaciteit.md), each figure behind its disclosure rule."""
    from pipeline.share import charts

    rules = release.rules
    doel = release.plaatsen_doel
    dagen = doel.get("binnen_dagen", 7)
    week = release.aandelen[scope]["binnen_7_dagen"]
    week = None if week is None else week[0]
    df = release.plaatsen[scope]
    plaatsen = figuur(fig_dir, "plaatsen", figures,
                      _getoond(df[["aangeleverd", "benodigd"]].to_numpy().ravel()) >= 1,
                      lambda: charts.plaatsen(df, grafiek_titel("plaatsen", naam),
                                              release.peildatum, release.referentie),
                      "geen plaatsen aangeleverd en te weinig aanvragen of verblijven om de "
                      "benodigde plaatsen te tonen")

    def cel(x) -> str:
        return _NIET if x is None or pd.isna(x) else getal(x)

    tabel = pd.DataFrame({
        RAPPORT["opvangvorm"]: [labels.OPVANGVORM[v] for v in df["opvangvorm"]],
        RAPPORT["plaatsen_aangeleverd"]: [cel(x) for x in df["aangeleverd"]],
        RAPPORT["benodigde_plaatsen"]: [cel(x) for x in df["benodigd"]],
        RAPPORT["interval_95"]: [_NIET if pd.isna(lo) or pd.isna(hi)
                         else f"{getal(lo)} tot {getal(hi)}"
                         for lo, hi in zip(df["laag"], df["hoog"], strict=True)],
        RAPPORT["verschil"]: [_NIET if pd.isna(a) or pd.isna(b) else verschil(b - a)
                     for a, b in zip(df["aangeleverd"], df["benodigd"], strict=True)],
    })
    if scope == LANDELIJK:
        alle = release.plaatsen_regios
        tabel = tabel.drop(columns=RAPPORT["interval_95"]).assign(**{
            RAPPORT["regios_in_de_som"]: [f"{n} van {alle}" for n in df["regios"]],
            RAPPORT["alle_aangeleverde_plaatsen"]: [
                RAPPORT["niet_aangeleverd"] if pd.isna(x)
                else f"{getal(x)} ({n} van {alle} regio's)"
                for x, n in zip(df["aangeleverd_alle"], df["regios_aangeleverd"], strict=True)]})
    tabellen["Plaatsen"] = tabel
    wachtend = release.gemiddeld_wachtend[scope]
    grens = scope_row(release.tables["bovenregionaal"], scope)
    druk = pd.DataFrame({RAPPORT["maat"]: [
        RAPPORT["binnen_7_dagen"],
        RAPPORT["zonder_plek"],
        RAPPORT["wachtenden"],
        (RAPPORT["over_regiogrens"] if scope == LANDELIJK
         else RAPPORT["grens_in"]),
        *([] if scope == LANDELIJK else [RAPPORT["grens_uit"]])],
        RAPPORT["waarde"]: [
            _NIET if week is None else procent(week),
            scope_row(release.tables["niet_geplaatst"], scope)["aanmeldingen_niet_geplaatst"],
            _NIET if wachtend is None else getal(wachtend, 1),
            grens["in"], *([] if scope == LANDELIJK else [grens["uit"]])]})
    tabellen["Druk"] = druk
    tekst = [
        "## Druk op de opvang",
        ("Hoe snel een aanmelding een plek krijgt, hoeveel aanmeldingen er gemiddeld op een "
         "plek wachten (alleen aanmeldingen die geplaatst zijn: hoe lang een doorverwezen "
         "cliënt wachtte is niet bekend), en hoeveel cliënten buiten hun eigen regio een "
         "plek kregen. Het aandeel wordt alleen getoond als de wachttijdklassen tot en met "
         "7 dagen en het totaal getoond zijn, het gemiddelde alleen als geen "
         "wachttijdklasse is afgeschermd."),
        _markdown_table(druk),
        f"Benodigde plaatsen: het aantal plaatsen waarbij in crisisopvang hoogstens "
        f"{procent(doel.get('afgewezen_max', 0.05))} van de aanvragen de opvang vol vindt, "
        f"en in residentiële opvang {procent(doel.get('binnen_aandeel', 0.95))} binnen "
        f"{getal(dagen, 0 if float(dagen).is_integer() else 1)} dagen een plek krijgt, "
        "berekend uit de aanvragen per dag en de gemiddelde verblijfsduur van deze periode "
        "met de wachtrijmodellen van Erlang (de methode en haar aannames staan in de "
        "toelichting bij de monitor, docs/capaciteit.md). Het interval geeft de onzekerheid "
        "door het aantal aanvragen en verblijven. Niet getoond bij minder dan "
        f"{2 * rules.threshold} aanvragen of verblijven, of waar de capaciteit niet is "
        "aangeleverd.",
        _markdown_table(tabel), plaatsen]
    if scope == LANDELIJK:
        norm = release.plaatsen_norm_istanbul
        if norm:
            tekst.append(f"De norm van Istanbul (een gezinsplaats per 10.000 inwoners) vraagt "
                         f"landelijk ongeveer {getal(norm)} plaatsen, beide vormen samen.")
        per_regio = regio_tabel(release, namen)
        tabellen["Plaatsen per regio"] = per_regio
        tekst += ["### Plaatsen per regio", _markdown_table(per_regio)]
    return tekst


def regio_tabel(release: Release, namen: dict[str, str]) -> pd.DataFrame:
    """The national table for the VNG: per area and form, delivered and needed places, as
    the release allows them (``Release.plaatsen_per_regio``)."""
    rows = []
    for g in release.plaatsen_per_regio.itertuples():
        rows.append({
            RAPPORT["regio"]: f"{namen.get(g.centrumgemeente, '')} ({g.centrumgemeente})",
            RAPPORT["opvangvorm"]: labels.OPVANGVORM[g.opvangvorm],
            RAPPORT["plaatsen_aangeleverd"]: (RAPPORT["niet_aangeleverd"] if pd.isna(g.aangeleverd)
                                       else getal(g.aangeleverd)),
            RAPPORT["benodigde_plaatsen"]: _NIET if pd.isna(g.benodigd) else getal(g.benodigd),
            RAPPORT["interval_95"]: (_NIET if pd.isna(g.benodigd)
                             else f"{getal(g.laag)} tot {getal(g.hoog)}"),
            RAPPORT["verschil"]: (_NIET if pd.isna(g.benodigd) or pd.isna(g.aangeleverd)
                         else verschil(g.benodigd - g.aangeleverd))})
    return pd.DataFrame(rows)


def _namen(m) -> dict[str, str]:
    c = m.centrumgemeenten()
    return dict(zip(c["gm_code"], c["gm_naam"], strict=True))


def _staaf(release: Release, scope: str, group: str, woorden: dict[str, str], titel: str,
           as_label: str, fig_dir: Path, figures: list, stem: str | None = None, **opties
           ) -> tuple[list[str], list, Path | str]:
    """The bar chart of one group of the release (its protected counts, in the group's
    order, in Dutch): (names, values, the chart or why it is left out)."""
    from pipeline.share import charts

    row = scope_row(release.tables[group], scope)
    namen = [woorden[c] for c in GROUPS[group]]
    waarden = [row[c] for c in GROUPS[group]]
    return namen, waarden, figuur(
        fig_dir, stem or group, figures, _getoond(waarden) >= 2, lambda: charts.staaf(
            namen, waarden, titel, as_label, release.peildatum, release.referentie, **opties),
        TE_WEINIG_BALKEN)


#: A duration curve with fewer drops than this is not drawn: one or two steps (a flat line
#: that drops once) say more about rounding than about how long the help lasts.
MIN_STAPPEN = 3
TE_WEINIG_BALKEN = "te weinig aantallen die getoond mogen worden om te vergelijken"
TE_WEINIG_VERBLIJVEN = ("te weinig {wat} om een betrouwbare curve te tekenen (minder dan "
                        f"{MIN_STAPPEN} weken waarin er, afgerond, eindigden)")


def figuur(fig_dir: Path, stem: str, figures: list, toonbaar: bool, maak, reden: str
           ) -> Path | str:
    """A chart for the report, or the one sentence saying why it is left out: a chart with
    (nearly) nothing to show is never drawn empty or degenerate. ``maak`` draws it."""
    from pipeline.share import charts

    if not toonbaar:
        return f"*De figuur is niet getoond: {reden}.*"
    figures += charts.save(maak(), fig_dir, stem)
    return fig_dir / f"{stem}.png"


def _getoond(waarden) -> int:
    """How many values a chart would draw: shown, not hidden and not zero or missing."""
    return int((pd.to_numeric(pd.Series(list(waarden), dtype=object), errors="coerce")
                .fillna(0) > 0).sum())


def herkomst_delen(m, release: Release, scope: str, cg: str | None, naam: str,
                   fig_dir: Path, tabellen: dict, figures: list) -> list:
    """The national map of origin municipalities and the flows between CG areas, in classes
    where 0 and small counts look alike (0 tot en met 4), as the release's audit covered
    them: a figure the audit could not pass is left out of every report."""
    from pipeline.share import charts, kaart
    from schemas.reference_tables import BOUNDARIES_FILE, REFERENCE_DIR

    rules = release.rules
    namen = dict(zip(m.centrumgemeenten()["gm_code"], m.centrumgemeenten()["gm_naam"],
                     strict=True))
    uitleg = KLASSEN_UITLEG.format(voorbeeld=klassen_voorbeeld(klasse_labels(rules)),
                                   label=rules.label, t_1=rules.threshold - 1)
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
        fig = kaart.herkomst_kaart(matrix, rules, grafiek_titel("herkomst_kaart", naam),
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
        fig = kaart.stromen_matrix(stromen, rules, grafiek_titel("stromen", naam),
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


DOORSTROOM_UITLEG = ("Instroom telt elk nieuw verblijf, ook wanneer een cliënt van de ene "
                     "opvangvorm naar de andere gaat (doorstroom, bijvoorbeeld van crisisopvang "
                     "naar residentiële opvang); uitstroom telt alleen cliënten die de zorg "
                     "verlaten. Daarom ligt de instroom boven de uitstroom terwijl het aantal "
                     "lopende verblijven gelijk kan blijven: het verschil is doorstroom.")
KLASSEN_UITLEG = ("Aantallen staan hier in klassen (zoals {voorbeeld}), zodat geen exact "
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


def _cel(v) -> str:
    """A table cell as a reader sees it: counts with a thousands dot (3.725), the mark and
    texts as they are."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | np.integer):
        return getal(int(v))
    return str(v)


def _markdown_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join(_cel(v) for v in r) + " |")
    return "\n".join(lines)
