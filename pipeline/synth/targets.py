"""What the synthetic deliveries are calibrated to: published figures, each with source and year.

Two kinds of numbers live here and nowhere else:

* :data:`TARGETS`: published national figures. The generator's parameters
  (``synth_model``) are tuned so that generated data, run through the real pipeline,
  lands within each target's tolerance; ``tests/test_synth.py`` checks every one of
  them that way, and ``docs/synth.md`` lists them.
* each centrumgemeente's share of the national volume: the inhabitants of its area (CBS,
  2024-01-01, from the reference data; see :func:`regio_gewichten`).

Why the tolerances are what they are: a figure from a 2015 monitor with partial
participation, or an "about" in a press text, is not more precise than ~5-15%; the
tolerances say how far the synthetic data may drift before it stops looking like the
field, not how exact the sources are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A published figure the synthetic data must reproduce through the pipeline."""

    value: float
    tolerance: float  # absolute, in the unit of value
    source: str
    year: str
    meting: str  # how tests/test_synth.py measures it on the warehouse

    def holds(self, measured: float) -> bool:
        return abs(measured - self.value) <= self.tolerance


MONITOR_2015 = ("Monitor in-, door- en uitstroom vrouwenopvang 2015, Federatie Opvang / VNG "
                "(partial participation, ~7,300 registered clients)")

#: About 12,000 women and 4,500 accompanying children a year in the vrouwenopvang (2019);
#: read as about 12,000 clients in care nationally per year.
CLIENTEN_PER_JAAR = Target(
    12_000, 1_500, "Federatie Opvang / Valente, national figures vrouwenopvang", "2019",
    "kerncijfers(jaar, landelijk).clienten_in_zorg")
KINDEREN_PER_JAAR = Target(
    4_500, 900, "Federatie Opvang / Valente, national figures vrouwenopvang", "2019",
    "kerncijfers(jaar, landelijk).meegekomen_kinderen")
#: 65% of clients were given ambulant rather than residential care.
AANDEEL_AMBULANT = Target(
    0.65, 0.05, MONITOR_2015, "2015", "kerncijfers(jaar, landelijk).aandeel_ambulant")
#: 70% of clients came from the organisation's own area.
AANDEEL_EIGEN_REGIO = Target(
    0.70, 0.04, MONITOR_2015, "2015", "kerncijfers(jaar, landelijk).aandeel_eigen_regio")
#: A place was almost always found within 3 days to a week.
WACHTTIJD_MEDIAAN_DAGEN = Target(
    3, 2, MONITOR_2015, "2015", "kerncijfers(jaar, landelijk).wachttijd_mediaan_dagen")
AANDEEL_GEPLAATST_BINNEN_WEEK = Target(
    0.95, 0.04, MONITOR_2015, "2015",
    "share of geplaatst aanmeldingen with plaatsingsdatum - aanmelddatum <= 7")
#: About 2,000 of the ~7,300 registered clients were placed in another city than their own.
AANDEEL_GEPLAATST_ANDERE_REGIO = Target(
    2_000 / 7_300, 0.05, MONITOR_2015, "2015",
    "share andere_regio among geplaatst aanmeldingen with a Dutch gemeente_herkomst")
#: About 400 crisis places nationally.
CRISISPLAATSEN = Target(
    400, 5, MONITOR_2015, "2015", "sum over CGs of the crisisopvang plaatsen delivered")
#: About 475 shelter places.
RESIDENTIELE_PLAATSEN = Target(
    475, 5, "Valente", "2025", "sum over CGs of the residentieel plaatsen delivered")
#: Vervolgopvang stays last about 259 days on average.
VERVOLGOPVANG_GEMIDDELDE_DAGEN = Target(
    259, 35, "Monitor Veilige Opvang 2022-2023", "2022-2023",
    "mean einddatum - startdatum of residentieel episodes ending in the year")
TARGETS: dict[str, Target] = {
    name: value for name, value in globals().items() if isinstance(value, Target)}

# --- Size of each centrumgemeente ---------------------------------------------------------

def regio_gewichten(inwoners: Mapping[str, int]) -> dict[str, float]:
    """Each centrumgemeente's share of the national volume, summing to 1: the inhabitants of
    its area (``inwoners``: per centrumgemeente, the sum over the municipalities of its area
    in the active membership, so an official membership list changes the weights)."""
    total = sum(inwoners.values())
    return {cg: n / total for cg, n in sorted(inwoners.items())}


def verdeel(totaal: int, gewichten: Mapping[str, float], minimum: int = 1) -> dict[str, int]:
    """Split an integer total over the CGs by weight (largest remainder), each at least
    ``minimum``, so the national sum is exactly the published number whenever it can be."""
    keys = sorted(gewichten)
    exact = {k: max(minimum, totaal * gewichten[k]) for k in keys}
    base = {k: max(minimum, int(exact[k])) for k in keys}
    rest = totaal - sum(base.values())
    for k in sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k))[:max(0, rest)]:
        base[k] += 1
    return base
