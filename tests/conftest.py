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
from pipeline.ingest.run import IngestRun, ingest_into
from pipeline.periods import parse_periode as P
from pipeline.synth.generator import HEADERS  # the contract's column order, one home
from pipeline.warehouse import db
from schemas.reference_tables import load_reference

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "sample"
TODAY = dt.date(2026, 11, 22)

#: One valid row per soort for GM0344, 2025Q1. Tests change one thing at a time.
from pipeline.synth.valid_rows import VALID  # noqa: E402  (one home, shared with synth's defects)


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
    """A real DuckDB warehouse in a temporary folder, with its own pseudonym key.

    ``models=False`` for tests that read only what the loader writes (raw tables,
    quarantine, load history): their ingests leave the derived models unbuilt, as
    ``ingest(rebuild=False)`` does for one call."""

    def __init__(self, tmp: Path, models: bool = True):
        self.path = tmp / "wh" / "monitor.duckdb"
        self.key_file = tmp / "key" / "pseudoniem.key"
        self.key = pseudonym.load_or_create_key(self.key_file)
        self.models = models

    def ingest(self, *paths: Path, today: dt.date = TODAY,
               rebuild: bool | None = None, terugdraaien: bool = False) -> IngestRun:
        """Load the files, then rebuild the models (``ingest_into``) unless this warehouse
        is one without models or ``rebuild=False``."""
        con = db.connect(self.path)
        try:
            return ingest_into(con, list(paths), self.key, load_reference(), today=today,
                               rebuild=self.models if rebuild is None else rebuild,
                               terugdraaien=terugdraaien)
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
def wh(request, tmp_path: Path) -> Warehouse:
    """A warehouse whose ingests build the models, unless the test module says
    ``MODELS = False`` (tests of what the loader writes)."""
    return Warehouse(tmp_path, models=getattr(request.module, "MODELS", True))


D = dt.date.fromisoformat


class Tiny:
    """A real warehouse file filled by hand: one load per (CG, kwartaal, soort)."""

    def __init__(self, path):
        self.con = db.connect(path)
        load_reference().install(self.con)
        self.loads: dict[tuple, int] = {}
        #: the format version of the loads made from here on (v1.1: reden_niet_geplaatst)
        self.formaatversie = "1.1"

    def load_id(self, cg: str, kwartaal: str, soort: str) -> int:
        key = (cg, kwartaal, soort)
        if key not in self.loads:
            self.loads[key] = len(self.loads) + 1
            self.con.execute(
                "INSERT INTO loads (load_id, file, sha256, centrumgemeente, kwartaal, soort, "
                "status, loaded_at, formaatversie) VALUES (?, ?, 'x', ?, ?, ?, 'loaded', now(), ?)",
                [self.loads[key], f"{cg}_{kwartaal}_{soort}.csv", cg, kwartaal, soort,
                 self.formaatversie])
        return self.loads[key]

    def verblijf(self, vid, start, eind=None, vorm="residentieel", client="c1", cg="GM0344",
                 kwartaal="2025Q1"):
        self.con.execute(
            "INSERT INTO raw_verblijf VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [self.load_id(cg, kwartaal, "verblijf"), cg, kwartaal, client, vid, D(start),
             D(eind) if eind else None, vorm])

    def aanmelding(self, aid, datum, uitkomst="geplaatst", plaatsing=None, herkomst=None,
                   kinderen=None, cg="GM0344", kwartaal="2025Q1", vorm="crisisopvang",
                   reden=None, client="c"):
        self.con.execute(
            "INSERT INTO raw_instroom (load_id, bronregel, centrumgemeente, kwartaal, "
            "client_pseudoniem, aanmelding_id, aanmelddatum, uitkomst, plaatsingsdatum, "
            "opvangvorm, gemeente_herkomst, verwijzer, geslacht, geboortejaar, aantal_kinderen, "
            "reden_niet_geplaatst) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'v', NULL, ?, ?)",
            [self.load_id(cg, kwartaal, "instroom"), cg, kwartaal, client, aid, D(datum),
             uitkomst, D(plaatsing) if plaatsing else None, vorm, herkomst, kinderen, reden])

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
def released(tmp_path_factory, worker_id):
    """Two quarters of synthetic data at schaal 0.1 (NOT_DELIVERED without 2025Q2), ingested,
    and the reports of 2025Q2 for
    RELEASED_SCOPES rendered with the site index: (warehouse, period folder, results).
    Rendered once per test run: under `pytest -n 2` the first worker to ask renders it under
    a lock in the run's shared temporary folder and the other waits and reads it (the
    report, site, browser and cache tests only read it). Protecting the release fills the
    release cache beside its warehouse, which the tests of the release then read."""
    import fcntl
    import pickle

    from pipeline.share.render import render_reports
    from pipeline.synth.generator import generate

    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the folder all workers of this run share
    tmp, done = root / "released", root / "released.pickle"
    with open(root / "released.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            generate(tmp / "raw", seed=3, kwartalen=("2025Q1", "2025Q2"), schaal=0.1)
            for late in (tmp / "raw").rglob(f"{NOT_DELIVERED}_2025Q2*"):
                late.unlink()
            Warehouse(tmp).ingest(tmp / "raw")
            results = render_reports(Warehouse(tmp).path, P("2025Q2"), RELEASED_SCOPES,
                                     tmp / "reports", workers=2)
            done.write_bytes(pickle.dumps(results))
    return Warehouse(tmp), tmp / "reports" / "2025Q2", pickle.loads(done.read_bytes())


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


