"""How many places an area needs: the Erlang loss and delay formulas, pure functions.

Why these models (issue 15, docs to follow with the `capaciteit` command):

* **Crisisopvang** is sized as a loss system (M/G/c/c): a client who finds the area full is
  placed elsewhere, not kept waiting. Its blocking probability (Erlang B) depends on the
  length of stay only through its mean (the insensitivity property), so the skewed stays of
  the shelters need no distribution assumption. Dutch hospitals size wards this way (de Bruin,
  Bekker, van Zanten, Koole, 2010).
* **Residentieel** is sized as a delay system (M/M/c, Erlang C) as a first answer: clients
  wait for a place. Unlike Erlang B this does depend on the stay's distribution; a simulation
  checks it under the real stays.

The offered load ``a`` is arrivals per day times the mean stay in days (in "places busy").
Everything here is numerically stable for loads in the thousands (the recursion never forms
a factorial).
"""

from __future__ import annotations

import math


def erlang_b(c: int, a: float) -> float:
    """The share of arrivals that find all ``c`` places taken, at offered load ``a``.

    The recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)) is the standard stable way.
    """
    if c < 0 or a < 0:
        raise ValueError("places and load cannot be negative")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """The share of arrivals that must wait (all ``c`` places taken) in an M/M/c queue;
    1.0 when the load is at or above the number of places (the queue grows without end)."""
    if c <= 0 or a >= c:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1 - b))


def kans_wacht_langer_dan(c: int, a: float, dagen: float, gemiddelde_duur: float) -> float:
    """P(wait > ``dagen``) in an M/M/c queue with mean stay ``gemiddelde_duur`` days:
    C(c, a) exp(-(c - a) t / mean stay)."""
    if gemiddelde_duur <= 0:
        raise ValueError("the mean stay must be positive")
    if a >= c:
        return 1.0
    return erlang_c(c, a) * math.exp(-(c - a) * dagen / gemiddelde_duur)


def plaatsen_voor_verlies(a: float, doel: float = 0.05) -> int:
    """The smallest number of places at which at most ``doel`` of the arrivals find the
    area full (crisisopvang)."""
    if not 0 < doel < 1:
        raise ValueError("the target must be a share between 0 and 1")
    if a == 0:
        return 0  # nobody asks for a place
    c = 0
    b = 1.0
    while b > doel:  # the same recursion, one place at a time
        c += 1
        b = a * b / (c + a * b)
    return c


def plaatsen_voor_wachttijd(a: float, gemiddelde_duur: float, dagen: float = 7,
                            aandeel: float = 0.95) -> int:
    """The smallest number of places at which at least ``aandeel`` of the clients is placed
    within ``dagen`` days (residentieel, M/M/c)."""
    if not 0 < aandeel < 1:
        raise ValueError("the target must be a share between 0 and 1")
    c = max(1, math.floor(a) + 1)  # below the load the queue has no steady state
    while kans_wacht_langer_dan(c, a, dagen, gemiddelde_duur) > 1 - aandeel:
        c += 1
    return c
