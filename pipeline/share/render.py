"""Render the reports of a period: one notebook per scope, executed by papermill, to HTML.

One release = one period. All figures of the release are computed once and protected
*together*: for each group of counts that add up (the stock-flow identity, aanmeldingen
by herkomst, the quarterly series) a table of centrumgemeenten x measures is suppressed
with the national figure as its margin. So no report, nor the difference between the
national report and the other 35, can reveal a hidden cell.

Each report folder holds rapport.html (self-contained, no code, opens offline),
figuren/*.png and *.svg, tabellen.xlsx and release.json (rules applied, checksums).
The notebook notebooks/kwartaalrapportage.ipynb, run by papermill, lays the report out;
this module supplies its content through the Monitor API.
"""


from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.config import DREMPEL
from pipeline.periods import Periode
from pipeline.share.disclosure import Rules
from pipeline.share.release import LANDELIJK
from pipeline.share.release_cache import audited
from pipeline.share.site import write_site
from pipeline.share.templates import pagina

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "kwartaalrapportage.ipynb"


def html_from_notebook(nb_path: Path, html_path: Path, titel: str) -> Path:
    """Notebook -> one HTML file without code, images inline, no external reference."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(nb_path, as_version=4)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r"<script\b[^>]*>.*?</script>", "", body, flags=re.S)
    # nbconvert's empty anchor after every heading: a link without text (WCAG 2.4.4)
    body = re.sub(r'<a class="anchor-link" href="[^"]*"></a>', "", body)
    html_path.write_text(pagina(titel, body), encoding="utf-8")
    return html_path


def release_record(folder: Path, rules: Rules, periode: str, scope: str,
                   referentie: str, audit: dict | None = None) -> Path:
    checksums = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "release.json"
                 and p.suffix != ".ipynb"}
    record = {"periode": periode, "scope": scope, "referentie_versie": referentie,
              "disclosure": rules.describe(), "audit": audit, "bestanden": checksums}
    path = folder / "release.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _render_batch(db: str, periode: str, scopes: list[str], out_dir: str, drempel: int,
                  release_file: str, meta: dict) -> list[dict]:
    """Render several reports in one worker with one kernel: starting a kernel and importing
    pandas, DuckDB and matplotlib costs ~2-3 s, more than rendering a report. papermill runs
    each notebook on that kernel (papermill's ``km``): every report still executes its own
    parameterized notebook from the top. A kernel that died is replaced before the next
    report."""
    from jupyter_client.manager import KernelManager

    results = []
    with _quiet_kernel():
        kernel = None
        try:
            for scope in scopes:
                if kernel is None or not kernel.is_alive():
                    if kernel is not None:
                        kernel.cleanup_resources()
                    kernel = KernelManager(kernel_name="python3")
                    kernel.start_kernel()
                folder = Path(out_dir) / periode / scope
                folder.mkdir(parents=True, exist_ok=True)
                results.append(_run_notebook(db, periode, scope, folder, drempel,
                                             release_file, meta, kernel))
        finally:
            if kernel is not None and kernel.is_alive():
                kernel.shutdown_kernel(now=True)
    return results


@contextlib.contextmanager
def _quiet_kernel():
    """Keep the kernels' own start-up chatter (ipykernel's TCP notice) off the terminal;
    a failing report is still reported, from the exception papermill raises."""
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _run_notebook(db: str, periode: str, scope: str, folder: Path, drempel: int,
                  release_file: str, meta: dict, kernel=None) -> dict:
    import papermill as pm

    executed = folder / ".rapport.ipynb"
    # a chart left out this time must not linger from an earlier run of the same folder
    shutil.rmtree(folder / "figuren", ignore_errors=True)
    try:
        pm.execute_notebook(str(NOTEBOOK), str(executed), progress_bar=False,
                            parameters={"db": db, "periode": periode, "scope": scope,
                                        "out": str(folder), "drempel": drempel,
                                        "release_file": release_file},
                            kernel_name="python3", log_output=False, km=kernel)
        titel = f"Monitor vrouwenopvang {scope} {periode}"
        html_from_notebook(executed, folder / "rapport.html", titel)
        executed.unlink()
        release_record(folder, Rules(drempel), periode, scope, meta["referentie"],
                       meta["audit"])
        return {"centrumgemeente": scope, "folder": str(folder), "ok": True, "error": None}
    except Exception as exc:  # noqa: BLE001 - collected and reported after trying all
        return {"centrumgemeente": scope, "folder": str(folder), "ok": False,
                "error": _error_text(exc)}


def _error_text(exc: Exception) -> str:
    """One line saying what went wrong: for an error inside the notebook papermill's own
    message starts with an empty line, the exception's name and value are what matter."""
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or next(
        (line for line in str(exc).splitlines() if line.strip()), "")
    return f"{name}: {value}"[:300]


def render_reports(db: Path, periode: Periode, centrumgemeenten: list[str] | None,
                   out_dir: Path, drempel: int = DREMPEL, workers: int = 2) -> list[dict]:
    """Render the reports of one release; failures are collected, never raised midway."""
    import pickle

    from pipeline.figures.monitor import Monitor

    rules = Rules(drempel)
    with Monitor.open(db) as m:
        release = audited(m, periode, rules).release
        c = m.centrumgemeenten()
        namen = dict(zip(c["gm_code"], c["gm_naam"], strict=True))
        scopes = (list(m.centrumgemeenten()["gm_code"]) + [LANDELIJK]
                  if centrumgemeenten is None else
                  [c if c == LANDELIJK else m.centrumgemeenten().set_index("gm_code").loc[
                      c.upper()].name for c in centrumgemeenten])
    out_dir = Path(out_dir)
    (out_dir / periode.label).mkdir(parents=True, exist_ok=True)
    release_file = out_dir / periode.label / ".release.pickle"
    release_file.write_bytes(pickle.dumps(release))
    workers = max(1, min(workers, len(scopes)))
    batches = [scopes[i::workers] for i in range(workers)]  # interleaved: similar sizes
    meta = {"referentie": release.referentie, "audit": release.audit}
    # the label crosses into worker processes and the notebook: each parses it once
    args = [(str(db), periode.label, b, str(out_dir), drempel, str(release_file), meta)
            for b in batches]
    try:
        if workers > 1:
            with ProcessPoolExecutor(workers) as pool:
                done = list(pool.map(_render_batch, *zip(*args, strict=True)))
        else:
            done = [_render_batch(*args[0])]
    finally:
        release_file.unlink(missing_ok=True)
    by_scope = {r["centrumgemeente"]: r for batch in done for r in batch}
    site = out_dir / periode.label
    write_site(release, namen, site)
    release_record(site, rules, periode.label, "site", release.referentie, release.audit)
    return [by_scope[s] for s in scopes]
