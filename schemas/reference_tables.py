"""Reference data: municipalities, the 35 centrumgemeente areas, old codes, boundaries.

Shipped under ``schemas/reference/`` with sources and years (SOURCES.md there). The
membership of municipalities in centrumgemeente areas is a *derived* default (the
official list was not available); an analyst replaces it with the official CSV via
``--lidmaatschap FILE`` or ``$OPVANGMONITOR_LIDMAATSCHAP``, validated before use.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from schemas.formaat import OPVANGVORMEN, RESIDENTIELE_OPVANGVORMEN

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

GEMEENTEN_FILE = "gemeenten_2025.csv"
CENTRUMGEMEENTEN_FILE = "centrumgemeenten_2025.csv"
CROSSWALK_FILE = "gemeente_crosswalk_to_2025.csv"
DEFAULT_MEMBERSHIP_FILE = "lidmaatschap_2025_afgeleid.csv"
BOUNDARIES_FILE = "gemeente_2025_wgs84.geojson"
BEVOLKING_FILE = "gemeenten_bevolking_2024.csv"
REGIOS_FILE = "gemeente_veiligthuis_ggd_2025.csv"
BUITENLAND = "BUITENLAND"
#: The version of the shipped default, printed on every report's footnote: the 35 of Dutch
#: law, areas derived inside the Veilig Thuis-regio's (see derive_membership.py).
DEFAULT_VERSIE = "2025-wet35-vt-afgeleid"
#: The reference tables ``Reference.install`` writes: part of the warehouse's model version,
#: so a warehouse without one of them is rebuilt before it is read.
TABLES = ("ref_gemeenten", "ref_centrumgemeenten", "ref_crosswalk", "ref_versie",
          "ref_opvangvormen", "ref_bevolking")


def opvangvormen_table() -> pd.DataFrame:
    """The opvangvormen of the delivery format and which are residential, as the table the
    models join to (``ref_opvangvormen``): the SQL reads it, never its own list."""
    return pd.DataFrame({"opvangvorm": list(OPVANGVORMEN),
                         "residentieel": [v in RESIDENTIELE_OPVANGVORMEN for v in OPVANGVORMEN]})


class ReferenceDataError(ValueError):
    """Reference data that cannot be used; the message names file, row and fix."""


@dataclass(frozen=True)
class Reference:
    """The active reference data (immutable; build it with :func:`load_reference`)."""

    versie: str
    gemeenten: pd.DataFrame          # gm_code, gm_naam, provincie, centrumgemeente, bron
    centrumgemeenten: pd.DataFrame   # gm_code, gm_naam, provincie, status
    crosswalk: dict[str, str] = field(repr=False)  # any known code -> 2025 code
    boundaries_path: Path = field(default=REFERENCE_DIR / BOUNDARIES_FILE)

    @property
    def centrumgemeente_codes(self) -> frozenset[str]:
        return frozenset(self.centrumgemeenten["gm_code"])

    @property
    def lidmaatschap(self) -> dict[str, str]:
        """Municipality (2025 code) -> the centrumgemeente of its area; a centrumgemeente
        maps to itself, so the values are exactly the 35."""
        return dict(zip(self.gemeenten["gm_code"], self.gemeenten["centrumgemeente"],
                        strict=True))

    def to_current(self, code: str) -> str | None:
        """'GM0501' -> 'GM1992'; a current code -> itself; BUITENLAND stays; unknown -> None."""
        if code == BUITENLAND:
            return BUITENLAND
        return self.crosswalk.get(code)

    def is_known_municipality(self, code: str) -> bool:
        return code in self.crosswalk

    def to_json(self) -> dict:
        """Exactly the shape of ``referentie --json`` in cli.md."""
        return {
            "versie": self.versie,
            "centrumgemeenten": self.centrumgemeenten[["gm_code", "gm_naam", "status"]]
            .to_dict("records"),
            "gemeenten": self.gemeenten[["gm_code", "gm_naam", "provincie", "centrumgemeente",
                                         "bron"]].to_dict("records"),
        }

    def summary_text(self) -> str:
        counts = self.gemeenten.groupby("centrumgemeente").size()
        lines = [f"Reference data version: {self.versie}",
                 f"{len(self.gemeenten)} municipalities (2025) in "
                 f"{len(self.centrumgemeenten)} centrumgemeente areas.", ""]
        lines.append(f"{'code':<8}{'centrumgemeente':<20}{'provincie':<15}{'status':<11}"
                     f"{'VT-regio':<10}members  how assigned")
        for r in self.centrumgemeenten.sort_values("gm_code").itertuples():
            leden = self.gemeenten[self.gemeenten["centrumgemeente"] == r.gm_code]
            hoe = ", ".join(f"{n} {m}" for m, n in leden["methode"].value_counts()
                            .sort_index().items())
            lines.append(f"{r.gm_code:<8}{r.gm_naam:<20}{r.provincie:<15}{r.status:<11}"
                         f"{r.veiligthuisregio:<10}{int(counts.get(r.gm_code, 0)):>7}  {hoe}")
        confirmed = self.centrumgemeenten[self.centrumgemeenten["status"] == "confirmed"]
        lines.append("")
        lines.append(f"{len(confirmed)} of {len(self.centrumgemeenten)} centrumgemeenten are "
                     "confirmed by Dutch law (BWBR0018516 bijlage B, BWBR0020379 bijlage B, "
                     "BWBR0027383 bijlage 3; the source column names the text of each).")
        methode = self.gemeenten["methode"].value_counts()
        if (self.gemeenten["bron"] == "afgeleid").any():
            lines.append(
                "Memberships are derived, not official: each municipality to a centrumgemeente "
                "of its own Veilig Thuis-regio: "
                f"{int(methode.get('enige_in_vt', 0))} where the region holds one "
                f"(enige_in_vt), {int(methode.get('ggd', 0))} split by GGD-regio (ggd), "
                f"{int(methode.get('dichtstbij', 0))} the nearest of several (dichtstbij: a "
                f"guess), {int(methode.get('eigen', 0))} centrumgemeenten in their own area. "
                "Pass the official list with --lidmaatschap FILE (columns "
                "gm_code,centrumgemeente).")
        return "\n".join(lines)

    def install(self, con: duckdb.DuckDBPyConnection) -> None:
        """(Re)write the reference tables the models join to."""
        cross = pd.DataFrame(sorted(self.crosswalk.items()), columns=["old_code", "gm_code_2025"])
        frames = (self.gemeenten, self.centrumgemeenten, cross,
                  pd.DataFrame({"versie": [self.versie]}), opvangvormen_table(), bevolking())
        for name, df in zip(TABLES, frames, strict=True):
            con.register("_ref", df)
            try:
                con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _ref")
            finally:
                con.unregister("_ref")


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


@functools.cache
def bevolking() -> pd.DataFrame:
    """Inhabitants, men and women per 2025 municipality on 2024-01-01 (CBS via PDOK,
    ``gemeenten_bevolking_2024.csv``): gm_code, inwoners, mannen, vrouwen, jaar."""
    df = _read(BEVOLKING_FILE)[["gm_code", "inwoners", "mannen", "vrouwen", "jaar"]]
    return df.astype({"inwoners": int, "mannen": int, "vrouwen": int, "jaar": int})


@functools.cache
def _base() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    gemeenten = _read(GEMEENTEN_FILE)[["gm_code", "gm_naam", "provincie"]]
    cgs = _read(CENTRUMGEMEENTEN_FILE)[["gm_code", "gm_naam", "provincie", "status",
                                        "veiligthuisregio", "source"]]
    cw = _read(CROSSWALK_FILE)
    crosswalk = {c: c for c in gemeenten["gm_code"]}
    for old, new in zip(cw["old_code"], cw["gm_code_2025"], strict=True):
        if new:
            crosswalk.setdefault(old, new)
    return gemeenten, cgs, crosswalk


@functools.cache
def _load(membership: Path | None) -> Reference:
    gemeenten, cgs, crosswalk = _base()
    if membership is None:
        members = _read(DEFAULT_MEMBERSHIP_FILE)
        versie = DEFAULT_VERSIE
    else:
        members = read_membership(membership, gemeenten, cgs, crosswalk)
        digest = hashlib.sha256(membership.read_bytes()).hexdigest()[:12]
        versie = f"2025+{membership.name}@{digest}"
    table = gemeenten.merge(members[["gm_code", "centrumgemeente", "bron", "methode"]],
                            on="gm_code", how="left", validate="one_to_one")
    return Reference(versie, table, cgs, crosswalk)


def load_reference(membership: Path | str | None = None) -> Reference:
    """The active reference data: the shipped default, or with an official membership file."""
    return _load(Path(membership).resolve() if membership else None)


def read_membership(path: Path, gemeenten: pd.DataFrame, cgs: pd.DataFrame,
                    crosswalk: dict[str, str]) -> pd.DataFrame:
    """Read and validate an official membership CSV (columns gm_code, centrumgemeente).

    Every 2025 municipality must be in exactly one area, every code must be known, every
    area must be one of the 35 centrumgemeenten, and each centrumgemeente in its own area.
    """
    if not path.exists():
        raise ReferenceDataError(f"{path}: no such file. Give the official membership CSV with "
                             "columns gm_code,centrumgemeente.")
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    df = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding="utf-8-sig")
    df.columns = [c.strip().lower().replace(" ", "_") for c in df.columns]
    missing = {"gm_code", "centrumgemeente"} - set(df.columns)
    if missing:
        raise ReferenceDataError(
            f"{path}: column(s) {', '.join(sorted(missing))} missing. The file "
            "needs the columns gm_code,centrumgemeente.")
    df["gm_code"] = df["gm_code"].str.strip().str.upper()
    df["centrumgemeente"] = df["centrumgemeente"].str.strip().str.upper()
    df["regel"] = range(2, len(df) + 2)
    problems = []
    current = set(gemeenten["gm_code"])
    cg_codes = set(cgs["gm_code"])
    for r in df.itertuples():
        if r.gm_code not in crosswalk:
            problems.append(f"row {r.regel}: {r.gm_code} is not a known municipality code")
        elif r.gm_code not in current:
            problems.append(f"row {r.regel}: {r.gm_code} is a former municipality (now "
                            f"{crosswalk[r.gm_code]}); list the current code")
        if r.centrumgemeente not in cg_codes:
            problems.append(f"row {r.regel}: {r.centrumgemeente} is not one of the 35 "
                            "centrumgemeenten")
    dup = df[df["gm_code"].duplicated(keep=False)]
    for code, grp in dup.groupby("gm_code"):
        rows = ", ".join(map(str, grp["regel"]))
        problems.append(f"{code} appears more than once (rows {rows}); each municipality must "
                        "belong to exactly one area")
    absent = sorted(current - set(df["gm_code"]))
    if absent:
        shown = ", ".join(absent[:10]) + (" ..." if len(absent) > 10 else "")
        problems.append(f"{len(absent)} municipalities are in no area: {shown}")
    own = dict(zip(df["gm_code"], df["centrumgemeente"], strict=False))
    for cg in sorted(cg_codes):
        if cg in own and own[cg] != cg:
            problems.append(f"centrumgemeente {cg} is placed in the area of {own[cg]}; each "
                            "centrumgemeente belongs to its own area")
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ReferenceDataError(f"{path} cannot be used as membership list:\n  {shown}{more}")
    df["bron"] = "officieel:" + path.name
    df["methode"] = "officieel"
    return df[["gm_code", "centrumgemeente", "bron", "methode"]]
