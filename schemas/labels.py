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


def verschil(x: float | int | None) -> str | None:
    """A difference with its sign, written as the tables write numbers (+1.200; -3; 0)."""
    if x is None:
        return None
    text = getal(abs(x))
    return text if text == "0" else ("+" if x > 0 else "-") + text


def klassen_voorbeeld(klassen: list[str]) -> str:
    """Two classes of a map or flow as an example in a sentence ('5-9 of 10-24' at threshold
    5): from the classes in use (``disclosure.klasse_labels``), never written by hand."""
    breed = klassen[2:]  # after '0' and the class of small counts
    return f"{breed[0]} of {breed[1]}"


#: The series per quarter of a report (measure -> its name in tables and charts).
REEKS = {"aanmeldingen": "Aanmeldingen", "nieuwe_verblijven": "Instroom (nieuwe verblijven)",
         "uitstroom": "Uitstroom", "stand_einde": "Lopende verblijven einde kwartaal"}


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


#: Each report chart's title, by the name of its file ({naam}: the scope's name).
GRAFIEK_TITEL = {
    "per_kwartaal": "In- en uitstroom per kwartaal, {naam}",
    "herkomst": "Herkomst van aanmeldingen, {naam}",
    "per_opvangvorm": "Cliënten in zorg per opvangvorm, {naam}",
    "verblijfsduur": "Verblijfsduur residentiële opvang, {naam}",
    "trajectduur": "Duur van trajecten (alle opvangvormen), {naam}",
    "uitstroom_bestemming": "Waar gaan cliënten naartoe? {naam}",
    "belemmeringen": "Belemmeringen bij uitstroom, {naam}",
    "wachttijd": "Wachttijd van aanmelding tot plaatsing, {naam}",
    "bezetting": "Bezetting van de residentiële opvang, {naam}",
    "plaatsen": "Plaatsen en benodigde plaatsen, {naam}",
    "herkomst_kaart": "Gemeente van herkomst, {naam}",
    "stromen": "Aanmeldingen tussen regio's",
}

#: The words of the charts (pipeline.share.charts): axes, legends, and what a chart says
#: where it has nothing to draw.
GRAFIEK = {
    "as_aanmeldingen": "Aanmeldingen",
    "as_clienten": "Cliënten",
    "as_belemmering": "Uitstroom met deze belemmering",
    "bron": "Bron: monitor in-, door- en uitstroom vrouwenopvang",
    "voetnoot": ("{bron}. Peildatum {peildatum}. Referentie {referentie}. Kleine aantallen "
                 "zijn afgeschermd (zie de toelichting in het rapport)."),
    "aantal": "Aantal",
    "verborgen_op_as": "{mark} op de as: verborgen aantal",
    "nog_in_zorg": "Nog in zorg",
    "nog_in_zorg_afgerond": "Nog in zorg (berekend op afgeronde aantallen)",
    "band_95": "95%-betrouwbaarheidsband",
    "te_weinig_verblijven": "Te weinig verblijven om te tonen",
    "dagen_sinds_start": "Dagen sinds start",
    "alle_plaatsen_bezet": "alle plaatsen bezet ",
    "geen_bezetting": "Geen capaciteit aangeleverd, of te weinig cliënten om te tonen",
    "bezetting_as": "Bezetting (% van de plaatsen)",
    "plaatsen_aangeleverd": "Plaatsen (aangeleverd)",
    "plaatsen_benodigd": "Benodigde plaatsen (doel gehaald)",
    "interval_95": "95%-interval",
    "niet_getoond": "niet getoond",
    "niet_getoond_kort": "niet\ngetoond",
    "niet_aangeleverd_kort": "niet\naangeleverd",
    "plaatsen": "Plaatsen",
    "grenzen_95": "95%-grenzen",
    "grenzen_998": "99,8%-grenzen",
    "landelijk": "Landelijk ({aandeel})",
    "regio": "Regio",
    "regio_buiten": "Regio buiten de 95%-grenzen",
    "aandeel_as": "Aandeel (%)",
}

#: The shares the report site compares (pipeline.share.site): key -> (column name, title of
#: its funnel plot, name of its base).
INDICATOR = {
    "eigen_regio": ("Uit eigen regio", "Aandeel aanmeldingen uit de eigen regio",
                    "Aanmeldingen uit een Nederlandse regio"),
    "ambulant": ("Uitsluitend ambulant", "Aandeel cliënten uitsluitend ambulant",
                 "Cliënten in zorg"),
    "binnen_1_dag": ("Binnen 1 dag geplaatst", "Aandeel geplaatst binnen 1 dag",
                     "Geplaatste aanmeldingen"),
}

#: The site's comparison table: the columns that are not a key figure of KERNCIJFER.
VERGELIJKING = {
    "regio": "Regio", "inwoners": "Inwoners", "aanmeldingen": "Aanmeldingen",
    "aanmeldingen_per_10k": "Aanmeldingen per 10.000 inw.",
    "clienten_in_zorg_per_10k": "Cliënten in zorg per 10.000 inw.",
    "wacht_mediaan": "Wachttijd, mediaan (klasse)",
}

#: The words of a report's tables (pipeline.share.sections): column names, row names and
#: what a cell says when a figure is not shown.
RAPPORT = {
    "kerncijfer": "Kerncijfer",
    "waarde": "Waarde",
    "niet_getoond": "niet getoond",
    "kwartaal": "Kwartaal",
    "opvangvorm": "Opvangvorm",
    "clienten_in_zorg": "Cliënten in zorg",
    "bestemming": "Bestemming",
    "uitstroom": "Uitstroom",
    "belemmering": "Belemmering",
    "wachttijd": "Wachttijd",
    "geplaatst": "Geplaatst",
    "totaal_geplaatst": "Totaal geplaatst",
    "bezettingsgraad": "Bezettingsgraad",
    "plaatsen_aangeleverd": "Plaatsen (aangeleverd)",
    "benodigde_plaatsen": "Benodigde plaatsen",
    "interval_95": "95%-interval",
    "verschil": "Verschil",
    "regios_in_de_som": "Regio's in de som",
    "alle_aangeleverde_plaatsen": "Alle aangeleverde plaatsen",
    "maat": "Maat",
    "regio": "Regio",
    "totaal": "Totaal",
    "niet_aangeleverd": "niet aangeleverd",
    "wacht_mediaan": "Wachttijd tot plaatsing, mediaan (klasse)",
    "aandeel_eigen_regio": "Aandeel uit eigen regio",
    "aandeel_ambulant": "Aandeel uitsluitend ambulant",
    "binnen_7_dagen": "Plaatsingen binnen 7 dagen na aanmelding",
    "zonder_plek": "Aanmeldingen zonder plek (doorverwezen of niet geplaatst)",
    "wachtenden": "Gemiddeld aantal wachtenden op een dag",
    "over_regiogrens": "Plaatsingen over een regiogrens",
    "grens_in": "Geplaatst hier, uit een andere regio",
    "grens_uit": "Inwoners van deze regio elders geplaatst",
}
