"""Benchmarks (issue: ingest near DuckDB's own speed, flat memory, fast answers).

For each scale, on the same synthetic files (``synth --schaal``), each in its own
subprocess so peak memory is its own:

(a) the floor: DuckDB's own ``read_csv`` of every CSV into tables;
(b) what a user would otherwise write: pandas ``read_csv`` per file and ``concat``;
(c) our ingest with full validation and pseudonymisation (rows/s, c/a, c/b);
(d) kerncijfers latency per scope on the ingested warehouse.

No timing is asserted anywhere: ``--quick`` only proves in CI that the benchmark runs.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEASURES = ("duckdb", "pandas", "ingest")


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


def measure(kind: str, folder: str, workdir: str) -> dict:
    """Run one measurement in this process (called in a fresh subprocess)."""
    import resource

    folder_p, work = Path(folder), Path(workdir)
    start = time.perf_counter()
    rows = 0
    if kind == "duckdb":
        import duckdb

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
        from pipeline import db, pseudonym
        from pipeline.ingest import ingest_paths
        from pipeline.reference import load_reference
        from pipeline.workflow import rebuild

        ref = load_reference()
        key = pseudonym.load_or_create_key(work / "key" / "bench.key")
        con = db.connect(work / "bench.duckdb")
        run = ingest_paths(con, _csv_files(folder_p), key, ref.centrumgemeente_codes)
        rebuild(con, ref)
        con.close()
        rows = sum(r.rows_loaded for r in run.results)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"measure": kind, "rows": rows, "seconds": round(seconds, 3),
            "rows_per_s": round(rows / seconds) if seconds else None,
            "peak_rss_mb": round(peak_kb / 1024)}


def kerncijfers_latency(warehouse: Path, repeats: int = 5) -> dict:
    from pipeline import db
    from pipeline.figures import kerncijfers

    con = db.connect(warehouse, read_only=True)
    last = db.scalar(con, "SELECT max(kwartaal) FROM loads WHERE status = 'loaded'")
    out = {}
    for label, periode, cg in (("kwartaal, landelijk", last, None),
                               ("kwartaal, GM0344", last, "GM0344"),
                               ("jaar, landelijk", last[:4], None),
                               ("jaar, GM0344", last[:4], "GM0344")):
        kerncijfers(con, periode, cg)  # warm
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            kerncijfers(con, periode, cg)
            times.append((time.perf_counter() - t) * 1000)
        out[label] = round(statistics.median(times), 1)
    con.close()
    return out


def run_bench(schalen: list[float], kwartalen: tuple[str, str], out: Path,
              echo=print) -> dict:
    from pipeline.synth import generate

    results = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                           "python": platform.python_version()},
               "kwartalen": f"{kwartalen[0]}..{kwartalen[1]}", "schalen": []}
    for schaal in schalen:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_p = Path(tmp)
            t = time.perf_counter()
            summary = generate(tmp_p / "raw", seed=1, kwartalen=kwartalen, schaal=schaal)
            entry = {"schaal": schaal, "files": len(summary["files"]),
                     "rows": sum(summary["rows"].values()),
                     "synth_seconds": round(time.perf_counter() - t, 2)}
            for kind in MEASURES:
                proc = subprocess.run(
                    [sys.executable, "-c", "import json,sys; from pipeline.bench import measure;"
                     " print(json.dumps(measure(*sys.argv[1:])))", kind, str(tmp_p / "raw"),
                     tmp], capture_output=True, text=True, check=True)
                entry[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
            a, b, c = (entry[k]["seconds"] for k in MEASURES)
            entry["c_over_a"] = round(c / a, 2) if a else None
            entry["c_over_b"] = round(c / b, 2) if b else None
            entry["kerncijfers_ms"] = kerncijfers_latency(tmp_p / "bench.duckdb")
            results["schalen"].append(entry)
            echo(f"schaal {schaal}: {entry['rows']} rows in {entry['files']} files; "
                 f"duckdb {a}s, pandas {b}s, ingest {c}s (c/a {entry['c_over_a']}, "
                 f"c/b {entry['c_over_b']}), peak RSS ingest {entry['ingest']['peak_rss_mb']} MB; "
                 f"kerncijfers {entry['kerncijfers_ms']} ms")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "bench.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    results["path"] = str(path)
    return results
