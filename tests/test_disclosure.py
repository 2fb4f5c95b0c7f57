"""Disclosure control: small counts hidden, margins cannot reveal a hidden cell."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.disclosure import Rules, recoverable_cells

R = Rules()


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (None, None)])
def test_primary_suppression_of_counts(n, shown):
    assert R.count(n) == shown


def test_threshold_is_configurable_and_checked():
    assert Rules(10).count(9) == "<10"
    with pytest.raises(ValueError):
        Rules(1)


def test_secondary_suppression_hand_worked():
    # row a has one small cell (3): the total 3+20+30 would reveal it, so 20 is hidden too;
    # column x then has one hidden cell (3) besides 20? x = [3, 40]: 3 hidden alone -> 40 hidden
    df = pd.DataFrame({"x": [3, 40], "y": [20, 50], "z": [30, 60]}, index=["a", "b"])
    out = R.table(df)
    assert out.loc["a", "x"] == "<5" and out.loc["a", "y"] == "<5"
    assert out.loc["b", "x"] == "<5"
    assert out.loc["Totaal", "Totaal"] == 203
    assert recoverable_cells(out, "<5") == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=3, max_size=5), min_size=2, max_size=5))
def test_no_hidden_cell_can_be_recovered_from_totals(rows):
    width = min(len(r) for r in rows)
    df = pd.DataFrame([r[:width] for r in rows],
                      index=[f"r{i}" for i in range(len(rows))],
                      columns=[f"c{j}" for j in range(width)])
    out = R.table(df)
    # every hidden cell shares its row and its column with another hidden cell, or the
    # total of that line is hidden as well
    assert recoverable_cells(out, "<5") == []
    hidden_totals = [out.loc[r, "Totaal"] for r in out.index[:-1]]
    if sum(v == "<5" for v in hidden_totals) == 1:
        assert out.loc["Totaal", "Totaal"] == "<5"
    body = out.drop(index="Totaal", columns="Totaal")
    for r, c in itertools.product(body.index, body.columns):
        v = body.loc[r, c]
        assert v == "<5" or v == 0 or v >= 5


def test_shares_and_medians_need_a_base():
    assert R.share(3, 100) is None          # the numerator is small
    assert R.share(97, 100) is None         # the rest is small
    assert R.share(50, 100) == 0.5
    assert R.share(2, 4) is None            # the base is small
    assert R.median(12.0, 4) is None and R.median(12.0, 5) == 12.0


def test_curves_stop_where_few_remain_at_risk():
    km = pd.DataFrame({"t": [0, 5, 9], "S": [1, .8, .5], "lower": [1, .7, .3],
                       "upper": [1, .9, .7], "at_risk": [10, 6, 3]})
    assert R.curve(km)["t"].tolist() == [0, 5]
