"""uitstroom: one row per client who left the organisation's care in the quarter. Its
columns and their rules are declared in ``schemas/formaat.py``; one rule compares a date
with the quarter."""

from __future__ import annotations

from schemas.common import RowRule, quarter_check
from schemas.kolomregels import columns_model, rules_of

SOORT = "uitstroom"


class UitstroomModel(columns_model(SOORT)):
    _in_kwartaal = quarter_check(
        "uitstroomdatum", "Deliver the uitstroom in the file of the quarter the client left, or "
        "correct the date.")


RULES: dict[str, RowRule] = rules_of(UitstroomModel)
