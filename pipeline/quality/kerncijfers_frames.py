"""Record frames for the rules that check the published key figures themselves.

``voorraad_identiteit`` and ``bezetting_boven_capaciteit`` are about the numbers an analyst
would publish, so they read ``pipeline.figures.kerncijfers`` for each CG x quarter rather than
a copy of its definitions. The functions here are pure: one kerncijfers dict in, records out.
"""

from __future__ import annotations

from collections.abc import Callable

from schemas import labels


def voorraad_records(kc: dict, centrumgemeente: str, kwartaal: str) -> list[dict]:
    """One record for the total and one per opvangvorm: verschil = stand_einde -
    (stand_begin + nieuwe_verblijven - beeindigde_verblijven), 0 when the identity holds."""
    scopes = [("totaal", kc)] + sorted(kc.get("per_opvangvorm", {}).items())
    out = []
    for scope, v in scopes:
        verwacht = v["stand_begin"] + v["nieuwe_verblijven"] - v["beeindigde_verblijven"]
        out.append({"centrumgemeente": centrumgemeente, "kwartaal": kwartaal,
                    "verschil": int(v["stand_einde"] - verwacht),
                    "detail": f"{scope}: stand einde {v['stand_einde']}, stand begin + nieuw "
                              f"- beëindigd {verwacht}"})
    return out


def bezetting_records(kc: dict, centrumgemeente: str, kwartaal: str) -> list[dict]:
    """One record when the bezettingsgraad is known (capaciteit delivered), none otherwise."""
    graad = kc.get("bezettingsgraad")
    if graad is None:
        return []
    return [{"centrumgemeente": centrumgemeente, "kwartaal": kwartaal,
             "bezettingsgraad": float(graad),
             "detail": f"bezettingsgraad {labels.getal(graad, 2)}"}]


FRAMES: dict[str, Callable[[dict, str, str], list[dict]]] = {
    "voorraad_identiteit": voorraad_records,
    "bezetting_boven_capaciteit": bezetting_records,
}
