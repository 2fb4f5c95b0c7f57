"""The house style and one function per chart. Dutch labels, a colour-blind-safe palette
(Okabe-Ito) and a footnote with source, peildatum and reference version on every chart.

Charts receive figures that disclosure control has already protected; a function never
draws a count it was not given.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from pipeline.share.disclosure import MARK  # noqa: E402
from schemas.formaat import RESIDENTIELE_OPVANGVORMEN  # noqa: E402
from schemas.labels import GRAFIEK, OPVANGVORM, REEKS, getal, procent  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000"]
BRON = GRAFIEK["bron"]

plt.rcParams.update({
    "figure.figsize": (8, 4.2), "figure.dpi": 100, "axes.spines.top": False,
    "axes.spines.right": False, "axes.prop_cycle": plt.cycler(color=OKABE_ITO),
    "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold",
    "svg.hashsalt": "opvangmonitor", "svg.fonttype": "none",
})


def footnote(fig, peildatum: str, referentie: str) -> None:
    fig.subplots_adjust(bottom=0.2)
    fig.text(0.01, 0.01, GRAFIEK["voetnoot"].format(bron=BRON, peildatum=peildatum,
                                                    referentie=referentie),
             fontsize=7, color="#555")


def save(fig, folder: Path, name: str) -> list[Path]:
    """PNG and SVG with fixed metadata, so a re-run gives the same files.

    The tight bounding box is measured once, for both files: ``bbox_inches="tight"`` would
    render the whole figure an extra time per file, and saving was most of a report's time.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.1)  # savefig's default pad
    fig.savefig(paths[0], metadata={"Software": None}, bbox_inches=box)
    fig.savefig(paths[1], metadata={"Date": None, "Creator": None}, bbox_inches=box)
    plt.close(fig)
    return paths


def _values(series: pd.Series) -> pd.Series:
    """Protected counts ('<5') drawn as missing: the bar is simply absent."""
    return pd.to_numeric(series, errors="coerce")


def aantallen_as(axis) -> None:
    """A count axis: whole numbers only, thousands with a dot as in the tables (4.800, not
    4800: the reports go to Dutch readers)."""
    axis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: getal(x)))


def tijdreeks(df: pd.DataFrame, titel: str, peildatum: str, referentie: str):
    """Aanmeldingen, nieuwe verblijven, uitstroom and stand per quarter (protected frame)."""
    fig, ax = plt.subplots()
    labels = REEKS
    verborgen = False
    for col, label in labels.items():
        values = _values(df[col])
        (line,) = ax.plot(df["kwartaal"], values, marker="o", label=label)
        for i, mark in [(i, v) for i, v in enumerate(df[col]) if isinstance(v, str)]:
            # a hidden count: its mark on the axis, in the series' colour, not a silent gap
            ax.text(i, 0, mark, color=line.get_color(), ha="center", va="bottom",
                    fontweight="bold")
            verborgen = True
    ax.set_title(titel)
    ax.set_ylabel(GRAFIEK["aantal"])
    ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5),
              title=GRAFIEK["verborgen_op_as"].format(mark=MARK) if verborgen else None,
              title_fontsize=7)
    aantallen_as(ax.yaxis)
    ax.set_ylim(bottom=0)
    footnote(fig, peildatum, referentie)
    return fig


def staaf(labels: list[str], waarden: list, titel: str, ylabel: str, peildatum: str,
          referentie: str, horizontaal: bool = False, geordend: bool = False):
    """Bars for protected counts; a hidden count gets no bar but its label ('<5').
    Categories get a colour each, unless they are ordered (classes of days): one colour."""
    fig, ax = plt.subplots()
    values = _values(pd.Series(waarden)).fillna(0).to_numpy()
    pos = list(range(len(labels)))
    if horizontaal:
        ax.barh(pos, values, color=OKABE_ITO[0])
        ax.set_yticks(pos, labels)
        ax.invert_yaxis()
        ax.set_xlabel(ylabel)
    else:
        ax.bar(pos, values, color=OKABE_ITO[0] if geordend else OKABE_ITO[:len(labels)])
        ax.set_xticks(pos, labels)
        ax.set_ylabel(ylabel)
    for i, w in enumerate(waarden):
        if isinstance(w, str):  # hidden: say so where the bar would be
            (ax.text(0, i, f" {w}", va="center") if horizontaal
             else ax.text(i, 0, w, ha="center", va="bottom"))
    aantallen_as(ax.xaxis if horizontaal else ax.yaxis)
    ax.set_title(titel)
    footnote(fig, peildatum, referentie)
    return fig


def overleving(curve: pd.DataFrame, titel: str, peildatum: str, referentie: str):
    """Kaplan-Meier curve (already cut where few remain at risk). The 95% band is drawn
    only when the curve has ``lower`` and ``upper``; a curve from
    ``survival.curve_for_sharing`` has none and is labelled as computed on rounded counts."""
    fig, ax = plt.subplots()
    if len(curve) > 1:
        band = {"lower", "upper"} <= set(curve.columns)
        ax.step(curve["t"], curve["S"], where="post", color=OKABE_ITO[0],
                label=GRAFIEK["nog_in_zorg"] if band else GRAFIEK["nog_in_zorg_afgerond"])
        if band:
            ax.fill_between(curve["t"], curve["lower"], curve["upper"], step="post",
                            alpha=.25, color=OKABE_ITO[0], label=GRAFIEK["band_95"])
        ax.legend(frameon=False, fontsize=8)
    else:
        ax.text(0.5, 0.5, GRAFIEK["te_weinig_verblijven"], ha="center",
                transform=ax.transAxes)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: procent(y)))
    ax.set_xlabel(GRAFIEK["dagen_sinds_start"])
    ax.set_ylabel(GRAFIEK["nog_in_zorg"])
    ax.set_title(titel)
    footnote(fig, peildatum, referentie)
    return fig


def bezetting(df: pd.DataFrame, titel: str, peildatum: str, referentie: str):
    """Bezettingsgraad per quarter and residential form (a fraction, or missing where the
    capacity is unknown or too few clients were in that form to show it)."""
    fig, ax = plt.subplots()
    drawn = False
    for vorm in RESIDENTIELE_OPVANGVORMEN:
        label = OPVANGVORM[vorm]
        part = df[df["opvangvorm"] == vorm]
        values = pd.to_numeric(part["bezettingsgraad"], errors="coerce") * 100
        if values.notna().any():
            ax.plot(part["kwartaal"], values, marker="o", label=label)
            drawn = True
    if drawn:
        ax.axhline(100, color="#555", linewidth=0.8, linestyle="--")
        ax.text(1.0, 100, GRAFIEK["alle_plaatsen_bezet"], va="bottom", ha="right", fontsize=8,
                color="#555", transform=ax.get_yaxis_transform())
        ax.legend(frameon=False, fontsize=8, loc="lower left")
        ax.set_ylim(0, max(115, ax.get_ylim()[1]))
    else:
        ax.text(0.5, 0.5, GRAFIEK["geen_bezetting"],
                ha="center", transform=ax.transAxes)
    ax.set_ylabel(GRAFIEK["bezetting_as"])
    ax.set_title(titel)
    footnote(fig, peildatum, referentie)
    return fig


def plaatsen(df: pd.DataFrame, titel: str, peildatum: str, referentie: str):
    """Places delivered beside places needed per residential form, the need with its 95%
    interval as a whisker. ``df``: opvangvorm, aangeleverd, benodigd, laag, hoog (missing
    where not delivered or not shown)."""
    import numpy as np

    fig, ax = plt.subplots()
    pos = np.arange(len(df))
    width = 0.38
    delivered = pd.to_numeric(df["aangeleverd"], errors="coerce")
    need = pd.to_numeric(df["benodigd"], errors="coerce")
    ax.bar(pos - width / 2, delivered.fillna(0), width, color=OKABE_ITO[0],
           label=GRAFIEK["plaatsen_aangeleverd"])
    ax.bar(pos + width / 2, need.fillna(0), width, color=OKABE_ITO[1],
           label=GRAFIEK["plaatsen_benodigd"])
    low = pd.to_numeric(df["laag"], errors="coerce")
    high = pd.to_numeric(df["hoog"], errors="coerce")
    shown = need.notna() & low.notna() & high.notna()
    if shown.any():
        ax.errorbar((pos + width / 2)[shown], need[shown].to_numpy(),
                    yerr=[(need - low)[shown].to_numpy(), (high - need)[shown].to_numpy()],
                    fmt="none",
                    ecolor="#333", capsize=4, label=GRAFIEK["interval_95"])
    for i in range(len(df)):
        if pd.isna(delivered.iloc[i]) and pd.isna(need.iloc[i]):
            ax.text(pos[i], 0, GRAFIEK["niet_getoond"], ha="center", va="bottom", fontsize=8)
            continue
        if pd.isna(delivered.iloc[i]):
            ax.text(pos[i] - width / 2, 0, GRAFIEK["niet_aangeleverd_kort"], ha="center",
                    va="bottom", fontsize=8)
        if pd.isna(need.iloc[i]):
            ax.text(pos[i] + width / 2, 0, GRAFIEK["niet_getoond_kort"], ha="center", va="bottom",
                    fontsize=8)
    ax.set_xticks(pos, [OPVANGVORM[v] for v in df["opvangvorm"]])
    ax.set_ylabel(GRAFIEK["plaatsen"])
    ax.set_ylim(bottom=0)
    aantallen_as(ax.yaxis)
    ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title(titel)
    footnote(fig, peildatum, referentie)
    return fig


def funnel(punten: pd.DataFrame, p0: float, titel: str, basis: str, peildatum: str,
           referentie: str):
    """A funnel plot: each area's share (``aandeel``) against its base (``basis``), with the
    95% and 99.8% control limits around the national share ``p0``
    (:mod:`pipeline.figures.funnel`). Areas beyond the 95% limits are named."""
    import numpy as np

    from pipeline.figures.funnel import grenzen

    fig, ax = plt.subplots(figsize=(8, 4.8))
    n_max = max(float(punten["basis"].max()) * 1.15, 20.0)
    n = np.unique(np.geomspace(max(5.0, float(punten["basis"].min()) / 2), n_max, 200).round())
    for niveau, stijl, label in ((0.95, "--", GRAFIEK["grenzen_95"]),
                                 (0.998, ":", GRAFIEK["grenzen_998"])):
        laag, hoog = grenzen(p0, n, niveau)
        ax.plot(n, laag * 100, stijl, color="#555", linewidth=1, label=label)
        ax.plot(n, hoog * 100, stijl, color="#555", linewidth=1)
    ax.axhline(p0 * 100, color=OKABE_ITO[7], linewidth=1,
               label=GRAFIEK["landelijk"].format(aandeel=procent(p0)))
    buiten = punten["beoordeling"] != "binnen"
    ax.scatter(punten.loc[~buiten, "basis"], punten.loc[~buiten, "aandeel"] * 100,
               color=OKABE_ITO[0], zorder=3, label=GRAFIEK["regio"])
    if buiten.any():
        ax.scatter(punten.loc[buiten, "basis"], punten.loc[buiten, "aandeel"] * 100,
                   color=OKABE_ITO[3], zorder=3, marker="D",
                   label=GRAFIEK["regio_buiten"])
    for r in punten[buiten].itertuples():
        ax.annotate(r.naam, (r.basis, r.aandeel * 100), xytext=(4, 3),
                    textcoords="offset points", fontsize=7)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: getal(x)))
    ax.set_xlim(0, n_max)
    ax.set_xlabel(basis)
    ax.set_ylabel(GRAFIEK["aandeel_as"])
    ax.set_ylim(max(0, ax.get_ylim()[0]), min(100, ax.get_ylim()[1]))
    ax.legend(frameon=False, fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title(titel)
    footnote(fig, peildatum, referentie)
    return fig
