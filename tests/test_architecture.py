"""The layout of docs/architecture.md, kept true: the rules layer depends on nothing in the
application, and each package only reaches down the data's path, never up it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: package -> packages of pipeline/ it must not import (later on the path)
NOT_UP_THE_PATH = {
    "pipeline/ingest": ("pipeline.figures", "pipeline.share", "pipeline.quality",
                        "pipeline.synth"),
    "pipeline/warehouse": ("pipeline.ingest", "pipeline.figures", "pipeline.share",
                           "pipeline.quality", "pipeline.synth"),
    "pipeline/figures": ("pipeline.ingest", "pipeline.share", "pipeline.quality",
                         "pipeline.synth"),
    "pipeline/quality": ("pipeline.share", "pipeline.synth"),
    "pipeline/share": ("pipeline.ingest", "pipeline.quality", "pipeline.synth"),
    "schemas": ("pipeline",),
}


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
