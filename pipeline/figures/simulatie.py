"""A discrete-event simulation of one area's places (SimPy), to check the Erlang formulas
under the real stays and to answer what-ifs the formulas cannot (issue 15).

Why a simulation beside the formulas: Erlang C assumes exponential stays and clients who
wait for ever, and both formulas assume arrivals at a constant rate. Here the stays are
drawn from the area's own Kaplan-Meier curve, residentieel aanmeldingen may give up after
``geduld`` days, and the arrival rate can change over the year (a month with double
arrivals). A run is one long stretch of simulated time after a warm-up, so the shares are
the steady-state ones the formulas give, apart from the assumptions that differ.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import simpy

from pipeline.figures.survival import km_table

#: Simulated days per run after the warm-up, and the warm-up (several mean stays).
DAGEN = 10 * 365
OPWARMEN_VERBLIJVEN = 5


@dataclass(frozen=True)
class Uitkomst:
    """What happened to the requests of a run."""

    aanvragen: int
    afgewezen: int           # turned away (loss) or gave up waiting (queue)
    binnen: int              # placed within the target's days
    wachtdagen: float        # summed over placed requests

    @property
    def aandeel_afgewezen(self) -> float:
        return self.afgewezen / self.aanvragen if self.aanvragen else 0.0

    @property
    def aandeel_niet_binnen(self) -> float:
        return 1 - self.binnen / self.aanvragen if self.aanvragen else 0.0


def verblijf_trekker(durations, events) -> Callable[[np.random.Generator, int], np.ndarray]:
    """Draw stays from the Kaplan-Meier curve of observed durations (inverse transform);
    the mass the curve leaves above its last event time is put at the longest duration
    observed, as the restricted mean does, so the draws have that mean."""
    table = km_table(durations, events)
    tau = float(np.max(durations))
    times = np.append(table["t"].to_numpy(dtype=float), tau)
    cdf = np.append(1 - table["S"].to_numpy(dtype=float), 1.0)

    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        return times[np.searchsorted(cdf, rng.random(n), side="right").clip(0, times.size - 1)]

    return draw


def simuleer(plaatsen: int, per_dag: float, trek: Callable[[np.random.Generator, int],
             np.ndarray], wachtrij: bool, binnen_dagen: float = 7, geduld: float = math.inf,
             geduld_aandeel: float = 1.0, piek: tuple[float, float, float] | None = None,
             dagen: int = DAGEN, seed: int = 1) -> Uitkomst:
    """Simulate ``dagen`` days (after a warm-up) of ``plaatsen`` places.

    ``wachtrij`` False: a loss system (crisisopvang: full means turned away). True: a
    first-come-first-served queue where a request gives up after ``geduld`` days; only the
    share ``geduld_aandeel`` of the requests does (aanmeldingen give up, a client waiting
    in crisisopvang for doorstroom does not).
    ``piek`` = (start day, length, factor): the arrival rate times factor in that window of
    each simulated year (a month with double arrivals: (0, 30, 2.0)); arrivals come by
    thinning a Poisson stream at the highest rate, so they stay Poisson within each stretch.
    """
    rng = np.random.default_rng(seed)
    mean_stay = float(np.mean(trek(rng, 2_000)))
    opwarmen = OPWARMEN_VERBLIJVEN * mean_stay
    eind = opwarmen + dagen
    top = per_dag * (piek[2] if piek else 1.0)
    env = simpy.Environment()
    places = simpy.Resource(env, capacity=max(plaatsen, 1)) if plaatsen > 0 else None
    teller = {"aanvragen": 0, "afgewezen": 0, "binnen": 0, "wachtdagen": 0.0}
    stays = iter(())

    def next_stay() -> float:
        nonlocal stays
        try:
            return next(stays)
        except StopIteration:
            stays = iter(trek(rng, 4_096).tolist())
            return next(stays)

    def rate(t: float) -> float:
        if piek is None:
            return per_dag
        day = (t - opwarmen) % 365
        return per_dag * piek[2] if piek[0] <= day < piek[0] + piek[1] else per_dag

    def request(t0: float):
        counted = t0 >= opwarmen
        if counted:
            teller["aanvragen"] += 1
        if places is None or (not wachtrij and places.count >= places.capacity):
            if counted:
                teller["afgewezen"] += 1
            return
        with places.request() as req:
            if math.isfinite(geduld) and rng.random() < geduld_aandeel:
                got = yield req | env.timeout(geduld)
                if req not in got:
                    if counted:
                        teller["afgewezen"] += 1
                    return
            else:
                yield req
            wait = env.now - t0
            if counted:
                teller["binnen"] += wait <= binnen_dagen
                teller["wachtdagen"] += wait
            yield env.timeout(next_stay())

    def arrivals():
        if top <= 0:
            return
        while True:
            yield env.timeout(rng.exponential(1 / top))
            if env.now >= eind:
                return
            if piek is None or rng.random() < rate(env.now) / top:
                env.process(request(env.now))

    env.process(arrivals())
    # arrivals stop at eind; a request still waiting binnen_dagen + 1 days later has waited
    # longer than binnen_dagen, so it counts as not placed in time, as it should
    env.run(until=eind + binnen_dagen + 1)
    return Uitkomst(teller["aanvragen"], teller["afgewezen"], teller["binnen"],
                    teller["wachtdagen"])
