"""Calibration targets for the synthetic deliveries, each with its source and year.

The generator draws from these numbers; the calibration test runs generated data
through the real pipeline and checks each target within the stated tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    value: float
    tolerance: float  # absolute, in the unit of value
    source: str


#: About 12,000 women (and 4,500 accompanying children) a year in the vrouwenopvang:
#: national figures 2019. We read this as ~12,000 clients in care per year.
CLIENTEN_PER_JAAR = Target(12_000, 1_800, "Federatie Opvang / Valente, landelijke cijfers 2019")
#: Accompanying children per year (2019).
KINDEREN_PER_JAAR = Target(4_500, 1_200, "Federatie Opvang / Valente, landelijke cijfers 2019")
#: 65% of clients were given ambulant rather than residential care (2015 monitor).
AANDEEL_AMBULANT = Target(0.65, 0.06, "Monitor in-, door- en uitstroom vrouwenopvang 2015, "
                          "Federatie Opvang/VNG")
#: 70% of clients came from the organisation's own area (2015 monitor).
AANDEEL_EIGEN_REGIO = Target(0.70, 0.05, "Monitor vrouwenopvang 2015, Federatie Opvang/VNG")
#: A place was almost always found within 3 days to a week (2015 monitor).
WACHTTIJD_MEDIAAN_DAGEN = Target(3.0, 2.0, "Monitor vrouwenopvang 2015, Federatie Opvang/VNG")
#: About 400 crisis places nationally (2015 monitor).
CRISISPLAATSEN = Target(400, 40, "Monitor vrouwenopvang 2015, Federatie Opvang/VNG")
#: About 475 shelter (vervolgopvang) places (Valente, 2025).
RESIDENTIELE_PLAATSEN = Target(475, 50, "Valente, 2025")
#: Vervolgopvang stays of about 259 days on average (Monitor Veilige Opvang 2022-23).
VERVOLGOPVANG_GEMIDDELDE_DAGEN = Target(259, 45, "Monitor Veilige Opvang 2022-2023")
#: About 2,000 of ~7,300 registered clients were placed in another city (2015 monitor):
#: about 27% of placements come from another area.
AANDEEL_ANDERE_REGIO_GEPLAATST = Target(0.27, 0.06, "Monitor vrouwenopvang 2015")

ALL = {name: value for name, value in globals().items() if isinstance(value, Target)}
