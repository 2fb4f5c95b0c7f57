"""Control limits for funnel plots (Spiegelhalter, 2005, *Funnel plots for comparing
institutional performance*, Statistics in Medicine 24:1185-1202).

An area's share (placed within a day, from its own region, ...) is plotted against its base,
with limits around the national share that narrow as the base grows. A small area then is
not blamed for noise: with 20 aanmeldingen a share of 50% against 70% nationally is within
what chance gives, with 2,000 it is not. The limits are the binomial ones of the paper's
appendix: the quantile r_p of Binomial(n, p0) interpolated between whole counts, so the
curve is smooth and the probability of a point beyond it under p0 is close to nominal
(exactly nominal where the quantile falls on a whole count).

Pure: numbers in, numbers out; the charts and the site draw them.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

#: The two limits the paper draws: 95% (about 2 standard deviations) and 99.8% (about 3).
NIVEAUS = (0.95, 0.998)


def grens(p0: float, n: np.ndarray | float, kans: float) -> np.ndarray:
    """The proportion below which a share of base ``n`` falls with probability ``kans``
    when the true share is ``p0``: (r_p - alpha) / n with r_p the ``kans``-quantile of
    Binomial(n, p0) and alpha = (F(r_p) - kans) / (F(r_p) - F(r_p - 1))."""
    n = np.asarray(n, dtype=float)
    r = binom.ppf(kans, n, p0)
    f_r, f_below = binom.cdf(r, n, p0), binom.cdf(r - 1, n, p0)
    step = f_r - f_below
    alpha = np.divide(f_r - kans, step, out=np.zeros_like(n), where=step > 0)
    return np.clip((r - alpha) / n, 0.0, 1.0)


def grenzen(p0: float, n: np.ndarray | float, niveau: float) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) two-sided control limits at ``niveau`` (0.95 or 0.998)."""
    staart = (1 - niveau) / 2
    return grens(p0, n, staart), grens(p0, n, 1 - staart)


def beoordeling(aandeel: float, n: int, p0: float) -> str:
    """Where a point lies: 'binnen' the 95% limits, 'boven_95'/'onder_95' between 95% and
    99.8%, 'boven_998'/'onder_998' beyond 99.8% (where the paper says look closer).

    Judged by the exact binomial tail of the count behind the share, P(X >= x) or
    P(X <= x) under p0, against the limit's tail probability, so a region is flagged with
    at most the nominal chance when it does not differ. The interpolated limits alone
    would flag a small area at 0% or 100% that the binomial gives those often (with 20
    aanmeldingen and p0 = 95%, 36% of areas have all 20 from their own region)."""
    x = round(aandeel * n)
    boven, onder = binom.sf(x - 1, n, p0), binom.cdf(x, n, p0)
    for niveau, naam in ((0.998, "998"), (0.95, "95")):
        staart = (1 - niveau) / 2
        if boven < staart:
            return f"boven_{naam}"
        if onder < staart:
            return f"onder_{naam}"
    return "binnen"
