"""The ``opvangmonitor`` command line: one small function per command, no logic of its own.

Human output goes to the terminal; ``--json`` prints one JSON document on stdout
and nothing else there (progress and warnings go to stderr). Exit codes follow
shared/spec/cli.md: 0 fine, 1 something in the data needs attention, 2 a usage or
internal error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from pipeline import config
from pipeline.periods import Periode, parse_kwartaalbereik, parse_periode

app = typer.Typer(
    name="opvangmonitor",
    help="Monitor in-, door- en uitstroom vrouwenopvang: load the quarterly deliveries of the "
    "centrumgemeenten, compute the key figures, check quality and write reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (a file, another program) gets wide lines instead of wrapped table cells.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file. Default: $OPVANGMONITOR_DB or "
                 "data/processed/monitor.duckdb.", show_default=False),
]
KeyOption = Annotated[
    Path | None,
    typer.Option("--key-file", help="Pseudonym key. Default: $OPVANGMONITOR_KEY_FILE or "
                 "~/.config/opvangmonitor/pseudoniem.key (created on first use).",
                 show_default=False),
]
MembershipOption = Annotated[
    Path | None,
    typer.Option("--lidmaatschap", help="Official CSV of the centrumgemeente areas "
                 "(gm_code,centrumgemeente) replacing the shipped default. Default: "
                 "$OPVANGMONITOR_LIDMAATSCHAP.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _periode(text: str) -> Periode:
    """--periode is parsed here, once; everything below the CLI takes the Periode."""
    try:
        return parse_periode(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


PeriodeOption = Annotated[Periode, typer.Option(
    "--periode", help="A quarter (2025Q1) or a year (2025).", show_default=False,
    parser=_periode)]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def checked_scope(db: Path | None, periode: Periode,
                  centrumgemeente: str | None = None) -> str | None:
    """Before anything is computed: the period was delivered by some centrumgemeente and the
    area, given by code or name, exists (``kerncijfers.check_periode`` and
    ``resolve_centrumgemeente``, the checks kerncijfers and capaciteit make themselves).
    Returns the area's code; a ValueError says what is wrong."""
    from pipeline.figures import kerncijfers as kc
    from pipeline.warehouse.db import connect

    con = connect(config.db_path(db), read_only=True)
    try:
        cg = kc.check_scope(con, centrumgemeente)
        kc.check_periode(con, periode)
    finally:
        con.close()
    return cg


def figures_and_names(db: Path | None, compute: Callable) -> tuple[dict, dict[str, str]]:
    """``compute(con)`` on the warehouse read-only, and the areas' names for its table; the
    connection closed after, a refusal (unknown area, undelivered period) in words."""
    from pipeline.warehouse.db import connect

    try:
        con = connect(config.db_path(db), read_only=True)
    except (FileNotFoundError, RuntimeError) as exc:
        raise fail(str(exc)) from None
    try:
        return compute(con), dict(con.execute(
            "SELECT gm_code, gm_naam FROM ref_centrumgemeenten").fetchall())
    except (RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    finally:
        con.close()


def reference_code(text: str) -> str:
    """The code of a centrumgemeente given by code or name where no warehouse exists yet
    (valideer-capaciteit): the same resolver, on the shipped reference data."""
    import duckdb

    from pipeline.figures.kerncijfers import resolve_centrumgemeente
    from schemas.reference_tables import load_reference

    con = duckdb.connect()
    try:
        load_reference().install(con)
        return resolve_centrumgemeente(con, text)
    finally:
        con.close()


AREA_HELP = ("code (GM0479) or name (Zaanstad, 's-Hertogenbosch; case and accents "
             "forgiven); 'opvangmonitor referentie' lists them")
OneAreaOption = Annotated[str | None, typer.Option(
    "--centrumgemeente", help="One centrumgemeente by " + AREA_HELP + ".", show_default=False)]


def emit_json(doc: object) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Delivery files and/or folders "
                                                "(read recursively).", show_default=False)],
    db: DbOption = None,
    key_file: KeyOption = None,
    lidmaatschap: MembershipOption = None,
    as_json: JsonOption = False,
    quality: Annotated[bool, typer.Option(
        "--kwaliteit/--zonder-kwaliteit",
        help="Run the data-quality suite after loading and summarise it (about 5 s).")] = True,
    terugdraaien: Annotated[bool, typer.Option(
        "--terugdraaien", help="Roll back on purpose: a file whose bytes were loaded before "
        "and then replaced by a newer version becomes current again. Without it such a file "
        "changes nothing and says so.")] = False,
) -> None:
    """Load deliveries into the warehouse (files named GM0344_2025Q1_instroom.csv or
    GM0344_2025Q1.xlsx). Exit 0 when all loaded cleanly, 1 when a file was rejected or a row
    quarantined (the rest still loads), 2 on a usage or internal error."""
    from pipeline.workflow import run_ingest

    settings = config.Settings.resolve(db, key_file, lidmaatschap)
    try:
        code = run_ingest(settings, paths, as_json=as_json, out=out, err=err, quality=quality,
                          terugdraaien=terugdraaien)
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(code)


@app.command()
def loads(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the load history: every file looked at, with its status (loaded, rejected,
    superseded, duplicate) and row counts."""
    from pipeline.cli_render import loads_table
    from pipeline.ingest.load import load_history
    from pipeline.warehouse.db import connect

    try:
        con = connect(config.db_path(db), read_only=True)
    except (FileNotFoundError, RuntimeError) as exc:
        raise fail(str(exc)) from None
    history = load_history(con)
    if as_json:
        emit_json(history)
    else:
        out.print(loads_table(history))


@app.command()
def build(db: DbOption = None, lidmaatschap: MembershipOption = None) -> None:
    """Rebuild the derived tables (staging, core, marts) from the loaded rows and the reference
    data. Ingest does this itself; use it after replacing the reference data or after
    upgrading opvangmonitor (a warehouse built by other models is refused until then)."""
    from pipeline.warehouse import rebuild
    from pipeline.warehouse.db import connect
    from schemas.reference_tables import load_reference

    try:
        con = connect(config.db_path(db))
        warnings = rebuild(con, load_reference(config.membership_path(lidmaatschap)))
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    con.close()
    for warning in warnings:
        err.print(f"warning: {warning}", highlight=False)
    err.print("Models rebuilt.")


@app.command()
def backup(
    naar: Annotated[Path, typer.Option("--naar", help="New folder for the backup (never "
                                       "overwritten).", show_default=False)],
    db: DbOption = None,
) -> None:
    """Write a consistent copy of the warehouse with a manifest of checksums to a new folder.
    Refused while an ingest (or a notebook) holds the warehouse. The pseudonym key is not in
    the backup: keep it apart, like a password. Exit 2 when refused."""
    from pipeline.warehouse.backup import BackupError, backup

    try:
        manifest = backup(config.db_path(db), naar)
    except (BackupError, RuntimeError, OSError) as exc:
        raise fail(str(exc)) from None
    [entry] = manifest["bestanden"]
    out.print(f"Backup written to {naar}: {entry['bestand']} ({entry['bytes']:,} bytes, "
              f"sha256 {entry['sha256'][:12]}...) and {naar / 'manifest.json'}. "
              "Keep the pseudonym key apart from it.", highlight=False)


@app.command()
def restore(
    bron: Annotated[Path, typer.Argument(help="A folder written by 'opvangmonitor backup'.",
                                         show_default=False)],
    db: DbOption = None,
    vervang: Annotated[bool, typer.Option(
        "--vervang", help="Replace an existing warehouse at --db.")] = False,
) -> None:
    """Check a backup against its manifest and put it in place as the warehouse (--db). A
    damaged or partial backup is refused before anything is written; an existing warehouse
    is replaced only with --vervang, in one step. Exit 2 when refused."""
    from pipeline.warehouse.backup import BackupError, restore

    target = config.db_path(db)
    try:
        manifest = restore(bron, target, replace=vervang)
    except (BackupError, RuntimeError, OSError) as exc:
        raise fail(str(exc)) from None
    out.print(f"Restored {target} from the backup of {manifest['gemaakt_op']} "
              "(every checksum matched).", highlight=False)


@app.command()
def kerncijfers(
    periode: PeriodeOption,
    centrumgemeente: Annotated[str | None, typer.Option(
        "--centrumgemeente", help="A centrumgemeente by " + AREA_HELP + "; omit for the "
        "whole country.", show_default=False)] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The key figures for a period and scope, as defined in kerncijfers.md. Not suppressed:
    these are for the analyst; reports apply disclosure control."""
    from pipeline.cli_render import render_kerncijfers
    from pipeline.figures.kerncijfers import kerncijfers as compute

    figures, names = figures_and_names(db, lambda con: compute(con, periode, centrumgemeente))
    if as_json:
        emit_json(figures)
    else:
        out.print(render_kerncijfers(figures, names.get(figures["centrumgemeente"])))


@app.command()
def capaciteit(
    periode: PeriodeOption,
    centrumgemeente: OneAreaOption = None,
    alle: Annotated[bool, typer.Option(
        "--alle", help="Every centrumgemeente (the default when no --centrumgemeente is "
        "given).")] = False,
    doel: Annotated[list[str] | None, typer.Option(
        "--doel", help="A target, repeatable: crisisopvang=0.05 (at most 5% of the requests "
        "find the area full; default) and residentieel=0.95/7 (95% placed within 7 days; "
        "default).", show_default=False)] = None,
    simulatie: Annotated[bool, typer.Option(
        "--simulatie", help="Also run the discrete-event simulation per area (stays from the "
        "area's own Kaplan-Meier curve; a few seconds for all areas).")] = False,
    scenario: Annotated[str | None, typer.Option(
        "--scenario", help="A what-if on the simulation: korter-verblijf[=10%] (stays 10% "
        "shorter), meer-plaatsen[=20] (20 more places) or drukke-maand[=2] (one month a year "
        "with twice the arrivals). Implies --simulatie.", show_default=False)] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """How many crisisopvang and residentieel places each area needs to meet the targets,
    beside the places delivered: arrivals per day, mean stay (Kaplan-Meier), occupancy, the
    share turned away, places needed with a 95% interval, and the gap. Method and
    assumptions: docs/capaciteit.md. Not suppressed: for the analyst."""
    from pipeline.cli_options import parse_doel, parse_scenario
    from pipeline.cli_render import render_capaciteit
    from pipeline.figures.capaciteit import capaciteit as compute

    if alle and centrumgemeente:
        raise fail("give --centrumgemeente or --alle, not both")
    try:
        targets = parse_doel(doel)
        what_if = parse_scenario(scenario) if scenario else None
    except ValueError as exc:
        raise fail(str(exc)) from None
    figures, names = figures_and_names(db, lambda con: compute(
        con, periode, centrumgemeente, targets, simulatie=simulatie, scenario=what_if))
    if as_json:
        emit_json(figures)
    else:
        out.print(render_capaciteit(figures, names))


@app.command()
def notebook(
    db: DbOption = None,
    port: Annotated[int | None, typer.Option("--port", help="Port for JupyterLab (default: "
                                             "its own, 8888 or the next free one).",
                                             show_default=False)] = None,
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open a browser "
                                          "tab.")] = True,
) -> None:
    """Open JupyterLab on notebooks/ with verkenning.ipynb (the worked answers to the three
    questions, on the unsuppressed Monitor API), on this project's kernel and the warehouse
    of --db (default: the demo's, after make demo). Stop with Ctrl-C."""
    from pipeline.workflow import open_notebook

    try:
        code = open_notebook(db, port, browser, err)
    except (FileNotFoundError, OSError) as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(code)


@app.command("valideer-capaciteit")
def valideer_capaciteit(
    periode: Annotated[Periode, typer.Option("--periode", help="The year or quarter to check.",
                                             parser=_periode)] = "2025",
    werk: Annotated[Path, typer.Option("--werk", help="Scratch folder for synth's files and "
                                       "the warehouse (emptied first).")]
    = Path("data/processed/validatie"),
    centrumgemeente: Annotated[list[str] | None, typer.Option(
        "--centrumgemeente", help="Only these areas (repeatable; code or name); default all.",
        show_default=False)] = None,
    schaal: Annotated[float, typer.Option(
        "--schaal", help="Requests and places times this (10: the method's own error, with "
        "little sampling noise).")] = 1.0,
) -> None:
    """Check the capacity model on synth's world, where the truth is known: the model fed by
    the warehouse built from synth's files against what synth produced, and synth rerun at
    the places the model says are needed. Prints the table of docs/capaciteit.md."""
    from pipeline.tools.validatie import tabel, valideer

    try:
        areas = [reference_code(c) for c in centrumgemeente] if centrumgemeente else None
        df = valideer(werk, periode, areas, schaal=schaal,
                      progress=lambda step: err.print(step, highlight=False))
    except (RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    out.print(tabel(df), highlight=False, soft_wrap=True)


@app.command()
def referentie(lidmaatschap: MembershipOption = None, db: DbOption = None,
               as_json: JsonOption = False) -> None:
    """The active reference data: version, the 35 centrumgemeenten with their areas, and what
    is unconfirmed or derived."""
    from schemas.reference_tables import ReferenceDataError, load_reference

    try:
        ref = load_reference(config.membership_path(lidmaatschap))
    except ReferenceDataError as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit_json(ref.to_json())
    else:
        out.print(ref.summary_text(), highlight=False)


@app.command()
def synth(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the deliveries to.",
                                          show_default=False)],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")
                    ] = 20251,
    kwartalen: Annotated[str, typer.Option(help="Quarter range FIRST..LAST.")] = "2024Q1..2025Q4",
    schaal: Annotated[float, typer.Option(help="Volume factor (1 = national volume).")] = 1.0,
    defecten: Annotated[bool, typer.Option("--defecten", help="Add the documented catalogue of "
                                           "defects, with a manifest of what each must cause.")
                        ] = False,
    db: DbOption = None,
) -> None:
    """Write synthetic deliveries for all 35 centrumgemeenten that follow the delivery format
    (one folder per quarter, corrected re-deliveries under herlevering/)."""
    from pipeline.synth.generator import generate

    try:
        summary = generate(out_dir, seed=seed, kwartalen=parse_kwartaalbereik(kwartalen),
                           schaal=schaal, defecten=defecten)
    except ValueError as exc:
        raise fail(f"{exc} (expected e.g. --kwartalen 2024Q1..2025Q4)") from None
    rows = ", ".join(f"{n} {soort}" for soort, n in summary["rows"].items())
    out.print(f"{len(summary['files'])} files for {summary['kwartalen']} (seed {seed}, schaal "
              f"{schaal}) in {out_dir}: {rows} rows.", highlight=False)
    if "manifest" in summary:
        out.print(f"Defects in {out_dir / 'defecten'}, described in {summary['manifest']}. "
                  f"Ingest them separately from the clean quarters.", highlight=False)


@app.command()
def demo(
    db: DbOption = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the synthetic deliveries.")
                       ] = Path("data/raw/demo"),
    key_file: KeyOption = None,
    kwartalen: Annotated[str, typer.Option(help="Quarter range FIRST..LAST of the synthetic "
                                           "deliveries.")] = "2024Q1..2025Q4",
    schaal: Annotated[float, typer.Option(help="Volume relative to the national one "
                                          "(0.1 for a quick look).")] = 1.0,
) -> None:
    """Synthetic data -> ingest (with the quality suite) -> key figures -> the reports of the
    latest quarter under reports/, and where to look next."""
    from pipeline.workflow import run_demo

    settings = config.Settings.resolve(db, key_file, None)
    try:
        code = run_demo(settings, out_dir, out=out, err=err,
                        kwartalen=parse_kwartaalbereik(kwartalen), schaal=schaal)
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(code)


@app.command()
def kwaliteit(
    periode: Annotated[Periode | None, typer.Option(
        "--periode", help="Only quarters of this period (2025Q1 or 2025).",
        show_default=False, parser=_periode)] = None,
    db: DbOption = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the HTML quality report.")
                       ] = Path("reports/kwaliteit"),
    as_json: JsonOption = False,
) -> None:
    """Check the warehouse across files and quarters (Great Expectations) and say what to ask
    each organisation. Exit 0 no findings, 1 worst is fout or waarschuwing, 3 fataal."""
    from pipeline.quality import exit_code, results_frame, run_quality, summary_lines, write_html
    from pipeline.warehouse.db import connect

    try:
        con = connect(config.db_path(db))
        try:
            findings = run_quality(con, periode)
            results = results_frame(con, periode)
        finally:
            con.close()
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    report = write_html(findings, results, out_dir, periode)
    if as_json:
        emit_json(findings)
    else:
        for line in summary_lines(findings):
            out.print(line, highlight=False)
        for f in findings:
            out.print(f"  {f['centrumgemeente']} {f['kwartaal']} {f['regel']} ({f['ernst']}, "
                      f"{f['aantal']}): {f['toelichting']}", highlight=False)
        out.print(f"Quality report: {report}", highlight=False)
    err.print(f"Tidy results: table kwaliteit_resultaten in {config.db_path(db)}; "
              f"report {report}", highlight=False)
    raise typer.Exit(exit_code(findings))


@app.command()
def report(
    periode: PeriodeOption,
    centrumgemeente: OneAreaOption = None,
    alle: Annotated[bool, typer.Option("--alle", help="All 35 centrumgemeenten and the "
                                       "national report.")] = False,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the reports.")
                       ] = Path("reports"),
    drempel: Annotated[int, typer.Option(help="Disclosure threshold: counts from 1 to "
                                         "drempel-1 are hidden (shown as 'x').")
                       ] = config.DREMPEL,
    workers: Annotated[int, typer.Option(help="Reports rendered in parallel.")] = 2,
    db: DbOption = None,
) -> None:
    """Write reports for sharing (rapport.html, figuren/, tabellen.xlsx, release.json) under
    OUT/<periode>/<centrumgemeente>/, with disclosure control. Exit 1 if any report failed."""
    from pipeline.share.render import render_reports

    if alle == (centrumgemeente is not None):
        raise fail("give either --centrumgemeente CG or --alle")
    try:
        cg = checked_scope(db, periode, centrumgemeente)
        results = render_reports(config.db_path(db), periode,
                                 None if alle else [cg], out_dir, drempel, workers)
    except (FileNotFoundError, RuntimeError, ValueError, KeyError) as exc:
        raise fail(str(exc)) from None
    failed = [r for r in results if not r["ok"]]
    for r in results:
        out.print(f"{'ok   ' if r['ok'] else 'FAIL '} {r['centrumgemeente']:<10} {r['folder']}"
                  + (f"  {r['error']}" if r["error"] else ""), highlight=False)
    out.print(f"{len(results) - len(failed)} of {len(results)} reports written to "
              f"{out_dir / periode.label}.", highlight=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def audit(
    periode: PeriodeOption,
    drempel: Annotated[int, typer.Option(help="Disclosure threshold, as for 'report'.")
                       ] = config.DREMPEL,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Audit everything the reports of a period publish together, as an attacker holding
    all 36 reports would: every hidden small count must still reach 0 or the threshold,
    and keep a range as wide as the band of small counts, in an integer program over all
    published relations. Writes nothing but the release cache beside the warehouse (reused
    by report and export). Exit 1 if any small count can be narrowed (the
    release would then be refused)."""
    from pipeline.figures.monitor import Monitor
    from pipeline.share.audit import ProtectionError
    from pipeline.share.disclosure import Rules
    from pipeline.share.release_cache import audited

    try:
        checked_scope(db, periode)
        with Monitor.open(config.db_path(db)) as m:
            summary = audited(m, periode, Rules(drempel)).release.audit
    except ProtectionError as exc:
        summary = exc.result.summary()
    except (FileNotFoundError, RuntimeError, ValueError, KeyError) as exc:
        raise fail(str(exc)) from None
    summary = {"periode": periode.label, **summary}
    if as_json:
        emit_json(summary)
    else:
        out.print(f"Audit {periode} (drempel {drempel}): "
                  f"{'geslaagd' if summary['geslaagd'] else 'NIET geslaagd'}", highlight=False)
        out.print(f"  cellen verborgen of in klassen: {summary['verborgen_of_klasse']}\n"
                  f"  kleine aantallen beschermd: {summary['kleine_aantallen_beschermd']}, "
                  f"niet beschermd: {summary['kleine_aantallen_niet_beschermd']}\n"
                  f"  kleinste aangetoonde bereik van een klein aantal: "
                  f"{summary['kleinste_bereik']}\n  tijd: {summary['seconden']} s",
                  highlight=False)
        out.print("  relaties:", highlight=False)
        for name, n in summary["relaties"].items():
            out.print(f"    {n:>4}  {name}", highlight=False)
        for name in summary["niet_beschermd"]:
            out.print(f"  NIET BESCHERMD: {name}", highlight=False)
    raise typer.Exit(0 if summary["geslaagd"] else 1)


@app.command()
def export(
    periode: PeriodeOption,
    formaat: Annotated[str, typer.Option(
        "--formaat", help="csv (';' and decimal comma, opens in Dutch Excel; R: read.csv2) "
        "or parquet (typed; Power BI, R arrow, DuckDB).")] = "csv",
    out_file: Annotated[Path | None, typer.Option(
        "--out", help="File to write. Default: reports/<periode>/export.<formaat>.",
        show_default=False)] = None,
    drempel: Annotated[int, typer.Option(help="Disclosure threshold, as for 'report'.")
                       ] = config.DREMPEL,
    db: DbOption = None,
) -> None:
    """Write the protected release of a period (all 35 centrumgemeenten and the country) as
    one long table: periode, scope, tabel, rij, kolom, waarde, onderdrukt. The same numbers
    as the reports: a hidden count is a row with onderdrukt and no waarde."""
    from pipeline.figures.monitor import Monitor
    from pipeline.share.audit import ProtectionError
    from pipeline.share.disclosure import Rules
    from pipeline.share.export import write_export
    from pipeline.share.release_cache import audited

    if formaat not in ("csv", "parquet"):
        raise fail(f"--formaat {formaat!r}: use csv or parquet")
    path = out_file or Path("reports") / periode.label / f"export.{formaat}"
    try:
        checked_scope(db, periode)
        with err.status(f"Protecting and auditing the release of {periode}..."), \
                Monitor.open(config.db_path(db)) as m:
            release = audited(m, periode, Rules(drempel)).release
        write_export(release, path, formaat)
    except ProtectionError as exc:
        raise fail(f"the release of {periode} cannot be protected, nothing written: {exc}",
                   1) from None
    except (FileNotFoundError, RuntimeError, ValueError, KeyError) as exc:
        raise fail(str(exc)) from None
    out.print(f"Export of {periode} ({formaat}): {path}", highlight=False)


def _unset(name: str, help: str) -> Any:
    """An option that is unset unless given (its help says what then happens)."""
    return typer.Option(name, help=help, show_default=False)


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="A tiny run that only proves the "
                                        "benchmark works (for CI): scale 0.02, two quarters, "
                                        "two reports.")] = False,
    schaal: Annotated[list[float] | None, _unset(
        "--schaal", "Scale(s) to measure; repeat the option. Default 0.1, 1 and 10 (100 gives "
        "about 10^7 rows).")] = None,
    kwartalen: Annotated[str, typer.Option(help="Quarter range FIRST..LAST.")] = "2024Q1..2025Q4",
    rapporten: Annotated[float | None, _unset(
        "--rapporten", "Render the last quarter's 36 reports on the warehouse of this scale "
        "(default 1, national volume; 0 for none).")] = None,
    out_dir: Annotated[Path | None, _unset("--out", "Folder for bench.json and "
                                           "performance_kosten.png (default bench/results, "
                                           "bench/results/quick with --quick).")] = None,
    warehouse: Annotated[Path | None, _unset("--warehouse", "Only measure kerncijfers "
                                             "latency on this existing warehouse (e.g. ten "
                                             "years of synthetic data).")] = None,
    grafiek: Annotated[Path | None, _unset("--grafiek", "Only draw the cost-curve chart from "
                                           "OUT/bench.json to this PNG (e.g. "
                                           "docs/performance_kosten.png).")] = None,
    twee_bestanden: Annotated[int | None, _unset(
        "--twee-bestanden", "Also measure two files (instroom and verblijf) of this many rows "
        "each against DuckDB's read_csv of the same files (default 1000000, 20000 with "
        "--quick; 0 for none).")] = None,
    capaciteit: Annotated[bool, typer.Option(
        "--capaciteit/--geen-capaciteit", help="Time capaciteit (formulas and simulation) on "
        "each scale's warehouse; at --schaal 100 the simulation alone takes more than ten "
        "minutes.")] = True,
) -> None:
    """Measure ingest against DuckDB's read_csv and plain pandas, with peak memory, the
    latency of kerncijfers and capaciteit (formulas and simulation) and a quarter's report
    set, on synthetic files (see docs/performance.md). Scales measured earlier stay in
    bench.json."""
    import json

    from pipeline.tools.bench import (
        capaciteit_latency,
        draw_chart,
        kerncijfers_latency,
        large_files,
        run_bench,
    )

    try:  # before any measuring: a range that is not one costs no minutes of it
        first, last = ("2025Q1", "2025Q2") if quick else parse_kwartaalbereik(kwartalen)
    except ValueError as exc:
        raise fail(str(exc)) from None
    out_dir = out_dir or Path("bench/results/quick" if quick else "bench/results")
    if warehouse is not None:
        for scope, ms in kerncijfers_latency(warehouse).items():
            out.print(f"kerncijfers {scope}: {ms} ms", highlight=False)
        cap = capaciteit_latency(warehouse)
        out.print(f"capaciteit {cap['periode']}, {cap['gebieden']} areas x forms: formulas "
                  f"{cap['formules_seconden']} s, with simulation "
                  f"{cap['met_simulatie_seconden']} s", highlight=False)
        return
    if grafiek is not None:
        try:
            results = json.loads((out_dir / "bench.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise fail(f"no {out_dir / 'bench.json'}: run 'opvangmonitor bench' first") from None
        out.print(f"Chart: {draw_chart(results, grafiek)}", highlight=False)
        return
    rows = twee_bestanden if twee_bestanden is not None else (20_000 if quick else 1_000_000)
    if rows:
        large_files(rows, out_dir, echo=lambda line: out.print(line, highlight=False))
    schalen = [0.02] if quick else (schaal or [0.1, 1.0, 10.0])
    bij = schalen[0] if quick else (1.0 if rapporten is None else rapporten)
    result = run_bench(schalen, (first, last), out_dir,
                       echo=lambda line: out.print(line, highlight=False),
                       rapporten_bij=bij or None,
                       rapport_scopes=["GM0344", "landelijk"] if quick else None,
                       capaciteit=capaciteit)
    out.print(f"Results: {result['path']}; chart: {result['chart']}", highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
