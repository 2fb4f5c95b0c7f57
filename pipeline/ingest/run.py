"""Ingest: take delivery files from disk to the warehouse, one file at a time.

The path of one file: name -> whole-file guards -> read -> row rules ->
pseudonymise -> one transaction. A rejected file leaves a note in the load
history and in the run's rejection report; quarantined rows are stored with every
reason they failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from pipeline import warehouse
from pipeline.ingest import checks, load, pseudonym
from pipeline.ingest.names import DeliveryName, FileRejected, find_files, parse_name
from pipeline.ingest.read_csv import read_csv_file
from pipeline.ingest.read_xlsx import read_xlsx_sheets
from pipeline.ingest.text_table import TextTable, arrow_text
from schemas.formaat import KOLOMMEN, formaatversie

if TYPE_CHECKING:
    from pipeline.ingest import validate
    from schemas.reference_tables import Reference

#: Per soort, the columns a file must have: what the reader looks for to find the header.
REQUIRED_COLUMNS = {soort: set(k.required) for soort, k in KOLOMMEN.items()}

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
    #: the load(s) this one replaced: load_id, file and rows_loaded (rows before; after:
    #: ``rows_loaded`` of this result)
    vervangt: list[dict] = field(default_factory=list)


@dataclass
class IngestRun:
    results: list[FileResult] = field(default_factory=list)
    report: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))
    #: after the rebuild (:func:`ingest_into`): loads the active reference data does not count
    rebuild_warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all clean; 1 when any file was rejected or any row quarantined (cli.md)."""
        bad = any(r.status == "rejected" or r.rows_quarantined for r in self.results)
        return 1 if bad else 0


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Prepared:
    """A file that passed the whole-file guards and waits for its rows to be validated."""

    file: str
    sha256: str
    name: DeliveryName
    tables: dict[str, TextTable]
    warnings: list[str]

    @property
    def rows(self) -> int:
        return sum(len(t.frame) for t in self.tables.values())


#: Files are validated in batches of about this many rows (one pandera pass per soort),
#: then written one file per transaction. Bounds memory on very large runs.
BATCH_ROWS = 500_000


def ingest_into(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path],
    key: bytes,
    ref: Reference,
    today: dt.date | None = None,
    progress: Callable[[Path], None] | None = None,
    rebuild: bool = True,
    loaded: Callable[[IngestRun], None] | None = None,
    terugdraaien: bool = False,
) -> IngestRun:
    """The one sequence every caller runs (the CLI's ingest, the demo, bench, the capacity
    validation, the tests): load the files (:func:`ingest_paths`, under the areas of ``ref``),
    then install ``ref`` and rebuild the models (``warehouse.rebuild``; its warnings land in
    ``run.rebuild_warnings``). ``loaded`` is called between the two phases (bench times
    them apart); ``rebuild=False`` leaves the models as they were. ``terugdraaien``: bytes
    once replaced by a newer version are loaded again and replace it (a deliberate rollback;
    without it they change nothing and say so)."""
    run = ingest_paths(con, paths, key, ref.lidmaatschap, today=today, progress=progress,
                       terugdraaien=terugdraaien)
    if loaded is not None:
        loaded(run)
    if rebuild:
        run.rebuild_warnings = warehouse.rebuild(con, ref)
    return run


def ingest_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path],
    key: bytes,
    lidmaatschap: Mapping[str, str],
    today: dt.date | None = None,
    progress: Callable[[Path], None] | None = None,
    batch_rows: int = BATCH_ROWS,
    terugdraaien: bool = False,
) -> IngestRun:
    """Ingest files and folders; each file in its own transaction. ``lidmaatschap`` maps
    each municipality to the centrumgemeente of its area (``Reference.lidmaatschap``): a file
    named for a centrumgemeente loads, one named for another municipality is refused with
    the name of its centrumgemeente."""
    today = today or dt.date.today()
    run = IngestRun()
    reports: list[pd.DataFrame] = []
    pending: list[Prepared] = []
    pending_rows = 0
    in_flight: list[tuple[list[Prepared], Future]] = []
    memo = pseudonym.Memo()
    current = load.CurrentLoads(con)

    def write_in_flight() -> None:
        for batch, validating in in_flight:
            for prepared, batches in zip(batch, validating.result(), strict=True):
                results, report = _write(con, prepared, batches, current, terugdraaien)
                run.results.extend(results)
                reports.append(report)
                if progress:
                    progress(Path(prepared.file))
        in_flight.clear()

    def flush() -> None:
        """Validate the pending files in the background, and meanwhile write the batch
        validated before them (the connection stays on this thread): reading, validating
        and writing overlap, while every file still gets its own transaction, in order.
        A batch of large files starts at once, beside the batch before it; any other
        waits until that one is validated (:func:`alongside`)."""
        nonlocal pending_rows
        if pending:
            batch = list(pending)
            before = None if alongside(batch) or not in_flight else in_flight[-1][1]
            validating = worker.submit(_validate_after, before, batch, key, memo)
            write_in_flight()
            in_flight.append((batch, validating))
            pending.clear()
            pending_rows = 0

    with ThreadPoolExecutor(max_workers=2) as worker, load.fewer_checkpoints(con):
        worker.submit(load_rules)  # while the first file is read
        for path in find_files(paths):
            outcome = _prepare(con, path, lidmaatschap, today, current)
            if isinstance(outcome, Prepared):
                pending.append(outcome)
                pending_rows += outcome.rows
                if pending_rows >= batch_rows:
                    flush()
                continue
            results, report = outcome
            run.results.extend(results)
            reports.append(report)
            if progress:
                progress(path)
        flush()
        write_in_flight()
    reports = [r for r in reports if len(r)]
    if reports:
        run.report = pd.concat(reports, ignore_index=True)
        run.report["bronregel"] = run.report["bronregel"].astype("Int64")
    return run


#: A batch whose files hold this many rows on average is validated beside the batch before
#: it. Large files spend their time in Polars, Arrow and DuckDB, which release the
#: interpreter, so two such batches share the two cores: two files of 10^6 rows load
#: 0.3-0.6 s sooner. Many small files spend theirs in Python, where two batches at once
#: only take turns with the interpreter: two quarters of ``--schaal 100`` (246 files of
#: about 10^4 rows) loaded 10% slower that way (docs/performance.md).
ALONGSIDE_FILE_ROWS = 100_000


def alongside(batch: list[Prepared]) -> bool:
    """Whether ``batch`` may be validated while the batch before it still is."""
    return sum(p.rows for p in batch) >= ALONGSIDE_FILE_ROWS * len(batch)


def _validate_after(before: Future | None, pending: list[Prepared], key: bytes,
                    memo: pseudonym.Memo | None) -> list[list]:
    """:func:`_validate`, once the batch ``before`` (if any) is validated."""
    if before is not None:
        before.result()
    return _validate(pending, key, memo)


def load_rules() -> None:
    """Import the row rules: the pandera models and the validation that runs them.

    They bring pandera, Polars and pandas, about a second of imports. The loader runs this
    first on its validation thread, so the imports overlap the reading of the first file
    (mostly Arrow, which does not hold the interpreter); until a batch is validated nothing
    needs them."""
    from pipeline.ingest import validate  # noqa: F401
    from schemas import models

    models()


def _prepare(con, path: Path, lidmaatschap: Mapping[str, str], today: dt.date,
             current: load.CurrentLoads) -> Prepared | tuple[list[FileResult], pd.DataFrame]:
    """Name, whole-file guards and reading; a rejection or no-op is final here."""
    file = str(path)
    data = path.read_bytes()
    sha = sha256_of(data)
    name: DeliveryName | None = None
    try:
        name = parse_name(path)
        checks.check_centrumgemeente(name, lidmaatschap)
        checks.check_not_future(name, today)
        if current.unchanged(file, sha):
            return [FileResult(file, "unchanged", name.soort, name.centrumgemeente, name.kwartaal,
                               message="already loaded (same content)")], _empty_report()
        tables, warnings = _read(path, name, data)
    except FileRejected as exc:
        return _rejected(con, file, sha, name, exc)
    return Prepared(file, sha, name, tables, folder_warnings(path, name) + warnings)


#: A folder named for a quarter: 2025Q2, 2025-Q2, 2025_q2.
QUARTER_FOLDER = re.compile(r"(\d{4})[-_ ]?[Qq]([1-4])")


def folder_warnings(path: Path, name: DeliveryName) -> list[str]:
    """A warning when the nearest folder named for a quarter names another quarter than the
    file's name (a 2025Q1 file in 2025Q2/): the name decides, but one of the two is wrong."""
    for folder in path.parent.parts[::-1]:
        m = QUARTER_FOLDER.fullmatch(folder)
        if m:
            kwartaal = f"{m.group(1)}Q{m.group(2)}"
            if kwartaal != name.kwartaal:
                return [f"the file is named for {name.kwartaal} but lies in folder {folder}/: "
                        f"loaded as {name.kwartaal} (the file name decides); if it belongs to "
                        f"{kwartaal}, rename it and ingest it again"]
            return []
    return []


def _rejected(con, file: str, sha: str, name: DeliveryName | None, exc: FileRejected
              ) -> tuple[list[FileResult], pd.DataFrame]:
    load.record_rejection(con, file, sha, name, [name.soort if name else None], str(exc))
    result = FileResult(file, "rejected", name.soort if name else None,
                        name.centrumgemeente if name else None,
                        name.kwartaal if name else None, message=str(exc))
    report = pd.DataFrame([{
        "bestand": file, "soort": result.soort, "bronregel": None, "kolom": None,
        "regel": exc.regel, "probleem": f"whole file rejected: {exc.problem}",
        "oplossing": exc.fix, "waarde": None,
    }], columns=REPORT_COLUMNS)
    return [result], report


def _validate(pending: list[Prepared], key: bytes, memo: pseudonym.Memo | None = None
              ) -> list[list]:
    """One validation pass per soort over all pending files; per file, its soorts' batches
    ready to write (rows typed and pseudonymised, quarantine described).

    Three things run side by side, each mostly in native code that releases the GIL
    (Polars, DuckDB): the validation of each soort, and the pseudonyms of every delivered
    client_id, which do not depend on the validation's outcome. pandera keeps its state
    per context, not per process."""
    from pipeline.ingest import validate
    from schemas import models

    jobs = []
    for soort, model in models().items():
        items = [(i, p) for i, p in enumerate(pending) if soort in p.tables]
        if items:
            jobs.append((soort, model, items))

    def run(job):
        soort, model, items = job
        return validate.validate_many([(p.tables[soort], p.name) for _, p in items], model)

    with ThreadPoolExecutor(max_workers=1) as hasher:
        hashing = hasher.submit(_pseudonyms, pending, key, memo)
        with ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1) or 1) as pool:
            outcomes_per_job = list(pool.map(run, jobs))
        validated: dict[tuple[int, str], validate.Validated] = {}
        for (soort, _, items), outcomes in zip(jobs, outcomes_per_job, strict=True):
            for (i, _), v in zip(items, outcomes, strict=True):
                validated[(i, soort)] = v
        pseudonyms = hashing.result()
        return [[_batch(soort, validated[(i, soort)], pseudonyms.get((i, soort)),
                        formaatversie(soort, t.header))
                 for soort, t in p.tables.items()] for i, p in enumerate(pending)]


def _pseudonyms(pending: list[Prepared], key: bytes, memo: pseudonym.Memo | None = None
                ) -> dict[tuple[int, str], pd.Series]:
    """The pseudonym of every delivered client_id of every pending file, by (file, soort),
    indexed by source line: one hashing call for the whole batch."""
    where = [(i, soort) for i, p in enumerate(pending) for soort, t in p.tables.items()
             if "client_id" in t.frame]
    hashed = pseudonym.pseudonymise_many(key, [
        (pending[i].name.centrumgemeente, pending[i].tables[soort].frame["client_id"])
        for i, soort in where], memo)
    return dict(zip(where, hashed, strict=True))


def _write(con, p: Prepared, batches, current: load.CurrentLoads, terugdraaien: bool = False
           ) -> tuple[list[FileResult], pd.DataFrame]:
    name, file = p.name, p.file
    outcomes = load.write_file(con, file, p.sha256, name, [b for b, _ in batches], current,
                               terugdraaien)
    results, reports = [], []
    for (batch, failures), outcome in zip(batches, outcomes, strict=True):
        status = outcome["status"]
        loaded = status == "loaded"
        results.append(FileResult(
            file, status, batch.soort, name.centrumgemeente, name.kwartaal,
            rows_read=batch.rows_read,
            rows_loaded=len(batch.rows) if loaded else 0,
            rows_quarantined=(int(failures["bronregel"].nunique())
                              if loaded and len(failures) else 0),
            message=outcome.get("message"),
            warnings=p.warnings + batch.warnings + outcome.get("warnings", []),
            vervangt=outcome.get("vervangt", []),
        ))
        if loaded and len(failures):
            reports.append(failures.assign(bestand=file, soort=batch.soort)
                           .rename(columns={"melding": "probleem"})[REPORT_COLUMNS])
    report = pd.concat(reports, ignore_index=True) if reports else _empty_report()
    return results, report


_EMPTY_REPORT = pd.DataFrame(columns=REPORT_COLUMNS)


def _empty_report() -> pd.DataFrame:
    """No rejection lines (one shared empty frame: building one costs milliseconds)."""
    return _EMPTY_REPORT


_EMPTY_QUARANTINE = pd.DataFrame(columns=["bronregel", "kolom", "regel", "melding", "oplossing",
                                          "record"])


def _by_line(values: pd.Series, lines: pd.Index) -> pd.Series:
    """``values`` (indexed by source line, in file order) at the given lines."""
    at = np.searchsorted(values.index.to_numpy(), lines.to_numpy())
    return pd.Series(values.array.take(at), index=lines)


def _read(path: Path, name: DeliveryName, data: bytes | None = None
          ) -> tuple[dict[str, TextTable], list[str]]:
    """Read the file's table(s) and apply the whole-file guards to each; ``data`` is the
    file's bytes when they were read already (a CSV is then not read twice)."""
    warnings: list[str] = []
    if name.soort is not None:
        tables = {name.soort: read_csv_file(path, REQUIRED_COLUMNS[name.soort],
                                            set(KOLOMMEN[name.soort].delivered), data)}
    else:
        tables, others = read_xlsx_sheets(path, REQUIRED_COLUMNS)
        if others:
            warnings.append(f"sheet(s) ignored, not a soort: {', '.join(others)}")
        if not tables:
            raise FileRejected(
                "the workbook has no sheet named instroom, verblijf, uitstroom or capaciteit",
                "Name each sheet after its soort", "kolom_ontbreekt",
            )
    for soort, table in tables.items():
        kolommen = KOLOMMEN[soort]
        checks.check_identifying_columns(table.header)
        checks.check_required_columns(table.header, kolommen)
        if "client_id" in table.frame:
            checks.check_no_bsn(table.frame["client_id"])
        unknown = checks.unknown_columns(table.header, kolommen)
        if unknown:
            warnings.append(f"{soort}: column(s) ignored, not in the delivery format: "
                            f"{', '.join(unknown)}")
        warnings.extend(f"{soort}: {w}" for w in table.warnings)
    return tables, warnings


def _batch(soort: str, v: validate.Validated, pseudonyms: pd.Series | None,
           versie: str | None = None):
    """Pseudonymised rows and quarantine records of one soort of one file;
    ``pseudonyms`` holds the pseudonym of every line's client_id; ``versie`` is the version
    of the delivery format its header follows."""
    from pipeline.ingest import validate

    rows = v.good
    if "client_id" in rows.column_names:
        at = rows.column_names.index("client_id")
        lines = rows.column("bronregel").to_numpy()
        rows = rows.remove_column(at).add_column(
            at, "client_pseudoniem", arrow_text(_by_line(pseudonyms, pd.Index(lines))))
    if not len(v.failures):  # most files: nothing quarantined, nothing more to do
        quarantine = _EMPTY_QUARANTINE
    else:
        rejected = v.rejected_rows.copy()
        if "client_id" in rejected:
            rejected["client_id"] = _by_line(pseudonyms, rejected.index)
            rejected = rejected.rename(columns={"client_id": "client_pseudoniem"})
        records = validate.record_json(rejected)
        quarantine = v.failures.drop(columns=["waarde"]).copy()
        quarantine["record"] = quarantine["bronregel"].map(records)
    batch = load.SoortBatch(soort, rows, quarantine, v.rows_read, v.warnings, versie)
    return batch, v.failures
