"""Statistical disclosure control for everything written for sharing: pure functions.

On by default, threshold configurable. Rules (recorded in every release.json):

1. **Primary**: a count of 1 to threshold-1 is shown as "<threshold" (0 stays 0: an empty
   cell reveals nobody).
2. **Secondary**: a table is protected with its margins. Every row and column, counted
   with its total, and the totals row and column themselves, hold no hidden cell or at
   least two; a line with exactly one also hides its smallest other non-zero cell (a body
   cell before a total), repeated until stable, so no total minus the shown cells gives a
   hidden one away (ACRO's margin leak, issues 198/137). A small total is hidden like any
   small count. Cells hidden only for this read "x", never "<5". In general a *line* is
   any set of published cells with a published sum: a number another table publishes is
   hidden exactly as there (``fixed``), and a sum published elsewhere (a year of the
   quarters shown) is one more line (``sums``).
3. **Shares and medians** are not shown when their base is below the threshold; a share
   is also hidden when its numerator or the rest of its base is small (share x base would
   reveal it).
4. **Curves** (Kaplan-Meier) are cut where fewer than threshold remain at risk, rounded to
   weeks, stepped only per threshold events, at-risk counts rounded down to the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DEFAULT_THRESHOLD = 5
#: How a cell hidden only to protect another one reads (CBS: "x = geheim").
SECONDARY = "x"
TOTAAL = "Totaal"


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
                "secundaire onderdrukking: elke rij en kolom, met haar totaal, en de rij en "
                "kolom van de totalen hebben geen of ten minste twee verborgen cellen; een "
                f"cel die alleen daarvoor verborgen is staat er als '{SECONDARY}'; kleine "
                "totalen worden verborgen; een aantal dat twee tabellen tonen is in beide "
                "even verborgen, en een som die elders staat (een jaar van de getoonde "
                "kwartalen) telt als rij met totaal",
                f"kaarten en stromen tonen klassen (0, <{t}, {t}-{2 * t - 1}, ...), geen "
                "aantallen; waar een exact totaal een kleine klasse vastlegt, telt 0 daar ook "
                f"als '<{t}' of blijft de figuur weg",
                f"aandelen en medianen worden niet getoond bij een basis onder {t}, of als "
                f"teller of rest van de basis tussen 1 en {t - 1} ligt",
                f"overlevingscurves stoppen waar minder dan {t} personen at risk zijn, "
                f"zijn afgerond op weken, tonen een stap pas bij ten minste {t} "
                f"gebeurtenissen en ronden het aantal at risk af op {t}",
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

    def table(self, df: pd.DataFrame, with_totals: bool = True,
              fixed: pd.DataFrame | None = None,
              sums: dict[str, tuple[list, pd.Series]] | None = None) -> pd.DataFrame:
        """Protect a table of counts (rows x columns, all numeric) and add totals.

        The table is protected together with its margins, always: a total left out of this
        output is still published elsewhere (the national row, the other reports), so each
        row and column *including its total*, and the totals row and column themselves, must
        hold either no hidden cell or at least two. One hidden cell alone in such a line is
        its total minus the shown cells. Small counts read '<threshold'; cells hidden only to
        protect them read 'x' (CBS's sign for "geheim"), so no large number is ever labelled
        small. Shown totals are the true sums.

        ``fixed`` is for numbers another table already publishes: the row totals of a
        breakdown of ``geplaatst``, the column of the current quarter in a quarterly series.
        It is laid over this table with its margins (rows and columns may include 'Totaal'):
        True where the other table hides the number, False where it shows it, missing for
        cells of this table alone. Fixed cells are hidden exactly as there and never chosen
        for secondary suppression, so the tables agree and neither gives the other away.
        Build it with :meth:`hidden` of the other table.

        ``sums`` is for a sum of some columns that another table publishes per row: a
        year's aanmeldingen are its four quarters of the series. ``{name: (columns,
        hidden)}``, ``hidden`` as ``fixed`` for that sum (rows and 'Totaal'). Each row's
        cells of those columns with that sum form one more line, under the same rule.
        """
        values = df.astype(int)
        ext = values.copy()
        ext[TOTAAL] = values.sum(axis=1)
        extra = {}
        for name, (cols, pattern) in (sums or {}).items():
            ext[name] = values[cols].sum(axis=1)
            extra[name] = (list(cols), pattern)
        ext.loc[TOTAAL] = ext.sum(axis=0)
        small = ext.map(self.is_small)
        given = (pd.DataFrame(index=ext.index, columns=ext.columns) if fixed is None
                 else fixed.reindex(index=ext.index, columns=ext.columns))
        for name, (_, pattern) in extra.items():
            given[name] = pattern.reindex(ext.index)
        if given[list(extra)].isna().any().any():
            raise ValueError("a sum's hidden pattern needs every row and 'Totaal'")
        fixed_cells = given.notna()
        # hidden as the other table has it; a small count is never shown, whatever it says
        hidden = small.mask(fixed_cells, given.eq(True) | small)
        body = [c for c in ext.columns if c != TOTAAL and c not in extra]
        lines = [[(r, c) for c in [*body, TOTAAL]] for r in ext.index]
        lines += [[(r, c) for c in [*cols, name]] for name, (cols, _) in extra.items()
                  for r in ext.index]
        lines += [[(r, c) for r in ext.index] for c in ext.columns]
        _protect_lines(ext, hidden, fixed_cells, lines, margins={TOTAAL, *extra})
        out = ext.astype(object).mask(hidden & small, self.label).mask(hidden & ~small,
                                                                        SECONDARY)
        out = out.drop(columns=list(extra))
        if not with_totals:
            out = out.drop(index=TOTAAL, columns=TOTAAL)
        return out

    def hidden(self, protected: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
        """True where a protected table hides a cell: the ``fixed`` of a table that must
        agree with it."""
        return protected.isin([self.label, SECONDARY])

    def curve(self, km: pd.DataFrame, week: int = 7) -> pd.DataFrame:
        """A Kaplan-Meier curve (t, S, lower, upper, at_risk, events) as it may be shown.

        Exact curves give single clients away: a step of 1/20 on day 37 says one client's
        stay lasted 37 days, and two consecutive at-risk counts differ by the one who left.
        So, as OpenSAFELY's published curves do: the curve stops where fewer than threshold
        remain at risk; times are rounded up to whole weeks; a step is shown only once at
        least threshold events have gathered since the last one (the drop then covers them
        all); at_risk is rounded down to a multiple of the threshold.
        """
        t = self.threshold
        km = km[km["at_risk"] >= t].sort_values("t")
        start, rest = km[km["t"] == 0], km[km["t"] > 0]
        weekly = rest.assign(t=(-(-rest["t"] // week) * week)).groupby("t", as_index=False).agg(
            S=("S", "last"), lower=("lower", "last"), upper=("upper", "last"),
            at_risk=("at_risk", "first"), events=("events", "sum"))
        steps, gathered = [], 0
        for row in weekly.itertuples(index=False):
            gathered += row.events
            if gathered >= t:
                steps.append(row._asdict())
                gathered = 0
        out = start[weekly.columns].reset_index(drop=True)
        if steps:
            out = pd.concat([out, pd.DataFrame(steps, columns=weekly.columns)],
                            ignore_index=True)
        out["at_risk"] = out["at_risk"] // t * t
        return out.drop(columns="events")


def _protect_lines(ext: pd.DataFrame, hidden: pd.DataFrame, fixed: pd.DataFrame,
                   lines: list[list[tuple]], margins: set) -> None:
    """Secondary suppression in place: until every line (a set of cells whose sum is
    published, the sum among them) holds no hidden cell or at least two, a line with one
    hides one more of its cells.

    Which one, in order of preference: a non-zero cell (a hidden 0 leaves the partner's
    range open only upwards, so it is the last resort, for a line with nothing else left);
    a cell whose other lines all stay solvable (each already hides a cell, or has another
    it may hide); one that closes a pair in its other lines rather than opening new ones; a
    body cell before a margin (totals carry the most information); the smallest. Fixed
    cells are never chosen."""
    value = {cell: int(ext.at[cell]) for line in lines for cell in line}
    may_hide = {cell: not fixed.at[cell] for cell in value}
    shut = {cell: bool(hidden.at[cell]) for cell in value}
    where: dict[tuple, list[int]] = {}
    for i, line in enumerate(lines):
        for cell in line:
            where.setdefault(cell, []).append(i)

    def cost(cell: tuple, line_no: int) -> tuple:
        stuck = opens = 0
        for j in where[cell]:
            if j == line_no:
                continue
            other = lines[j]
            if not any(shut[x] for x in other):
                opens += 1
                if not any(may_hide[x] and not shut[x] for x in other if x != cell):
                    stuck += 1
        margin = cell[0] in margins or cell[1] in margins
        return (value[cell] == 0, stuck, opens, margin, value[cell])

    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if sum(shut[x] for x in line) != 1:
                continue
            free = [x for x in line if may_hide[x] and not shut[x]]
            if free:
                pick = min(free, key=lambda x, i=i: cost(x, i))
                shut[pick] = True
                hidden.at[pick] = True
                changed = True


def recoverable_cells(protected: pd.DataFrame,
                      labels: tuple[str, ...] = ("<5", SECONDARY)) -> list[tuple]:
    """Hidden cells that a line's shown cells would reveal: the only hidden cell of a row or
    column of the table with its margins (a row with its total, the totals row, ...).

    Used by the tests to prove the margins leak nothing: the answer must be empty.
    """
    hidden = protected.isin(labels)
    found = []
    for r in protected.index:
        if hidden.loc[r].sum() == 1:
            found.append((r, hidden.loc[r].idxmax()))
    for c in protected.columns:
        if hidden[c].sum() == 1:
            found.append((hidden[c].idxmax(), c))
    return found
