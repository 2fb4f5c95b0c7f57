"""The delivery format's vocabulary without its rules: the soorten, each soort's columns and
the closed value lists (aanleverformaat.md sections 1-2).

Kept apart from the pandera models because reading a file needs only this: the reader
checks a header and the reference data names the opvangvormen long before a row rule runs.
Importing the models costs about a second (pandera, Polars, pandas); the loader loads them
on its validation thread while it reads the first file (``ingest.run``), and commands that
never validate a row do not load them at all. The models take their column lists from here,
so each list is still written once.
"""

from __future__ import annotations

from dataclasses import dataclass

OPVANGVORMEN = ("crisisopvang", "residentieel", "ambulant")
RESIDENTIELE_OPVANGVORMEN = ("crisisopvang", "residentieel")
UITKOMSTEN = ("geplaatst", "doorverwezen", "niet_geplaatst", "in_behandeling")
VERWIJZERS = (
    "veilig_thuis", "politie", "wijkteam", "huisarts_ggz", "andere_opvang", "zelfmelder", "overig",
)
GESLACHTEN = ("v", "m", "x")
BESTEMMINGEN = (
    "zelfstandig_wonen", "terug_naar_partner", "familie_netwerk", "andere_vrouwenopvang",
    "maatschappelijke_opvang", "zorginstelling", "buitenland", "onbekend",
)
REDENEN_EINDE = (
    "doelen_behaald", "voortijdig_vertrokken", "overgeplaatst", "regels_overtreden", "overig",
)
BELEMMERINGEN = ("geen_woning", "geen_vervolghulp", "niet_terug_naar_herkomst", "financien",
                 "verblijfsstatus")


@dataclass(frozen=True)
class Kolommen:
    """A soort's delivered columns, and the groups the reader normalises before the rules
    run (dates rewritten to ISO, enumerations lower-cased, codes upper-cased)."""

    soort: str
    key: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    ints: tuple[str, ...] = ()
    enums: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def delivered(self) -> tuple[str, ...]:
        """Every column the format knows: the required ones, then the optional ones (the
        order of the loader's frames and of a quarantined row's record)."""
        return self.required + self.optional


#: Per soort, in the order of the delivery format (and of ``schemas.MODELS``).
KOLOMMEN: dict[str, Kolommen] = {k.soort: k for k in (
    Kolommen(
        "instroom", key="aanmelding_id",
        required=("client_id", "aanmelding_id", "aanmelddatum", "uitkomst", "opvangvorm",
                  "geslacht"),
        optional=("plaatsingsdatum", "gemeente_herkomst", "verwijzer", "geboortejaar",
                  "aantal_kinderen"),
        dates=("aanmelddatum", "plaatsingsdatum"),
        ints=("geboortejaar", "aantal_kinderen"),
        enums=("uitkomst", "opvangvorm", "verwijzer", "geslacht"),
        codes=("gemeente_herkomst",),
    ),
    Kolommen(
        "verblijf", key="verblijf_id",
        required=("client_id", "verblijf_id", "startdatum", "opvangvorm"),
        optional=("einddatum", "aanmelding_id"),
        dates=("startdatum", "einddatum"),
        enums=("opvangvorm",),
    ),
    Kolommen(
        "uitstroom", key="verblijf_id",
        required=("client_id", "verblijf_id", "uitstroomdatum", "bestemming", "reden_einde"),
        optional=("gemeente_bestemming", "belemmeringen"),
        dates=("uitstroomdatum",),
        enums=("bestemming", "reden_einde", "belemmeringen"),
        codes=("gemeente_bestemming",),
    ),
    Kolommen(
        "capaciteit", key="opvangvorm",
        required=("opvangvorm", "plaatsen"),
        ints=("plaatsen",),
        enums=("opvangvorm",),
    ),
)}

SOORTEN: tuple[str, ...] = tuple(KOLOMMEN)
