"""The delivery format's columns, declared once: each soort's columns with their type,
whether they are required, their value list and their length or range, in the contract's
words (aanleverformaat.md sections 1-2).

Each column's own rules (is it a date, one of its values, at most 64 characters, a whole
number in range) are generated from this declaration (``schemas/kolomregels.py``); a
model writes by hand only the rules between columns. Kept apart from the pandera models
because reading a file needs only this: the reader checks a header and normalises the
groups below, and the reference data names the opvangvormen, long before a row rule runs.
Importing the models costs about a second (pandera, Polars, pandas); the loader loads them
on its validation thread while it reads the first file (``ingest.run``), and commands that
never validate a row do not load them at all.
"""

from __future__ import annotations

from collections.abc import Iterable
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
#: The uitkomsten of an aanmelding that did not lead to a place in this house (v1.1): only
#: these may carry a ``reden_niet_geplaatst``.
NIET_GEPLAATST = ("doorverwezen", "niet_geplaatst")
REDENEN_NIET_GEPLAATST = ("vol", "past_niet", "client_ziet_af", "elders_geplaatst", "onbekend")
REDENEN_EINDE = (
    "doelen_behaald", "voortijdig_vertrokken", "overgeplaatst", "regels_overtreden", "overig",
)
BELEMMERINGEN = ("geen_woning", "geen_vervolghulp", "niet_terug_naar_herkomst", "financien",
                 "verblijfsstatus")

#: The types of the contract's column "type".
CLIENT_KEY = "text of [A-Za-z0-9_-]"
TEXT = "text"
DATE = "date"
ENUM = "enum"
INTEGER = "integer"
GEMEENTECODE = "GM + 4 digits, or BUITENLAND"
LIST = "list, |-separated"
#: How a list is delivered: values separated by |, spaces around them ignored.
LIST_SEPARATOR = "|"

#: The versions of the delivery format; a column added by a later version says so (``sinds``).
#: A delivery is of the latest version whose columns its header holds (``formaatversie``).
VERSIE_1 = "1"
VERSIE_1_1 = "1.1"

#: The characters of a client_id.
CLIENT_KEY_CHARACTERS = r"A-Za-z0-9_\-"
#: An identifier's shortest and longest length.
KEY_LENGTH = (1, 64)


@dataclass(frozen=True)
class Kolom:
    """One delivered column: its type and what the column alone must satisfy.

    ``lengte`` bounds a text; ``waarden`` is the value list of an enum or a list;
    ``bereik`` bounds an integer where the column alone decides (a range that depends on
    the quarter is a rule between columns, written in the model); ``regel`` names the
    value rule where the name is not ``<column>_waarde``; ``oplossing`` is how to fix a
    number out of ``bereik``, in the words of what it counts; ``sinds`` is the version of the
    format that added the column (an optional column: deliveries of older versions stay
    valid without it)."""

    naam: str
    type: str
    verplicht: bool = False
    lengte: tuple[int, int] | None = None
    waarden: tuple[str, ...] = ()
    bereik: tuple[int, int] | None = None
    regel: str | None = None
    oplossing: str | None = None
    sinds: str = VERSIE_1


def verplicht(naam: str, type: str, **rules) -> Kolom:
    return Kolom(naam, type, True, **rules)


def optioneel(naam: str, type: str, **rules) -> Kolom:
    return Kolom(naam, type, False, **rules)


class _Names:
    """The names of a soort's columns of the given types, in the contract's order."""

    def __init__(self, *types: str):
        self.types = types

    def __get__(self, kolommen: Kolommen | None, owner: type):
        if kolommen is None:
            return self
        return tuple(k.naam for k in kolommen.kolommen if k.type in self.types)


@dataclass(frozen=True)
class Kolommen:
    """A soort's delivered columns in the contract's order, and the groups the reader
    normalises before the rules run (dates rewritten to ISO, enumerations and lists
    lower-cased, codes upper-cased); the warehouse keeps ``lists`` as lists."""

    soort: str
    key: str
    kolommen: tuple[Kolom, ...]

    dates = _Names(DATE)
    ints = _Names(INTEGER)
    enums = _Names(ENUM, LIST)
    lists = _Names(LIST)
    codes = _Names(GEMEENTECODE)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(k.naam for k in self.kolommen if k.verplicht)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(k.naam for k in self.kolommen if not k.verplicht)

    @property
    def delivered(self) -> tuple[str, ...]:
        """Every column the format knows: the required ones, then the optional ones (the
        order of the loader's frames and of a quarantined row's record)."""
        return self.required + self.optional


def per_client(soort: str, key: str, *kolommen: Kolom) -> Kolommen:
    """A record type delivered per client: client_id (text 1-64 of [A-Za-z0-9_-]), the
    record's key (text 1-64), then its own columns."""
    return Kolommen(soort, key, (verplicht("client_id", CLIENT_KEY, lengte=KEY_LENGTH),
                                 verplicht(key, TEXT, lengte=KEY_LENGTH)) + kolommen)


#: Per soort, in the order of the delivery format (and of ``schemas.MODELS``); each soort's
#: columns in the order of its table in the contract.
KOLOMMEN: dict[str, Kolommen] = {k.soort: k for k in (
    per_client("instroom", "aanmelding_id",
        verplicht("aanmelddatum", DATE),
        verplicht("uitkomst", ENUM, waarden=UITKOMSTEN),
        optioneel("plaatsingsdatum", DATE),
        verplicht("opvangvorm", ENUM, waarden=OPVANGVORMEN),
        optioneel("gemeente_herkomst", GEMEENTECODE),
        optioneel("verwijzer", ENUM, waarden=VERWIJZERS),
        verplicht("geslacht", ENUM, waarden=GESLACHTEN),
        optioneel("geboortejaar", INTEGER),  # 1900 up to the quarter's year: instroom.py
        optioneel("aantal_kinderen", INTEGER, bereik=(0, 15),
                  oplossing="Give the number of children who came along, 0 to 15."),
        # only with an uitkomst of NIET_GEPLAATST: instroom.py
        optioneel("reden_niet_geplaatst", ENUM, waarden=REDENEN_NIET_GEPLAATST,
                  sinds=VERSIE_1_1)),
    per_client("verblijf", "verblijf_id",
        verplicht("startdatum", DATE),
        optioneel("einddatum", DATE),
        verplicht("opvangvorm", ENUM, waarden=OPVANGVORMEN),
        # the contract says text: the aanmelding's key, so as long as instroom's
        optioneel("aanmelding_id", TEXT, lengte=KEY_LENGTH)),
    # the contract says text for uitstroom's verblijf_id: the episode's key, as long as verblijf's
    per_client("uitstroom", "verblijf_id",
        verplicht("uitstroomdatum", DATE),
        verplicht("bestemming", ENUM, waarden=BESTEMMINGEN),
        optioneel("gemeente_bestemming", GEMEENTECODE),
        verplicht("reden_einde", ENUM, waarden=REDENEN_EINDE),
        optioneel("belemmeringen", LIST, waarden=BELEMMERINGEN)),
    Kolommen("capaciteit", key="opvangvorm", kolommen=(
        verplicht("opvangvorm", ENUM, waarden=RESIDENTIELE_OPVANGVORMEN,
                  regel="opvangvorm_residentieel"),
        verplicht("plaatsen", INTEGER, bereik=(0, 5000),
                  oplossing="Give the number of places available in the quarter."),
    )),
)}

SOORTEN: tuple[str, ...] = tuple(KOLOMMEN)


def formaatversie(soort: str, header: Iterable[str]) -> str:
    """The version of the delivery format a delivered table follows: the latest version
    that added a column its header holds (``VERSIE_1`` when none did). The loader keeps it
    per load (``loads.formaatversie``): an absent column and an empty one both read as
    missing, and only the version tells a v1 delivery from a v1.1 one that left it empty."""
    present = set(header)
    versies = [k.sinds for k in KOLOMMEN[soort].kolommen if k.naam in present]
    return max(versies, key=lambda v: tuple(int(p) for p in v.split(".")), default=VERSIE_1)
