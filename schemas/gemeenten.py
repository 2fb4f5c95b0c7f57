"""Municipality codes: shape and whether the reference data knows them."""

from __future__ import annotations

import pandas as pd

from schemas.common import RowRule


def known_gemeente(s: pd.Series) -> pd.Series:
    """True for BUITENLAND, a 2025 code, or an older code that maps to one.

    An old code (e.g. GM0501 Brielle, merged into Voorne aan Zee in 2023) is valid
    in a delivery: the models map it to the current code.
    """
    from schemas.reference_tables import load_reference

    ref = load_reference()
    known = [code for code in s.dropna().unique()
             if code == "BUITENLAND" or ref.is_known_municipality(code)]
    return s.isin(known).astype("boolean").mask(s.isna())


def gemeente_rule(kolom: str) -> tuple[RowRule, RowRule]:
    return (
        RowRule(kolom, f"{kolom} is not a municipality code", "Use the CBS code GM + 4 digits "
             "(e.g. GM0344), BUITENLAND for abroad, or leave it empty when unknown."),
        RowRule(kolom, f"{kolom} is not a known municipality code",
             "Check the code against the CBS list of municipalities (current or former)."),
    )
