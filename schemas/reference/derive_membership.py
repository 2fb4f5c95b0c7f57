"""Derive the default centrumgemeente membership (run once; its output is shipped).

The official list of which municipalities belong to which centrumgemeente area
vrouwenopvang was not available (see SOURCES.md). Default: each municipality belongs
to the nearest centrumgemeente *in its own province*, by the distance between the
centroids of their 2025 boundaries (equirectangular projection at 52.2 N, which is
accurate to well under a percent across the Netherlands). Every row is marked
``bron = afgeleid`` so no one mistakes it for the official list.

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


def main() -> None:
    with (HERE / "gemeenten_2025.csv").open(encoding="utf-8") as fh:
        gemeenten = list(csv.DictReader(fh))
    with (HERE / "centrumgemeenten_2025.csv").open(encoding="utf-8") as fh:
        cgs = list(csv.DictReader(fh))
    geo = json.loads((HERE / "gemeente_2025_wgs84.geojson").read_text(encoding="utf-8"))
    centre = {f["id"]: centroid(f["geometry"]) for f in geo["features"]}
    rows = []
    for g in gemeenten:
        candidates = [c for c in cgs if c["provincie"] == g["provincie"]]
        x, y = centre[g["gm_code"]]
        best = min(candidates, key=lambda c: math.dist((x, y), centre[c["gm_code"]]))
        rows.append({"gm_code": g["gm_code"], "centrumgemeente": best["gm_code"],
                     "bron": "afgeleid"})
    out = HERE / "lidmaatschap_2025_afgeleid.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["gm_code", "centrumgemeente", "bron"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {out} ({len(rows)} municipalities)")


if __name__ == "__main__":
    main()
