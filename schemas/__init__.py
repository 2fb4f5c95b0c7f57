"""The row rules of the delivery format: one pandera model per soort.

``MODELS[soort]`` gives the module of a soort; each module exposes ``SOORT``, the pandera
model and ``RULES`` (check name -> plain-language text). A soort's
columns, their types, value lists and lengths, and the groups the reader normalises are
``KOLOMMEN[soort]`` (``schemas/formaat.py``); each column's own rules are generated from it
(``schemas/kolomregels.py``), the rules between columns are written in the model.
"""

from __future__ import annotations

import copy
import functools
import importlib
from types import ModuleType

from schemas.formaat import KOLOMMEN, SOORTEN

__all__ = ["KOLOMMEN", "MODELS", "SOORTEN", "columns", "model_of", "models", "schema_of"]


@functools.cache
def models() -> dict[str, ModuleType]:
    """The module of each soort, in the order of ``SOORTEN``. Imported on first use, not with
    the package: they bring pandera and Polars (about a second), which reading a file or
    running a report does not need (``schemas.formaat`` holds what they do need)."""
    return {soort: importlib.import_module(f"schemas.{soort}") for soort in SOORTEN}


def __getattr__(name: str):
    # ``from schemas import MODELS`` keeps working, and loads the models only then.
    if name == "MODELS":
        return models()
    raise AttributeError(f"module 'schemas' has no attribute {name!r}")


def model_of(soort: str):
    """The pandera DataFrameModel class of a soort."""
    mod = models()[soort]
    return next(v for k, v in vars(mod).items()
                if k.endswith("Model") and getattr(v, "__module__", None) == mod.__name__)


@functools.cache
def columns(soort: str) -> tuple[str, ...]:
    """The delivered columns of a soort in the delivery format's order: the model's fields,
    without the context columns the loader adds. Which columns there are is
    ``KOLOMMEN[soort]`` (a test keeps the two the same); this gives their order."""
    from schemas.common import CONTEXT_COLUMNS

    return tuple(c for c in model_of(soort).to_schema().columns if c not in CONTEXT_COLUMNS)


@functools.cache
def schema_of(soort: str):
    """The soort's schema as the loader runs it: the model's checks, without dtype checks.

    The loader hands every column over as Arrow-backed text (``validate.prepare``), so
    pandera's per-column dtype check and coercion only cost time (a third of a small
    file's validation); every rule stays exactly as the model states it.
    """
    schema = copy.deepcopy(model_of(soort).to_schema())
    schema.coerce = False
    for column in schema.columns.values():
        column.dtype = None
        column.coerce = False
    return schema
