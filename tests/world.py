"""A tiny synthetic world built in code, with answers that can be worked out by hand.

Projected CRS: WGS 84 / UTM 41N (EPSG:32641), metres. Origin O = (500000, 3860000),
about 34.88 N, 63.00 E (near Qala-i-Naw). Four 20 km x 20 km square districts in two
provinces::

      y=40km +-----------+-----------+
             | 101 Alpha | 102 Kohist|   province "1" North
      y=20km +-----------+-----------+
             | 201 Kohist| 202 Delta |   province "2" South
      y=0    +-----------+-----------+
            x=0        x=20km      x=40km

"Kohistan" is the name of both 102 and 201 (duplicate district names across provinces,
as in the real 398 set). Shared edges: 101|102 and 201|202 are 20 km vertical edges at
x=20km; 101/201 and 102/202 are 20 km horizontal edges at y=20km. Every district is
400 km2, every province 800 km2.

Cities: "Capital" at the centre of 201 (x=10km, y=10km) and "Border Town" at the centre
of 102 (x=30km, y=30km).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geofront.boundaries import AdminBoundaries

UTM = "EPSG:32641"
X0, Y0 = 500_000.0, 3_860_000.0
KM = 1000.0

DISTRICTS = (
    # id, name, province id, province, (col, row) of the lower-left corner in 20 km steps
    ("101", "Alpha", "1", "North", (0, 1)),
    ("102", "Kohistan", "1", "North", (1, 1)),
    ("201", "Kohistan", "2", "South", (0, 0)),
    ("202", "Delta", "2", "South", (1, 0)),
)


def xy(x_km: float, y_km: float) -> tuple[float, float]:
    """Return UTM coordinates of a point given in km from the origin."""
    return X0 + x_km * KM, Y0 + y_km * KM


def square(col: int, row: int, size_km: float = 20.0) -> shapely.Polygon:
    x, y = xy(col * size_km, row * size_km)
    return shapely.box(x, y, x + size_km * KM, y + size_km * KM)


def districts_frame() -> gpd.GeoDataFrame:
    rows = [
        {"district_id": d, "district": n, "province_id": p, "province": pn, "geometry": square(*cr)}
        for d, n, p, pn, cr in DISTRICTS
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=UTM)


def world(crs: str = UTM) -> AdminBoundaries:
    """Return the synthetic world as :class:`AdminBoundaries` in ``crs``."""
    d = districts_frame().set_index("district_id", drop=False)
    d.index.name = None
    p = d.dissolve(by="province_id", as_index=False, sort=True)[
        ["province_id", "province", "geometry"]
    ]
    p = p.set_index("province_id", drop=False)
    p.index.name = None
    b = AdminBoundaries(d, p, "synthetic")
    return b if crs == UTM else b.to_crs(crs)


def lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    """Return (lon, lat) of a point given in km from the origin."""
    pt = gpd.GeoSeries([shapely.Point(*xy(x_km, y_km))], crs=UTM).to_crs("EPSG:4326").iloc[0]
    return pt.x, pt.y


def cities() -> gpd.GeoDataFrame:
    """Two cities as points in UTM."""
    return gpd.GeoDataFrame(
        {"name": ["Capital", "Border Town"], "district_id": ["201", "102"]},
        geometry=[shapely.Point(*xy(10, 10)), shapely.Point(*xy(30, 30))],
        crs=UTM,
    )


def events_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """Build canonical events from rows giving at least ``x_km``, ``y_km``.

    Defaults fill the rest of the canonical schema (see :mod:`geofront.schema`):
    ids ``e1``, ``e2``..., date 2021-07-01, a battle between an insurgent and a
    government actor, exact location, 0 fatalities.
    """
    out = []
    for i, r in enumerate(rows, start=1):
        lon, lat = lonlat(r["x_km"], r["y_km"])
        base = {
            "event_id": f"e{i}",
            "date": pd.Timestamp("2021-07-01"),
            "date_end": None,
            "date_precision": "day",
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "actor1": "Taliban",
            "actor2": "Military Forces of Afghanistan (2004-2021)",
            "side1": "insurgent",
            "side2": "government",
            "fatalities": 0,
            "location_precision": "exact",
            "latitude": lat,
            "longitude": lon,
            "source_dataset": "csv",
            "source_row": i,
        }
        base.update({k: v for k, v in r.items() if k not in ("x_km", "y_km")})
        if base["date_end"] is None:
            base["date_end"] = base["date"]
        out.append(base)
    frame = pd.DataFrame(out)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["date_end"] = pd.to_datetime(frame["date_end"])
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs="EPSG:4326"
    )
