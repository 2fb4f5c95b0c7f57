"""The text of the command line's own options, parsed into what the figures take: ``--doel``
into a :class:`~pipeline.figures.capaciteit.Doel`, ``--scenario`` into a
:class:`~pipeline.figures.capaciteit.Scenario`. (Periods and quarter ranges are parsed in
:mod:`pipeline.periods`.) A text that is not understood is a ValueError that says what to
write; the CLI turns it into exit code 2.
"""

from __future__ import annotations

from dataclasses import asdict

from pipeline.figures.capaciteit import Doel, Scenario

HOE = ("write crisisopvang=0.05 (at most 5% find the area full) or residentieel=0.95/7 "
       "(95% placed within 7 days)")


def parse_doel(teksten: list[str] | None) -> Doel:
    """``--doel`` values: ``crisisopvang=0.05`` (at most 5% find the area full) and
    ``residentieel=0.95/7`` (95% placed within 7 days); percentages (``5%``) work too."""
    values = asdict(Doel())

    def share(text: str) -> float:
        text = text.strip()
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)

    for tekst in teksten or []:
        vorm, _, waarde = tekst.partition("=")
        try:
            if vorm.strip() == "crisisopvang":
                values["afgewezen_max"] = share(waarde)
            elif vorm.strip() == "residentieel":
                aandeel, _, dagen = waarde.partition("/")
                values["binnen_aandeel"] = share(aandeel)
                if dagen:
                    values["binnen_dagen"] = float(dagen.strip().removesuffix("d"))
            else:
                raise ValueError
        except ValueError:
            raise ValueError(f"--doel {tekst!r} is not understood: {HOE}") from None
    try:
        return Doel(**values)
    except ValueError as exc:
        raise ValueError(f"--doel: {exc}; {HOE}") from None


SCENARIO_HULP = ("write korter-verblijf[=10%] (stays 10% shorter, e.g. through faster "
                 "uitstroom to housing), meer-plaatsen[=20] (20 more places) or "
                 "drukke-maand[=2] (one month a year with twice the arrivals)")


def parse_scenario(tekst: str) -> Scenario:
    """``--scenario`` text: one of the three what-ifs, with an optional size."""
    naam, _, waarde = (x.strip() for x in tekst.partition("="))
    try:
        if naam == "korter-verblijf":
            share = float(waarde.rstrip("%")) / (100 if waarde.endswith("%") else 1) \
                if waarde else 0.10
            if not 0 < share < 1:
                raise ValueError
            return Scenario(f"verblijf {share:.0%} korter", verblijf_factor=1 - share)
        if naam == "meer-plaatsen":
            extra = int(waarde) if waarde else 20
            return Scenario(f"{extra:+d} plaatsen", extra_plaatsen=extra)
        if naam == "drukke-maand":
            factor = float(waarde.rstrip("x")) if waarde else 2.0
            if factor <= 0:
                raise ValueError
            return Scenario(f"een maand per jaar {factor:g} keer zoveel aanvragen",
                            piek=(0.0, 30.0, factor))
    except ValueError:
        pass
    raise ValueError(f"--scenario {tekst!r} is not understood: {SCENARIO_HULP}")
