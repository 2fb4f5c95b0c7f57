"""Great Expectations, kept in one small place: an ephemeral context, pandas frames only.

Why so narrow: GX through SQLAlchemy + duckdb-engine fails every expectation upstream (an
IndexError), so frames are pulled from DuckDB; its import costs seconds, so it happens here,
lazily, once per run; its default result formats carry raw values, so results are asked in
SUMMARY form without any value list and reduced to two counts at once; its progress bars and
analytics are switched off so nothing reaches the terminal or the network.
"""

from __future__ import annotations

import functools
import os

import pandas as pd

from pipeline.quality.rules import QualityRule, RulesError

#: No record's value ever leaves GX: no partial lists, no unexpected rows, no values.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0,
                 "include_unexpected_rows": False, "exclude_unexpected_values": True}


@functools.cache
def _batch_definition():
    """One ephemeral context per process (a run of the quality rules, or a test session):
    it holds no data between validations, only the pandas source every frame passes."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("kwaliteit").add_dataframe_asset("regel")
    return asset.add_batch_definition_whole_dataframe("frame")


class GxValidator:
    """Every rule's expectation built up front, validated in the process's one context."""

    def __init__(self, rules: list[QualityRule]) -> None:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        import great_expectations.expectations as gxe

        self.expectations = {}
        problems = []
        for rule in rules:
            try:
                self.expectations[rule.regel] = getattr(gxe, rule.expectation)(
                    **rule.parameters)
            except Exception as exc:  # noqa: BLE001 - pydantic's error, reported per rule
                problems.append(f"rule {rule.regel}: {rule.expectation} refuses its "
                                f"parameters: {' '.join(str(exc).split())}")
        if problems:
            raise RulesError("the quality rules cannot be used:\n  " + "\n  ".join(problems))
        self.batch_definition = _batch_definition()

    def validate(self, rule: QualityRule, frame: pd.DataFrame) -> tuple[bool, int, int]:
        """(success, element_count, unexpected_count) of the rule's expectation on the frame's
        checked column (the only column GX sees)."""
        batch = self.batch_definition.get_batch(
            batch_parameters={"dataframe": frame[[rule.column]]})
        result = batch.validate(self.expectations[rule.regel], result_format=RESULT_FORMAT)
        return (bool(result.success), int(result.result["element_count"]),
                int(result.result["unexpected_count"]))
