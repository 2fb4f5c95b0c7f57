"""The one-pass runner finds exactly the failures pandera's own validation finds.

``pipeline/ingest/rule_pass.py`` runs the models' check objects in one Polars pass instead
of letting pandera collect them one by one. These tests compare the two on random frames
of every soort and on every defect of ``synth --defecten``: the same (rule, column, row)
triples, no more and no fewer.
"""

from __future__ import annotations

import json

import pandera.polars as pa
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import rule_pass, run, validate
from pipeline.ingest.names import FileRejected, parse_name
from pipeline.synth.defects import write_defects
from schemas import SOORTEN, model_of, models, schema_of
from schemas.common import BRON, KWARTAAL_EIND, KWARTAAL_START
from schemas.formaat import (
    BELEMMERINGEN,
    BESTEMMINGEN,
    GESLACHTEN,
    KOLOMMEN,
    OPVANGVORMEN,
    REDENEN_EINDE,
    REDENEN_NIET_GEPLAATST,
    UITKOMSTEN,
    VERWIJZERS,
)

#: Values per kind of column: valid ones, invalid ones, edge cases and missing.
DATES = ["2025-01-01", "2025-01-10", "2025-03-31", "2025-04-01", "2024-12-31", "2025-02-30",
         "2025-2-3", "10-01-2025", "2025-01-10x", " ", None]
INTS = ["0", "1", "15", "16", "-1", "+3", "1900", "1899", "1990", "2025", "2026", "1.5",
        "abc", "99999999999999999999", None]
CODES = ["GM0344", "GM0363", "GM9999", "BUITENLAND", "gm0344", "GM344", None]
ALLOWED = {"opvangvorm": OPVANGVORMEN, "uitkomst": UITKOMSTEN, "verwijzer": VERWIJZERS,
           "geslacht": GESLACHTEN, "bestemming": BESTEMMINGEN, "reden_einde": REDENEN_EINDE,
           "reden_niet_geplaatst": REDENEN_NIET_GEPLAATST}
TEXTS = ["K1", "K2", "A1", "A2", "V1", "x" * 64, "x" * 65, "K 1", "K\u00e91", "", None]


def values_for(soort: str, column: str) -> list[str | None]:
    k = KOLOMMEN[soort]
    if column in k.dates:
        return DATES
    if column in k.ints:
        return INTS
    if column in k.codes:
        return CODES
    if column == "belemmeringen":
        return ["geen_woning|financien", BELEMMERINGEN[0], "geen_woning|", "x|y", "", None]
    if column in k.enums:
        return list(ALLOWED[column][:3]) + ["onbekend", "Crisisopvang", "", None]
    return TEXTS


def pandera_cases(schema, frame: pl.DataFrame) -> set[tuple]:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        return {(c, col if col in schema.columns else None, int(i))
                for c, col, i in zip(cases["check"].cast(pl.String), cases["column"],
                                     cases["index"], strict=True)}
    return set()


def runner_cases(schema, frame: pl.DataFrame) -> set[tuple]:
    cases = rule_pass.failure_cases(schema, frame)
    return set(zip(cases["check"], cases["column"], cases["index"], strict=True))


def frames(soort: str):
    columns = KOLOMMEN[soort].delivered
    row = st.fixed_dictionaries({c: st.sampled_from(values_for(soort, c)) for c in columns})
    quarter = st.sampled_from([("2025-01-01", "2025-03-31"), ("2026-10-01", "2026-12-31")])
    return st.tuples(st.lists(st.tuples(row, st.integers(0, 1)), max_size=25), quarter)


def as_frame(soort: str, rows, quarter) -> pl.DataFrame:
    columns = KOLOMMEN[soort].delivered
    data = {c: [r[c] for r, _ in rows] for c in columns}
    data[KWARTAAL_START] = [quarter[0]] * len(rows)
    data[KWARTAAL_EIND] = [quarter[1]] * len(rows)
    data[BRON] = [b for _, b in rows]
    return pl.DataFrame(data, schema={**{c: pl.String for c in columns},
                                      KWARTAAL_START: pl.String, KWARTAAL_EIND: pl.String,
                                      BRON: pl.Int64})


@pytest.mark.parametrize("soort", SOORTEN)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_same_failures_as_pandera_on_random_frames(soort, data):
    rows, quarter = data.draw(frames(soort))
    frame = as_frame(soort, rows, quarter)
    schema = schema_of(soort)
    assert runner_cases(schema, frame) == pandera_cases(schema, frame)


def test_same_failures_as_pandera_on_every_defect(tmp_path):
    folder = tmp_path / "defecten"
    manifest = json.loads(write_defects(folder, 1).read_text())["defecten"]
    compared = set()
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".csv", ".xlsx")):
        try:
            name = parse_name(path)
            tables, _ = run._read(path, name)
        except FileRejected:
            continue
        for soort, table in tables.items():
            frame = validate.prepare([(table, name)], models()[soort]).drop(validate.LINE)
            schema = schema_of(soort)
            found = runner_cases(schema, frame)
            assert found == pandera_cases(schema, frame), path.name
            compared |= {check for check, _, _ in found}
    # the defects exercise rules of every soort that has row rules
    rules = {d["regel"] for d in manifest if d.get("regel")}
    assert len(compared) >= 10 and compared & rules


def test_a_schema_with_features_it_cannot_replay_is_refused():
    frame = as_frame("verblijf", [], ("2025-01-01", "2025-03-31"))
    with pytest.raises(rule_pass.UnsupportedSchema, match="dtype"):
        rule_pass.failure_cases(model_of("verblijf").to_schema(), frame)
    with pytest.raises(rule_pass.UnsupportedSchema, match="columns"):
        rule_pass.failure_cases(schema_of("verblijf"), frame.drop(BRON))


def test_a_rule_that_cannot_run_is_our_fault_not_the_delivery():
    frame = as_frame("verblijf", [], ("2025-01-01", "2025-03-31"))
    broken = schema_of("verblijf").add_columns({})
    broken.checks = [pa.Check(lambda data: data.lazyframe.select(pl.col("nergens") > 1),
                              name="kapot")]
    with pytest.raises(RuntimeError, match="kapot"):
        rule_pass.failure_cases(broken, frame)


@pytest.mark.parametrize("ignore_na", [True, False])
def test_a_missing_outcome_counts_as_pandera_counts_it(ignore_na):
    """Our rules never leave an outcome missing, but pandera's reading of one (a pass when
    the check ignores missing values, a fail otherwise) is replayed all the same."""
    frame = as_frame("verblijf", [({c: None for c in KOLOMMEN["verblijf"].delivered}, 0)] * 3,
                     ("2025-01-01", "2025-03-31"))
    schema = schema_of("verblijf").add_columns({})
    schema.checks = [pa.Check(lambda data: data.lazyframe.select(
        pl.when(pl.col(BRON) > 0).then(True).otherwise(None)), name="half",
        ignore_na=ignore_na)]
    found = runner_cases(schema, frame)
    assert found == pandera_cases(schema, frame)
    assert any(check == "half" for check, _, _ in found) is not ignore_na
