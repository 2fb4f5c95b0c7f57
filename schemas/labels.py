"""The Dutch words for every code and key figure that reports, charts and the terminal show,
and the Dutch way of writing numbers (3.725; 2,0; 70%).

One home, so a chart, a table and a sentence never name one thing two ways, and the terminal
and a report never write one number two ways. The codes themselves are the delivery
format's (``schemas.formaat``); these are only their words.
"""

from __future__ import annotations

from schemas.formaat import (
    BELEMMERINGEN,
    BESTEMMINGEN,
    OPVANGVORMEN,
    REDENEN_NIET_GEPLAATST,
)


def getal(x: float | int | None, decimalen: int = 0) -> str | None:
    """A number in Dutch notation: thousands with a dot, decimals with a comma (3.725; 12,4).
    None stays None (the caller says 'niet getoond' or '–')."""
    if x is None:
        return None
    text = f"{x:,.{decimalen}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def procent(x: float | None, decimalen: int = 0) -> str | None:
    """A share as a Dutch percentage (70%; 12,5%)."""
    return None if x is None else f"{getal(x * 100, decimalen)}%"


HERKOMST = {"eigen_regio": "Eigen regio", "andere_regio": "Andere regio",
            "buitenland": "Buitenland", "onbekend": "Onbekend"}

OPVANGVORM = dict(zip(OPVANGVORMEN, ("Crisisopvang", "Residentieel", "Ambulant"), strict=True))

BESTEMMING = {code: code.replace("_", " ") for code in BESTEMMINGEN}

BELEMMERING = dict(zip(BELEMMERINGEN, (
    "Geen woning", "Geen vervolghulp", "Kan niet terug naar herkomst", "Financiën",
    "Verblijfsstatus"), strict=True))

#: Why an aanmelding did not lead to a place (v1.1, reden_niet_geplaatst).
REDEN_NIET_GEPLAATST = dict(zip(REDENEN_NIET_GEPLAATST, (
    "Vol", "Past niet", "Cliënt ziet af", "Elders geplaatst", "Onbekend"), strict=True))

#: The key figures of ``opvangmonitor kerncijfers`` (docs/kerncijfers.md), in table order.
KERNCIJFER = {
    "aanmeldingen": "Aanmeldingen",
    "geplaatst": "Geplaatst",
    "wachttijd_mediaan_dagen": "Wachttijd tot plaatsing, mediaan (dagen)",
    "clienten_in_zorg": "Cliënten in zorg",
    "aandeel_ambulant": "Aandeel uitsluitend ambulant",
    "nieuwe_verblijven": "Nieuwe verblijven",
    "beeindigde_verblijven": "Beëindigde verblijven",
    "stand_begin": "Lopende verblijven begin periode",
    "stand_einde": "Lopende verblijven einde periode",
    "uitstroom": "Uitstroom",
    "ligdagen": "Ligdagen (residentieel)",
    "bezettingsgraad": "Bezettingsgraad",
    "verblijfsduur_mediaan_dagen": "Verblijfsduur residentieel, mediaan (dagen, KM)",
    "trajectduur_mediaan_dagen": "Trajectduur, mediaan (dagen, KM)",
    "aandeel_eigen_regio": "Aandeel uit eigen regio",
    "meegekomen_kinderen": "Meegekomen kinderen",
    "aandeel_vol": "Aandeel vol (niet geplaatst, reden bekend)",
    "inwoners": "Inwoners van het gebied (2024)",
    "aanmeldingen_per_10k_inwoners": "Aanmeldingen per 10.000 inwoners",
    "clienten_in_zorg_per_10k_inwoners": "Cliënten in zorg per 10.000 inwoners",
    "plaatsen_per_10k_inwoners": "Plaatsen (crisis + residentieel) per 10.000 inwoners",
    "plaatsen_norm_istanbul": "Plaatsen volgens de norm van Istanbul (1 per 10.000 inwoners)",
    "dekking": "Centrumgemeenten die leverden, per kwartaal",
}

#: The counts of a report's key-figure table (the release's measures).
MAAT = {
    "stand_begin": KERNCIJFER["stand_begin"], "nieuwe_verblijven": KERNCIJFER["nieuwe_verblijven"],
    "beeindigde_verblijven": KERNCIJFER["beeindigde_verblijven"],
    "stand_einde": KERNCIJFER["stand_einde"],
    **{k: f"Aanmeldingen uit {v.lower()}" for k, v in HERKOMST.items() if k != "onbekend"},
    "onbekend": "Aanmeldingen herkomst onbekend",
    "clienten_in_zorg": KERNCIJFER["clienten_in_zorg"], "geplaatst": KERNCIJFER["geplaatst"],
    "uitstroom": KERNCIJFER["uitstroom"], "meegekomen_kinderen": KERNCIJFER["meegekomen_kinderen"],
    "Totaal": "Aanmeldingen totaal",
}
