"""The layout of docs/architecture.md, kept true: the rules layer depends on nothing in the
application, and each package only reaches down the data's path, never up it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What stands above the path: the command line (``pipeline.cli`` and its ``cli_render``,
#: ``cli_options``), the glue (``workflow``) and the tools that cross every layer
#: (``pipeline/tools``: bench, validatie). No package on the path imports them.
ABOVE_THE_PATH = ("pipeline.cli", "pipeline.workflow", "pipeline.tools")

#: package -> packages of pipeline/ it must not import (later on the path, or above it)
NOT_UP_THE_PATH = {
    "pipeline/ingest": ("pipeline.figures", "pipeline.share", "pipeline.quality",
                        "pipeline.synth", *ABOVE_THE_PATH),
    "pipeline/warehouse": ("pipeline.ingest", "pipeline.figures", "pipeline.share",
                           "pipeline.quality", "pipeline.synth", *ABOVE_THE_PATH),
    "pipeline/figures": ("pipeline.ingest", "pipeline.share", "pipeline.quality",
                         "pipeline.synth", *ABOVE_THE_PATH),
    "pipeline/quality": ("pipeline.share", "pipeline.synth", *ABOVE_THE_PATH),
    "pipeline/share": ("pipeline.ingest", "pipeline.quality", "pipeline.synth",
                       *ABOVE_THE_PATH),
    "pipeline/synth": ABOVE_THE_PATH,
    "schemas": ("pipeline",),
}

#: The figures compute: drawing on the terminal (rich) and the command line's text (typer)
#: are beside the CLI (pipeline/cli_render.py, cli_options.py), never in pipeline/figures.
NOT_IN_FIGURES = ("rich", "typer", "click")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


def test_no_package_reaches_up_the_path():
    broken = []
    for folder, forbidden in NOT_UP_THE_PATH.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            for module in imported_modules(path):
                if module.startswith(forbidden):
                    broken.append(f"{path.relative_to(ROOT)} imports {module}")
    assert broken == []


def test_the_figures_only_compute():
    broken = [f"{path.relative_to(ROOT)} imports {module}"
              for path in sorted((ROOT / "pipeline/figures").rglob("*.py"))
              for module in imported_modules(path)
              if module.split(".")[0] in NOT_IN_FIGURES]
    assert broken == []


def test_tools_that_cross_every_layer_stand_in_their_own_package():
    # bench and validatie chain synth -> ingest -> figures (-> share): not at the top of
    # pipeline/, where validatie.py stood beside ingest/validate.py under a near-same name
    tools = sorted(p.name for p in (ROOT / "pipeline/tools").glob("*.py"))
    assert tools == ["__init__.py", "bench.py", "validatie.py"]
    assert not (ROOT / "pipeline/bench.py").exists()
    assert not (ROOT / "pipeline/validatie.py").exists()


def test_at_most_eight_modules_stand_directly_in_pipeline():
    top = sorted(p.name for p in (ROOT / "pipeline").glob("*.py"))
    assert len(top) <= 8, top


def test_the_layers_detect_a_module_that_reaches_up(tmp_path):
    # the check itself can fail: a file importing the share layer from ingest is caught
    bad = tmp_path / "bad.py"
    bad.write_text("from pipeline.share.release import cell\nimport pipeline.figures\n")
    assert imported_modules(bad) == {"pipeline.share.release", "pipeline.figures"}


def test_raw_tables_hold_exactly_the_delivered_columns_of_the_schemas():
    # raw.sql types the columns; the schemas are their one list: the two cannot drift apart
    import duckdb

    from pipeline.warehouse.db import ensure_raw_schema
    from schemas import SOORTEN, columns

    con = duckdb.connect()
    ensure_raw_schema(con)
    for soort in SOORTEN:
        raw = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
            [f"raw_{soort}"]).fetchall()]
        delivered = [("client_pseudoniem" if c == "client_id" else c) for c in columns(soort)]
        assert [c for c in raw if c not in ("load_id", "bronregel", "centrumgemeente",
                                            "kwartaal")] == delivered, soort


def test_the_column_lists_of_the_format_are_the_fields_of_the_models():
    # the reader checks headers against schemas/formaat.py, the models check the rows: the
    # two lists are one, and the models take theirs from it
    from schemas import KOLOMMEN, MODELS, SOORTEN, columns

    assert tuple(MODELS) == SOORTEN == tuple(KOLOMMEN)
    for soort, kolommen in KOLOMMEN.items():
        model = MODELS[soort]
        assert set(columns(soort)) == set(kolommen.required) | set(kolommen.optional), soort
        assert model.SOORT == soort
        groups = kolommen.dates + kolommen.ints + kolommen.enums + kolommen.codes
        assert set(groups) <= set(columns(soort)), soort



def test_each_columns_own_rules_are_generated_from_the_format_and_have_words():
    # schemas/formaat.py declares every column's type, value list, length and range once;
    # the models' column checks are exactly the ones generated from it, and every check of a
    # model (generated or written between columns) has its words in RULES
    from schemas import KOLOMMEN, MODELS, model_of
    from schemas.common import CONTEXT_COLUMNS
    from schemas.kolomregels import column_rules

    for soort, kolommen in KOLOMMEN.items():
        schema = model_of(soort).to_schema()
        declared = {k.naam: [r.naam for r in column_rules(k)] for k in kolommen.kolommen}
        checked = {c: [check.name for check in column.checks]
                   for c, column in schema.columns.items() if c not in CONTEXT_COLUMNS}
        assert checked == declared, soort
        names = [n for ns in declared.values() for n in ns] + [c.name for c in schema.checks]
        names += [f"not_nullable:{c}" for c, column in schema.columns.items()
                  if not column.nullable and c not in CONTEXT_COLUMNS]
        assert sorted(names) == sorted(MODELS[soort].RULES), soort
        assert all(r.melding and r.oplossing for r in MODELS[soort].RULES.values()), soort
        assert schema.checks[-1].name == f"{kolommen.key}_dubbel", soort


def test_a_generated_rule_keeps_its_name_however_often_pandera_builds_it():
    # pandera takes a decorated check's name from its keywords only once: a second model
    # built from the same checks would report the function's name instead
    from schemas.kolomregels import columns_model

    base = columns_model("verblijf")
    first, second = type("EenModel", (base,), {}), type("AnderModel", (base,), {})
    for model in (base, first, second):
        schema = model.to_schema()
        assert [c.name for c in schema.columns["startdatum"].checks] == ["startdatum_is_datum"]
        assert [c.name for c in schema.checks] == ["verblijf_id_dubbel"]


def _run_python(code: str, env: dict | None = None) -> str:
    """``code`` in a fresh interpreter (nothing imported yet), without the allocator setting
    this process inherited or made, plus ``env``."""
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env={**clean, **(env or {})})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_reading_a_delivery_does_not_load_the_row_rules(tmp_path):
    # the loader imports pandera and Polars on its validation thread while the first file
    # is read (ingest.run.load_rules): reading, the reference data and the workflow must not
    # need them, or that second of imports is paid before the first file again
    csv = tmp_path / "GM0344_2025Q1_verblijf.csv"
    csv.write_text("client_id;verblijf_id;startdatum;opvangvorm\nC1;V1;2025-01-02;ambulant\n",
                   encoding="utf-8")
    loaded = _run_python(
        "import sys\n"
        "from pathlib import Path\n"
        "import pipeline.workflow\n"
        "from pipeline.ingest import run\n"
        "from pipeline.ingest.names import parse_name\n"
        "from schemas.reference_tables import load_reference\n"
        "load_reference()\n"
        f"p = Path({str(csv)!r})\n"
        "tables, _ = run._read(p, parse_name(p))\n"
        "assert len(tables['verblijf'].frame) == 1\n"
        "print(sorted(m for m in ('pandera', 'polars') if m in sys.modules))\n")
    assert loaded == "[]"


def test_polars_keeps_freed_memory_a_while_unless_the_user_chose(tmp_path):
    # pipeline/__init__.py sets Polars' documented allocator override before Polars starts
    code = "import os, pipeline, polars; print(os.environ['_RJEM_MALLOC_CONF'])"
    ours = _run_python(code)
    assert ours.endswith(",dirty_decay_ms:5000,muzzy_decay_ms:5000")  # after Polars' 500
    theirs = _run_python(code, {"_RJEM_MALLOC_CONF": "dirty_decay_ms:100"})
    assert theirs.endswith(",dirty_decay_ms:100") and "5000" not in theirs
