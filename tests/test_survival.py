"""Kaplan-Meier: hand-computed examples with censoring and ties, and agreement with lifelines.
The curve for sharing: estimated from rounded counts only, so rounding-alike samples publish
the same curve."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pipeline.figures.survival import (
    curve_for_sharing,
    km_curve,
    km_median,
    km_table,
    median_from_curve,
)


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


# --- curve_for_sharing -----------------------------------------------------------------
# The test's own rounding and counting, written from the rule (not from the module), so the
# property below is checked against the rule and not against the code under test.


def _r(x: int, threshold: int) -> int:
    return 0 if x == 0 else math.ceil(x / threshold) * threshold - threshold // 2


def _week(d: float, week: int) -> int:
    return max(1, math.ceil(d / week))


def _signature(sample, threshold: int, week: int, upto: int) -> tuple:
    """r(N0) and r() of the cumulative events and censored through every week 1..upto:
    everything the published curve may depend on."""
    sig = [_r(len(sample), threshold)]
    for w in range(1, upto + 1):
        e = sum(1 for d, ev in sample if ev and _week(d, week) <= w)
        c = sum(1 for d, ev in sample if not ev and _week(d, week) <= w)
        sig += [_r(e, threshold), _r(c, threshold)]
    return tuple(sig)


def _last_week(sample, week: int) -> int:
    return max((_week(d, week) for d, _ in sample), default=1)


def _curve(sample, threshold=5, week=7):
    return curve_for_sharing([d for d, _ in sample], [e for _, e in sample], threshold, week)


samples = st.lists(st.tuples(st.integers(0, 120), st.booleans()), min_size=0, max_size=80)
thresholds = st.sampled_from([3, 5, 6, 10])
weeks = st.sampled_from([1, 7])


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(samples, thresholds, weeks, st.data())
def test_samples_that_round_alike_publish_identical_curves(sample, threshold, week, data):
    last = _last_week(sample, week)
    # second sample: every stay moved to another day of its own week (counts per week
    # unchanged), then up to 12 additions/removals of an event or a censored stay, each
    # kept only when N0 and all cumulative counts still round alike
    other = []
    for d, ev in sample:
        w = _week(d, week)
        days = range(0, week + 1) if w == 1 else range((w - 1) * week + 1, w * week + 1)
        other.append((data.draw(st.sampled_from(days)), ev))
    other = data.draw(st.permutations(other))
    target = _signature(sample, threshold, week, last + 1)
    changed = 0
    for _ in range(data.draw(st.integers(0, 12))):
        w = data.draw(st.integers(1, last))
        ev = data.draw(st.booleans())
        if data.draw(st.booleans()):
            candidate = other + [(w * week, ev)]
        else:
            idx = [i for i, (d, e) in enumerate(other) if e == ev and _week(d, week) == w]
            if not idx:
                continue
            candidate = other[:idx[0]] + other[idx[0] + 1:]
        if _signature(candidate, threshold, week, last + 1) == target:
            other, changed = candidate, changed + 1
    event(f"counts changed {changed if changed < 3 else '3+'} times")
    assert _signature(other, threshold, week, last + 1) == target
    pd.testing.assert_frame_equal(_curve(sample, threshold, week), _curve(other, threshold, week))


def test_one_more_event_that_crosses_a_band_changes_the_curve():
    # the converse, so the property above is not met by a constant function: 10 events in
    # week 1 (r=8) vs 11 (r=13) with 4 censored later
    base = [(3, True)] * 10 + [(60, False)] * 4
    assert not _curve(base).equals(_curve(base + [(3, True)]))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(samples, thresholds, weeks)
def test_published_columns_carry_only_rounded_counts(sample, threshold, week):
    curve = _curve(sample, threshold, week)
    h = threshold // 2
    assert list(curve.columns) == ["t", "S", "at_risk", "events"]
    start, steps = curve.iloc[0], curve.iloc[1:]
    assert (start["t"], start["S"], start["events"]) == (0, 1.0, 0)
    # r(N0) is a rounded value: 0 or k*threshold - floor(threshold/2)
    assert start["at_risk"] == _r(len(sample), threshold)
    assert start["at_risk"] == 0 or (start["at_risk"] + h) % threshold == 0
    if len(sample) <= 2 * threshold:
        assert len(curve) == 1
    # S is recomputed exactly from the published at_risk and events: nothing else goes in
    recomputed, s = [], 1.0
    for n, d in zip(steps["at_risk"], steps["events"], strict=True):
        s *= 1.0 - d / n
        recomputed.append(s)
    assert steps["S"].tolist() == recomputed
    assert (steps["at_risk"] >= threshold).all() and (steps["events"] > 0).all()
    assert (curve["t"] % week == 0).all() and curve["t"].is_monotonic_increasing
    assert curve["at_risk"].is_monotonic_decreasing and (curve["S"] >= 0).all()
    # summed published events up to a step are r(E(w)): a rounded value, except on a last
    # step where rounding made events exceed at risk and they were capped (S = 0)
    for total, row in zip(steps["events"].cumsum(), steps.itertuples(), strict=True):
        assert (total + h) % threshold == 0 or (row.S == 0 and row.Index == len(curve) - 1)


def test_fewer_than_twice_the_threshold_gives_only_the_start_row():
    # 9 stays, all ended in week 1: enough for a step, but 9 < 2 * 5
    curve = _curve([(d, True) for d in range(1, 10)])
    assert curve.to_dict("list") == {"t": [0], "S": [1.0], "at_risk": [8], "events": [0]}
    # 10 stays too: N0 = 6..10 all publish at_risk r = 8, so a curve for exactly 10 would
    # tell N0 = 10. The size test is r(N0) >= 2 * threshold, first met at N0 = 11 (r = 13).
    ten = [(3, True)] * 6 + [(60, False)] * 4
    assert len(_curve(ten)) == 1
    assert len(_curve(ten + [(60, False)])) == 2
    # 10 stays but no event: no week qualifies
    assert len(_curve([(d, False) for d in range(10)])) == 1
    assert len(curve_for_sharing([], [])) == 1


def test_worked_example_of_twelve_stays():
    # threshold 5, week 7. Events at days 3, 5, 6 (week 1), 10, 12 (week 2), 20 (week 3),
    # 30 (week 5); censored at 4 (week 1), 15 (week 3), 40, 50, 60 (weeks 6, 8, 9).
    # N0 = 12 -> r = 13.
    # week  E  r(E)  C  r(C)  at_risk = 13 - r(E(w-1)) - r(C(w-1))   d = r(E(w)) - r(E(w-1))
    #  1    3   3    1   3    13 - 0 - 0 = 13                          3 - 0 = 3  -> S = 10/13
    #  2    5   3    1   3    13 - 3 - 3 = 7                           3 - 3 = 0  -> no row
    #  3    6   8    2   3    13 - 3 - 3 = 7                           8 - 3 = 5  -> S *= 2/7
    #  4    6   8    2   3    13 - 8 - 3 = 2 < 5                       -> stop
    # (the 2 true events of week 2 are not shown; week 3 shows 5 where 1 happened)
    sample = [(3, True), (5, True), (6, True), (10, True), (12, True), (20, True),
              (30, True), (4, False), (15, False), (40, False), (50, False), (60, False)]
    curve = _curve(sample)
    assert curve["t"].tolist() == [0, 7, 21]
    assert curve["at_risk"].tolist() == [13, 13, 7]
    assert curve["events"].tolist() == [0, 3, 5]
    assert curve["S"].tolist() == pytest.approx([1.0, 10 / 13, 10 / 13 * 2 / 7])
    assert median_from_curve(curve) == 21.0


def test_a_stay_of_zero_days_counts_in_week_one():
    with_zero = _curve([(0, True)] * 5 + [(100, False)] * 6)
    with_seven = _curve([(7, True)] * 5 + [(100, False)] * 6)
    pd.testing.assert_frame_equal(with_zero, with_seven)
    assert with_zero["t"].tolist() == [0, 7]


def test_rounded_events_exceeding_rounded_at_risk_are_capped():
    # N0 = 12 -> 13. Week 1: one censored (C=1 -> 3), no event. Week 2: 11 events -> r = 13,
    # but at_risk(2) = 13 - 0 - 3 = 10: the step is capped at 10 events, S = 0, then stops.
    curve = _curve([(1, False)] + [(10, True)] * 11)
    assert curve.to_dict("list") == {"t": [0, 14], "S": [1.0, 0.0], "at_risk": [13, 10],
                                     "events": [0, 10]}


def test_median_from_curve():
    crosses = pd.DataFrame({"t": [0, 7, 14, 21], "S": [1.0, 0.8, 0.5, 0.2]})
    assert median_from_curve(crosses) == 14.0   # lands on exactly 0.5
    # 0.5 up to floating point (5/6 * 4/5 * 3/4) still counts as reaching the median
    almost = pd.DataFrame({"t": [0, 7, 14, 21], "S": [1.0, 5 / 6, 5 / 6 * 4 / 5,
                                                      5 / 6 * 4 / 5 * 3 / 4]})
    assert median_from_curve(almost) == 21.0
    assert median_from_curve(pd.DataFrame({"t": [0, 7], "S": [1.0, 0.6]})) is None
    assert median_from_curve(curve_for_sharing([], [])) is None


def test_chart_of_a_sharing_curve_has_no_band():
    import matplotlib.pyplot as plt

    from pipeline.share import charts

    curve = _curve([(3, True)] * 6 + [(60, False)] * 6)
    fig = charts.overleving(curve, "titel", "2025-03-31", "v1")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Nog in zorg (berekend op afgeronde aantallen)"]
    assert not ax.collections and ax.get_xlabel() == "Dagen sinds start"
    plt.close(fig)
