"""Maps and flow matrices of aanmeldingen by origin, shown in classes only.

A map of 342 municipalities and a 35 x 35 flow matrix are full of small cells. They are
therefore never drawn with counts: every cell is a *class* (see :func:`klassen`), with the
same colours on the map, in the matrix and in the tables of one report. House style from
:mod:`pipeline.share.charts` (footnote, save as PNG+SVG); boundaries are the simplified shipped
GeoJSON, drawn with plain matplotlib paths (no geopandas, no network).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from pipeline.share.charts import footnote, plt
from pipeline.share.disclosure import Rules, klasse_labels, klassen

#: '0', '<5' and then the wide classes, light to dark (ColorBrewer YlGnBu without its
#: yellow: sequential and colour-blind safe). Zero is almost white, '<5' grey and hatched,
#: so a hidden small count never looks like a measured one.
KLEUR_NUL = "#f2f2f2"
KLEUR_KLEIN = "#c4c4c4"
KLEUR_ARCERING = "#8c8c8c"
ARCERING = "////"
KLEUREN = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
#: Degrees of latitude per degree of longitude near the middle of the Netherlands.
ASPECT = 1 / math.cos(math.radians(52))
KAART_LEGENDA = "Aanmeldingen per gemeente van herkomst"
STROMEN_LEGENDA = "Aanmeldingen van regio van herkomst (rij)\nnaar centrumgemeente (kolom)"
BRON_GRENZEN = ("Gemeentegrenzen 2025: CBS/PDOK (CC BY 4.0), vereenvoudigd door cartomap/nl "
                "(GPL-2).")
NIET_OP_KAART = ("Aanmeldingen uit het buitenland of met onbekende herkomst staan niet op de "
                 "kaart.")
NAAR, VANUIT = "naar deze regio", "vanuit deze regio"
OVERIGE_REGIOS = "overige regio's (elk 0 tot en met {t_1})"


def klasse_kleuren(rules: Rules) -> dict[str, str]:
    """Class label -> fill colour, the same on the map and in the matrix."""
    return dict(zip(klasse_labels(rules), (KLEUR_NUL, KLEUR_KLEIN, *KLEUREN), strict=True))


@functools.lru_cache(maxsize=4)
def _geometrie(boundaries: Path) -> tuple[tuple[str, ...], tuple[MplPath, ...],
                                          tuple[tuple[np.ndarray, ...], ...]]:
    """Codes, one compound path and the rings per municipality (parsed once per file).

    Every ring becomes part of the path (MultiPolygon parts and holes alike), so each
    municipality is exactly one patch.
    """
    data = json.loads(Path(boundaries).read_text(encoding="utf-8"))
    codes, paths, rings_per = [], [], []
    for f in data["features"]:
        geom = f["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rings = [np.asarray(r, dtype=float) for poly in polygons for r in poly]
        codes.append(f.get("id") or f["properties"]["statcode"])
        paths.append(MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings)))
        rings_per.append(tuple(rings))
    return tuple(codes), tuple(paths), tuple(rings_per)


def _buitengrens(rings: list[np.ndarray]) -> list[np.ndarray]:
    """The outline of a group of municipalities: the edges only one of them has.

    The simplified boundaries share vertices exactly between neighbours, so an inner
    border appears twice and drops out; no polygon union (shapely) is needed.
    """
    seen: Counter = Counter()
    for r in rings:
        for a, b in zip(map(tuple, r[:-1]), map(tuple, r[1:]), strict=True):
            seen[(a, b) if a <= b else (b, a)] += 1
    return [np.array(edge) for edge, n in seen.items() if n == 1]


def _legenda(ax, rules: Rules, title: str, extra: list | None = None, **kw) -> None:
    handles = [Patch(facecolor=c, edgecolor=KLEUR_ARCERING if k == rules.label else "#999",
                     hatch=ARCERING if k == rules.label else None, linewidth=0.4, label=k)
               for k, c in klasse_kleuren(rules).items()]
    ax.legend(handles=handles + (extra or []), title=title, frameon=False, fontsize=8,
              title_fontsize=8, alignment="left", **kw)


def herkomst_kaart(matrix: pd.DataFrame, rules: Rules, titel: str, peildatum: str,
                   referentie: str, centrumgemeente: str | None, boundaries: Path,
                   gebied: pd.DataFrame | None = None,
                   nul_als_klein: frozenset[str] = frozenset()):
    """Choropleth of aanmeldingen by municipality of origin, in classes.

    ``matrix`` is :meth:`Monitor.herkomst_matrix` (gemeente_herkomst, centrumgemeente,
    aanmeldingen), unprotected: only classes are drawn. For one centrumgemeente only its
    rows count; nationally the rows of all are summed. Codes not in the boundaries file
    (BUITENLAND, onbekend, an unmapped old code) are not on the map. ``gebied`` (the
    active ``Reference.gemeenten``) gives the area drawn with a thick outline; without it
    no outline is drawn rather than a possibly wrong default one. Municipalities in
    ``nul_als_klein`` show 0 as '<5' too (see :func:`klassen`).
    """
    codes, paths, rings = _geometrie(Path(boundaries))
    rows = matrix if centrumgemeente is None else matrix[
        matrix["centrumgemeente"] == centrumgemeente]
    counts = rows.groupby("gemeente_herkomst")["aanmeldingen"].sum()
    counts = counts.reindex(list(codes), fill_value=0).astype(int)
    labels = klassen(counts, rules, pd.Series(counts.index.isin(list(nul_als_klein)),
                                              index=counts.index))
    colours = klasse_kleuren(rules)

    fig, ax = plt.subplots(figsize=(7, 8))
    ax.add_collection(PathCollection(list(paths), facecolors=[colours[k] for k in labels],
                                     edgecolors="white", linewidths=0.3, gid="gemeenten"))
    small = [p for p, k in zip(paths, labels, strict=True) if k == rules.label]
    ax.add_collection(PathCollection(small, facecolors="none",
                                     edgecolors=KLEUR_ARCERING, linewidths=0, hatch=ARCERING,
                                     gid="klein"))
    extra = []
    if centrumgemeente is not None and gebied is not None:
        members = set(gebied.loc[gebied["centrumgemeente"] == centrumgemeente, "gm_code"])
        edges = _buitengrens([r for c, rs in zip(codes, rings, strict=True) if c in members
                              for r in rs])
        ax.add_collection(LineCollection(edges, colors="black", linewidths=1.4,
                                         gid="regiogrens"))
        naam = gebied.loc[gebied["gm_code"] == centrumgemeente, "gm_naam"]
        extra.append(Line2D([], [], color="black", linewidth=1.4,
                            label=f"Regio {naam.iloc[0] if len(naam) else centrumgemeente}"))
    if nul_als_klein:
        extra.append(Patch(facecolor="none", edgecolor="none",
                           label=f"'{rules.label}' omvat hier ook 0"))
    ax.autoscale_view()
    ax.set_aspect(ASPECT)
    ax.set_axis_off()
    ax.set_title(titel)
    _legenda(ax, rules, KAART_LEGENDA, extra, loc="upper left")
    footnote(fig, peildatum, referentie)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.94, bottom=0.07)
    fig.text(0.01, 0.03, f"{NIET_OP_KAART}\n{BRON_GRENZEN}", fontsize=7, color="#555")
    return fig


def _kruistabel(stromen: pd.DataFrame) -> pd.DataFrame:
    return stromen.groupby(["herkomst_regio", "centrumgemeente"])["aanmeldingen"].sum(
    ).unstack(fill_value=0)


def _sorteernaam(naam: str) -> str:
    """'s-Gravenhage under G, 's-Hertogenbosch under H, as Dutch lists sort them."""
    return re.sub(r"^'s-", "", naam).casefold()


def stromen_matrix(stromen: pd.DataFrame, rules: Rules, titel: str, peildatum: str,
                   referentie: str, namen: dict[str, str],
                   nul_als_klein: frozenset[str] = frozenset(), diagonaal_leeg: bool = False):
    """Heat map of aanmeldingen from one CG area (row) to a centrumgemeente (column).

    ``stromen`` is :meth:`Monitor.stromen`, unprotected: cells are coloured by class, no
    number is written in them. Rows and columns hold the same areas in the same order (by
    name), so the diagonal is each area's own region; ``namen`` maps gm_code -> gm_naam.
    Columns in ``nul_als_klein`` show 0 as '<5' too (see :func:`klassen`);
    ``diagonaal_leeg`` leaves the own region's cells white.
    """
    table = _kruistabel(stromen)
    order = sorted(set(table.index) | set(table.columns),
                   key=lambda c: (_sorteernaam(namen.get(c, c)), c))
    table = table.reindex(index=order, columns=order, fill_value=0)
    order_labels = klasse_labels(rules)
    codes = np.array([klassen(table[c], rules, c in nul_als_klein).cat.codes.to_numpy()
                      for c in order]).T
    n = len(order)
    if diagonaal_leeg and n:
        # the own region is eigen_regio, published (or hidden) in the herkomst table; a
        # class here would narrow a hidden one
        codes = np.ma.masked_array(codes, mask=np.eye(n, dtype=bool))

    size = min(10.0, max(5.0, 2.5 + 0.2 * n))
    fig, ax = plt.subplots(figsize=(size + 2.2, size + 0.8))
    if n == 0:
        ax.text(0.5, 0.5, "Geen aanmeldingen met bekende regio van herkomst", ha="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(titel)
        footnote(fig, peildatum, referentie)
        return fig
    ax.imshow(codes, cmap=ListedColormap(list(klasse_kleuren(rules).values())),
              vmin=-0.5, vmax=len(order_labels) - 0.5, interpolation="nearest", gid="stromen")
    r, c = np.nonzero(np.ma.filled(codes == order_labels.index(rules.label), False))
    squares = [[(x - .5, y - .5), (x + .5, y - .5), (x + .5, y + .5), (x - .5, y + .5)]
               for y, x in zip(r, c, strict=True)]
    ax.add_collection(PolyCollection(squares, facecolors="none",
                                     edgecolors=KLEUR_ARCERING, linewidths=0, hatch=ARCERING,
                                     gid="klein"))
    names = [namen.get(x, x) for x in order]
    fontsize = 6 if n > 15 else 8
    ax.set_xticks(range(n), names, rotation=90, fontsize=fontsize)
    ax.set_yticks(range(n), names, fontsize=fontsize)
    ax.set_xticks(np.arange(n + 1) - .5, minor=True)
    ax.set_yticks(np.arange(n + 1) - .5, minor=True)
    ax.grid(which="minor", color="white", linewidth=0.6)
    ax.tick_params(which="both", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Centrumgemeente (opvang)")
    ax.set_ylabel("Regio van herkomst")
    ax.set_title(titel)
    waar = ("hier" if set(order) <= set(nul_als_klein) else "in de kolom van " + ", ".join(
        namen.get(c, c) for c in sorted(nul_als_klein)))
    extra = [Patch(facecolor="none", edgecolor="none", label=f"'{rules.label}' omvat {waar} "
                   "ook 0")] if nul_als_klein else None
    _legenda(ax, rules, STROMEN_LEGENDA, extra, loc="upper left", bbox_to_anchor=(1.02, 1))
    footnote(fig, peildatum, referentie)
    return fig


def stromen_tabel(stromen: pd.DataFrame, rules: Rules, centrumgemeente: str,
                  namen: dict[str, str], alle: list[str] | None = None) -> pd.DataFrame:
    """For one CG's report: aanmeldingen from other regions to it and from its region to
    other centrumgemeenten, as classes (columns Richting, Regio, Aanmeldingen).

    Regions with at least threshold aanmeldingen are listed by class; all others, zero or
    small, share one row per direction ('overige regio's (elk 0 tot en met 4)'), so a
    listed '<5' can never be told apart from a 0 and no region's small count is pinned by
    the exact andere_regio (13 aanmeldingen from 13 regions listed '<5' would be 1 each).
    Rows are sorted by class (highest first) and then by name, not by the exact count: an
    order by count would show which of two cells of one class is larger. ``alle`` lists
    every centrumgemeente (default: those in ``stromen``).
    """
    table = _kruistabel(stromen)
    alle = alle or sorted(set(table.index) | set(table.columns))
    table = table.reindex(index=alle, columns=alle, fill_value=0)
    parts = []
    for richting, series in ((NAAR, table[centrumgemeente]),
                             (VANUIT, table.loc[centrumgemeente])):
        series = series[series.index != centrumgemeente]
        frame = pd.DataFrame({"Richting": richting,
                              "Regio": [namen.get(c, c) for c in series.index],
                              "klasse": klassen(series, rules, nul_als_klein=True).array})
        frame = frame.assign(_naam=frame["Regio"].map(_sorteernaam)).sort_values(
            ["klasse", "_naam"], ascending=[False, True]).drop(columns="_naam")
        small = frame["klasse"] == rules.label
        if small.any():
            frame = pd.concat([frame[~small], pd.DataFrame(
                {"Richting": [richting], "Regio": [OVERIGE_REGIOS.format(t_1=rules.threshold - 1)],
                 "klasse": pd.Categorical([rules.label], categories=frame[
                     "klasse"].cat.categories, ordered=True)})], ignore_index=True)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out["Aanmeldingen"] = out.pop("klasse").astype(str)
    return out.reset_index(drop=True)
