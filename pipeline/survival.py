"""Kaplan-Meier with the spec's censoring rule (kerncijfers.md, verblijfsduur).

An ended episode is an event at its duration; a running one is censored at
R - startdatum. An episode censored at u is still at risk at u. The median is the
smallest t with S(t) <= 0.5, compared with a tolerance because S often lands on
exactly 0.5 (e.g. 2 of 4 events): floating point must not push it just above.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOLERANCE = 1e-9


def km_table(durations: np.ndarray, events: np.ndarray) -> pd.DataFrame:
    """One row per distinct event time: t, at risk n, events d, S(t), Greenwood variance."""
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    if durations.size == 0:
        return pd.DataFrame(columns=["t", "n", "d", "S", "var"])
    times = np.unique(durations[events])
    order = np.sort(durations)
    # at risk at t: everyone whose duration (event or censored) is >= t
    n = durations.size - np.searchsorted(order, times, side="left")
    d = _event_counts(durations[events], times)
    factors = 1.0 - d / n
    s = np.cumprod(factors)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n > d, d / (n * (n - d)), np.inf)
        var = s**2 * np.cumsum(terms)
    return pd.DataFrame({"t": times, "n": n, "d": d, "S": s, "var": var})


def _event_counts(event_times: np.ndarray, times: np.ndarray) -> np.ndarray:
    sorted_events = np.sort(event_times)
    return (np.searchsorted(sorted_events, times, side="right")
            - np.searchsorted(sorted_events, times, side="left"))


def km_median(durations, events) -> float | None:
    """Smallest t with S(t) <= 0.5 (+ tolerance); None when S never gets there."""
    table = km_table(durations, events)
    hit = table[table["S"] <= 0.5 + TOLERANCE]
    return None if hit.empty else float(hit["t"].iloc[0])


def km_curve(durations, events, alpha: float = 0.05) -> pd.DataFrame:
    """S(t) as a step function from t=0, with log(-log) confidence bands (Greenwood).

    Columns: t, S, lower, upper, at_risk, events (at t). The band is the usual one in
    survival software (lifelines' default), which stays inside [0, 1].
    """
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1 - alpha / 2)
    table = km_table(durations, events)
    durations = np.asarray(durations, dtype=float)
    start = pd.DataFrame({"t": [0.0], "S": [1.0], "lower": [1.0], "upper": [1.0],
                          "at_risk": [durations.size], "events": [0]})
    if table.empty:
        return start
    s = table["S"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(table["var"].to_numpy()) / (s * np.abs(np.log(s)))
        lower = s ** np.exp(z * se)
        upper = s ** np.exp(-z * se)
    lower = np.where(np.isfinite(lower), lower, 0.0)
    upper = np.where(np.isfinite(upper), upper, np.where(s > 0, 1.0, 0.0))
    body = pd.DataFrame({"t": table["t"], "S": s, "lower": lower, "upper": upper,
                         "at_risk": table["n"], "events": table["d"]})
    return pd.concat([start, body], ignore_index=True)
