"""The places-needed formulas, checked against an independent closed form and against a
simulated world where the answer is known (issue 15: validate a model on a known world)."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest

from pipeline.figures.erlang import (
    erlang_b,
    erlang_c,
    kans_wacht_langer_dan,
    plaatsen_voor_verlies,
    plaatsen_voor_wachttijd,
)


def erlang_b_by_sums(c: int, a: float) -> float:
    """The textbook form a^c/c! / sum_k a^k/k!, an independent oracle for small c."""
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[-1] / sum(terms)


def erlang_c_by_sums(c: int, a: float) -> float:
    terms = [a**k / math.factorial(k) for k in range(c)]
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(terms) + top)


@pytest.mark.parametrize("c, a", [(1, 1.0), (5, 2.5), (15, 10.0), (30, 25.0), (12, 0.3)])
def test_erlang_b_and_c_equal_the_closed_forms(c, a):
    assert erlang_b(c, a) == pytest.approx(erlang_b_by_sums(c, a), rel=1e-12)
    if a < c:  # at or above the load the queue has no steady state (erlang_c says 1.0)
        assert erlang_c(c, a) == pytest.approx(erlang_c_by_sums(c, a), rel=1e-12)


def test_known_table_values_and_edges():
    assert erlang_b(1, 1.0) == 0.5                         # one place, load 1
    assert erlang_b(15, 10.0) == pytest.approx(0.0365, abs=5e-5)   # Erlang B table
    assert erlang_c(1, 0.5) == pytest.approx(0.5)          # M/M/1: P(wait) = load
    assert erlang_c(10, 10.0) == 1.0 and erlang_b(0, 3.0) == 1.0
    assert erlang_b(2000, 1800.0) == pytest.approx(0.0, abs=1e-3)  # stable at national size
    with pytest.raises(ValueError):
        erlang_b(-1, 1.0)


def test_places_needed_are_the_smallest_that_meet_the_target():
    c = plaatsen_voor_verlies(10.0, 0.05)
    assert c == 15 and erlang_b(c, 10.0) <= 0.05 < erlang_b(c - 1, 10.0)
    c = plaatsen_voor_wachttijd(20.0, 60.0, dagen=7, aandeel=0.95)
    assert kans_wacht_langer_dan(c, 20.0, 7, 60.0) <= 0.05
    assert kans_wacht_langer_dan(c - 1, 20.0, 7, 60.0) > 0.05
    assert plaatsen_voor_verlies(0.0) == 0


def simulate_loss(rate: float, stays: np.ndarray, arrivals: np.ndarray, c: int) -> float:
    """A crisisopvang with c places: a client who finds it full is turned away."""
    busy: list[float] = []
    turned = 0
    for t, s in zip(arrivals, stays, strict=True):
        while busy and busy[0] <= t:
            heapq.heappop(busy)
        if len(busy) >= c:
            turned += 1
        else:
            heapq.heappush(busy, t + s)
    return turned / len(arrivals)


def test_loss_formula_holds_for_skewed_stays_in_a_simulated_world():
    # insensitivity: lognormal stays (median 7 days, long tail) with mean 10 give the
    # blocking of Erlang B at load 2/day x 10 days = 20
    rng = np.random.default_rng(7)
    rate, mean, c = 2.0, 10.0, 22
    n = 200_000
    arrivals = np.cumsum(rng.exponential(1 / rate, n))
    sigma = math.sqrt(2 * math.log(mean / 7.0))
    stays = rng.lognormal(math.log(7.0), sigma, n)
    assert stays.mean() == pytest.approx(mean, rel=0.03)
    simulated = simulate_loss(rate, stays, arrivals, c)
    assert simulated == pytest.approx(erlang_b(c, rate * mean), abs=0.01)


def test_delay_formula_holds_for_exponential_stays_in_a_simulated_world():
    rng = np.random.default_rng(11)
    rate, mean, c = 1.0, 30.0, 33
    n = 100_000
    arrivals = np.cumsum(rng.exponential(1 / rate, n))
    stays = rng.exponential(mean, n)
    free = [0.0] * c
    waits = np.empty(n)
    for i, (t, s) in enumerate(zip(arrivals, stays, strict=True)):
        start = max(t, heapq.heappop(free))              # first come, first placed
        waits[i] = start - t
        heapq.heappush(free, start + s)
    waits = waits[n // 10:]                              # leave out the warm-up
    a = rate * mean
    assert (waits > 0).mean() == pytest.approx(erlang_c(c, a), abs=0.03)
    assert (waits > 7).mean() == pytest.approx(kans_wacht_langer_dan(c, a, 7, mean), abs=0.03)
