"""Derive the default centrumgemeente membership (run once; its output is shipped).

The official list of which municipalities belong to which centrumgemeente area
vrouwenopvang was not available (see SOURCES.md). What is known: each area lies inside one
Veilig Thuis-regio, and every Veilig Thuis-regio holds at least one of the 35. So each
municipality goes to a centrumgemeente of its own Veilig Thuis-regio:

- ``enige_in_vt``: the region holds one centrumgemeente; all its municipalities belong to it
  (17 of the 25 regions: solid).
- ``ggd``: the region holds several, and the municipality's GGD-regio holds exactly one of
  them (Oost-Brabant: GGD Hart voor Brabant -> 's-Hertogenbosch).
- ``dichtstbij``: otherwise the nearest of the candidates (those in its GGD-regio when there
  are any, else all of the region): the shortest distance from the municipality's centroid
  to the centrumgemeente's boundary (2025 boundaries, equirectangular projection at 52.2 N,
  accurate to well under a percent across the Netherlands): a guess, and said so. Not
  centroid to centroid: Rotterdam's centroid lies far west in its port, which would hand
  Capelle, Krimpen and Ridderkerk to Vlaardingen.

A centrumgemeente always belongs to its own area. Every row is marked ``bron = afgeleid``
and carries its ``methode``, so no one mistakes it for the official list.

Usage: python schemas/reference/derive_membership.py  (rewrites lidmaatschap_2025_afgeleid.csv)
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAT0 = math.radians(52.2)


def ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid of one ring (shoelace), in projected km-ish units."""
    pts = [(x * math.cos(LAT0), y) for x, y in ring]
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2
    if a == 0:
        return 0.0, pts[0][0], pts[0][1]
    return a, cx / (6 * a), cy / (6 * a)


def centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid of a (Multi)Polygon; holes subtract."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [
        geometry["coordinates"]]
    total = sx = sy = 0.0
    for poly in polygons:
        for i, ring in enumerate(poly):
            a, x, y = ring_centroid(ring)
            a = abs(a) * (1 if i == 0 else -1)
            total += a
            sx += a * x
            sy += a * y
    return sx / total, sy / total


def boundary_points(geometry: dict) -> list[tuple[float, float]]:
    """Every vertex of a (Multi)Polygon, projected as the centroids are."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [
        geometry["coordinates"]]
    return [(x * math.cos(LAT0), y) for poly in polygons for ring in poly for x, y in ring]


def main() -> None:
    with (HERE / "gemeenten_2025.csv").open(encoding="utf-8") as fh:
        gemeenten = list(csv.DictReader(fh))
    with (HERE / "centrumgemeenten_2025.csv").open(encoding="utf-8") as fh:
        cgs = [c["gm_code"] for c in csv.DictReader(fh)]
    with (HERE / "gemeente_veiligthuis_ggd_2025.csv").open(encoding="utf-8") as fh:
        regio = {r["gemeentecode"]: (r["veiligthuisregio_code"], r["ggdregio_code"])
                 for r in csv.DictReader(fh)}
    geo = json.loads((HERE / "gemeente_2025_wgs84.geojson").read_text(encoding="utf-8"))
    centre = {f["id"]: centroid(f["geometry"]) for f in geo["features"]}
    boundary = {f["id"]: boundary_points(f["geometry"]) for f in geo["features"]}
    rows = []
    for g in gemeenten:
        code = g["gm_code"]
        vt, ggd = regio[code]
        in_vt = [c for c in cgs if regio[c][0] == vt]
        in_ggd = [c for c in in_vt if regio[c][1] == ggd]
        if code in cgs:
            best, methode = code, "eigen"
        elif len(in_vt) == 1:
            best, methode = in_vt[0], "enige_in_vt"
        elif len(in_ggd) == 1:
            best, methode = in_ggd[0], "ggd"
        else:
            candidates = in_ggd or in_vt
            best = min(candidates, key=lambda c: (
                min(math.dist(centre[code], b) for b in boundary[c]),
                math.dist(centre[code], centre[c])))
            methode = "dichtstbij"
        if code in cgs and len(in_vt) == 1:
            methode = "enige_in_vt"
        rows.append({"gm_code": code, "centrumgemeente": best, "bron": "afgeleid",
                     "methode": methode})
    out = HERE / "lidmaatschap_2025_afgeleid.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["gm_code", "centrumgemeente", "bron", "methode"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    counts = {m: sum(r["methode"] == m for r in rows) for m in sorted({r["methode"] for r in rows})}
    print(f"wrote {out} ({len(rows)} municipalities: {counts})")


if __name__ == "__main__":
    main()
