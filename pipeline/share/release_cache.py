"""One protected release per period, drempel and warehouse state, computed once.

Protecting a release (the attacker's integer program over every published relation) takes
seconds to minutes; ``report``, ``audit``, ``export`` and the site all publish the same
release, so they read it from here. A cached release is used only when everything it was
computed from is unchanged: the warehouse's loads and last build (a build stamps its time,
so every ingest and every ``build`` is a new state), the threshold, and the code that
computes and protects it (a digest of ``pipeline/`` and ``schemas/``). Anything else is a
miss and the release is computed again.

The cache lives beside the warehouse (``<warehouse>.releases/``, mode 700, files 600,
git-ignored like the warehouse): it holds aggregates of the warehouse, never a pseudonym,
and needs the same care as the warehouse itself. Only a release that passed its audit is
kept; a refused release is computed (and refused) again each time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from pipeline.periods import Periode
from pipeline.share.disclosure import Rules
from pipeline.share.release import Audited, audited_release

#: The files whose content makes the release: code, SQL models, reference data and rules.
CODE_SUFFIXES = (".py", ".sql", ".csv", ".json", ".yaml")


@functools.cache
def code_digest() -> str:
    """Digest of the code and reference data a release is computed from, and of the
    versions of the libraries that compute it (the solver decides what is hidden)."""
    import sys
    from importlib.metadata import version

    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256(sys.version.encode())
    for lib in ("duckdb", "numpy", "pandas", "scipy"):
        h.update(f"{lib}={version(lib)};".encode())
    for package in ("pipeline", "schemas"):
        for f in sorted((root / package).rglob("*")):
            if f.suffix in CODE_SUFFIXES and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def warehouse_file(con) -> Path | None:
    """The file of the connection's database (None in memory)."""
    rows = con.execute("SELECT path FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def state_key(con, periode: Periode, rules: Rules) -> str:
    """What the release of ``periode`` under ``rules`` depends on, as one digest."""
    loads = con.execute(
        "SELECT coalesce(string_agg(load_id || ':' || sha256 || ':' || status, ',' "
        "ORDER BY load_id), '') FROM loads").fetchall()[0][0]
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    build = (con.execute("SELECT model_versie || '@' || gebouwd_op FROM build_info")
             .fetchall()[0][0] if "build_info" in tables else "")
    h = hashlib.sha256("\n".join([code_digest(), build, loads, periode.label,
                                  str(rules.threshold)]).encode())
    return h.hexdigest()[:24]


def cache_dir(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".releases")


def audited(m, periode: Periode, rules: Rules) -> Audited:
    """The audited release of ``periode``: from the cache when the warehouse, the code and
    the threshold are those it was computed with, else computed (and kept)."""
    db_file = warehouse_file(m.con)
    if db_file is None:
        return audited_release(m, periode, rules)
    folder = cache_dir(db_file)
    stem = f"{periode.label}_d{rules.threshold}"
    path = folder / f"{stem}_{state_key(m.con, periode, rules)}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass  # not there, or written by other code: compute it
    result = audited_release(m, periode, rules)
    _keep(folder, stem, path, result)
    return result


def _keep(folder: Path, stem: str, path: Path, result: Audited) -> None:
    """Write atomically (a reader never sees half a file) and drop older states of the
    same period and threshold. A folder that cannot be written only costs the cache."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")  # mode 600
        with os.fdopen(fd, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in folder.glob(f"{stem}_*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return
