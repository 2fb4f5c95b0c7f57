"""Write one delivery file into the warehouse: load history, rows, quarantine, supersede.

Everything for one file happens inside one transaction, so a crash or a kill
leaves the warehouse exactly as it was before that file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.config import fault_point
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


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class CurrentLoads:
    """Which loads are current (status 'loaded'), and which bytes were current once and then
    replaced (status 'superseded'): read from the warehouse once per run and kept in step
    with what the run writes. Asking the warehouse twice per file costs more than writing a
    small delivery's rows, and while a run holds the warehouse no other process can write
    to it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._slots: dict[tuple, list[tuple[int, str, str]]] = {}
        self._files: set[tuple[str, str]] = set()
        #: (centrumgemeente, kwartaal, soort, sha256) -> (load_id, file, superseded_by)
        self._replaced: dict[tuple, tuple[int, str, int | None]] = {}
        for load_id, file, sha, status, superseded_by, *slot in con.execute(
                "SELECT load_id, file, sha256, status, superseded_by, centrumgemeente, "
                "kwartaal, soort FROM loads WHERE status IN ('loaded', 'superseded') "
                "ORDER BY load_id").fetchall():
            if status == "superseded":
                self._replaced[(*slot, sha)] = (load_id, file, superseded_by)
                continue
            self._slots.setdefault(tuple(slot), []).append((load_id, sha, file))
            self._files.add((file, sha))

    def unchanged(self, file: str, sha256: str) -> bool:
        """The same bytes from the same path are already the current load: nothing to do."""
        return (file, sha256) in self._files

    def of(self, name: DeliveryName, soort: str) -> list[tuple[int, str, str]]:
        """(load_id, sha256, file) of the current load(s) of a centrumgemeente's quarter
        and soort."""
        return list(self._slots.get((name.centrumgemeente, name.kwartaal, soort), []))

    def replaced(self, name: DeliveryName, soort: str, sha256: str
                 ) -> tuple[int, str, int | None] | None:
        """(load_id, file, superseded_by) when these bytes were once the load of this
        centrumgemeente's quarter and soort, and a newer version replaced them."""
        return self._replaced.get((name.centrumgemeente, name.kwartaal, soort, sha256))

    def committed(self, name: DeliveryName, file: str, sha256: str, outcomes: list[dict]
                  ) -> None:
        """Take in what a committed transaction changed: new loads replace the old."""
        for o in outcomes:
            if o["status"] != "loaded":
                continue
            slot = (name.centrumgemeente, name.kwartaal, o["soort"])
            for old_id, old_sha, old_file in self._slots.get(slot, []):
                self._files.discard((old_file, old_sha))
                self._replaced[(*slot, old_sha)] = (old_id, old_file, o["load_id"])
            self._replaced.pop((*slot, sha256), None)
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
    terugdraaien: bool = False,
) -> list[dict]:
    """Load every soort of one file in one transaction; return one outcome per soort.
    ``current`` is the run's view of the current loads (read afresh when not given).
    Bytes that were once loaded and then replaced by a newer version change nothing
    (status 'unchanged', saying so) unless ``terugdraaien``: then they are loaded again
    and replace the newer version (a deliberate rollback)."""
    current = current or CurrentLoads(con)
    outcomes = []
    with transaction(con):
        for b in batches:
            outcomes.append(_write_batch(con, file, sha256, name, b, current.of(name, b.soort),
                                         current.replaced(name, b.soort, sha256),
                                         terugdraaien))
        fault_point("before_commit")
    current.committed(name, file, sha256, outcomes)
    fault_point("after_commit")
    return outcomes


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"


def _write_batch(con, file: str, sha256: str, name: DeliveryName, b: SoortBatch,
                 current: list[tuple[int, str, str]],
                 replaced: tuple[int, str, int | None] | None = None,
                 terugdraaien: bool = False) -> dict:
    if current and current[0][1] == sha256:
        # The same bytes arrived under another path: note it, load nothing.
        message = f"same content as {current[0][2]}, which is already loaded"
        if not scalar(con, "SELECT count(*) FROM loads WHERE file = ? AND sha256 = ? "
                      "AND soort = ? AND status = 'duplicate'", [file, sha256, b.soort]):
            _insert_load(con, file, sha256, name, b.soort, "duplicate", b.rows_read, 0, 0, message)
        return {"soort": b.soort, "status": "duplicate", "message": message}
    if replaced is not None and not terugdraaien:
        # An older version again, after a newer one replaced it: the newer stays current.
        old_id, old_file, by = replaced
        now_current = (f"load {current[0][0]} ({current[0][2]})" if current
                       else f"load {by}" if by else "a newer version")
        message = (f"{b.soort} of {name.centrumgemeente} {name.kwartaal}: these bytes were "
                   f"loaded before as load {old_id} ({old_file}) and replaced by {now_current}, "
                   "which stays current; nothing changed. To make them current again on "
                   "purpose, ingest with --terugdraaien")
        return {"soort": b.soort, "status": "unchanged", "message": message}

    n_bad = int(b.quarantine["bronregel"].nunique()) if len(b.quarantine) else 0
    vervangt = [{"load_id": old_id, "file": old_file,
                 "rows_loaded": int(scalar(con, "SELECT rows_loaded FROM loads WHERE "
                                                "load_id = ?", [old_id]) or 0)}
                for old_id, _, old_file in current]
    notes = [f"{b.soort} of {name.centrumgemeente} {name.kwartaal}: "
             + ("rolls back to these bytes, loaded before as load "
                f"{replaced[0]}; " if replaced is not None else "")
             + f"replaces load {v['load_id']} ({v['file']}, {_rows(v['rows_loaded'])}) "
             f"with {_rows(len(b.rows))}" for v in vervangt]
    message = "; ".join(b.warnings + notes) or None
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
            "vervangt": vervangt, "warnings": notes, "message": message}


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
