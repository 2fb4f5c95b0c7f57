"""Kaplan-Meier: hand-computed examples with censoring and ties, and agreement with lifelines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.survival import km_curve, km_median, km_table


def test_no_censoring_even_count_lands_exactly_on_half():
    # durations 1,2,3,4 all events: S(1)=.75, S(2)=.5 -> median 2 (S lands on 0.5 exactly)
    assert km_median([1, 2, 3, 4], [1, 1, 1, 1]) == 2.0


def test_floating_point_half_counts_as_half():
    # S(t) = (1-1/3)*(1-1/4)... built so the product is 0.5 only up to rounding:
    # 6 episodes, events at 1 (1 of 6) , 2 (1 of 5), 3 (1 of 4) -> S = 5/6*4/5*3/4 = 0.5
    s = km_table(np.array([1, 2, 3, 4, 5, 6]), np.array([1, 1, 1, 0, 0, 0]))["S"].iloc[-1]
    assert s == pytest.approx(0.5)
    assert km_median([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 0, 0]) == 3.0


def test_censored_at_u_is_still_at_risk_at_u():
    # events at 2 and 3; one censored at 2. At t=2: n=4 (censored one included), d=1.
    table = km_table([2, 2, 3, 5], [1, 0, 1, 0])
    assert table["n"].tolist() == [4, 2] and table["d"].tolist() == [1, 1]
    assert table["S"].tolist() == pytest.approx([0.75, 0.375])
    assert km_median([2, 2, 3, 5], [1, 0, 1, 0]) == 3.0


def test_ties_in_event_times():
    # 5 episodes: two events at 4, one at 6, censored at 5 and 9
    # t=4: n=5, d=2 -> S=.6 ; t=6: n=2 (6 and 9), d=1 -> S=.3
    table = km_table([4, 4, 5, 6, 9], [1, 1, 0, 1, 0])
    assert table["S"].tolist() == pytest.approx([0.6, 0.3])
    assert km_median([4, 4, 5, 6, 9], [1, 1, 0, 1, 0]) == 6.0


def test_median_is_none_when_survival_never_reaches_half():
    assert km_median([1, 5, 6, 7], [1, 0, 0, 0]) is None
    assert km_median([], []) is None


def test_curve_starts_at_one_and_band_contains_estimate():
    curve = km_curve([1, 2, 2, 3, 5, 8, 8, 9], [1, 1, 0, 1, 1, 0, 1, 1])
    assert curve.iloc[0][["t", "S"]].tolist() == [0.0, 1.0]
    assert (curve["lower"] <= curve["S"] + 1e-12).all()
    assert (curve["S"] <= curve["upper"] + 1e-12).all()
    assert curve["S"].is_monotonic_decreasing


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=60))
def test_survival_function_agrees_with_lifelines(data):
    from lifelines import KaplanMeierFitter

    durations = np.array([d for d, _ in data], dtype=float)
    events = np.array([e for _, e in data], dtype=bool)
    ours = km_table(durations, events)
    kmf = KaplanMeierFitter().fit(durations, events)
    theirs = kmf.survival_function_["KM_estimate"]
    for t, s in zip(ours["t"], ours["S"], strict=True):
        assert theirs.loc[t] == pytest.approx(s, abs=1e-12)
