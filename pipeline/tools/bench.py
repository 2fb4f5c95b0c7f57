"""Benchmarks (issue: ingest near DuckDB's own speed, flat memory, fast answers).

For each scale, on the same synthetic files (``synth --schaal``, seed 1), each measure in
its own subprocess so that its peak memory is its own:

(a) the floor: DuckDB's own ``read_csv`` of every CSV into tables (a warm-up run, then the
    median of three);
(b) what a user would otherwise write: pandas ``read_csv`` per file and ``concat``;
(c) our ingest with full validation and pseudonymisation (rows/s, c/a, c/b), the median of
    three runs, each into a fresh warehouse;
(d) kerncijfers latency per scope on the ingested warehouse;
(e) a quarter's full report set, rendered on the warehouse of one scale;
(f) the disclosure audit of that quarter's release: protection with audit, then the audit
    alone (issue target: under 60 s).

Results accumulate per scale in ``bench.json`` (a new run of a scale replaces its entry),
so the expensive 10^7-row scale can be measured on its own; the cost-curve chart is drawn
from that file. No timing is asserted anywhere: ``--quick`` only proves in CI that it runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MEASURES = ("duckdb", "pandas", "ingest")
LABELS = {"duckdb": "(a) DuckDB read_csv", "pandas": "(b) pandas read_csv + concat",
          "ingest": "(c) our ingest (validated, pseudonymised)"}


def _csv_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.csv") if "herlevering" not in p.parts)


def _dialect(path: Path) -> tuple[str, str]:
    head = path.read_bytes()[:2000]
    enc = "utf-8"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        enc = "latin-1"
    first = head.split(b"\n", 1)[0]
    return (";" if first.count(b";") > first.count(b",") else ","), enc


def _peak_rss_mb() -> int:
    """Peak RSS of this process or its largest finished descendant, in MB.

    This process's own peak is VmHWM: Linux carries ``ru_maxrss`` over an exec, so a
    measure started by a large parent would report the parent's peak as its own."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1])
    except OSError:
        pass
    return round(max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)


def measure(kind: str, folder: str, workdir: str) -> dict:
    """Run one measurement in this process (called in a fresh subprocess)."""
    folder_p, work = Path(folder), Path(workdir)
    start = time.perf_counter()
    rows = 0
    extra: dict = {}
    if kind == "duckdb":
        import duckdb

        (work / "floor.duckdb").unlink(missing_ok=True)  # each run of the floor starts afresh
        con = duckdb.connect(str(work / "floor.duckdb"))
        for i, f in enumerate(_csv_files(folder_p)):
            delim, enc = _dialect(f)
            con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, delim = ?, "
                        f"header = true, all_varchar = true, encoding = ?)",
                        [str(f), delim, enc])
            rows += con.execute(f"SELECT count(*) FROM t{i}").fetchall()[0][0]
        con.close()
    elif kind == "pandas":
        import pandas as pd

        frames: dict[str, list] = {}
        for f in _csv_files(folder_p):
            delim, enc = _dialect(f)
            df = pd.read_csv(f, sep=delim, encoding=enc, dtype=str, keep_default_na=False)
            frames.setdefault(f.stem.rsplit("_", 1)[-1], []).append(df)
            rows += len(df)
        for parts in frames.values():
            pd.concat(parts, ignore_index=True)
    elif kind == "ingest":
        from pipeline.ingest import pseudonym
        from pipeline.ingest.run import ingest_into
        from pipeline.warehouse import db
        from schemas.reference_tables import load_reference

        ref = load_reference()
        key = pseudonym.load_or_create_key(work / "key" / "bench.key")
        con = db.connect(work / "bench.duckdb")

        def loaded(_run) -> None:  # split the two phases: where the time and the memory go
            extra.update(load_seconds=round(time.perf_counter() - start, 3),
                         load_peak_rss_mb=_peak_rss_mb())

        run = ingest_into(con, _csv_files(folder_p), key, ref, loaded=loaded)
        con.close()
        rows = sum(r.rows_loaded for r in run.results)
    seconds = time.perf_counter() - start
    return {"measure": kind, "rows": rows, "seconds": round(seconds, 3),
            "rows_per_s": round(rows / seconds) if seconds else None,
            "peak_rss_mb": _peak_rss_mb(), **extra}


#: Runs of the floor that count, after one warm-up run that does not.
FLOOR_RUNS = 3


def floor(folder: str, workdir: str) -> dict:
    """DuckDB's read_csv of the files: one warm-up run (file cache, DuckDB's first start),
    then the median of FLOOR_RUNS, so one slow or fast floor run cannot move the ratio."""
    warm_up = _in_subprocess("measure", "duckdb", folder, workdir)
    runs = [_in_subprocess("measure", "duckdb", folder, workdir) for _ in range(FLOOR_RUNS)]
    median = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {**median, "warm_up_seconds": warm_up["seconds"],
            "runs_seconds": [r["seconds"] for r in runs]}


#: Runs of our ingest that count, each in a fresh process and into a fresh warehouse: the
#: median is kept, as for the floor, so one slow or fast run moves neither side of a ratio.
INGEST_RUNS = 3


def ingest(folder: str, workdir: str) -> dict:
    """Our ingest of the files, INGEST_RUNS times: the run with the median load time, with
    every run's load time and the highest peak memory of all. Each run loads into its own
    warehouse (into one warehouse a second run would find every file loaded already); the
    median run's is kept as ``workdir/bench.duckdb`` for the latencies measured on it."""
    import shutil

    runs = []
    for i in range(INGEST_RUNS):
        where = Path(workdir) / f"ingest_{i}"
        where.mkdir(parents=True, exist_ok=True)
        runs.append((_in_subprocess("measure", "ingest", folder, str(where)), where))
    median, kept = sorted(runs, key=lambda r: r[0]["load_seconds"])[len(runs) // 2]
    os.replace(kept / "bench.duckdb", Path(workdir) / "bench.duckdb")
    for _, where in runs:
        shutil.rmtree(where, ignore_errors=True)
    return {**median, "runs_load_seconds": [r["load_seconds"] for r, _ in runs],
            "peak_rss_mb": max(r["peak_rss_mb"] for r, _ in runs),
            "load_peak_rss_mb": max(r["load_peak_rss_mb"] for r, _ in runs)}


def two_files(folder: Path, rows: int, seed: int = 1) -> list[Path]:
    """GM0344's 2025Q1 instroom and verblijf with ``rows`` rows each, as one organisation's
    export would look (issue 17's case): valid rows over ``0.7 * rows`` clients, one row in
    a thousand broken (an unknown geslacht or opvangvorm, a date that does not exist, an
    einddatum before the quarter), so the quarantine path is measured too."""
    import numpy as np
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)

    def day(offset: np.ndarray) -> np.ndarray:
        return (np.datetime64("2025-01-01") + offset.astype("timedelta64[D]")).astype(str)

    client = np.char.add("C", rng.integers(0, max(1, int(rows * 0.7)), rows).astype(str))
    aanmeld = rng.integers(0, 90, rows)
    uitkomst = rng.choice(["geplaatst", "doorverwezen", "niet_geplaatst", "in_behandeling"],
                          rows, p=[.6, .2, .15, .05])
    instroom = pd.DataFrame({
        "client_id": client, "aanmelding_id": np.char.add("A", np.arange(rows).astype(str)),
        "aanmelddatum": day(aanmeld), "uitkomst": uitkomst,
        "plaatsingsdatum": np.where(uitkomst == "geplaatst",
                                    day(np.minimum(aanmeld + rng.integers(0, 5, rows), 89)), ""),
        "opvangvorm": rng.choice(["crisisopvang", "residentieel", "ambulant"], rows),
        "gemeente_herkomst": rng.choice(["GM0344", "GM0307", "GM0363", "GM0599", ""], rows),
        "verwijzer": rng.choice(["veilig_thuis", "politie", "wijkteam", "zelfmelder", ""], rows),
        "geslacht": rng.choice(["v", "m", "x"], rows, p=[.9, .08, .02]),
        "geboortejaar": rng.integers(1950, 2007, rows).astype(str),
        "aantal_kinderen": rng.integers(0, 4, rows).astype(str)})
    start = rng.integers(-400, 90, rows)
    end = start + rng.integers(0, 200, rows)
    verblijf = pd.DataFrame({
        "client_id": client, "verblijf_id": np.char.add("V", np.arange(rows).astype(str)),
        "startdatum": day(start),
        "einddatum": np.where((end >= 0) & (end < 90), day(np.clip(end, 0, 89)), ""),
        "opvangvorm": rng.choice(["crisisopvang", "residentieel", "ambulant"], rows),
        "aanmelding_id": ""})
    broken = rng.choice(rows, rows // 1000, replace=False)
    instroom.loc[broken[::2], "geslacht"] = "onbekend"
    instroom.loc[broken[1::2], "aanmelddatum"] = "2025-02-30"
    verblijf.loc[broken[::2], "opvangvorm"] = "bed"
    verblijf.loc[broken[1::2], "einddatum"] = "2024-12-31"
    paths = []
    for soort, frame in (("instroom", instroom), ("verblijf", verblijf)):
        paths.append(folder / f"GM0344_2025Q1_{soort}.csv")
        frame.to_csv(paths[-1], sep=";", index=False)
    return paths


def write_two_files(folder: str, rows: str) -> dict:
    return {"paths": [str(p) for p in two_files(Path(folder), int(rows))]}


def large_files(rows: int, out: Path, echo: Callable[[str], object] = print) -> dict:
    """Issue 17's case: two files of ``rows`` rows, our ingest against DuckDB's read_csv of
    the same files (each run in a fresh process; the floor a warm-up and a median of three,
    ours a median of three).
    The entry is kept in bench.json under ``twee_bestanden``."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        # written by a subprocess, so this process stays small (see _peak_rss_mb)
        paths = [Path(p) for p in _in_subprocess("write_two_files", str(raw / "2025Q1"),
                                                 str(rows))["paths"]]
        entry = {"rows_per_file": rows, "megabytes": round(sum(p.stat().st_size for p in paths)
                                                           / 1e6, 1),
                 "measured": dt.datetime.now().isoformat(timespec="minutes"),
                 "duckdb": floor(str(raw), tmp),
                 "ingest": ingest(str(raw), tmp)}
    a, load = entry["duckdb"]["seconds"], entry["ingest"]["load_seconds"]
    entry["load_over_floor"] = round(load / a, 2) if a else None
    echo(f"two files of {rows:,} rows ({entry['megabytes']} MB): DuckDB read_csv {a}s, "
         f"our ingest {load}s (x{entry['load_over_floor']}; runs "
         f"{entry['ingest']['runs_load_seconds']}), with the rebuild of the models "
         f"{entry['ingest']['seconds']}s; peak RSS {entry['ingest']['load_peak_rss_mb']} MB")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "bench.json"
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        results = {"schalen": []}
    results.setdefault("twee_bestanden", {})[str(rows)] = entry
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return entry


def rapporten(warehouse: str, out_dir: str, scopes: str = "") -> dict:
    """(e) Render the last loaded quarter's reports (all 36 when ``scopes`` is empty, else
    the comma-separated scopes) exactly as ``opvangmonitor report`` does, 2 workers."""
    from pipeline.share.render import render_reports
    from pipeline.warehouse import db, laatste_kwartaal

    con = db.connect(Path(warehouse), read_only=True)
    periode = laatste_kwartaal(con)
    con.close()
    start = time.perf_counter()
    try:
        results = render_reports(Path(warehouse), periode,
                                 scopes.split(",") if scopes else None, Path(out_dir))
        errors = [f"{r['centrumgemeente']}: {r['error']}" for r in results if not r["ok"]]
    except Exception as exc:  # noqa: BLE001 - recorded, so the other measures are kept
        results, errors = [], [f"render_reports raised {type(exc).__name__}: {exc}"]
    seconds = time.perf_counter() - start
    return {"periode": periode.label, "reports": len(results),
            "ok": len(results) - len(errors) if results else 0,
            "seconds": round(seconds, 2), "peak_rss_mb": _peak_rss_mb(), "errors": errors[:3]}


def audit_release(warehouse: str) -> dict:
    """(f) Build and protect the last loaded quarter's release (every audit round
    included), then audit the protected release once more on its own."""
    from pipeline.figures.monitor import Monitor
    from pipeline.share.audit import audit
    from pipeline.share.disclosure import Rules
    from pipeline.share.release import build_publication, protect_publication
    from pipeline.warehouse import db, laatste_kwartaal

    con = db.connect(Path(warehouse), read_only=True)
    periode = laatste_kwartaal(con)
    con.close()
    with Monitor.open(Path(warehouse)) as m:
        t = time.perf_counter()
        pub, _ = build_publication(m, periode, Rules())
        built = time.perf_counter() - t
    t = time.perf_counter()
    protect_publication(pub, Rules())
    protected = time.perf_counter() - t
    result = audit(pub)
    summary = result.summary()
    return {"periode": periode.label, "build_seconds": round(built, 2),
            "protect_seconds": round(protected, 2), "audit_seconds": round(result.seconds, 2),
            "geslaagd": summary["geslaagd"], "cellen": summary["verborgen_of_klasse"],
            "kleine_aantallen": summary["kleine_aantallen_beschermd"],
            "peak_rss_mb": _peak_rss_mb()}


def kerncijfers_latency(warehouse: Path, repeats: int = 5) -> dict:
    """Median of ``repeats`` warm calls per scope, in ms (the figure a user waits for)."""
    from pipeline.figures.kerncijfers import kerncijfers
    from pipeline.periods import parse_periode
    from pipeline.warehouse import db, laatste_kwartaal

    con = db.connect(warehouse, read_only=True)
    last = laatste_kwartaal(con)
    year = parse_periode(last.label[:4])
    out = {}
    for label, periode, cg in (("kwartaal, landelijk", last, None),
                               ("kwartaal, GM0344", last, "GM0344"),
                               ("jaar, landelijk", year, None),
                               ("jaar, GM0344", year, "GM0344")):
        kerncijfers(con, periode, cg)  # warm
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            kerncijfers(con, periode, cg)
            times.append((time.perf_counter() - t) * 1000)
        out[label] = round(statistics.median(times), 1)
    con.close()
    return out


def capaciteit_latency(warehouse: Path) -> dict:
    """Seconds for `capaciteit` over every area and both forms for the last delivered year,
    formulas only and with the simulation (the issue asks under 10 s for both)."""
    from pipeline.figures.capaciteit import capaciteit
    from pipeline.periods import parse_periode
    from pipeline.warehouse import db, laatste_kwartaal

    con = db.connect(warehouse, read_only=True)
    try:
        year = parse_periode(laatste_kwartaal(con).label[:4])
        out: dict = {"periode": year.label}
        for key, sim in (("formules_seconden", False), ("met_simulatie_seconden", True)):
            t = time.perf_counter()
            doc = capaciteit(con, year, simulatie=sim)
            out[key] = round(time.perf_counter() - t, 2)
        out["gebieden"] = len(doc["gebieden"])
    finally:
        con.close()
    return out


def _in_subprocess(func: str, *args: str) -> dict:
    """``pipeline.tools.bench.<func>(*args)`` in a fresh interpreter, so peak RSS is its own."""
    proc = subprocess.run(
        [sys.executable, "-c", "import json, sys; from pipeline.tools import bench; "
         "print(json.dumps(getattr(bench, sys.argv[1])(*sys.argv[2:])))", func, *args],
        capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"bench {func} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def draw_chart(results: dict, png: Path) -> Path:
    """Cost curves from bench.json: seconds against rows (log-log) for (a), (b), (c), and
    the peak RSS of (c) against the 3 GB target, so the slopes can be read off."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    plain = FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")

    # one curve = one quarter span (a ten-year run measures kerncijfers, not a new curve)
    spans = [e["kwartalen"] for e in results["schalen"]]
    span = max(set(spans), key=spans.count)
    entries = sorted((e for e in results["schalen"] if e["kwartalen"] == span),
                     key=lambda e: e["rows"])
    rows = [e["rows"] for e in entries]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for kind, marker in zip(MEASURES, "os^", strict=True):
        left.plot(rows, [e[kind]["seconds"] for e in entries], marker=marker,
                  label=LABELS[kind])
    left.set(xscale="log", yscale="log", xlabel="rows", ylabel="seconds (wall clock)",
             title="Time against rows")
    left.legend(fontsize=8)
    rss = [e["ingest"]["peak_rss_mb"] for e in entries]
    right.plot(rows, rss, marker="^", color="C2", label="(c) peak RSS")
    right.axhline(3000, color="grey", linestyle="--", label="target: 3 GB")
    right.set(xscale="log", ylim=(0, max(rss + [3000]) * 1.1), xlabel="rows",
              ylabel="MB", title="Peak memory (RSS) of our ingest")
    right.legend(fontsize=8, loc="upper left")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=.3)
        ax.xaxis.set_major_formatter(plain)
        ax.xaxis.set_minor_formatter(NullFormatter())
    left.yaxis.set_major_formatter(plain)
    left.yaxis.set_minor_formatter(NullFormatter())
    right.yaxis.set_major_formatter(plain)
    fig.suptitle(f"opvangmonitor bench, {span}, {results['machine'].get('cpus')} cores",
                 fontsize=10)
    fig.tight_layout()
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return png


def _load(path: Path) -> list[dict]:
    """Earlier entries of bench.json, so scales measured separately end up in one table."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        return [e for e in old["schalen"] if "kwartalen" in e]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def run_bench(schalen: list[float], kwartalen: tuple[str, str], out: Path,
              echo: Callable[[str], object] = print, rapporten_bij: float | None = 1.0,
              rapport_scopes: list[str] | None = None, capaciteit: bool = True) -> dict:
    """Measure each scale; (e) on the warehouse of scale ``rapporten_bij`` (``rapport_scopes``
    None = the full set). bench.json and the chart are rewritten after every scale.
    ``capaciteit`` False leaves out the capaciteit latency, whose simulation takes more than
    ten minutes at ``--schaal 100`` (its entry is then None)."""
    import duckdb
    import pandas as pd

    from pipeline.synth.generator import generate

    span = f"{kwartalen[0]}..{kwartalen[1]}"
    results = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                           "memory_gib": round(os.sysconf("SC_PAGE_SIZE")
                                               * os.sysconf("SC_PHYS_PAGES") / 2**30),
                           "python": platform.python_version(), "duckdb": duckdb.__version__,
                           "pandas": pd.__version__},
               "schalen": []}
    out.mkdir(parents=True, exist_ok=True)
    path = out / "bench.json"
    earlier = _load(path)
    try:  # the two-file measurements of earlier runs stay too
        results["twee_bestanden"] = json.loads(path.read_text(encoding="utf-8"))[
            "twee_bestanden"]
    except (OSError, ValueError, KeyError):
        pass
    for schaal in schalen:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_p = Path(tmp)
            t = time.perf_counter()
            summary = generate(tmp_p / "raw", seed=1, kwartalen=kwartalen, schaal=schaal)
            entry = {"schaal": schaal, "kwartalen": span,
                     "measured": dt.datetime.now().isoformat(timespec="minutes"),
                     "files": len(_csv_files(tmp_p / "raw")),
                     "synth_rows": sum(summary["rows"].values()),
                     "synth_seconds": round(time.perf_counter() - t, 2)}
            entry["duckdb"] = floor(str(tmp_p / "raw"), tmp)
            entry["pandas"] = _in_subprocess("measure", "pandas", str(tmp_p / "raw"), tmp)
            entry["ingest"] = ingest(str(tmp_p / "raw"), tmp)
            # the rows all three read (the CSVs; synth also writes a few XLSX workbooks)
            entry["rows"] = entry["duckdb"]["rows"]
            a, b, c = (entry[k]["seconds"] for k in MEASURES)
            entry["c_over_a"] = round(c / a, 2) if a else None
            entry["c_over_b"] = round(c / b, 2) if b else None
            entry["kerncijfers_ms"] = kerncijfers_latency(tmp_p / "bench.duckdb")
            entry["capaciteit"] = (capaciteit_latency(tmp_p / "bench.duckdb") if capaciteit
                                   else None)
            echo(f"schaal {schaal}: {entry['rows']} rows in {entry['files']} files; "
                 f"duckdb {a}s, pandas {b}s, ingest {c}s (c/a {entry['c_over_a']}, "
                 f"c/b {entry['c_over_b']}), peak RSS ingest {entry['ingest']['peak_rss_mb']} MB; "
                 f"kerncijfers {entry['kerncijfers_ms']} ms; "
                 f"capaciteit {entry['capaciteit'] or 'not measured'}")
            if schaal == rapporten_bij:
                entry["rapporten"] = _in_subprocess(
                    "rapporten", str(tmp_p / "bench.duckdb"), str(tmp_p / "reports"),
                    ",".join(rapport_scopes or []))
                r = entry["rapporten"]
                echo(f"schaal {schaal}: {r['ok']} of {r['reports']} reports for {r['periode']} "
                     f"in {r['seconds']}s" + "".join(f"\n  {e}" for e in r["errors"]))
                entry["audit"] = a_ = _in_subprocess("audit_release", str(tmp_p / "bench.duckdb"))
                echo(f"schaal {schaal}: audit of {a_['periode']}: protect {a_['protect_seconds']}s "
                     f"(build {a_['build_seconds']}s), audit alone {a_['audit_seconds']}s, "
                     f"{a_['cellen']} cells, {'passed' if a_['geslaagd'] else 'FAILED'}")
        earlier = [e for e in earlier if (e["schaal"], e["kwartalen"]) != (schaal, span)]
        earlier.append(entry)
        results["schalen"] = sorted(earlier, key=lambda e: (e["kwartalen"], e["rows"]))
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    results["chart"] = str(draw_chart(results, out / "performance_kosten.png"))
    results["path"] = str(path)
    return results
