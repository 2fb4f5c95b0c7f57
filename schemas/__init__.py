"""The row rules of the delivery format: one pandera model per soort.

``MODELS[soort]`` gives the module of a soort; each module exposes ``SOORT``, ``KEY``,
``REQUIRED``, ``OPTIONAL``, the column groups the reader normalises, the pandera
model and ``RULES`` (check name -> plain-language text).
"""

from __future__ import annotations

from types import ModuleType

from schemas import capaciteit, instroom, uitstroom, verblijf

MODELS: dict[str, ModuleType] = {
    "instroom": instroom,
    "verblijf": verblijf,
    "uitstroom": uitstroom,
    "capaciteit": capaciteit,
}
SOORTEN: tuple[str, ...] = tuple(MODELS)


def model_of(soort: str):
    """The pandera DataFrameModel class of a soort."""
    mod = MODELS[soort]
    return next(
        v for k, v in vars(mod).items() if k.endswith("Model") and k != "DataFrameModel"
    )
