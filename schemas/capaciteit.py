"""capaciteit (optional): places available in the quarter per residential opvangvorm.

Every rule of capaciteit concerns one column (and the key): all are declared in
``schemas/formaat.py`` and generated (``schemas/kolomregels.py``)."""

from __future__ import annotations

from schemas.common import RowRule
from schemas.kolomregels import columns_model, rules_of

SOORT = "capaciteit"


class CapaciteitModel(columns_model(SOORT)):
    pass


RULES: dict[str, RowRule] = rules_of(CapaciteitModel)
