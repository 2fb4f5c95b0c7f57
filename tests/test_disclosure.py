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
    #        x   y   z | Totaal       a has one small cell (3): 53 - 20 - 30 would give it,
    # a      3  20  30 |  53          so a's smallest other cell (20) is hidden too; column x
    # b     40  50  60 | 150          then needs a second hidden cell (40), and so does
    # Totaal 43 70  90 | 203          column y (50). Row b now holds two hidden cells.
    df = pd.DataFrame({"x": [3, 40], "y": [20, 50], "z": [30, 60]}, index=["a", "b"])
    out = R.table(df)
    assert out.loc["a"].tolist() == ["<5", "x", 30, 53]
    assert out.loc["b"].tolist() == ["x", "x", 60, 150]
    assert out.loc["Totaal"].tolist() == [43, 70, 90, 203]
    assert recoverable_cells(out) == []


def test_a_hidden_total_cannot_be_recovered_from_the_grand_total():
    # found by hypothesis: both row totals small-ish, r0's total (2) hidden, r1's (5) shown:
    # the grand total 7 - 5 gave r0's total away
    df = pd.DataFrame([[0, 1, 1], [0, 1, 4]], index=["r0", "r1"], columns=["c0", "c1", "c2"])
    out = R.table(df)
    assert out.loc["r0", "Totaal"] == "<5"
    assert out.loc["Totaal", "Totaal"] in ("<5", "x") or out.loc["r1", "Totaal"] in ("<5", "x")
    assert recoverable_cells(out) == []


def test_only_small_counts_read_as_small():
    df = pd.DataFrame({"x": [3, 40], "y": [20, 50]}, index=["a", "b"])
    out = R.table(df)
    for r, c in itertools.product(df.index, df.columns):
        if out.loc[r, c] == "<5":
            assert 0 < df.loc[r, c] < 5
    assert (out == "x").to_numpy().sum() >= 1


def test_without_totals_the_cells_are_protected_as_if_the_totals_were_shown():
    df = pd.DataFrame({"x": [3, 40], "y": [20, 50], "z": [30, 60]}, index=["a", "b"])
    assert R.table(df, with_totals=False).equals(
        R.table(df).drop(index="Totaal", columns="Totaal"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=3, max_size=5), min_size=2, max_size=5))
def test_no_hidden_cell_can_be_recovered_from_totals(rows):
    width = min(len(r) for r in rows)
    df = pd.DataFrame([r[:width] for r in rows],
                      index=[f"r{i}" for i in range(len(rows))],
                      columns=[f"c{j}" for j in range(width)])
    out = R.table(df)
    # every row and column of the table with its margins holds zero or >= 2 hidden cells
    assert recoverable_cells(out) == []
    body = out.drop(index="Totaal", columns="Totaal")
    for r, c in itertools.product(body.index, body.columns):
        v, true = body.loc[r, c], df.loc[r, c]
        assert v == true or (v == "<5" and 0 < true < 5) or (v == "x" and true >= 5)
    # shown totals are the true sums
    for r in body.index:
        assert out.loc[r, "Totaal"] in ("<5", "x", int(df.loc[r].sum()))


def test_shares_and_medians_need_a_base():
    assert R.share(3, 100) is None          # the numerator is small
    assert R.share(97, 100) is None         # the rest is small
    assert R.share(50, 100) == 0.5
    assert R.share(2, 4) is None            # the base is small
    assert R.median(12.0, 4) is None and R.median(12.0, 5) == 12.0


def test_curves_stop_where_few_remain_at_risk():
    km = pd.DataFrame({"t": [0, 5, 9], "S": [1, .5, .2], "lower": [1, .3, .1],
                       "upper": [1, .7, .4], "at_risk": [10, 6, 3], "events": [0, 5, 2]})
    out = R.curve(km)
    assert out["t"].tolist() == [0, 7]        # day 5 shown as its week; day 9 cut (3 at risk)
    assert out["at_risk"].tolist() == [10, 5]  # rounded down to a multiple of 5


def test_a_curve_step_never_shows_fewer_than_five_events():
    from pipeline.survival import km_curve

    # 30 stays: events on many single days, some censored
    durations = [3, 4, 4, 6, 9, 11, 12, 15, 15, 16, 20, 22, 23, 23, 30, 31, 33, 40, 41, 45,
                 47, 50, 52, 60, 61, 70, 75, 80, 90, 100]
    events = [1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1,
              0, 1, 1]
    full = km_curve(durations, events)
    out = R.curve(full)
    assert len(out) >= 3 and out["S"].is_monotonic_decreasing
    assert (out["t"] % 7 == 0).all() and (out["at_risk"] % 5 == 0).all()
    # each shown step covers at least 5 events of the exact curve
    shown = out["t"].tolist()
    for before, at in zip(shown, shown[1:], strict=False):
        weeks = -(-full["t"] // 7) * 7
        assert full.loc[(weeks > before) & (weeks <= at), "events"].sum() >= 5
    # and its level is the exact curve's at the end of that week
    last = full[-(-full["t"] // 7) * 7 <= shown[-1]].iloc[-1]
    assert out["S"].iloc[-1] == pytest.approx(last["S"])


SPARSE = st.one_of(st.just(0), st.just(0), st.integers(0, 12))  # real tables are mostly 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.lists(SPARSE, min_size=3, max_size=3)),
                min_size=2, max_size=8))
def test_a_breakdown_agrees_with_the_table_that_publishes_its_total(rows):
    # a master table publishes geplaatst per CG; a second one breaks geplaatst down into wait
    # bins: its totals must be hidden exactly where the master hides them, or the breakdown's
    # shown bins would add up to a count the master hid (and vice versa)
    index = [f"cg{i}" for i in range(len(rows))]
    bins = pd.DataFrame([b for _, b in rows], index=index, columns=["0", "1-3", "4+"])
    master = R.table(pd.DataFrame({"anders": [a for a, _ in rows],
                                   "geplaatst": bins.sum(axis=1)}, index=index))
    fixed = R.hidden(master["geplaatst"])
    out = R.table(bins, fixed=pd.DataFrame({"Totaal": fixed}))
    assert out["Totaal"].isin(["<5", "x"]).equals(fixed)
    assert recoverable_cells(out) == []
    shown = out["Totaal"][~fixed]
    assert (shown == master["geplaatst"][~fixed]).all()


def test_a_series_agrees_with_the_table_of_its_quarter():
    # the current quarter's column of a quarterly series is the same number as the quarter's
    # own table: where that table hides a CG's count, the series hides it too, and the
    # series never hides one of those counts on its own (it would be shown in the other)
    quarter = pd.DataFrame({"nieuw": [3, 40, 12], "anders": [20, 8, 30]}, index=["a", "b", "c"])
    master = R.table(quarter)
    series = pd.DataFrame({"2025Q1": [9, 7, 30], "2025Q2": [3, 40, 12]}, index=["a", "b", "c"])
    out = R.table(series, fixed=pd.DataFrame({"2025Q2": R.hidden(master["nieuw"])}))
    assert R.hidden(out["2025Q2"]).equals(R.hidden(master["nieuw"]))
    assert recoverable_cells(out) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.lists(SPARSE, min_size=6, max_size=6)),
                min_size=2, max_size=8))
def test_a_year_published_elsewhere_cannot_be_added_up_from_its_quarters(rows):
    # a series shows quarters; another table publishes the year (the sum of four of them):
    # per row, those four cells and the year hold no hidden cell or at least two
    index = [f"cg{i}" for i in range(len(rows))]
    cols = ["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    series = pd.DataFrame([q for _, q in rows], index=index, columns=cols)
    year = cols[2:]
    master = R.table(pd.DataFrame({"jaar": series[year].sum(axis=1),
                                   "anders": [a for a, _ in rows]}, index=index))
    out = R.table(series, sums={"2025": (year, R.hidden(master["jaar"]))})
    assert recoverable_cells(out) == []
    for r in out.index:
        hidden_here = int(R.hidden(out.loc[r, year]).sum()) + int(
            master.loc[r, "jaar"] in ("<5", "x"))
        assert hidden_here != 1, (r, out.loc[r].tolist(), master.loc[r, "jaar"])


def test_a_sparse_breakdown_hides_a_zero_where_nothing_else_is_left():
    # found by a stress run: the national 0-day class (3 + 1 = 4) is small; with every other
    # cell 0 or fixed, only hiding a 0 beside GM-6's 11 keeps 15 - 11 from giving the 4 away
    bins = pd.DataFrame([[0, 0], [0, 0], [3, 0], [0, 0], [0, 0], [0, 0], [0, 11], [1, 0]],
                        index=[f"cg{i}" for i in range(8)], columns=["0", "1+"])
    master = R.table(pd.DataFrame({"anders": [20] * 8, "geplaatst": bins.sum(axis=1)},
                                  index=bins.index))
    out = R.table(bins, fixed=pd.DataFrame({"Totaal": R.hidden(master["geplaatst"])}))
    assert recoverable_cells(out) == []
    assert out.loc["Totaal", "0"] == "<5"
    assert (out == "x").to_numpy().any()
