"""The disclosure rules on their own: what is small, which shares and medians may show.
How a whole release is protected and audited is in test_audit.py and test_release.py."""

from __future__ import annotations

import pytest

from pipeline.disclosure import MARK, Rules

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
