"""The capacity model checked on a world where the answer is known (issue 15).

synth's organisations follow an explicit policy (a full crisisopvang turns the client
away; residentieel has a first-come-first-served queue) and record what happened to every
residential request (:class:`pipeline.synth.model.Waarheid`). Here the capacity model is fed
only by the warehouse built from synth's delivered files, exactly as an analyst's would be,
and its answers are set beside that truth:

1. at the places synth had, the model's expected share turned away (crisisopvang, Erlang B)
   and not placed within 7 days (residentieel, Erlang C), and the same from the
   discrete-event simulation (:mod:`pipeline.figures.simulatie`), against what synth
   produced;
2. synth is run again with, per area, the number of places the model says is needed, and
   the share turned away / placed within 7 days then must meet the target.

`opvangmonitor valideer-capaciteit` runs it and docs/capaciteit.md holds its table.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Collection
from pathlib import Path

import pandas as pd

from pipeline.figures.capaciteit import Doel, capaciteit
from pipeline.ingest import pseudonym
from pipeline.ingest.names import find_files
from pipeline.ingest.run import ingest_into
from pipeline.periods import Periode
from pipeline.synth.generator import generate
from pipeline.warehouse import db
from schemas.reference_tables import load_reference

#: Deliveries start this many quarters before P, so the stays of P's residentieel clients
#: (mean ~259 days) are followed long enough for the Kaplan-Meier mean.
AANLOOP_KWARTALEN = 4


def _waarheid(summary: dict, p: Periode) -> pd.DataFrame:
    """Truth summed over the quarters of P, per (centrumgemeente, opvangvorm)."""
    rows = pd.DataFrame(summary["waarheid"])
    rows = rows[rows["kwartaal"].isin(p.kwartalen)]
    return rows.groupby(["centrumgemeente", "opvangvorm"])[
        ["aanvragen", "afgewezen", "direct", "binnen_7", "wachtdagen"]].sum()


def _aandeel_gemist(t: pd.Series, vorm: str) -> float:
    """The share that missed the target: turned away (crisisopvang) or not placed within 7
    days, giving up included (residentieel)."""
    if not t["aanvragen"]:
        return math.nan
    gemist = t["afgewezen"] if vorm == "crisisopvang" else t["aanvragen"] - t["binnen_7"]
    return gemist / t["aanvragen"]


def valideer(werk: Path, p: Periode, centrumgemeenten: Collection[str] | None = None,
             seed: int = 20251, doel: Doel | None = None, schaal: float = 1.0,
             progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """One row per area and residential opvangvorm: the model beside synth's truth.

    ``schaal`` multiplies requests and places alike (the same load per place): at schaal 1 a
    year of one area is a small sample; at schaal 10 what remains is the method's own error.
    """
    doel = doel or Doel()
    if doel.binnen_dagen != 7:
        raise ValueError("synth records waits within 7 days; validate with binnen_dagen=7")
    eerste = p.kwartalen[0]
    jaar, q = int(eerste[:4]), int(eerste[-1])
    start = (jaar * 4 + q - 1) - AANLOOP_KWARTALEN
    kwartalen = (f"{start // 4}Q{start % 4 + 1}", p.kwartalen[-1])
    say = progress or (lambda _: None)
    shutil.rmtree(werk, ignore_errors=True)
    werk.mkdir(parents=True)

    say("synth at its own places")
    eerste_run = generate(werk / "bij_eigen_plaatsen", seed=seed, kwartalen=kwartalen,
                          centrumgemeenten=centrumgemeenten, schaal=schaal)
    say("ingest into a fresh warehouse")
    ref = load_reference(None)
    con = db.connect(werk / "monitor.duckdb")
    try:
        key = pseudonym.load_or_create_key(werk / "pseudoniem.key")
        run = ingest_into(con, find_files([werk / "bij_eigen_plaatsen"]), key, ref)
        if run.exit_code != 0:
            raise RuntimeError("synth's files did not load cleanly; see the ingest report")
        model = capaciteit(con, p, doel=doel, simulatie=True)
    finally:
        con.close()
    gekozen = set(centrumgemeenten) if centrumgemeenten else None
    gebieden = [g for g in model["gebieden"]
                if gekozen is None or g["centrumgemeente"] in gekozen]
    waar = _waarheid(eerste_run, p)

    say("synth again at the places the model says are needed")
    nodig = {}
    for g in gebieden:
        if g["benodigde_plaatsen"] is not None:
            nodig.setdefault(g["centrumgemeente"], {})[g["opvangvorm"]] = g["benodigde_plaatsen"]
    tweede_run = generate(werk / "bij_benodigde_plaatsen", seed=seed + 1, kwartalen=kwartalen,
                          centrumgemeenten=sorted(nodig), plaatsen=nodig, schaal=schaal)
    waar_nodig = _waarheid(tweede_run, p)

    rows = []
    for g in gebieden:
        key_ = (g["centrumgemeente"], g["opvangvorm"])
        t = waar.loc[key_] if key_ in waar.index else None
        t2 = waar_nodig.loc[key_] if key_ in waar_nodig.index else None
        vorm = g["opvangvorm"]
        per_dag = (g["aankomsten_per_dag"] or 0) + (g.get("doorstroom_per_dag") or 0)
        rows.append({
            "centrumgemeente": g["centrumgemeente"], "opvangvorm": vorm,
            "plaatsen": g["plaatsen"],
            "aanvragen_synth": None if t is None else int(t["aanvragen"]),
            "aanvragen_model": round(per_dag * p.days),
            "gemist_synth": None if t is None else _aandeel_gemist(t, vorm),
            "gemist_model": g.get("verwacht_bij_plaatsen"),
            "gemist_simulatie": (g["simulatie"] or {}).get("gemist_bij_plaatsen"),
            "benodigde_plaatsen": g["benodigde_plaatsen"],
            "gemist_synth_bij_benodigde": None if t2 is None else _aandeel_gemist(t2, vorm),
            "doel_gemist_max": (doel.afgewezen_max if vorm == "crisisopvang"
                                else 1 - doel.binnen_aandeel),
        })
    return pd.DataFrame(rows)


def tabel(df: pd.DataFrame) -> str:
    """The validation as the markdown table in docs/capaciteit.md, plus the sums over the
    areas (each area's shares weighted by its requests)."""
    def pct(x) -> str:
        return "-" if x is None or pd.isna(x) else f"{x:.1%}"

    def n(x) -> str:
        return "-" if x is None or pd.isna(x) else f"{x:.0f}"

    lines = ["| centrumgemeente | opvangvorm | plaatsen | aanvragen (synth / model) | "
             "gemist: synth | gemist: formule | gemist: simulatie | benodigd | "
             "gemist bij benodigd (synth) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in df.itertuples():
        lines.append(f"| {r.centrumgemeente} | {r.opvangvorm} | {n(r.plaatsen)} | "
                     f"{n(r.aanvragen_synth)} / {n(r.aanvragen_model)} | {pct(r.gemist_synth)} | "
                     f"{pct(r.gemist_model)} | {pct(r.gemist_simulatie)} | "
                     f"{n(r.benodigde_plaatsen)} | "
                     f"{pct(r.gemist_synth_bij_benodigde)} |")
    for vorm, g in df.groupby("opvangvorm"):
        w = g["aanvragen_synth"].fillna(0)
        lines.append(
            f"| **alle {len(g)}** | {vorm} | {n(g['plaatsen'].sum())} | {n(w.sum())} / "
            f"{n(g['aanvragen_model'].sum())} | {pct((g['gemist_synth'] * w).sum() / w.sum())} | "
            f"{pct((g['gemist_model'] * w).sum() / w.sum())} | "
            f"{pct((g['gemist_simulatie'] * w).sum() / w.sum())} | "
            f"{n(g['benodigde_plaatsen'].sum())} | "
            f"{pct((g['gemist_synth_bij_benodigde'] * w).sum() / w.sum())} |")
    return "\n".join(lines)
