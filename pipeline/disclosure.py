"""Statistical disclosure control for everything written for sharing: the rules.

On by default, threshold configurable. Rules (recorded in every release.json):

1. **Hidden counts**: a count of 1 to threshold-1 is hidden (0 stays 0: an empty cell
   reveals nobody). Every hidden cell reads 'x', whether small or hidden to protect a
   small one, so the mark itself tells nothing.
2. **Protection against the whole release**: further cells are hidden until an attacker
   holding all reports of the period, with an integer program over every published
   relation, cannot tell any hidden small count from 0 or from the threshold
   (:mod:`pipeline.audit` decides, :mod:`pipeline.release` builds what is published).
3. **Shares and medians** are not shown when their base is below the threshold; a share
   is also hidden when its numerator or the rest of its base is small (share x base would
   reveal it). The median wait is shown as its class, and is part of the audit.
4. **Maps and flows** show classes in which 0 and small counts look alike (0-4, 5-9, ...),
   audited with their exact sums; a figure the audit cannot pass is left out.
5. **Curves** (Kaplan-Meier) are estimated from counts rounded to the threshold
   (:func:`pipeline.survival.curve_for_sharing`), without a band.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DEFAULT_THRESHOLD = 5
#: Raised whenever what the rules publish changes, so a release.json says which rules made it.
RULES_VERSION = "2026-12-01 (audit van de hele release)"
#: How every hidden cell reads (CBS: "x = geheim").
MARK = "x"
TOTAAL = "Totaal"


@dataclass(frozen=True)
class Rules:
    threshold: int = DEFAULT_THRESHOLD

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

    def median(self, value: float | None, base: int) -> float | None:
        return None if value is None or base < self.threshold else value

    def hidden(self, protected: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
        """True where a protected table hides a cell."""
        return protected.isin([MARK])
