"""Statistical disclosure control for everything written for sharing: pure functions.

On by default, threshold configurable. Rules (recorded in every release.json):

1. **Primary**: a count of 1 to threshold-1 is shown as "<threshold" (0 stays 0: an empty
   cell reveals nobody).
2. **Secondary**: in a table with totals, a row or column with exactly one hidden cell
   also hides its smallest other non-zero cell, so the total minus the shown cells cannot
   give the hidden one away; repeated until stable (ACRO's margin leak, issues 198/137).
   A total that is itself small is hidden too.
3. **Shares and medians** are not shown when their base is below the threshold; a share
   is also hidden when its numerator or the rest of its base is small (share x base would
   reveal it).
4. **Curves** (Kaplan-Meier) are cut where fewer than threshold remain at risk.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DEFAULT_THRESHOLD = 5
HIDDEN = object()


@dataclass(frozen=True)
class Rules:
    threshold: int = DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int) or self.threshold < 2:
            raise ValueError("the disclosure threshold must be a whole number of at least 2")

    @property
    def label(self) -> str:
        return f"<{self.threshold}"

    def describe(self) -> dict:
        t = self.threshold
        return {
            "drempel": t,
            "regels": [
                f"aantallen 1 tot en met {t - 1} worden getoond als '<{t}'",
                "secundaire onderdrukking: een rij of kolom met één verborgen cel verbergt ook "
                "de kleinste andere cel; kleine totalen worden verborgen",
                f"aandelen en medianen worden niet getoond bij een basis onder {t}, of als "
                f"teller of rest van de basis tussen 1 en {t - 1} ligt",
                f"overlevingscurves stoppen waar minder dan {t} personen at risk zijn",
            ],
        }

    def is_small(self, n: float | int | None) -> bool:
        return n is not None and 0 < n < self.threshold

    def count(self, n: int | None) -> int | str | None:
        """A single count as it may be shown."""
        if n is None:
            return None
        return self.label if self.is_small(n) else int(n)

    def share(self, numerator: int, denominator: int) -> float | None:
        if denominator < self.threshold or self.is_small(numerator) or self.is_small(
                denominator - numerator):
            return None
        return numerator / denominator

    def median(self, value: float | None, base: int) -> float | None:
        return None if value is None or base < self.threshold else value

    def table(self, df: pd.DataFrame, with_totals: bool = True) -> pd.DataFrame:
        """Protect a table of counts (rows x columns, all numeric) and add totals.

        Returns an object frame whose hidden cells read '<threshold'. Totals are the true
        sums: secondary suppression guarantees no hidden cell can be derived from them.
        """
        values = df.astype(int)
        hidden = values.map(self.is_small)
        rows_total = values.sum(axis=1)
        cols_total = values.sum(axis=0)
        changed = True
        while changed:
            changed = False
            for axis in (0, 1):
                lines = hidden if axis == 1 else hidden.T
                data = values if axis == 1 else values.T
                for idx in lines.index:
                    mask = lines.loc[idx]
                    if mask.sum() == 1:
                        candidates = data.loc[idx][~mask & (data.loc[idx] > 0)]
                        if candidates.empty:
                            continue
                        col = candidates.idxmin()
                        if axis == 1:
                            hidden.loc[idx, col] = True
                        else:
                            hidden.loc[col, idx] = True
                        changed = True
        out = values.astype(object).mask(hidden, self.label)
        if with_totals:
            # a line whose only hidden cell has no partner to hide gets its total hidden
            row_alone = hidden.sum(axis=1) == 1
            col_alone = hidden.sum(axis=0) == 1
            out["Totaal"] = [self.label if alone else self.count(v)
                             for v, alone in zip(rows_total, row_alone, strict=True)]
            grand = int(values.values.sum())
            lonely_total = row_alone.sum() == 1 or col_alone.sum() == 1
            out.loc["Totaal"] = [self.label if alone else self.count(v)
                                 for v, alone in zip(cols_total, col_alone, strict=True)] + [
                self.label if lonely_total else self.count(grand)]
        return out

    def curve(self, km: pd.DataFrame) -> pd.DataFrame:
        """Cut a KM curve (columns t, S, lower, upper, at_risk) where at_risk < threshold."""
        return km[km["at_risk"] >= self.threshold].reset_index(drop=True)


def recoverable_cells(protected: pd.DataFrame, label: str) -> list[tuple]:
    """Hidden cells a shown total would reveal: alone in their line while the total is shown.

    Used by the tests to prove the margins leak nothing: the answer must be empty.
    """
    body = protected.drop(index="Totaal", columns="Totaal", errors="ignore")
    hidden = body == label
    found = []
    for r in body.index:
        if hidden.loc[r].sum() == 1 and protected.loc[r, "Totaal"] != label:
            found.append((r, hidden.loc[r].idxmax()))
    for c in body.columns:
        if hidden[c].sum() == 1 and protected.loc["Totaal", c] != label:
            found.append((hidden[c].idxmax(), c))
    return found
