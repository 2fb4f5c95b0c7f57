"""Glue between the CLI and the modules: open things, run a step, tell the analyst.

Kept apart from ``cli.py`` so that the demo and the tests can run the same steps
without going through argument parsing.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline import config, warehouse
from pipeline.cli_render import print_summary
from pipeline.ingest import pseudonym
from pipeline.ingest.names import find_files
from pipeline.ingest.run import IngestRun, ingest_into
from pipeline.periods import parse_periode
from pipeline.share.safe_output import write_csv
from pipeline.warehouse import db


def run_ingest(settings: config.Settings, paths: list[Path], as_json: bool, out: Console,
               err: Console, quality: bool = True, terugdraaien: bool = False) -> int:
    """Ingest, rebuild the models, write the rejection report, summarise. Returns the exit code."""
    from schemas.reference_tables import load_reference

    ref = load_reference(settings.membership)
    key = pseudonym.load_or_create_key(settings.key_file)
    files = find_files(paths)
    con = db.connect(settings.db)
    try:
        with _progress(err, len(files)) as bar:
            task = bar.add_task("ingest", total=len(files))
            run = ingest_into(con, files, key, ref, terugdraaien=terugdraaien,
                              progress=lambda p: bar.update(task, advance=1,
                                                            description=p.name))
        for warning in run.rebuild_warnings:
            err.print(f"warning: {warning}", highlight=False)
        findings = None
        if quality and any(r.status == "loaded" for r in run.results):
            from pipeline.quality import run_quality

            findings = run_quality(con)
    finally:
        con.close()
    report_path = write_rejection_report(run, settings.db)
    if as_json:
        sys.stdout.write(json.dumps(run_json(run, report_path), ensure_ascii=False, indent=2)
                         + "\n")
    else:
        print_summary(run, report_path, out)
        if findings is not None:
            from pipeline.quality import summary_lines

            for line in summary_lines(findings):
                out.print(line, highlight=False)
    return run.exit_code


def _progress(err: Console, n: int) -> Progress:
    return Progress(
        TextColumn("{task.description:<40.40}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=True, disable=n < 2 or not err.is_terminal,
    )


def write_rejection_report(run: IngestRun, db_file: Path) -> Path | None:
    """One CSV per run beside the warehouse (never under reports/: it is for the analyst)."""
    if not len(run.report):
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(db_file).parent / "afwijzingen" / f"afwijzingen_{stamp}.csv"
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(f"afwijzingen_{stamp}_{n}.csv")
    return write_csv(run.report, path)


def run_json(run: IngestRun, report_path: Path | None) -> dict:
    return {
        "files": [r.__dict__ for r in run.results],
        "rejection_report": str(report_path) if report_path else None,
        "exit_code": run.exit_code,
    }


def run_demo(settings: config.Settings, out_dir: Path, out: Console, err: Console,
             kwartalen: tuple[str, str] = ("2024Q1", "2025Q4"), schaal: float = 1.0) -> int:
    """The one-command tour: synthetic deliveries -> ingest -> national key figures ->
    reports of the latest quarter."""
    from pipeline.cli_render import render_kerncijfers
    from pipeline.figures.kerncijfers import kerncijfers
    from pipeline.synth.generator import generate

    err.print(f"1/4 Writing synthetic deliveries for 35 centrumgemeenten to {out_dir} ...")
    summary = generate(out_dir, kwartalen=kwartalen, schaal=schaal)
    err.print(f"2/4 Ingesting them into {settings.db} and checking data quality ...")
    # the files just written, not the folder: a folder left by an older demo may hold files
    # this version would name differently
    code = run_ingest(settings, [Path(f) for f in summary["files"]], as_json=False,
                      out=Console(quiet=True), err=err)
    con = db.connect(settings.db, read_only=True)
    try:
        last_quarter = warehouse.laatste_kwartaal(con)
        last_year = parse_periode(last_quarter.label[:4])
        figures = kerncijfers(con, last_year, None)
        history = con.execute(
            "SELECT status, count(*), sum(rows_loaded), sum(rows_quarantined) FROM loads "
            "GROUP BY ALL ORDER BY ALL").fetchall()
        # the ingest just ran the quality suite; a finding is a row with afwijkend > 0
        findings = [dict(zip(("regel", "ernst", "centrumgemeente"), r, strict=True))
                    for r in con.execute("SELECT regel, ernst, centrumgemeente FROM "
                                         "kwaliteit_resultaten WHERE afwijkend > 0").fetchall()]
    finally:
        con.close()
    err.print(f"3/4 Key figures, whole country, {last_year}:")
    out.print(render_kerncijfers(figures))
    from pipeline.share.render import render_reports

    err.print(f"4/4 Reports for {last_quarter}: 35 centrumgemeenten and the country "
              "(about a minute) ...")
    reports = render_reports(settings.db, last_quarter, None, Path("reports"))
    failed = [r for r in reports if not r["ok"]]
    for status, n, rows, quarantined in history:
        out.print(f"{n} load(s) {status}: {rows} rows loaded, {quarantined} quarantined",
                  highlight=False)
    from pipeline.quality import summary_lines

    for line in summary_lines(findings):
        out.print(line, highlight=False)
    out.print(
        f"\nWhere to look next:\n"
        f"  deliveries:   {out_dir}  ({len(summary.get('files', []))} files)\n"
        f"  warehouse:    {settings.db}  (DuckDB; 'opvangmonitor loads' shows the history)\n"
        f"  reports:      reports/{last_quarter}/index.html  (open in a browser: the "
        f"{len(reports) - len(failed)} of {len(reports)} reports written, the areas side by "
        f"side, funnel plots)\n"
        f"  export:       opvangmonitor export --periode {last_quarter}  (one long table for "
        f"Excel, Power BI, R)\n"
        f"  quality:      opvangmonitor kwaliteit  (what to ask each organisation)\n"
        f"  one region:   opvangmonitor kerncijfers --periode {last_year} "
        f"--centrumgemeente GM0344\n"
        f"  reference:    opvangmonitor referentie",
        highlight=False,
    )
    if failed:
        for r in failed:
            err.print(f"report {r['centrumgemeente']} failed: {r['error']}")
        return 1
    return 0 if code in (0, 1) else code


#: The Jupyter kernel the notebooks run on: this virtualenv's Python, named after the project.
KERNEL_NAME = "opvangmonitor"


def ensure_kernel() -> str:
    """Install the project's kernel into this virtualenv once (``--sys-prefix``: nothing is
    written to the user's home), so JupyterLab offers 'Python (opvangmonitor)'."""
    import subprocess

    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL_NAME not in KernelSpecManager().find_kernel_specs():
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix",
                        "--name", KERNEL_NAME, "--display-name", "Python (opvangmonitor)"],
                       check=True, capture_output=True)
    return KERNEL_NAME


def open_notebook(db_file: Path | None, port: int | None, browser: bool, err: Console) -> int:
    """Start JupyterLab on notebooks/ with verkenning.ipynb open; returns its exit code.

    The warehouse is handed to the kernel as OPVANGMONITOR_DB, made absolute, because the
    kernel runs in notebooks/ where the default relative path would point nowhere."""
    import os
    import signal
    import subprocess

    root = Path(__file__).resolve().parents[1]
    notebooks = root / "notebooks"
    if not (notebooks / "verkenning.ipynb").is_file():
        raise FileNotFoundError(f"no notebooks/verkenning.ipynb under {root}: run this from a "
                                "checkout of the project")
    db = config.db_path(db_file)
    db = db if db.is_absolute() else (Path.cwd() / db).resolve()
    ensure_kernel()
    env = {**os.environ, config.ENV_DB: str(db)}
    err.print(f"JupyterLab on {notebooks}, kernel 'Python (opvangmonitor)', warehouse {db}"
              f"{'' if db.is_file() else ' (not there yet: run make demo first)'}. "
              "Stop with Ctrl-C.", highlight=False)
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks}",
           "verkenning.ipynb"]
    cmd += [f"--port={port}"] if port else []
    cmd += [] if browser else ["--no-browser"]
    # containers and CI run as root, where JupyterLab refuses to start without this
    cmd += ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    proc = subprocess.Popen(cmd, cwd=notebooks, env=env)
    # A stop signal for this command stops JupyterLab too (Ctrl-C reaches both anyway):
    # otherwise the server would be left running, holding its port and the kernel.
    previous = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
