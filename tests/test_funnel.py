"""Funnel-plot control limits (Spiegelhalter 2005) checked on a world where the answer is
known: counts drawn from Binomial(n, p0), whose every probability scipy gives exactly."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from pipeline.figures.funnel import beoordeling, grenzen


@pytest.mark.parametrize("p0", [0.3, 0.7])
def test_limits_approach_the_normal_ones_for_a_large_base(p0):
    n = 20_000
    for niveau, z in ((0.95, 1.959964), (0.998, 3.090232)):
        laag, hoog = grenzen(p0, n, niveau)
        se = np.sqrt(p0 * (1 - p0) / n)
        assert laag == pytest.approx(p0 - z * se, abs=2e-4)
        assert hoog == pytest.approx(p0 + z * se, abs=2e-4)


def test_limits_narrow_as_the_base_grows_and_the_998_lie_outside_the_95():
    n = np.array([10, 30, 100, 300, 1000, 3000])
    laag95, hoog95 = grenzen(0.6, n, 0.95)
    laag998, hoog998 = grenzen(0.6, n, 0.998)
    assert np.all(np.diff(hoog95 - laag95) < 0)
    assert np.all(laag998 <= laag95) and np.all(hoog998 >= hoog95)
    assert np.all(laag95 < 0.6) and np.all(hoog95 > 0.6)


@pytest.mark.parametrize("p0", [0.3, 0.7, 0.95])
def test_an_area_that_does_not_differ_is_flagged_at_most_at_the_nominal_rate(p0):
    """For every base from 20 to 200: the exact probability that an area whose true share
    is the national one falls outside the 95% (99.8%) limits is at most 5% (0.2%), and on
    average not far below it (the limits are not so wide they never flag)."""
    outside95, outside998 = [], []
    for n in range(20, 201, 3):
        x = np.arange(n + 1)
        pmf = binom.pmf(x, n, p0)
        oordeel = [beoordeling(k / n, n, p0) for k in x]
        outside95.append(pmf[[o != "binnen" for o in oordeel]].sum())
        outside998.append(pmf[[o.endswith("998") for o in oordeel]].sum())
    assert max(outside95) <= 0.05 + 1e-9 and max(outside998) <= 0.002 + 1e-9
    assert np.mean(outside95) > 0.02 and np.mean(outside998) > 0.0005


def test_an_area_that_differs_is_flagged_where_its_base_makes_it_clear():
    """The same share against 70% nationally: noise in a small area, a signal in a large."""
    assert beoordeling(0.5, 20, 0.7) == "binnen"
    assert beoordeling(0.5, 2000, 0.7) == "onder_998"
    assert beoordeling(0.78, 200, 0.7) == "boven_95"
    assert beoordeling(0.7, 500, 0.7) == "binnen"
    # all 20 from their own area when 95% is the national share: common, not flagged
    assert beoordeling(1.0, 20, 0.95) == "binnen"
