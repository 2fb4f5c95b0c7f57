"""Run the quality rules: per rule a small record-level frame (CG, kwartaal, the checked value,
pseudonymous keys never selected), validated by Great Expectations, counted per
centrumgemeente x kwartaal in our own aggregation.

The SQL rules read the loader's tables (``sql/_basis.sql`` sets up TEMP views on loads +
raw_*), so they work on deliveries as delivered; the two rules about the published figures
call ``pipeline.figures.kerncijfers`` per CG x quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib.resources import files

import duckdb
import pandas as pd

from pipeline.periods import Periode, parse_periode
from pipeline.quality.kerncijfers_frames import FRAMES
from pipeline.quality.rules import ERNST, QualityRule, failing, load_rules
from pipeline.warehouse.db import install_macros

KEYS = ["centrumgemeente", "kwartaal"]
RESULT_COLUMNS = ["regel", "regel_id", "ernst", "centrumgemeente", "gm_naam", "kwartaal",
                  "gecontroleerd", "afwijkend", "percentage_geldig", "uitgevoerd_op"]
FINDING_KEYS = ("regel", "ernst", "centrumgemeente", "kwartaal", "aantal", "toelichting")
BASIS_OBJECTS = (("VIEW", "dq_verblijf_actueel"), ("VIEW", "dq_uitstroom"),
                 ("VIEW", "dq_verblijf"), ("VIEW", "dq_instroom"), ("VIEW", "dq_leveringen"))


def run_rules(con: duckdb.DuckDBPyConnection, periode: Periode | None = None,
              rules: list[QualityRule] | None = None,
              progress: Callable[[str], None] | None = None,
              ) -> tuple[list[dict], pd.DataFrame]:
    """Findings (cli.md shape, worst first) and the tidy results (one row per rule x CG x
    kwartaal with records checked). ``periode`` limits both to its quarters; every rule still
    sees the whole history (a volume needs the quarters before it)."""
    from pipeline.quality.expectations import GxValidator

    rules = rules if rules is not None else load_rules()
    kwartalen = set(periode.kwartalen) if periode else None
    gx = GxValidator(rules)  # builds every expectation first: bad parameters stop the run here
    install_basis(con)
    try:
        figures_cache: dict[tuple[str, str], dict] = {}
        parts = []
        for rule in rules:
            if progress:
                progress(rule.regel)
            frame = rule_frame(con, rule, kwartalen, figures_cache)
            if frame.empty:
                continue
            frame = frame.assign(afwijkend=failing(rule, frame[rule.column]))
            success, element_count, unexpected = gx.validate(rule, frame)
            ours = int(frame["afwijkend"].sum())
            if element_count != len(frame) or unexpected != ours or success != (ours == 0):
                raise RuntimeError(
                    f"quality rule {rule.regel}: Great Expectations counted {unexpected} of "
                    f"{element_count} records as unexpected, our aggregation {ours} of "
                    f"{len(frame)}; neither can be trusted until this is fixed")
            parts.append((rule, frame))
        names = cg_names(con)
    finally:
        drop_basis(con)
    return summarise(parts, names)


def rule_frame(con: duckdb.DuckDBPyConnection, rule: QualityRule, kwartalen: set[str] | None,
               figures_cache: dict) -> pd.DataFrame:
    """The rule's records, limited to the quarters asked for, checked against the contract of
    a frame: the keys, the checked column, and (only for aggregaat rules) a detail text."""
    if rule.bron == "sql":
        frame = con.execute(rule.sql, rule.bron_parameters).df()
    else:
        frame = kerncijfers_frame(con, rule, kwartalen, figures_cache)
    allowed = set(KEYS) | {rule.column} | ({"detail"} if rule.niveau == "aggregaat" else set())
    if not set(KEYS) | {rule.column} <= set(frame.columns) <= allowed:
        raise RuntimeError(f"quality rule {rule.regel}: its frame has columns "
                           f"{sorted(frame.columns)}; expected {sorted(allowed)}")
    if kwartalen is not None:
        frame = frame[frame["kwartaal"].isin(kwartalen)]
    if frame[KEYS + [rule.column]].isna().any().any():
        raise RuntimeError(f"quality rule {rule.regel}: its frame has empty keys or values")
    return frame.reset_index(drop=True)


def kerncijfers_frame(con: duckdb.DuckDBPyConnection, rule: QualityRule, kwartalen: set[str] | None,
                      cache: dict) -> pd.DataFrame:
    """Call kerncijfers once per delivered CG x quarter (shared by both rules of a run)."""
    from pipeline.figures.kerncijfers import kerncijfers

    pairs = con.execute("SELECT DISTINCT centrumgemeente, kwartaal FROM dq_leveringen "
                        "ORDER BY ALL").fetchall()
    records = []
    for cg, kwartaal in pairs:
        if kwartalen is not None and kwartaal not in kwartalen:
            continue
        if (cg, kwartaal) not in cache:
            cache[(cg, kwartaal)] = kerncijfers(con, parse_periode(kwartaal), cg)
        records += FRAMES[rule.regel](cache[(cg, kwartaal)], cg, kwartaal)
    return pd.DataFrame(records, columns=KEYS + [rule.column, "detail"])


def summarise(parts: list[tuple[QualityRule, pd.DataFrame]], names: dict[str, str]
              ) -> tuple[list[dict], pd.DataFrame]:
    """Group each rule's verdicts per CG x kwartaal into tidy rows and findings."""
    now = dt.datetime.now().replace(microsecond=0)
    tidy, findings = [], []
    for rule, frame in parts:
        for (cg, kwartaal), g in frame.groupby(KEYS, sort=True):
            checked, bad = len(g), int(g["afwijkend"].sum())
            tidy.append({"regel": rule.regel, "regel_id": rule.regel_id, "ernst": rule.ernst,
                         "centrumgemeente": cg, "gm_naam": names.get(cg), "kwartaal": kwartaal,
                         "gecontroleerd": checked, "afwijkend": bad,
                         "percentage_geldig": round(100 * (checked - bad) / checked, 2),
                         "uitgevoerd_op": now})
            if bad:
                details = ""
                if rule.niveau == "aggregaat" and "detail" in g:
                    details = join_details(g.loc[g["afwijkend"], "detail"].dropna())
                findings.append({
                    "regel": rule.regel, "ernst": rule.ernst, "centrumgemeente": cg,
                    "kwartaal": kwartaal, "aantal": bad,
                    "toelichting": rule.toelichting_voor(bad, kwartaal, cg, details)})
    findings.sort(key=lambda f: (ERNST.index(f["ernst"]), f["centrumgemeente"], f["kwartaal"],
                                 f["regel"]))
    results = pd.DataFrame(tidy, columns=RESULT_COLUMNS).astype(
        {"gecontroleerd": "int64", "afwijkend": "int64", "percentage_geldig": "float64"})
    return findings, results


def join_details(details: pd.Series) -> str:
    """'instroom en uitstroom' for a list of words; '; ' between longer descriptions. Sorted,
    so a finding's text does not depend on the order DuckDB returned the rows in."""
    items = sorted({str(d) for d in details})
    if any(":" in d for d in items):
        return "; ".join(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def install_basis(con: duckdb.DuckDBPyConnection) -> None:
    install_macros(con)
    con.execute(files("pipeline.quality").joinpath("sql", "_basis.sql")
                .read_text(encoding="utf-8"))


def drop_basis(con: duckdb.DuckDBPyConnection) -> None:
    """The TEMP objects would die with the connection anyway; the CLI keeps using it."""
    for kind, name in BASIS_OBJECTS:
        con.execute(f"DROP {kind} IF EXISTS temp.{name}")


def cg_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        return dict(con.execute("SELECT gm_code, gm_naam FROM ref_centrumgemeenten").fetchall())
    except duckdb.CatalogException:
        return {}
