"""The protected release of a period as one long table, for Excel, Power BI or R.

One row per published number: ``periode, scope, tabel, rij, kolom, waarde, onderdrukt``.
It is built from the :class:`pipeline.share.release.Release` the reports are built from, so
it holds the same numbers (a hidden count is a row with ``onderdrukt`` true and no value,
never the count), and the shares and rates by the same functions the reports and the site
use. The unprotected figures never pass through here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.share.disclosure import MARK, TOTAAL
from pipeline.share.release import TOTAL_OF, Release, scope_row
from pipeline.share.safe_output import neutralise
from pipeline.share.site import INDICATOREN

#: The export's row for the bezettingsgraad of P over both residential forms.
BEIDE = "opvang_met_verblijf"
KOLOMMEN = ["periode", "scope", "tabel", "rij", "kolom", "waarde", "onderdrukt"]


def lange_tabel(release: Release) -> pd.DataFrame:
    """Every number of the release's 36 scopes, long: the count tables (kolom 'aantal'),
    the quarterly series (kolom the quarter), the shares (kolom 'aandeel', a fraction), the
    rates per 10,000 inhabitants, the places (delivered, needed and its interval) and the
    bezettingsgraad (per residential form and quarter, and of P over both forms), all as the
    release holds them."""
    periode = str(release.periode)
    scopes = release.scopes
    rows: list[tuple] = []

    def add(scope: str, tabel: str, rij: str, kolom: str, v) -> None:
        hidden = v == MARK
        waarde = None if hidden or v is None else float(v)
        if not hidden and waarde is None:
            return  # not shown at all (no base, or a rule says no): no row, as in the reports
        rows.append((periode, scope, tabel, rij, kolom, waarde, hidden))

    for scope in scopes:
        for group, table in release.tables.items():
            for measure, v in scope_row(table, scope).items():
                add(scope, group, TOTAL_OF[group] if measure == TOTAAL else measure, "aantal",
                    v)
        for measure, table in release.series.items():
            for kwartaal, v in scope_row(table, scope).items():
                add(scope, "per_kwartaal", measure, kwartaal, v)
        for key, ind in INDICATOREN.items():
            v = ind.waarde(release, scope)
            add(scope, "aandelen", key, "aandeel", None if v is None else v[0])
        for measure, rate in release.per_10k[scope].items():
            add(scope, "per_10000_inwoners", measure, "per_10000_inwoners", rate)
        for r in release.plaatsen[scope].itertuples():
            for kolom in ("aangeleverd", "benodigd", "laag", "hoog"):
                v = getattr(r, kolom)
                add(scope, "plaatsen", r.opvangvorm, kolom, None if pd.isna(v) else v)
        for r in release.bezetting[scope].itertuples():
            add(scope, "bezetting", r.opvangvorm, r.kwartaal,
                None if pd.isna(r.bezettingsgraad) else r.bezettingsgraad)
        add(scope, "bezetting", BEIDE, periode, release.bezettingsgraad[scope])
    df = pd.DataFrame(rows, columns=KOLOMMEN)
    df["waarde"] = df["waarde"].astype("Float64")
    df["onderdrukt"] = df["onderdrukt"].astype(bool)
    return df


def write_export(release: Release, path: Path, formaat: str) -> Path:
    """CSV the Dutch way (';' and a decimal comma, UTF-8 with BOM: Excel opens it directly,
    R reads it with read.csv2) or Parquet (typed, for Power BI, R arrow, DuckDB)."""
    df = lange_tabel(release)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if formaat == "csv":
        df["waarde"] = df["waarde"].map(_csv_getal)
        neutralise(df).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    elif formaat == "parquet":
        df.to_parquet(path, index=False)
    else:
        raise ValueError(f"unknown format {formaat!r}: use csv or parquet")
    return path


def _csv_getal(v) -> str:
    """A count as a whole number (116), a share or rate with a decimal comma (0,6966)."""
    if pd.isna(v):
        return ""
    return str(int(v)) if float(v).is_integer() else f"{v:.6g}".replace(".", ",")
