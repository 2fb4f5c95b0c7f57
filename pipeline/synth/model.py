"""The simulation behind the synthetic deliveries: one shelter organisation, day by day.

Why a day-by-day simulation with places rather than independent random rows: the
figures an analyst computes tie the record types together (stock and flow, occupancy
against capacity, doorstroom chains, wait times that depend on a free bed). Drawing
each record on its own gives data that loads but does not behave like the field.

The capacity policy is explicit, so the capacity model (issue 15) can be checked against a
world whose answer is known:

* **crisisopvang is a loss system.** An aanmelding for crisisopvang is assessed within 0-3
  days (the intake); then she gets a bed that day when one is free, and when the area is full
  she is placed elsewhere (noodopvang, another region): uitkomst ``doorverwezen``. Nobody
  waits for a crisis bed. (Shifting a Poisson stream by independent delays leaves it a
  Poisson stream, so the beds still see the arrivals the loss model assumes.)
* **residentieel has a queue.** Requests for a residentieel place (aanmeldingen, and crisis
  stays that continue in residentieel care: doorstroom) wait first come, first served. An
  aanmelding waits at most two weeks and is then referred elsewhere; a client in crisisopvang
  waits there, her crisis stay running on until a place is free.
* A bed is never given twice, so occupancy never exceeds the delivered capacity.
* Residential requests are refused only for lack of a place: every ``doorverwezen`` or
  ``niet_geplaatst`` of crisisopvang or residentieel is a capacity refusal. Ambulant
  requests are refused now and then for other reasons.

:attr:`Organisatie.waarheid` records what happened to every residential request per
delivered quarter (requests, turned away, waits), the truth the capacity model is validated
against; it never reaches the deliveries.

The organisation is simulated from a warm-up period before the first delivered quarter
(so the stock at the start is realistic) until shortly after the last (so aanmeldingen
at the end of a quarter get their outcome, as they would by the time of the export).
:meth:`Organisatie.run` yields what the organisation would export, as soon as it is
known: ``("rij", soort, kwartaal_index, row)`` and ``("klaar", kwartaal_index, soorten)``
when a quarter's files for those soorten are complete. Memory holds the running
episodes, the waiting lists and a bounded pool of former clients, never the history,
so it stays flat however long or large the run.

All parameters below are tuning knobs chosen so that the generated data meets the
published targets in :mod:`pipeline.synth.targets` through the real pipeline; they are
not published figures themselves (docs/synth.md says which is which).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from schemas.formaat import BELEMMERINGEN, BESTEMMINGEN, REDENEN_EINDE, VERWIJZERS

# --- Tuning knobs (see the module docstring) -----------------------------------------------

#: National aanmeldingen per year at schaal 1.
AANMELDINGEN_PER_JAAR = 11_300
#: Warm-up before the first delivered quarter: longer than the longest stay, so every
#: episode that can still run in the first quarter has been simulated from its start.
WARMUP_DAGEN = 3 * 365 + 30
#: The form asked for in an aanmelding.
GEVRAAGDE_VORM = (("ambulant", .54), ("crisisopvang", .44), ("residentieel", .02))
#: Outcomes decided at once; "plaatsen" means: placed if a place is (or becomes) free.
#: Residential requests are refused only for lack of a place (the capacity policy above).
UITKOMST = {False: (("plaatsen", .82), ("doorverwezen", .07), ("niet_geplaatst", .07),
                    ("in_behandeling", .04)),
            True: (("plaatsen", .96), ("in_behandeling", .04))}
#: Days an aanmelding may wait for a residentieel place before she is referred elsewhere.
WACHTEN_MAX = 14
#: Days from an aanmelding for crisisopvang to the decision (bed or elsewhere): the intake.
INTAKE_CRISIS = ((0, .35), (1, .30), (2, .20), (3, .15))
#: Days from aanmelding to the start of ambulant care (no capacity limit).
WACHTTIJD_AMBULANT = ((0, .12), (1, .12), (2, .13), (3, .13), (4, .10), (5, .10), (6, .08),
                      (7, .14), (10, .05), (14, .03))
#: Stay lengths: gamma(shape, mean) in days, clipped to (minimum, maximum).
DUUR = {"crisisopvang": (2.0, 25.0, 1, 183), "residentieel": (2.5, 259.0, 14, 1_095),
        "ambulant": (1.5, 150.0, 7, 730)}
#: What follows an episode (doorstroom); None = the client leaves care (uitstroom).
VOLGENDE = {"crisisopvang": (("residentieel", .07), ("ambulant", .50), (None, .43)),
            "residentieel": (("ambulant", .50), (None, .50)),
            "ambulant": ((None, 1.0),)}
#: Origin of the client by the form asked for: residential requests come from farther.
HERKOMST = {True: (("eigen", .47), ("andere", .45), ("buitenland", .03), ("onbekend", .05)),
            False: (("eigen", .82), ("andere", .13), ("buitenland", .01), ("onbekend", .04))}
#: Organisations still using a pre-merger municipality code now and then.
OUDE_CODE_KANS = .3
KINDEREN = {True: ((0, .52), (1, .24), (2, .14), (3, .07), (4, .03)),
            False: ((0, .75), (1, .14), (2, .07), (3, .04))}
KINDEREN_ONBEKEND = .08
VERWIJZER = tuple(zip(VERWIJZERS, (.30, .15, .15, .10, .08, .15, .07), strict=True))
VERWIJZER_ONBEKEND = .07
GESLACHT = (("v", .94), ("m", .05), ("x", .01))
GEBOORTEJAAR_ONBEKEND = .05
#: A new aanmelding by a former client of the same organisation.
TERUGKEER_KANS, TERUGKEER_NA_DAGEN, TERUGKEER_POOL = .08, 30, 2_000
BESTEMMING = {vorm: tuple(zip(BESTEMMINGEN, w, strict=True)) for vorm, w in {
    "crisisopvang": (.18, .20, .22, .12, .08, .05, .03, .12),
    "residentieel": (.50, .08, .10, .05, .10, .07, .02, .08),
    "ambulant": (.45, .12, .10, .03, .03, .04, .01, .22),
}.items()}
REDEN = {vorm: tuple(zip(REDENEN_EINDE, w, strict=True)) for vorm, w in {
    "crisisopvang": (.40, .30, .12, .06, .12), "anders": (.60, .18, .07, .05, .10)}.items()}
BELEMMERING = tuple(zip(BELEMMERINGEN, (.40, .20, .15, .15, .10), strict=True))
BELEMMERINGEN_AANTAL = {True: ((0, .35), (1, .35), (2, .20), (3, .10)),
                        False: ((0, .60), (1, .30), (2, .10))}
GEMEENTE_BESTEMMING_ONBEKEND = .15

RESIDENTIEEL = ("crisisopvang", "residentieel")


_CUMULATIVE: dict[int, tuple[tuple, list[float]]] = {}


def pick(rnd: random.Random, table: Sequence[tuple[object, float]]):
    """One value from a (value, weight) table. Cumulative weights are computed once per
    table: the simulation draws millions of times at benchmark scale."""
    compiled = _CUMULATIVE.get(id(table))
    if compiled is None:
        values, weights = zip(*table, strict=True)
        compiled = _CUMULATIVE[id(table)] = (values, list(itertools.accumulate(weights)))
    values, cum = compiled
    return values[bisect.bisect(cum, rnd.random() * cum[-1], 0, len(cum) - 1)]


@dataclass(frozen=True)
class Kwartaal:
    label: str
    start: int  # date ordinal
    end: int


@dataclass(frozen=True)
class Regio:
    """A centrumgemeente as the simulation needs it."""

    cg: str
    gewicht: float                                  # share of the national volume
    leden: tuple[str, ...]                          # municipalities of its own area
    anderen: tuple[str, ...]                        # municipalities of other areas
    plaatsen: Mapping[str, int]                     # crisisopvang, residentieel
    oude_codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Nummering:
    """How an organisation numbers its clients, aanmeldingen and episodes."""

    client: str = "K{n:07d}"
    aanmelding: str = "A{jaar}-{n:06d}"
    verblijf: str = "V{n:07d}"
    locatie: str = ""


class Episode:
    __slots__ = ("verblijf_id", "client", "start", "end", "vorm", "aanmelding_id", "volgende",
                 "residentieel_gehad")

    def __init__(self, verblijf_id: str, client: str, start: int, end: int, vorm: str,
                 aanmelding_id: str | None, volgende: str | None, residentieel_gehad: bool):
        self.verblijf_id, self.client, self.start, self.end = verblijf_id, client, start, end
        self.vorm, self.aanmelding_id, self.volgende = vorm, aanmelding_id, volgende
        self.residentieel_gehad = residentieel_gehad or vorm in RESIDENTIEEL


class Wachtend:
    """A request in the residentieel queue: an aanmelding (``wie`` is its row) or a crisis
    stay waiting to continue (``wie`` is the Episode; no deadline, she waits in crisis)."""

    __slots__ = ("wie", "sinds", "deadline")

    def __init__(self, wie: dict | Episode, sinds: int, deadline: float):
        self.wie, self.sinds, self.deadline = wie, sinds, deadline


@dataclass
class Waarheid:
    """What happened to the residential requests of one delivered quarter and opvangvorm
    (by the day of the request): the truth the capacity model is checked against."""

    aanvragen: int = 0        # requests: aanmeldingen (not in_behandeling) and doorstroom
    afgewezen: int = 0        # turned away (crisisopvang) or gave up waiting (residentieel)
    direct: int = 0           # placed the day of the request
    binnen_7: int = 0         # placed within 7 days
    wachtdagen: int = 0       # days waited, summed over placed requests


class Organisatie:
    """One centrumgemeente's shelter organisation, simulated day by day."""

    def __init__(self, regio: Regio, kwartalen: Sequence[Kwartaal], schaal: float,
                 rnd: random.Random, nummering: Nummering = Nummering()):
        self.regio, self.kwartalen, self.rnd, self.ids = regio, list(kwartalen), rnd, nummering
        self.first, self.last = self.kwartalen[0].start, self.kwartalen[-1].end
        self._starts = [k.start for k in self.kwartalen]
        self.per_dag = AANMELDINGEN_PER_JAAR * regio.gewicht * schaal / 365.25
        self.bezet = dict.fromkeys(RESIDENTIEEL, 0)
        self.wachtrij: deque[Wachtend] = deque()
        #: (quarter index, opvangvorm) -> what happened to the requests of that quarter
        self.waarheid: dict[tuple[int, str], Waarheid] = {}
        self.lopend: dict[str, Episode] = {}
        self.einden: dict[int, list[Episode]] = {}
        self.oud: deque[tuple[int, str]] = deque()
        self.intake: dict[int, list[dict]] = {}
        self.n_client = self.n_aanmelding = self.n_verblijf = 0
        self._uit: list[tuple] = []

    # -- the day loop ----------------------------------------------------------------------

    def run(self) -> Iterator[tuple]:
        afloop = WACHTEN_MAX + 1
        ends = {k.end: i for i, k in enumerate(self.kwartalen)}
        instroom_klaar = {k.end + afloop: i for i, k in enumerate(self.kwartalen)}
        rnd = self.rnd
        begin = self.first - WARMUP_DAGEN
        volgende_aanmelding = begin + rnd.expovariate(self.per_dag)
        for d in range(begin, self.last + afloop + 1):
            for ep in self.einden.pop(d, ()):
                self._einde(ep, d)
            while volgende_aanmelding < d + 1:
                self._aanmelding(d)
                volgende_aanmelding += rnd.expovariate(self.per_dag)
            for row in self.intake.pop(d, ()):
                self._crisis(row, d)
            self._wachtrijen(d)
            if d in ends:
                i = ends[d]
                for ep in self.lopend.values():
                    if ep.start <= d:
                        self._verblijf_rij(ep, None, i)
                self._uit.append(("klaar", i, ("verblijf", "uitstroom")))
            if d in instroom_klaar:
                self._uit.append(("klaar", instroom_klaar[d], ("instroom",)))
            if self._uit:
                yield from self._uit
                self._uit.clear()

    def _kwartaal(self, d: int) -> int | None:
        """Index of the delivered quarter holding day d, None outside the delivered range."""
        if d < self.first or d > self.last:
            return None
        return bisect.bisect_right(self._starts, d) - 1

    def _emit(self, soort: str, d: int, row: dict) -> None:
        i = self._kwartaal(d)
        if i is not None:
            self._uit.append(("rij", soort, i, row))

    # -- aanmeldingen ----------------------------------------------------------------------

    def _aanmelding(self, d: int) -> None:
        rnd = self.rnd
        self.n_aanmelding += 1
        vorm = pick(rnd, GEVRAAGDE_VORM)
        residentieel = vorm in RESIDENTIEEL
        jaar = _year(d)
        row = {
            "client_id": self._client(d),
            "aanmelding_id": self.ids.aanmelding.format(n=self.n_aanmelding, jaar=jaar),
            "aanmelddatum": d, "uitkomst": None, "plaatsingsdatum": None, "opvangvorm": vorm,
            "gemeente_herkomst": self._herkomst(residentieel),
            "verwijzer": (None if rnd.random() < VERWIJZER_ONBEKEND
                          else pick(rnd, VERWIJZER)),
            "geslacht": pick(rnd, GESLACHT),
            "geboortejaar": (None if rnd.random() < GEBOORTEJAAR_ONBEKEND
                             else jaar - 18 - min(60, int(rnd.gammavariate(2.2, 7.0)))),
            "aantal_kinderen": (None if rnd.random() < KINDEREN_ONBEKEND
                                else pick(rnd, KINDEREN[residentieel])),
        }
        uitkomst = pick(rnd, UITKOMST[residentieel])
        if uitkomst != "plaatsen":
            row["uitkomst"] = uitkomst
            self._emit("instroom", d, row)
        elif vorm == "crisisopvang":
            self.intake.setdefault(d + pick(rnd, INTAKE_CRISIS), []).append(row)
        elif residentieel:
            self.wachtrij.append(Wachtend(row, d, d + WACHTEN_MAX))
        else:
            self._plaats(row, d + pick(rnd, WACHTTIJD_AMBULANT))

    def _crisis(self, row: dict, d: int) -> None:
        """The intake is done: a bed when one is free, otherwise placed elsewhere."""
        sinds = row["aanmelddatum"]
        if self.bezet["crisisopvang"] < self.regio.plaatsen["crisisopvang"]:
            self._noteer(sinds, "crisisopvang", wacht=d - sinds)
            self._plaats(row, d)
        else:  # full: placed elsewhere (noodopvang, another region)
            self._noteer(sinds, "crisisopvang", wacht=None)
            row["uitkomst"] = "doorverwezen"
            self._emit("instroom", sinds, row)

    def _noteer(self, sinds: int, vorm: str, wacht: int | None) -> None:
        """Record the fate of a residential request made on day ``sinds``: placed after
        ``wacht`` days, or turned away / gave up (None)."""
        i = self._kwartaal(sinds)
        if i is None:
            return
        w = self.waarheid.get((i, vorm))
        if w is None:
            w = self.waarheid[(i, vorm)] = Waarheid()
        w.aanvragen += 1
        if wacht is None:
            w.afgewezen += 1
            return
        w.direct += wacht == 0
        w.binnen_7 += wacht <= 7
        w.wachtdagen += wacht

    def _client(self, d: int) -> str:
        """A former client now and then (only one whose care ended a while ago, so her
        episodes never overlap), otherwise a new one."""
        rnd, oud = self.rnd, self.oud
        if oud and rnd.random() < TERUGKEER_KANS:
            i = rnd.randrange(min(len(oud), 50))
            if oud[i][0] <= d - TERUGKEER_NA_DAGEN:
                client = oud[i][1]
                del oud[i]
                return client
        self.n_client += 1
        return self.ids.client.format(n=self.n_client)

    def _herkomst(self, residentieel: bool) -> str | None:
        rnd, regio = self.rnd, self.regio
        soort = pick(rnd, HERKOMST[residentieel])
        if soort == "buitenland":
            return "BUITENLAND"
        if soort == "onbekend" or not regio.anderen:
            return None
        code = rnd.choice(regio.leden if soort == "eigen" else regio.anderen)
        if code in regio.oude_codes and rnd.random() < OUDE_CODE_KANS:
            return rnd.choice(regio.oude_codes[code])
        return code

    def _wachtrijen(self, d: int) -> None:
        """First come, first served for a free residentieel place; an aanmelding that has
        waited WACHTEN_MAX days is referred elsewhere."""
        rij = self.wachtrij
        while rij and self.bezet["residentieel"] < self.regio.plaatsen["residentieel"]:
            w = rij.popleft()
            self._noteer(w.sinds, "residentieel", wacht=d - w.sinds)
            if isinstance(w.wie, Episode):
                self._sluit(w.wie, d, "residentieel")
            else:
                self._plaats(w.wie, d)
        if rij and any(w.deadline <= d for w in rij):
            blijft: deque[Wachtend] = deque()
            for w in rij:
                if w.deadline > d:
                    blijft.append(w)
                    continue
                self._noteer(w.sinds, "residentieel", wacht=None)
                w.wie["uitkomst"] = "doorverwezen"
                self._emit("instroom", w.wie["aanmelddatum"], w.wie)
            self.wachtrij = blijft

    def _plaats(self, row: dict, d: int) -> None:
        row["uitkomst"], row["plaatsingsdatum"] = "geplaatst", d
        self._emit("instroom", row["aanmelddatum"], row)
        self._start(row["client_id"], row["opvangvorm"], d, row["aanmelding_id"], False)

    # -- episodes --------------------------------------------------------------------------

    def _start(self, client: str, vorm: str, d: int, aanmelding_id: str | None,
               residentieel_gehad: bool) -> None:
        rnd = self.rnd
        shape, mean, lo, hi = DUUR[vorm]
        duur = min(hi, max(lo, round(rnd.gammavariate(shape, mean / shape))))
        self.n_verblijf += 1
        vid = self.ids.verblijf.format(n=self.n_verblijf, locatie=self.ids.locatie)
        ep = Episode(vid, client, d, d + duur, vorm, aanmelding_id,
                     pick(rnd, VOLGENDE[vorm]), residentieel_gehad)
        self.lopend[vid] = ep
        self.einden.setdefault(ep.end, []).append(ep)
        if vorm in RESIDENTIEEL:
            self.bezet[vorm] += 1

    def _einde(self, ep: Episode, d: int) -> None:
        if ep.volgende == "residentieel":  # a request for a residentieel place
            if self.wachtrij or self.bezet["residentieel"] >= self.regio.plaatsen["residentieel"]:
                self.wachtrij.append(Wachtend(ep, d, math.inf))  # waits in crisisopvang
                return
            self._noteer(d, "residentieel", wacht=0)
        self._sluit(ep, d, ep.volgende)

    def _sluit(self, ep: Episode, d: int, volgende: str | None) -> None:
        """End an episode on day d and continue in ``volgende`` (None: uitstroom)."""
        del self.lopend[ep.verblijf_id]
        if ep.vorm in RESIDENTIEEL:
            self.bezet[ep.vorm] -= 1
        self._verblijf_rij(ep, d, self._kwartaal(d))
        if volgende is None:
            self._uitstroom(ep, d)
            return
        # doorstroom: the next episode starts the same day or the next; on the last
        # delivered day the same day, so the chain is visible in the delivered data
        gap = 0 if volgende == "residentieel" or d == self.last else self.rnd.choice((0, 0, 1))
        self._start(ep.client, volgende, d + gap, None, ep.residentieel_gehad)

    def _verblijf_rij(self, ep: Episode, einddatum: int | None, i: int | None) -> None:
        if i is not None:
            self._uit.append(("rij", "verblijf", i, {
                "client_id": ep.client, "verblijf_id": ep.verblijf_id, "startdatum": ep.start,
                "einddatum": einddatum, "opvangvorm": ep.vorm,
                "aanmelding_id": ep.aanmelding_id}))

    def _uitstroom(self, ep: Episode, d: int) -> None:
        rnd, regio = self.rnd, self.regio
        bestemming = pick(rnd, BESTEMMING[ep.vorm])
        reden = ("overgeplaatst" if bestemming == "andere_vrouwenopvang" and rnd.random() < .7
                 else pick(rnd, REDEN.get(ep.vorm, REDEN["anders"])))
        if bestemming == "buitenland":
            gemeente = "BUITENLAND"
        elif bestemming == "onbekend" or rnd.random() < GEMEENTE_BESTEMMING_ONBEKEND:
            gemeente = None
        elif bestemming == "andere_vrouwenopvang" or rnd.random() < .3:
            gemeente = rnd.choice(regio.anderen or regio.leden)
        else:
            gemeente = rnd.choice(regio.leden)
        n = pick(rnd, BELEMMERINGEN_AANTAL[ep.residentieel_gehad])
        gekozen: list[str] = []
        while len(gekozen) < n:
            b = pick(rnd, BELEMMERING)
            if b not in gekozen:
                gekozen.append(b)
        self._emit("uitstroom", d, {
            "client_id": ep.client, "verblijf_id": ep.verblijf_id, "uitstroomdatum": d,
            "bestemming": bestemming, "gemeente_bestemming": gemeente, "reden_einde": reden,
            "belemmeringen": "|".join(sorted(gekozen))})
        self.oud.append((d, ep.client))
        if len(self.oud) > TERUGKEER_POOL:
            self.oud.popleft()


def _year(ordinal: int) -> int:
    return dt.date.fromordinal(ordinal).year
