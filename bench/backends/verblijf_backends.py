"""Evaluation for issue 17, kept as a check of the path it chose: the verblijf row rules on
pandera's Polars backend, validated by pandera itself and by the loader's one-pass runner
(``pipeline/ingest/rule_pass.py``), on the same delivery file.

Run it in the project's venv, on a verblijf delivery (e.g. from ``opvangmonitor synth``):

    .venv/bin/python bench/backends/verblijf_backends.py GM0344_2025Q1_verblijf.csv

It reads the file as the loader does, runs the model's rules (``schemas/verblijf.py``, its
columns' rules generated from ``schemas/formaat.py``; nothing here restates a rule) both
ways, and prints the seconds, the number of failure cases per rule, whether each failure
can be traced to its source line, and whether the two ways found the same failures.

Issue 17 also ported the rules to pandas and to pandera's Ibis backend on DuckDB; its
results are in docs/performance.md. The Ibis port was a second copy of every rule, so it
was removed when the rules came to be declared once (issue 29); it stands in git history
(``git show d8fccd1:bench/backends/verblijf_backends.py``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def read(path: Path):
    """The file as the loader's frame of text with its context columns."""
    from pipeline.ingest import run, validate
    from pipeline.ingest.names import parse_name
    from schemas import models

    name = parse_name(path)
    tables, _ = run._read(path, name)
    frame = validate.prepare([(tables["verblijf"], name)], models()["verblijf"])
    return frame.drop(validate.LINE)


def pandera_run(path: Path) -> dict:
    import pandera.polars as pa

    from schemas import schema_of

    t0 = time.perf_counter()
    frame = read(path)
    t1 = time.perf_counter()
    schema = schema_of("verblijf")
    try:
        schema.validate(frame, lazy=True)
        cases = None
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    t2 = time.perf_counter()
    # pandera names a check of the whole frame by the schema: the runner, by no column
    found = set() if cases is None else {
        (str(c), col if col in schema.columns else None, int(i))
        for c, col, i in zip(cases["check"], cases["column"], cases["index"], strict=True)}
    return {"backend": "pandera.polars", "read_s": round(t1 - t0, 2),
            "validate_s": round(t2 - t1, 2), "found": found,
            "row_index_present": cases is not None and cases["index"].null_count() == 0}


def rule_pass_run(path: Path) -> dict:
    from pipeline.ingest import rule_pass
    from schemas import schema_of

    t0 = time.perf_counter()
    frame = read(path)
    t1 = time.perf_counter()
    cases = rule_pass.failure_cases(schema_of("verblijf"), frame)
    t2 = time.perf_counter()
    found = set(zip(cases["check"], cases["column"], cases["index"], strict=True))
    return {"backend": "rule_pass (one Polars pass)", "read_s": round(t1 - t0, 2),
            "validate_s": round(t2 - t1, 2), "found": found,
            "row_index_present": cases["index"].null_count() == 0}


def summary(result: dict) -> dict:
    per_check: dict[str, int] = {}
    for check, _, _ in result["found"]:
        per_check[check] = per_check.get(check, 0) + 1
    return {**{k: v for k, v in result.items() if k != "found"},
            "failure_cases": len(result["found"]), "per_check": per_check}


if __name__ == "__main__":
    path = Path(sys.argv[1])
    read(path)  # imports and the reference data once, outside both timings
    results = [pandera_run(path), rule_pass_run(path)]
    for result in results:
        print(summary(result))
    print({"same_failures": results[0]["found"] == results[1]["found"]})
