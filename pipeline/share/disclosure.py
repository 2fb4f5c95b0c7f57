"""Statistical disclosure control for everything written for sharing: the rules, in one
place (the gates for shares and bezetting, the classes of maps and flows); ``audit`` checks a
whole release against them, ``release`` applies them.

On by default, threshold configurable. Rules (recorded in every release.json):

1. **Hidden counts**: a count of 1 to threshold-1 is hidden (0 stays 0: an empty cell
   reveals nobody). Every hidden cell reads 'x', whether small or hidden to protect a
   small one, so the mark itself tells nothing.
2. **Protection against the whole release**: further cells are hidden until an attacker
   holding all reports of the period, with an integer program over every published
   relation, cannot tell any hidden small count from 0 or from the threshold
   (:mod:`pipeline.share.audit` decides, :mod:`pipeline.share.release` builds what is
   published).
3. **Shares and medians** are not shown when their base is below the threshold; a share
   is also hidden when its numerator or the rest of its base is small (share x base would
   reveal it). The median wait is shown as its class, and is part of the audit.
4. **Maps and flows** show classes in which 0 and small counts look alike (0-4, 5-9, ...),
   audited with their exact sums; a figure the audit cannot pass is left out.
5. **Curves** (Kaplan-Meier) are estimated from counts rounded to the threshold
   (:func:`pipeline.figures.survival.curve_for_sharing`), without a band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.config import DREMPEL

#: Raised whenever what the rules publish changes, so a release.json says which rules made it.
RULES_VERSION = "2026-12-01 (audit van de hele release)"
#: How every hidden cell reads (CBS: "x = geheim").
MARK = "x"
TOTAAL = "Totaal"


@dataclass(frozen=True)
class Rules:
    threshold: int = DREMPEL

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int) or self.threshold < 2:
            raise ValueError("the disclosure threshold must be a whole number of at least 2")

    @property
    def label(self) -> str:
        """The class of small counts on maps and in flows (0 included there)."""
        return f"<{self.threshold}"

    def describe(self) -> dict:
        t = self.threshold
        return {
            "drempel": t,
            "versie": RULES_VERSION,
            "regels": [
                f"aantallen 1 tot en met {t - 1} worden verborgen en staan er als '{MARK}'; "
                f"ook elk aantal dat verborgen is om ze te beschermen staat er als '{MARK}'",
                "verder wordt verborgen tot de controle op onthulling van de hele release "
                "slaagt: wie alle rapporten van de periode heeft en alle gepubliceerde "
                "verbanden (rijtotalen, landelijk = som van de regio's, de voorraad, jaar = "
                "som van de kwartalen, de mediaanklasse, kaart en stromen) in één "
                f"geheeltallig programma zet, kan geen verborgen klein aantal onderscheiden "
                f"van 0 of van {t}, noch het nauwer insluiten dan {t - 1} mogelijke waarden",
                f"kaarten en stromen tonen klassen (0 tot en met {t - 1}, {t}-{2 * t - 1}, "
                "...): een klein aantal en 0 zien er hetzelfde uit; een figuur die de "
                "controle niet doorstaat blijft weg",
                f"aandelen en medianen worden niet getoond bij een basis onder {t}, of als "
                f"teller of rest van de basis tussen 1 en {t - 1} ligt; de mediane wachttijd "
                "staat er als klasse",
                f"overlevingscurves worden berekend op aantallen die eerst zijn afgerond op "
                f"{t} (per week), zonder betrouwbaarheidsband, en stoppen waar minder dan {t} "
                "cliënten at risk zijn",
            ],
        }

    def is_small(self, n: float | int | None) -> bool:
        return n is not None and 0 < n < self.threshold

    def count(self, n: int | None) -> int | str | None:
        """A single count on its own (not part of an audited release)."""
        if n is None:
            return None
        return MARK if self.is_small(n) else int(n)

    def share(self, numerator: int, denominator: int) -> float | None:
        if denominator < self.threshold or self.is_small(numerator) or self.is_small(
                denominator - numerator):
            return None
        return numerator / denominator

    def share_of_two(self, part: int, other: int, shown: tuple) -> float | None:
        """part / (part + other) next to a table that shows both counts as ``shown``: not
        shown when either is hidden (the share with one count shown gives the other away),
        nor by :meth:`share`'s own rule."""
        if MARK in shown:
            return None
        return self.share(part, part + other)

    def bezetting(self, graad: float | None, clienten: int) -> float | None:
        """A bezettingsgraad in whole percent, only when at least threshold clients stayed in
        that form: a rate beside its published capacity gives the ligdagen away, which for
        one client is her stay (and more digits would give them back too)."""
        if graad is None or pd.isna(graad) or clienten < self.threshold:
            return None
        return round(float(graad), 2)

    def benodigde_plaatsen(self, gebied: dict) -> tuple[int, int, int] | None:
        """Places needed (with its 95% interval) for sharing, only when the area had at least
        twice the threshold of requests and of timed stays: the answer is a step function of
        requests x mean stay, so with a handful of either it would say whether there were
        any, or bound one client's stay. Delivered places are the organisation's, not a
        count of clients, and are shown as delivered."""
        minimum = 2 * self.threshold
        if (gebied.get("benodigde_plaatsen") is None or gebied.get("interval_95") is None
                or gebied.get("aanvragen", 0) < minimum
                or gebied.get("verblijven_gemeten", 0) < minimum):
            return None
        low, high = gebied["interval_95"]
        return int(gebied["benodigde_plaatsen"]), int(low), int(high)

    def gemiddeld_wachtend(self, value: float | None, wachtklassen: tuple) -> float | None:
        """The mean number waiting, to one decimal, only when every wait class and their
        total are shown and the total reaches the threshold: it is the days waited over the
        days of P, so beside a hidden class it would bound how many waited long."""
        if value is None or MARK in wachtklassen:
            return None
        if int(wachtklassen[-1]) < self.threshold:
            return None
        return round(float(value), 1)

    def per_10k(self, shown: int | str | None, inwoners: int) -> float | None:
        """A rate per 10,000 inhabitants, only from a count as the release shows it: the
        inhabitants are public, so a rate of a hidden count would give the count back."""
        if shown is None or shown == MARK or not inwoners:
            return None
        return int(shown) / inwoners * 10_000

    def median(self, value: float | None, base: int) -> float | None:
        return None if value is None or base < self.threshold else value

    def hidden(self, protected: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
        """True where a protected table hides a cell."""
        return protected.isin([MARK])


# Classes for maps and flows: every cell a class, never a count (see klassen).

#: Lower bounds of the wide classes as multiples of the threshold: 5-9, 10-24, 25-49,
#: 50-99, 100+ for threshold 5; 10-19, 20-49, ... for threshold 10.
KLASSE_FACTOREN = (1, 2, 5, 10, 20)
NUL = "0"


def _grenzen(rules: Rules) -> list[int]:
    return [f * rules.threshold for f in KLASSE_FACTOREN]


def klasse_labels(rules: Rules) -> list[str]:
    """All class labels in order: '0', '<5', '5-9', '10-24', '25-49', '50-99', '100+'."""
    b = _grenzen(rules)
    wide = [f"{lo}-{hi - 1}" for lo, hi in zip(b[:-1], b[1:], strict=True)] + [f"{b[-1]}+"]
    return [NUL, rules.label, *wide]


def klassen(counts: pd.Series, rules: Rules,
            nul_als_klein: bool | pd.Series = False) -> pd.Series:
    """Each count as its class: 0 -> '0', 1..threshold-1 -> '<5', then fixed wide classes.

    Why classes and not protected counts: a map or a flow matrix has hundreds of cells
    whose totals are published elsewhere (per municipality, per region, nationally). With
    exact counts next to '<5' cells, a total minus the shown numbers gives a hidden cell
    back, and protecting all those margins cell by cell, as the tables are, would leave
    little to see. Shown as classes, no cell carries an exact number, so subtracting shown
    numbers from a total yields a range, not a count. The bounds are fixed multiples of the
    threshold (1, 2, 5, 10, 20 x), the same for every report, so maps compare and a class
    can never be narrowed by choosing bounds from the data.

    One limit remains: an exact total of exactly the cells of one map or table (such as
    aanmeldingen uit eigen or andere regio) can narrow the classes down when every cell is
    near the bottom of its class (total 6 from a '5-9' and a '<5' cell gives 5 and 1). So
    reports show 0 as '<5' too (``nul_als_klein``: a reader can no longer tell the empty
    cells from the small ones), and the release's audit (:mod:`pipeline.share.audit`) checks
    every class against every published total. A boolean Series instead of True merges
    only the cells it marks.

    Returns an ordered categorical with all labels of :func:`klasse_labels` as categories.
    """
    values = pd.to_numeric(counts, errors="raise")
    if (values < 0).any():
        raise ValueError("counts cannot be negative")
    bins = [0, 1, *_grenzen(rules), np.inf]
    out = pd.cut(values, bins=bins, right=False, labels=klasse_labels(rules), ordered=True)
    merge = (nul_als_klein.reindex(counts.index, fill_value=False).to_numpy(bool)
             if isinstance(nul_als_klein, pd.Series)
             else np.full(len(values), bool(nul_als_klein)))
    out = out.where((values > 0) | ~merge, rules.label)
    return pd.Series(out, index=counts.index, name=counts.name)


def klasse_bereik(label: str, rules: Rules, nul_als_klein: bool = False) -> tuple[int, float]:
    """The counts a class label stands for, as (lowest, highest): what the audit takes a
    cell drawn in that class to be."""
    if label == NUL:
        return 0, 0
    if label == rules.label:
        return (0 if nul_als_klein else 1), rules.threshold - 1
    if label.endswith("+"):
        return int(label[:-1]), math.inf
    lo, hi = label.split("-")
    return int(lo), int(hi)
