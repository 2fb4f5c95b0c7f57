"""The disclosure rules on their own: what is small, which shares and medians may show.
How a whole release is protected and audited is in test_audit.py and test_release.py."""

from __future__ import annotations

import pytest

from pipeline.share.disclosure import MARK, Rules

R = Rules()


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, MARK), (4, MARK), (5, 5), (None, None)])
def test_small_counts_are_hidden_with_the_one_mark(n, shown):
    assert R.count(n) == shown


def test_threshold_is_configurable_and_checked():
    assert Rules(10).count(9) == MARK and Rules(10).count(10) == 10
    with pytest.raises(ValueError):
        Rules(1)


def test_shares_and_medians_need_a_base():
    assert R.share(3, 100) is None          # the numerator is small
    assert R.share(97, 100) is None         # the rest is small
    assert R.share(50, 100) == 0.5
    assert R.share(2, 4) is None            # the base is small
    assert R.median(12.0, 4) is None and R.median(12.0, 5) == 12.0


def test_the_rules_recorded_name_the_threshold_they_use():
    # a report made with --drempel 10 must not say '1 tot en met 4'
    text = " ".join(Rules(10).describe()["regels"])
    assert "1 tot en met 9" in text and "1 tot en met 4" not in text


def test_a_share_beside_its_counts_is_hidden_when_either_count_is():
    assert R.share_of_two(60, 40, (60, 40)) == 0.6
    assert R.share_of_two(60, 40, (60, MARK)) is None   # 60 and the share give 40 away
    assert R.share_of_two(97, 3, (97, 3)) is None       # share's own rule: the rest is small


def test_bezetting_needs_threshold_clients_and_is_whole_percent():
    assert R.bezetting(0.8765, 5) == 0.88
    assert R.bezetting(0.8765, 4) is None               # her ligdagen from rate x capacity
    assert R.bezetting(None, 50) is None and R.bezetting(float("nan"), 50) is None
    assert Rules(10).bezetting(0.5, 9) is None


def test_a_rate_per_inhabitant_only_from_a_shown_count():
    assert R.per_10k(120, 600_000) == pytest.approx(2.0)
    assert R.per_10k(MARK, 600_000) is None             # x 60 inhabitants would give it back
    assert R.per_10k(None, 600_000) is None and R.per_10k(12, 0) is None


@pytest.mark.parametrize(("aanvragen", "verblijven", "shown"), [
    (10, 10, True), (9, 50, False), (50, 9, False), (0, 0, False)])
def test_places_needed_are_shown_only_from_twice_the_threshold_of_requests_and_stays(
        aanvragen, verblijven, shown):
    g = {"benodigde_plaatsen": 7, "interval_95": [5, 9], "aanvragen": aanvragen,
         "verblijven_gemeten": verblijven}
    assert (Rules().benodigde_plaatsen(g) == (7, 5, 9)) is shown
    assert Rules(threshold=3).benodigde_plaatsen({**g, "aanvragen": 6,
                                                  "verblijven_gemeten": 6}) == (7, 5, 9)
    assert Rules().benodigde_plaatsen({**g, "benodigde_plaatsen": None}) is None


def test_mean_waiting_only_beside_wait_classes_that_are_all_shown():
    assert R.gemiddeld_wachtend(3.14159, (10, 5, 7, 20)) == 3.1
    assert R.gemiddeld_wachtend(3.1, (10, MARK, 7, 20)) is None
    assert R.gemiddeld_wachtend(0.2, (0, 0, 0, 4)) is None      # total below the threshold
    assert R.gemiddeld_wachtend(None, (10, 5, 7, 22)) is None
