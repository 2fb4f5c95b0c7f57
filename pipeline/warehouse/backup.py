"""Backup and restore of the warehouse: a consistent copy with a manifest of checksums.

Why this way: DuckDB lets one process write a file, and a read-only connection keeps any
writer out while it is open. So a backup holds one while it copies the file (and its
write-ahead log, when a writer left one), which makes the copy consistent without stopping
DuckDB; an ingest that runs already holds the file and the backup is refused in words.

A backup is one file (the copy's write-ahead log is checkpointed into it) and is whole only
with its ``manifest.json``: it is written into a folder
``<DIR>.deel`` and renamed to DIR after the manifest, so a backup killed halfway leaves no
folder that looks whole. A restore checks every checksum before it writes anything, writes
beside the target and renames it into place, so a damaged or partial backup never replaces
a warehouse, and a restore killed halfway leaves the old warehouse as it was.

What a backup does not hold: the pseudonym key (keep it apart, like a password: without it
later deliveries no longer link to the restored clients) and the release cache (computed
again from the warehouse when needed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

from pipeline.config import fault_point
from pipeline.warehouse.db import open_duckdb

MANIFEST = "manifest.json"
FORMAT = "opvangmonitor-backup/1"
#: DuckDB's write-ahead log beside the database file, when the last writer left one.
WAL_SUFFIX = ".wal"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(db_file: Path, target: Path) -> dict:
    """Copy the warehouse to the new folder ``target`` with a manifest; returns it."""
    db_file, target = Path(db_file), Path(target)
    if not db_file.is_file():
        raise BackupError(f"No warehouse at {db_file}: nothing to back up.")
    if target.exists():
        raise BackupError(f"{target} exists already: give a new folder for the backup "
                          "(a backup never overwrites anything).")
    partial = target.with_name(target.name + ".deel")
    shutil.rmtree(partial, ignore_errors=True)  # what a killed backup left behind
    con = open_duckdb(db_file, read_only=True)  # keeps every writer out while we copy
    try:
        partial.mkdir(parents=True, mode=0o700)  # as private as the warehouse itself
        copy = partial / db_file.name
        shutil.copyfile(db_file, copy)
        wal = Path(str(db_file) + WAL_SUFFIX)
        if wal.exists():  # a writer's log not yet in the file: copied with it
            shutil.copyfile(wal, Path(str(copy) + WAL_SUFFIX))
    finally:
        con.close()
    fault_point("backup_copied")
    # the copy's own log goes into its file, so a backup is always one file
    open_duckdb(copy).execute("CHECKPOINT").close()
    copy.chmod(0o600)
    _fsync(copy)
    entries = [{"bestand": copy.name, "bytes": copy.stat().st_size, "sha256": sha256(copy)}]
    manifest = {"formaat": FORMAT, "warehouse": db_file.name,
                "gemaakt_op": dt.datetime.now().isoformat(timespec="seconds"),
                "bestanden": entries,
                "niet_in_backup": "de pseudoniemsleutel (apart bewaren) en de release-cache"}
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (partial / MANIFEST).chmod(0o600)
    _fsync(partial / MANIFEST)
    os.replace(partial, target)
    return manifest


def check(source: Path) -> dict:
    """The manifest of a whole, undamaged backup; a clear refusal otherwise."""
    source = Path(source)
    if not source.is_dir():
        raise BackupError(f"No backup folder at {source}.")
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            f"{source} has no {MANIFEST}: the backup is partial (it was interrupted) or not "
            "made by 'opvangmonitor backup'. Nothing was restored; use another backup.") from None
    except ValueError:
        raise BackupError(f"{source / MANIFEST} is damaged: nothing was restored.") from None
    if manifest.get("formaat") != FORMAT:
        raise BackupError(f"{source} is not a backup this version can read "
                          f"(formaat {manifest.get('formaat')!r}, expected {FORMAT!r}).")
    for e in manifest["bestanden"]:
        path = source / e["bestand"]
        if not path.is_file():
            raise BackupError(f"{path} is missing from the backup: nothing was restored.")
        if path.stat().st_size != e["bytes"] or sha256(path) != e["sha256"]:
            raise BackupError(f"{path} does not match its checksum in {MANIFEST}: the backup "
                              "is damaged. Nothing was restored; use another backup.")
    return manifest


def restore(source: Path, db_file: Path, replace: bool = False) -> dict:
    """Put the backup in ``source`` in place as ``db_file``; returns its manifest."""
    manifest = check(source)
    db_file = Path(db_file)
    [entry] = manifest["bestanden"]
    if db_file.exists():
        if not replace:
            raise BackupError(f"A warehouse exists at {db_file}: give --vervang to replace it "
                              "with the backup, or --db for another file.")
        # refused in words while another process holds it; its log goes into its file, so
        # no log of the replaced warehouse is left to be replayed on the restored one
        open_duckdb(db_file).execute("CHECKPOINT").close()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_file.with_name(db_file.name + ".herstel")
    shutil.copyfile(Path(source) / entry["bestand"], tmp)
    _fsync(tmp)
    fault_point("restore_staged")
    os.replace(tmp, db_file)  # the one step that changes the warehouse: whole or not at all
    return manifest
