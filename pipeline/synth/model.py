"""The simulation behind the synthetic deliveries: one shelter organisation, day by day.

Why a day-by-day simulation with places rather than independent random rows: the
figures an analyst computes tie the record types together (stock and flow, occupancy
against capacity, doorstroom chains, wait times that depend on a free bed). Drawing
each record on its own gives data that loads but does not behave like the field. Here
an aanmelding for crisisopvang gets a bed only when one is free, otherwise it waits in
noodopvang for at most a few nights and is then referred elsewhere; a crisis stay that
should continue in residentieel care waits for a free place, and a bed is never given
twice, so occupancy never exceeds the delivered capacity.

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
import random
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from schemas.common import BELEMMERINGEN, BESTEMMINGEN, REDENEN_EINDE, VERWIJZERS

# --- Tuning knobs (see the module docstring) -----------------------------------------------

#: National aanmeldingen per year at schaal 1.
AANMELDINGEN_PER_JAAR = 11_300
#: Warm-up before the first delivered quarter: longer than the longest stay, so every
#: episode that can still run in the first quarter has been simulated from its start.
WARMUP_DAGEN = 3 * 365 + 30
#: The form asked for in an aanmelding.
GEVRAAGDE_VORM = (("ambulant", .54), ("crisisopvang", .44), ("residentieel", .02))
#: Outcomes decided at once; "plaatsen" means: placed if a place is (or becomes) free.
UITKOMST = (("plaatsen", .82), ("doorverwezen", .07), ("niet_geplaatst", .07),
            ("in_behandeling", .04))
#: Days an aanmelding may wait for a residential place: noodopvang bridges at most
#: 3 nights until a crisis bed is free; after that the client is referred elsewhere.
WACHTEN_MAX = {"crisisopvang": 3, "residentieel": 14}
#: Days from aanmelding to the start of ambulant care (no capacity limit).
WACHTTIJD_AMBULANT = ((0, .12), (1, .12), (2, .13), (3, .13), (4, .10), (5, .10), (6, .08),
                      (7, .14), (10, .05), (14, .03))
#: Stay lengths: gamma(shape, mean) in days, clipped to (minimum, maximum).
DUUR = {"crisisopvang": (2.0, 35.0, 1, 183), "residentieel": (2.5, 259.0, 14, 1_095),
        "ambulant": (1.5, 150.0, 7, 730)}
#: What follows an episode (doorstroom); None = the client leaves care (uitstroom).
VOLGENDE = {"crisisopvang": (("residentieel", .18), ("ambulant", .45), (None, .37)),
            "residentieel": (("ambulant", .50), (None, .50)),
            "ambulant": ((None, 1.0),)}
#: A crisis stay waiting for a residentieel place is extended by this many days, at most
#: this many times; then the client continues in ambulant care instead.
VERLENGING_DAGEN, VERLENGINGEN_MAX = 7, 4
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
                 "verlengd", "residentieel_gehad")

    def __init__(self, verblijf_id: str, client: str, start: int, end: int, vorm: str,
                 aanmelding_id: str | None, volgende: str | None, residentieel_gehad: bool):
        self.verblijf_id, self.client, self.start, self.end = verblijf_id, client, start, end
        self.vorm, self.aanmelding_id, self.volgende = vorm, aanmelding_id, volgende
        self.verlengd = 0
        self.residentieel_gehad = residentieel_gehad or vorm in RESIDENTIEEL


class Wachtend:
    __slots__ = ("row", "deadline")

    def __init__(self, row: dict, deadline: int):
        self.row, self.deadline = row, deadline


class Organisatie:
    """One centrumgemeente's shelter organisation, simulated day by day."""

    def __init__(self, regio: Regio, kwartalen: Sequence[Kwartaal], schaal: float,
                 rnd: random.Random, nummering: Nummering = Nummering()):
        self.regio, self.kwartalen, self.rnd, self.ids = regio, list(kwartalen), rnd, nummering
        self.first, self.last = self.kwartalen[0].start, self.kwartalen[-1].end
        self._starts = [k.start for k in self.kwartalen]
        self.per_dag = AANMELDINGEN_PER_JAAR * regio.gewicht * schaal / 365.25
        self.bezet = dict.fromkeys(RESIDENTIEEL, 0)
        self.wachtrij: dict[str, deque[Wachtend]] = {v: deque() for v in RESIDENTIEEL}
        self.lopend: dict[str, Episode] = {}
        self.einden: dict[int, list[Episode]] = {}
        self.oud: deque[tuple[int, str]] = deque()
        self.n_client = self.n_aanmelding = self.n_verblijf = 0
        self._uit: list[tuple] = []

    # -- the day loop ----------------------------------------------------------------------

    def run(self) -> Iterator[tuple]:
        afloop = max(WACHTEN_MAX.values()) + 1
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
        uitkomst = pick(rnd, UITKOMST)
        if uitkomst != "plaatsen":
            row["uitkomst"] = uitkomst
            self._emit("instroom", d, row)
        elif residentieel:
            self.wachtrij[vorm].append(Wachtend(row, d + WACHTEN_MAX[vorm]))
        else:
            self._plaats(row, d + pick(rnd, WACHTTIJD_AMBULANT))

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
        for vorm, rij in self.wachtrij.items():
            while rij and self.bezet[vorm] < self.regio.plaatsen[vorm]:
                self._plaats(rij.popleft().row, d)
            while rij and rij[0].deadline <= d:
                row = rij.popleft().row
                row["uitkomst"] = "doorverwezen"
                self._emit("instroom", row["aanmelddatum"], row)

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
        volgende = ep.volgende
        if volgende == "residentieel":
            if self.bezet["residentieel"] >= self.regio.plaatsen["residentieel"]:
                if ep.verlengd < VERLENGINGEN_MAX:  # wait in crisisopvang for a place
                    ep.verlengd += 1
                    ep.end = d + VERLENGING_DAGEN
                    self.einden.setdefault(ep.end, []).append(ep)
                    return
                volgende = "ambulant"
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
