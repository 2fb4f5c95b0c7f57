"""Ingest: take delivery files from disk to the warehouse, one file at a time.

The path of one file: name -> whole-file guards -> read -> row rules ->
pseudonymise -> one transaction. A rejected file leaves a note in the load
history and in the run's rejection report; quarantined rows are stored with every
reason they failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import checks, load, pseudonym, validate
from pipeline.deliveries import (
    DeliveryName,
    FileRejected,
    TextTable,
    find_files,
    parse_name,
    read_csv_file,
    read_xlsx_sheets,
)
from schemas import MODELS

REPORT_COLUMNS = ["bestand", "soort", "bronregel", "kolom", "regel", "probleem", "oplossing",
                  "waarde"]


@dataclass
class FileResult:
    """What happened to one file (per soort for a workbook)."""

    file: str
    status: str  # loaded | rejected | duplicate | unchanged
    soort: str | None = None
    centrumgemeente: str | None = None
    kwartaal: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestRun:
    results: list[FileResult] = field(default_factory=list)
    report: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))

    @property
    def exit_code(self) -> int:
        """0 all clean; 1 when any file was rejected or any row quarantined (cli.md)."""
        bad = any(r.status == "rejected" or r.rows_quarantined for r in self.results)
        return 1 if bad else 0


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ingest_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path],
    key: bytes,
    centrumgemeenten: frozenset[str],
    today: dt.date | None = None,
    progress: Callable[[Path], None] | None = None,
) -> IngestRun:
    """Ingest files and folders; each file in its own transaction."""
    today = today or dt.date.today()
    run = IngestRun()
    reports = []
    files = find_files(paths)
    for path in files:
        results, report = ingest_file(con, path, key, centrumgemeenten, today)
        run.results.extend(results)
        reports.append(report)
        if progress:
            progress(path)
    reports = [r for r in reports if len(r)]
    if reports:
        run.report = pd.concat(reports, ignore_index=True)
        run.report["bronregel"] = run.report["bronregel"].astype("Int64")
    return run


def ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, key: bytes, centrumgemeenten: frozenset[str],
    today: dt.date,
) -> tuple[list[FileResult], pd.DataFrame]:
    file = str(path)
    data = path.read_bytes()
    sha = sha256_of(data)
    name: DeliveryName | None = None
    try:
        name = parse_name(path)
        checks.check_centrumgemeente(name, centrumgemeenten)
        checks.check_not_future(name, today)
        if load.is_unchanged(con, file, sha):
            return [FileResult(file, "unchanged", name.soort, name.centrumgemeente, name.kwartaal,
                               message="already loaded (same content)")], _empty_report()
        tables, warnings = _read(path, name)
        batches = [_validate(file, name, soort, t, key) for soort, t in tables.items()]
    except FileRejected as exc:
        soorten = [name.soort] if name and name.soort else [None]
        if name and name.soort is None:
            soorten = [None]
        load.record_rejection(con, file, sha, name, soorten, str(exc))
        result = FileResult(file, "rejected", name.soort if name else None,
                            name.centrumgemeente if name else None,
                            name.kwartaal if name else None, message=str(exc))
        report = pd.DataFrame([{
            "bestand": file, "soort": result.soort, "bronregel": None, "kolom": None,
            "regel": exc.regel, "probleem": f"whole file rejected: {exc.problem}",
            "oplossing": exc.fix, "waarde": None,
        }], columns=REPORT_COLUMNS)
        return [result], report

    outcomes = load.write_file(con, file, sha, name, [b for b, _ in batches])
    results, reports = [], []
    for (batch, failures), outcome in zip(batches, outcomes, strict=True):
        status = outcome["status"]
        loaded = status == "loaded"
        results.append(FileResult(
            file, status, batch.soort, name.centrumgemeente, name.kwartaal,
            rows_read=batch.rows_read,
            rows_loaded=len(batch.rows) if loaded else 0,
            rows_quarantined=int(failures["bronregel"].nunique()) if loaded else 0,
            message=outcome.get("message"),
            warnings=warnings + batch.warnings,
        ))
        if loaded and len(failures):
            reports.append(failures.assign(bestand=file, soort=batch.soort)
                           .rename(columns={"melding": "probleem"})[REPORT_COLUMNS])
    report = pd.concat(reports, ignore_index=True) if reports else _empty_report()
    return results, report


def _empty_report() -> pd.DataFrame:
    return pd.DataFrame(columns=REPORT_COLUMNS)


def _read(path: Path, name: DeliveryName) -> tuple[dict[str, TextTable], list[str]]:
    """Read the file's table(s) and apply the whole-file guards to each."""
    warnings: list[str] = []
    required = {soort: set(m.REQUIRED) for soort, m in MODELS.items()}
    if name.soort is not None:
        model = MODELS[name.soort]
        tables = {name.soort: read_csv_file(path, required[name.soort],
                                            set(model.REQUIRED) | set(model.OPTIONAL))}
    else:
        tables, others = read_xlsx_sheets(path, required)
        if others:
            warnings.append(f"sheet(s) ignored, not a soort: {', '.join(others)}")
        if not tables:
            raise FileRejected(
                "the workbook has no sheet named instroom, verblijf, uitstroom or capaciteit",
                "Name each sheet after its soort", "kolom_ontbreekt",
            )
    for soort, table in tables.items():
        model = MODELS[soort]
        checks.check_identifying_columns(table.header)
        checks.check_required_columns(table.header, model)
        if "client_id" in table.frame:
            checks.check_no_bsn(table.frame["client_id"])
        unknown = checks.unknown_columns(table.header, model)
        if unknown:
            warnings.append(f"{soort}: column(s) ignored, not in the delivery format: "
                            f"{', '.join(unknown)}")
        warnings.extend(f"{soort}: {w}" for w in table.warnings)
    return tables, warnings


def _validate(file: str, name: DeliveryName, soort: str, table: TextTable, key: bytes):
    model = MODELS[soort]
    v = validate.validate_table(table, model, name)
    rows = validate.typed(v.good, model)
    rejected = v.rejected_rows.copy()
    if "client_id" in rows:
        rows.insert(0, "client_pseudoniem", pseudonym.pseudonymise(
            key, name.centrumgemeente, rows.pop("client_id")))
        rejected["client_id"] = pseudonym.pseudonymise(
            key, name.centrumgemeente, rejected["client_id"])
        rejected = rejected.rename(columns={"client_id": "client_pseudoniem"})
    records = rejected.apply(validate.record_json, axis=1) if len(rejected) else pd.Series(
        dtype="string")
    quarantine = v.failures.drop(columns=["waarde"]).copy()
    quarantine["record"] = quarantine["bronregel"].map(records) if len(quarantine) else []
    batch = load.SoortBatch(soort, rows, quarantine, v.rows_read, v.warnings)
    return batch, v.failures
