"""One valid row per soort for centrumgemeente GM0344, quarter 2025Q1: the row a defect of
``synth --defecten`` breaks one thing in, and the row the tests change one thing at a time
(``tests/conftest.py``). Every rule of ``schemas/`` lets it pass; the keys link the three
record types (aanmelding A1 led to verblijf V1, which ended in uitstroom V1)."""

from __future__ import annotations

VALID = {
    "instroom": {"client_id": "K1", "aanmelding_id": "A1", "aanmelddatum": "2025-01-10",
                 "uitkomst": "geplaatst", "plaatsingsdatum": "2025-01-12",
                 "opvangvorm": "crisisopvang", "gemeente_herkomst": "GM0344",
                 "verwijzer": "politie", "geslacht": "v", "geboortejaar": "1990",
                 "aantal_kinderen": "1"},
    "verblijf": {"client_id": "K1", "verblijf_id": "V1", "startdatum": "2025-01-12",
                 "einddatum": "2025-02-01", "opvangvorm": "crisisopvang", "aanmelding_id": "A1"},
    "uitstroom": {"client_id": "K1", "verblijf_id": "V1", "uitstroomdatum": "2025-02-01",
                  "bestemming": "zelfstandig_wonen", "gemeente_bestemming": "GM0344",
                  "reden_einde": "doelen_behaald", "belemmeringen": "geen_woning|financien"},
    "capaciteit": {"opvangvorm": "crisisopvang", "plaatsen": "10"},
}
