"""Small real delivery files and a real warehouse per test."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

from pipeline.ingest import pseudonym
from pipeline.ingest.run import IngestRun, ingest_paths
from pipeline.periods import parse_periode as P
from pipeline.synth.generator import HEADERS  # the contract's column order, one home
from pipeline.warehouse import db
from schemas.reference_tables import load_reference

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "sample"
TODAY = dt.date(2026, 11, 22)

#: One valid row per soort for GM0344, 2025Q1. Tests change one thing at a time.
VALID = {
    "instroom": {"client_id": "K1", "aanmelding_id": "A1", "aanmelddatum": "2025-01-10",
                 "uitkomst": "geplaatst", "plaatsingsdatum": "2025-01-12",
                 "opvangvorm": "crisisopvang", "gemeente_herkomst": "GM0344",
                 "verwijzer": "politie", "geslacht": "v", "geboortejaar": "1990",
                 "aantal_kinderen": "1"},
    "verblijf": {"client_id": "K1", "verblijf_id": "V1", "startdatum": "2025-01-12",
                 "einddatum": "2025-02-01", "opvangvorm": "crisisopvang", "aanmelding_id": "A1"},
    "uitstroom": {"client_id": "K1", "verblijf_id": "V1", "uitstroomdatum": "2025-02-01",
                  "bestemming": "zelfstandig_wonen", "gemeente_bestemming": "GM0344",
                  "reden_einde": "doelen_behaald", "belemmeringen": "geen_woning|financien"},
    "capaciteit": {"opvangvorm": "crisisopvang", "plaatsen": "10"},
}


def write_delivery(
    folder: Path, soort: str, rows: Sequence[dict], cg: str = "GM0344", kwartaal: str = "2025Q1",
    header: Sequence[str] | None = None, delimiter: str = ";", encoding: str = "utf-8",
    name: str | None = None,
) -> Path:
    """Write a CSV delivery as an organisation would; returns its path."""
    header = list(header or HEADERS[soort])
    lines = [delimiter.join(header)]
    for r in rows:
        lines.append(delimiter.join(_quote(str(r.get(h, "") or ""), delimiter) for h in header))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{cg}_{kwartaal}_{soort}.csv")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _quote(v: str, delimiter: str) -> str:
    if delimiter in v or '"' in v or "\n" in v:
        return '"' + v.replace('"', '""') + '"'
    return v


def row(soort: str, **changes) -> dict:
    out = dict(VALID[soort])
    out.update(changes)
    return out


class Warehouse:
    """A real DuckDB warehouse in a temporary folder, with its own pseudonym key."""

    def __init__(self, tmp: Path):
        self.path = tmp / "wh" / "monitor.duckdb"
        self.key_file = tmp / "key" / "pseudoniem.key"
        self.key = pseudonym.load_or_create_key(self.key_file)

    def ingest(self, *paths: Path, today: dt.date = TODAY) -> IngestRun:
        from pipeline.workflow import rebuild
        from schemas.reference_tables import load_reference

        con = db.connect(self.path)
        try:
            ref = load_reference()
            run = ingest_paths(con, list(paths), self.key, ref.lidmaatschap,
                               today=today)
            rebuild(con, ref)
            return run
        finally:
            con.close()

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["OPVANGMONITOR_DB"] = str(self.path)
        env["OPVANGMONITOR_KEY_FILE"] = str(self.key_file)
        return env


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path)


D = dt.date.fromisoformat


class Tiny:
    """A real warehouse file filled by hand: one load per (CG, kwartaal, soort)."""

    def __init__(self, path):
        self.con = db.connect(path)
        load_reference().install(self.con)
        self.loads: dict[tuple, int] = {}

    def load_id(self, cg: str, kwartaal: str, soort: str) -> int:
        key = (cg, kwartaal, soort)
        if key not in self.loads:
            self.loads[key] = len(self.loads) + 1
            self.con.execute(
                "INSERT INTO loads (load_id, file, sha256, centrumgemeente, kwartaal, soort, "
                "status, loaded_at) VALUES (?, ?, 'x', ?, ?, ?, 'loaded', now())",
                [self.loads[key], f"{cg}_{kwartaal}_{soort}.csv", cg, kwartaal, soort])
        return self.loads[key]

    def verblijf(self, vid, start, eind=None, vorm="residentieel", client="c1", cg="GM0344",
                 kwartaal="2025Q1"):
        self.con.execute(
            "INSERT INTO raw_verblijf VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [self.load_id(cg, kwartaal, "verblijf"), cg, kwartaal, client, vid, D(start),
             D(eind) if eind else None, vorm])

    def aanmelding(self, aid, datum, uitkomst="geplaatst", plaatsing=None, herkomst=None,
                   kinderen=None, cg="GM0344", kwartaal="2025Q1", vorm="crisisopvang"):
        self.con.execute(
            "INSERT INTO raw_instroom VALUES (?, 1, ?, ?, 'c', ?, ?, ?, ?, ?, ?, "
            "NULL, 'v', NULL, ?)",
            [self.load_id(cg, kwartaal, "instroom"), cg, kwartaal, aid, D(datum), uitkomst,
             D(plaatsing) if plaatsing else None, vorm, herkomst, kinderen])

    def capaciteit(self, kwartaal, crisis=None, residentieel=None, cg="GM0344"):
        lid = self.load_id(cg, kwartaal, "capaciteit")
        for vorm, n in (("crisisopvang", crisis), ("residentieel", residentieel)):
            if n is not None:
                self.con.execute("INSERT INTO raw_capaciteit VALUES (?, 1, ?, ?, ?, ?)",
                                 [lid, cg, kwartaal, vorm, n])

    def uitstroom(self, vid, datum, client="c1", cg="GM0344", kwartaal="2025Q1"):
        self.con.execute(
            "INSERT INTO raw_uitstroom VALUES (?, 1, ?, ?, ?, ?, ?, 'onbekend', NULL, "
            "'overig', [])", [self.load_id(cg, kwartaal, "uitstroom"), cg, kwartaal, client,
                              vid, D(datum)])

    def figures(self, periode="2025Q1", cg="GM0344"):
        from pipeline.figures.kerncijfers import kerncijfers

        self.build()
        return kerncijfers(self.con, P(periode), cg)

    def build(self):
        from pipeline import warehouse

        warehouse.build(self.con)




@pytest.fixture
def tiny(tmp_path):
    t = Tiny(tmp_path / "tiny.duckdb")
    yield t
    t.con.close()


#: The scopes the shared rendered release holds: a large area, a small one (Den Helder,
#: where most charts have too little to show) and the country.
RELEASED_SCOPES = ["GM0344", "GM0400", "landelijk"]
#: An area that has not delivered the released quarter yet, as in the weeks after a quarter
#: closes: the release must still publish every other area and the country.
NOT_DELIVERED = "GM0080"


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """Two quarters of synthetic data at schaal 0.1 (NOT_DELIVERED without 2025Q2), ingested,
    and the reports of 2025Q2 for
    RELEASED_SCOPES rendered with the site index: (warehouse, period folder, results).
    Rendered once per test process; the report, site and browser tests read it."""
    from pipeline.share.render import render_reports
    from pipeline.synth.generator import generate

    tmp = tmp_path_factory.mktemp("rapport")
    generate(tmp / "raw", seed=3, kwartalen=("2025Q1", "2025Q2"), schaal=0.1)
    for late in (tmp / "raw").rglob(f"{NOT_DELIVERED}_2025Q2*"):
        late.unlink()
    wh = Warehouse(tmp)
    wh.ingest(tmp / "raw")
    out = tmp / "reports"
    results = render_reports(wh.path, P("2025Q2"), RELEASED_SCOPES, out, workers=2)
    return wh, out / "2025Q2", results


#: Fixtures that give a test a real DuckDB warehouse on disk, and the calls that make one.
WAREHOUSE_FIXTURES = frozenset({"wh", "tiny"})
WAREHOUSE_CALL = re.compile(r"\b(Warehouse|Tiny|connect)\(")
CATEGORIES = ("unit", "integration", "e2e")


def _builds_warehouse(item) -> bool:
    """True when the test, or a fixture of this suite it uses, opens a real warehouse."""
    names = set(getattr(item, "fixturenames", ()))
    if names & WAREHOUSE_FIXTURES:
        return True
    defs = getattr(item, "_fixtureinfo", None)
    funcs = [getattr(item, "function", None)] + [
        d.func for n in names for d in (defs.name2fixturedefs.get(n, ()) if defs else ())
        if getattr(d.func, "__module__", "").rpartition(".")[2].startswith(("test_", "conftest"))]
    for f in funcs:
        try:
            if WAREHOUSE_CALL.search(inspect.getsource(f)):
                return True
        except (OSError, TypeError):
            continue
    return False


def pytest_collection_modifyitems(config, items):
    """Every test gets exactly one category (docs/architecture.md, "Tests"). ``e2e`` is
    marked by hand on tests that run the CLI in a process or papermill; a test that opens a
    real warehouse (itself or through a fixture of this suite) is ``integration``; the rest
    is ``unit``. ``slow`` is marked by hand from measured durations; ``make test-fast``
    leaves out slow and e2e."""
    for item in items:
        own = [c for c in CATEGORIES if item.get_closest_marker(c)]
        if len(own) > 1:
            raise pytest.UsageError(f"{item.nodeid} has more than one category: {own}")
        if not own:
            item.add_marker("integration" if _builds_warehouse(item) else "unit")
