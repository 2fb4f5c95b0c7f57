"""Write one delivery file into the warehouse: load history, rows, quarantine, supersede.

Everything for one file happens inside one transaction, so a crash or a kill
leaves the warehouse exactly as it was before that file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.ingest.names import DeliveryName
from pipeline.warehouse.db import scalar, setting, transaction

LOAD_COLUMNS = (
    "load_id", "file", "sha256", "centrumgemeente", "kwartaal", "soort", "status", "rows_read",
    "rows_loaded", "rows_quarantined", "message", "loaded_at", "superseded_by",
)


@dataclass
class SoortBatch:
    """The validated content of one soort of one file, ready to write."""

    soort: str
    rows: pa.Table              # bronregel, client_pseudoniem and the contract's columns
    quarantine: pd.DataFrame    # bronregel, kolom, regel, melding, oplossing, record
    rows_read: int
    warnings: list[str] = field(default_factory=list)
    #: the version of the delivery format its header follows (schemas.formaat.formaatversie)
    formaatversie: str | None = None


#: Where the crash-safety tests may stop the loader (in the order they are passed).
FAULT_POINTS = ("before_rows", "before_quarantine", "before_supersede", "before_commit",
                "after_commit")


def fault_point(where: str) -> None:
    """Let the crash-safety tests stop the loader at a known moment.

    When ``OPVANGMONITOR_FAULT_POINT`` names this point, the loader writes the file
    named by ``OPVANGMONITOR_FAULT_MARKER`` and waits, so that a test can kill it
    there. Unset (always, in normal use) this does nothing.
    """
    if os.environ.get("OPVANGMONITOR_FAULT_POINT") != where:
        return
    marker = os.environ.get("OPVANGMONITOR_FAULT_MARKER")
    if marker:
        with open(marker, "w") as fh:
            fh.write(where)
    time.sleep(float(os.environ.get("OPVANGMONITOR_FAULT_WAIT", "60")))


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class CurrentLoads:
    """Which loads are current (status 'loaded'): read from the warehouse once per run and
    kept in step with what the run writes. Asking the warehouse twice per file costs more
    than writing a small delivery's rows, and while a run holds the warehouse no other
    process can write to it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._slots: dict[tuple, list[tuple[int, str, str]]] = {}
        self._files: set[tuple[str, str]] = set()
        for load_id, file, sha, *slot in con.execute(
                "SELECT load_id, file, sha256, centrumgemeente, kwartaal, soort FROM loads "
                "WHERE status = 'loaded' ORDER BY load_id").fetchall():
            self._slots.setdefault(tuple(slot), []).append((load_id, sha, file))
            self._files.add((file, sha))

    def unchanged(self, file: str, sha256: str) -> bool:
        """The same bytes from the same path are already the current load: nothing to do."""
        return (file, sha256) in self._files

    def of(self, name: DeliveryName, soort: str) -> list[tuple[int, str, str]]:
        """(load_id, sha256, file) of the current load(s) of a centrumgemeente's quarter
        and soort."""
        return list(self._slots.get((name.centrumgemeente, name.kwartaal, soort), []))

    def committed(self, name: DeliveryName, file: str, sha256: str, outcomes: list[dict]
                  ) -> None:
        """Take in what a committed transaction changed: new loads replace the old."""
        for o in outcomes:
            if o["status"] != "loaded":
                continue
            slot = (name.centrumgemeente, name.kwartaal, o["soort"])
            for _, old_sha, old_file in self._slots.get(slot, []):
                self._files.discard((old_file, old_sha))
            self._slots[slot] = [(o["load_id"], sha256, file)]
            self._files.add((file, sha256))


#: How much a run may write before DuckDB folds its write-ahead log into the database
#: file. DuckDB's default, 16 MB, makes a run of many files checkpoint every few files, and
#: each checkpoint compresses the tables' newest rows again: two quarters of 123 files of
#: ``synth --schaal 100`` took 16.4 s to load with it and 11.7 s with 128 MB (peak memory
#: 1.09 against 1.13 GB; docs/performance.md).
RUN_CHECKPOINT_THRESHOLD = "128MB"


@contextlib.contextmanager
def fewer_checkpoints(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Checkpoint at most every ``RUN_CHECKPOINT_THRESHOLD`` during a run, and once at its
    end, so the run leaves the warehouse as compact as before; the setting the connection
    had is restored. Every file still commits on its own: a crash loses no committed file
    (DuckDB replays its log)."""
    with setting(con, "checkpoint_threshold", RUN_CHECKPOINT_THRESHOLD):
        yield
    con.execute("CHECKPOINT")


def record_rejection(
    con: duckdb.DuckDBPyConnection, file: str, sha256: str, name: DeliveryName | None,
    soorten: list[str | None], message: str,
) -> bool:
    """Note a whole-file rejection in the load history (once per file, bytes and message)."""
    if scalar(con, "SELECT count(*) FROM loads WHERE file = ? AND sha256 = ? "
              "AND status = 'rejected' AND message = ?", [file, sha256, message]):
        return False
    with transaction(con):
        for soort in soorten:
            _insert_load(con, file, sha256, name, soort, "rejected", 0, 0, 0, message)
    return True


def write_file(
    con: duckdb.DuckDBPyConnection, file: str, sha256: str, name: DeliveryName,
    batches: list[SoortBatch], current: CurrentLoads | None = None,
) -> list[dict]:
    """Load every soort of one file in one transaction; return one outcome per soort.
    ``current`` is the run's view of the current loads (read afresh when not given)."""
    current = current or CurrentLoads(con)
    outcomes = []
    with transaction(con):
        for b in batches:
            outcomes.append(_write_batch(con, file, sha256, name, b, current.of(name, b.soort)))
        fault_point("before_commit")
    current.committed(name, file, sha256, outcomes)
    fault_point("after_commit")
    return outcomes


def _write_batch(con, file: str, sha256: str, name: DeliveryName, b: SoortBatch,
                 current: list[tuple[int, str, str]]) -> dict:
    if current and current[0][1] == sha256:
        # The same bytes arrived under another path: note it, load nothing.
        message = f"same content as {current[0][2]}, which is already loaded"
        if not scalar(con, "SELECT count(*) FROM loads WHERE file = ? AND sha256 = ? "
                      "AND soort = ? AND status = 'duplicate'", [file, sha256, b.soort]):
            _insert_load(con, file, sha256, name, b.soort, "duplicate", b.rows_read, 0, 0, message)
        return {"soort": b.soort, "status": "duplicate", "message": message}

    n_bad = int(b.quarantine["bronregel"].nunique()) if len(b.quarantine) else 0
    message = "; ".join(b.warnings) or None
    load_id = _insert_load(con, file, sha256, name, b.soort, "loaded", b.rows_read,
                           len(b.rows), n_bad, message, b.formaatversie)
    fault_point("before_rows")
    # As an Arrow table: DuckDB scans Arrow columns without converting them row by row,
    # and casts the ISO date and number text to the table's types on insert. The table is
    # found by its variable's name (DuckDB's replacement scan): registering and dropping
    # a view per file, and binding parameters, cost more than the insert of a small file.
    batch_rows = _with_load(b.rows, load_id, name)  # noqa: F841 (read by the SQL below)
    con.execute(f"INSERT INTO raw_{b.soort} BY NAME SELECT * FROM batch_rows")
    fault_point("before_quarantine")
    if len(b.quarantine):
        batch_quarantine = b.quarantine.assign(load_id=load_id, file=file,  # noqa: F841
                                               soort=b.soort)
        con.execute(
            "INSERT INTO quarantine BY NAME SELECT load_id, file, soort, bronregel, kolom, "
            "regel, melding, oplossing, record::JSON AS record FROM batch_quarantine")
    fault_point("before_supersede")
    superseded = []
    for old_id, _, _ in current:
        con.execute("UPDATE loads SET status = 'superseded', superseded_by = ? WHERE load_id = ?",
                    [load_id, old_id])
        superseded.append(old_id)
    return {"soort": b.soort, "status": "loaded", "load_id": load_id, "superseded": superseded,
            "message": message}


def _with_load(rows: pa.Table, load_id: int, name: DeliveryName) -> pa.Table:
    """The rows with the columns every row of a load shares."""
    n = rows.num_rows
    return (rows.append_column("load_id", pa.repeat(pa.scalar(load_id, pa.int64()), n))
            .append_column("centrumgemeente", pa.repeat(pa.scalar(name.centrumgemeente), n))
            .append_column("kwartaal", pa.repeat(pa.scalar(name.kwartaal), n)))


def _insert_load(con, file, sha256, name: DeliveryName | None, soort, status, rows_read,
                 rows_loaded, rows_quarantined, message, formaatversie: str | None = None
                 ) -> int:
    return int(con.execute(
        "INSERT INTO loads (load_id, file, sha256, centrumgemeente, kwartaal, soort, status, "
        "rows_read, rows_loaded, rows_quarantined, message, loaded_at, formaatversie) "
        "VALUES (nextval('load_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING load_id",
        [file, sha256, name.centrumgemeente if name else None,
         name.kwartaal if name else None, soort, status, rows_read, rows_loaded,
         rows_quarantined, message, now(), formaatversie],
    ).fetchall()[0][0])


def load_history(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The load history as plain dicts, oldest first (``loads --json``)."""
    cur = con.execute(f"SELECT {', '.join(LOAD_COLUMNS)} FROM loads ORDER BY load_id")
    out = []
    for row in cur.fetchall():
        d = dict(zip(LOAD_COLUMNS, row, strict=True))
        d["loaded_at"] = d["loaded_at"].isoformat() if d["loaded_at"] else None
        out.append(d)
    return out
